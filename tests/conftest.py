"""Shared fixtures: empty databases (SQLite and PostgreSQL) and a hand-built document.

Every test that asks for `database_url` or `sessions` runs twice: on a new SQLite
file and on a throwaway PostgreSQL database created for the test session on
127.0.0.1:5432 (override with ORDERS_TEST_POSTGRES_URL, which must name a database
the user may connect to and create databases from). Without a reachable server
the PostgreSQL variants are skipped. A test with `sessions` gets a copy of a database
migrated once per session, not one migrated anew.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import os
import secrets
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from flows.server import ensure_server, stop_server
from models import db
from models.layout import BBox
from models.records import (
    DocumentHeader,
    ExtractedDocument,
    FundingRow,
    Indicator,
    IndicatorValue,
    IssuePlace,
    Measure,
    Organization,
    Provenance,
    ReviewIssue,
    Signatory,
    TargetGroup,
    Task,
)
from store.database import open_database

POSTGRES_ADMIN_URL = os.environ.get(
    "ORDERS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own on the PostgreSQL server, dropped after the test session."""
    admin_url = make_url(POSTGRES_ADMIN_URL)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"orders_test_{secrets.token_hex(4)}"
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except OperationalError as exc:
        admin.dispose()
        shown = admin_url.render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL server not reachable at {shown} ({str(exc.orig).strip()})")
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            for database in [name, *(f"{name}_{t}" for t in _POSTGRES_TEMPLATES)]:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.dispose()


def empty_postgres_database(url: str) -> None:
    """Drop everything in the PostgreSQL database `url`."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


_POSTGRES_TEMPLATES: set[str] = set()  # the templates made this session, dropped with its database


def postgres_copy_of(url: str, template: str, fill: Callable[[str], None]) -> None:
    """Make the PostgreSQL database `url` a copy of the session's template `template`,
    which `fill(url)` builds in an empty database the first time: migrating, or storing
    a fixture, then costs a file copy in each test instead of its statements."""
    parsed = make_url(url)
    name, copy = parsed.database, f"{parsed.database}_{template}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if template not in _POSTGRES_TEMPLATES:
                connection.exec_driver_sql(f'CREATE DATABASE "{copy}"')
                fill(parsed.set(database=copy).render_as_string(hide_password=False))
                connection.exec_driver_sql(  # a template must have no connections: fill's engines may linger
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (copy,))
                _POSTGRES_TEMPLATES.add(template)
            connection.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{copy}"')
    finally:
        admin.dispose()


def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema (`open_database`), and let it go."""
    open_database(url).kw["bind"].dispose()


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory) -> Iterator[str]:
    """One local Prefect server for the test session, started as the first `orders ingest`
    starts it: every run of the tests that use this reports to it (PREFECT_API_URL), and
    it is stopped at the end. Started once, not once per command."""
    if os.environ.get("PREFECT_API_URL"):
        yield os.environ["PREFECT_API_URL"]
        return
    home = tmp_path_factory.mktemp("prefect-home")
    server, _ = ensure_server(home)
    os.environ.update(PREFECT_API_URL=server.api_url, PREFECT_HOME=str(home))
    try:
        yield server.api_url
    finally:
        del os.environ["PREFECT_API_URL"], os.environ["PREFECT_HOME"]
        stop_server(home)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite file migrated once per test session, copied for each test that needs one."""
    path = tmp_path_factory.mktemp("migrated") / "orders.db"
    migrate(f"sqlite:///{path}")
    return checkpointed(path)


def checkpointed(path: Path) -> Path:
    """The SQLite file at `path` with every write in it (WAL mode keeps them beside it), to be copied."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """The URL of an empty database with no tables yet; once per backend. For a test that
    asks for `sessions` too, the database is migrated already (a copy of a migrated one)."""
    migrated = "sessions" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "processed" / "orders.db"
        if migrated:
            path.parent.mkdir()
            shutil.copy(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    if migrated:
        postgres_copy_of(url, "migrated", migrate)
    else:
        empty_postgres_database(url)  # the session shares one PostgreSQL database
    return url


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on a freshly migrated, empty database."""
    factory = open_database(database_url)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture
def snapshot() -> Callable[[sessionmaker[Session]], dict[str, list[tuple]]]:
    """A function returning every row of every table, to compare database states."""

    def take(sessions: sessionmaker[Session]) -> dict[str, list[tuple]]:
        with sessions() as session:
            return {
                table.name: sorted((tuple(row) for row in session.execute(table.select())), key=repr)
                for table in db.Base.metadata.sorted_tables
            }

    return take


