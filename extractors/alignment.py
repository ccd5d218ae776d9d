"""The columns of a table ruled across but not down, rebuilt from how its text lines up.

Orders saved with «horizontal borders only», or printed without the outer frame, separate
their rows by rules and their columns only by white space. Given the horizontal rules of
such a table and its text as phrases (the words of one line close enough to be one cell's
text), `implied_verticals` returns the vertical rulings the table would have had: one at
each end of the rules where none is printed and, when no column ruling is printed at all,
one down every gutter (the white channel between columns), broken in the rows where a phrase
crosses it (a heading over several columns, a task row). The readers draw these and find
the cells as in a fully ruled table: pdfplumber on digital pages, OpenCV on scans.

The chain: `rules_to_tables` (stacked rules that make one table) → `column_gutters`
(where the text leaves a channel free) → `implied_verticals`.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Box:
    """A horizontal rule (top == bottom), a vertical one (x0 == x1) or a phrase's box."""

    x0: float
    top: float
    x1: float
    bottom: float


MIN_RULES = 3  # a header and one row need three rules
MIN_TABLE_ROWS = 4  # rows either side of a heading that make two tables of a block of rules, columns aside
HEADING_SLACK = 3.5  # times a row's usual slack around its text: a heading between tables has a paragraph's room
CROSSING_SHARE = 0.2  # of a table's text lines may cross a gutter (headings over columns, task rows)
MIN_CROSSINGS = 2  # however short the table: a heading over two columns may wrap
_OVERLAP = 0.5  # of the shorter rule's length that two rules of one table share


def words_to_phrases(words: list[Box], gap_em: float = 0.6) -> list[Box]:
    """Words of one text line closer than `gap_em` of their height become one phrase:
    the digit groups of «1 250 000» and the words of a title join, the columns stay apart."""
    phrases: list[Box] = []
    for word in sorted(words, key=lambda w: (w.x0, w.top)):
        height = word.bottom - word.top
        for i, phrase in enumerate(phrases):
            same_line = min(phrase.bottom, word.bottom) - max(phrase.top, word.top) > 0.5 * height
            if same_line and word.x0 - phrase.x1 <= gap_em * max(height, phrase.bottom - phrase.top):
                phrases[i] = Box(phrase.x0, min(phrase.top, word.top), max(phrase.x1, word.x1),
                                 max(phrase.bottom, word.bottom))
                break
        else:
            phrases.append(word)
    return phrases


def join_rules(rules: list[Box], tolerance: float) -> list[Box]:
    """Collinear pieces of one rule (a rule drawn cell by cell, or broken by a scan) as one."""
    out: list[Box] = []
    for rule in sorted(rules, key=lambda r: (round(r.top / tolerance), r.x0)):
        last = out[-1] if out else None
        if last and abs(last.top - rule.top) <= tolerance and rule.x0 - last.x1 <= tolerance:
            out[-1] = Box(last.x0, last.top, max(last.x1, rule.x1), last.bottom)
        else:
            out.append(rule)
    return out


def rules_to_tables(rules: list[Box], max_row: float, first_line: float | None = None) -> list[list[Box]]:
    """Rules that stack into one table: each overlaps the table's width and lies within
    `max_row` of the one above; tables of at least `MIN_RULES` rules at different heights,
    or of two where nothing is printed above them (`first_line`, the middle of the page's
    first line of text): the last row of a table the page before began."""
    tables: list[list[Box]] = []
    for rule in sorted(rules, key=lambda r: r.top):
        for table in tables:
            left, right = min(r.x0 for r in table), max(r.x1 for r in table)
            shared = min(right, rule.x1) - max(left, rule.x0)
            if shared >= _OVERLAP * min(right - left, rule.x1 - rule.x0) and rule.top - table[-1].top <= max_row:
                table.append(rule)
                break
        else:
            tables.append([rule])
    def opens_page(table: list[Box]) -> bool:
        return first_line is not None and min(r.top for r in table) <= first_line

    return [t for t in tables if len(_heights(t, 1.0)) >= MIN_RULES or (len(_heights(t, 1.0)) == 2 and opens_page(t))]


def contains(outer: tuple[float, ...], inner: tuple[float, ...], tolerance: float) -> bool:
    """Whether box `inner` (x0, top, x1, bottom) lies within `outer`, give or take `tolerance`."""
    return outer[0] - tolerance <= inner[0] and outer[1] - tolerance <= inner[1] \
        and inner[2] <= outer[2] + tolerance and inner[3] <= outer[3] + tolerance


def _heights(rules: list[Box], tolerance: float) -> list[float]:
    heights: list[float] = []
    for y in sorted(r.top for r in rules):
        if not heights or y - heights[-1] > tolerance:
            heights.append(y)
    return heights


