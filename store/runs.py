"""What the database holds, and the record of ingestion runs."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from models import db
from store.database import write_transaction


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
            "last_run": _run_summary(last_run, count(db.IngestionFile, db.IngestionFile.run_id == last_run.id,
                                                     db.IngestionFile.status == "replaced")) if last_run else None,
        }


def _run_summary(run: db.IngestionRun, replaced: int) -> dict:
    """A run's times and file counts; `files_new` counts the files stored anew, not the
    `replaced` ones that replaced a stored version, as `orders ingest` reports them."""
    return {
        "id": run.id,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "files_new": run.files_new - replaced,
        "files_replaced": replaced,
        "files_unchanged": run.files_unchanged,
        "files_failed": run.files_failed,
    }


def files_line(run: dict) -> str:
    """«2 new, 1 replaced, 3 unchanged, 0 failed» («replaced» only when there are some)."""
    replaced = f"{run['files_replaced']} replaced, " if run["files_replaced"] else ""
    return f"{run['files_new']} new, {replaced}{run['files_unchanged']} unchanged, {run['files_failed']} failed"


def start_run(sessions: sessionmaker[Session], started_at: dt.datetime, paths: list[str]) -> int:
    """Record that a run has started (finished_at stays NULL until it ends: a run
    that never ends was interrupted). Returns its id."""
    with write_transaction(sessions) as session:
        run = db.IngestionRun(started_at=started_at, report={"paths": paths})
        session.add(run)
        session.flush()
        return run.id


_RUN_COUNTERS = {"new": "files_new", "replaced": "files_new", "unchanged": "files_unchanged",
                 "failed": "files_failed"}


def add_to_run(sessions: sessionmaker[Session], run_id: int, outcomes: list[dict]) -> None:
    """Add files' outcomes (path, status, reason, document_id, counts, seconds per stage)
    in one transaction: a task's files are recorded together."""
    with write_transaction(sessions) as session:
        session.add_all([db.IngestionFile(run_id=run_id, **outcome) for outcome in outcomes])
        counts = Counter(_RUN_COUNTERS[o["status"]] for o in outcomes if o["status"] in _RUN_COUNTERS)
        if counts:  # skipped paths are in the files only
            columns = {getattr(db.IngestionRun, name): getattr(db.IngestionRun, name) + n for name, n in counts.items()}
            session.execute(update(db.IngestionRun).where(db.IngestionRun.id == run_id).values(columns))


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
            files = session.scalars(select(db.IngestionFile).where(db.IngestionFile.run_id == run.id)
                                    .order_by(db.IngestionFile.id)).all()
            stages: Counter = Counter()
            for f in files:
                stages.update(f.seconds or {})
            replaced = sum(f.status == "replaced" for f in files)
            out.append({**_run_summary(run, replaced), "seconds_by_stage": {k: round(v, 2) for k, v in stages.items()},
                        "failures": {f.path: f.reason for f in files if f.status == "failed"}})
        return out