REGION = "RU-ALT"
GOVERNMENT = "Правительство Алтайского края"
MINISTRY = "Министерство труда и социальной защиты Алтайского края"
CENTRE = "КГБУСО «Краевой кризисный центр для мужчин»"


def build_document(source_file: str = "001_altai.docx") -> ExtractedDocument:
    """A small order touching every kind of record, with provenance and kopecks."""
    return ExtractedDocument(
        source_file=source_file,
        format="docx",
        page_count=12,
        header=DocumentHeader(
            title="Комплекс мер по сокращению бедности семей с детьми на 2023–2024 годы",
            doc_type="распоряжение",
            doc_number="290-р",
            doc_date=dt.date(2023, 8, 22),
            region="Алтайский край",
            region_code=REGION,
            period_start=2023,
            period_end=2024,
            issuers=[GOVERNMENT],
        ),
        organizations=[
            Organization(GOVERNMENT, "government", [GOVERNMENT], REGION),
            Organization(MINISTRY, "ministry", ["Минсоцзащиты Алтайского края", "минсоцзащиты края"], REGION),
            Organization(CENTRE, "institution", [CENTRE, "КГБУСО «Краевой кризисный центр»"], REGION),
        ],
        tasks=[
            Task("1", "Отработка механизмов межведомственного взаимодействия",
                 Provenance(page=2, bbox=BBox(10.0, 20.0, 300.5, 40.25), raw_text="Задача 1.",
                            confidence=0.93)),
            Task("2", "Информирование семей"),
        ],
        measures=[
            Measure("1.1", "1", "Заключение межведомственных соглашений", "2023 г.",
                    dt.date(2023, 1, 1), dt.date(2023, 12, 31), [MINISTRY], "создание правовой основы",
                    Provenance(page=3, raw_text="1.1.")),
            Measure("1.2", "1", "Обучение специалистов", "ежегодно", executors=[MINISTRY, CENTRE], by_agreement=[CENTRE]),
            Measure("2.1", "2", "Информирование через СМИ", None, executors=[CENTRE]),
        ],
        funding=[
            FundingRow("1.1", None, "all", "Всего", Decimal("1778000.00"),
                       Provenance(page=4, bbox=BBox(1.5, 2.5, 3.5, 4.5), raw_text="1 778 000",
                                  confidence=0.88)),
            FundingRow("1.1", None, "regional_budget", "краевой бюджет", Decimal("234400")),
            FundingRow("1.2", 2023, "fund_grant", "грант Фонда", Decimal("0.50")),
            FundingRow(None, 2023, "all", "ИТОГО", Decimal("1778000.50")),
        ],
        indicators=[
            Indicator("1", "Численность малоимущих семей с детьми", "человек", "27000", dt.date(2019, 12, 31),
                      [IndicatorValue("2023-Q1", "27000"), IndicatorValue("2024", "20.2")],
                      Provenance(page=6, raw_text="27 000")),
            Indicator(None, "Доля семей, получивших помощь", "%"),
        ],
        target_groups=[TargetGroup("дети из малоимущих семей", 22000), TargetGroup("многодетные семьи")],
        signatories=[Signatory("И.В. Коноватов", "Министр", MINISTRY)],
        issues=[
            ReviewIssue("sum_mismatch", IssuePlace("funding", "1.1", "all", "2023"), "234 400 ≠ 1 778 000",
                        Provenance(page=4)),
            ReviewIssue("ocr_suspect", IssuePlace("measure", "2.1", "code"), "the code looks garbled"),
        ],
    )


@pytest.fixture
def make_document() -> Callable[..., ExtractedDocument]:
    """`build_document`: call it for a fresh sample document (optionally another file name)."""
    return build_document


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Slow tests first: with one test process per core, the long ones then run side by
    side instead of leaving one process working alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from the current output")


def module_from(path: Path, name: str) -> ModuleType:
    """The Python file at `path` imported as module `name`: the shared scorer, a migration."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def stored_rows(url: str) -> dict[str, list[tuple]]:
    """What the database at `url` holds, comparable across databases filled in other ways
    (pipeline.research.comparable_rows)."""
    from pipeline.research import comparable_rows

    sessions = open_database(url)
    try:
        return comparable_rows(sessions)
    finally:
        sessions.kw["bind"].dispose()
