"""Row codes (normalizers/codes.py)."""
from __future__ import annotations

import pytest

from normalizers.codes import parse_code, rest_after_code, roman_to_int, repair_sequence


@pytest.mark.parametrize(
    ("text", "value", "printed", "roman", "garbled", "depth"),
    [
        ("1.2.", "1.2", "1.2.", False, False, 2),
        ("1.2. Организация работы", "1.2", "1.2.", False, False, 2),
        ("IV.", "4", "IV.", True, False, 1),
        ("VI. Раздел", "6", "VI.", True, False, 1),
        ("3.б.", "3.6", "3.б.", False, True, 2),
        ("з.1", "3.1", "з.1", False, True, 2),
        ("4.1.1", "4.1.1", "4.1.1", False, False, 3),
        ("12.3", "12.3", "12.3", False, False, 2),
        ("1. 2.", "1.2", "1. 2.", False, False, 2),
        ("10", "10", "10", False, False, 1),
        ("9.}", "9.?", "9.}", False, True, 2),  # a number OCR read as a bracket: unknown
        ("6.” Организация", "6.?", "6.”", False, True, 2),
        ("2.1)", "2.1", "2.1)", False, True, 2),
        ("1.8:", "1.8", "1.8:", False, True, 2),  # the closing dot read as a colon
        ("12,", "12", "12,", False, True, 1),
    ],
)
def test_parse_code(text, value, printed, roman, garbled, depth):
    code = parse_code(text)
    assert code is not None
    assert (code.value, code.printed, code.roman, code.garbled, code.depth) == (value, printed, roman, garbled, depth)


@pytest.mark.parametrize("text", ["Создание условий", "2020 год", "", "Задача 1"])
def test_parse_code_none(text):
    assert parse_code(text) is None


@pytest.mark.parametrize(
    ("text", "rest"),
    [("1.2. Организация работы", "Организация работы"), ("IV. Информирование:", "Информирование"), ("4.1.1", "")],
)
def test_rest_after_code(text, rest):
    assert rest_after_code(text, parse_code(text)) == rest


@pytest.mark.parametrize(("roman", "value"), [("I", 1), ("IV", 4), ("IX", 9), ("XIV", 14), ("xl", 40)])
def test_roman_to_int(roman, value):
    assert roman_to_int(roman) == value


@pytest.mark.parametrize("codes,expected", [
    ([None, "2", "3"], ["1", "2", "3"]),
    (["4.3", None, "54", "5.2"], ["4.3", "5", "5.1", "5.2"]),  # «5.1.» read as «54», «5.» lost
    (["1.6", "1.17", "1.8"], ["1.6", "1.7", "1.8"]),
    (["1.9", "2.1", "2.2"], ["1.9", "2.1", "2.2"]),  # a new section's first measure fits
    (["1.1", "1.3", "1.4"], ["1.1", "1.3", "1.4"]),  # a real gap is kept
    (["1.1", "1.2", "1.3", "2.2"], ["1.1", "1.2", "1.3", "2.2"]),
    (["8.7", "9.?", "9.2"], ["8.7", "9.1", "9.2"]),  # the unreadable number the numbering gives
    (["2.2", "31", "32", "3.3"], ["2.2", "3.1", "3.2", "3.3"]),  # dots OCR lost
    (["11", "1.2"], ["1.1", "1.2"]),
    (["7.5", "1.6", "77", "7.8"], ["7.5", "7.6", "7.7", "7.8"]),
    (["10", "11", "12"], ["10", "11", "12"]),  # a numbering of its own: kept
    (["1.17", "1.2", "1.3"], ["1.1", "1.2", "1.3"]),  # «1.1.» with its dot read as a digit
    (["6.2", "6.3", "7.71"], ["6.2", "6.3", "7.1"]),
    (["3.2", "3.31", "3.4"], ["3.2", "3.3", "3.4"]),
    (["1.15", "1.17", "1.18"], ["1.15", "1.17", "1.18"]),  # a real gap is kept
    (["5.2", "6.?", "6.4"], ["5.2", "6.?", "6.4"]),  # 6.1, 6.2 or 6.3: left unknown
])
def test_repair_sequence(codes, expected):
    assert repair_sequence(codes) == expected
