"""Printed sums checked: each broken relation is one issue naming its place."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.records import ExtractedDocument, FundingRow, Indicator, IndicatorValue
from pipeline.validate import validate


def funding(*rows) -> ExtractedDocument:
    doc = ExtractedDocument("order.txt", "text", 1)
    doc.funding = [FundingRow(code, year, source, source, Decimal(amount)) for code, year, source, amount in rows]
    return doc


def places(doc: ExtractedDocument, kind: str = "sum_mismatch") -> list[str]:
    return sorted(i.where for i in validate(doc) if i.kind == kind)


CASES = [
    # sources vs the row amount (the 2020 row of 4.2 printed «1 028» for 1 028 000)
    ("sources short of the row amount",
     [("4.2", 2020, "all", "1028"), ("4.2", 2020, "fund_grant", "128000"), ("4.2", 2020, "own_funds", "900000")],
     ["funding 4.2"]),
    ("sources add up",
     [("5.2", None, "all", "1778000"), ("5.2", None, "regional_budget", "234400"),
      ("5.2", None, "fund_grant", "1543600")],
     []),
    # years vs the whole period
    ("years do not add up to Всего",
     [("4.3", 2020, "all", "4900000"), ("4.3", 2021, "all", "4903500"), ("4.3", None, "all", "9803000")],
     ["funding 4.3"]),
    ("kopecks are exact",
     [("1.1", 2020, "all", "0.10"), ("1.1", 2021, "all", "0.20"), ("1.1", None, "all", "0.30")],
     []),
    # measures vs printed document totals
    ("grand total disagrees with the measures",
     [("1.1", 2021, "fund_grant", "100"), ("1.2", 2021, "fund_grant", "200"), (None, 2021, "fund_grant", "350")],
     ["funding total"]),
    ("grand total of rows given only by source",
     [("3.1", 2016, "regional_budget", "50000"), ("3.2", 2016, "all", "30000"), (None, 2016, "all", "80000")],
     []),
]


@pytest.mark.parametrize("rows,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_funding_sums(rows, expected):
    assert places(funding(*rows)) == expected


def indicator(code, title, base, values) -> Indicator:
    return Indicator(code, title, "единиц", base, None, [IndicatorValue(p, v) for p, v in values])


def test_indicator_parts_exceeding_their_total():
    doc = ExtractedDocument("order.txt", "text", 1)
    doc.indicators = [
        indicator("12", "Количество организаций, в том числе:", "68", [("2021-Q2", "68")]),
        indicator("12.1", "социального обслуживания", "15", [("2021-Q2", "15")]),
        indicator("12.2", "образовательные", "0", [("2021-Q2", "54")]),
        indicator("13", "Количество семей", "5", [("2021-Q2", "5")]),  # no «в том числе»: parts not checked
        indicator("13.1", "малоимущих", "9", [("2021-Q2", "9")]),
    ]
    assert places(doc) == ["indicator 12"]


def test_base_date_without_base_value_is_a_missing_value():
    doc = ExtractedDocument("order.txt", "text", 1)
    doc.indicators = [indicator("7", "Количество служб", None, [("2020-Q1", "0")])]
    doc.indicators[0].base_date = dt.date(2019, 12, 31)
    assert places(doc, "missing_value") == ["indicator 7"]
