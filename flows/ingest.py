"""Prefect flows: one document, a batch over paths, and the batch on a schedule.

The batch submits one task per file to its task runner: serial by default, a local
Dask cluster with `workers` processes, or an existing Dask cluster at `dask_address`
(prefect-dask). Tasks take and return paths, URLs and plain records — never
sessions or clients — so that they can run on any worker and be retried. Every file
is stored in its own transaction, so a run killed half-way loses nothing stored and
the next run skips what is there. Runs report to the Prefect server at
PREFECT_API_URL, or else to the local one (flows.server); deployed, they run on a
Prefect server's workers (README).
"""
from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.futures import as_completed
from prefect.logging.handlers import APILogHandler
from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, PREFECT_HOME, temporary_settings
from prefect.states import Failed, State
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from sqlalchemy.engine import make_url

from flows.server import ensure_server
from models.errors import SetupError
from models.settings import ReadContext, load_settings
from models.run import FileOutcome
from pipeline.ingest import InputFile, discover, failure_reason, ingest_file, recorded_run

# The pipeline's own log lines («file: stage done in …») go to the flow run's log on
# the Prefect server too, beside Prefect's.
_log = logging.getLogger("orders")

# What run_batch's caller asked to hear of each file as it ends (the CLI's progress bar),
# for the flow run in this process; never set where no caller is (a deployment, a worker).
_on_outcome: ContextVar[Callable[[FileOutcome], None] | None] = ContextVar("on_outcome", default=None)


# On Dask a task's own cost (a Prefect client, a task run and its states, made anew in the
# worker for every task) is about half a small file's work: there a task ingests up to this
# many files, while a batch still has twenty tasks or more for its workers to share. (400
# generated orders on 2 workers: 43 s at 20 files a task, 49 s at 10; three runs of each.)
MAX_FILES_PER_TASK = 20
_TASKS_AT_LEAST = 20


def _files_name() -> str:
    from prefect.runtime import task_run

    return "ingest " + _names([Path(path) for path, _ in task_run.parameters["files"]])


def _names(paths: list[Path]) -> str:
    """«000.txt, 001.docx, 002.pdf … (12 files)»: a run or task named after its files."""
    names = ", ".join(p.name for p in paths[:3]) + (f" … ({len(paths)} files)" if len(paths) > 3 else "")
    return names or "nothing"


@task(name="ingest-files", task_run_name=_files_name)
def ingest_files_task(files: list[tuple[str, str]], database_url: str, force: bool = False,
                      processed_dir: str | None = None) -> list[FileOutcome]:
    """Files given as (path, source key), one after the other, wherever the task runs: their
    stages and times go to the run's log, their page previews to `processed_dir` (absolute,
    so that a worker in any folder writes them where the review page reads them). A file
    that crashes (a database error, a bug) is that file's failure and the others go on; a
    missing tool (SetupError) ends the task, as every file would fail alike."""
    context = ReadContext.of(load_settings(processed_dir=processed_dir))
    with _stage_log():
        return [_guarded(Path(path), lambda: ingest_file(path, database_url, force, key, context))
                for path, key in files]


def _guarded(path: Path, ingest: Callable[[], FileOutcome]) -> FileOutcome:
    try:
        return ingest()
    except SetupError:
        raise
    except Exception as exc:  # reported as this file's failure, never dropped
        return _crashed(path, exc)


def _crashed(path: Path, exc: Exception) -> FileOutcome:
    return FileOutcome(str(path), "failed", reason=f"{path}: {failure_reason(exc)}")


@contextmanager
def _stage_log():
    """The pipeline's INFO lines («file: read done in …») reach the Prefect run log from any
    process, a Dask worker's too, while a task runs there; not to the console, where
    `orders ingest -v` adds its own handler."""
    if not any(isinstance(h, APILogHandler) for h in _log.handlers):
        _log.addHandler(APILogHandler())
    _log.propagate = False
    level = _log.level
    _log.setLevel(logging.INFO)
    try:
        yield
    finally:
        _log.setLevel(level)


