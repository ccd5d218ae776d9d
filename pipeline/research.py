"""The researchers' interface: whole tables and views exported as CSV or Parquet with
their types, and read-only SQL.

`orders sql` is guarded three times over: the text must parse as exactly one query
that writes nothing (`check_query`), it runs in a read-only transaction as one
statement the driver cannot split (`run_query`), and on a connection that cannot
write (`open_sql_reader`: a read-only SQLite file, or a PostgreSQL role with SELECT
rights only, made by `create_reader_role`)."""
from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import secrets
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple, TextIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Engine, Float, Integer, Select, Table, bindparam, \
    select, text
from sqlalchemy.orm import Session, sessionmaker
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from models import catalog, db
from models.views import VIEWS
from models.errors import UsageError
from store.database import open_reader, snapshot

# Never exported nor readable by the reader role: password and session token hashes
# are nobody's research data.
PRIVATE_TABLES = {"account", "account_session", "alembic_version"}
FORMATS = ("csv", "parquet")


def exportable() -> dict[str, Select]:
    """The query of every table and view a researcher may export, by name."""
    tables = {name: select(table) for name, table in db.Base.metadata.tables.items() if name not in PRIVATE_TABLES}
    return {**dict(sorted(tables.items())), **VIEWS}


def _exportable(name: str) -> Select:
    """The query of one exportable table or view; a UsageError naming them all if there is none."""
    query = exportable().get(name)
    if query is None:
        raise UsageError(f"no table or view «{name}»; there are: {', '.join(exportable())}")
    return query


def read_table(engine: Engine, name: str) -> pd.DataFrame:
    """A table or view as a DataFrame with exact types: amounts as Decimal, dates as
    dates (a plain `pd.read_sql("SELECT …")` gets SQLite's amounts as text), whole
    numbers as integers even where some are missing (pandas' Int64, not float)."""
    query = _exportable(name)
    integers = {c.name: "Int64" for c in query.selected_columns if isinstance(c.type, Integer)}
    return pd.read_sql(query, engine, coerce_float=False, dtype=integers)


