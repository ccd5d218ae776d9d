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

FUNDING_FACTS: Select = (
    select(
        db.Funding.id.label("funding_id"), *_DOCUMENT_COLUMNS,
        db.Funding.measure_code, db.Measure.title.label("measure_title"), db.Funding.year, db.Funding.source,
        db.Funding.source_label, db.Funding.amount, db.Funding.measure_code.is_(None).label("is_document_total"),
    )
    .join(d, d.id == db.Funding.document_id)
    .outerjoin(r, r.code == d.region_code)
    .outerjoin(db.Measure, (db.Measure.document_id == db.Funding.document_id)
               & (db.Measure.code == db.Funding.measure_code))
)

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


def create_view_sql(name: str, dialect: Dialect) -> str:
    """CREATE VIEW for one of VIEWS, in the dialect's SQL."""
    query = VIEWS[name].compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return f"CREATE VIEW {name} AS {query}"
