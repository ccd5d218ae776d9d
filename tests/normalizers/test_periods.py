"""Dates and reporting periods (normalizers/periods.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from normalizers.periods import (deadline_bounds, month_number, parse_date, parse_period_label, parse_programme_years,
                                 parse_year_range, period_bounds)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.12.2019", dt.date(2019, 12, 31)),
        ("5 августа 2020", dt.date(2020, 8, 5)),
        ("«27» июня 2025 г.", dt.date(2025, 6, 27)),
        ("1 мая 2021", dt.date(2021, 5, 1)),
        ("3 марта 2022", dt.date(2022, 3, 3)),
        ("до 1 октября 2025 года", dt.date(2025, 10, 1)),
        ("с 01.09.2020 по 31.12.2020", dt.date(2020, 9, 1)),  # the first date printed
        ("от 22 августа 2023 г. № 290-р, изм. 01.02.2024", dt.date(2023, 8, 22)),
        ("31.02.2020", None),  # no such day
        ("без даты", None),
        ("2021 год", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("января", 1), ("май", 5), ("мая", 5), ("марта", 3), ("декабрь", 12), ("масло", None)],
)
def test_month_number(word, expected):
    assert month_number(word) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("I кв. 2020", "2020-Q1"),
        ("IV квартал 2023", "2023-Q4"),
        ("3 кв. 2021", "2021-Q3"),
        ("II полугодие 2025 года", "2025-H2"),
        ("1 полугодие 2022 г.", "2022-H1"),
        ("2021 год", "2021"),
        ("2022 г.", "2022"),
        ("2020-2021 годы", None),  # two years: not one period
        ("Наименование показателя", None),
        ("И ка. 2021", "2021-Q2"),  # «II кв.» on a blurred scan: «в» closed up into «а»
        ("И полугодме 2025 года", "2025-H2"),  # «полугодие», «и» closed up
        ("111 кв. 2020", "2020-Q3"), ("11 полугодие 2020", "2020-H2"), ("l кв. 2020", "2020-Q1"),  # I as 1 or l
        ("Ш кв. 2024", "2024-Q3"), ("Г кв. 2024", "2024-Q1"),
    ],
)
def test_parse_period_label(label, expected):
    assert parse_period_label(label) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("на 2020-2021 годы", (2020, 2021)),
        ("2016-2017 гг.", (2016, 2017)),
        ("2023 — 2025 г.г.", (2023, 2025)),
        ("2021–2020 годы", None),  # reversed
        ("2020 год", None),
    ],
)
def test_parse_year_range(text, expected):
    assert parse_year_range(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Комплекс мер на 2025-2026 годы", (2025, 2026)),
    ("План мероприятий на 2025 год", (2025, 2025)),
    ("ПЛАН НА 2024 Г.", (2024, 2024)),
    ("утвержден в 2025 году", None),  # a year something happened in, not one it is for
    ("на 2025 годовой отчет", None),
])
def test_parse_programme_years(text, expected):
    assert parse_programme_years(text) == expected


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        ("2020-2021 г.г.", (dt.date(2020, 1, 1), dt.date(2021, 12, 31))),
        ("2023 год", (dt.date(2023, 1, 1), dt.date(2023, 12, 31))),
        ("в течение 2020 - 2022 годов", (dt.date(2020, 1, 1), dt.date(2022, 12, 31))),
        ("до 1 октября 2025 года", (None, dt.date(2025, 10, 1))),
        ("31.12.2020", (dt.date(2020, 12, 31), dt.date(2020, 12, 31))),
        ("ежегодно", (None, None)),
        ("март 2024 г.", (dt.date(2024, 3, 1), dt.date(2024, 3, 31))),
        ("II квартал 2024 г.", (dt.date(2024, 4, 1), dt.date(2024, 6, 30))),
        ("июнь-август 2025 г.", (dt.date(2025, 6, 1), dt.date(2025, 8, 31))),
        ("I полугодие 2023 года", (dt.date(2023, 1, 1), dt.date(2023, 6, 30))),
        ("до IV квартала 2024 года", (None, dt.date(2024, 12, 31))),
        ("декабрь 2024 г. – февраль 2025 г.", (dt.date(2024, 12, 1), dt.date(2025, 2, 28))),
        ("в течение 2024 года", (dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
    ],
)
def test_deadline_bounds(deadline, expected):
    assert deadline_bounds(deadline) == expected


@pytest.mark.parametrize("text,expected", [
    ("5 авгуета 2020", dt.date(2020, 8, 5)),   # one letter misread by OCR
    ("«27» июня 2025 г.", dt.date(2025, 6, 27)),
    ("в 2016 году", None),
])
def test_month_names_read_with_a_misread_letter(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("period,start,end", [
    ("2023", "2023-01-01", "2023-12-31"),
    ("2023-Q1", "2023-01-01", "2023-03-31"),
    ("2024-Q1", "2024-01-01", "2024-03-31"),
    ("2023-Q3", "2023-07-01", "2023-09-30"),
    ("2023-Q4", "2023-10-01", "2023-12-31"),
    ("2024-H1", "2024-01-01", "2024-06-30"),
    ("2023-H2", "2023-07-01", "2023-12-31"),
    ("2023-9M", "2023-01-01", "2023-09-30"),
])
def test_a_period_code_has_its_first_and_last_day(period, start, end):
    assert period_bounds(period) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize("period", ["2023-Q5", "2023-H3", "23", "весь период", ""])
def test_a_period_that_is_no_code_has_no_dates(period):
    assert period_bounds(period) == (None, None)
