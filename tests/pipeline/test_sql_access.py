"""`orders sql` cannot write: one parsed query, a read-only transaction, and a
connection that cannot write (a read-only SQLite file, a PostgreSQL reader role).

Every attack runs against a real SQLite file and the local PostgreSQL server; the
reader role gets a random name per test session and is dropped afterwards.
"""
from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from models import db
from models.errors import DatabaseError, UsageError
from pipeline.research import create_reader_role, open_sql_reader, run_query
from store.database import open_reader
from store.save import save_document

ORDERS = Path(sys.executable).with_name("orders")  # the installed console script
POSTGRES_ONLY = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="session")
def reader_role(postgres_url: str) -> Iterator[str]:
    """The name of a reader role for this test session; dropped at its end."""
    name = f"orders_reader_{secrets.token_hex(4)}"
    yield name
    # Its grants live in the test database (and on it): drop them there, then the role.
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if connection.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).first():
            connection.exec_driver_sql(f'DROP OWNED BY "{name}"')
            connection.exec_driver_sql(f'DROP ROLE "{name}"')
    engine.dispose()


@pytest.fixture
def stored(sessions: sessionmaker[Session], make_document) -> sessionmaker[Session]:
    """The writer's sessions on a database holding one document (two target groups)."""
    save_document(sessions, make_document(), fingerprint="f" * 64, source_path="001_altai.docx",
                  pipeline_version="test")
    return sessions


@pytest.fixture
def reader_url(stored: sessionmaker[Session], database_url: str, request: pytest.FixtureRequest) -> str:
    """What a researcher passes to `orders sql --db`: the SQLite file itself, or the
    URL `orders sql-reader` makes for the reader role."""
    if stored.kw["bind"].dialect.name == "sqlite":
        return database_url
    return create_reader_role(stored, request.getfixturevalue("reader_role"))


@pytest.fixture
def reader(reader_url: str) -> Iterator[sessionmaker[Session]]:
    """The connection `orders sql` runs on."""
    sessions = open_sql_reader(reader_url)
    yield sessions
    sessions.kw["bind"].dispose()


def groups(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(db.TargetGroup))


def orders(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ORDERS), *args], capture_output=True, text=True)


# --------------------------------------------------------------------------- one query, parsed


@pytest.mark.parametrize("end", ["COMMIT", "ROLLBACK", "END"])
def test_a_second_statement_never_runs(stored, reader, end):
    attacks = [f"SELECT count(*) AS n FROM target_group; {end}; DELETE FROM target_group; SELECT 1",
               f"{end}; CREATE TABLE t (x int); SELECT 1"]
    for attack in attacks:
        with pytest.raises(UsageError, match=r"^refused: [34] statements; `orders sql` runs exactly one query"):
            run_query(reader, attack)
        with pytest.raises(UsageError, match=r"^refused: [34] statements"):
            run_query(stored, attack)  # the parser refuses whoever connects
    assert groups(stored) == 2
    assert "t" not in inspect(stored.kw["bind"]).get_table_names()


def test_a_delete_inside_a_query_is_refused(stored, reader):
    attack = "WITH gone AS (DELETE FROM target_group RETURNING id) SELECT count(*) FROM gone"
    for sessions in (reader, stored):
        with pytest.raises(UsageError, match="^refused: the query contains DELETE"):
            run_query(sessions, attack)
    assert groups(stored) == 2


def test_copy_to_program_runs_nothing(stored, reader):
    marker = Path(f"/tmp/orders_copy_{secrets.token_hex(4)}")
    attack = f"COPY (SELECT 1) TO PROGRAM 'touch {marker}'"
    for sessions in (reader, stored):  # `stored` is a superuser on PostgreSQL
        with pytest.raises(UsageError, match="^refused: «COPY .*» is not a query"):
            run_query(sessions, attack)
    assert not marker.exists()


@pytest.mark.parametrize("attack", [
    "PRAGMA query_only = OFF", "PRAGMA journal_mode = DELETE", "SET default_transaction_read_only = off",
    "CREATE TABLE t (x int)", "DROP TABLE target_group", "DELETE FROM target_group",
    "INSERT INTO target_group (document_id, title, position) VALUES (1, 'x', 9)",
    "UPDATE target_group SET title = 'x'", "SELECT * INTO t FROM target_group",
    "SELECT * FROM target_group FOR UPDATE", "VACUUM", "ANALYZE", "EXPLAIN ANALYZE DELETE FROM target_group",
    "BEGIN", "SAVEPOINT s", "DO $$ BEGIN DELETE FROM target_group; END $$", "ATTACH DATABASE 'x.db' AS x",
])
def test_anything_but_a_query_is_refused(stored, reader, attack):
    with pytest.raises(UsageError, match=r"^(refused: |cannot parse the query as (sqlite|postgresql) SQL: )"):
        run_query(reader, attack)
    assert groups(stored) == 2
    assert "t" not in inspect(stored.kw["bind"]).get_table_names()


def test_a_parse_error_says_where(reader):
    with pytest.raises(UsageError, match="cannot parse the query as .* SQL: .* at line 1, column 7"):
        run_query(reader, "SELEC 1 FROM target_group")


def test_queries_still_work_for_the_reader(reader):
    assert run_query(reader, "SELECT title, size FROM target_group ORDER BY position") == (
        ["title", "size"], [("дети из малоимущих семей", 22000), ("многодетные семьи", None)], False)
    columns, rows, _ = run_query(reader, "WITH big AS (SELECT title FROM target_group WHERE size > 1000) "
                                      "SELECT count(*) AS n FROM big")
    assert (columns, rows) == (["n"], [(1,)])
    assert run_query(reader, "SELECT count(*) FROM funding_facts WHERE source_label LIKE '%бюджет%' "
                             "UNION ALL SELECT count(*) FROM measure_executors")[1] == [(1,), (4,)]
    assert run_query(reader, "VALUES (1, 'a')")[1] == [(1, "a")]


