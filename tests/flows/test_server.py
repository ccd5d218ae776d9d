"""The local Prefect server and the warm ingest process beside it, as a user meets them:
the first `orders ingest` with no PREFECT_API_URL starts both and says so, they outlive
the command, later commands reuse them without a word, their runs are on the server,
and `orders server stop|status` manage them."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import Request, urlopen

import pytest

from flows.server import STATE_FILE, alive, ensure_server, running_server, stop_server
from flows.service import running_service
from models.errors import ExitCode

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "data" / "raw" / "text" / "002_7c4a6195f44ee496.txt"


@pytest.fixture
def user(tmp_path) -> dict[str, str]:
    """A user's environment with no Prefect server configured, in a project folder of its own."""
    env = {key: value for key, value in os.environ.items() if key not in ("PREFECT_API_URL", "PREFECT_HOME")}
    return {**env, "ORDERS_PROCESSED_DIR": str(tmp_path / "processed"),
            "ORDERS_DATABASE_URL": f"sqlite:///{tmp_path / 'orders.db'}"}


def orders(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def flow_runs(api_url: str) -> list[dict]:
    request = Request(f"{api_url}/flow_runs/filter", data=b"{}", headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.mark.slow
def test_the_first_run_starts_the_local_server_and_later_runs_reuse_it(user, tmp_path):
    home = tmp_path / "processed" / "prefect"
    home.mkdir(parents=True)
    shutil.copy(ORDER, tmp_path / ORDER.name)
    # what a server gone since (a reboot, a kill) left behind is not trusted
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (home / STATE_FILE).write_text(json.dumps({"api_url": "http://127.0.0.1:9/api", "pid": int(dead.stdout)}))
    try:
        assert orders(user, "server", "status").returncode == ExitCode.setup

        first = orders(user, "ingest", str(tmp_path / ORDER.name))
        assert first.returncode == 0, first.stdout + first.stderr
        assert "starting the local Prefect server" in first.stderr
        assert "starting the warm ingest process" in first.stderr
        server, service = running_server(home), running_service(home)
        assert server is not None and service is not None, "they ended with the command that started them"

        again = orders(user, "ingest", "--force", str(tmp_path / ORDER.name))
        assert again.returncode == 0, again.stdout + again.stderr
        assert "starting" not in again.stderr
        assert running_server(home) == server and running_service(home) == service
        runs = flow_runs(server.api_url)
        assert [r["state"]["type"] for r in runs] == ["COMPLETED", "COMPLETED"]
        assert {r["name"] for r in runs} == {f"ingest {ORDER.name}"}

        status = orders(user, "server", "status")
        assert status.returncode == 0 and server.ui_url in status.stdout
        assert f"warm ingest process: pid {service.pid}" in status.stdout
        assert "already running" in orders(user, "server", "start").stdout
    finally:
        stopped = orders(user, "server", "stop")
    assert f"stopped the server at {server.ui_url}" in stopped.stdout
    assert running_server(home) is None and not (home / STATE_FILE).exists()
    assert running_service(home) is None
    for pid in (server.pid, service.pid):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert orders(user, "server", "status").returncode == ExitCode.setup
    assert "no local Prefect server was running" in orders(user, "server", "stop").stdout



def test_a_process_this_one_started_that_has_ended_is_not_alive():
    """An ended child is a zombie until reaped, and a zombie answers signals: a warm process
    started by a long-lived caller (the tests) seemed to live on after it had ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while alive(child.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child.pid)


@pytest.mark.slow
def test_two_projects_starting_their_servers_at_once_get_a_server_each(tmp_path):
    """Both found Prefect's usual port free and started a server on it; the second server
    could not bind it, yet the other one answered there, so both projects recorded it
    and one project's runs went to the other's server."""
    homes = [tmp_path / "first", tmp_path / "second"]
    with ThreadPoolExecutor(2) as pool:
        servers = list(pool.map(lambda home: ensure_server(home)[0], homes))
    try:
        assert servers[0].api_url != servers[1].api_url
        assert all(alive(server.pid) and running_server(home) == server for home, server in zip(homes, servers))
    finally:
        for home in homes:
            stop_server(home)


@pytest.mark.slow
def test_a_server_too_busy_to_answer_is_stopped_all_the_same(tmp_path):
    """`stop_server` asked the server's health check first and, with no answer in 3 s (a
    loaded machine), left it running: the test session's servers outlived it."""
    server, _ = ensure_server(tmp_path)
    os.kill(server.pid, signal.SIGSTOP)  # alive, and answering nothing
    try:
        assert stop_server(tmp_path) == server
    finally:
        if alive(server.pid):
            os.killpg(server.pid, signal.SIGKILL)
    assert not alive(server.pid) and running_server(tmp_path) is None
