"""The SQL store: open (and migrate) the database, save and load documents, export JSON.

    sessions = open_database("sqlite:///data/processed/orders.db")
    result = save_document(sessions, doc, fingerprint=sha, source_path=path, pipeline_version="0.1.0")
    export_json(sessions, Path("data/processed/json"))

Each document is saved in one transaction: either all of its rows are written or
none. Money stays `Decimal` from the records to the database and back.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Engine, case, create_engine, event, func, or_, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

import models
from models import db, mapping, records
from pipeline import corrections
from pipeline.load import load_document, printed_names
from pipeline.registry import ensure_regions, register_organizations
from models.errors import DatabaseError, DatabaseUrlError, MissingDatabaseError, UsageError

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


# --------------------------------------------------------------------------- saving


@dataclass
class SaveResult:
    """What `save_document` did: outcome is "new", "unchanged" or "replaced"."""

    document_id: int
    outcome: str
    counts: dict[str, int] = field(default_factory=dict)  # records written, by kind; empty if unchanged


def save_document(
    sessions: sessionmaker[Session],
    doc: records.ExtractedDocument,
    *,
    fingerprint: str,
    source_path: str,
    pipeline_version: str,
    source_key: str | None = None,
    force: bool = False,
) -> SaveResult:
    """Store one extracted document in one transaction.

    A document is its file's place, `source_key` (default: the file name). The
    same bytes stored under that key already: nothing is written ("unchanged"),
    unless `force`. Other bytes under that key (or forced): the stored version is
    deleted and the new one inserted in the same transaction, with the same id
    ("replaced"). The same bytes in another place are another document.
    Organisations go to the shared registry (one row per canonical name and region,
    aliases accumulating). The reviewers' corrections of the act are applied on top
    and the document re-validated. On any error the transaction is rolled back and
    the database is exactly as before; the error propagates.
    """
    key = source_key or doc.source_file
    with write_transaction(sessions) as session:
        previous = session.scalar(select(db.Document).where(db.Document.source_key == key))
        if previous is not None and previous.fingerprint == fingerprint and not force:
            return SaveResult(previous.id, "unchanged")
        if previous is not None:
            previous.issues  # loaded before the delete: the new version keeps their ids
            session.delete(previous)  # the database cascades to every per-document row
            session.flush()  # before the insert, which reuses the unique source_key and the id
        document = _insert_document(session, doc, fingerprint=fingerprint, source_path=source_path,
                                    pipeline_version=pipeline_version, source_key=key, replacing=previous)
        corrections.reapply_registry(session, document)
        corrections.reapply(session, document)
        return SaveResult(document.id, "replaced" if previous else "new", _record_counts(doc))


def stored_document_id(sessions: sessionmaker[Session], source_key: str, fingerprint: str) -> int | None:
    """The id of the document stored under `source_key` with these file bytes, or None.

    Lets an ingest skip reading a file that is already stored; `save_document`
    checks again inside its transaction.
    """
    with sessions() as session:
        return session.scalar(select(db.Document.id).where(db.Document.source_key == source_key,
                                                           db.Document.fingerprint == fingerprint))


def _insert_document(
    session: Session,
    doc: records.ExtractedDocument,
    *,
    fingerprint: str,
    source_path: str,
    pipeline_version: str,
    source_key: str,
    replacing: db.Document | None = None,
) -> db.Document:
    """The document's rows; replacing a stored version, it keeps that version's id and
    its issues' ids (by kind, place and detail), so that the review page's links hold."""
    issue_ids = {(x.kind, x.place, x.detail): x.id for x in replacing.issues} if replacing else {}
    # Registry rows first: building the document below must not run queries, which
    # would autoflush a half-built document.
    ensure_regions(session, doc)
    registry = register_organizations(session, doc)
    document = _document_row(doc, id=replacing.id if replacing else None, source_key=source_key,
                             fingerprint=fingerprint, source_path=source_path, pipeline_version=pipeline_version)
    _add_records(document, doc, registry, issue_ids)
    session.add(document)
    session.flush()  # assigns the row ids that provenance refers to
    names = printed_names(document)
    for link in (*document.issuers, *(e for m in document.measures for e in m.executors)):
        link.name = names[link.organization_id]
    session.add_all(_provenance_rows(document, doc))
    return document


def _document_row(doc: records.ExtractedDocument, **identity) -> db.Document:
    """The document's own row: its file (`identity`), its act and how it was read."""
    h = doc.header
    return db.Document(
        **identity,
        act_key=h.act_key(identity["source_key"]),
        source_file=doc.source_file,
        format=doc.format,
        page_count=doc.page_count,
        doc_type=h.doc_type,
        doc_number=h.doc_number,
        doc_date=h.doc_date,
        title=h.title,
        region_code=h.region_code,
        region_name=h.region,
        municipality=h.municipality,
        period_start=h.period_start,
        period_end=h.period_end,
        status="needs_review" if doc.issues else "ok",
        page_sizes=[list(size) if size else None for size in doc.page_sizes],
    )


