"""SQL views for researchers: funding, indicator values and executors joined with
their document, region and organisation, one extraction per act (`preferred_documents`). Defined as SQLAlchemy selects, so that the
same definition creates the view on SQLite and PostgreSQL and gives exports the
type of every column. Corrections are in the rows, so the views show corrected data.
"""
from __future__ import annotations

from sqlalchemy import Integer, Numeric, Select, String, TableClause, and_, case, cast, column, func, literal, null, \
    select, table, type_coerce, union_all
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import aliased

from models import db

d, r = db.Document, db.Region

# Which file of an act the research views read, when an act was ingested from several
# (its DOCX, a PDF, a text conversion): the one with the fewest open review issues, then
# by format, the one that loses least of the original, then the first stored.
FORMAT_PREFERENCE = ("docx", "text", "pdf", "scan", "image")


def _preferred_documents() -> Select:
    """One row per act: the document the research views use, how many open issues it has
    and how many files of the act are stored."""
    open_issues = (select(db.Issue.document_id, func.count().label("n")).where(db.Issue.status == "open")
                   .group_by(db.Issue.document_id).subquery())
    issues = func.coalesce(open_issues.c.n, 0)
    format_rank = case({f: i for i, f in enumerate(FORMAT_PREFERENCE)}, value=d.format, else_=len(FORMAT_PREFERENCE))
    ranked = (
        select(d.id.label("document_id"), d.act_key, d.source_file, d.format, issues.label("open_issues"),
               func.row_number().over(partition_by=d.act_key, order_by=(issues, format_rank, d.id)).label("preference"),
               func.count().over(partition_by=d.act_key).label("files_of_act"))
        .outerjoin(open_issues, open_issues.c.document_id == d.id)
    ).subquery()
    return select(ranked.c.document_id, ranked.c.act_key, ranked.c.source_file, ranked.c.format,
                  ranked.c.open_issues, ranked.c.files_of_act).where(ranked.c.preference == 1)


PREFERRED_DOCUMENTS: Select = _preferred_documents()


def _of_preferred(query: Select, preferred: bool) -> Select:
    return query.where(d.id.in_(select(PREFERRED_DOCUMENTS.subquery().c.document_id))) if preferred else query

_DOCUMENT_COLUMNS = (
    d.id.label("document_id"), d.source_file, d.doc_type, d.doc_number, d.doc_date,
    d.region_code, r.name.label("region_name"), d.municipality,
)


def _number(amount):
    """An amount as a number on both databases: SQLite stores it as exact text, which
    would sort and compare as text («90000» after «850000»)."""
    return type_coerce(cast(amount, Numeric), db.Money).label("amount")


def _funding_facts(dimensions: bool = True, preferred: bool = True, numeric: bool = True) -> Select:
    """Funding amounts with their document, region and measure title, of each act's
    preferred document. Without `numeric`: as revisions 0010–0012 created it, amounts as
    stored; without `dimensions`: as 0005–0008 created it, before funding rows had a
    task, a period and a basis; without `preferred`, as 0005–0009 created it, of every
    document."""
    f = db.Funding
    if dimensions:
        keys = (f.measure_code, db.Measure.title.label("measure_title"), f.task_code, f.year, f.period, f.basis)
        # A document total sums neither a task nor a measure; a task's subtotal is neither.
        is_total = (f.measure_code.is_(None) & f.task_code.is_(None)).label("is_document_total")
    else:
        keys = (f.measure_code, db.Measure.title.label("measure_title"), f.year)
        is_total = f.measure_code.is_(None).label("is_document_total")
    return _of_preferred(
        select(f.id.label("funding_id"), *_DOCUMENT_COLUMNS, *keys, f.source, f.source_label,
               _number(f.amount) if numeric else f.amount, is_total)
        .join(d, d.id == f.document_id)
        .outerjoin(r, r.code == d.region_code)
        .outerjoin(db.Measure, (db.Measure.document_id == f.document_id) & (db.Measure.code == f.measure_code)),
        preferred)


