"""What one `orders ingest` does, wherever it runs: in the command's own process, or in
the warm ingest process (`flows.service`) that later commands reuse."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from models.run import FileOutcome, IngestRequest
from models.settings import load_settings
from pipeline.ingest import already_stored, close_databases, discover, recorded_run, sessions_for
from pipeline.preflight import check_before_run


def ingest_command(request: IngestRequest, on_files: Callable[[int], None],
                   on_outcome: Callable[[FileOutcome], None],
                   before_flow: Callable[[], None] = lambda: None) -> list[FileOutcome]:
    """Check that the run can succeed (the database takes writes, the disks have room),
    find the files (`on_files` hears how many), and ingest them with the batch flow
    (`before_flow` is called first: it may start the Prefect server); `on_outcome` hears
    of each file as it ends, and of each path that is not ingested. When every file is
    stored already the run is recorded without a flow."""
    try:
        return _ingest(request, on_files, on_outcome, before_flow)
    finally:
        close_databases()  # SQLite writes its log back into the file; a warm process opens it anew


def _ingest(request: IngestRequest, on_files: Callable[[int], None], on_outcome: Callable[[FileOutcome], None],
            before_flow: Callable[[], None]) -> list[FileOutcome]:
    check_before_run(sessions_for(request.database_url), request.database_url, load_settings().processed_dir,
                     request.dask_address)
    files, failures = discover([Path(p) for p in request.paths], request.source_key)
    on_files(len(files))
    stored = None if request.force else already_stored(files, request.database_url)
    if stored is not None:  # nothing to extract: no flow is needed
        with recorded_run(request.database_url, request.paths) as record:
            for outcome in failures + stored:
                on_outcome(outcome)
            record(failures + stored)
        return failures + stored
    before_flow()
    from flows.ingest import run_batch  # Prefect: only where a flow runs

    return run_batch(request.paths, request.database_url, request.force, request.dask_address, request.workers,
                     request.source_key, on_outcome=on_outcome)