def _add_records(document: db.Document, doc: records.ExtractedDocument, registry: dict[str, db.Organization],
                 issue_ids: dict[tuple, int]) -> None:
    """The rows of everything the document holds, each in its printed order."""
    h = doc.header
    document.organizations = [_document_organization(o, registry, i) for i, o in enumerate(doc.organizations)]
    document.issuers = [db.DocumentIssuer(organization=registry[db.loose_name(name)], position=i)
                        for i, name in enumerate(h.issuers)]
    document.tasks = [mapping.TASK.to_row(t, position=i) for i, t in enumerate(doc.tasks)]
    document.measures = [_measure(m, registry, i) for i, m in enumerate(doc.measures)]
    document.funding = [mapping.FUNDING.to_row(f, position=i) for i, f in enumerate(doc.funding)]
    document.indicators = [_indicator(ind, i) for i, ind in enumerate(doc.indicators)]
    document.target_groups = [mapping.TARGET_GROUP.to_row(g, position=i) for i, g in enumerate(doc.target_groups)]
    document.tables = [db.DocumentTable(rows=_table_json(t), position=i) for i, t in enumerate(doc.tables)]
    document.signatories = [mapping.SIGNATORY.to_row(s, position=i) for i, s in enumerate(doc.signatories)]
    document.issues = [db.Issue.of(x, i, issue_ids.pop((x.kind, x.where, x.detail), None))
                       for i, x in enumerate(doc.issues)]
    document.stated_amounts = [db.StatedAmount(year=year, amount=amount, sentence=sentence, position=i)
                               for i, (year, amount, sentence) in enumerate(doc.stated_amounts)]

def _document_organization(
    org: records.Organization, registry: dict[str, db.Organization], position: int
) -> db.DocumentOrganization:
    return db.DocumentOrganization(
        organization=registry[db.loose_name(org.name)],
        name=org.name,
        kind=org.kind,
        aliases=list(org.aliases),
        position=position,
    )


def _measure(m: records.Measure, registry: dict[str, db.Organization], position: int) -> db.Measure:
    executors = [db.MeasureExecutor(organization=registry[db.loose_name(name)], position=i,
                                    by_agreement=name in m.by_agreement) for i, name in enumerate(m.executors)]
    return mapping.MEASURE.to_row(m, position=position, executors=executors)


def _indicator(ind: records.Indicator, position: int) -> db.Indicator:
    values = [mapping.INDICATOR_VALUE.to_row(v, position=i) for i, v in enumerate(ind.values)]
    return mapping.INDICATOR.to_row(ind, position=position, values=values)


def _provenance_rows(document: db.Document, doc: records.ExtractedDocument) -> list[db.Provenance]:
    """One provenance row per stored record that knows where it was printed."""
    pairs = [
        *(("task", row, rec) for row, rec in zip(document.tasks, doc.tasks)),
        *(("measure", row, rec) for row, rec in zip(document.measures, doc.measures)),
        *(("funding", row, rec) for row, rec in zip(document.funding, doc.funding)),
        *(("indicator", row, rec) for row, rec in zip(document.indicators, doc.indicators)),
        *(("issue", row, rec) for row, rec in zip(document.issues, doc.issues)),
    ]
    return [
        _provenance_row(document.id, entity, row.id, rec.provenance)
        for entity, row, rec in pairs
        if rec.provenance != records.Provenance()
    ]


def _provenance_row(document_id: int, entity: str, entity_id: int, p: records.Provenance) -> db.Provenance:
    box = p.bbox
    return db.Provenance(
        document_id=document_id,
        entity=entity,
        entity_id=entity_id,
        field=None,  # the records keep one provenance for the whole record
        page=p.page,
        x0=box.x0 if box else None,
        y0=box.y0 if box else None,
        x1=box.x1 if box else None,
        y1=box.y1 if box else None,
        raw_text=p.raw_text,
        confidence=p.confidence,
    )


def _record_counts(doc: records.ExtractedDocument) -> dict[str, int]:
    return {
        "organizations": len(doc.organizations),
        "tasks": len(doc.tasks),
        "measures": len(doc.measures),
        "funding": len(doc.funding),
        "indicators": len(doc.indicators),
        "target_groups": len(doc.target_groups),
        "signatories": len(doc.signatories),
        "issues": len(doc.issues),
    }


def _table_json(table: list[list[records.TableCell]]) -> list:
    return [[{**asdict(c), "bbox": [c.bbox.x0, c.bbox.y0, c.bbox.x1, c.bbox.y1] if c.bbox else None} for c in row]
            for row in table]


