"""The warm ingest process: `orders ingest` without paying for its own start.

A command pays about two seconds before its first file: Python imports Prefect, spaCy
and the pipeline, natasha loads its models, Prefect builds its client. For a one-page
order that is most of the wait. So an ingest that reports to the local Prefect server
hands its request to a process that has paid this once. Started by the first such
command (which says so), it listens on 127.0.0.1 for connections that prove they know
its key (kept in `orders-ingest.json`, readable by this user alone), runs each request
through the same code as a command of its own (`flows.command`), in the command's
folder and environment, and sends every file's outcome back as it ends. One request
runs at a time: a command that finds it busy runs in itself.

The process is started anew when the project's code, the installed packages or the
Prefect server change (a fingerprint of them is compared on every command); it ends
with `orders server stop`. A command that is killed or interrupted ends it at once,
OCR workers and all, as a run in the command's own process would end: the next
command starts it again.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path

from flows.server import alive, end_group, locked, start_detached
from models.errors import IngestServiceError, OrdersError
from models.run import FileOutcome, IngestRequest
from pipeline.lifetime import MARK

STATE_FILE = "orders-ingest.json"
LOG_FILE = "orders-ingest.log"
_LOCK_FILE = "orders-ingest.lock"
_BUSY_FILE = "orders-ingest.busy"  # locked while a run is under way
_RECORD_CHECK_S = 2
START_TIMEOUT_S = 120  # imports and models: seconds on a quiet machine, more on a busy one
_PROJECT = Path(__file__).resolve().parents[1]
_PACKAGES = ("extractors", "flows", "models", "normalizers", "pipeline", "store")  # what a run executes


@dataclass(frozen=True)
class IngestService:
    """A running warm ingest process: where it listens, its key, and what it was started from."""

    port: int
    pid: int
    key: str
    fingerprint: str


def ingest_in_service(home: Path, api_url: str, request: IngestRequest, on_files: Callable[[int], None],
                      on_outcome: Callable[[FileOutcome], None], on_start: Callable[[], None]) -> list[FileOutcome]:
    """Run `request` in the warm process of this PREFECT_HOME, started when none runs or it
    was started from other code (`on_start` is called first); `on_files` and `on_outcome`
    hear what `flows.command.ingest_command` tells them, as it happens."""
    with _connected(home, api_url, on_start) as connection:
        connection.send((request, _command_environment(os.environ), os.getcwd()))
        while True:
            try:
                kind, value = connection.recv()
            except (EOFError, OSError):
                raise IngestServiceError(f"the warm ingest process ended during the run (its log: {home / LOG_FILE})")
            if kind == "files":
                on_files(value)
            elif kind == "outcome":
                on_outcome(value)
            elif kind == "error":
                raise value
            else:  # "done": every outcome, in the order of the files
                return value


def stop_service(home: Path) -> IngestService | None:
    """End the warm process of this PREFECT_HOME; the one ended, or None when none ran."""
    with locked(home, _LOCK_FILE):
        service = running_service(home)
        (home / STATE_FILE).unlink(missing_ok=True)
        if service is not None:
            end_group(service.pid)
        return service


def fingerprint(api_url: str) -> str:
    """What a warm process runs: the project's packages (code and lexicons), the interpreter
    and its installed packages, and the Prefect server it reports to. A change to any of
    them makes the next command start the process anew."""
    digest = hashlib.sha256(f"{sys.executable}\n{api_url}\n".encode())
    for package in _PACKAGES:
        for path in sorted((_PROJECT / package).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(_PROJECT)} {stat.st_mtime_ns} {stat.st_size}\n".encode())
    for folder in sorted({p for p in sys.path if p.endswith("-packages") and os.path.isdir(p)}):
        digest.update(f"{folder} {os.stat(folder).st_mtime_ns}\n".encode())  # a package installed or removed
    return digest.hexdigest()


def ensure_service(home: Path, api_url: str, on_start: Callable[[], None] = lambda: None
                   ) -> tuple[IngestService, bool]:
    """The warm process of this PREFECT_HOME, started when none runs or the one running was
    started from other code or for another Prefect server (`on_start` is called first:
    the start takes seconds); and whether this call started it."""
    wanted = fingerprint(api_url)
    with locked(home, _LOCK_FILE):
        service = running_service(home)
        if service is not None and service.fingerprint == wanted:
            return service, False
        if service is not None:
            end_group(service.pid)
        on_start()
        return _start(home, api_url, wanted), True


@contextmanager
def _connected(home: Path, api_url: str, on_start: Callable[[], None]) -> Iterator[Connection]:
    service, started = ensure_service(home, api_url, on_start)
    connection = _connect(service)
    if connection is None and not started:  # it ended since it was recorded: once more, anew
        stop_service(home)
        connection = _connect(ensure_service(home, api_url, on_start)[0])
    if connection is None:
        raise IngestServiceError(f"the warm ingest process does not answer (its log: {home / LOG_FILE})")
    with connection:
        yield connection


def _connect(service: IngestService) -> Connection | None:
    try:
        return Client(("127.0.0.1", service.port), authkey=bytes.fromhex(service.key))
    except (OSError, EOFError):  # it ended meanwhile, or another process has its port now
        return None


def running_service(home: Path) -> IngestService | None:
    """The warm process of this PREFECT_HOME, if its process lives."""
    try:
        service = IngestService(**json.loads((home / STATE_FILE).read_text()))
    except (OSError, ValueError, TypeError):  # none recorded, or a record from another version
        return None
    return service if alive(service.pid) else None


def _start(home: Path, api_url: str, wanted: str) -> IngestService:
    """Start the warm process and wait until it has loaded everything and listens."""
    (home / STATE_FILE).unlink(missing_ok=True)
    log = home / LOG_FILE
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_API_URL": api_url,
           MARK: secrets.token_hex(12)}  # a token of its own: it outlives this command, its workers die with it
    start_detached("the warm ingest process", [sys.executable, "-m", "flows.service", str(home), wanted], env, log,
                   lambda pid: (service := running_service(home)) is not None and service.pid == pid, START_TIMEOUT_S,
                   IngestServiceError, cwd=_PROJECT)  # never a command's folder, which may be deleted
    return running_service(home)


# The warm process's own: its run token, and the Prefect server and home it was started for.
_OWN = (MARK, "PREFECT_HOME", "PREFECT_API_URL")


def _command_environment(environ: dict[str, str] | os._Environ) -> dict[str, str]:
    """What of an environment a run takes from its command: all of it (ORDERS_* settings,
    PATH, TESSDATA_PREFIX …) but the warm process's own."""
    return {key: value for key, value in environ.items() if key not in _OWN}


