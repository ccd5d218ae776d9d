"""SQL views for researchers: funding, indicator values and executors joined with
their document, region and organisation. Defined as SQLAlchemy selects, so that the
same definition creates the view on SQLite and PostgreSQL and gives exports the
type of every column. Corrections are in the rows, so the views show corrected data.
"""
from __future__ import annotations

from sqlalchemy import Integer, Select, cast, func, select
from sqlalchemy.engine import Dialect

from models import db

d, r = db.Document, db.Region

_DOCUMENT_COLUMNS = (
    d.id.label("document_id"), d.source_file, d.doc_type, d.doc_number, d.doc_date,
    d.region_code, r.name.label("region_name"), d.municipality,
)


def _funding_facts(dimensions: bool = True) -> Select:
    """Funding amounts with their document, region and measure title. Without
    `dimensions`: the view as revisions 0005–0008 created it, before funding rows had
    a task, a period and a basis."""
    f = db.Funding
    if dimensions:
        keys = (f.measure_code, db.Measure.title.label("measure_title"), f.task_code, f.year, f.period, f.basis)
        # A document total sums neither a task nor a measure; a task's subtotal is neither.
        is_total = (f.measure_code.is_(None) & f.task_code.is_(None)).label("is_document_total")
    else:
        keys = (f.measure_code, db.Measure.title.label("measure_title"), f.year)
        is_total = f.measure_code.is_(None).label("is_document_total")
    return (
        select(f.id.label("funding_id"), *_DOCUMENT_COLUMNS, *keys, f.source, f.source_label, f.amount, is_total)
        .join(d, d.id == f.document_id)
        .outerjoin(r, r.code == d.region_code)
        .outerjoin(db.Measure, (db.Measure.document_id == f.document_id) & (db.Measure.code == f.measure_code))
    )


FUNDING_FACTS: Select = _funding_facts()

INDICATOR_FACTS: Select = (
    select(
        db.IndicatorValue.id.label("indicator_value_id"), *_DOCUMENT_COLUMNS,
        db.Indicator.code.label("indicator_code"), db.Indicator.title.label("indicator_title"), db.Indicator.unit,
        db.Indicator.base_value, db.Indicator.base_date, db.IndicatorValue.period,
        cast(func.substr(db.IndicatorValue.period, 1, 4), Integer).label("year"), db.IndicatorValue.value,
    )
    .join(db.Indicator, db.Indicator.id == db.IndicatorValue.indicator_id)
    .join(d, d.id == db.Indicator.document_id)
    .outerjoin(r, r.code == d.region_code)
)

MEASURE_EXECUTORS: Select = (
    select(
        db.MeasureExecutor.id.label("measure_executor_id"), *_DOCUMENT_COLUMNS,
        db.Measure.code.label("measure_code"), db.Measure.title.label("measure_title"), db.Measure.deadline,
        db.Measure.deadline_start, db.Measure.deadline_end, db.Organization.id.label("organization_id"),
        db.Organization.name.label("organization"), db.Organization.kind.label("organization_kind"),
        db.Organization.region_code.label("organization_region"), db.MeasureExecutor.by_agreement,
    )
    .join(db.Measure, db.Measure.id == db.MeasureExecutor.measure_id)
    .join(d, d.id == db.Measure.document_id)
    .outerjoin(r, r.code == d.region_code)
    .join(db.Organization, db.Organization.id == db.MeasureExecutor.organization_id)
)

VIEWS: dict[str, Select] = {
    "funding_facts": FUNDING_FACTS,
    "indicator_facts": INDICATOR_FACTS,
    "measure_executors": MEASURE_EXECUTORS,
}

# The views as revisions 0005 to 0008 create them: a migration builds the schema of
# its own revision, whatever the models say today.
VIEWS_BEFORE_0009: dict[str, Select] = {**VIEWS, "funding_facts": _funding_facts(dimensions=False)}


def create_view_sql(name: str, dialect: Dialect, views: dict[str, Select] = VIEWS) -> str:
    """CREATE VIEW for one of `views` (the current VIEWS by default), in the dialect's SQL."""
    query = views[name].compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return f"CREATE VIEW {name} AS {query}"
