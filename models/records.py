"""Typed records extracted from one order: what parsing and normalisation produce,
what the loader stores and what the JSON export (shared/spec/document-json.md) shows.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import NamedTuple

from models.layout import BBox

SCHEMA_VERSION = 1

ORG_KINDS = (
    "government", "ministry", "federal_body", "municipal_body",
    "institution", "fund", "ngo", "group", "other",
)
FUNDING_SOURCES = (
    "all", "fund_grant", "regional_budget", "local_budget", "federal_budget",
    "own_funds", "extrabudgetary", "other",
)
ISSUE_KINDS = ("sum_mismatch", "ocr_suspect", "unresolved_org", "missing_value", "unread_value",
               "unrecognised_table", "other")
FUNDING_BASES = ("plan", "fact")  # planned or forecast amounts; reported execution
ISSUE_ENTITIES = ("funding", "task", "measure", "indicator", "document", "page", "table")


@dataclass
class Provenance:
    """Where a value was printed: page, box and the raw text it was read from."""

    page: int | None = None
    bbox: BBox | None = None
    raw_text: str = ""
    confidence: float | None = None


@dataclass
class DocumentHeader:
    title: str | None = None
    doc_type: str | None = None  # приказ | распоряжение | постановление
    doc_number: str | None = None
    doc_date: dt.date | None = None
    region: str | None = None
    region_code: str | None = None
    municipality: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    issuers: list[str] = field(default_factory=list)

    def act_key(self, source_key: str) -> str:
        """The act this file prints, so that its files (DOCX, PDF, a copy renamed) form
        one act: region, act type, number and date; an act without a number by its
        title and date; an act printed with neither number nor date (a copy of its annex)
        by its region and title; a file whose header says none of these, by its own
        source key."""
        if self.doc_date and (self.doc_number or self.title):
            named = " ".join((self.doc_number or self.title or "").lower().split())[:200]
            return "|".join(["act", self.region_code or "", self.doc_type or "", named, self.doc_date.isoformat()])
        if self.title and self.region_code:
            return "|".join(["act", self.region_code, self.doc_type or "", " ".join(self.title.lower().split())[:200], ""])
        return f"file|{source_key}"


@dataclass
class Organization:
    name: str
    kind: str = "other"
    aliases: list[str] = field(default_factory=list)
    region_code: str | None = None


@dataclass
class Task:
    code: str
    title: str
    provenance: Provenance = field(default_factory=Provenance)


@dataclass
class Measure:
    code: str
    task_code: str | None
    title: str
    deadline: str | None = None
    deadline_start: dt.date | None = None
    deadline_end: dt.date | None = None
    executors: list[str] = field(default_factory=list)
    expected_result: str | None = None
    provenance: Provenance = field(default_factory=Provenance)
    by_agreement: list[str] = field(default_factory=list)  # executors marked «(по согласованию)»


@dataclass
class FundingRow:
    measure_code: str | None  # None for document totals
    year: int | None  # None for the whole period
    source: str  # one of FUNDING_SOURCES
    source_label: str
    amount_rub: Decimal
    provenance: Provenance = field(default_factory=Provenance)
    task_code: str | None = None  # a subtotal of a section, task or subprogramme («Итого по задаче 2»)
    period: str | None = None  # a part of `year`: YYYY-Q1…Q4, YYYY-H1/H2, YYYY-9M
    basis: str = "plan"  # one of FUNDING_BASES

    def value_key(self) -> str:
        """This amount's natural key, as corrections name it."""
        return funding_value_key(self.measure_code, self.year, self.source, self.task_code, self.period, self.basis)


@dataclass
class IndicatorValue:
    period: str  # YYYY, YYYY-H1, YYYY-Q3
    value: str


@dataclass
class Indicator:
    code: str | None
    title: str
    unit: str | None = None
    base_value: str | None = None
    base_date: dt.date | None = None
    values: list[IndicatorValue] = field(default_factory=list)
    provenance: Provenance = field(default_factory=Provenance)


@dataclass
class TargetGroup:
    title: str
    count: int | None = None


@dataclass
class Signatory:
    name: str
    position: str | None = None
    organization: str | None = None


class ValueRef(NamedTuple):
    """A correctable value by natural key, the way reviewers' corrections name it:
    ("funding", "4.2 2021 all", "amount"), ("measure", "3.6", "executors")."""

    entity: str
    key: str
    field: str


def funding_value_key(measure_code: str | None, year: int | None, source: str, task_code: str | None = None,
                      period: str | None = None, basis: str = "plan") -> str:
    """«4.2 2023 regional_budget»; «total all all» for the whole-period document total;
    «task:2 2019-Q1 all fact» for a fact amount of a quarter in the subtotal of task 2."""
    owner = measure_code or (f"task:{task_code}" if task_code else "total")
    key = f"{owner} {period or year or 'all'} {source}"
    return f"{key} {basis}" if basis != "plan" else key


