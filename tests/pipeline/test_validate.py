"""Printed sums checked: each broken relation is one issue naming its place."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models.records import ExtractedDocument, FundingRow, Indicator, IndicatorValue, Measure
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


# --------------------------------------------------------------------------- task, period, basis

def row(code, year, source, amount, task=None, period=None, basis="plan") -> FundingRow:
    return FundingRow(code, year, source, source, Decimal(amount), task_code=task, period=period, basis=basis)


def checked(*rows, measures=()) -> list[tuple[str, str, str]]:
    """(place, detail, key of the value that settles it) of every sum mismatch."""
    doc = ExtractedDocument("order.txt", "text", 1)
    doc.funding, doc.measures = list(rows), list(measures)
    return sorted((i.where, i.detail, i.value.key) for i in validate(doc) if i.kind == "sum_mismatch")


def test_fact_amounts_are_checked_apart_from_the_plan():
    plan = [row("4.2", 2020, "all", "1000"), row("4.2", 2020, "fund_grant", "1000")]
    fact = [row("4.2", 2020, "fund_grant", "500", basis="fact")]

    assert checked(*plan, *fact) == []  # the fact's source is not a part of the planned row amount
    assert checked(*plan, *fact, row("4.2", 2020, "all", "600", basis="fact")) == [
        ("funding 4.2", "2020 fact: sources 500 = 500 ≠ row amount 600", "4.2 2020 all fact")]


def test_the_same_cell_of_plan_and_fact_is_two_amounts():
    # before task, period and basis were keys, the fact row hid behind the plan one (the first wins)
    assert checked(row("4.2", None, "all", "900"), row("4.2", None, "all", "300", basis="fact"),
                   row("4.2", 2020, "all", "400"), row("4.2", 2021, "all", "500"),
                   row("4.2", 2020, "all", "100", basis="fact"), row("4.2", 2021, "all", "100", basis="fact")) == [
        ("funding 4.2", "all fact: 2020: 100 + 2021: 100 = 200 ≠ Всего 300", "4.2 all all fact")]


def test_quarters_never_count_as_years():
    years = [row("4.3", 2020, "all", "400"), row("4.3", 2021, "all", "600"), row("4.3", None, "all", "1000")]

    assert checked(*years, row("4.3", 2020, "all", "100", period="2020-Q1")) == []


@pytest.mark.parametrize("parts,expected", [
    ({"Q1": "100", "Q2": "100", "Q3": "100", "Q4": "100"}, []),
    ({"Q1": "100", "Q2": "100", "Q3": "100", "Q4": "150"},
     [("funding 4.3", "all 2020: Q1: 100 + Q2: 100 + Q3: 100 + Q4: 150 = 450 ≠ year amount 400", "4.3 2020 all")]),
    ({"Q1": "100", "Q2": "100", "Q3": "150"}, []),  # a quarter is not printed: nothing to add up
    ({"H1": "150", "H2": "200"},
     [("funding 4.3", "all 2020: H1: 150 + H2: 200 = 350 ≠ year amount 400", "4.3 2020 all")]),
    ({"9M": "300"}, []),
], ids=["quarters add up", "quarters do not", "three quarters", "halves do not", "nine months"])
def test_the_parts_of_a_year_add_up_to_it(parts, expected):
    rows = [row("4.3", 2020, "all", "400"), *(row("4.3", 2020, "all", v, period=f"2020-{p}") for p, v in parts.items())]

    assert checked(*rows) == expected


def test_fact_quarters_are_checked_against_the_fact_year():
    quarters = [row("1.1", 2021, "fund_grant", "25", period=f"2021-Q{q}", basis="fact") for q in range(1, 5)]

    assert checked(row("1.1", 2021, "fund_grant", "999"), *quarters) == []
    assert checked(row("1.1", 2021, "fund_grant", "90", basis="fact"), *quarters) == [
        ("funding 1.1", "fund_grant 2021 fact: Q1: 25 + Q2: 25 + Q3: 25 + Q4: 25 = 100 ≠ year amount 90",
         "1.1 2021 fund_grant fact")]


def test_task_subtotals_are_not_measures_of_the_document_total():
    measures = [row("1.1", 2021, "all", "100"), row("1.2", 2021, "all", "200"), row("2.1", 2021, "all", "50")]

    assert checked(*measures, row(None, 2021, "all", "300", task="1"), row(None, 2021, "all", "350")) == []
    assert checked(*measures, row(None, 2021, "all", "320", task="1"), row(None, 2021, "all", "350")) == [
        ("task 1", "all 2021: sum over the measures of task 1 300 ≠ printed subtotal 320", "task:1 2021 all")]


def test_a_task_subtotal_sums_the_measures_the_plan_lists_under_it():
    measures = [Measure("5", "II", "Информирование"), Measure("6", "II", "Обучение"), Measure("7", "III", "Иное")]
    rows = [row("5", None, "all", "10"), row("6", None, "all", "20"), row("7", None, "all", "40")]

    assert checked(*rows, row(None, None, "all", "30", task="II"), measures=measures) == []
    assert checked(*rows, row(None, None, "all", "70", task="II"), measures=measures) == [
        ("task II", "all Всего: sum over the measures of task II 30 ≠ printed subtotal 70", "task:II all all")]


def test_task_subtotals_are_checked_like_rows_for_their_sources_and_years():
    assert checked(row(None, 2021, "all", "100", task="2"), row(None, 2021, "regional_budget", "90", task="2"),
                   row(None, 2022, "all", "100", task="2"), row(None, None, "all", "200", task="2")) == [
        ("task 2", "2021: sources 90 = 90 ≠ row amount 100", "task:2 2021 all")]


def test_fact_totals_are_compared_with_fact_measures_only():
    plan = [row("1.1", 2021, "all", "100"), row(None, 2021, "all", "100")]

    assert checked(*plan, row(None, 2021, "all", "80", basis="fact")) == []
    assert checked(*plan, row("1.1", 2021, "all", "90", basis="fact"), row(None, 2021, "all", "80", basis="fact")) == [
        ("funding total", "all 2021 fact: sum over measures 90 ≠ printed total 80", "total 2021 all fact")]


def test_quarter_totals_are_compared_with_the_measures_quarters():
    rows = [row("1.1", 2021, "all", "30", period="2021-Q1"), row("1.2", 2021, "all", "20", period="2021-Q1"),
            row(None, 2021, "all", "60", period="2021-Q1")]

    assert checked(*rows) == [
        ("funding total", "all 2021-Q1: sum over measures 50 ≠ printed total 60", "total 2021-Q1 all")]


def test_stated_amounts_are_compared_with_planned_whole_amounts():
    doc = ExtractedDocument("order.txt", "text", 1)
    doc.funding = [row("1.1", None, "all", "100"), row("1.1", None, "all", "70", basis="fact"),
                   row("1.1", 2021, "all", "100"), row("1.1", 2021, "all", "40", period="2021-Q1")]
    doc.stated_amounts = [(None, Decimal(100), "Общий объем – 100 рублей"), (2021, Decimal(100), "в 2021 году – 100")]
    assert validate(doc) == []