def export_all(sessions: sessionmaker[Session], out_dir: Path, fmt: str) -> list[Path]:
    """Write every table and view as `<name>.csv` or `<name>.parquet`; returns the paths.

    Parquet keeps the types: amounts as decimal128(18, 2), dates as date32, times as
    UTC timestamps. CSV writes amounts as exact decimal text and dates in ISO 8601."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format «{fmt}»; supported: {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with snapshot(sessions) as session:
        for name, query in exportable().items():
            columns = list(query.selected_columns)
            rows = session.execute(query).all()
            path = out_dir / f"{name}.{fmt}"
            (_write_parquet if fmt == "parquet" else _write_csv)(path, columns, rows)
            paths.append(path)
    package = out_dir / DATAPACKAGE
    package.write_text(json.dumps(datapackage(fmt), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return [*paths, package]


DATAPACKAGE = "datapackage.json"


def datapackage(fmt: str) -> dict:
    """A Frictionless Data Package describing the exported files: every table and view
    with each column's type and meaning, so that pandas, duckdb or `frictionless`
    read «5.10» as text and amounts as exact numbers."""
    return {
        "profile": "tabular-data-package",
        "name": "orders",
        "resources": [{
            "name": name, "path": f"{name}.{fmt}", "format": fmt, "encoding": "utf-8",
            "profile": "tabular-data-resource" if fmt == "csv" else "data-resource",
            "description": catalog.TABLES[name],
            "schema": {"fields": [_field(name, column) for column in query.selected_columns]},
        } for name, query in exportable().items()],
    }


# Frictionless field types of the SQL types, most specific first (Money before Numeric).
_FIELD_TYPES = ((db.Money, "number"), (Boolean, "boolean"), (DateTime, "datetime"), (Date, "date"),
                (Integer, "integer"), (Float, "number"), (JSON, "any"))  # JSON: a list or an object


def _field(table: str, column) -> dict:
    kind = next((name for sql_type, name in _FIELD_TYPES if isinstance(column.type, sql_type)), "string")
    field = {"name": column.name, "type": kind, "description": catalog.describe(table, column.name)}
    if isinstance(column.type, db.Money):
        field["decimalChar"] = "."  # exact decimal text with two places: read it as Decimal, not float
    return field


def describe_table(name: str) -> list[dict]:
    """Every column of an exportable table or view: its name, type and meaning."""
    return [_field(name, column) for column in _exportable(name).selected_columns]


def read_csv_export(folder: Path, name: str) -> pd.DataFrame:
    """A table or view exported as CSV, read with the types its `datapackage.json` gives:
    codes stay text («5.10»), amounts Decimal, whole numbers Int64, dates dates."""
    package = json.loads((folder / DATAPACKAGE).read_text(encoding="utf-8"))
    resource = next((r for r in package["resources"] if r["name"] == name), None)
    if resource is None:
        raise UsageError(f"{folder / DATAPACKAGE} lists no «{name}»")
    fields = resource["schema"]["fields"]
    text = {f["name"]: "string" for f in fields if f["type"] in ("string", "any", "boolean")}
    whole = {f["name"]: "Int64" for f in fields if f["type"] == "integer"}
    exact = {f["name"]: _decimal for f in fields if f.get("decimalChar")}
    frame = pd.read_csv(folder / resource["path"], dtype=text | whole, converters=exact, keep_default_na=False,
                        na_values={n: [""] for n in [*whole, *(f["name"] for f in fields if f["type"] == "number")]})
    for f in fields:
        if f["type"] == "date":  # datetime.date, as read_table gives them, even in a column with none
            frame[f["name"]] = frame[f["name"]].map(lambda text: dt.date.fromisoformat(text) if text else None)
        elif f["type"] == "datetime":
            frame[f["name"]] = pd.to_datetime(frame[f["name"]].replace("", None), utc=True)
        elif f["type"] == "boolean":
            frame[f["name"]] = frame[f["name"]].map({"True": True, "False": False, "": None})
        elif f["type"] in ("string", "any"):
            frame[f["name"]] = frame[f["name"]].replace("", None)
    return frame


def _decimal(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _arrow_type(column) -> pa.DataType:
    kind = column.type
    if isinstance(kind, db.Money):
        return pa.decimal128(db.MONEY_PRECISION, db.MONEY_SCALE)
    for sql_type, arrow in ((Boolean, pa.bool_()), (DateTime, pa.timestamp("us", tz="UTC")), (Date, pa.date32()),
                            (Integer, pa.int64()), (Float, pa.float64())):
        if isinstance(kind, sql_type):
            return arrow
    return pa.string()


def _cell(value, column):
    if isinstance(column.type, JSON):
        return json.dumps(value, ensure_ascii=False) if value is not None else None
    if isinstance(column.type, Boolean) and value is not None:
        return bool(value)
    return value


def _write_parquet(path: Path, columns, rows) -> None:
    schema = pa.schema([pa.field(c.name, _arrow_type(c)) for c in columns])
    data = {c.name: [_cell(row[i], c) for row in rows] for i, c in enumerate(columns)}
    pq.write_table(pa.table(data, schema=schema), path)


def _write_csv(path: Path, columns, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([c.name for c in columns])
        for row in rows:
            writer.writerow([_csv_text(_cell(row[i], c)) for i, c in enumerate(columns)])


QUERY_FORMATS = ("table", "csv", "json", "parquet")


def write_query_result(result: QueryResult, fmt: str, out: TextIO | None = None, path: Path | None = None) -> None:
    """A query's rows as CSV or JSON to `out` (amounts as exact decimal text, dates in ISO
    8601), or as Parquet to `path`."""
    if fmt == "parquet":
        if path is None:
            raise UsageError("--format parquet writes a file: give it with --out FILE.parquet")
        columns = {name: _arrow_column([row[i] for row in result.rows]) for i, name in enumerate(result.columns)}
        pq.write_table(pa.table(columns), path)
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(result.columns)
        writer.writerows([_csv_text(v) for v in row] for row in result.rows)
    elif fmt == "json":
        json.dump([dict(zip(result.columns, map(_json_value, row))) for row in result.rows], out, ensure_ascii=False,
                  indent=1)
        out.write("\n")
    else:
        raise UsageError(f"unknown output format «{fmt}»; supported: {', '.join(QUERY_FORMATS)}")


def _arrow_column(values: list) -> pa.Array:
    """A result column with the type of its values (Decimal → decimal, date → date32);
    text where the database mixes types in one column (SQLite may)."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([_json_value(v) if v is not None else None for v in values], type=pa.string())


