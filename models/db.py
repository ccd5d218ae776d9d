"""The unified SQL schema shared by every region (SQLAlchemy 2.0 declarative models).

One row of `document` per ingested file; everything extracted from that file hangs
off it and is deleted with it (ON DELETE CASCADE). Organisations are the exception:
they form a registry shared by all documents, so the same canonical name in the same
region is one row whose aliases accumulate over documents.

The schema runs unchanged on SQLite and PostgreSQL. Changing it means adding an
Alembic revision under `models/migrations/versions/`.

Naming: every table has a surrogate integer `id` (except `region`, keyed by its ISO
code), and `position` is the order of a row within its document or parent, so that a
document reads back in the order it was printed.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator, TypeEngine

from models.records import (
    FUNDING_BASES, FUNDING_SOURCES, ISSUE_ENTITIES, ISSUE_KINDS, ORG_KINDS, IssuePlace, ReviewIssue, ValueRef,
)
from normalizers.periods import period_bounds
from normalizers.units import read_indicator_value

# Deterministic constraint names: Alembic needs them to alter constraints later,
# above all in SQLite batch mode, which rebuilds tables.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ISSUE_STATUSES = ("open", "closed", "dismissed")  # closed: a later check no longer finds it
CORRECTION_STATUSES = ("active", "reverted")
ACCOUNT_ROLES = ("viewer", "reviewer", "admin")
DOCUMENT_STATUSES = ("ok", "needs_review")  # needs_review: the document has review issues

MONEY_PRECISION = 18
MONEY_SCALE = 2
_KOPECK = Decimal(1).scaleb(-MONEY_SCALE)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _in(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK constraint limiting `column` to `values`."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Money(TypeDecorator):
    """An amount in roubles, exact to the kopeck: Decimal in, Decimal out, never float.

    PostgreSQL stores NUMERIC(18, 2). SQLite has no exact decimal type: a NUMERIC
    column there turns values into 8-byte floats (digits beyond ~15 are lost), so on
    SQLite the amount is stored as its canonical decimal text ('1778000.50').
    SQLite's SUM() still reads such text as a number; cast it for ORDER BY.
    """

    impl = Numeric(MONEY_PRECISION, MONEY_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Text())
        return dialect.type_descriptor(Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Decimal | str | None:
        if value is None:
            return None
        exact = money_to_storage(value)
        return str(exact) if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Decimal | str | float | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, (float, int)):  # a view's amount on SQLite: a number, a sum of them to the kopeck
            return Decimal(repr(value)).quantize(Decimal("0.01"))
        return Decimal(value)


def money_to_storage(value: Decimal) -> Decimal:
    """`value` with exactly two decimal places; refuses floats and inexact amounts.

    Raises TypeError for anything but Decimal or int (a float has already lost
    exactness), and ValueError for fractions of a kopeck or amounts too large for
    NUMERIC(18, 2).
    """
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"amounts must be Decimal (or int), not {type(value).__name__}: {value!r}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"amount {amount} is not a finite number")
    if amount.adjusted() >= MONEY_PRECISION - MONEY_SCALE:
        raise ValueError(f"amount {amount} is too large for NUMERIC({MONEY_PRECISION}, {MONEY_SCALE})")
    exact = amount.quantize(_KOPECK)
    if exact != amount:
        raise ValueError(f"amount {amount} has fractions of a kopeck; round it when parsing")
    return exact


_QUOTES = str.maketrans({c: '"' for c in "«»„“”‟″'`"})
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−"})


def loose_name(name: str) -> str:
    """An organisation name compared loosely: lower case, ё as е, one quote and one
    dash character, whitespace collapsed (the comparison the accuracy scorer makes)."""
    loose = name.lower().replace("ё", "е").translate(_QUOTES).translate(_DASHES)
    return re.sub(r"\s+", " ", loose).strip()


def organization_key(name: str, region_code: str | None) -> str:
    """The registry key of an organisation: its region and its loose name.

    The key is never NULL, unlike region_code, so its UNIQUE constraint also holds
    for organisations without a region, on SQLite and PostgreSQL alike (both treat
    NULLs as distinct in a unique (name, region_code) pair).
    """
    return f"{region_code or ''}|{loose_name(name)}"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _document_fk() -> Mapped[int]:
    """The link from a per-document row to its document; deleting the document deletes it."""
    return mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)


class Region(Base):
    """A subject of the Russian Federation, keyed by its ISO 3166-2:RU code."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)  # RU-ALT
    name: Mapped[str | None] = mapped_column(String)  # nominative; filled when first seen