# --------------------------------------------------------------------------- PostgreSQL: the reader role


@POSTGRES_ONLY
@pytest.mark.parametrize("attack", ["SELECT pg_read_file('/etc/passwd')", "SELECT * FROM pg_ls_dir('.')",
                                    "SELECT pg_reload_conf()", "SELECT nextval('target_group_id_seq')"])
def test_the_server_refuses_the_reader_what_it_may_not_do(reader, attack):
    with pytest.raises(UsageError, match="the database refused the query: .*(permission denied|read-only)"):
        run_query(reader, attack)


@POSTGRES_ONLY
def test_the_reader_role_may_not_read_accounts_even_past_the_query_check(reader):
    """`orders sql` refuses the query first; the server would refuse it too."""
    with reader.kw["bind"].connect() as connection, pytest.raises(DBAPIError, match="permission denied"):
        connection.exec_driver_sql("SELECT * FROM account")


@POSTGRES_ONLY
def test_a_superuser_is_refused(stored, postgres_url):
    assert make_url(postgres_url).username == "postgres"
    with pytest.raises(UsageError, match="refuses to run as postgres, who can write \\(is a superuser.*"
                                         "connect as a read-only role .*orders sql-reader"):
        open_sql_reader(postgres_url)


@POSTGRES_ONLY
def test_a_role_that_can_write_one_column_is_refused(stored, reader_url, reader_role):
    with stored.begin() as session:
        session.connection().exec_driver_sql(f'GRANT UPDATE (title) ON target_group TO "{reader_role}"')
    with pytest.raises(UsageError, match=f"refuses to run as {reader_role}, who can write "
                                         r"\(may change public.target_group\)"):
        open_sql_reader(reader_url)
    with pytest.raises(UsageError, match=f"role {reader_role} can write"):
        create_reader_role(stored, reader_role)  # nor is a writer made a "reader"


@POSTGRES_ONLY
def test_the_reader_may_read_the_research_tables_only(stored, reader_url, reader_role):
    """SELECT on the tables and views of `exportable()`, nothing on accounts, no other right."""
    with stored.kw["bind"].connect() as connection:
        granted = set(connection.exec_driver_sql(
            "SELECT table_name FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND privilege_type = 'SELECT'", (reader_role,)).scalars())
        other = set(connection.exec_driver_sql(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = %s AND privilege_type <> 'SELECT'", (reader_role,)).scalars())
    assert {"target_group", "document", "funding_facts", "measure_executors"} <= granted
    assert not granted & {"account", "account_session", "alembic_version"} and not other


# --------------------------------------------------------------------------- SQLite: the file read-only


@SQLITE_ONLY
def test_the_sqlite_file_is_opened_read_only(stored, database_url, tmp_path):
    sessions = open_reader(database_url)
    attached = tmp_path / "attached.db"
    try:
        with sessions.kw["bind"].connect() as connection:
            driver = connection.connection.driver_connection  # below the parser: the file itself refuses
            with pytest.raises(Exception, match="too many attached databases"):
                driver.execute(f"ATTACH DATABASE '{attached}' AS x")
            with pytest.raises(Exception, match="readonly database"):
                driver.execute("DELETE FROM target_group")
    finally:
        sessions.kw["bind"].dispose()
    assert not attached.exists() and groups(stored) == 2


def test_a_missing_sqlite_file_is_an_error_and_is_not_created(tmp_path):
    missing = tmp_path / "nowhere" / "orders.db"
    with pytest.raises(DatabaseError, match=f"no SQLite database file {missing}"):
        open_sql_reader(f"sqlite:///{missing}")
    assert not missing.parent.exists()


# --------------------------------------------------------------------------- the command


def test_the_command_refuses_in_one_line_with_exit_code_2(stored, reader_url):
    attack = orders("sql", "SELECT count(*) AS n FROM target_group; COMMIT; DELETE FROM target_group; SELECT 1",
                    "--db", reader_url)
    assert attack.returncode == 2, attack.stderr
    assert attack.stderr.strip().count("\n") == 0 and attack.stderr.startswith("error: refused: 4 statements")
    assert attack.stdout == "" and groups(stored) == 2

    query = orders("sql", "SELECT count(*) AS n FROM target_group", "--db", reader_url)
    assert query.returncode == 0, query.stderr
    assert "1 row(s)" in query.stdout and " 2 " in query.stdout


@POSTGRES_ONLY
def test_the_command_makes_a_reader_and_refuses_a_superuser(stored, postgres_url, reader_role):
    refused = orders("sql", "SELECT 1", "--db", postgres_url)
    assert refused.returncode == 2 and refused.stderr.strip().count("\n") == 0
    assert "superuser" in refused.stderr and "orders sql-reader" in refused.stderr

    made = orders("sql-reader", reader_role, "--db", postgres_url)
    assert made.returncode == 0, made.stderr
    url = made.stdout.strip()
    assert make_url(url).username == reader_role
    query = orders("sql", "SELECT title FROM target_group ORDER BY position", "--db", url)
    assert query.returncode == 0 and "многодетные семьи" in query.stdout


def test_lower_folds_cyrillic_for_the_reader_too(reader):
    """SQLite's own lower() knows ASCII only; the product registers one that knows every letter."""
    assert run_query(reader, "SELECT lower('МИНИСТЕРСТВО Ёлки')").rows[0][0] \
        == "министерство ёлки"