def _indicator_facts(preferred: bool = True, numbers: bool = True) -> Select:
    """Indicator values with their indicator, document and region; without `numbers`,
    as revisions 0005–0012 created it, before values had a number and periods dates."""
    v = db.IndicatorValue
    read = (v.number, v.bound, v.period_start, v.period_end) if numbers else ()
    unit = func.coalesce(db.Indicator.unit, v.unit).label("unit") if numbers else db.Indicator.unit
    return _of_preferred(select(
        v.id.label("indicator_value_id"), *_DOCUMENT_COLUMNS,
        db.Indicator.code.label("indicator_code"), db.Indicator.title.label("indicator_title"), unit,
        db.Indicator.base_value, db.Indicator.base_date, v.period,
        cast(func.substr(v.period, 1, 4), Integer).label("year"), v.value, *read,
    )
    .join(db.Indicator, db.Indicator.id == db.IndicatorValue.indicator_id)
    .join(d, d.id == db.Indicator.document_id)
    .outerjoin(r, r.code == d.region_code), preferred)


def _measure_executors(preferred: bool = True, identity: bool = True) -> Select:
    """Executors of measures with their organisation; without `identity`, as revisions
    0005–0012 created it, before organisations had a common name and a parent."""
    o, parent = db.Organization, aliased(db.Organization)
    across = (o.common_name.label("organization_common_name"), o.parent_id.label("parent_organization_id"),
              parent.name.label("parent_organization")) if identity else ()
    query = (select(
        db.MeasureExecutor.id.label("measure_executor_id"), *_DOCUMENT_COLUMNS,
        db.Measure.code.label("measure_code"), db.Measure.title.label("measure_title"), db.Measure.deadline,
        db.Measure.deadline_start, db.Measure.deadline_end, o.id.label("organization_id"),
        o.name.label("organization"), o.kind.label("organization_kind"),
        o.region_code.label("organization_region"), db.MeasureExecutor.by_agreement, *across,
    )
    .join(db.Measure, db.Measure.id == db.MeasureExecutor.measure_id)
    .join(d, d.id == db.Measure.document_id)
    .outerjoin(r, r.code == d.region_code)
    .join(o, o.id == db.MeasureExecutor.organization_id))
    return _of_preferred(query.outerjoin(parent, parent.id == o.parent_id) if identity else query, preferred)


def _measure_totals_of_0012() -> Select:
    """measure_totals as revision 0012 created it (see _measure_totals)."""
    f = db.Funding
    keys = (f.document_id, f.measure_code, f.year, f.period, f.basis)
    measure_rows = _of_preferred(select(*keys, f.source, f.amount).join(d, d.id == f.document_id)
                                 .where(f.measure_code.is_not(None)), True).subquery()
    m = measure_rows.c
    key_columns = [m.document_id, m.measure_code, m.year, m.period, m.basis]
    parts = (select(*key_columns, func.sum(m.amount).label("amount")).where(m.source != "all")
             .group_by(*key_columns).subquery())
    printed = select(*key_columns, m.amount).where(m.source == "all").subquery()
    every_key = select(*key_columns).distinct().subquery()
    names = [k.name for k in key_columns]
    sources = select(*key_columns, m.source, m.amount, literal(False).label("derived"),
                     literal(False).label("disagrees")).where(m.source != "all")
    totals = (
        select(*every_key.c, literal("all").label("source"), func.coalesce(printed.c.amount, parts.c.amount)
               .label("amount"), printed.c.amount.is_(None).label("derived"),
               _differ_by_a_kopeck(printed.c.amount, parts.c.amount).label("disagrees"))
        .outerjoin(printed, _same_key(names, every_key, printed)).outerjoin(parts, _same_key(names, every_key, parts))
    )
    both = union_all(sources, totals).subquery()
    return (select(both.c.document_id, d.source_file, d.region_code, *(c for c in both.c if c.name != "document_id"))
            .join(d, d.id == both.c.document_id))


