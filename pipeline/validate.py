"""Arithmetic the tables print, checked: every mismatch becomes a review issue.

- a row's sources add up to its row amount, for every year, part of a year and the whole period;
- a row's years add up to its whole-period amount, for every source;
- the quarters (or halves) of a year, when all are printed, add up to the year's amount;
- the measures add up to each printed document total (by year, part of a year and source);
- the measures of a task add up to the task's printed subtotal;
- the «в том числе» parts of an indicator do not exceed the indicator.
An amount is keyed by (measure, task, year, period, basis, source): planned and
reported (fact) amounts are never added together, a part of a year never counts as
its year, and a task's subtotal never counts as a measure.
Amounts are compared exactly (Decimal); nothing is rounded.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from models.records import (
    ExtractedDocument, FundingRow, Indicator, IssuePlace, Measure, ReviewIssue, ValueRef, funding_value_key,
)


class Key(NamedTuple):
    """What one printed amount is of: a measure (or a task's subtotal, or the
    document total: both codes None), a year or a part of it, plan or fact, a source."""

    code: str | None
    task: str | None
    year: int | None
    period: str | None
    basis: str
    source: str

    def row(self) -> tuple:
        """The printed row and column the amount is in: every source of it."""
        return self[:5]


Amounts = dict[Key, Decimal]

# The parts of a year that together make it up, as `period` names them after «YYYY-».
_PARTITIONS = (("Q1", "Q2", "Q3", "Q4"), ("H1", "H2"))


def validate(doc: ExtractedDocument) -> list[ReviewIssue]:
    """Issues for every printed sum that does not hold."""
    amounts = _amounts(doc.funding)
    issues = _source_sums(amounts) + _year_sums(amounts) + _period_sums(amounts) + _document_totals(amounts)
    issues += _task_subtotals(amounts, doc.measures)
    issues += _indicator_parts(doc.indicators)
    issues += _missing_base_values(doc.indicators)
    issues += _stated_amounts(doc.stated_amounts, amounts)
    return issues


def _amounts(funding: list[FundingRow]) -> Amounts:
    out: Amounts = {}
    for f in funding:
        out.setdefault(Key(f.measure_code, f.task_code, f.year, f.period, f.basis, f.source), f.amount_rub)
    return out


def _fmt(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".00", "").replace(".", ",")


def _place(key: Key) -> IssuePlace:
    """The place of an amount's issue."""
    return IssuePlace.of_amount(key.code, key.task, key.source, key.year, key.period, key.basis)


def _mismatch(rule: str, place: IssuePlace, detail: str, value: ValueRef | None = None) -> ReviewIssue:
    """A `sum_mismatch` issue; `rule` names the sum that does not hold (sources, years,
    year_parts, measures, stated, parts), which tells apart two checks of one amount."""
    return ReviewIssue("sum_mismatch", place, detail, value=value, rule=rule)


def _funding_value(key: Key) -> ValueRef:
    return ValueRef("funding", funding_value_key(key.code, key.year, key.source, key.task, key.period, key.basis),
                    "amount")


def _indicator_place(code: str | None, period: str) -> IssuePlace:
    """An indicator's value of a period; «base» is its base value."""
    if period == "base":
        return IssuePlace("indicator", code, "base_value")
    return IssuePlace("indicator", code, "value", period)


def _indicator_value(code: str, period: str) -> ValueRef:
    """An indicator's value of a period; «base» is its base value."""
    if period == "base":
        return ValueRef("indicator", code, "base_value")
    return ValueRef("indicator_value", f"{code} {period}", "value")


def _year_label(year: int | None) -> str:
    return str(year) if year else "Всего"


def _when(key: Key) -> str:
    """«2021», «Всего», «2021-Q1»; reported amounts «2021 fact»."""
    label = key.period or _year_label(key.year)
    return f"{label} fact" if key.basis != "plan" else label


def _fact(basis: str) -> str:
    return " fact" if basis != "plan" else ""


