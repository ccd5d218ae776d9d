"""Which files to ingest, the chain that ingests one, and the outcome of each: the
plain logic the flows run (on one machine, a Prefect worker or a Dask cluster)."""
from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from models.run import FileOutcome, stage_line
from models.records import ExtractedDocument
from models.settings import ReadContext
from pipeline import stages
from models.errors import InputError, OrdersError, UnreadableFileError, UsageError
from pipeline.stages import READERS
from store.database import open_database, refusal
from store.runs import add_to_run, finish_run, start_run
from store.save import SaveResult, save_document, stored_document_id

log = logging.getLogger("orders.ingest")


@dataclass(frozen=True)
class InputFile:
    """A file to ingest and its place, the key its document is stored under: the path
    below the folder named on the command line («A/order.txt»), or the file's name
    when the file itself was named."""

    path: Path
    source_key: str


def discover(paths: list[Path], source_key: str | None = None) -> tuple[list[InputFile], list[FileOutcome]]:
    """Files to ingest from files and folders (folders recursively, links to folders
    followed once), and an outcome for every path that will not be ingested: a
    missing path or an unreadable folder fails, a file of another type is skipped,
    each with its reason. Hidden files and folders are passed over. A path given
    twice is ingested once. `source_key` names the place of a single file given alone.
    """
    if source_key is not None and (len(paths) != 1 or paths[0].is_dir()):
        raise UsageError("--source-key names one file: give exactly one file path with it")
    if source_key is not None and not _is_place(source_key):
        raise UsageError(f"--source-key «{source_key}» is no place of a file: give its path below its folder, "
                         "like «A/order.txt» (not empty, not absolute, without «..»)")
    found: list[InputFile] = []
    reported: list[FileOutcome] = []
    seen: set[Path] = set()
    places: dict[str, Path] = {}
    for path in paths:
        if path.is_dir():
            candidates = _walk(path, reported)
        elif path.exists():
            candidates = [InputFile(path, source_key or path.name)]
        else:
            reported.append(failed(path, UnreadableFileError("no such file or folder", path=path)))
            continue
        for candidate in candidates:
            resolved = candidate.path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            if candidate.source_key in places:  # the second would replace the first's document
                reported.append(failed(candidate.path, UsageError(
                    f"{places[candidate.source_key]} of this run has the same place «{candidate.source_key}»; "
                    "give the folder above both, or ingest one at a time with --source-key",
                    path=candidate.path)))
                continue
            places[candidate.source_key] = candidate.path
            found.append(candidate)
    return found, reported


def _is_place(key: str) -> bool:
    """A file's place below a folder: «order.txt», «A/order.txt»."""
    parts = PurePosixPath(key).parts
    return bool(key.strip()) and not key.startswith("/") and ".." not in parts


def _walk(root: Path, reported: list[FileOutcome]) -> list[InputFile]:
    """The readable files below `root`, keyed by their path below it; what is not
    taken goes to `reported`."""
    found: list[InputFile] = []
    walked: set[Path] = set()

    def unreadable(error: OSError) -> None:
        reported.append(failed(Path(error.filename), UnreadableFileError(
            f"cannot read the folder ({error.strerror}); nothing below it is ingested", path=error.filename)))

    for folder, folders, files in os.walk(root, onerror=unreadable, followlinks=True):
        here = Path(folder)
        if here.resolve() in walked:  # a link back to a folder walked already: a loop, or the same files twice
            reported.append(skipped(here, f"a link to {here.resolve()}, which is read once already"))
            folders[:] = []
            continue
        walked.add(here.resolve())
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(name for name in files if not name.startswith(".")):
            found.extend(_taken(here / name, root, reported))
    return found


def _taken(path: Path, root: Path, reported: list[FileOutcome]) -> list[InputFile]:
    suffix = path.suffix.lower()
    if not path.is_file():  # a link that loops or leads nowhere
        reported.append(skipped(path, "a link that leads to no file (it loops or its target is gone)"))
    elif suffix in READERS:
        return [InputFile(path, path.relative_to(root).as_posix())]
    else:
        reported.append(skipped(path, f"not an order's file type ({suffix or 'no extension'})"))
    return []


def failure_reason(exc: Exception) -> str:
    """An unexpected failure in one line: a database's own message without
    SQLAlchemy's statement and links («database or disk is full»)."""
    if isinstance(exc, DBAPIError):
        return f"the database refused: {refusal(exc).splitlines()[0]}"
    return f"{type(exc).__name__}: {exc}"


def failed(path: Path, error: OrdersError) -> FileOutcome:
    return FileOutcome(str(path), "failed", reason=str(error))


def skipped(path: Path, why: str) -> FileOutcome:
    return FileOutcome(str(path), "skipped", reason=f"{path}: {why}")


