"""One declared mapping per entity between its record (models.records), its row
(models.db) and its place in the JSON export (the shared contract): storing, loading
and exporting all read it, so that a new field is added in one place.

A `Column` names the record's attribute, the row's (when it differs) and the export's
key (when it differs; None: not exported). What is not a plain column — a measure's
executors, an indicator's values, provenance, positions — is passed by the caller as
`extra` keyword arguments.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, is_dataclass
from decimal import Decimal
from typing import Any

from models import db, records


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates in ISO 8601, whole roubles as an integer, kopecks as a float."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if is_dataclass(value):
        return {k: _plain(v) for k, v in asdict(value).items()}
    return value


@dataclass(frozen=True)
class Column:
    record: str
    row: str | None = ""  # "": the record's name; None: not a column of the row (the caller stores it)
    export: str | None = ""  # "": the record's name; None: not exported
    exported_when: Callable[[Any], bool] | None = None  # the key only where this holds (a field added later)

    @property
    def row_name(self) -> str:
        return self.row or self.record


@dataclass(frozen=True)
class Entity:
    record_type: type
    row_type: Callable[..., Any]
    columns: tuple[Column, ...]

    def to_row(self, record: Any, **extra: Any) -> Any:
        """The row of a record; `extra` gives what is not a column (position, children)."""
        stored = {c.row_name: getattr(record, c.record) for c in self.columns if c.row is not None}
        return self.row_type(**stored, **extra)

    def to_record(self, row: Any, **extra: Any) -> Any:
        """The record of a stored row; `extra` gives what is not a column (provenance, children)."""
        return self.record_type(**{c.record: getattr(row, c.row_name) for c in self.columns if c.row is not None},
                                **extra)

    def to_export(self, record: Any) -> dict:
        """The record as the export contract writes it."""
        out = {}
        for c in self.columns:
            value = getattr(record, c.record)
            if c.export is not None and (c.exported_when is None or c.exported_when(value)):
                out[c.export or c.record] = _plain(value)
        return out


def _set(value: Any) -> bool:
    return value is not None


TASK = Entity(records.Task, db.Task, (Column("code"), Column("title")))
MEASURE = Entity(records.Measure, db.Measure, (
    Column("code"), Column("task_code"), Column("title"), Column("deadline"),
    Column("deadline_start", export=None), Column("deadline_end", export=None),
    Column("executors", row=None), Column("expected_result"),
))
FUNDING = Entity(records.FundingRow, db.Funding, (
    Column("measure_code"), Column("year"), Column("source"), Column("source_label"),
    Column("amount_rub", row="amount"),
    # added after the first exports: written only where set, so that rows without them read as before
    Column("task_code", exported_when=_set), Column("period", exported_when=_set),
    Column("basis", exported_when=lambda basis: basis != "plan"),
))
INDICATOR_VALUE = Entity(records.IndicatorValue, db.IndicatorValue.of, (Column("period"), Column("value")))
INDICATOR = Entity(records.Indicator, db.Indicator, (
    Column("code"), Column("title"), Column("unit"), Column("base_value"), Column("base_date"),
    Column("values", row=None),
))
TARGET_GROUP = Entity(records.TargetGroup, db.TargetGroup, (Column("title"), Column("count", row="size")))
SIGNATORY = Entity(records.Signatory, db.Signatory, (
    Column("name"), Column("position", row="job_title"), Column("organization"),
))

# Every record attribute is declared (or deliberately left to the caller): a test holds it.
ENTITIES = {"task": TASK, "measure": MEASURE, "funding": FUNDING, "indicator": INDICATOR,
            "indicator_value": INDICATOR_VALUE, "target_group": TARGET_GROUP, "signatory": SIGNATORY}


def undeclared(entity: Entity, left_to_callers: set[str]) -> set[str]:
    """Attributes of the entity's record that no column declares and no caller is said to handle."""
    return {f.name for f in fields(entity.record_type)} - {c.record for c in entity.columns} - left_to_callers
