"""Opening the database: the engine for a URL (SQLite or PostgreSQL), its schema
brought to the newest migration, read-only sessions for researchers, and the
transactions every write and every consistent read go through.

    sessions = open_database("sqlite:///data/processed/orders.db")
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker

import models
from models.errors import DatabaseError, DatabaseUrlError, MissingDatabaseError


MIGRATIONS_DIR = Path(models.__file__).parent / "migrations"
CONNECT_TIMEOUT_S = 10
# Any fixed number: PostgreSQL advisory lock held while migrating, so that several
# workers opening a fresh database at once do not create the tables twice.
MIGRATION_LOCK_ID = 73102023
SQLITE_BUSY_TIMEOUT_S = 30  # how long a SQLite writer waits for another one to commit
_WRITES = "orders_writes"  # execution option marking a transaction that will write


# --------------------------------------------------------------------------- opening


def open_database(url: str) -> sessionmaker[Session]:
    """Connect to `url`, bring its schema to the newest revision, return a session factory.

    A SQLite file's folder is created if missing. `postgresql://` without a driver
    uses psycopg (version 3), the driver this project installs. Raises DatabaseError
    when the URL is invalid, the driver is missing, the server is unreachable or the
    schema cannot be migrated.
    """
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        _create_sqlite_folder(parsed)
    engine = _create_engine(parsed)
    shown = parsed.render_as_string(hide_password=True)
    try:
        _upgrade_schema(engine)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            _write_ahead_log(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {shown}: {refusal(exc)}") from exc
    except CommandError as exc:
        engine.dispose()
        raise DatabaseError(
            f"cannot migrate database {shown}: {exc}; it may have been created by a newer "
            "version of the pipeline"
        ) from exc
    return sessionmaker(engine, expire_on_commit=False)


def open_existing_database(url: str) -> sessionmaker[Session]:
    """`open_database` for commands that only read: a SQLite file that is not there is
    refused (MissingDatabaseError) instead of being created empty."""
    check_database_exists(url)
    return open_database(url)


def check_database_exists(url: str) -> None:
    """Raise MissingDatabaseError when `url` names a SQLite file that is not there."""
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).is_file():
        raise MissingDatabaseError(f"no database at {Path(parsed.database).resolve()}")


def refusal(exc: DBAPIError) -> str:
    """The database's own words for a failure, without SQLAlchemy's statement and links."""
    return str(exc.orig).strip()


def open_reader(url: str) -> sessionmaker[Session]:
    """Connect to `url` for reading only, without migrating; return a session factory.

    A SQLite file must exist and is opened read-only (`mode=ro`): nothing is created
    or changed, and no other database can be attached. On PostgreSQL every transaction
    is READ ONLY. Raises DatabaseError when the file is missing or the database
    cannot be reached.
    """
    parsed = _parse_url(url)
    shown = parsed.render_as_string(hide_password=True)
    sqlite = parsed.get_backend_name() == "sqlite"
    engine = _create_engine(_read_only_sqlite_url(parsed) if sqlite else parsed)
    if sqlite:
        event.listen(engine, "connect", _on_sqlite_reader_connect)
    else:
        engine = engine.execution_options(postgresql_readonly=True)
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {shown}: {refusal(exc)}") from exc
    return sessionmaker(engine, expire_on_commit=False)


def _read_only_sqlite_url(url: URL) -> URL:
    path = Path(url.database or ":memory:")
    if not path.is_file():  # SQLite would create it; a reader never does
        raise DatabaseError(f"no SQLite database file {path}; a reader opens an existing database only")
    # A file: URI (percent-encoded, so that ? and # in the path stay the path) opened read-only.
    return url.set(database=f"file:{quote(str(path.resolve()))}").update_query_dict({"mode": "ro", "uri": "true"})


def _on_sqlite_reader_connect(dbapi_connection, _connection_record) -> None:
    # mode=ro protects the main file only: ATTACH would still create and write another one.
    dbapi_connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration for the migrations in `models/migrations` (no alembic.ini).

    `url` is only needed for Alembic commands that open their own connection, such
    as writing a new revision with autogenerate.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        # Config values go through configparser interpolation, where % is special.
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"invalid database URL {url!r}") from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _create_sqlite_folder(url: URL) -> None:
    if url.database in (None, "", ":memory:"):
        return
    folder = Path(url.database).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create the folder {folder} for the SQLite database: {exc}") from exc


def _create_engine(url: URL) -> Engine:
    shown = url.render_as_string(hide_password=True)
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite:
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S}
    elif "connect_timeout" not in url.query:
        connect_args = {"connect_timeout": CONNECT_TIMEOUT_S}  # fail fast when the server is down
    else:
        connect_args = {}
    try:
        engine = create_engine(
            url,
            connect_args=connect_args,
            pool_pre_ping=not is_sqlite,  # survive a server restart during a long run
            json_serializer=lambda value: json.dumps(value, ensure_ascii=False),
        )
    except ArgumentError as exc:
        raise DatabaseUrlError(f"invalid database URL {shown}: {exc}") from exc
    except ImportError as exc:
        raise DatabaseError(f"the database driver for {shown} is not installed: {exc}") from exc
    if is_sqlite:
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection, _connection_record) -> None:
    # The sqlite3 module's own transaction handling begins no transaction before a
    # SELECT or a SAVEPOINT, which breaks savepoints; switch it off and let
    # _on_sqlite_begin emit BEGIN (the SQLAlchemy recipe for Python < 3.12).
    dbapi_connection.isolation_level = None
    # SQLite ignores foreign keys, and so ON DELETE CASCADE, unless asked per connection.
    dbapi_connection.execute("PRAGMA foreign_keys = ON")
    # SQLite's own lower() knows only ASCII letters; searches compare Cyrillic in any case too.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(text: str | None) -> str | None:
    return text.lower() if isinstance(text, str) else text


def _on_sqlite_begin(connection) -> None:
    # A transaction that will write takes the write lock at once (IMMEDIATE). With a
    # plain BEGIN, two ingests that have both read cannot both start writing: SQLite
    # fails one at once with "database is locked" instead of letting it wait.
    writes = connection.get_execution_options().get(_WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


@contextmanager
def write_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session in one transaction that commits at the end, or rolls back on error."""
    with sessions.begin() as session:
        session.connection(execution_options={_WRITES: True})  # see _on_sqlite_begin
        yield session


@contextmanager
def snapshot(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session that reads one consistent state of the database however long it
    reads: REPEATABLE READ on PostgreSQL, one read transaction on SQLite (in WAL
    mode a reader sees the database as it was when it began). Exports use it, so
    an ingest that replaces documents meanwhile never tears what they write."""
    with sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session


def _write_ahead_log(engine: Engine) -> None:
    """Put a SQLite file in WAL mode (kept in the file): readers, such as a researcher's
    long query or an export, then never make an ingest wait for its write lock."""
    with engine.connect() as connection:
        # Outside a transaction, hence on the raw connection before any BEGIN.
        connection.connection.driver_connection.execute("PRAGMA journal_mode = WAL")


def _upgrade_schema(engine: Engine) -> None:
    """Run `alembic upgrade head` on one connection, in one transaction."""
    is_sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        connection.execution_options(**{_WRITES: True})  # see _on_sqlite_begin
        if is_sqlite:
            # Batch migrations rebuild a SQLite table and drop the old one; with foreign
            # keys on, that drop would cascade-delete the child rows. The pragma only
            # works outside a transaction, hence on the raw connection before BEGIN.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
                config = alembic_config()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        finally:
            if is_sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")
