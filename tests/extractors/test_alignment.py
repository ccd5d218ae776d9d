"""Columns of a table ruled across only, from how its text lines up: small tables laid out by
hand in points, as a digital PDF prints them (9-pt text, rows 16 pt apart)."""
from __future__ import annotations

import pytest

from extractors.alignment import Box, column_gutters, implied_verticals, join_rules, words_to_phrases

LINE = 9  # text height


def phrase(x0: float, x1: float, top: float) -> Box:
    return Box(x0, top, x1, top + LINE)


def rule(y: float, x0: float = 40, x1: float = 400) -> Box:
    return Box(x0, y, x1, y)


# A header row, then three rows: code | title | amount for 2024 | amount for 2025.
HEADER = [phrase(45, 60, 103), phrase(80, 200, 103), phrase(265, 300, 103), phrase(345, 380, 103)]
BODY = [p for top in (119, 135, 151) for p in (phrase(45, 58, top), phrase(80, 240 - top / 2, top),
                                                phrase(270, 302, top), phrase(352, 384, top))]
RULES = [rule(y) for y in (100, 116, 132, 148, 164)]


def xs(boxes: list[Box]) -> list[float]:
    return sorted({round(b.x0) for b in boxes})


def test_words_to_phrases_joins_digit_groups_not_columns():
    words = [Box(270, 0, 275, 9), Box(277.5, 0, 293, 9), Box(310, 0, 330, 9)]  # «1 250» then the next column
    assert words_to_phrases(words) == [Box(270, 0, 293, 9), Box(310, 0, 330, 9)]


def test_join_rules_drawn_cell_by_cell():
    assert join_rules([rule(100, 40, 80), rule(100, 80, 250), rule(100.5, 250, 400)], 3) == [rule(100)]


def test_gutters_between_columns():
    gutters = column_gutters(HEADER + BODY, 40, 400, 4)
    assert [(round(a), round(b)) for a, b in gutters] == [(61, 80), (201, 265), (303, 345)]


def test_heading_over_two_columns_breaks_the_ruling_in_its_row_only():
    """«Объем финансирования» over both amounts: a rule under it spans those columns alone."""
    spanning = [phrase(45, 60, 87), phrase(80, 200, 87), phrase(290, 360, 87)]  # centred over 265..400
    rules = [rule(84)] + [rule(100, 260, 400)] + RULES[1:]
    lines = implied_verticals(rules, spanning + BODY, [], 4, 3)
    between_years = [v for v in lines if 302 < v.x0 < 345]
    assert between_years and all(v.top >= 100 for v in between_years)
    # the header row has three cells; the title's gutter ends where the rule under the heading starts
    assert xs([v for v in lines if v.top < 100]) == [40, 70, 260, 400]


@pytest.mark.parametrize(("verticals", "expected"), [
    ([], [40, 70, 233, 400]),  # ruled across only: both ends and down the middle of every gutter
    ([Box(70, 100, 70, 164), Box(233, 100, 233, 164), Box(323, 100, 323, 164)], [40, 400]),  # no outer frame
    ([Box(x, 100, x, 164) for x in (40, 70, 260, 323, 400)], []),  # fully ruled
])
def test_implied_verticals(verticals, expected):
    lines = implied_verticals(RULES[:1] + RULES, HEADER + BODY, verticals, 4, 3)
    found = sorted({round(v.x0) for v in lines} - {323, 324})  # the gutter between the years: checked below
    assert found == expected


def test_rules_over_one_column_of_text_are_no_table():
    """Underlines of a signature block or a framed heading: no gutter, no table."""
    text = [phrase(60, 300, top) for top in (103, 119, 135)]
    assert implied_verticals(RULES[:4], text, [], 4, 3) == []
