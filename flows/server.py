"""The local Prefect server: started once, on demand, and reused by later commands.

Without PREFECT_API_URL, Prefect would start a temporary server inside every command
and wait for it (15–20 s on two cores, minutes on a busy machine): more than the work
of a small ingest. So a run with no PREFECT_API_URL reports to the local server of its
PREFECT_HOME, and starts it when none answers there. The server is detached from the
command (its own session, no run token: it outlives the run on purpose) and runs
until `orders server stop` or a reboot; its UI shows every run. Where it listens is
kept in `orders-server.json` beside Prefect's own database, and a file lock keeps two
commands starting at once from starting two servers.
"""
from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

from models.errors import OrdersError, PrefectUnavailableError
from pipeline.lifetime import MARK

STATE_FILE = "orders-server.json"
LOG_FILE = "orders-server.log"
START_TIMEOUT_S = 240  # the first start creates Prefect's database: slow on a busy 2-core machine
STOP_TIMEOUT_S = 15
PREFERRED_PORT = 4200
_POLL_S = 0.25
CONNECT_TIMEOUT_S = 3  # for the health check


@dataclass(frozen=True)
class LocalServer:
    """A running local server: its API URL (what PREFECT_API_URL takes) and process id."""

    api_url: str
    pid: int

    @property
    def ui_url(self) -> str:
        """Where a browser shows the runs."""
        return self.api_url.removesuffix("/api")


def running_server(home: Path) -> LocalServer | None:
    """The server started for this PREFECT_HOME, if its process lives and it answers."""
    server = _recorded_server(home)
    return server if server and alive(server.pid) and _answers(server.api_url) else None


def _recorded_server(home: Path) -> LocalServer | None:
    try:
        return LocalServer(**json.loads((home / STATE_FILE).read_text()))
    except (OSError, ValueError, TypeError):  # none recorded, or a record from another version
        return None


def ensure_server(home: Path, on_start: Callable[[], None] = lambda: None) -> tuple[LocalServer, bool]:
    """The running server of this PREFECT_HOME, started when none answers (`on_start` is
    called first: the start takes seconds); and whether this call started it."""
    with locked(home):
        server = running_server(home)
        if server is not None:
            return server, False
        on_start()
        return _start(home), True


def stop_server(home: Path) -> LocalServer | None:
    """Stop the server of this PREFECT_HOME; the one stopped, or None when none ran."""
    with locked(home):
        server = _recorded_server(home)  # a server too busy to answer its health check is stopped too
        (home / STATE_FILE).unlink(missing_ok=True)
        if server is None or not _is_prefect_server(server.pid):
            return None
        end_group(server.pid)
        return server


def _start(home: Path) -> LocalServer:
    port = _free_port()
    try:
        return _start_on(home, port)
    except PrefectUnavailableError:
        if port != PREFERRED_PORT:
            raise
        # Another server took the usual port between the probe and the start (a second
        # PREFECT_HOME starting at the same moment): any free port, then.
        return _start_on(home, _free_port(preferred=False))


def _start_on(home: Path, port: int) -> LocalServer:
    log = home / LOG_FILE
    env = {key: value for key, value in os.environ.items() if key not in (MARK, "PREFECT_API_URL")}
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    api_url = f"http://127.0.0.1:{port}/api"
    pid = start_detached("the local Prefect server",
                         [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                         env, log, lambda pid: _listens(pid, port) and _answers(api_url), START_TIMEOUT_S,
                         PrefectUnavailableError)
    server = LocalServer(api_url, pid)
    (home / STATE_FILE).write_text(json.dumps(asdict(server)))
    return server


def _is_prefect_server(pid: int) -> bool:
    """Whether `pid` is a living Prefect server of this user (not a process that took the
    recorded id after a reboot)."""
    import psutil

    try:
        command = psutil.Process(pid).cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False
    return alive(pid) and "prefect" in command and "server" in command


def _listens(pid: int, port: int) -> bool:
    """Whether the process `pid`, or one it started, listens on `port`: what answers there is
    this server, not another that holds the port."""
    import psutil

    try:
        family = {pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))}
    except psutil.NoSuchProcess:
        return False
    return any(c.status == psutil.CONN_LISTEN and c.laddr.port == port and c.pid in family
               for c in psutil.net_connections("tcp"))


