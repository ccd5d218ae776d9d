"""Funding cells → amounts by source (normalizers/money.py, normalizers/sources.py)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from normalizers.money import MoneyPart, mend_scanned_number, parse_amount, read_money_cell
from normalizers.sources import classify_source

D = Decimal


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("0", [(D("0"), "all", "Всего")]),
        ("0,00", [(D("0.00"), "all", "Всего")]),
        ("1 028 000", [(D("1028000"), "all", "Всего")]),
        ("1500 000", [(D("1500000"), "all", "Всего")]),
        ("1 500 000,50", [(D("1500000.50"), "all", "Всего")]),
        ("60 000 краевой бюджет", [(D("60000"), "regional_budget", "краевой бюджет")]),
        ("12500 (краевой бюджет)", [(D("12500"), "regional_budget", "краевой бюджет")]),
        (
            "1 778 000, в том числе 234 400 краевой бюджет; 1 543 600 средства Фонда",
            [(D("1778000"), "all", "Всего"), (D("234400"), "regional_budget", "краевой бюджет"),
             (D("1543600"), "fund_grant", "средства Фонда")],
        ),
        (
            "100 000 – бюджет Ставропольского края (далее – краевой бюджет)",
            [(D("100000"), "regional_budget", "бюджет Ставропольского края")],
        ),
        (
            "4679200 (грант); 3330060 (краевой бюджет)",
            [(D("4679200"), "fund_grant", "грант"), (D("3330060"), "regional_budget", "краевой бюджет")],
        ),
        (
            "490088, в том числе 242 478 краевой бюджет 247 610 средства Фонда",
            [(D("490088"), "all", "Всего"), (D("242478"), "regional_budget", "краевой бюджет"),
             (D("247610"), "fund_grant", "средства Фонда")],
        ),
        ("5 000 собственные средства", [(D("5000"), "own_funds", "собственные средства")]),
        ("300 федеральный бюджет", [(D("300"), "federal_budget", "федеральный бюджет")]),
        ("200 местный бюджет", [(D("200"), "local_budget", "местный бюджет")]),
        ("100 внебюджетные источники", [(D("100"), "extrabudgetary", "внебюджетные источники")]),
        ("50 иные источники", [(D("50"), "other", "иные источники")]),
        ("x", []),
        ("Х", []),
        ("–", []),
        ("", []),
        ("   ", []),
    ],
)
def test_read_money_cell(cell, expected):
    parts = read_money_cell(cell).parts
    assert [(p.amount, p.source, p.label) for p in parts] == expected
    assert all(isinstance(p, MoneyPart) for p in parts)


def test_read_money_cell_keeps_kopecks_exactly():
    (part,) = read_money_cell("0,00").parts
    assert str(part.amount) == "0.00"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1 778,5", [(D("1778500"), "all")]),
        ("250,0 (областной бюджет)", [(D("250000"), "regional_budget")]),
        ("1 200,0, в том числе 200,0 краевой бюджет; 1 000,0 грант",
         [(D("1200000"), "all"), (D("200000"), "regional_budget"), (D("1000000"), "fund_grant")]),
        ("0", [(D("0"), "all")]),
    ],
)
def test_read_money_cell_in_thousands(cell, expected):
    assert [(p.amount, p.source) for p in read_money_cell(cell, scale=1000).parts] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 778 000", D("1778000")),
        ("1778000", D("1778000")),
        ("0,00", D("0.00")),
        ("12,5 тыс. руб.", D("12.5")),
        ("1\u00a0500\u00a0000", D("1500000")),
        ("нет", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("краевой бюджет", "regional_budget"),
        ("областной бюджет", "regional_budget"),
        ("республиканский бюджет", "regional_budget"),
        ("бюджет Калужской области", "regional_budget"),
        ("бюджет Ставропольского края", "regional_budget"),
        ("бюджет субъекта", "regional_budget"),
        ("средства Фонда", "fund_grant"),
        ("грант", "fund_grant"),
        ("Фонд поддержки детей", "fund_grant"),
        ("собственные средства", "own_funds"),
        ("спонсорские средства", "other"),
        ("благотворительные пожертвования", "other"),
        ("иные источники", "other"),
        ("местный бюджет", "local_budget"),
        ("бюджет муниципального образования", "local_budget"),
        ("бюджет города Перми", "local_budget"),
        ("федеральный бюджет", "federal_budget"),
        ("внебюджетные источники", "extrabudgetary"),
        ("внебюджетные средства фонда", "extrabudgetary"),  # first pattern wins
        ("Всего", None),
        ("", None),
        ("краезой бюджет", "regional_budget"),  # a letter misread by OCR
        ("краевоя оюджет", "regional_budget"),
        ("федералвный бюджет", "federal_budget"),
        ("бюджетные ассигнования", None),  # a word of another length is no misspelling
        # a total that announces its parts is the total; the parts are a cell's to name
        ("всего, в том числе федеральный бюджет", None),
        ("Всего, в т.ч.: областной бюджет", None),
        ("итого по мероприятию, из них краевой бюджет", None),
        ("областной бюджет, в том числе:", "regional_budget"),  # a source with parts of its own
        ("краевой бюджет, в том числе средства Фонда", "regional_budget"),
    ],
)
def test_classify_source(label, expected):
    assert classify_source(label) == expected


@pytest.mark.parametrize("label", ["бюджет Республики Карелия", "средства бюджета Республики Татарстан"])
def test_classify_source_republic_budget(label):
    assert classify_source(label) == "regional_budget"


@pytest.mark.parametrize(
    ("cell", "scale", "expected"),
    [
        ("1234,567", 1000, [(D("1234567"), "all", None)]),
        ("12,35", 1_000_000, [(D("12350000"), "all", None)]),
        ("125,0005", 1000, [(D("125000.5"), "all", None)]),
        ("1 250,0, в том числе: областной бюджет – 1 000,0; внебюджетные средства – 250,0", 1000,
         [(D("1250000"), "all", None), (D("1000000"), "regional_budget", None), (D("250000"), "extrabudgetary", None)]),
        ("1 250,0\nв том числе:\nобластной бюджет\n1 000,0\nвнебюджетные средства\n250,0", 1000,
         [(D("1250000"), "all", None), (D("1000000"), "regional_budget", None), (D("250000"), "extrabudgetary", None)]),
        ("областной бюджет – 300", 1, [(D("300"), "regional_budget", None)]),
        ("2019 г. – 100,0; 2020 г. – 120,0", 1000, [(D("100000"), "all", 2019), (D("120000"), "all", 2020)]),
        ("в т.ч. ФБ 10; ОБ 20", 1, [(D("10"), "federal_budget", None), (D("20"), "regional_budget", None)]),
        ("1,5 млн руб.", 1, [(D("1500000"), "all", None)]),  # the cell's own unit over the column's
        ("5 000 руб.", 1000, [(D("5000"), "all", None)]),
        ("12,5 тыс. руб. (областной бюджет)", 1, [(D("12500"), "regional_budget", None)]),
    ],
)
def test_read_money_cell_label_first_years_and_decimals(cell, scale, expected):
    reading = read_money_cell(cell, scale)
    assert reading.problem is None
    assert [(p.amount, p.source, p.year) for p in reading.parts] == expected


@pytest.mark.parametrize(
    ("cell", "scale", "reason"),
    [
        ("в пределах средств на содержание", 1, "is not an amount"),
        ("1234,567", 1, "more decimals than kopecks"),
        ("1.234.567", 1000, "more than one decimal mark"),
        ("300\n100\n200", 1, "names no source"),  # stacked amounts with nothing to say which is which
        ("60 000 краевой бюджет\n5", 1, "names no source"),  # a label belongs to the amount on its line
        ("в пределах средств по закону от 15.12.2024 № 5432-ОЗ", 1, "text with a date"),
        ("50 %", 1, "a percentage"),
    ],
)
def test_what_a_money_cell_cannot_say_is_a_problem_not_a_number(cell, scale, reason):
    reading = read_money_cell(cell, scale)
    assert reason in reading.problem


@pytest.mark.parametrize(("scanned", "mended"), [
    ("©", "0"),
    ("О", "0"),
    ("2.000 000", "2 000 000"),  # a speck between digit groups read as a dot
    ("1 000.000", "1 000 000"),
    ("2:000 000", "2 000 000"),
    ("1. 000 000", "1 000 000"),
    ("1 363:467, в том числе 1 348 467 краевой бюджет", "1 363 467, в том числе 1 348 467 краевой бюджет"),
    ("101.700 средства Фонда", "101 700 средства Фонда"),  # rubles have two decimals at most
    ("5 781841, в том числе 3 806 241 краевой бюджет", "5 781 841, в том числе 3 806 241 краевой бюджет"),
    # what can mean something else is left as it is
    ("1 500 000,50", "1 500 000,50"),
    ("1 778 000, 234 400", "1 778 000, 234 400"),
    ("1 250,0", "1 250,0"),
    ("0 5", "0 5"),
    ("30 000 15 000", "30 000 15 000"),
    ("01.01.2020", "01.01.2020"),
    ("1.1.1", "1.1.1"),
    ("12.5", "12.5"),
])
def test_mend_scanned_number(scanned, mended):
    assert mend_scanned_number(scanned) == mended


def test_punctuation_alone_is_no_label():
    reading = read_money_cell('"2 601 705, в том числе 1 621 505 краевой бюджет; 980 200 средства Фонда')
    assert reading.problem is None
    assert [(p.amount, p.source) for p in reading.parts] == [
        (D("2601705"), "all"), (D("1621505"), "regional_budget"), (D("980200"), "fund_grant")]