def _json_value(value):
    """Decimals as exact text, dates in ISO 8601; everything else as the driver gives it."""
    return _csv_text(value) if isinstance(value, (Decimal, dt.date, dt.datetime)) else value


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


# sqlglot's dialect for each SQLAlchemy backend.
_DIALECTS = {"sqlite": "sqlite", "postgresql": "postgres"}
# What may not appear anywhere in a query's tree: anything that changes data, schema,
# files, settings or the transaction, SELECT … INTO (creates a table), FOR UPDATE
# (locks rows), and commands sqlglot does not parse.
_WRITES = (exp.DML, exp.DDL, exp.Drop, exp.Alter, exp.TruncateTable, exp.Set, exp.Pragma, exp.Attach, exp.Detach,
           exp.Commit, exp.Rollback, exp.Transaction, exp.Command, exp.Into, exp.Lock, exp.Analyze)
_QUERIES = "`orders sql` runs exactly one query (SELECT, WITH … SELECT, UNION/INTERSECT/EXCEPT, VALUES)"
# sqlglot logs a warning for each statement it keeps as a raw command; those are
# refused here with one line of our own.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


def check_query(sql: str, backend: str) -> None:
    """Raise UsageError unless `sql`, parsed in the SQL dialect of `backend` ("sqlite"
    or "postgresql"), is exactly one query with nothing in its tree that writes."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=_DIALECTS.get(backend)) if s is not None]
    except (ParseError, TokenError) as exc:
        first = exc.errors[0] if isinstance(exc, ParseError) and exc.errors else None
        problem = f"{first['description']} at line {first['line']}, column {first['col']}" if first else str(exc)
        raise UsageError(f"cannot parse the query as {backend} SQL: {' '.join(problem.split())}") from None
    if len(statements) != 1:
        found = f"{len(statements)} statements" if statements else "no statement"
        raise UsageError(f"refused: {found}; {_QUERIES}")
    statement = statements[0]
    if not isinstance(statement, (exp.Query, exp.Values)):
        shown = " ".join(sql.split())  # the one statement, as written
        raise UsageError(f"refused: «{shown if len(shown) <= 60 else shown[:59] + '…'}» is not a query; {_QUERIES}")
    writer = next(statement.find_all(*_WRITES), None)
    if writer is not None:
        raise UsageError(f"refused: the query contains {_kind(writer)}; `orders sql` only reads")
    private = sorted({t.name.lower() for t in statement.find_all(exp.Table)} & PRIVATE_TABLES)
    if private:  # on PostgreSQL the reader role may not read them either; a SQLite file has no roles
        raise UsageError(f"refused: {', '.join(private)} holds no research data (accounts, password and session "
                         "hashes, the schema's version)")


def _kind(node: exp.Expression) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return {exp.Into: "SELECT … INTO, which creates a table", exp.Lock: "FOR UPDATE/SHARE, which locks rows"}.get(
        type(node), node.key.upper())


class QueryResult(NamedTuple):
    columns: list[str]
    rows: list[tuple]
    truncated: bool = False  # the query has more rows than were fetched


def run_query(sessions: sessionmaker[Session], sql: str, limit: int = 1000) -> QueryResult:
    """Column names and up to `limit` rows of one query that writes nothing (`check_query`),
    and whether it has more.

    It runs in a read-only transaction (PostgreSQL; SQLite: a query-only connection)
    that is rolled back whatever happens, and goes to the driver as one statement it
    cannot split: SQLite's driver refuses several, and on PostgreSQL it is sent as a
    prepared statement, which the server refuses to make of several.
    """
    with sessions.kw["bind"].connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        check_query(sql, connection.dialect.name)
        connection.exec_driver_sql("PRAGMA query_only = ON" if sqlite else "SET TRANSACTION READ ONLY")
        cursor = connection.connection.cursor()
        try:
            if sqlite:
                cursor.execute(sql)
            else:
                cursor.execute(sql, prepare=True)
            if cursor.description is None:
                raise UsageError("the statement returns no rows; `orders sql` runs queries only")
            rows = [tuple(row) for row in cursor.fetchmany(limit + 1)]
            return QueryResult([c[0] for c in cursor.description], rows[:limit], len(rows) > limit)
        except connection.dialect.loaded_dbapi.Error as exc:
            raise UsageError(f"the database refused the query: {' '.join(str(exc).split())}") from None
        finally:
            cursor.close()
            connection.rollback()
            if sqlite:  # the connection goes back to the pool: make it writable again
                connection.exec_driver_sql("PRAGMA query_only = OFF")
                connection.rollback()


_REMEDY = "connect as a read-only role instead (made by `orders sql-reader NAME --db <admin URL>`)"


def open_sql_reader(url: str) -> sessionmaker[Session]:
    """The connection `orders sql` runs on: read-only (`store.database.open_reader`),
    and on PostgreSQL a role that cannot write; a superuser or a role with any
    write right (`write_rights`) is refused with a UsageError."""
    sessions = open_reader(url)
    engine = sessions.kw["bind"]
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            role = connection.exec_driver_sql("SELECT current_user").scalar_one()
            rights = write_rights(connection, role)
        if rights:
            engine.dispose()
            shown = "; ".join(rights[:3]) + ("; …" if len(rights) > 3 else "")
            raise UsageError(f"`orders sql` refuses to run as {role}, who can write ({shown}): {_REMEDY}")
    return sessions


# The rights that let a PostgreSQL role write to the project's tables or to the server.
_WRITE_RIGHTS = text("""
SELECT 'is a superuser' FROM pg_roles WHERE rolname = :role AND rolsuper
UNION ALL
SELECT 'is a member of ' || r FROM unnest(ARRAY['pg_write_server_files', 'pg_execute_server_program',
                                                'pg_read_server_files']) AS r
 WHERE pg_has_role(:role, r, 'MEMBER')
