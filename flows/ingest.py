"""Prefect flows: one flow per document (a task per stage) and a batch flow over paths.

Tasks take and return paths, ids and plain records — never sessions or clients —
so that runs can be retried, cached and moved to other workers. Both flows run
locally with no server started by hand (Prefect's ephemeral mode).
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from dataclasses import asdict
from pathlib import Path
from typing import Callable

from prefect import flow, task
from sqlalchemy.exc import OperationalError

from models.layout import Layout, LogicalDocument, LogicalTable
from models.records import ExtractedDocument
from pipeline import stages
from pipeline.errors import InputError
from pipeline.ingest import FileOutcome, StageTimer, discover, failed
from pipeline.parse.document import parse_document
from pipeline.store import document_id_by_fingerprint, record_run, save_document
from pipeline.store import open_database as _open_database
from pipeline.tables import layout_to_logical

@lru_cache(maxsize=8)
def open_database(url: str):
    """One engine per database URL and process: opening migrates and connects once."""
    return _open_database(url)


# Set by an in-process caller (the CLI) to follow the batch; None elsewhere.
progress_hook: Callable[[FileOutcome], None] | None = None


@task(name="fingerprint")
def fingerprint_task(path: str) -> str:
    return stages.fingerprint(Path(path))


@task(name="read layout")
def read_layout_task(path: str) -> Layout:
    return stages.check_language(stages.read_layout(Path(path)))


@task(name="logical tables")
def logical_tables_task(layout: Layout) -> LogicalDocument:
    return layout_to_logical(layout)


@task(name="parse")
def parse_task(logical: LogicalDocument) -> ExtractedDocument:
    return parse_document(logical)


@task(name="validate")
def validate_task(doc: ExtractedDocument) -> ExtractedDocument:
    return stages.validate_document(doc)


# Only a lost or busy database is worth another try; a bad input never is.
@task(name="store", retries=3, retry_delay_seconds=2,
      retry_condition_fn=lambda task, run, state: isinstance(state.result(raise_on_failure=False), OperationalError))
def store_task(doc: ExtractedDocument, fingerprint: str, path: str, database_url: str, force: bool = False):
    return save_document(open_database(database_url), doc, fingerprint=fingerprint, source_path=path,
                         pipeline_version=stages.PIPELINE_VERSION, force=force)


@flow(name="ingest-document", flow_run_name="ingest {path}")
def ingest_document(path: str, database_url: str, force: bool = False) -> FileOutcome:
    """Extract one file and store it in one transaction; unchanged files are skipped
    unless `force` (after a pipeline upgrade, say)."""
    timer = StageTimer()
    try:
        with timer("fingerprint"):
            digest = fingerprint_task(path)
        existing = document_id_by_fingerprint(open_database(database_url), digest)
        if existing is not None and not force:
            return FileOutcome(path, "unchanged", document_id=existing, seconds=timer.seconds)
        with timer("read"):
            layout = read_layout_task(path)
        with timer("tables"):
            logical = logical_tables_task(layout)
        with timer("parse"):
            doc = parse_task(logical)
        with timer("validate"):
            doc = validate_task(doc)
        with timer("store"):
            saved = store_task(doc, digest, path, database_url, force)
    except InputError as exc:
        exc.path = exc.path or Path(path)
        return FileOutcome(path, "failed", reason=str(exc), seconds=timer.seconds)
    tables = sum(1 for block in logical.blocks if isinstance(block, LogicalTable))
    return FileOutcome(path, saved.outcome, document_id=saved.document_id,
                       counts={"tables": tables, **saved.counts}, seconds=timer.seconds)


@flow(name="ingest-batch", flow_run_name="ingest {paths}")
def ingest_batch(paths: list[str], database_url: str, force: bool = False) -> list[FileOutcome]:
    """Every supported file under `paths`; one bad file never stops the batch."""
    started = dt.datetime.now(dt.timezone.utc)
    files, outcomes = discover([Path(p) for p in paths])
    for outcome in outcomes:
        _report(outcome)
    for file in files:
        outcome = _outcome(ingest_document(str(file), database_url, force, return_state=True), file)
        outcomes.append(outcome)
        _report(outcome)
    record_run(
        open_database(database_url),
        started_at=started,
        finished_at=dt.datetime.now(dt.timezone.utc),
        files_new=sum(o.status in ("new", "replaced") for o in outcomes),
        files_unchanged=sum(o.status == "unchanged" for o in outcomes),
        files_failed=sum(o.failed for o in outcomes),
        report={"files": [asdict(o) for o in outcomes]},
    )
    return outcomes


def _outcome(state, path: Path) -> FileOutcome:
    """A document flow's result; a crash (a database error, a bug) fails that file
    with its reason, and the batch goes on."""
    if state.is_completed():
        return state.result()
    try:
        state.result()
    except Exception as exc:  # reported as this file's failure, never dropped
        return FileOutcome(str(path), "failed", reason=f"{path}: {type(exc).__name__}: {exc}")
    return FileOutcome(str(path), "failed", reason=f"{path}: flow ended in state {state.name}")


def _report(outcome: FileOutcome) -> None:
    if progress_hook is not None:
        progress_hook(outcome)