class Document(Base):
    """One ingested input file and the header of the order printed in it."""

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(_in("status", DOCUMENT_STATUSES), name="status"),
        {"sqlite_autoincrement": True},  # a replaced or deleted document's id is never another's
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Which file this is: its path below the folder it was ingested from (or a key the
    # user gave); new bytes under the same key replace the stored version.
    source_key: Mapped[str] = mapped_column(String, unique=True)
    # The act the file prints (see DocumentHeader.act_key): the files of one act share
    # their reviewers' corrections.
    act_key: Mapped[str] = mapped_column(String, index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the file bytes
    source_file: Mapped[str] = mapped_column(String, index=True)  # file name, no folders (the export's)
    source_path: Mapped[str] = mapped_column(String)
    format: Mapped[str] = mapped_column(String(16))
    page_count: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[str | None] = mapped_column(String(32))
    doc_number: Mapped[str | None] = mapped_column(String)
    doc_date: Mapped[dt.date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(Text)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    # The region name as this document gives it, so the export shows it even when the
    # document has no code or names the region differently from the `region` table.
    region_name: Mapped[str | None] = mapped_column(String)
    municipality: Mapped[str | None] = mapped_column(String)
    period_start: Mapped[int | None] = mapped_column(Integer)
    period_end: Mapped[int | None] = mapped_column(Integer)
    pipeline_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="ok")
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc_now)
    # [width, height] of each page in the units of its provenance boxes (null: no layout)
    page_sizes: Mapped[list | None] = mapped_column(JSON)

    # The collections below are deleted by the database (ON DELETE CASCADE);
    # passive_deletes stops the ORM from loading them only to delete them.
    organizations: Mapped[list[DocumentOrganization]] = relationship(
        order_by="DocumentOrganization.position", cascade="all, delete-orphan", passive_deletes=True
    )
    issuers: Mapped[list[DocumentIssuer]] = relationship(
        order_by="DocumentIssuer.position", cascade="all, delete-orphan", passive_deletes=True
    )
    tasks: Mapped[list[Task]] = relationship(
        order_by="Task.position", cascade="all, delete-orphan", passive_deletes=True
    )
    measures: Mapped[list[Measure]] = relationship(
        order_by="Measure.position", cascade="all, delete-orphan", passive_deletes=True
    )
    funding: Mapped[list[Funding]] = relationship(
        order_by="Funding.position", cascade="all, delete-orphan", passive_deletes=True
    )
    indicators: Mapped[list[Indicator]] = relationship(
        order_by="Indicator.position", cascade="all, delete-orphan", passive_deletes=True
    )
    target_groups: Mapped[list[TargetGroup]] = relationship(
        order_by="TargetGroup.position", cascade="all, delete-orphan", passive_deletes=True
    )
    signatories: Mapped[list[Signatory]] = relationship(
        order_by="Signatory.position", cascade="all, delete-orphan", passive_deletes=True
    )
    issues: Mapped[list[Issue]] = relationship(
        order_by="Issue.position", cascade="all, delete-orphan", passive_deletes=True
    )
    stated_amounts: Mapped[list[StatedAmount]] = relationship(
        order_by="StatedAmount.position", cascade="all, delete-orphan", passive_deletes=True
    )
    tables: Mapped[list[DocumentTable]] = relationship(
        order_by="DocumentTable.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Organization(Base):
    """An organisation in the registry shared by all documents."""

    __tablename__ = "organization"
    __table_args__ = (CheckConstraint(_in("kind", ORG_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)  # canonical name, as first seen
    kind: Mapped[str] = mapped_column(String(32), default="other")
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    registry_key: Mapped[str] = mapped_column(Text, unique=True)  # see organization_key()
    # Across regions: the name it shares with its counterparts elsewhere («министерство
    # образования»), and for a federal body's branch the federal body itself.
    common_name: Mapped[str | None] = mapped_column(Text, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id", ondelete="SET NULL"), index=True)

    aliases: Mapped[list[OrganizationAlias]] = relationship(
        order_by="OrganizationAlias.id", cascade="all, delete-orphan", passive_deletes=True
    )


class OrganizationAlias(Base):
    """A surface form of an organisation seen in any document."""

    __tablename__ = "organization_alias"
    __table_args__ = (UniqueConstraint("organization_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No separate index: the unique (organization_id, alias) constraint serves lookups.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(Text)


class DocumentOrganization(Base):
    """An organisation as one document records it: the name, kind and aliases it uses.

    The registry row merges every document; this row keeps what THIS document said,
    so its export lists exactly its own organisations and aliases.
    """

    __tablename__ = "document_organization"
    __table_args__ = (CheckConstraint(_in("kind", ORG_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    aliases: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)

    organization: Mapped[Organization] = relationship()


class DocumentIssuer(Base):
    """A body that approved the order."""

    __tablename__ = "document_issuer"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # The name as this document prints it; a merge in the registry changes only the link.
    name: Mapped[str | None] = mapped_column(Text)

    organization: Mapped[Organization] = relationship()


class Task(Base):
    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class Measure(Base):
    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    code: Mapped[str] = mapped_column(String(32))
    task_code: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    deadline: Mapped[str | None] = mapped_column(Text)  # as printed
    deadline_start: Mapped[dt.date | None] = mapped_column(Date)
    deadline_end: Mapped[dt.date | None] = mapped_column(Date)
    expected_result: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    executors: Mapped[list[MeasureExecutor]] = relationship(
        order_by="MeasureExecutor.position", cascade="all, delete-orphan", passive_deletes=True
    )


class MeasureExecutor(Base):
    __tablename__ = "measure_executor"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    # The document marks this executor «(по согласованию)»: taking part is agreed, not ordered.
    by_agreement: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The name as this document prints it; a merge in the registry changes only the link.
    name: Mapped[str | None] = mapped_column(Text)

    organization: Mapped[Organization] = relationship()


class Funding(Base):
    """One printed amount: of a measure (or a task's subtotal, or the document total)
    for a year (or a part of it, or the whole period), planned or reported.

    Its natural key is (measure_code, task_code, year, period, basis, source); there
    is no unique constraint over it, since a document may print the same cell twice
    (the first is the one corrections and validation use).
    """

    __tablename__ = "funding"
    __table_args__ = (
        CheckConstraint(_in("source", FUNDING_SOURCES), name="source"),
        CheckConstraint(_in("basis", FUNDING_BASES), name="basis"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    measure_code: Mapped[str | None] = mapped_column(String(32))  # NULL: a task's subtotal or the document total
    # The task, section or subprogramme a subtotal («Итого по задаче 2») sums; NULL on measures' rows.
    task_code: Mapped[str | None] = mapped_column(String(32))
    year: Mapped[int | None] = mapped_column(Integer)  # NULL: the whole period
    period: Mapped[str | None] = mapped_column(String(16))  # a part of `year`: YYYY-Q1…Q4, YYYY-H1/H2, YYYY-9M
    basis: Mapped[str] = mapped_column(String(16), default="plan", server_default="plan")  # plan | fact
    source: Mapped[str] = mapped_column(String(32))
    source_label: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal] = mapped_column(Money)
    position: Mapped[int] = mapped_column(Integer)


class Indicator(Base):
    __tablename__ = "indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    code: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String)
    base_value: Mapped[str | None] = mapped_column(String)  # as printed, whitespace removed
    base_date: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer)

    values: Mapped[list[IndicatorValue]] = relationship(
        order_by="IndicatorValue.position", cascade="all, delete-orphan", passive_deletes=True
    )


class IndicatorValue(Base):
    __tablename__ = "indicator_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))  # YYYY, YYYY-H1, YYYY-Q3
    value: Mapped[str] = mapped_column(String)  # as printed
    position: Mapped[int] = mapped_column(Integer)
    # Read from `value` (`read_value`, again when a reviewer corrects it) and `period` (`of`), never set by hand.
    number: Mapped[float | None] = mapped_column(Float)  # None: the value is not a number
    unit: Mapped[str | None] = mapped_column(String(16))  # a unit printed in the cell («74%»)
    bound: Mapped[str | None] = mapped_column(String(16))  # at_least, at_most, above, below
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)

    @classmethod
    def of(cls, period: str, value: str, position: int) -> IndicatorValue:
        """A value as printed, with its number and its period's first and last day."""
        row = cls(period=period, position=position)
        row.read_value(value)
        row.period_start, row.period_end = period_bounds(period)
        return row

    def read_value(self, value: str) -> None:
        """Set the printed value and what is read from it."""
        self.value = value
        number, self.unit, self.bound = read_indicator_value(value)
        self.number = float(number) if number is not None else None


class TargetGroup(Base):
    __tablename__ = "target_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    title: Mapped[str] = mapped_column(Text)
    size: Mapped[int | None] = mapped_column(Integer)  # people or families, where printed
    position: Mapped[int] = mapped_column(Integer)


class StatedAmount(Base):
    """A total the text of the order states («Общий объем финансирования … – 16281620
    рублей»), checked against the funding tables."""

    __tablename__ = "stated_amount"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    year: Mapped[int | None] = mapped_column(Integer)  # NULL: the whole period
    amount: Mapped[Decimal] = mapped_column(Money)
    sentence: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class DocumentTable(Base):
    """A logical table as extracted (rows of cells with spans, pages, boxes and
    confidences), kept so that researchers can reuse raw tables."""

    __tablename__ = "document_table"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    position: Mapped[int] = mapped_column(Integer)
    rows: Mapped[list] = mapped_column(JSON)


class Signatory(Base):
    __tablename__ = "signatory"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    name: Mapped[str] = mapped_column(String)
    # `Signatory.position` in the records; here `position` is the order, as in every table.
    job_title: Mapped[str | None] = mapped_column(Text)
    organization: Mapped[str | None] = mapped_column(Text)  # as printed
    position: Mapped[int] = mapped_column(Integer)


class Provenance(Base):
    """Where an extracted value was printed.

    `entity` names the table of the row it belongs to (task, measure, funding,
    indicator, issue) and `entity_id` its id; `field` is NULL when the provenance
    covers the whole row.
    """

    __tablename__ = "provenance"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(64))
    page: Mapped[int | None] = mapped_column(Integer)
    x0: Mapped[float | None] = mapped_column(Float)
    y0: Mapped[float | None] = mapped_column(Float)
    x1: Mapped[float | None] = mapped_column(Float)
    y1: Mapped[float | None] = mapped_column(Float)
    raw_text: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float)


class Issue(Base):
    """An entry of the review queue."""

    __tablename__ = "issue"
    __table_args__ = (
        CheckConstraint(_in("kind", ISSUE_KINDS), name="kind"),
        CheckConstraint(_in("entity", ISSUE_ENTITIES), name="entity"),
        CheckConstraint(_in("status", ISSUE_STATUSES), name="status"),
        # Never hand a deleted issue's id to another: review-page links name issues by id.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = _document_fk()
    kind: Mapped[str] = mapped_column(String(32))
    # Where it is (IssuePlace): «funding», «4.2», «regional_budget», «2021» is an amount of measure 4.2.
    entity: Mapped[str] = mapped_column(String(32))
    code: Mapped[str | None] = mapped_column(String)
    field: Mapped[str | None] = mapped_column(String(64))
    period: Mapped[str | None] = mapped_column(String(32))
    rule: Mapped[str | None] = mapped_column(String(32))  # the sum a sum_mismatch finds broken
    detail: Mapped[str] = mapped_column(Text)
    # The value a reviewer corrects to settle the issue, named as corrections name it (NULL: none).
    value_entity: Mapped[str | None] = mapped_column(String(32))
    value_key: Mapped[str | None] = mapped_column(String)
    value_field: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(Text)  # the printed text it is about, e.g. an executor's name

    @property
    def value(self) -> ValueRef | None:
        return ValueRef(self.value_entity, self.value_key, self.value_field) if self.value_entity else None

    @property
    def place(self) -> IssuePlace:
        return IssuePlace(self.entity, self.code, self.field, self.period)

    @property
    def where(self) -> str:
        return self.place.where

    @classmethod
    def of(cls, issue: ReviewIssue, position: int, id: int | None = None) -> Issue:
        """The row of an extracted or re-validated issue."""
        entity, key, field = issue.value or (None, None, None)
        # status given here, not left to the column default: a document's status is read before the flush
        return cls(id=id, kind=issue.kind, **issue.place._asdict(), detail=issue.detail, value_entity=entity,
                   value_key=key, value_field=field, subject=issue.subject, rule=issue.rule, position=position,
                   status="open")
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc_now)
    position: Mapped[int] = mapped_column(Integer)


class Correction(Base):
    """A reviewer's edit, re-applied on top of every extraction of a file of the same act.

    It names its target by natural keys (the act, entity, the entity's key such as
    a measure code, field) rather than by row ids, file names or fingerprints: a
    re-extraction replaces every row, a new version of the file changes the
    fingerprint, and a renamed file or another format of the act is the same act.
    """

    __tablename__ = "correction"
    __table_args__ = (CheckConstraint(_in("status", CORRECTION_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    act_key: Mapped[str] = mapped_column(String, index=True)  # the act's, "" for registry merges
    entity: Mapped[str] = mapped_column(String(32))
    entity_key: Mapped[str] = mapped_column(String)
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc_now)
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    # What the latest extraction of each file of the act gave ({source_key: value}), restored
    # when every correction of the value is reverted.
    extracted: Mapped[dict] = mapped_column(JSON, default=dict)
    # The latest extraction has no such value (the row is gone): kept and shown, not applied.
    orphaned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reverted_by: Mapped[str | None] = mapped_column(String)
    reverted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Account(Base):
    """Someone who may sign in to the review page."""

    __tablename__ = "account"
    __table_args__ = (CheckConstraint(_in("role", ACCOUNT_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String)  # see review/auth.py
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc_now)
    # A disabled account cannot sign in and its sessions are refused; its name stays in the audit.
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AccountSession(Base):
    """A sign-in to the review page: the signed cookie carries a random token, the row
    only its SHA-256, so the table alone does not let anyone in. A request is served
    while the row is neither revoked nor expired and its account is not disabled."""

    __tablename__ = "account_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the cookie's token
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc_now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))  # moved on as the session is used
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # signed out, or all revoked


class IngestionRun(Base):
    """One run of `orders ingest`: the paths it was given and its counts of files."""

    __tablename__ = "ingestion_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    files_new: Mapped[int] = mapped_column(Integer, default=0)
    files_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    files_failed: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict | None] = mapped_column(JSON)  # {"paths": [...]}: what the run was given


class IngestionFile(Base):
    """One file's outcome in a run, a row each: recording a file costs the same however
    many files the run has recorded before it."""

    __tablename__ = "ingestion_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("ingestion_run.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # new | replaced | unchanged | failed | skipped
    reason: Mapped[str] = mapped_column(Text, default="")
    document_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the record outlives the version
    counts: Mapped[dict | None] = mapped_column(JSON)  # rows stored by kind
    seconds: Mapped[dict | None] = mapped_column(JSON)  # per stage
