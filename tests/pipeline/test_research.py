"""The researchers' interface (pipeline/research.py, models/views.py): views with
corrections applied, typed exports, read-only SQL, and every query of
docs/research.md running on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from models import db
from store import corrections
from models.errors import UsageError
from pipeline.research import export_all, read_csv_export, read_table, run_query
from pipeline.stages import extract
from store.database import write_transaction
from store.save import save_document
from models.records import FundingRow
from tests.conftest import build_document

ROOT = Path(__file__).resolve().parents[2]
ORDERS = sorted((ROOT / "data" / "raw" / "text").glob("*.txt"))
DOCS = ROOT / "docs" / "research.md"


@pytest.fixture(scope="module")
def extracted():
    return [(path, extract(path)) for path in ORDERS]


@pytest.fixture
def filled(sessions, extracted):
    for path, doc in extracted:
        save_document(sessions, doc, fingerprint=hashlib.sha256(path.read_bytes()).hexdigest(),
                      source_path=str(path), pipeline_version="test")
    return sessions


def test_views_show_corrected_values(filled):
    query = ("SELECT amount FROM funding_facts WHERE measure_code = '4.2' AND year = 2020 AND source = 'all' "
             "AND source_file = '000_de2bdb5f24b93b6d.txt'")
    assert Decimal(str(run_query(filled, query)[1][0][0])) == Decimal("1028")
    with write_transaction(filled) as session:
        document = session.query(db.Document).filter_by(source_file="000_de2bdb5f24b93b6d.txt").one()
        corrections.correct(session, document, "funding", "4.2 2020 all", "amount", "1028000", author="anna")

    assert Decimal(str(run_query(filled, query)[1][0][0])) == Decimal("1028000")
    columns, rows, _ = run_query(filled, "SELECT region_name, organization_kind, by_agreement FROM measure_executors")
    assert columns == ["region_name", "organization_kind", "by_agreement"] and len(rows) > 100


def test_parquet_keeps_decimals_and_dates_exact(filled, tmp_path):
    paths = {p.name for p in export_all(filled, tmp_path, "parquet")}

    assert {"funding.parquet", "funding_facts.parquet", "indicator_facts.parquet", "document.parquet"} <= paths
    assert "account.parquet" not in paths  # password hashes are not research data
    funding = pd.read_parquet(tmp_path / "funding.parquet", dtype_backend="pyarrow")
    document = pd.read_parquet(tmp_path / "document.parquet")
    assert str(funding.amount.dtype) == "decimal128(18, 2)[pyarrow]"
    assert pd.read_parquet(tmp_path / "funding.parquet").amount.map(type).eq(Decimal).all()
    assert document.doc_date.dropna().map(type).eq(dt.date).all()
    assert str(pd.read_parquet(tmp_path / "document.parquet", dtype_backend="pyarrow").doc_date.dtype) \
        == "date32[day][pyarrow]"


def test_csv_writes_exact_amounts_and_iso_dates(filled, tmp_path):
    export_all(filled, tmp_path, "csv")

    funding = pd.read_csv(tmp_path / "funding.csv", converters={"amount": Decimal})
    with (tmp_path / "document.csv").open(encoding="utf-8") as f:
        dates = [row["doc_date"] for row in csv.DictReader(f) if row["doc_date"]]
    assert funding.amount.map(type).eq(Decimal).all()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates) and dates
    assert (funding.amount == funding.amount.map(lambda a: a.quantize(Decimal("0.01")))).all()


def test_unknown_export_format_is_refused(filled, tmp_path):
    with pytest.raises(UsageError, match="unknown export format «xlsx»"):
        export_all(filled, tmp_path, "xlsx")


@pytest.mark.parametrize("statement", ["DELETE FROM funding", "UPDATE document SET title = 'x'",
                                       "DROP TABLE issue"])
def test_sql_is_read_only(filled, statement):
    before = run_query(filled, "SELECT COUNT(*) FROM funding")[1]
    with pytest.raises(UsageError, match="refused|returns no rows"):
        run_query(filled, statement)
    assert run_query(filled, "SELECT COUNT(*) FROM funding")[1] == before


def test_every_question_of_the_research_page_runs(filled):
    queries = re.findall(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    assert len(queries) >= 12
    answered = [q.splitlines()[0] for q in queries if run_query(filled, q)[1]]
    # a question may have no answer in a small sample (no active corrections yet) but must run
    assert len(answered) >= len(queries) - 1


def test_every_python_answer_of_the_research_page_runs(filled, tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    export_all(filled, tmp_path / "exports", "csv")
    monkeypatch.chdir(tmp_path)
    namespace = {"ENGINE": filled.kw["bind"]}
    exec(blocks[0].replace("create_engine(", "(lambda url: ENGINE)("), namespace)
    assert namespace["f"].amount.map(type).eq(Decimal).all()
    for block in blocks[1:]:
        exec(block, namespace)  # each answer builds on the frames read first, as in a notebook
    # the exported CSV, read with its datapackage's types by pandas and by duckdb
    from_pandas = namespace["funding_csv"]
    from_duckdb = dict(zip(namespace["funding_duck"].columns, zip(*namespace["funding_duck"].fetchall())))
    for read in (from_pandas, from_duckdb):
        assert {"5.10", "6.10"} <= set(read["measure_code"])
        assert {type(a) for a in read["amount"]} == {Decimal}


def test_the_csv_export_reads_back_as_the_database_holds_it(filled, tmp_path):
    """datapackage.json gives every column's type: the CSV read with it equals the view."""
    export_all(filled, tmp_path, "csv")
    for name in ("funding_facts", "indicator_facts", "document"):
        from_csv = read_csv_export(tmp_path, name)
        from_db = read_table(filled.kw["bind"], name)
        assert list(from_csv.columns) == list(from_db.columns)
        for column in ("measure_code", "amount", "year", "doc_date", "number", "period_end", "is_document_total"):
            if column in from_db:
                assert from_csv[column].astype(object).where(from_csv[column].notna(), None).tolist() == \
                    from_db[column].astype(object).where(from_db[column].notna(), None).tolist(), (name, column)