class StageTimer:
    """Seconds spent per stage, for the run report, each stage logged with its file:
    `with timer("parse"): …`."""

    def __init__(self, path: str = "") -> None:
        self.path = path
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        start = time.perf_counter()
        log.debug("%s: %s …", self.path, stage)
        try:
            yield
        except Exception as exc:
            # INFO: the run's report and the CLI say it once already; the log adds the stage
            log.info("%s: %s failed: %s", self.path, stage, exc)
            raise
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.perf_counter() - start, 4)
        log.info("%s", stage_line(self.path, stage, self.seconds[stage]))


_OPENED: dict[str, sessionmaker[Session]] = {}


def sessions_for(database_url: str) -> sessionmaker[Session]:
    """One engine per database URL and process: opening migrates and connects once."""
    if database_url not in _OPENED:
        _OPENED[database_url] = open_database(database_url)
    return _OPENED[database_url]


def close_databases() -> None:
    """Close every engine `sessions_for` opened: a process that outlives its run (the warm
    ingest process) opens the database anew for the next, which may find another file
    at the same path."""
    while _OPENED:
        _, sessions = _OPENED.popitem()
        sessions.kw["bind"].dispose()


def ingest_file(path: str, database_url: str, force: bool = False, source_key: str | None = None,
                context: ReadContext | None = None) -> FileOutcome:
    """One file end to end, stored under `source_key` (default: the file's name), read in
    `context` (default: the settings'):
    skipped when these bytes are stored under it already (unless `force`), else read
    → logical tables → parse → validate → store in one transaction. A file that is
    not a usable order is a failed outcome naming the reason; any other error
    propagates."""
    timer = StageTimer(path)
    key = source_key or Path(path).name
    try:
        digest, existing = _stored(Path(path), key, database_url, timer)
        if existing is not None and not force:
            return FileOutcome(path, "unchanged", document_id=existing, seconds=timer.seconds)
        doc = stages.extract(Path(path), context, timed=timer)
        with timer("store"):
            saved = save_with_retries(database_url, doc, digest, path, key, force)
    except InputError as exc:
        exc.path = exc.path or Path(path)
        return FileOutcome(path, "failed", reason=str(exc), seconds=timer.seconds)
    return FileOutcome(path, saved.outcome, document_id=saved.document_id,
                       counts={"tables": len(doc.tables), **saved.counts}, seconds=timer.seconds)


def save_with_retries(database_url: str, doc: ExtractedDocument, digest: str, path: str, source_key: str,
                      force: bool, attempts: int = 3, pause: float = 2.0) -> SaveResult:
    """Save with retries: a lost connection is tried again after a pause, and a
    concurrent run that stored the same file first makes ours "unchanged" (the
    unique keys refuse the second copy; the retry then finds the first)."""
    def save() -> SaveResult:
        return save_document(sessions_for(database_url), doc, fingerprint=digest, source_path=path,
                             pipeline_version=stages.PIPELINE_VERSION, source_key=source_key, force=force)

    for attempt in range(1, attempts):
        try:
            return save()
        except (OperationalError, IntegrityError) as exc:
            log.warning("%s: store attempt %d failed (%s); trying again", path, attempt, type(exc).__name__)
            time.sleep(pause if isinstance(exc, OperationalError) else 0)
    return save()  # the last attempt's error propagates


def already_stored(files: list[InputFile], database_url: str) -> list[FileOutcome] | None:
    """"unchanged" outcomes for every file when all of them are stored already (a
    run then has nothing to extract and needs no flow); None otherwise."""
    outcomes = []
    for file in files:
        timer = StageTimer(str(file.path))
        _, existing = _stored(file.path, file.source_key, database_url, timer)
        if existing is None:
            return None
        outcomes.append(FileOutcome(str(file.path), "unchanged", document_id=existing, seconds=timer.seconds))
    return outcomes


def _stored(path: Path, source_key: str, database_url: str, timer: StageTimer) -> tuple[str, int | None]:
    """The file's fingerprint and the id of the document stored with it under its key, if any."""
    with timer("fingerprint"):
        digest = stages.fingerprint(path)
    return digest, stored_document_id(sessions_for(database_url), source_key, digest)


@contextmanager
def recorded_run(database_url: str, paths: list[str]) -> Iterator[Callable[[list[FileOutcome]], None]]:
    """Record a run as it goes: yields a function that adds files' outcomes (each call
    one transaction). The run is marked finished when the block ends; one that is killed
    or fails stays unfinished, which `orders runs` shows as interrupted."""
    sessions = sessions_for(database_url)
    run_id = start_run(sessions, dt.datetime.now(dt.timezone.utc), paths)
    yield lambda outcomes: add_to_run(sessions, run_id, [asdict(o) for o in outcomes])
    finish_run(sessions, run_id, dt.datetime.now(dt.timezone.utc))
