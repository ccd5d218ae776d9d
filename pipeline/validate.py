"""Arithmetic the tables print, checked: every mismatch becomes a review issue.

- a measure's sources add up to its row amount, for every year and the whole period;
- a measure's years add up to its whole-period amount, for every source;
- the measures add up to each printed document total (by year and source);
- the «в том числе» parts of an indicator do not exceed the indicator.
Amounts are compared exactly (Decimal); nothing is rounded.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from models.records import ExtractedDocument, FundingRow, Indicator, ReviewIssue, ValueRef, funding_value_key

Key = tuple[str | None, int | None, str]  # (measure code, year, source)


def validate(doc: ExtractedDocument) -> list[ReviewIssue]:
    """Issues for every printed sum that does not hold."""
    amounts = _amounts(doc.funding)
    issues = _source_sums(amounts) + _year_sums(amounts) + _document_totals(amounts) + _indicator_parts(doc.indicators)
    issues += _missing_base_values(doc.indicators)
    issues += _stated_amounts(doc.stated_amounts, amounts)
    return issues


def _amounts(funding: list[FundingRow]) -> dict[Key, Decimal]:
    out: dict[Key, Decimal] = {}
    for f in funding:
        out.setdefault((f.measure_code, f.year, f.source), f.amount_rub)
    return out


def _fmt(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".00", "").replace(".", ",")


def _where(code: str | None) -> str:
    return f"funding {code}" if code else "funding total"


def _funding_value(code: str | None, year: int | None, source: str) -> ValueRef:
    return ValueRef("funding", funding_value_key(code, year, source), "amount")


def _indicator_value(code: str, period: str) -> ValueRef:
    """An indicator's value of a period; «base» is its base value."""
    if period == "base":
        return ValueRef("indicator", code, "base_value")
    return ValueRef("indicator_value", f"{code} {period}", "value")


def _year_label(year: int | None) -> str:
    return str(year) if year else "Всего"


def _source_sums(amounts: dict[Key, Decimal]) -> list[ReviewIssue]:
    """Sources vs the row amount, per measure and year."""
    parts: dict[tuple[str | None, int | None], list[Decimal]] = defaultdict(list)
    for (code, year, source), amount in amounts.items():
        if source != "all":
            parts[(code, year)].append(amount)
    issues = []
    for (code, year), values in parts.items():
        total = amounts.get((code, year, "all"))
        if code is not None and total is not None and sum(values) != total:
            issues.append(ReviewIssue("sum_mismatch", _where(code), (
                f"{_year_label(year)}: sources " + " + ".join(_fmt(v) for v in values)
                + f" = {_fmt(sum(values))} ≠ row amount {_fmt(total)}"), value=_funding_value(code, year, "all")))
    return issues


def _year_sums(amounts: dict[Key, Decimal]) -> list[ReviewIssue]:
    """Years vs the whole-period amount, per measure and source."""
    by_year: dict[tuple[str | None, str], dict[int, Decimal]] = defaultdict(dict)
    for (code, year, source), amount in amounts.items():
        if year is not None:
            by_year[(code, source)][year] = amount
    issues = []
    for (code, source), years in by_year.items():
        total = amounts.get((code, None, source))
        if total is not None and len(years) > 1 and sum(years.values()) != total:
            issues.append(ReviewIssue("sum_mismatch", _where(code), (
                f"{source}: " + " + ".join(f"{y}: {_fmt(v)}" for y, v in sorted(years.items()))
                + f" = {_fmt(sum(years.values()))} ≠ Всего {_fmt(total)}"), value=_funding_value(code, None, source)))
    return issues


def _document_totals(amounts: dict[Key, Decimal]) -> list[ReviewIssue]:
    """Printed document totals vs the sum over measures (a measure's «all» amount is
    its row amount, or the sum of its sources where no row amount is printed)."""
    measure_sums: dict[tuple[int | None, str], Decimal] = defaultdict(Decimal)
    implied_all: dict[tuple[str, int | None], Decimal] = defaultdict(Decimal)
    for (code, year, source), amount in amounts.items():
        if code is None or "." not in code and _has_children(code, amounts):
            continue
        measure_sums[(year, source)] += amount
        if source != "all":
            implied_all[(code, year)] += amount
    for (code, year), amount in implied_all.items():
        if (code, year, "all") not in amounts:
            measure_sums[(year, "all")] += amount
    issues = []
    for (code, year, source), total in amounts.items():
        if code is None and (year, source) in measure_sums and measure_sums[(year, source)] != total:
            issues.append(ReviewIssue("sum_mismatch", "funding total", (
                f"{source} {_year_label(year)}: sum over measures {_fmt(measure_sums[(year, source)])}"
                f" ≠ printed total {_fmt(total)}"), value=_funding_value(None, year, source)))
    return issues


def _stated_amounts(stated: list[tuple[int | None, Decimal, str]], amounts: dict[Key, Decimal]) -> list[ReviewIssue]:
    """Totals the text states vs the tables: the printed document total where there is
    one, else the sum over measures."""
    issues = []
    for year, amount, sentence in stated:
        table = amounts.get((None, year, "all"))
        if table is None:
            rows = [v for (code, y, source), v in amounts.items()
                    if code is not None and y == year and source == "all" and "." in code]
            table = sum(rows) if rows else None
        if table is not None and table != amount:
            issues.append(ReviewIssue("sum_mismatch", "funding total", (
                f"the text states {_fmt(amount)} for {_year_label(year)}, the tables {_fmt(table)}: «{sentence[:160]}»"),
                value=ValueRef("stated_amount", str(year or "all"), "amount")))
    return issues


def _has_children(code: str, amounts: dict[Key, Decimal]) -> bool:
    return any(c and c.startswith(code + ".") for c, _, _ in amounts)


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
                issues.append(ReviewIssue("sum_mismatch", f"indicator {parent.code}", (
                    f"{period}: parts {' + '.join(str(v) for v in known)} = {sum(known)} > total {total}"),
                    value=_indicator_value(parent.code, period)))
        if parent.base_value is None and children:
            issues.append(ReviewIssue("sum_mismatch", f"indicator {parent.code}",
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
        ReviewIssue("missing_value", f"indicator {i.code}", "base value cell is empty",
                    value=ValueRef("indicator", i.code, "base_value") if i.code else None)
        for i in indicators
        if i.base_value is None and i.base_date is not None
    ]