@flow(name="ingest-document", flow_run_name="ingest {path}")
def ingest_document(path: str, database_url: str, force: bool = False, source_key: str | None = None) -> FileOutcome:
    """Extract one file and store it in one transaction; unchanged files are skipped."""
    return ingest_file(path, database_url, force, source_key)


def _batch_name() -> str:
    """«ingest 000.txt, 001.docx, 002.pdf … (12 files)»: the run named after the files it ingests."""
    from prefect.runtime import flow_run

    files, _ = discover([Path(p) for p in flow_run.parameters.get("paths", [])])
    return "ingest " + _names([f.path for f in files])


@flow(name="ingest-batch", flow_run_name=_batch_name)
def ingest_batch(paths: list[str], database_url: str, force: bool = False, source_key: str | None = None,
                 processed_dir: str | None = None, max_files_per_task: int = 1) -> list[FileOutcome]:
    """Every supported file under `paths`, in tasks of up to `max_files_per_task` files on the
    flow's task runner; one bad file never stops the batch. The run and each file's outcome
    are recorded as they happen."""
    with recorded_run(database_url, paths) as record:
        files, outcomes = discover([Path(p) for p in paths], source_key)
        _report(record, outcomes)
        futures = {ingest_files_task.submit([(str(f.path), f.source_key) for f in group], database_url, force,
                                            processed_dir): group
                   for group in _groups(files, max_files_per_task)}
        for future in as_completed(list(futures)):
            done = _outcomes(future, futures[future])
            outcomes.extend(done)
            _report(record, done)
    order = {str(f.path): i for i, f in enumerate(files)}
    return sorted(outcomes, key=lambda o: order.get(o.path, -1))


def _groups(files: list[InputFile], most: int) -> list[list[InputFile]]:
    """The files in consecutive groups of up to `most`, and at least _TASKS_AT_LEAST groups
    where there are that many files."""
    size = max(1, min(most, len(files) // _TASKS_AT_LEAST))
    return [files[i:i + size] for i in range(0, len(files), size)]


def task_runner(dask_address: str | None = None, workers: int = 0) -> TaskRunner:
    """Serial (one file at a time), a local Dask cluster of `workers` processes, or
    the Dask cluster at `dask_address`."""
    if dask_address or workers > 1:
        # Each Dask process reads scans in its own process: no OCR pool inside a worker.
        os.environ["ORDERS_OCR_WORKERS"] = "1"
        # Dask's own INFO lines (scheduler and worker starts) are not the user's business;
        # read when distributed is first imported, just below.
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        _fork_workers_loaded()
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True})
    return ThreadPoolTaskRunner(max_workers=1)


def _fork_workers_loaded() -> None:
    """The local cluster's workers are forked from one process that has loaded Prefect,
    the pipeline and the models (flows.dask_worker), instead of each starting a fresh
    Python that loads them again: once instead of once a worker, in memory they share.
    (Dask starts its workers from a forkserver when told to; what it preloads is set here.)"""
    import multiprocessing

    import dask
    from distributed.utils import get_mp_context

    dask.config.set({"distributed.worker.multiprocessing-method": "forkserver"})
    get_mp_context()  # Dask sets its own preload first
    multiprocessing.get_context("forkserver").set_forkserver_preload(["distributed", "flows.dask_worker"])


def run_batch(paths: list[str], database_url: str, force: bool = False, dask_address: str | None = None,
              workers: int = 0, source_key: str | None = None, processed_dir: str | None = None,
              on_outcome: Callable[[FileOutcome], None] | None = None) -> list[FileOutcome]:
    """The batch flow on the chosen task runner; `on_outcome` hears of each file as it ends."""
    runner = task_runner(dask_address, workers)
    per_task = 1 if isinstance(runner, ThreadPoolTaskRunner) else MAX_FILES_PER_TASK  # grouped on Dask
    listening = _on_outcome.set(on_outcome)
    try:
        with _batch_settings():
            return ingest_batch.with_options(task_runner=runner)(paths, database_url, force, source_key, processed_dir,
                                                                 per_task)
    finally:
        _on_outcome.reset(listening)


