"""The schema and its migrations, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from alembic.migration import MigrationContext
from alembic.autogenerate import compare_metadata
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from models import db
from pipeline.errors import DatabaseError
from pipeline.store import alembic_config, open_database, save_document

PER_DOCUMENT_TABLES = [
    "document", "document_organization", "document_issuer", "task", "measure", "measure_executor",
    "funding", "indicator", "indicator_value", "target_group", "signatory", "provenance", "issue",
]


def _document_row(**overrides) -> db.Document:
    values = dict(fingerprint="f" * 64, source_key="a.docx", act_key="file|a.docx", source_file="a.docx",
                  source_path="data/raw/a.docx", format="docx", page_count=1, pipeline_version="test")
    return db.Document(**(values | overrides))


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
    ("url", "message"),
    [
        ("not a url", "invalid database URL"),
        ("nosuchdb://host/db", "invalid database URL"),
        ("postgresql://postgres:s3cret@127.0.0.1:1/orders", "cannot open database"),
    ],
)
def test_bad_urls_raise_database_error(url, message):
    with pytest.raises(DatabaseError, match=message) as caught:
        open_database(url)

    assert "s3cret" not in str(caught.value)
    assert caught.value.exit_code == 3


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
        document.issues = [db.Issue(kind="other", where_="document title", detail="пусто", position=0)]
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