def _source_sums(amounts: Amounts) -> list[ReviewIssue]:
    """Sources vs the row amount, per measure (or task subtotal), year or part of it, and basis."""
    parts: dict[tuple, list[Decimal]] = defaultdict(list)
    for key, amount in amounts.items():
        if key.source != "all":
            parts[key.row()].append(amount)
    issues = []
    for row, values in parts.items():
        whole = Key(*row, "all")
        total = amounts.get(whole)
        if (whole.code or whole.task) is not None and total is not None and sum(values) != total:
            issues.append(_mismatch("sources", _place(whole), (
                f"{_when(whole)}: sources " + " + ".join(_fmt(v) for v in values)
                + f" = {_fmt(sum(values))} ≠ row amount {_fmt(total)}"), value=_funding_value(whole)))
    return issues


def _year_sums(amounts: Amounts) -> list[ReviewIssue]:
    """Whole years vs the whole-period amount, per measure (or task subtotal), basis and source."""
    by_year: dict[Key, dict[int, Decimal]] = defaultdict(dict)
    for key, amount in amounts.items():
        if key.year is not None and key.period is None:
            by_year[key._replace(year=None)][key.year] = amount
    issues = []
    for whole, years in by_year.items():
        total = amounts.get(whole)
        if total is not None and len(years) > 1 and sum(years.values()) != total:
            parts = " + ".join(f"{y}: {_fmt(v)}" for y, v in sorted(years.items()))
            issues.append(_mismatch("years", _place(whole), (
                f"{whole.source}{_fact(whole.basis)}: {parts} = {_fmt(sum(years.values()))} ≠ Всего {_fmt(total)}"),
                value=_funding_value(whole)))
    return issues


def _period_sums(amounts: Amounts) -> list[ReviewIssue]:
    """The four quarters (or two halves) of a year vs the year's amount, where every
    one of them and the year are printed."""
    by_part: dict[Key, dict[str, Decimal]] = defaultdict(dict)
    for key, amount in amounts.items():
        if key.year is not None and key.period and key.period.startswith(f"{key.year}-"):
            by_part[key._replace(period=None)][key.period.split("-", 1)[1]] = amount
    issues = []
    for year, parts in by_part.items():
        total = amounts.get(year)
        for names in _PARTITIONS:
            if total is None or not all(n in parts for n in names):
                continue
            values = [parts[n] for n in names]
            if sum(values) != total:
                issues.append(_mismatch("year_parts", _place(year), (
                    f"{year.source} {_when(year)}: " + " + ".join(f"{n}: {_fmt(parts[n])}" for n in names)
                    + f" = {_fmt(sum(values))} ≠ year amount {_fmt(total)}"), value=_funding_value(year)))
    return issues


def _measure_sums(amounts: Amounts, counted) -> dict[Key, Decimal]:
    """The sum over the measures `counted(code)` accepts of each (year, period, basis,
    source), keyed as a total of them would be (no measure, no task). A measure's «all»
    amount is its row amount, or the sum of its sources where no row amount is printed."""
    sums: dict[Key, Decimal] = defaultdict(Decimal)
    implied_all: dict[Key, Decimal] = defaultdict(Decimal)
    for key, amount in amounts.items():
        if key.code is None or not counted(key.code):
            continue
        sums[key._replace(code=None, task=None)] += amount
        if key.source != "all":
            implied_all[key._replace(source="all")] += amount
    for whole, amount in implied_all.items():
        if whole not in amounts:
            sums[whole._replace(code=None, task=None)] += amount
    return sums


def _counted_measure(amounts: Amounts):
    """A measure whose amounts count in a sum over measures: not a section heading
    whose own measures are printed below it («1» above «1.1», «1.2»)."""
    return lambda code: "." in code or not _has_children(code, amounts)


def _document_totals(amounts: Amounts) -> list[ReviewIssue]:
    """Printed document totals vs the sum over measures (task subtotals are not measures)."""
    sums = _measure_sums(amounts, _counted_measure(amounts))
    issues = []
    for key, total in amounts.items():
        if key.code is None and key.task is None and key in sums and sums[key] != total:
            issues.append(_mismatch("measures", _place(key), (
                f"{key.source} {_when(key)}: sum over measures {_fmt(sums[key])}"
                f" ≠ printed total {_fmt(total)}"), value=_funding_value(key)))
    return issues