def test_the_datapackage_describes_every_exported_column(filled, tmp_path):
    export_all(filled, tmp_path, "parquet")
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert {p.stem for p in tmp_path.glob("*.parquet")} == set(resources)
    fields = {f["name"]: f for f in resources["funding"]["schema"]["fields"]}
    assert fields["measure_code"]["type"] == "string" and fields["amount"]["type"] == "number"
    assert all(f["description"] for r in resources.values() for f in r["schema"]["fields"])


def test_one_act_ingested_as_text_word_and_pdf_counts_once(sessions):
    """The research views read one file of an act: its amounts are counted once, not three times."""
    files = [ROOT / "data" / "raw" / sub / "001_4e0a142146799e3e" for sub in ("text", "docx", "pdf")]
    funding = "SELECT region_code, source, COUNT(*), SUM(amount) FROM funding_facts GROUP BY region_code, source"
    for path, suffix in zip(files, (".txt", ".docx", ".pdf")):
        path = path.with_suffix(suffix)
        save_document(sessions, extract(path), fingerprint=hashlib.sha256(path.read_bytes()).hexdigest(),
                      source_path=str(path), pipeline_version="test")
        if suffix == ".txt":
            alone = run_query(sessions, funding)[1]
    _, preferred, _ = run_query(sessions, "SELECT act_key, files_of_act FROM preferred_documents")
    assert [files for _, files in preferred] == [3]
    assert run_query(sessions, funding)[1] == alone and alone


def test_measure_totals_add_up_to_the_printed_total_where_all_is_not_printed(sessions):
    """001 prints sources for most measures and an «all» for few: the view derives the rest."""
    path = ROOT / "data" / "raw" / "text" / "001_4e0a142146799e3e.txt"
    save_document(sessions, extract(path), fingerprint=hashlib.sha256(path.read_bytes()).hexdigest(),
                  source_path=str(path), pipeline_version="test")
    whole_period = "basis = 'plan' AND period IS NULL AND year IS NULL AND source = 'all'"
    printed = run_query(sessions, f"SELECT amount FROM funding_facts WHERE is_document_total AND {whole_period}").rows
    measures = run_query(sessions, f"SELECT SUM(amount), SUM(CASE WHEN derived THEN 1 ELSE 0 END), "
                                   f"SUM(CASE WHEN disagrees THEN 1 ELSE 0 END) FROM measure_totals "
                                   f"WHERE {whole_period}").rows
    assert Decimal(str(printed[0][0])) == Decimal("28056979")
    total, derived, disagreeing = measures[0]
    assert Decimal(str(total)).quantize(Decimal("0.01")) == Decimal("28056979.00")
    assert int(derived) > 0 and int(disagreeing) == 0