def column_gutters(phrases: list[Box], left: float, right: float, min_width: float,
                   min_lines: int = 2) -> list[tuple[float, float]]:
    """The white channels between the columns of a table's text, each as (start, end): at
    least `min_width` wide, and crossed by few phrases.

    Channels are looked for crossed by no phrase first, then by one, two … up to
    `CROSSING_SHARE` of the text lines; a wider channel that holds one already taken is the
    same gutter. A channel is taken only if the columns either side of it each keep text of
    their own on `min_lines` lines (one for a table of one row, a fragment of a table the
    page before began): a heading centred over the amounts of its column
    leaves a channel between itself and them that is no column boundary."""
    if not phrases or right - left < 3 * min_width:
        return []
    origin = int(np.floor(min(p.x0 for p in phrases)))
    cover = np.zeros(int(np.ceil(max(p.x1 for p in phrases))) - origin + 1, np.int32)
    for p in phrases:
        cover[int(p.x0) - origin:int(np.ceil(p.x1)) - origin + 1] += 1
    channels: list[tuple[int, int]] = []
    gutters: list[tuple[float, float]] = []
    for crossings in range(max(MIN_CROSSINGS, int(CROSSING_SHARE * _line_count(phrases))) + 1):
        for start, end in _runs(cover <= crossings):
            inner = start > 0 and end < len(cover)  # not the table's own margin
            if not inner or end - start < min_width or any(start <= s and e <= end for s, e in channels):
                continue
            channels.append((start, end))
            gutter = (origin + start, origin + end)
            if _keeps_columns(sorted(gutters + [gutter]), gutter, phrases, min_lines):
                gutters.append(gutter)
    return sorted(gutters)


def _keeps_columns(gutters: list[tuple[float, float]], gutter: tuple[float, float], phrases: list[Box],
                   min_lines: int) -> bool:
    """Whether the columns either side of `gutter` each hold phrases on enough lines."""
    bounds = [-np.inf, *((a + b) / 2 for a, b in gutters), np.inf]
    x = (gutter[0] + gutter[1]) / 2
    i = bounds.index(x)
    for lo, hi in ((bounds[i - 1], x), (x, bounds[i + 1])):
        own = [p for p in phrases if lo <= p.x0 and p.x1 <= hi]
        if not own or _line_count(own) < min_lines:
            return False
    return True


def _line_count(phrases: list[Box]) -> int:
    """How many text lines the phrases stand on: centres further apart than half a line."""
    half_line = float(np.median([p.bottom - p.top for p in phrases])) / 2
    centres = sorted((p.top + p.bottom) / 2 for p in phrases)
    return 1 + sum(b - a > half_line for a, b in zip(centres, centres[1:]))


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) of each run of True."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def implied_verticals(rules: list[Box], phrases: list[Box], verticals: list[Box], min_gutter: float,
                      tolerance: float, columns: list[float] | None = None) -> list[Box]:
    """The vertical rulings a table of `rules` lacks, given the `verticals` printed inside it.

    Its two ends get one each where none is printed. Its columns get one down every gutter
    of the `phrases` when no column ruling is printed at all (a table with some is trusted
    to have them all), broken in the rows that a phrase or a heading spans. Rules that
    stack into one block may hold two tables with a heading between them: each gets its
    own columns. The column boundaries of the table it continues (`columns`, the x of each
    on the page before) stand for the gutters of a fragment of one or two rows, too short
    to show its own."""
    left, right = min(r.x0 for r in rules), max(r.x1 for r in rules)
    heights = _heights(rules, tolerance)
    inside = [p for p in phrases if left <= _mid_x(p) <= right and heights[0] <= _mid_y(p) <= heights[-1]]
    # a ruling runs from rule to rule; a letter's stroke or what a seal leaves does not
    verticals = [v for v in verticals if any(v.top <= top + reach and v.bottom >= bottom - reach
                                             for top, bottom in zip(heights, heights[1:])
                                             if (reach := min(tolerance, 0.1 * (bottom - top))) >= 0)]
    inner = [v for v in verticals if left + tolerance < v.x0 < right - tolerance]
    if inner:
        return [end for part in _ruled_parts(heights, inner, inside) for end in _frame(part, rules, verticals, tolerance)]
    out = []
    ends = [x for x in (left, right) if not any(abs(x - v.x0) <= tolerance for v in verticals)]
    for part in _split_at_headings(heights, inside, left, right, min_gutter):
        text = [p for p in inside if part[0] <= _mid_y(p) <= part[-1]]
        rows = sum(any(top <= _mid_y(p) <= bottom for p in text) for top, bottom in zip(part, part[1:]))
        if columns and rows <= 2:
            gutters = [(x, x) for x in columns if left + tolerance < x < right - tolerance]
        else:
            gutters = column_gutters(text, left, right, min_gutter, min_lines=1 if rows <= 2 else 2)
        if gutters:  # rules over text in one column are no table (underlines, a framed heading)
            out += [Box(x, part[0], x, part[-1]) for x in ends]
        for gutter in gutters:
            x = _boundary(gutter, rules, tolerance)
            out += [Box(x, top, x, bottom) for top, bottom in zip(part, part[1:])
                    if not _spanned(x, top, bottom, text, rules, (left, right), tolerance)]
    return out