def _measure_amounts(facts: TableClause):
    """Every amount of a measure as printed, and the ones it does not print but prints the
    parts of (`derived`): a year printed by quarters (or by halves where no quarter is)
    only, summed over them; the whole period of a measure printed by years only, summed
    over its years (printed or summed)."""
    m, other = facts.c, aliased(facts)
    described = [m.document_id, m.source_file, m.region_code, m.region_name, m.measure_code, m.measure_title]

    def printed_beside(of, *conditions):
        """Some row of the same measure and basis as `of` that meets `conditions` is printed."""
        return select(other.c.document_id).where(
            other.c.document_id == of.document_id, other.c.measure_code == of.measure_code,
            other.c.basis == of.basis, *conditions).exists()

    quarter, half = m.period.like("%-Q_"), m.period.like("%-H_")
    parts = (
        select(*described, m.year, m.basis, m.source, func.sum(m.amount).label("amount"))
        .where(m.measure_code.is_not(None), m.year.is_not(None),
               quarter | (half & ~printed_beside(m, other.c.year == m.year, other.c.period.like("%-Q_"))),
               ~printed_beside(m, other.c.year == m.year, other.c.period.is_(None)))
        .group_by(*described, m.year, m.basis, m.source)).subquery().c
    part_described = [parts.document_id, parts.source_file, parts.region_code, parts.region_name,
                      parts.measure_code, parts.measure_title]
    years = union_all(select(*described, m.year, m.basis, m.source, m.amount)
                      .where(m.measure_code.is_not(None), m.year.is_not(None), m.period.is_(None)),
                      select(*part_described, parts.year, parts.basis, parts.source, parts.amount)).subquery().c
    year_described = [years.document_id, years.source_file, years.region_code, years.region_name,
                      years.measure_code, years.measure_title]
    no_period = cast(null(), String).label("period")
    return union_all(
        select(*described, m.year, m.period, m.basis, m.source, m.amount, literal(False).label("derived"))
        .where(m.measure_code.is_not(None)),
        select(*part_described, parts.year, no_period, parts.basis, parts.source, parts.amount,
               literal(True).label("derived")),
        select(*year_described, cast(null(), Integer).label("year"), no_period, years.basis, years.source,
               func.sum(years.amount).label("amount"), literal(True).label("derived"))
        .where(~printed_beside(years, other.c.year.is_(None), other.c.period.is_(None)))
        .group_by(*year_described, years.basis, years.source),
    ).subquery()


def _measure_totals(facts: TableClause) -> Select:
    """One total per measure, year, period, basis and source, of each act's preferred
    document (read from `funding_facts`; see _measure_amounts for what is derived): a
    source's amount, and the measure's `all` amount as printed or, where it is not, the
    sum of its sources. `derived` marks every amount not printed; `disagrees` a printed
    `all` that is not the sum of the sources printed beside it."""
    rows = _measure_amounts(facts)
    c = rows.c
    keys = ["document_id", "measure_code", "year", "period", "basis"]
    key_columns = [c.document_id, c.source_file, c.region_code, c.region_name, c.measure_code, c.measure_title,
                   c.year, c.period, c.basis]
    parts = (select(*key_columns, func.sum(c.amount).label("amount")).where(c.source != "all")
             .group_by(*key_columns).subquery())
    alls = select(*key_columns, c.amount, c.derived).where(c.source == "all").subquery()
    every_key = select(*key_columns).distinct().subquery()
    sources = select(*key_columns, c.source, c.amount, c.derived, literal(False).label("disagrees")).where(
        c.source != "all")
    totals = (
        select(*every_key.c, literal("all").label("source"),
               func.coalesce(alls.c.amount, parts.c.amount).label("amount"),
               func.coalesce(alls.c.derived, True).label("derived"),
               and_(_differ_by_a_kopeck(alls.c.amount, parts.c.amount), ~func.coalesce(alls.c.derived, True))
               .label("disagrees"))
        .outerjoin(alls, _same_key(keys, every_key, alls)).outerjoin(parts, _same_key(keys, every_key, parts))
    )
    return union_all(sources, totals)


def _same_key(keys: list[str], left, right):
    return and_(*(getattr(left.c, k).is_not_distinct_from(getattr(right.c, k)) for k in keys))


def _differ_by_a_kopeck(printed, summed):
    """A printed amount that is not the sum beside it, compared to the kopeck: SQLite sums
    amounts as floating point. False where either is missing."""
    return func.coalesce(func.abs(cast(printed, Numeric(18, 2)) - summed) >= 0.005, False)


def view_table(name: str, query: Select | None = None) -> TableClause:
    """The view `name` (defined by `query`, by default the one of VIEWS) as a table to
    select from by name: a view built on another one then stays short enough for
    SQLite's parser, and a page reads a view as it reads a table."""
    query = VIEWS[name] if query is None else query
    return table(name, *(column(c.name, c.type) for c in query.selected_columns))


