"""Whitespace and hyphenation clean-up (normalizers/text.py)."""
from __future__ import annotations

import pytest

from normalizers.text import clean, collapse, dehyphenate, is_known_word, is_page_furniture, join_wrapped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("осуще- ствляющих", "осуществляющих"),
        ("органи-\nзаций", "организаций"),
        ("детей-\nинвалидов", "детей-инвалидов"),
        ("детей- инвалидов", "детей-инвалидов"),
        ("социально-экономического", "социально-экономического"),
        ("без переносов", "без переносов"),
        ("Пермско- го края", "Пермского края"),
        ("об- служивания", "обслуживания"),
        ("самоуправле-ния", "самоуправления"),  # the line break lost, the hyphen kept
        ("Ханты-Мансийский", "Ханты-Мансийский"),
        ("медико-социальной", "медико-социальной"),
        ("кто-нибудь", "кто-нибудь"),  # two words of their own
    ],
)
def test_dehyphenate(text, expected):
    assert dehyphenate(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  a \n\t b  ", "a b"), ("", ""), (None, ""), ("один\u00a0 два", "один два")],
)
def test_collapse(text, expected):
    assert collapse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  осуще-\n ствляющих  органов ", "осуществляющих органов"), ("детей-\nинвалидов\n\n", "детей-инвалидов"),
     (None, "")],
)
def test_clean(text, expected):
    assert clean(text) == expected


@pytest.mark.parametrize(("word", "known"), [("организаций", True), ("органи", False)])
def test_is_known_word(word, known):
    assert is_known_word(word) is known



@pytest.mark.parametrize(("before", "after", "joined"), [
    ("республикан", "ский бюджет", "республиканский бюджет"),  # a word a narrow cell broke
    ("республ иканск", "ий бюджет", "республиканский бюджет"),  # over three lines
    ("1670,92", "2", "1670,922"),  # a fraction cut
    ("2 513 095,52", "2 711 522,63", "2 513 095,52 2 711 522,63"),  # two amounts: never one
    ("1 778", "000", "1 778 000"),  # a wrap at a digit group's space
    ("областной", "бюджет", "областной бюджет"),
    ("по", "мощь", "по мощь"),  # both are words: no guess
    ("граждан -", "потенциальных", "граждан - потенциальных"),  # a spaced dash ends the line, not a hyphen
    ("25 000 -", "внебюджетные", "25 000 - внебюджетные"),
])
def test_join_wrapped(before, after, joined):
    assert join_wrapped(before, after) == joined


@pytest.mark.parametrize(("text", "furniture"), [
    ("12", True),
    ("- 3 -", True),
    ("БТ г", True),  # specks on a scan read as letters
    ("о . ‘", True),
    ("от 14.03.2024 № 112-п", False),
    ("Таблица 2", False),
    ("Итого", False),
])
def test_is_page_furniture(text, furniture):
    assert is_page_furniture(text) is furniture
