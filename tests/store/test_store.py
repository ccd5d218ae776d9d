"""store/ against SQLite and PostgreSQL: save, replace, roll back, load, export."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pandas as pd
import pytest
from sqlalchemy import create_engine, event, func, select
from sqlalchemy.exc import StatementError

from models import db
from models.errors import UsageError
from pipeline.research import export_all, run_query
from models.records import ExtractedDocument, FundingRow, IssuePlace, Organization, ReviewIssue
from store.database import open_database
from store.export import export_json
from store.issues import IssueView, IssueFilter, count_issues, list_issues
from store.load import load_document
from store.runs import add_to_run, files_line, finish_run, list_runs, start_run, status_summary
from store.save import save_document, stored_document_id


def fingerprint(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def save(sessions, doc: ExtractedDocument, version: str = "v1"):
    return save_document(
        sessions, doc, fingerprint=fingerprint(doc.source_file + version),
        source_path=f"data/raw/{doc.source_file}", pipeline_version="test",
    )


def load(sessions, document_id: int) -> ExtractedDocument:
    with sessions() as session:
        return load_document(session, document_id)


def row_counts(state: dict[str, list[tuple]]) -> dict[str, int]:
    return {table: len(rows) for table, rows in state.items()}


def test_round_trip_gives_back_the_same_document(sessions, make_document):
    original = make_document()

    result = save(sessions, original)
    loaded = load(sessions, result.document_id)

    assert result.outcome == "new"
    assert result.counts["measures"] == 3 and result.counts["funding"] == 4
    assert loaded.to_export() == original.to_export()
    assert loaded == original  # provenance, parsed deadlines and regions too


def test_amounts_come_back_as_exact_decimals(sessions, make_document):
    result = save(sessions, make_document())

    amounts = [f.amount_rub for f in load(sessions, result.document_id).funding]

    assert all(type(a) is Decimal for a in amounts)
    assert amounts == [Decimal("1778000.00"), Decimal("234400"), Decimal("0.50"), Decimal("1778000.50")]
    assert str(amounts[2]) == "0.50"


def test_same_fingerprint_is_unchanged_and_writes_nothing(sessions, make_document, snapshot):
    first = save(sessions, make_document())
    before = snapshot(sessions)

    again = save(sessions, make_document())

    assert (again.outcome, again.document_id, again.counts) == ("unchanged", first.document_id, {})
    assert snapshot(sessions) == before


def test_stored_document_id_by_place_and_bytes(sessions, make_document):
    stored = save(sessions, make_document())

    assert stored_document_id(sessions, "001_altai.docx", fingerprint("001_altai.docxv1")) == stored.document_id
    assert stored_document_id(sessions, "other/001_altai.docx", fingerprint("001_altai.docxv1")) is None
    assert stored_document_id(sessions, "001_altai.docx", fingerprint("never seen")) is None


def test_new_version_of_a_file_replaces_the_old_one(sessions, make_document, snapshot):
    save(sessions, make_document())
    changed = make_document()
    del changed.measures[2]
    changed.funding = [FundingRow("1.1", 2024, "all", "Всего", Decimal("99.99"))]
    changed.issues = []

    result = save(sessions, changed, version="v2")

    assert result.outcome == "replaced"
    with sessions() as session:
        assert session.scalars(select(db.Document.fingerprint)).all() == [fingerprint("001_altai.docxv2")]
    assert load(sessions, result.document_id).to_export() == changed.to_export()
    counts = row_counts(snapshot(sessions))
    assert (counts["document"], counts["measure"], counts["funding"], counts["issue"]) == (1, 2, 1, 0)
    assert counts["provenance"] == 3  # task 1, measure 1.1 and indicator 1 keep theirs
    assert counts["measure_executor"] == 3


def test_a_new_version_keeps_the_documents_and_issues_ids_and_never_reuses_a_gone_one(sessions, make_document):
    first = save(sessions, make_document())
    with sessions() as session:
        before = {x.where: x.id for x in session.scalars(select(db.Issue))}
    changed = make_document()
    changed.issues = [changed.issues[0], ReviewIssue("other", IssuePlace("page", "3"), "the page is blank")]  # «measure 2.1» is gone

    second = save(sessions, changed, version="v2")

    with sessions() as session:
        after = {x.where: x.id for x in session.scalars(select(db.Issue))}
    assert second.document_id == first.document_id
    assert after["funding 1.1"] == before["funding 1.1"]
    assert after["page 3"] > max(before.values())  # not the id «measure 2.1» had


def _with_bad_funding_source(doc: ExtractedDocument) -> None:
    doc.funding.append(FundingRow(None, None, "lottery", "лотерея", Decimal("1")))


def _with_kopeck_fraction(doc: ExtractedDocument) -> None:
    doc.funding.append(FundingRow(None, None, "all", "Всего", Decimal("0.005")))


def _with_untitled_measure(doc: ExtractedDocument) -> None:
    doc.measures[-1].title = None


BAD_RECORDS = [_with_bad_funding_source, _with_kopeck_fraction, _with_untitled_measure]


@pytest.mark.parametrize("spoil", BAD_RECORDS, ids=lambda f: f.__name__.removeprefix("_with_"))
def test_failed_save_leaves_the_database_as_it_was(sessions, make_document, snapshot, spoil):
    save(sessions, make_document("000_other.docx"))
    before = snapshot(sessions)
    doc = make_document()
    doc.organizations.append(Organization("Новый фонд", "fund", ["Фонд"], "RU-ALT"))
    spoil(doc)

    with pytest.raises((StatementError, ValueError)):
        save(sessions, doc)

    assert snapshot(sessions) == before


@pytest.mark.parametrize("spoil", BAD_RECORDS, ids=lambda f: f.__name__.removeprefix("_with_"))
def test_failed_replacement_keeps_the_old_version(sessions, make_document, snapshot, spoil):
    first = save(sessions, make_document())
    before = snapshot(sessions)
    newer = make_document()
    spoil(newer)

    with pytest.raises((StatementError, ValueError)):
        save(sessions, newer, version="v2")

    assert snapshot(sessions) == before
    assert load(sessions, first.document_id).to_export() == make_document().to_export()


def test_documents_share_one_registry_row_per_organization(sessions, make_document):
    first = make_document("001_altai.docx")
    second = make_document("002_altai.pdf")
    ministry = first.organizations[1].name
    # The second document spells the name in lower case and knows other aliases.
    second.organizations[1] = Organization(ministry.lower(), "ministry", ["Министерству труда"], "RU-ALT")
    for measure in second.measures:
        measure.executors = [ministry.lower() if name == ministry else name for name in measure.executors]

    save(sessions, first)
    result = save(sessions, second)

    with sessions() as session:
        rows = session.scalars(select(db.Organization).where(db.Organization.name == ministry)).all()
        aliases = session.scalars(
            select(db.OrganizationAlias.alias).where(db.OrganizationAlias.organization_id == rows[0].id)
        ).all()
        assert session.scalar(select(func.count()).select_from(db.Organization)) == 3
    assert len(rows) == 1
    assert sorted(aliases) == sorted(
        ["Минсоцзащиты Алтайского края", "минсоцзащиты края", "Министерству труда"]
    )
    # Each document still exports its own spelling and its own aliases.
    assert load(sessions, result.document_id).to_export() == second.to_export()


def test_abbreviated_and_spelled_out_names_share_one_registry_row(sessions, make_document):
    first = make_document("001_altai.docx")
    second = make_document("002_altai.pdf")
    abbreviated = first.organizations[2].name  # «КГБУСО «Краевой кризисный центр для мужчин»»
    spelled = abbreviated.replace("КГБУСО", "краевое государственное бюджетное учреждение социального обслуживания")
    second.organizations[2] = Organization(spelled, "institution", [spelled], "RU-ALT")
    for measure in second.measures:
        measure.executors = [spelled if name == abbreviated else name for name in measure.executors]

    save(sessions, first)
    result = save(sessions, second)

    with sessions() as session:
        centres = session.scalars(select(db.Organization).where(db.Organization.kind == "institution")).all()
        aliases = {a.alias for a in centres[0].aliases}
    assert [c.name for c in centres] == [abbreviated]
    assert spelled in aliases
    assert load(sessions, result.document_id).measures[0].executors == second.measures[0].executors


def test_registry_kind_improves_on_other(sessions, make_document):
    vague = make_document("000_first.docx")
    vague.organizations[2].kind = "other"
    save(sessions, vague)

    save(sessions, make_document())

    with sessions() as session:
        centre_name = vague.organizations[2].name
        centre = session.scalar(select(db.Organization).where(db.Organization.name == centre_name))
    assert centre.kind == "institution"


def test_executor_missing_from_the_organization_list_is_still_linked(sessions, make_document):
    doc = make_document()
    doc.measures[2].executors.append("Администрации муниципальных районов")

    loaded = load(sessions, save(sessions, doc).document_id)

    assert loaded.measures[2].executors == doc.measures[2].executors
    assert loaded.organizations[-1].name == "Администрации муниципальных районов"
    assert loaded.organizations[-1].kind == "other"


def test_organization_registered_concurrently_is_reused(sessions, make_document, database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite serialises writers: no ingest can commit between our SELECT and INSERT")
    # The region must be committed already: the rival's row refers to it.
    save(sessions, ExtractedDocument("000_header_only.docx", "docx", 1, header=make_document().header))
    doc = make_document()
    contested = doc.organizations[1]
    key = db.organization_key(contested.name, contested.region_code)
    rival = create_engine(database_url)
    rival_done = []

    def rival_commits_first(connection, cursor, statement, parameters, context, executemany):
        # Runs just before our INSERT of the contested organisation is sent.
        if statement.startswith("INSERT INTO organization ") and key in str(parameters) and not rival_done:
            rival_done.append(True)
            with rival.begin() as other:
                other.execute(db.Organization.__table__.insert().values(
                    name=contested.name, kind="other", region_code="RU-ALT", registry_key=key))

    event.listen(sessions.kw["bind"], "before_cursor_execute", rival_commits_first)
    try:
        result = save(sessions, doc)
    finally:
        rival.dispose()

    with sessions() as session:
        rows = session.scalars(select(db.Organization).where(db.Organization.registry_key == key)).all()
    assert rival_done and len(rows) == 1 and rows[0].kind == "ministry"
    assert load(sessions, result.document_id).to_export() == doc.to_export()


def test_a_long_sqlite_reader_does_not_block_an_ingest(tmp_path, make_document, monkeypatch):
    import sqlite3

    from store import database

    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_S", 1)  # without WAL the save would fail after 1 s
    path = tmp_path / "orders.db"
    sessions = open_database(f"sqlite:///{path}")
    save(sessions, make_document("a.docx"))
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM funding").fetchone()  # a researcher's query, still open

    saved = save(sessions, make_document("b.docx"))

    reader.execute("COMMIT")
    reader.close()
    assert saved.outcome == "new"


def test_parallel_ingests_all_succeed_and_share_the_registry(sessions, make_document):
    # On SQLite this needs writers to queue for the lock rather than fail at once.
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(lambda i: save(sessions, make_document(f"{i:03}.docx")).outcome, range(8)))

    assert outcomes == ["new"] * 8
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(db.Organization)) == 3
        assert session.scalar(select(func.count()).select_from(db.OrganizationAlias)) == 5


def test_load_of_an_unknown_document_says_so(sessions):
    with sessions() as session, pytest.raises(LookupError, match="no document with id 42"):
        load_document(session, 42)


def test_export_json_writes_the_contract_per_document(sessions, make_document, tmp_path):
    doc = make_document()
    save(sessions, doc)

    paths = export_json(sessions, tmp_path / "json")

    assert paths == [tmp_path / "json" / "001_altai.json"]
    text = paths[0].read_text(encoding="utf-8")
    assert text == json.dumps(doc.to_export(), ensure_ascii=False, indent=1) + "\n"
    assert "Алтайский край" in text  # not \u-escaped
    funding = json.loads(text)["funding"]
    assert [f["amount_rub"] for f in funding] == [1778000, 234400, 0.5, 1778000.5]


def with_dimensions(doc: ExtractedDocument) -> ExtractedDocument:
    """The sample document with amounts that differ from its own grant row of 1.2 in
    2023 only by period, basis or task (and a task's subtotal)."""
    doc.funding += [
        FundingRow("1.2", 2023, "fund_grant", "грант Фонда", Decimal("0.25"), period="2023-Q1"),
        FundingRow("1.2", 2023, "fund_grant", "грант Фонда", Decimal("0.40"), basis="fact"),
        FundingRow("1.2", 2023, "fund_grant", "грант Фонда", Decimal("0.10"), period="2023-Q1", basis="fact"),
        FundingRow(None, 2023, "all", "Итого по задаче 1", Decimal("1778000.50"), task_code="1"),
    ]
    return doc


def test_amounts_that_differ_only_in_period_basis_or_task_are_stored_and_exported_apart(
        sessions, make_document, tmp_path):
    doc = with_dimensions(make_document())
    result = save(sessions, doc)

    loaded = load(sessions, result.document_id)
    paths = export_json(sessions, tmp_path / "json")

    assert loaded == doc
    with sessions() as session:
        stored = session.execute(select(db.Funding.measure_code, db.Funding.task_code, db.Funding.year,
                                        db.Funding.period, db.Funding.basis, db.Funding.amount)
                                 .where(db.Funding.position >= 2).order_by(db.Funding.position)).all()
    assert stored == [("1.2", None, 2023, None, "plan", Decimal("0.50")),
                      (None, None, 2023, None, "plan", Decimal("1778000.50")),
                      ("1.2", None, 2023, "2023-Q1", "plan", Decimal("0.25")),
                      ("1.2", None, 2023, None, "fact", Decimal("0.40")),
                      ("1.2", None, 2023, "2023-Q1", "fact", Decimal("0.10")),
                      (None, "1", 2023, None, "plan", Decimal("1778000.50"))]
    funding = json.loads(paths[0].read_text(encoding="utf-8"))["funding"]
    assert funding[2:] == [
        {"measure_code": "1.2", "year": 2023, "source": "fund_grant", "source_label": "грант Фонда", "amount_rub": 0.5},
        {"measure_code": None, "year": 2023, "source": "all", "source_label": "ИТОГО", "amount_rub": 1778000.5},
        {"measure_code": "1.2", "year": 2023, "source": "fund_grant", "source_label": "грант Фонда", "amount_rub": 0.25,
         "period": "2023-Q1"},
        {"measure_code": "1.2", "year": 2023, "source": "fund_grant", "source_label": "грант Фонда", "amount_rub": 0.4,
         "basis": "fact"},
        {"measure_code": "1.2", "year": 2023, "source": "fund_grant", "source_label": "грант Фонда", "amount_rub": 0.1,
         "period": "2023-Q1", "basis": "fact"},
        {"measure_code": None, "year": 2023, "source": "all", "source_label": "Итого по задаче 1",
         "amount_rub": 1778000.5, "task_code": "1"},
    ]
    assert {f.value_key() for f in loaded.funding} >= {"1.2 2023 fund_grant", "1.2 2023-Q1 fund_grant",
                                                      "1.2 2023 fund_grant fact", "1.2 2023-Q1 fund_grant fact",
                                                      "task:1 2023 all"}


def test_exports_without_period_basis_or_task_are_as_before(make_document):
    funding = make_document().to_export()["funding"]

    assert {tuple(f) for f in funding} == {("measure_code", "year", "source", "source_label", "amount_rub")}


def test_research_exports_and_views_show_period_basis_and_task(sessions, make_document, tmp_path):
    save(sessions, with_dimensions(make_document()))
    export_all(sessions, tmp_path / "csv", "csv")
    export_all(sessions, tmp_path / "parquet", "parquet")

    csv_rows = pd.read_csv(tmp_path / "csv" / "funding.csv", dtype=str, keep_default_na=False)
    parquet = pd.read_parquet(tmp_path / "parquet" / "funding_facts.parquet").sort_values("funding_id")
    assert list(zip(csv_rows.task_code, csv_rows.period, csv_rows.basis))[-4:] == [
        ("", "2023-Q1", "plan"), ("", "", "fact"), ("", "2023-Q1", "fact"), ("1", "", "plan")]
    assert list(parquet.basis)[-4:] == ["plan", "fact", "fact", "plan"]
    assert list(parquet.is_document_total.astype(bool)) == [False] * 3 + [True] + [False] * 4
    columns, rows, _ = run_query(sessions, "SELECT measure_code, task_code, period, basis, amount FROM funding_facts "
                                        "WHERE year = 2023 AND source = 'fund_grant' ORDER BY funding_id")
    assert [tuple(r[:4]) for r in rows] == [("1.2", None, None, "plan"), ("1.2", None, "2023-Q1", "plan"),
                                           ("1.2", None, None, "fact"), ("1.2", None, "2023-Q1", "fact")]


def test_export_json_keeps_files_with_the_same_stem_apart(sessions, make_document, tmp_path):
    save(sessions, make_document("order.pdf"))
    save(sessions, make_document("order.docx"))
    save(sessions, make_document("other.txt"))

    paths = export_json(sessions, tmp_path)

    assert [p.name for p in paths] == ["order.docx.json", "order.pdf.json", "other.json"]


def test_a_search_finds_an_issue_by_its_place_as_the_export_names_it(sessions, make_document):
    """Places are typed columns now; a search for «funding total» or «document region» still finds them."""
    doc = make_document()
    doc.issues += [ReviewIssue("sum_mismatch", IssuePlace("funding", None, "all", "all"), "≠", rule="measures"),
                   ReviewIssue("missing_value", IssuePlace("document", field="region"), "?")]
    save(sessions, doc)

    def found(text: str) -> list[str]:
        return [i.place for i in list_issues(sessions, IssueFilter(text=text))]

    assert found("funding total") == ["funding total · all · all"]
    assert found("Document Region") == ["document region"]
    assert found("funding 1.1") == ["funding 1.1 · all · 2023"]


def test_issues_summary_and_runs(sessions, make_document):
    save(sessions, make_document())
    started = dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.timezone.utc)

    run_id = start_run(sessions, started, ["data/raw"])
    add_to_run(sessions, run_id, [{"path": "a.docx", "status": "new", "seconds": {"read": 1.5, "parse": 0.5}},
                                  {"path": "b.docx", "status": "replaced", "seconds": {}}])
    add_to_run(sessions, run_id, [{"path": bad, "status": "failed", "reason": "повреждён", "seconds": {"read": 1}}
                                  for bad in ("bad.pdf", "worse.pdf")])
    finish_run(sessions, run_id, started + dt.timedelta(minutes=3))
    issues = list_issues(sessions)
    summary = status_summary(sessions)

    assert [(i.kind, i.place, i.source_file, i.status) for i in issues] == [
        ("sum_mismatch", "funding 1.1 · all · 2023", "001_altai.docx", "open"),
        ("ocr_suspect", "measure 2.1 · code", "001_altai.docx", "open"),
    ]
    assert all(isinstance(i, IssueView) for i in issues)
    assert list_issues(sessions, IssueFilter(status="closed")) == []
    assert len(list_issues(sessions, IssueFilter(status=None))) == 2
    assert [i.kind for i in list_issues(sessions, IssueFilter(kind="ocr_suspect"))] == ["ocr_suspect"]
    assert list_issues(sessions, IssueFilter(region="RU-KLU")) == []
    assert list_issues(sessions, limit=1, offset=1) == issues[1:]
    assert count_issues(sessions, IssueFilter(document="001_altai.docx")) == 2
    assert summary == {
        "documents": 1,
        "acts": 1,
        "documents_by_region": {"RU-ALT": 1},
        "documents_by_format": {"docx": 1},
        "tasks": 2,
        "measures": 3,
        "funding_rows": 4,
        "indicators": 2,
        "organizations": 3,
        "organizations_named": 3,
        "open_issues": 2,
        "last_run": {
            "id": run_id,
            "started_at": summary["last_run"]["started_at"],
            "finished_at": summary["last_run"]["finished_at"],
            "files_new": 1,
            "files_replaced": 1,  # counted apart, as `orders ingest` reports it
            "files_unchanged": 0,
            "files_failed": 2,
        },
    }
    assert files_line(summary["last_run"]) == "1 new, 1 replaced, 0 unchanged, 2 failed"
    assert summary["last_run"]["started_at"].startswith("2024-05-01T10:00:00")
    [run] = list_runs(sessions)
    assert run["seconds_by_stage"] == {"read": 3.5, "parse": 0.5}
    assert run["failures"] == {"bad.pdf": "повреждён", "worse.pdf": "повреждён"}