def _ruled_parts(heights: list[float], verticals: list[Box], phrases: list[Box]) -> list[list[float]]:
    """The rule heights of each table in a block of rules with printed column rulings: a
    row they do not cross is a heading between two tables when it is set as one, else a
    row across the whole table (a task)."""
    headings = _headings(heights, phrases)
    parts: list[list[float]] = []
    for top, bottom in zip(heights, heights[1:]):
        if top not in headings or any(v.top <= (top + bottom) / 2 <= v.bottom for v in verticals):
            if parts and parts[-1][-1] == top:
                parts[-1].append(bottom)
            else:
                parts.append([top, bottom])
    return parts


def _frame(part: list[float], rules: list[Box], verticals: list[Box], tolerance: float) -> list[Box]:
    """The sides of the frame a run of ruled rows lacks: at the ends of its rules."""
    own = [r for r in rules if part[0] - tolerance <= r.top <= part[-1] + tolerance]
    sides = (min(r.x0 for r in own), max(r.x1 for r in own))
    printed = [v.x0 for v in verticals if v.top <= (part[0] + part[-1]) / 2 <= v.bottom]
    return [Box(x, part[0], x, part[-1]) for x in sides if not any(abs(x - p) <= tolerance for p in printed)]


def _boundary(gutter: tuple[float, float], rules: list[Box], tolerance: float) -> float:
    """Where in a gutter the column boundary runs: at the end of a rule that stops there (a
    rule under a heading ends where the heading's cell does), else down its middle."""
    start, end = gutter
    ends = [x for r in rules for x in (r.x0, r.x1) if start - tolerance <= x <= end + tolerance]
    return ends[0] if ends else (start + end) / 2


def _mid_x(box: Box) -> float:
    return (box.x0 + box.x1) / 2


def _mid_y(box: Box) -> float:
    return (box.top + box.bottom) / 2


def _split_at_headings(heights: list[float], phrases: list[Box], left: float, right: float,
                       min_gutter: float) -> list[list[float]]:
    """The rule heights of each table in a block of rules: a row set as a heading (`_headings`)
    splits the block when it has `MIN_TABLE_ROWS` on either side, or the columns above it
    and below it do not fit one table (neither's gutters are among the other's)."""
    headings = _headings(heights, phrases)
    for i, (top, bottom) in enumerate(zip(heights, heights[1:])):
        rows = min(i, len(heights) - 2 - i)
        if top not in headings or rows < 1:
            continue
        above, below = ([sum(g) / 2 for g in column_gutters(part, left, right, min_gutter, min_lines=1)]
                        for part in ([p for p in phrases if _mid_y(p) < top], [p for p in phrases if _mid_y(p) > bottom]))
        fit = not above or not below or _among(above, below, 3 * min_gutter) or _among(below, above, 3 * min_gutter)
        if rows >= MIN_TABLE_ROWS or not fit:
            rest = [h for h in heights if h >= bottom]
            return [[h for h in heights if h <= top]] + _split_at_headings(rest, phrases, left, right, min_gutter)
    return [heights]


def _headings(heights: list[float], phrases: list[Box]) -> set[float]:
    """The top of each row that may be a heading between two tables: one or two lines of
    text alone, with the room of a paragraph around them (more than `HEADING_SLACK` times
    the usual slack between a row's text and its rules; a bold task row has twice or so)."""
    rows = [(top, bottom, [p for p in phrases if top <= _mid_y(p) <= bottom]) for top, bottom in zip(heights, heights[1:])]
    slack = {top: (bottom - top) - (max(p.bottom for p in row) - min(p.top for p in row)) for top, bottom, row in rows if row}
    usual = float(np.median(list(slack.values()))) if slack else 0.0
    return {top for top, _, row in rows
            if row and len(row) <= 2 and _line_count(row) == len(row) and slack[top] > HEADING_SLACK * usual}


def _among(some: list[float], others: list[float], tolerance: float) -> bool:
    return all(any(abs(x - y) <= tolerance for y in others) for x in some)


def _spanned(x: float, top: float, bottom: float, phrases: list[Box], rules: list[Box],
             width: tuple[float, float], tolerance: float) -> bool:
    """Whether the row between `top` and `bottom` has one cell across `x`: a phrase crosses
    it, or a heading stands alone over the columns that the rule under it spans (a rule
    shorter than the table's width, as under «2024 год» over its quarters)."""
    row = [p for p in phrases if top <= _mid_y(p) <= bottom]
    if any(p.x0 < x < p.x1 for p in row):
        return True
    for rule in rules:
        partial = rule.x0 > width[0] + tolerance or rule.x1 < width[1] - tolerance
        if partial and abs(rule.top - bottom) <= tolerance and rule.x0 + tolerance < x < rule.x1 - tolerance:
            over = [p for p in row if rule.x0 <= _mid_x(p) <= rule.x1]
            return not over or (len(over) == 1 and _heads(over[0], rule, x))
    return False


def _heads(phrase: Box, rule: Box, x: float) -> bool:
    """Whether `phrase` is set as a heading over the span of `rule`: centred on it, or at its
    start (left of `x`, the first column boundary inside it); an amount in one column of a
    body row is neither."""
    centred = abs(_mid_x(phrase) - (rule.x0 + rule.x1) / 2) <= 0.15 * (rule.x1 - rule.x0)
    return centred or phrase.x1 < x
