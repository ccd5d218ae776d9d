"""Every money question of docs/research.md gives the totals the orders print, on the
shared corpus, whichever of an act's files were ingested (text, Word, PDF or all of
them), on SQLite and PostgreSQL.

What an order prints is taken from the hand-checked gold of ../shared, not from the
product's own extraction: a document's total as its ИТОГО row prints it (for `all`,
where only the sources' totals are printed, their sum), else the sum over its
measures, a measure's `all` as printed, else the sum of its sources."""
from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.research import run_query
from pipeline.stages import extract
from store.save import save_document

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "corpus" / "gold"
DOCS = ROOT / "docs" / "research.md"
RAW = ROOT / "data" / "raw"
FILES = {"text": sorted((RAW / "text").glob("*.txt")), "docx": sorted((RAW / "docx").glob("*.docx")),
         "pdf": [p for p in sorted((RAW / "pdf").glob("*.pdf")) if not p.name.endswith(".scan.pdf")]}
FORMAT_SETS = [("text",), ("docx",), ("pdf",), ("text", "docx", "pdf")]

pytestmark = pytest.mark.skipif(not GOLD.is_dir(), reason="../shared/corpus/gold is not present")


def _act(source_file: str) -> str:
    return source_file.split(".")[0]


def _question(number: int) -> str:
    """The SQL of question `number` of the research page."""
    text = DOCS.read_text(encoding="utf-8")
    section = re.search(rf"^## {number}\. .*?(?=^## )", text, re.S | re.M).group(0)
    return re.search(r"```sql\n(.*?)```", section, re.S).group(1)


class Printed:
    """What one act prints, from its gold: each measure's whole totals, and the document's
    totals by (year, source)."""

    def __init__(self, gold: dict):
        self.region = gold["document"]["region"]
        measures: dict[str, dict[tuple, Decimal]] = defaultdict(dict)
        printed: dict[tuple, Decimal] = {}
        for row in gold["funding"]:
            key, amount = (row["year"], row["source"]), Decimal(row["amount_rub"] or 0)
            (printed if row["measure_code"] is None else measures[row["measure_code"]])[key] = amount
        self.measures = {code: _with_all(rows) for code, rows in measures.items()}
        over_measures = defaultdict(Decimal)
        for rows in self.measures.values():
            for key, amount in rows.items():
                over_measures[key] += amount
        self.totals = {**over_measures, **_with_all(printed)}  # printed first, else the sum over measures


def _with_all(rows: dict[tuple, Decimal]) -> dict[tuple, Decimal]:
    """`all` by year as printed, else the sum of the sources printed for that year."""
    out = dict(rows)
    for year in {y for y, _ in rows}:
        out.setdefault((year, "all"), sum(a for (y, s), a in rows.items() if y == year and s != "all"))
    return out


@pytest.fixture(scope="module")
def printed() -> dict[str, Printed]:
    return {p.stem: Printed(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(GOLD.glob("*.json"))}


@pytest.fixture(scope="module")
def extracted():
    return {path: extract(path) for paths in FILES.values() for path in paths}


@pytest.fixture(params=FORMAT_SETS, ids="+".join)
def ingested(request, sessions, extracted):
    for fmt in request.param:
        for path in FILES[fmt]:
            save_document(sessions, extracted[path], fingerprint=hashlib.sha256(path.read_bytes()).hexdigest(),
                          source_path=str(path), pipeline_version="test")
    acts = {_act(p.name) for fmt in request.param for p in FILES[fmt]}
    return sessions, acts


def _rows(sessions, number: int) -> list[tuple]:
    result = run_query(sessions, _question(number))
    assert result.rows, f"question {number} has no answer"
    return result.rows


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_every_money_question_gives_the_printed_totals(ingested, printed):
    """One ingest per database and set of formats; each question checked on it."""
    for check in (_grant_money_by_region_and_year, _each_documents_total_by_source, _the_grants_share_of_each_region,
                  _the_most_expensive_measures, _printed_document_totals):
        check(*ingested, printed)


def _grant_money_by_region_and_year(sessions, acts, printed):
    expected = defaultdict(Decimal)
    for act in acts:
        for (year, source), amount in printed[act].totals.items():
            if source == "fund_grant" and year is not None:
                expected[(printed[act].region, year)] += amount
    assert {(region, int(year)): _money(grant) for region, year, grant in _rows(sessions, 1)} == \
        {key: _money(amount) for key, amount in expected.items()}


def _each_documents_total_by_source(sessions, acts, printed):
    answer = {(_act(file), source): _money(amount) for file, source, amount, _ in _rows(sessions, 4)}
    expected = {(act, source): _money(amount) for act in acts for (year, source), amount in printed[act].totals.items()
                if year is None}
    assert answer == expected


def _the_grants_share_of_each_region(sessions, acts, printed):
    expected = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for act in acts:
        totals = printed[act].totals
        if totals:
            expected[printed[act].region][0] += totals.get((None, "fund_grant"), 0)
            expected[printed[act].region][1] += totals[(None, "all")]
    answer = {region: [_money(grant), _money(whole)] for region, grant, whole in _rows(sessions, 5)}
    assert answer == {region: [_money(g), _money(w)] for region, (g, w) in expected.items()}


def _the_most_expensive_measures(sessions, _acts, printed):
    for _, file, code, _, amount, _ in _rows(sessions, 6):
        assert _money(amount) == _money(printed[_act(file)].measures[code][(None, "all")]), (file, code)


def _printed_document_totals(sessions, _acts, printed):
    for file, year, source, total, _, _ in _rows(sessions, 10):
        assert _money(total) == _money(printed[_act(file)].totals[(year and int(year), source)]), (file, year, source)