# --------------------------------------------------------------------------- export


def export_json(sessions: sessionmaker[Session], out_dir: Path) -> list[Path]:
    """Write every stored document as `<source_file stem>.json` (shared/spec/document-json.md).

    The content is exactly `ExtractedDocument.to_export()`, UTF-8, Cyrillic unescaped.
    Two documents whose names differ only in the extension (a.pdf, a.docx) would
    overwrite each other, so those are written as `<source_file>.json` instead, and
    files of the same name in two folders as `<folder>__<source_file>.json`.
    Returns the paths written, in source-key order.
    """
    return _export(sessions, out_dir, "json", lambda doc: doc.to_export())


def export_tables(sessions: sessionmaker[Session], out_dir: Path) -> list[Path]:
    """Write every stored document's logical tables as `<stem>.tables.json`: a list of
    tables, each a list of rows, each a list of cells (text, spans, page, box, confidence)."""
    return _export(sessions, out_dir, "tables.json", lambda doc: doc.tables_export())


def _export(sessions: sessionmaker[Session], out_dir: Path, suffix: str, content) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with snapshot(sessions) as session:
        stored = session.execute(
            select(db.Document.id, db.Document.source_key).order_by(db.Document.source_key)
        ).all()
        file_names = _export_file_names([key for _, key in stored], suffix)
        paths = []
        for document_id, key in stored:
            export = content(load_document(session, document_id))
            path = out_dir / file_names[key]
            path.write_text(json.dumps(export, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            paths.append(path)
            session.expunge_all()  # keep memory flat over a large database
    return paths


def _export_file_names(source_keys: list[str], suffix: str) -> dict[str, str]:
    """One export file name per source key: the stem where it is unique, else the
    file's name, else the whole key with its folders joined by «__»."""
    stems = Counter(PurePosixPath(key).stem for key in source_keys)
    names = Counter(PurePosixPath(key).name for key in source_keys)

    def name_of(key: str) -> str:
        path = PurePosixPath(key)
        if stems[path.stem] == 1:
            return f"{path.stem}.{suffix}"
        return f"{path.name if names[path.name] == 1 else key.replace('/', '__')}.{suffix}"

    return {key: name_of(key) for key in source_keys}


# --------------------------------------------------------------------------- reporting


@dataclass(frozen=True)
class IssueView:
    """An entry of the review queue with the file it belongs to."""

    id: int
    document_id: int
    source_file: str
    region_code: str | None
    kind: str
    where: str
    detail: str
    status: str
    created_at: dt.datetime
    act_key: str = ""
    act: str = ""  # the act as a reviewer knows it: «приказ № 12 от 14.03.2024», else its title, else the file


# The queue's order: what changes the numbers researchers read comes first.
SEVERITY = ("sum_mismatch", "unrecognised_table", "unread_value", "missing_value", "unresolved_org", "ocr_suspect",
            "other")


def severity_rank():
    """An SQL expression ranking issues by SEVERITY."""
    return case({kind: rank for rank, kind in enumerate(SEVERITY)}, value=db.Issue.kind)


@dataclass(frozen=True)
class IssueFilter:
    """Which issues to list; None matches everything."""

    status: str | None = "open"
    document: str | None = None  # file name
    region: str | None = None  # ISO code
    kind: str | None = None
    text: str | None = None  # found in the place, the detail or the file name, in any case

    def check(self) -> None:
        if self.status is not None and self.status not in db.ISSUE_STATUSES:
            raise UsageError(f"unknown issue status «{self.status}»; use one of {', '.join(db.ISSUE_STATUSES)}")
        if self.kind is not None and self.kind not in SEVERITY:
            raise UsageError(f"unknown issue kind «{self.kind}»; use one of {', '.join(SEVERITY)}")

    def apply(self, query: Select) -> Select:
        conditions = [(db.Issue.status, self.status), (db.Document.source_file, self.document),
                      (db.Document.region_code, self.region), (db.Issue.kind, self.kind)]
        query = query.where(*(column == value for column, value in conditions if value is not None))
        if self.text:
            query = query.where(or_(*(column.icontains(self.text, autoescape=True)
                                      for column in (db.Issue.place, db.Issue.detail, db.Document.source_file))))
        return query


def list_issues(sessions: sessionmaker[Session], which: IssueFilter = IssueFilter(), *,
                limit: int | None = None, offset: int = 0) -> list[IssueView]:
    """Review issues grouped by act (the files of one act together), within an act the
    most consequential first (sum mismatches before doubtful words), then by file and
    printed order."""
    which.check()
    query = which.apply(
        select(db.Issue, db.Document).join(db.Document, db.Issue.document_id == db.Document.id)
    ).order_by(db.Document.act_key, severity_rank(), db.Document.source_file, db.Issue.position)
    with sessions() as session:
        return [
            IssueView(
                id=issue.id,
                document_id=issue.document_id,
                source_file=document.source_file,
                region_code=document.region_code,
                kind=issue.kind,
                where=issue.place,
                detail=issue.detail,
                status=issue.status,
                created_at=issue.created_at,
                act_key=document.act_key,
                act=act_label(document),
            )
            for issue, document in session.execute(query.limit(limit).offset(offset))
        ]


def act_label(document: db.Document) -> str:
    """«приказ № 12 от 14.03.2024 (RU-TVE)», else the title, else the file: how a reviewer names the act."""
    if document.doc_number or document.doc_date:
        number = f" № {document.doc_number}" if document.doc_number else ""
        date = f" от {document.doc_date:%d.%m.%Y}" if document.doc_date else ""
        return f"{document.doc_type or 'акт'}{number}{date}" + (f" ({document.region_code})" if document.region_code else "")
    return document.title or document.source_file


def count_issues(sessions: sessionmaker[Session], which: IssueFilter = IssueFilter()) -> int:
    """How many issues `list_issues` would list without a limit."""
    which.check()
    query = which.apply(select(func.count()).select_from(db.Issue).join(db.Document))
    with sessions() as session:
        return session.scalar(query)


def status_summary(sessions: sessionmaker[Session]) -> dict:
    """What the database holds: documents by region and format, row counts, open
    issues and the last ingestion run (JSON-serialisable)."""
    with sessions() as session:

        def count(model: type[db.Base], *conditions) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*conditions))

        def documents_by(column) -> dict[str, int]:
            rows = session.execute(select(column, func.count()).group_by(column).order_by(column))
            return {value or "unknown": n for value, n in rows}

        last_run = session.scalar(select(db.IngestionRun).order_by(db.IngestionRun.id.desc()).limit(1))
        return {
            "documents": count(db.Document),
            "acts": session.scalar(select(func.count(func.distinct(db.Document.act_key)))),
            "documents_by_region": documents_by(db.Document.region_code),
            "documents_by_format": documents_by(db.Document.format),
            "tasks": count(db.Task),
            "measures": count(db.Measure),
            "funding_rows": count(db.Funding),
            "indicators": count(db.Indicator),
            "organizations": count(db.Organization),  # the registry: one row per body across documents
            "organizations_named": count(db.DocumentOrganization),  # as each document names them (ingest's count)
            "open_issues": count(db.Issue, db.Issue.status == "open"),
            "last_run": _run_summary(last_run) if last_run else None,
        }


