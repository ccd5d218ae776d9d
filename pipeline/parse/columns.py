"""What each column of a table holds, read from its header labels.

Tables are recognised by what their headers say, never by position or document:
a column labelled «Исполнители» holds executors wherever it stands.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.layout import LogicalTable
from normalizers.periods import parse_period_label, repair_periods

_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_MONEY_WORDS = re.compile(r"финансир|объ[её]м|рубл|средств|стоимост|бюджет", re.I)


@dataclass
class Columns:
    """Column indexes by role; `money` maps a column to its year (None: whole period)."""

    kind: str = "other"  # measures | funding | indicators | other
    code: int | None = None
    title: int | None = None
    deadline: int | None = None
    executors: int | None = None
    result: int | None = None
    unit: int | None = None
    base_value: int | None = None
    base_date: int | None = None
    money: dict[int, int | None] = field(default_factory=dict)
    periods: dict[int, str] = field(default_factory=dict)
    scale: int = 1  # amounts printed in thousands or millions are multiplied out


def read_columns(table: LogicalTable) -> Columns:
    """Assign a role to every column from its label, then name the table's kind."""
    labels = [label.lower() for label in table.column_labels()]
    header_text = " ".join(labels) + " " + table.caption.lower()
    cols = Columns(scale=_scale(header_text))
    for k, label in enumerate(labels):
        _assign(cols, k, label, money_context=bool(_MONEY_WORDS.search(header_text)))
    if cols.title is None and cols.code is not None and cols.code + 1 < len(labels):
        cols.title = cols.code + 1
    cols.periods = dict(zip(cols.periods, repair_periods(list(cols.periods.values()))))
    cols.kind = _kind(cols)
    return cols


def _scale(header_text: str) -> int:
    if re.search(r"тыс\.?\s*руб", header_text):
        return 1000
    if re.search(r"млн\.?\s*руб", header_text):
        return 1_000_000
    return 1


def _assign(cols: Columns, k: int, label: str, money_context: bool) -> None:
    if not label:
        return
    if cols.code is None and re.search(r"№|п/п|\bn\b", label):
        cols.code = k
    elif "базов" in label and "дата" in label:
        cols.base_date = k
    elif "базов" in label:
        cols.base_value = k
    elif re.search(r"единиц\w*\s+измер|ед\.\s*изм", label):
        cols.unit = k
    elif "срок" in label:
        cols.deadline = k
    elif re.search(r"исполнител|ответственн", label):
        cols.executors = k
    elif "результат" in label:
        cols.result = k
    elif money_context and (year := _money_column_year(label)) is not False:
        cols.money[k] = year
    elif parse_period_label(label):
        cols.periods[k] = parse_period_label(label)
    elif cols.title is None and re.search(r"наименован|мероприят|показател|задач", label):
        cols.title = k


def _money_column_year(label: str) -> int | None | bool:
    """The year a money column covers, None for the whole period («Всего»), False if neither."""
    last = label.split(" / ")[-1]
    years = _YEAR.findall(last)
    if len(years) == 1:
        return int(years[0])
    if re.search(r"\bвсего\b|\bитого\b", last):
        return None
    return False


def _kind(cols: Columns) -> str:
    if cols.unit is not None or (cols.periods and not cols.money):
        return "indicators"
    if cols.executors is not None or cols.deadline is not None:
        return "measures"
    if cols.money:
        return "funding"
    return "other"
