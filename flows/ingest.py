"""Prefect flows: one document, a batch over paths, and the batch on a schedule.

The batch submits one task per file to its task runner: serial by default, a local
Dask cluster with `workers` processes, or an existing Dask cluster at `dask_address`
(prefect-dask). Tasks take and return paths, URLs and plain records — never
sessions or clients — so that they can run on any worker and be retried. Every file
is stored in its own transaction, so a run killed half-way loses nothing stored and
the next run skips what is there. Locally the flows need no server (Prefect's
ephemeral mode); deployed, they run on a Prefect server's workers (README).
"""
from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from prefect import flow, task
from prefect.futures import as_completed
from prefect.logging.handlers import APILogHandler
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from pipeline.ingest import FileOutcome, discover, failure_reason, ingest_file, recorded_run

# The pipeline's own log lines («file: stage done in …») go to the flow run's log on
# the Prefect server too, beside Prefect's.
_log = logging.getLogger("orders")
if not any(isinstance(h, APILogHandler) for h in _log.handlers):
    _log.addHandler(APILogHandler())

# Set by an in-process caller (the CLI) to follow the batch; None elsewhere.
progress_hook: Callable[[FileOutcome], None] | None = None


@task(name="ingest-file", task_run_name="ingest {source_key}")
def ingest_file_task(path: str, database_url: str, force: bool = False, source_key: str | None = None) -> FileOutcome:
    return ingest_file(path, database_url, force, source_key)


@flow(name="ingest-document", flow_run_name="ingest {path}")
def ingest_document(path: str, database_url: str, force: bool = False, source_key: str | None = None) -> FileOutcome:
    """Extract one file and store it in one transaction; unchanged files are skipped."""
    return ingest_file(path, database_url, force, source_key)


def _batch_name() -> str:
    from prefect.runtime import flow_run

    paths = flow_run.parameters.get("paths", [])
    return "ingest " + ", ".join(Path(p).name for p in paths[:3]) + (" …" if len(paths) > 3 else "")


@flow(name="ingest-batch", flow_run_name=_batch_name)
def ingest_batch(paths: list[str], database_url: str, force: bool = False,
                 source_key: str | None = None) -> list[FileOutcome]:
    """Every supported file under `paths`, one task each on the flow's task runner;
    one bad file never stops the batch. The run and each file's outcome are recorded
    as they happen."""
    with recorded_run(database_url, paths) as record:
        files, outcomes = discover([Path(p) for p in paths], source_key)
        for outcome in outcomes:
            _report(record, outcome)
        futures = {ingest_file_task.submit(str(f.path), database_url, force, f.source_key): f.path for f in files}
        for future in as_completed(list(futures)):
            outcome = _outcome(future, futures[future])
            outcomes.append(outcome)
            _report(record, outcome)
    order = {str(f.path): i for i, f in enumerate(files)}
    return sorted(outcomes, key=lambda o: order.get(o.path, -1))


def task_runner(dask_address: str | None = None, workers: int = 0) -> TaskRunner:
    """Serial (one file at a time), a local Dask cluster of `workers` processes, or
    the Dask cluster at `dask_address`."""
    if dask_address or workers > 1:
        from prefect_dask import DaskTaskRunner

        # Each Dask process reads scans in its own process: no OCR pool inside a worker.
        os.environ["ORDERS_OCR_WORKERS"] = "1"
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    return ThreadPoolTaskRunner(max_workers=1)


def run_batch(paths: list[str], database_url: str, force: bool = False, dask_address: str | None = None,
              workers: int = 0, source_key: str | None = None) -> list[FileOutcome]:
    """The batch flow on the chosen task runner."""
    runner = task_runner(dask_address, workers)
    with _shared_api(local_dask=workers > 1 and not dask_address):
        return ingest_batch.with_options(task_runner=runner)(paths, database_url, force, source_key)


@contextmanager
def _shared_api(local_dask: bool):
    """Without a Prefect server, every process of a local Dask cluster would start an
    ephemeral API of its own: start one and point the flow and the workers at it."""
    if not local_dask or PREFECT_API_URL.value():
        yield
        return
    server = SubprocessASGIServer()
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url  # read by the worker processes when they start
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        del os.environ["PREFECT_API_URL"]
        server.stop()


@flow(name="scheduled-ingest", flow_run_name=_batch_name)
def scheduled_ingest(paths: list[str], database_url: str, dask_address: str | None = None,
                     workers: int = 0) -> dict[str, int]:
    """What a deployment runs on its schedule: the batch over `paths`; returns the
    number of files by outcome."""
    _log.setLevel(logging.INFO)  # unattended: every file's stages go to the run's log
    outcomes = run_batch(paths, database_url, dask_address=dask_address, workers=workers)
    return dict(Counter(outcome.status for outcome in outcomes))


def _outcome(future, path: Path) -> FileOutcome:
    """A file task's result; a crash (a database error, a bug) fails that file with
    its reason, and the batch goes on."""
    try:
        return future.result()
    except Exception as exc:  # reported as this file's failure, never dropped
        return FileOutcome(str(path), "failed", reason=f"{path}: {failure_reason(exc)}")


def _report(record: Callable[[FileOutcome], None], outcome: FileOutcome) -> None:
    record(outcome)
    if progress_hook is not None:
        progress_hook(outcome)


def deploy(name: str, pool: str, cron: str, paths: list[str], database_url: str, dask_address: str | None = None,
           workers: int = 0) -> str:
    """Register `scheduled-ingest` on the Prefect server (PREFECT_API_URL) as deployment
    `name`, run by the workers of process pool `pool` on the `cron` schedule, from this
    project's folder. Returns the deployment's id."""
    project = Path(__file__).resolve().parents[1]
    source = scheduled_ingest.from_source(source=str(project), entrypoint="flows/ingest.py:scheduled_ingest")
    parameters = {"paths": [str(Path(p).resolve()) for p in paths], "database_url": database_url,
                  "dask_address": dask_address, "workers": workers}
    return str(source.deploy(name=name, work_pool_name=pool, cron=cron, parameters=parameters, build=False,
                             push=False, print_next_steps=False))