def test_unknown_issue_status_or_kind_is_refused(sessions):
    with pytest.raises(UsageError, match="unknown issue status «pending»"):
        list_issues(sessions, IssueFilter(status="pending"))
    with pytest.raises(UsageError, match="unknown issue kind «typo»"):
        count_issues(sessions, IssueFilter(kind="typo"))


def test_empty_database_summary(sessions):
    summary = status_summary(sessions)

    assert summary["documents"] == 0 and summary["documents_by_region"] == {} and summary["last_run"] is None


def test_an_export_reads_one_state_while_an_ingest_replaces_documents(sessions, make_document, tmp_path):
    from store.export import _export

    save(sessions, make_document("a.docx"))
    save(sessions, make_document("b.docx"))
    before = {path.name: path.read_text() for path in export_json(sessions, tmp_path / "before")}
    changed = make_document("b.docx")
    changed.funding = [FundingRow("1.1", 2024, "all", "Всего", Decimal("99.99"))]

    def replace_b_while_exporting(doc):
        if doc.source_file == "a.docx":
            save(sessions, changed, version="v2")  # committed by another transaction meanwhile
        return doc.to_export()

    during = {path.name: path.read_text() for path in _export(sessions, tmp_path / "during", "json",
                                                              replace_b_while_exporting)}

    assert during == before  # b as it was when the export began, not half replaced