def _run_summary(run: db.IngestionRun) -> dict:
    return {
        "id": run.id,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "files_new": run.files_new,
        "files_unchanged": run.files_unchanged,
        "files_failed": run.files_failed,
    }


def start_run(sessions: sessionmaker[Session], started_at: dt.datetime, paths: list[str]) -> int:
    """Record that a run has started (finished_at stays NULL until it ends: a run
    that never ends was interrupted). Returns its id."""
    with write_transaction(sessions) as session:
        run = db.IngestionRun(started_at=started_at, report={"paths": paths, "files": []})
        session.add(run)
        session.flush()
        return run.id


_RUN_COUNTERS = {"new": "files_new", "replaced": "files_new", "unchanged": "files_unchanged",
                 "failed": "files_failed"}


def add_to_run(sessions: sessionmaker[Session], run_id: int, outcome: dict) -> None:
    """Add one file's outcome (status, reason, seconds per stage; JSON-serialisable)."""
    with write_transaction(sessions) as session:
        run = session.get(db.IngestionRun, run_id)
        counter = _RUN_COUNTERS.get(outcome["status"])  # skipped paths are in the report only
        if counter:
            setattr(run, counter, getattr(run, counter) + 1)
        run.report = {**run.report, "files": [*run.report["files"], outcome]}  # a new object: JSON is saved whole


def finish_run(sessions: sessionmaker[Session], run_id: int, finished_at: dt.datetime) -> None:
    with write_transaction(sessions) as session:
        session.get(db.IngestionRun, run_id).finished_at = finished_at


def list_runs(sessions: sessionmaker[Session], limit: int = 20) -> list[dict]:
    """The latest runs, newest first: counts, seconds per stage summed over files,
    and the reasons of failed files."""
    with sessions() as session:
        runs = session.scalars(select(db.IngestionRun).order_by(db.IngestionRun.id.desc()).limit(limit)).all()
        out = []
        for run in runs:
            files = (run.report or {}).get("files", [])
            stages: Counter = Counter()
            for f in files:
                stages.update(f.get("seconds", {}))
            out.append({**_run_summary(run), "seconds_by_stage": {k: round(v, 2) for k, v in stages.items()},
                        "failures": {f["path"]: f["reason"] for f in files if f["status"] == "failed"}})
        return out

