"""The browse page: the research views as charts and tables for people who would rather
look than write SQL. Facets by region, year and source; funding by region and source,
funding by year, indicator trends (Plotly figures, drawn in the browser by the
plotly.js that ships inside the plotly wheel); every number links to its document.

It reads the same views as `orders sql` (models/views.py): one file per act, planned
amounts, totals as the documents print them (`document_totals`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from models.records import FUNDING_SOURCES
from models.views import view_table

TOTALS = view_table("document_totals")
INDICATORS = view_table("indicator_facts")
TRENDS_SHOWN = 8  # indicators drawn at most, those with the most values first


@dataclass(frozen=True)
class BrowseFilter:
    """What the page shows: one region, one year (None: the whole period), one source (None: each)."""

    region: str | None = None
    year: int | None = None
    source: str | None = None


@dataclass(frozen=True)
class Total:
    """One printed (or derived) total of a document, linked to the document's page."""

    document_id: int
    source_file: str
    region_name: str
    year: int | None
    source: str
    amount: Decimal
    printed: bool
    disagrees: bool

    @property
    def url(self) -> str:
        return f"/documents/{self.document_id}?open=funding"


def _planned(query: Select) -> Select:
    return query.where(TOTALS.c.basis == "plan", TOTALS.c.period.is_(None))


def facets(session: Session) -> dict[str, list]:
    """The regions (code, name), years and sources there are totals of."""
    regions = session.execute(_planned(select(TOTALS.c.region_code, TOTALS.c.region_name).distinct())
                              .where(TOTALS.c.region_code.is_not(None)).order_by(TOTALS.c.region_name)).all()
    years = session.scalars(_planned(select(TOTALS.c.year).distinct()).where(TOTALS.c.year.is_not(None))
                            .order_by(TOTALS.c.year)).all()
    sources = session.scalars(_planned(select(TOTALS.c.source).distinct()).order_by(TOTALS.c.source)).all()
    return {"regions": [tuple(r) for r in regions], "years": [int(y) for y in years], "sources": list(sources)}


def _filtered(query: Select, which: BrowseFilter, by_year: bool = False) -> Select:
    conditions = []
    if which.region:
        conditions.append(TOTALS.c.region_code == which.region)
    if which.source:
        conditions.append(TOTALS.c.source == which.source)
    else:  # the parts, not their sum as well
        conditions.append(TOTALS.c.source != "all")
    if not by_year:
        conditions.append(TOTALS.c.year == which.year if which.year else TOTALS.c.year.is_(None))
    else:
        conditions.append(TOTALS.c.year.is_not(None))
    return _planned(query).where(and_(*conditions))


def totals(session: Session, which: BrowseFilter) -> list[Total]:
    """Each document's totals by source for the year (or the whole period) chosen."""
    t = TOTALS.c
    rows = session.execute(_filtered(select(t.document_id, t.source_file, t.region_name, t.year, t.source, t.amount,
                                            t.printed, t.disagrees), which)
                           .order_by(t.region_name, t.source_file, t.source)).all()
    return [Total(r.document_id, r.source_file, r.region_name or "", r.year, r.source, Decimal(str(r.amount)),
                  bool(r.printed), bool(r.disagrees)) for r in rows]


def _by_year(session: Session, which: BrowseFilter) -> list[tuple[int, str, float]]:
    t = TOTALS.c
    query = _filtered(select(t.year, t.source, func.sum(t.amount)), which, by_year=True).group_by(t.year, t.source)
    return [(int(year), source, float(amount)) for year, source, amount in session.execute(query.order_by(t.year))]


def _trends(session: Session, which: BrowseFilter) -> dict[str, list[tuple[str, float]]]:
    """Numeric values of indicators by period, in the order the periods end, the most measured first."""
    i = INDICATORS.c
    query = select(i.region_name, i.indicator_title, i.unit, i.period, i.number).where(
        i.number.is_not(None), i.period_end.is_not(None))
    if which.region:
        query = query.where(i.region_code == which.region)
    series: dict[str, list[tuple[str, float]]] = {}
    for region, title, unit, period, number in session.execute(query.order_by(i.period_end, i.period)):
        name = f"{title} ({unit})" if unit else title
        series.setdefault(name if which.region else f"{region}: {name}", []).append((period, float(number)))
    ranked = sorted(series.items(), key=lambda item: -len(item[1]))
    return dict(item for item in ranked[:TRENDS_SHOWN] if len(item[1]) > 1)


def charts(session: Session, which: BrowseFilter, shown: list[Total]) -> dict[str, str]:
    """The page's figures as Plotly JSON, by the id of the element each is drawn in."""
    by_region: dict[tuple[str, str], float] = {}
    for total in shown:
        key = (total.region_name, total.source)
        by_region[key] = by_region.get(key, 0.0) + float(total.amount)
    period = str(which.year) if which.year else "the whole period"
    figures = {
        "chart-regions": _bars([(region, source, amount) for (region, source), amount in by_region.items()],
                               f"Planned funding by region and source, {period} (roubles)"),
        "chart-years": _bars(_by_year(session, which), "Planned funding by year and source (roubles)"),
        "chart-indicators": _lines(_trends(session, which), "Indicators by period"),
    }
    return {name: json.dumps(figure, cls=PlotlyJSONEncoder) for name, figure in figures.items()}


# One colour per source on every chart and page (Plotly's own palette, in the order of FUNDING_SOURCES).
SOURCE_COLOURS = dict(zip(FUNDING_SOURCES, qualitative.Plotly))


def _bars(points: list[tuple], title: str) -> go.Figure:
    figure = go.Figure(layout={"title": title, "barmode": "stack", "height": 380, "legend_title": "source"})
    for source in sorted({source for _, source, _ in points}, key=FUNDING_SOURCES.index):
        mine = [(x, amount) for x, s, amount in points if s == source]
        figure.add_bar(name=source, x=[str(x) for x, _ in mine], y=[amount for _, amount in mine],
                       marker_color=SOURCE_COLOURS[source])
    return figure


def _lines(series: dict[str, list[tuple[str, float]]], title: str) -> go.Figure:
    figure = go.Figure(layout={"title": title, "height": 420, "legend": {"orientation": "h", "y": -0.2},
                               "xaxis": {"type": "category"}})
    for name, points in series.items():
        figure.add_scatter(name=_shortened(name), x=[x for x, _ in points], y=[y for _, y in points], mode="lines+markers")
    return figure


def _shortened(name: str, limit: int = 80) -> str:
    """A legend entry cut at a word, not inside one."""
    return name if len(name) <= limit else name[:limit].rsplit(" ", 1)[0] + " …"


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """plotly.js as the installed plotly wheel ships it: the page never loads code from elsewhere."""
    return get_plotlyjs()
