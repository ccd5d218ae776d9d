"""The schema and its migrations, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from alembic.migration import MigrationContext
from alembic.autogenerate import compare_metadata
from alembic.script import ScriptDirectory
from sqlalchemy import JSON, DateTime, bindparam, column, func, inspect, select, table, text
from sqlalchemy.exc import IntegrityError

from models import db
from models.errors import DatabaseError, ExitCode, NotAnOrderError
from pipeline.stages import extract, validate_document
from store import corrections
from tests.conftest import module_from
from tests.generated.orders import make_orders
from tests.generated.writers import write_txt
from store.database import (
    _create_engine, _create_sqlite_folder, _parse_url, alembic_config, open_database, write_transaction,
)
from store.runs import add_to_run, list_runs, start_run
from store.save import save_document

PER_DOCUMENT_TABLES = [
    "document", "document_organization", "document_issuer", "task", "measure", "measure_executor",
    "funding", "indicator", "indicator_value", "target_group", "signatory", "provenance", "issue",
]


def _document_row(**overrides) -> db.Document:
    values = dict(fingerprint="f" * 64, source_key="a.docx", act_key="file|a.docx", source_file="a.docx",
                  source_path="data/raw/a.docx", format="docx", page_count=1, pipeline_version="test")
    return db.Document(**(values | overrides))


HEAD = "0015"  # the newest revision


def _count(session, table_name: str) -> int:
    table = db.Base.metadata.tables[table_name]
    return session.scalar(select(func.count()).select_from(table))


def test_migrations_create_exactly_the_models(sessions):
    engine = sessions.kw["bind"]
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.Base.metadata)
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()

    assert differences == []
    assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert set(inspect(engine).get_table_names()) == set(db.Base.metadata.tables) | {"alembic_version"}


def test_opening_an_up_to_date_database_again_changes_nothing(sessions, database_url, make_document):
    save_document(sessions, make_document(), fingerprint="1" * 64, source_path="x", pipeline_version="test")

    again = open_database(database_url)

    with again() as session:
        assert _count(session, "document") == 1
    again.kw["bind"].dispose()


def test_sqlite_folder_is_created(tmp_path):
    path = tmp_path / "deep" / "er" / "orders.db"

    sessions = open_database(f"sqlite:///{path}")

    assert path.exists()
    sessions.kw["bind"].dispose()


@pytest.mark.parametrize(
    ("url", "message", "exit_code"),
    [
        ("not a url", "invalid database URL", ExitCode.usage),
        ("nosuchdb://host/db", "invalid database URL", ExitCode.usage),
        ("postgresql://postgres:s3cret@127.0.0.1:1/orders", "cannot open database", ExitCode.storage),
    ],
)
def test_bad_urls_raise_database_error(url, message, exit_code):
    with pytest.raises(DatabaseError, match=message) as caught:
        open_database(url)

    assert "s3cret" not in str(caught.value)
    assert caught.value.exit_code == exit_code


def test_money_is_stored_exactly(sessions):
    amounts = [Decimal("0.50"), Decimal("1778000.00"), Decimal("9999999999999999.99"), Decimal("-12.3")]
    with sessions.begin() as session:
        document = _document_row()
        document.funding = [
            db.Funding(source="all", source_label="Всего", amount=amount, position=i)
            for i, amount in enumerate(amounts)
        ]
        session.add(document)

    with sessions() as session:
        stored = session.scalars(select(db.Funding.amount).order_by(db.Funding.position)).all()

    assert stored == amounts
    assert [str(a) for a in stored] == ["0.50", "1778000.00", "9999999999999999.99", "-12.30"]
    assert all(type(a) is Decimal for a in stored)


@pytest.mark.parametrize(
    ("amount", "error", "message"),
    [
        (0.5, TypeError, "must be Decimal"),
        (Decimal("0.005"), ValueError, "fractions of a kopeck"),
        (Decimal("1e16"), ValueError, "too large"),
        (Decimal("1e40"), ValueError, "too large"),
        (Decimal("NaN"), ValueError, "not a finite number"),
    ],
)
def test_money_refuses_inexact_amounts(amount, error, message):
    with pytest.raises(error, match=message):
        db.money_to_storage(amount)


def test_deleting_a_document_deletes_its_rows_but_not_the_registry(sessions, make_document):
    result = save_document(sessions, make_document(), fingerprint="1" * 64, source_path="x",
                           pipeline_version="test")

    with sessions.begin() as session:
        session.delete(session.get(db.Document, result.document_id))

    with sessions() as session:
        assert {t: _count(session, t) for t in PER_DOCUMENT_TABLES} == dict.fromkeys(PER_DOCUMENT_TABLES, 0)
        assert _count(session, "organization") == 3
        assert _count(session, "organization_alias") == 5
        assert _count(session, "region") == 1


def test_foreign_keys_are_enforced(sessions):
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(db.Task(document_id=999, code="1", title="нет документа", position=0))


def test_organization_without_region_is_unique_too(sessions):
    name = "Фонд поддержки детей, находящихся в трудной жизненной ситуации"
    with sessions.begin() as session:
        session.add(db.Organization(name=name, kind="fund", registry_key=db.organization_key(name, None)))

    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(db.Organization(name=name, kind="fund", registry_key=db.organization_key(name, None)))


def test_organization_key_ignores_case_quotes_dashes_and_spacing():
    printed = "КГБУСО «Краевой  кризисный центр» – филиал"
    typed = 'кгбусо "краевой кризисный центр" - филиал'

    assert db.organization_key(printed, "RU-ALT") == db.organization_key(typed, "RU-ALT")
    assert db.organization_key(printed, "RU-ALT") != db.organization_key(printed, "RU-KLU")
    assert db.organization_key(printed, None) != db.organization_key(printed, "RU-ALT")


def test_issue_status_defaults_to_open_and_is_checked(sessions):
    with sessions.begin() as session:
        document = _document_row()
        document.issues = [db.Issue(kind="other", entity="document", field="title", detail="пусто", position=0)]
        session.add(document)
    with sessions() as session:
        assert session.scalar(select(db.Issue.status)) == "open"

    with pytest.raises(IntegrityError), sessions.begin() as session:
        issue = session.scalar(select(db.Issue))
        issue.status = "pending"


def test_the_source_key_is_unique_names_and_fingerprints_are_not(sessions):
    with sessions.begin() as session:
        session.add(_document_row())

    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(_document_row(fingerprint=hashlib.sha256(b"other").hexdigest()))
    with sessions.begin() as session:  # the same name and bytes in another folder: another document
        session.add(_document_row(source_key="B/a.docx"))


def test_correction_and_run_tables_accept_rows(sessions):
    with sessions.begin() as session:
        session.add(db.Correction(act_key="file|a.docx", entity="funding", entity_key="5.2|2020|all",
                                  field="amount_rub", old_value="1028", new_value="1028000", author="qa"))
    with sessions() as session:
        correction = session.scalar(select(db.Correction))
    assert correction.status == "active" and correction.created_at is not None


def test_funding_basis_defaults_to_plan_and_is_checked(sessions):
    with sessions.begin() as session:
        document = _document_row()
        document.funding = [
            db.Funding(measure_code="1.1", year=2023, source="all", source_label="Всего", amount=Decimal(1),
                       position=0),
            db.Funding(task_code="2", year=2023, period="2023-Q1", basis="fact", source="all", source_label="Итого",
                       amount=Decimal(2), position=1),
        ]
        session.add(document)
    with sessions() as session:
        stored = session.execute(select(db.Funding.task_code, db.Funding.period, db.Funding.basis)
                                 .order_by(db.Funding.position)).all()
    assert stored == [(None, None, "plan"), ("2", "2023-Q1", "fact")]

    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.scalar(select(db.Funding).where(db.Funding.position == 0)).basis = "forecast"


def test_issue_kinds_are_the_records_kinds(sessions):
    with sessions.begin() as session:
        document = _document_row()
        document.issues = [db.Issue(kind=kind, entity="document", field="title", detail=kind, position=i)
                           for i, kind in enumerate(("unread_value", "unrecognised_table"))]
        session.add(document)

    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.add(db.Issue(document_id=document.id, kind="typo", entity="page", code="1", detail="?", position=2))


# --------------------------------------------------------------------------- 0008 → 0009


def _engine(url: str):
    """An engine on `url` as the pipeline makes one (a SQLite file's folder created)."""
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        _create_sqlite_folder(parsed)
    return _create_engine(parsed)


def _migrate(engine, revision: str, downgrade: bool = False) -> None:
    """Bring the database to `revision`, on one connection as store.database._upgrade_schema does."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":  # batch rebuilds must not cascade-delete child rows
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        with connection.begin():
            config = alembic_config()
            config.attributes["connection"] = connection
            (command.downgrade if downgrade else command.upgrade)(config, revision)


def _insert_old_document(connection, now: dt.datetime) -> None:
    """Document 1 (a.docx) as revisions 0008 to 0012 store it."""
    connection.execute(text(
        "INSERT INTO document (source_key, act_key, fingerprint, source_file, source_path, format, page_count,"
        " pipeline_version, status, ingested_at) VALUES ('a.docx', 'file|a.docx', :f, 'a.docx', 'a.docx',"
        " 'docx', 1, 'old', 'needs_review', :now)").bindparams(bindparam("now", type_=DateTime(timezone=True))),
        {"f": "f" * 64, "now": now})


def _fill_at_0008(engine) -> None:
    """A document as 0008 stores it: funding rows, issues (the last one deleted) and a correction."""
    now = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    with engine.begin() as connection:
        _insert_old_document(connection, now)
        insert_funding = text(
            "INSERT INTO funding (document_id, measure_code, year, source, source_label, amount, position)"
            " VALUES (1, :code, :year, :source, :label, :amount, :position)"
        ).bindparams(bindparam("amount", type_=db.Money()))
        for position, (code, year, source, amount) in enumerate([
            ("1.1", 2023, "all", Decimal("1778000.50")), ("1.1", 2023, "fund_grant", Decimal("1778000.50")),
            (None, None, "all", Decimal("1778000.50")),
        ]):
            connection.execute(insert_funding, {"code": code, "year": year, "source": source, "label": source,
                                                "amount": amount, "position": position})
        insert_issue = text(
            "INSERT INTO issue (document_id, kind, where_, detail, status, created_at, position, value_entity,"
            " value_key, value_field) VALUES (1, 'sum_mismatch', 'funding 1.1', :detail, 'open', :now, :position,"
            " 'funding', '1.1 2023 all', 'amount')").bindparams(bindparam("now", type_=DateTime(timezone=True)))
        for issue_id in (1, 2, 3):
            connection.execute(insert_issue, {"position": issue_id, "detail": f"mismatch {issue_id}", "now": now})
        connection.execute(text("DELETE FROM issue WHERE id = 3"))
        connection.execute(text(
            "INSERT INTO correction (act_key, entity, entity_key, field, old_value, new_value, author, created_at,"
            " status, extracted, orphaned) VALUES ('file|a.docx', 'funding', '1.1 2023 all', 'amount', '1.00',"
            " '1778000.50', 'anna', :now, 'active', '{}', false)"
        ).bindparams(bindparam("now", type_=DateTime(timezone=True))), {"now": now})


def test_a_database_at_0008_migrates_to_0009_with_its_rows_kept(database_url):
    old = _engine(database_url)
    _migrate(old, "0008")
    _fill_at_0008(old)
    old.dispose()

    sessions = open_database(database_url)
    engine = sessions.kw["bind"]

    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == HEAD
        assert compare_metadata(MigrationContext.configure(connection), db.Base.metadata) == []
    with sessions() as session:
        rows = session.execute(select(db.Funding.measure_code, db.Funding.task_code, db.Funding.year,
                                      db.Funding.period, db.Funding.basis, db.Funding.source, db.Funding.amount)
                               .order_by(db.Funding.position)).all()
        assert rows == [("1.1", None, 2023, None, "plan", "all", Decimal("1778000.50")),
                        ("1.1", None, 2023, None, "plan", "fund_grant", Decimal("1778000.50")),
                        (None, None, None, None, "plan", "all", Decimal("1778000.50"))]
        assert session.scalars(select(db.Issue.id).order_by(db.Issue.id)).all() == [1, 2]
        assert session.scalar(select(db.Correction.entity_key)) == "1.1 2023 all"
        facts = session.execute(text("SELECT measure_code, task_code, period, basis, is_document_total "
                                     "FROM funding_facts ORDER BY funding_id")).all()
        assert [tuple(r[:4]) for r in facts] == [("1.1", None, None, "plan")] * 2 + [(None, None, None, "plan")]
        assert [bool(r[4]) for r in facts] == [False, False, True]
    with sessions.begin() as session:  # the new kinds, columns and a new issue id that is none of the old ones
        session.add(db.Funding(document_id=1, measure_code="1.1", year=2023, period="2023-Q1", basis="fact",
                               source="all", source_label="факт", amount=Decimal(7), position=3))
        issue = db.Issue(document_id=1, kind="unread_value", entity="funding", code="1.1", detail="?", position=3)
        session.add(issue)
    assert issue.id == 4
    engine.dispose()


def test_0009_downgrades_to_0008_and_upgrades_again(database_url):
    sessions = open_database(database_url)
    with sessions.begin() as session:
        document = _document_row()
        document.funding = [
            db.Funding(measure_code="1.1", year=2023, source="all", source_label="Всего", amount=Decimal(5),
                       position=0),
            db.Funding(measure_code="1.1", year=2023, basis="fact", source="all", source_label="факт",
                       amount=Decimal(4), position=1),
        ]
        document.issues = [db.Issue(kind="unrecognised_table", entity="page", code="2", detail="?", position=0)]
        session.add(document)
    engine = sessions.kw["bind"]
    _migrate(engine, "0008", downgrade=True)
    with engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("funding")}
        assert {"task_code", "period", "basis"}.isdisjoint(columns)
        # the fact amount would pass for a plan at 0008: it goes; the plan stays
        assert connection.execute(text("SELECT amount FROM funding")).scalars().all() in (["5.00"], [Decimal(5)])
        assert connection.execute(text("SELECT kind FROM issue")).scalars().all() == ["other"]
    engine.dispose()

    again = open_database(database_url)
    with again() as session:
        assert session.scalar(select(func.count()).select_from(db.Funding)) == 1
    again.kw["bind"].dispose()


# --------------------------------------------------------------------------- 0009 → 0010


def _act_in_two_files(session) -> None:
    """One act stored from its DOCX (an open issue) and its text conversion (none)."""
    act = "act|RU-TVE|приказ|12|2024-03-14"
    for name, fmt, issues in (("a.docx", "docx", 1), ("a.txt", "text", 0)):
        document = _document_row(source_key=name, source_file=name, act_key=act, format=fmt)
        document.funding = [db.Funding(measure_code="1.1", year=2024, source="all", source_label="Всего",
                                       amount=Decimal(5), position=0)]
        document.issues = [db.Issue(kind="other", entity="page", code="1", detail="?", position=i) for i in range(issues)]
        session.add(document)


def test_the_research_views_read_one_file_per_act(database_url):
    """The file with the fewest open issues; the other stays stored; 0009 read both."""
    sessions = open_database(database_url)
    with sessions.begin() as session:
        _act_in_two_files(session)
    with sessions() as session:
        assert session.execute(text("SELECT source_file, open_issues, files_of_act FROM preferred_documents")).all() \
            == [("a.txt", 0, 2)]
        assert session.scalar(text("SELECT SUM(amount) FROM funding_facts")) in (5, Decimal(5), "5.00")
    engine = sessions.kw["bind"]
    _migrate(engine, "0009", downgrade=True)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM funding_facts")).scalar_one() == 2
    _migrate(engine, HEAD)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM funding_facts")).scalar_one() == 1
    engine.dispose()


# --------------------------------------------------------------------------- 0012 → 0013

def test_a_database_at_0012_gets_indicator_numbers_and_organisation_identities(database_url):
    old = _engine(database_url)
    _migrate(old, "0012")
    now = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    with old.begin() as connection:
        _insert_old_document(connection, now)
        connection.execute(text("INSERT INTO indicator (document_id, code, title, position) VALUES (1, '1', 'Доля', 0)"))
        connection.execute(text("INSERT INTO indicator_value (indicator_id, period, value, position) VALUES "
                                "(1, '2023-H1', 'не менее 74,5%', 0), (1, '2024', 'рост', 1)"))
        connection.execute(text("INSERT INTO region (code) VALUES ('RU-ALT')"))
        connection.execute(text(
            "INSERT INTO organization (name, kind, region_code, registry_key) VALUES "
            "('ОСФР по Алтайскому краю', 'other', 'RU-ALT', 'RU-ALT|осфр по алтайскому краю'), "
            "('Министерство образования Алтайского края', 'ministry', 'RU-ALT', 'RU-ALT|министерство образования')"))
    old.dispose()

    sessions = open_database(database_url)
    with sessions() as session:
        values = session.execute(select(db.IndicatorValue.value, db.IndicatorValue.number, db.IndicatorValue.unit,
                                        db.IndicatorValue.bound, db.IndicatorValue.period_start,
                                        db.IndicatorValue.period_end).order_by(db.IndicatorValue.position)).all()
        assert [tuple(v) for v in values] == [
            ("не менее 74,5%", 74.5, "%", "at_least", dt.date(2023, 1, 1), dt.date(2023, 6, 30)),
            ("рост", None, None, None, dt.date(2024, 1, 1), dt.date(2024, 12, 31))]
        orgs = {o.name: o for o in session.scalars(select(db.Organization))}
        branch, parent = orgs["ОСФР по Алтайскому краю"], orgs[
            "Фонд пенсионного и социального страхования Российской Федерации"]
        assert branch.parent_id == parent.id and parent.region_code is None and parent.kind == "federal_body"
        assert orgs["Министерство образования Алтайского края"].common_name == "министерство образования"
        facts = session.execute(text("SELECT number, period_start FROM indicator_facts ORDER BY period")).all()
        assert len(facts) == 2
    engine = sessions.kw["bind"]
    _migrate(engine, "0012", downgrade=True)
    _migrate(engine, "0013")


# --------------------------------------------------------------------------- 0013 → 0014

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "data" / "raw" / "text" / "000_de2bdb5f24b93b6d.txt"  # sum mismatches at every kind of funding place
MIGRATION_0014 = ROOT / "models" / "migrations" / "versions" / "0014_typed_issue_places.py"


@pytest.fixture(scope="module")
def validated_order():
    return validate_document(extract(ORDER))


def _dismiss(sessions, document_id: int, where: str, nth: int = 0) -> tuple[str, str, str]:
    with write_transaction(sessions) as session:
        issue = [x for x in session.get(db.Document, document_id).issues if x.where == where][nth]
        corrections.dismiss_issue(session, issue, author="anna", reason="printed so")
        return issue.kind, issue.where, issue.detail


def test_a_database_at_0013_keeps_its_dismissals_through_0014_and_back(database_url, validated_order):
    sessions = open_database(database_url)
    digest = hashlib.sha256(ORDER.read_bytes()).hexdigest()
    stored = save_document(sessions, validated_order, fingerprint=digest, source_path=str(ORDER),
                           pipeline_version="test")
    dismissed = [_dismiss(sessions, stored.document_id, "funding 4.3", 1),
                 _dismiss(sessions, stored.document_id, "funding total")]
    with sessions() as session:
        typed_before = [(x.kind, x.place, x.detail, x.status) for x in session.get(db.Document, 1).issues]
        keys_before = session.scalars(select(db.Correction.entity_key).order_by(db.Correction.id)).all()
    engine = sessions.kw["bind"]

    _migrate(engine, "0013", downgrade=True)
    with engine.connect() as connection:  # 0013's free-text places, and dismissals keyed by kind, place and detail
        keys_at_0013 = connection.execute(text("SELECT entity_key FROM correction ORDER BY id")).scalars().all()
        places = connection.execute(text("SELECT place FROM issue ORDER BY position")).scalars().all()
    assert keys_at_0013 == ["|".join(x) for x in dismissed]
    assert places == [place.where for _, place, _, _ in typed_before]
    _migrate(engine, "0014")

    with sessions() as session:
        assert [(x.kind, x.place, x.detail, x.status) for x in session.get(db.Document, 1).issues] == typed_before
        assert session.scalars(select(db.Correction.entity_key).order_by(db.Correction.id)).all() == keys_before
    again = save_document(sessions, validated_order, fingerprint=digest, source_path=str(ORDER),
                          pipeline_version="test", force=True)
    with sessions() as session:  # a re-extraction re-applies both dismissals to the same issues
        issues = session.get(db.Document, again.document_id).issues
        assert [(x.kind, x.where, x.detail) for x in issues if x.status == "dismissed"] == dismissed
    engine.dispose()


def _orders_with_issues(folder: Path) -> list:
    """Extractions whose issues span every kind of place: the shared orders as text, the
    project's fixtures (scans and OCR misreadings among them) and generated orders."""
    fixtures = ROOT / "tests" / "fixtures"
    paths = sorted((ROOT / "data" / "raw" / "text").glob("*.txt")) + sorted(fixtures.rglob("*.txt")) \
        + sorted(fixtures.glob("*.scan.pdf")) + sorted(fixtures.glob("cases/*/*.[dp][od][cf]*")) \
        + [write_txt(order, folder / f"{order.name}.txt") for order in make_orders(30, seed=14)]
    docs = []
    for path in paths:
        try:
            docs.append(validate_document(extract(path)))
        except NotAnOrderError:
            continue  # a fixture of a refused file
    return docs


def test_0014_reads_every_issue_place_the_extraction_makes(tmp_path):
    """The rules that type 0013's places agree with the places today's extraction gives,
    so that a dismissal migrated from 0013 still names its issue after a re-extraction."""
    typed_place = module_from(MIGRATION_0014, "revision_0014").typed_place
    checked = Counter()
    for doc in _orders_with_issues(tmp_path):
        for issue in doc.issues:
            value = issue.value or (None, None, None)
            assert typed_place(issue.kind, issue.where, issue.detail, *value) == (*issue.place, issue.rule), (
                doc.source_file, issue)
            checked[issue.kind, issue.place.entity] += 1
    print(dict(checked))
    assert len(checked) >= 10 and {"ocr_suspect", "unread_value", "sum_mismatch"} <= {k for k, _ in checked}


# --------------------------------------------------------------------------- 0014 → 0015


def test_a_run_recorded_in_its_report_at_0014_keeps_its_files_through_0015_and_back(database_url):
    sessions = open_database(database_url)
    run_id = start_run(sessions, dt.datetime(2026, 12, 1, 9, tzinfo=dt.timezone.utc), ["data/raw"])
    outcomes = [{"path": "data/raw/a.txt", "status": "new", "reason": "", "document_id": 1,
                 "counts": {"measures": 2}, "seconds": {"read": 0.5, "store": 0.25}},
                {"path": "data/raw/b.docx", "status": "failed", "reason": "data/raw/b.docx: not an order",
                 "document_id": None, "counts": {}, "seconds": {"read": 0.125}}]
    add_to_run(sessions, run_id, outcomes)
    recorded = list_runs(sessions)
    engine = sessions.kw["bind"]

    _migrate(engine, "0014", downgrade=True)
    runs = table("ingestion_run", column("report", JSON))
    with engine.connect() as connection:  # 0014 kept every file's outcome in the run's JSON report
        assert connection.execute(select(runs.c.report)).scalar_one() == {"paths": ["data/raw"], "files": outcomes}
    _migrate(engine, "0015")

    assert list_runs(sessions) == recorded
    with sessions() as session:
        assert session.get(db.IngestionRun, run_id).report == {"paths": ["data/raw"]}
        assert _count(session, "ingestion_file") == 2
    engine.dispose()