class IssuePlace(NamedTuple):
    """Where an issue is, in typed parts: the record (`entity` and its `code`; no code
    for the document or its funding total), the `field` within it (a funding source, an
    indicator's «value», «code», a document field) and the `period` («2021», «2021-Q1»,
    «all», «2021 fact» for reported execution)."""

    entity: str  # one of ISSUE_ENTITIES
    code: str | None = None  # a measure, task or indicator code, a page or table number
    field: str | None = None
    period: str | None = None

    @classmethod
    def of_funding(cls, measure_code: str | None, task_code: str | None, field: str | None = None,
                   period: str | None = None) -> IssuePlace:
        """A funding row's place: its measure, else its task's subtotal, else the document total."""
        if measure_code or not task_code:
            return cls("funding", measure_code, field, period)
        return cls("task", task_code, field, period)

    @classmethod
    def of_amount(cls, measure_code: str | None, task_code: str | None, source: str, year: int | None,
                  period: str | None = None, basis: str = "plan") -> IssuePlace:
        """An amount's place: its funding row, its source and its period as the amount's
        natural key names it."""
        when = str(period or year or "all") + (" fact" if basis != "plan" else "")
        return cls.of_funding(measure_code, task_code, source, when)

    @property
    def where(self) -> str:
        """The place as the export names it: «funding 4.2», «funding total», «document region»."""
        if self.entity == "document":
            return " ".join(filter(None, ("document", self.field)))
        return f"{self.entity} {self.code or 'total'}"

    @property
    def label(self) -> str:
        """The place in full, for people: «funding 4.2 · regional_budget · 2021», «indicator 7 · base_value»."""
        return " · ".join(p for p in (self.where, None if self.entity == "document" else self.field, self.period) if p)


def issue_keys(issues: Sequence) -> list[str]:
    """The natural key of each issue (anything with `kind`, `place`, `rule` and `subject`),
    in order: its kind, typed place, the rule it breaks and the printed text it names; a
    later issue with the same gets «#2», «#3». The wording of its detail is no part of
    it, so that a reworded message keeps the reviewers' dismissals."""
    seen: Counter[str] = Counter()
    keys = []
    for issue in issues:
        key = "|".join((issue.kind, *(part or "" for part in issue.place), issue.rule or "", issue.subject or ""))
        seen[key] += 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


@dataclass
class ReviewIssue:
    kind: str  # one of ISSUE_KINDS
    place: IssuePlace
    detail: str
    provenance: Provenance = field(default_factory=Provenance)
    value: ValueRef | None = None  # the value a reviewer corrects to settle the issue, where there is one
    subject: str | None = None  # the printed text the issue is about (an executor's name), where it names one
    rule: str | None = None  # the sum a sum_mismatch finds broken: sources, years, year_parts, measures, stated, parts

    @property
    def where(self) -> str:
        return self.place.where


@dataclass
class TableCell:
    """A printed cell of a logical table, once, at the top-left of the area it covers."""

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    page: int | None = None
    bbox: BBox | None = None
    confidence: float | None = None


@dataclass
class ExtractedDocument:
    """Everything extracted from one input file."""

    source_file: str
    format: str
    page_count: int
    header: DocumentHeader = field(default_factory=DocumentHeader)
    organizations: list[Organization] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    funding: list[FundingRow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    target_groups: list[TargetGroup] = field(default_factory=list)
    signatories: list[Signatory] = field(default_factory=list)
    issues: list[ReviewIssue] = field(default_factory=list)
    tables: list[list[list[TableCell]]] = field(default_factory=list)  # logical tables: rows of cells
    # Amounts the text states («Общий объем финансирования … – 16281620 рублей, в 2023 году – …»):
    # (year or None for the whole period, amount, sentence), checked against the tables; not exported.
    stated_amounts: list[tuple[int | None, Decimal, str]] = field(default_factory=list)
    # (width, height) of each page in the units of the provenance boxes; None for a page without layout.
    page_sizes: list[tuple[float, float] | None] = field(default_factory=list)

    def tables_export(self) -> list:
        """Every logical table as rows of cells (text, spans, page, box, confidence)."""
        return [[[_cell_export(c) for c in row] for row in table] for table in self.tables]

    def to_export(self) -> dict:
        """The document as the shared JSON contract (schema_version 1)."""
        from models import mapping  # it maps these records to rows too: imported when used, not in a cycle

        h = self.header
        return {
            "schema_version": SCHEMA_VERSION,
            "source_file": self.source_file,
            "document": {
                "title": h.title,
                "doc_type": h.doc_type,
                "doc_number": h.doc_number,
                "doc_date": h.doc_date.isoformat() if h.doc_date else None,
                "region": h.region,
                "region_code": h.region_code,
                "municipality": h.municipality,
                "period_start": h.period_start,
                "period_end": h.period_end,
                "issuers": list(h.issuers),
            },
            "organizations": [
                {"name": o.name, "kind": o.kind, "aliases": list(o.aliases)} for o in self.organizations
            ],
            "tasks": [mapping.TASK.to_export(t) for t in self.tasks],
            "measures": [mapping.MEASURE.to_export(m) for m in self.measures],
            "funding": [mapping.FUNDING.to_export(f) for f in self.funding],
            "indicators": [mapping.INDICATOR.to_export(i) for i in self.indicators],
            "target_groups": [mapping.TARGET_GROUP.to_export(g) for g in self.target_groups],
            "signatories": [mapping.SIGNATORY.to_export(s) for s in self.signatories],
            "issues": [{"kind": i.kind, "where": i.where, "detail": i.detail} for i in self.issues],
        }


def _cell_export(cell: TableCell) -> dict:
    out = asdict(cell)
    out["bbox"] = [cell.bbox.x0, cell.bbox.y0, cell.bbox.x1, cell.bbox.y1] if cell.bbox else None
    return out