def start_detached(name: str, command: list[str], env: dict[str, str], log: Path, ready: Callable[[int], bool],
                   timeout_s: float, error: type[OrdersError], cwd: Path | None = None) -> int:
    """Start `command` detached (a session of its own: it outlives the command that starts
    it), its output added to `log` (what an earlier one wrote, before it ended, stays there
    to read), and wait until `ready(pid)`; returns the pid. A process that ends first, or is
    not ready within `timeout_s`, is ended and raises `error`."""
    with open(log, "ab") as output:
        output.write(f"--- {name} started at {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
        output.flush()
        start = output.tell()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while not ready(process.pid):
        ended = process.poll() is not None
        if ended or time.monotonic() > deadline:
            end_group(process.pid)
            what = "ended before it was ready" if ended else f"was not ready within {timeout_s:.0f} s"
            raise error(f"{name} {what}: {_last_line(log, start)} (its log: {log})")
        time.sleep(_POLL_S)
    return process.pid


@contextmanager
def locked(home: Path, name: str = "orders-server.lock") -> Iterator[None]:
    """Hold the lock file `name` of this PREFECT_HOME: one command at a time starts or stops."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        lock = open(home / name, "w")
    except OSError as exc:
        raise PrefectUnavailableError(f"cannot write the Prefect home {home} ({exc.strerror}); "
                                      "set PREFECT_HOME to a folder you may write") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def check_prefect_api(api_url: str | None) -> None:
    """A configured Prefect server answers its health check (GET …/health → true)."""
    if not api_url:
        return
    try:
        with urlopen(f"{api_url.rstrip('/')}/health", timeout=CONNECT_TIMEOUT_S) as answer:
            healthy = answer.read(16).strip() == b"true"
    except HTTPError as exc:
        healthy = False
        answered = f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:  # refused, timed out, not a URL
        reason = getattr(exc, "reason", None) or exc
        raise PrefectUnavailableError(f"PREFECT_API_URL {api_url} does not answer ({reason})") from None
    else:
        answered = "no health check"
    if not healthy:
        raise PrefectUnavailableError(f"PREFECT_API_URL {api_url} answers, but not as a Prefect server ({answered})")


def _answers(api_url: str) -> bool:
    try:
        check_prefect_api(api_url)
    except PrefectUnavailableError:
        return False
    return True


def alive(pid: int) -> bool:
    """Whether the process lives and is this user's. One that this process started and that
    has ended is reaped here: until it is, it would seem to live."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass  # not started by this process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's: not ours to use
        return False
    return True


def end_group(pid: int) -> None:
    """SIGTERM to the server's process group, SIGKILL when it has not ended in time."""
    for sig, wait_s in ((signal.SIGTERM, STOP_TIMEOUT_S), (signal.SIGKILL, 5)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if _reaped(pid):
                return
            time.sleep(_POLL_S)


def _reaped(pid: int) -> bool:
    """Whether the process has ended (reaping it when it was this process's child)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # started by another command: only look
        return not alive(pid)
    return done == pid


def _free_port(preferred: bool = True) -> int:
    """Prefect's usual port when it is free (and `preferred`), so that a bookmarked UI
    survives a restart; else any free one."""
    for port in (PREFERRED_PORT, 0) if preferred else (0,):
        with socket.socket() as probe:
            # as the server itself binds: a port whose last connections wait out TIME_WAIT is free
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:  # taken: by another server, another project's
                continue
            return probe.getsockname()[1]
    raise PrefectUnavailableError("no free port on 127.0.0.1 for the local Prefect server")


def _last_line(log: Path, start: int) -> str:
    """The last line a process wrote to its log from byte `start` on, to quote in an error."""
    with open(log, "rb") as written:
        written.seek(start)
        lines = [line for line in written.read().decode(errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "it printed nothing"