def _task_subtotals(amounts: Amounts, measures: list[Measure]) -> list[ReviewIssue]:
    """A task's printed subtotal vs the sum over its measures: those the plan lists
    under the task, and those whose code starts with «task code.»."""
    listed: dict[str, set[str]] = defaultdict(set)
    for m in measures:
        if m.task_code:
            listed[m.task_code].add(m.code)
    counted = _counted_measure(amounts)
    issues = []
    for task in sorted({k.task for k in amounts if k.code is None and k.task is not None}):
        def of_task(code: str, task: str = task) -> bool:
            return (code in listed[task] or code.startswith(f"{task}.")) and counted(code)

        sums = _measure_sums(amounts, of_task)
        for key, total in amounts.items():
            plain = key._replace(task=None)
            if key.code is None and key.task == task and plain in sums and sums[plain] != total:
                issues.append(_mismatch("measures", _place(key), (
                    f"{key.source} {_when(key)}: sum over the measures of task {task} {_fmt(sums[plain])}"
                    f" ≠ printed subtotal {_fmt(total)}"), value=_funding_value(key)))
    return issues


def _stated_amounts(stated: list[tuple[int | None, Decimal, str]], amounts: Amounts) -> list[ReviewIssue]:
    """Totals the text states vs the tables' planned amounts: the printed document
    total where there is one, else the sum over measures."""
    issues = []
    for year, amount, sentence in stated:
        table = amounts.get(Key(None, None, year, None, "plan", "all"))
        if table is None:
            rows = [v for k, v in amounts.items()
                    if k.code is not None and "." in k.code and (k.year, k.period, k.basis, k.source)
                    == (year, None, "plan", "all")]
            table = sum(rows) if rows else None
        if table is not None and table != amount:
            stated_at = IssuePlace("funding", None, "stated", str(year or "all"))
            issues.append(_mismatch("stated", stated_at, (
                f"the text states {_fmt(amount)} for {_year_label(year)}, the tables {_fmt(table)}: «{sentence[:160]}»"),
                value=ValueRef("stated_amount", str(year or "all"), "amount")))
    return issues


def _has_children(code: str, amounts: Amounts) -> bool:
    return any(k.code and k.code.startswith(code + ".") for k in amounts)


def _indicator_parts(indicators: list[Indicator]) -> list[ReviewIssue]:
    """«в том числе» parts (N.1, N.2, …) that add up to more than indicator N."""
    by_code = {i.code: i for i in indicators if i.code}
    issues = []
    for parent in indicators:
        if not parent.code or "в том числе" not in parent.title.lower():
            continue
        children = [i for c, i in by_code.items() if c.rsplit(".", 1)[0] == parent.code and c != parent.code]
        for period, total in _numeric_values(parent).items():
            part_values = [_numeric_values(c).get(period) for c in children]
            known = [v for v in part_values if v is not None]
            if known and total is not None and sum(known) > total:
                issues.append(_mismatch("parts", _indicator_place(parent.code, period), (
                    f"{period}: parts {' + '.join(str(v) for v in known)} = {sum(known)} > total {total}"),
                    value=_indicator_value(parent.code, period)))
        if parent.base_value is None and children:
            issues.append(_mismatch("parts", _indicator_place(parent.code, "base"),
                                      "base value is empty while its parts have values",
                                      value=ValueRef("indicator", parent.code, "base_value")))
    return issues


def _numeric_values(indicator: Indicator) -> dict[str, Decimal | None]:
    values = {v.period: v.value for v in indicator.values}
    if indicator.base_value is not None:
        values["base"] = indicator.base_value
    out: dict[str, Decimal | None] = {}
    for period, value in values.items():
        try:
            out[period] = Decimal(value.rstrip("%"))
        except ArithmeticError:
            out[period] = None
    return out


def _missing_base_values(indicators: list[Indicator]) -> list[ReviewIssue]:
    """A base date printed without its base value."""
    return [
        ReviewIssue("missing_value", _indicator_place(i.code, "base"), "base value cell is empty",
                    value=ValueRef("indicator", i.code, "base_value") if i.code else None)
        for i in indicators
        if i.base_value is None and i.base_date is not None
    ]