def _store_funding(sessions, name: str, funding: list[FundingRow]) -> None:
    """The sample order stored as `name` with only these funding rows and no issues."""
    doc = build_document(name)
    doc.funding, doc.issues = funding, []
    save_document(sessions, doc, fingerprint=name[0] * 64, source_path=name, pipeline_version="test")


def test_a_measure_printed_by_year_only_gets_whole_period_totals(sessions):
    """No «Всего» column: the measure's and the document's whole period are summed over
    their years, marked derived, and numbers compare and sort as numbers on both databases."""
    _store_funding(sessions, "years_only.docx", [
        FundingRow("1.1", 2023, "fund_grant", "грант Фонда", Decimal("850000.00")),
        FundingRow("1.1", 2024, "fund_grant", "грант Фонда", Decimal("90000.50")),
        FundingRow("1.2", 2023, "all", "всего", Decimal("1000000.00")),
        FundingRow(None, 2023, "all", "ИТОГО", Decimal("1850000.00"))])
    measures = run_query(sessions, "SELECT measure_code, source, amount, derived FROM measure_totals "
                                   "WHERE year IS NULL ORDER BY amount DESC, source").rows
    assert [(code, source, Decimal(str(amount)), bool(derived)) for code, source, amount, derived in measures] == [
        ("1.2", "all", Decimal("1000000"), True), ("1.1", "all", Decimal("940000.5"), True),
        ("1.1", "fund_grant", Decimal("940000.5"), True)]
    whole = run_query(sessions, "SELECT source, amount, printed FROM document_totals WHERE year IS NULL "
                                "ORDER BY source").rows
    assert [(source, Decimal(str(amount)), bool(printed)) for source, amount, printed in whole] == [
        ("all", Decimal("1940000.5"), False), ("fund_grant", Decimal("940000.5"), False)]
    assert run_query(sessions, "SELECT COUNT(*) FROM funding_facts WHERE amount > 100000").rows == [(3,)]


@pytest.mark.parametrize("query", ["SELECT * FROM account", "SELECT name FROM Account_Session",
                                   "SELECT d.id FROM document d JOIN alembic_version v ON 1 = 1"])
def test_sql_refuses_the_private_tables_on_every_database(sessions, query):
    with pytest.raises(UsageError, match="holds no research data"):
        run_query(sessions, query)


def test_a_measure_printed_by_quarters_only_gets_its_year_and_whole_period(sessions):
    """Quarters sum to their year (halves only where no quarter is printed, never with
    nine months), and the years to the whole period; a printed year is never summed over."""
    _store_funding(sessions, "quarters_only.docx", [
        FundingRow("1.1", 2024, "all", "всего", Decimal("1234.66"), period="2024-Q1"),
        FundingRow("1.1", 2024, "all", "всего", Decimal("0.21"), period="2024-Q2"),
        FundingRow("1.1", 2024, "all", "всего", Decimal("1234.87"), period="2024-H1"),
        FundingRow("1.1", 2024, "all", "всего", Decimal("1234.87"), period="2024-9M"),
        FundingRow("1.2", 2025, "all", "всего", Decimal("10"), period="2025-H1"),
        FundingRow("1.2", 2025, "all", "всего", Decimal("20"), period="2025-H2"),
        FundingRow("1.2", 2024, "all", "всего", Decimal("5"), period="2024-Q1"),
        FundingRow("1.2", 2024, "all", "всего", Decimal("7")),
        FundingRow(None, 2024, "all", "ИТОГО", Decimal("1246.87"))])
    rows = run_query(sessions, "SELECT measure_code, year, amount, derived FROM measure_totals "
                               "WHERE period IS NULL AND source = 'all' ORDER BY measure_code, year").rows
    read = [(code, year, Decimal(str(amount)).quantize(Decimal("0.01")), bool(derived))
            for code, year, amount, derived in rows]
    assert sorted(read, key=lambda row: (row[0], row[1] is not None, row[1] or 0)) == [
        ("1.1", None, Decimal("1234.87"), True), ("1.1", 2024, Decimal("1234.87"), True),
        ("1.2", None, Decimal("37.00"), True), ("1.2", 2024, Decimal("7.00"), False),
        ("1.2", 2025, Decimal("30.00"), True)]
