"""The spaCy pipeline on real phrases of orders (natasha loads once per test session)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from normalizers.nlp import pipeline


@pytest.fixture(scope="session")
def nlp():
    return pipeline()


def ents(nlp, text, label):
    return [e for e in nlp(text).ents if e.label_ == label]


@pytest.mark.parametrize("text,expected", [
    ("Исполнители: министерство труда и социальной защиты Калужской области, ГБУ КО «Центр «Доверие».",
     ["министерство труда и социальной защиты Калужской области", "ГБУ КО «Центр «Доверие»"]),
    ("Координатор – Правительство Алтайского края.", ["Правительство Алтайского края"]),
])
def test_organisations(nlp, text, expected):
    assert [e.text for e in ents(nlp, text, "ORG")] == expected


@pytest.mark.parametrize("text,amounts", [
    ("Общий объем финансирования – 16281620 рублей, из них в 2023 году – 3330060 рублей.",
     [Decimal("16281620"), Decimal("3330060")]),
    ("на сумму 1 778 000 рублей", [Decimal("1778000")]),
    ("выделено 250 тыс. рублей и 1,5 млн рублей", [Decimal("250000"), Decimal("1500000")]),
    ("в 2021 году – 8 678 398,50 рублей, всего 12 500,0 тыс. руб.", [Decimal("8678398.5"), Decimal("12500000")]),
])
def test_money(nlp, text, amounts):
    assert [e._.amount for e in ents(nlp, text, "MONEY")] == amounts


@pytest.mark.parametrize("text,start,end", [
    ("до 1 октября 2025 года", None, dt.date(2025, 10, 1)),
    ("2016-2017 гг.", dt.date(2016, 1, 1), dt.date(2017, 12, 31)),
])
def test_dates(nlp, text, start, end):
    (date,) = ents(nlp, f"Срок: {text}, ежегодно", "DATE")
    assert (date.text, date._.start, date._.end) == (text, start, end)


@pytest.mark.parametrize("text,sources", [
    ("Финансирование: 234 400 рублей краевого бюджета; 1 543 600 рублей (средства Фонда); 5 000 рублей.",
     ["regional_budget", "fund_grant", None]),
])
def test_money_sources(nlp, text, sources):
    assert [e._.source for e in ents(nlp, text, "MONEY")] == sources