def _document_totals(facts: TableClause, measure_totals: TableClause) -> Select:
    """One total per document, year, period, basis and source, of each act's preferred
    document: the total the document prints (its ИТОГО row), else, for `all`, the sum of
    the source totals it prints, else the sum over its measures (`measure_totals`).
    `printed` says the amount is printed (or the sum of printed totals); `disagrees` marks
    a printed amount that is not the sum over the measures (`sum_of_measures`)."""
    f, keys = facts.c, ["document_id", "year", "period", "basis", "source"]
    printed_rows = (select(f.document_id, f.year, f.period, f.basis, f.source, f.amount)
                    .where(f.is_document_total)).subquery()
    p = printed_rows.c
    printed = (select(p.document_id, p.year, p.period, p.basis, p.source, func.max(p.amount).label("amount"))
               .group_by(p.document_id, p.year, p.period, p.basis, p.source).subquery())
    printed_sources = (select(p.document_id, p.year, p.period, p.basis, literal("all").label("source"),
                              func.sum(p.amount).label("amount")).where(p.source != "all")
                       .group_by(p.document_id, p.year, p.period, p.basis).subquery())
    m = measure_totals.c
    measures = (select(m.document_id, m.year, m.period, m.basis, m.source, func.sum(m.amount).label("amount"))
                .group_by(m.document_id, m.year, m.period, m.basis, m.source).subquery())
    every_key = union_all(select(*(getattr(printed.c, k) for k in keys)),
                          select(*(getattr(measures.c, k) for k in keys))).subquery()
    every_key = select(*every_key.c).distinct().subquery()
    printed_amount = func.coalesce(printed.c.amount, printed_sources.c.amount)
    totals = (
        select(*every_key.c, func.coalesce(printed_amount, measures.c.amount).label("amount"),
               printed_amount.is_not(None).label("printed"),
               measures.c.amount.label("sum_of_measures"),
               _differ_by_a_kopeck(printed_amount, measures.c.amount).label("disagrees"))
        .outerjoin(printed, _same_key(keys, every_key, printed))
        .outerjoin(printed_sources, _same_key(keys, every_key, printed_sources))
        .outerjoin(measures, _same_key(keys, every_key, measures))
    ).subquery()
    return (select(totals.c.document_id, d.source_file, d.region_code, r.name.label("region_name"),
                   *(c for c in totals.c if c.name != "document_id"))
            .join(d, d.id == totals.c.document_id).outerjoin(r, r.code == d.region_code))


FUNDING_FACTS: Select = _funding_facts()
MEASURE_TOTALS: Select = _measure_totals(view_table("funding_facts", FUNDING_FACTS))

VIEWS: dict[str, Select] = {
    "preferred_documents": PREFERRED_DOCUMENTS,
    "funding_facts": FUNDING_FACTS,
    "measure_totals": MEASURE_TOTALS,
    "document_totals": _document_totals(view_table("funding_facts", FUNDING_FACTS),
                                        view_table("measure_totals", MEASURE_TOTALS)),
    "indicator_facts": _indicator_facts(),
    "measure_executors": _measure_executors(),
}

# The views as earlier revisions create them: a migration builds the schema of its own
# revision, whatever the models say today. 0010 to 0012 had no indicator numbers nor
# organisations' common names; 0009 read every document; 0005 to 0008 also had no task,
# period and basis in funding_facts.
VIEWS_BEFORE_0013: dict[str, Select] = {
    **{name: query for name, query in VIEWS.items() if name != "document_totals"},
    "funding_facts": _funding_facts(numeric=False),
    "measure_totals": _measure_totals_of_0012(),
    "indicator_facts": _indicator_facts(numbers=False),
    "measure_executors": _measure_executors(identity=False),
}
VIEWS_BEFORE_0010: dict[str, Select] = {
    "funding_facts": _funding_facts(preferred=False, numeric=False),
    "indicator_facts": _indicator_facts(preferred=False, numbers=False),
    "measure_executors": _measure_executors(preferred=False, identity=False),
}
VIEWS_BEFORE_0009: dict[str, Select] = {**VIEWS_BEFORE_0010,
                                         "funding_facts": _funding_facts(dimensions=False, preferred=False,
                                                                         numeric=False)}


def create_view_sql(name: str, dialect: Dialect, views: dict[str, Select] = VIEWS) -> str:
    """CREATE VIEW for one of `views` (the current VIEWS by default), in the dialect's SQL."""
    query = views[name].compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return f"CREATE VIEW {name} AS {query}"