def service_busy(home: Path) -> bool:
    """Whether the warm process of this PREFECT_HOME is running a command's run now."""
    try:
        busy = open(home / _BUSY_FILE, "a")
    except OSError:  # no such home yet: nothing runs there
        return False
    with busy:
        try:
            fcntl.flock(busy, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False


def serve(home: Path, wanted: str) -> None:
    """The warm process: load everything a run needs, listen, and answer one request at a
    time, forever."""
    from pipeline.lifetime import processes_die_with_run

    with processes_die_with_run(os.environ[MARK]):  # its OCR workers and Tesseract end with it
        from flows.command import ingest_command
        from pipeline.stages import load_models

        load_models()
        key = secrets.token_bytes(32)
        with Listener(("127.0.0.1", 0), authkey=key) as listener, open(home / _BUSY_FILE, "a") as busy:
            _record(home, IngestService(listener.address[1], os.getpid(), key.hex(), wanted))
            threading.Thread(target=_end_when_unrecorded, args=(home,), daemon=True).start()
            while True:
                try:
                    connection = listener.accept()
                except (OSError, EOFError, AuthenticationError) as exc:  # one without the key, or broken off
                    print(f"a connection refused: {exc!r}", file=sys.stderr, flush=True)
                    continue
                with connection:
                    fcntl.flock(busy, fcntl.LOCK_EX)
                    try:
                        _answer(connection, ingest_command)
                    except OSError:  # the command went away as the run ended: nothing to tell it
                        continue
                    finally:
                        fcntl.flock(busy, fcntl.LOCK_UN)


def _end_when_unrecorded(home: Path) -> None:
    """End the process once its record is gone (its PREFECT_HOME deleted, say): no command
    could find it to use it or stop it."""
    while (service := running_service(home)) is not None and service.pid == os.getpid():
        time.sleep(_RECORD_CHECK_S)
    print(f"no record of this process in {home} any more: ending", file=sys.stderr, flush=True)
    os._exit(0)


def _record(home: Path, service: IngestService) -> None:
    """Write where the process listens and its key, readable by this user alone."""
    partial = home / f"{STATE_FILE}.{service.pid}"
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as state:
        json.dump(asdict(service), state)
    partial.replace(home / STATE_FILE)


def _answer(connection: Connection, ingest_command: Callable[..., list[FileOutcome]]) -> None:
    """Run one request and send its outcomes back, then its result or its error."""
    try:
        request, environ, folder = connection.recv()
    except (EOFError, OSError):
        return
    finished = threading.Event()
    threading.Thread(target=_end_if_abandoned, args=(connection, finished), daemon=True).start()
    try:
        with _as_command(environ, folder):
            reply = ("done", ingest_command(request, lambda n: connection.send(("files", n)),
                                            lambda outcome: connection.send(("outcome", outcome))))
    except OrdersError as exc:
        reply = ("error", exc)
    except Exception as exc:  # a bug: the command shows its kind and message, the log its traceback
        traceback.print_exc()
        reply = ("error", IngestServiceError(f"the run failed: {type(exc).__name__}: {exc}"))
    finished.set()
    connection.send(reply)


def _end_if_abandoned(connection: Connection, finished: threading.Event) -> None:
    """End the process when the command closes its end before the run is over: it was
    interrupted or killed, and its run ends with it."""
    while not finished.is_set():
        if connection.poll(0.5) and not finished.is_set():
            print("the command ended before its run: ending the run", file=sys.stderr, flush=True)
            os._exit(1)


@contextmanager
def _as_command(environ: dict[str, str], folder: str) -> Iterator[None]:
    """In the command's folder and environment, for one request."""
    own, here = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update({**environ, **{key: own[key] for key in _OWN if key in own}})
    os.chdir(folder)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(own)
        os.chdir(here)


if __name__ == "__main__":
    serve(Path(sys.argv[1]), sys.argv[2])
