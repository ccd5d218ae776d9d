"""Row codes (normalizers/codes.py)."""
from __future__ import annotations

import pytest

from normalizers.codes import parse_code, rest_after_code, roman_to_int


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