@contextmanager
def _batch_settings():
    """The batch flow reports to PREFECT_API_URL or else to the local server of PREFECT_HOME,
    started when none runs (the processes of a local Dask cluster too): never to a temporary
    server of each process's own. It sends no heartbeats: Prefect waits up to a second for
    the heartbeat thread at the end of every run, more than a small ingest's own work, and
    a deployment's run (scheduled_ingest) keeps its own."""
    updates = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    local = not PREFECT_API_URL.value()
    if local:
        server, _ = ensure_server(Path(PREFECT_HOME.value()))
        os.environ["PREFECT_API_URL"] = server.api_url  # read by the worker processes when they start
        updates[PREFECT_API_URL] = server.api_url
    try:
        with temporary_settings(updates=updates):
            yield
    finally:
        if local:
            del os.environ["PREFECT_API_URL"]


@flow(name="scheduled-ingest", flow_run_name=_batch_name)
def scheduled_ingest(paths: list[str], database_url: str, dask_address: str | None = None, workers: int = 0,
                     processed_dir: str | None = None) -> dict[str, int] | State:
    """What a deployment runs on its schedule: the batch over `paths`. Its table of files
    becomes an artifact of the run; the run ends Failed, saying how many, when any file
    failed, else Completed with the number of files by outcome."""
    with _stage_log():  # unattended: every file's stages go to the run's log
        outcomes = run_batch(paths, database_url, dask_address=dask_address, workers=workers,
                             processed_dir=processed_dir)
    create_table_artifact(key="ingested-files", description="Every file of the run and what became of it",
                          table=[{"file": o.path, "outcome": o.status, "reason": o.reason} for o in outcomes])
    counts = dict(Counter(outcome.status for outcome in outcomes))
    failed = [o for o in outcomes if o.failed]
    if failed:
        return Failed(message=f"{len(failed)} of {len(outcomes)} files failed: "
                              + "; ".join(o.reason for o in failed[:3]) + (" …" if len(failed) > 3 else ""))
    return counts


def _outcomes(future, files: list[InputFile]) -> list[FileOutcome]:
    """A task's outcomes; a task that crashed as a whole (its worker died, its result was
    lost) fails each of its files with the reason. A missing tool (SetupError) stops the
    batch: every other file would fail the same way."""
    try:
        return future.result()
    except SetupError:
        raise
    except Exception as exc:  # reported as each file's failure, never dropped
        return [_crashed(f.path, exc) for f in files]


def _report(record: Callable[[list[FileOutcome]], None], outcomes: list[FileOutcome]) -> None:
    """Record a task's outcomes together, and tell the listener of each."""
    if outcomes:
        record(outcomes)
    listener = _on_outcome.get()
    if listener is not None:
        for outcome in outcomes:
            listener(outcome)


def deploy(name: str, pool: str, cron: str, paths: list[str], database_url: str, dask_address: str | None = None,
           workers: int = 0, processed_dir: str | None = None) -> str:
    """Register `scheduled-ingest` on the Prefect server (PREFECT_API_URL) as deployment
    `name`, run by the workers of process pool `pool` on the `cron` schedule. The flow is
    loaded by its module path, so that Dask workers import its tasks; paths, a SQLite
    file and `processed_dir` are made absolute here, where they were meant. Returns the
    deployment's id."""
    project = Path(__file__).resolve().parents[1]
    source = scheduled_ingest.from_source(source=str(project), entrypoint="flows.ingest.scheduled_ingest")
    parameters = {"paths": [str(Path(p).resolve()) for p in paths], "database_url": absolute_sqlite_url(database_url),
                  "dask_address": dask_address, "workers": workers,
                  "processed_dir": str(Path(processed_dir).resolve()) if processed_dir else None}
    return str(source.deploy(name=name, work_pool_name=pool, cron=cron, parameters=parameters, build=False,
                             push=False, print_next_steps=False))


def absolute_sqlite_url(url: str) -> str:
    """A SQLite URL with a relative path made absolute from here, where it was meant (a worker
    runs in another folder); any other URL as it is."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") \
            or Path(parsed.database).is_absolute():
        return url
    return parsed.set(database=str(Path(parsed.database).resolve())).render_as_string(hide_password=False)