UNION ALL
SELECT DISTINCT 'may create in schema ' || n.nspname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname::text IN :tables AND has_schema_privilege(:role, n.oid, 'CREATE')
UNION ALL
SELECT 'may change ' || n.nspname || '.' || c.relname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relname::text IN :tables AND (has_table_privilege(:role, c.oid, 'DELETE, TRUNCATE')
                                     OR has_any_column_privilege(:role, c.oid, 'INSERT, UPDATE'))
""").bindparams(bindparam("tables", expanding=True))


def write_rights(connection: Connection, role: str) -> list[str]:
    """What lets PostgreSQL `role` write (directly, through roles it belongs to, or as
    PUBLIC): superuser, server-file roles, CREATE on a schema holding the project's
    tables, INSERT/UPDATE (even of one column)/DELETE/TRUNCATE on any of them. Empty: a reader."""
    tables = [*db.Base.metadata.tables, *VIEWS, "alembic_version"]
    return list(connection.execute(_WRITE_RIGHTS, {"role": role, "tables": tables}).scalars())


def create_reader_role(sessions: sessionmaker[Session], name: str, password: str | None = None) -> str:
    """Create the PostgreSQL LOGIN role `name`, or update it (password, rights), with
    USAGE on the schema and SELECT on every table and view of `exportable()` (never
    the private tables); `sessions` connect as a role that may grant this. Returns
    the URL `orders sql` connects with (a random password unless one is given).
    Refused when the role could still write, e.g. an existing writer of that name."""
    engine = sessions.kw["bind"]
    if engine.dialect.name != "postgresql":
        raise UsageError("a reader role is for PostgreSQL; on SQLite `orders sql` opens the file read-only")
    from psycopg import sql as pg

    password = password or secrets.token_urlsafe(24)
    role = pg.Identifier(name)
    with engine.begin() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}).first()
        database, schema = connection.exec_driver_sql("SELECT current_database(), current_schema()").one()
        raw = connection.connection.driver_connection
        # The server gets a SCRAM verifier, never the password, which so stays out of its logs.
        verifier = raw.pgconn.encrypt_password(password.encode(), name.encode()).decode()
        private = sorted(PRIVATE_TABLES & set(db.Base.metadata.tables))  # in case an earlier grant gave them
        statements = [
            pg.SQL("ALTER ROLE {} LOGIN PASSWORD {}" if exists else "CREATE ROLE {} LOGIN PASSWORD {}")
            .format(role, pg.Literal(verifier)),
            pg.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(pg.Identifier(database), role),
            pg.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(pg.Identifier(schema), role),
            pg.SQL("GRANT SELECT ON {} TO {}").format(pg.SQL(", ").join(map(pg.Identifier, exportable())), role),
            pg.SQL("REVOKE ALL ON {} FROM {}").format(pg.SQL(", ").join(map(pg.Identifier, private)), role),
        ]
        with raw.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        rights = write_rights(connection, name)
        if rights:  # leaving the block rolls everything back
            raise UsageError(f"role {name} can write ({'; '.join(rights[:3])}); a reader must not: choose a name "
                             "no writer has, or revoke those rights (from PUBLIC too)")
    return engine.url.set(username=name, password=password).render_as_string(hide_password=False)


# Tables compared by `comparable_rows`: what an ingest stores (not who reviewed or ran what, when).
_SKIPPED = PRIVATE_TABLES | {"ingestion_run", "ingestion_file", "correction"}
_MOMENTS = {"ingested_at", "created_at"}


def comparable_rows(sessions: sessionmaker[Session]) -> dict[str, list[tuple]]:
    """Every stored row by table, sorted, with row ids replaced by what they stand
    for (a document by its file, an organisation by its registry key, a measure by
    its document and position): two databases holding the same data compare equal
    whatever order they were filled in, serially or in parallel."""
    with sessions() as session:
        keys: dict[str, dict[int, object]] = {
            "document": dict(session.execute(select(db.Document.id, db.Document.source_key)).all()),
            "organization": dict(session.execute(select(db.Organization.id, db.Organization.registry_key)).all()),
        }
        tables = [t for t in db.Base.metadata.sorted_tables if t.name not in _SKIPPED]
        for table in tables:  # sorted: a referenced table is keyed before the tables that refer to it
            if table.name not in keys and "id" in table.c:
                keys[table.name] = {row.id: _natural(table, row, keys) for row in session.execute(select(table))}
        out = {}
        for table in tables:
            rows = [tuple(sorted(_natural_row(table, row, keys).items())) for row in session.execute(select(table))]
            out[table.name] = sorted(rows, key=repr)
        return out


def _natural(table: Table, row, keys: dict) -> tuple:
    """A row's identity without its id: its parent's key and its position (or alias)."""
    parent = next((fk for fk in table.foreign_keys if fk.parent.name in ("document_id", "measure_id",
                                                                        "indicator_id", "organization_id")), None)
    owner = keys[parent.column.table.name].get(getattr(row, parent.parent.name)) if parent else None
    return (owner, getattr(row, "position", None), getattr(row, "alias", None))


def _natural_row(table: Table, row, keys: dict) -> dict:
    values = {}
    for column in table.columns:
        value = getattr(row, column.name)
        if column.name == "id" or column.name in _MOMENTS:
            continue
        if column.foreign_keys:
            value = keys.get(next(iter(column.foreign_keys)).column.table.name, {}).get(value, value)
        elif table.name == "provenance" and column.name == "entity_id":
            value = keys.get(row.entity, {}).get(value, value)
        values[column.name] = value
    return values
