"""The researchers' interface: whole tables and views exported as CSV or Parquet with
their types, and read-only SQL."""
from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import JSON, Boolean, Date, DateTime, Engine, Float, Integer, Select, Table, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from models import db
from models.views import VIEWS
from pipeline.errors import UsageError

# Never exported: password hashes are nobody's research data.
PRIVATE_TABLES = {"account", "alembic_version"}
FORMATS = ("csv", "parquet")


def exportable() -> dict[str, Select]:
    """The query of every table and view a researcher may export, by name."""
    tables = {name: select(table) for name, table in db.Base.metadata.tables.items() if name not in PRIVATE_TABLES}
    return {**dict(sorted(tables.items())), **VIEWS}


def read_table(engine: Engine, name: str) -> pd.DataFrame:
    """A table or view as a DataFrame with exact types: amounts as Decimal, dates as
    dates (a plain `pd.read_sql("SELECT …")` gets SQLite's amounts as text)."""
    query = exportable().get(name)
    if query is None:
        raise UsageError(f"no table or view «{name}»; there are: {', '.join(exportable())}")
    return pd.read_sql(query, engine, coerce_float=False)


def export_all(sessions: sessionmaker[Session], out_dir: Path, fmt: str) -> list[Path]:
    """Write every table and view as `<name>.csv` or `<name>.parquet`; returns the paths.

    Parquet keeps the types: amounts as decimal128(18, 2), dates as date32, times as
    UTC timestamps. CSV writes amounts as exact decimal text and dates in ISO 8601."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format «{fmt}»; supported: {', '.join(FORMATS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with sessions() as session:
        for name, query in exportable().items():
            columns = list(query.selected_columns)
            rows = session.execute(query).all()
            path = out_dir / f"{name}.{fmt}"
            (_write_parquet if fmt == "parquet" else _write_csv)(path, columns, rows)
            paths.append(path)
    return paths


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


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def run_query(sessions: sessionmaker[Session], sql: str, limit: int = 1000) -> tuple[list[str], list[tuple]]:
    """Column names and up to `limit` rows of a query run read-only: the transaction
    is read-only (PostgreSQL) or the connection query-only (SQLite), and it is
    rolled back whatever happens."""
    with sessions.kw["bind"].connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        connection.exec_driver_sql("PRAGMA query_only = ON" if sqlite else "SET TRANSACTION READ ONLY")
        try:
            result = connection.execute(text(sql))
            if not result.returns_rows:
                raise UsageError("the statement returns no rows; `orders sql` runs queries only")
            return list(result.keys()), [tuple(row) for row in result.fetchmany(limit)]
        except DBAPIError as exc:
            raise UsageError(f"the database refused the query: {exc.orig}") from None
        finally:
            connection.rollback()
            if sqlite:  # the connection goes back to the pool: make it writable again
                connection.exec_driver_sql("PRAGMA query_only = OFF")
                connection.rollback()


# Tables compared by `comparable_rows`: what an ingest stores (not who reviewed or ran what, when).
_SKIPPED = PRIVATE_TABLES | {"ingestion_run", "correction"}
_MOMENTS = {"ingested_at", "created_at"}


def comparable_rows(sessions: sessionmaker[Session]) -> dict[str, list[tuple]]:
    """Every stored row by table, sorted, with row ids replaced by what they stand
    for (a document by its file, an organisation by its registry key, a measure by
    its document and position): two databases holding the same data compare equal
    whatever order they were filled in, serially or in parallel."""
    with sessions() as session:
        keys: dict[str, dict[int, object]] = {
            "document": dict(session.execute(select(db.Document.id, db.Document.source_file)).all()),
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
