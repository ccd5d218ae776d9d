"""The warm ingest process (flows.service) through the real `orders` command: it stores
what a command of its own stores, in the command's folder and with its settings; its
errors reach the command as one line and an exit code; a command killed mid-run ends
the run and every process of it; other code or another Prefect server start it anew."""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client
from pathlib import Path

import pytest

from flows.server import alive
from flows import service
from flows.service import STATE_FILE, ensure_service, fingerprint, running_service, service_busy, stop_service
from models.errors import ExitCode
from pipeline.lifetime import MARK, processes_with
from tests.conftest import stored_rows

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("service")]
ROOT = Path(__file__).resolve().parents[2]
ORDERS = sorted((ROOT / "data" / "raw" / "text").glob("*.txt"))
SCAN = ROOT / "tests" / "fixtures" / "tasks_only.scan.pdf"
PDF = ROOT / "tests" / "fixtures" / "tasks_only.pdf"


@pytest.fixture(scope="module")
def home(prefect_api) -> Path:
    """The session's local server's PREFECT_HOME; its warm process is stopped at the end."""
    folder = Path(os.environ["PREFECT_HOME"])
    yield folder
    stop_service(folder)


@pytest.fixture
def user(home, tmp_path) -> dict[str, str]:
    """A user's environment: no PREFECT_API_URL, so runs go to the local server and the warm process."""
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    return {**env, "PREFECT_HOME": str(home), "ORDERS_PROCESSED_DIR": str(tmp_path / "processed")}


def orders(env: dict[str, str], *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_the_warm_process_stores_what_a_command_of_its_own_stores(user, home, tmp_path):
    (tmp_path / "in").mkdir()
    for path in ORDERS:
        shutil.copy(path, tmp_path / "in" / path.name)
    own = orders({**user, "ORDERS_WARM_INGEST": "false"}, "ingest", "in", "--db", "sqlite:///own.db", cwd=tmp_path)
    assert own.returncode == 0, own.stdout + own.stderr

    # a relative path and a relative database, from the command's own folder
    warm = orders(user, "ingest", "in", "--db", "sqlite:///warm.db", cwd=tmp_path)
    again = orders(user, "ingest", "in", "--db", "sqlite:///warm.db", cwd=tmp_path)

    assert warm.returncode == 0, warm.stdout + warm.stderr
    assert f"documents: {len(ORDERS)} new" in warm.stdout and own.stdout == warm.stdout
    assert running_service(home) is not None
    assert stored_rows(f"sqlite:///{tmp_path / 'warm.db'}") == stored_rows(f"sqlite:///{tmp_path / 'own.db'}")
    assert f"{len(ORDERS)} unchanged" in again.stdout and "starting" not in again.stderr


def test_a_file_deleted_between_runs_is_a_new_database_not_the_old_one(user, tmp_path):
    shutil.copy(ORDERS[0], tmp_path / ORDERS[0].name)
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    assert orders(user, "ingest", str(tmp_path / ORDERS[0].name), "--db", url).returncode == 0
    (tmp_path / "orders.db").unlink()

    again = orders(user, "ingest", str(tmp_path / ORDERS[0].name), "--db", url)

    assert again.returncode == 0 and "1 new" in again.stdout, again.stdout + again.stderr
    assert len(stored_rows(url)["document"]) == 1


def test_the_warm_process_reads_each_command_s_settings(user, tmp_path):
    shutil.copy(PDF, tmp_path / PDF.name)
    for folder in ("first", "second"):
        done = orders({**user, "ORDERS_PROCESSED_DIR": str(tmp_path / folder)}, "ingest", "--force",
                      str(tmp_path / PDF.name), "--db", f"sqlite:///{tmp_path / 'orders.db'}")
        assert done.returncode == 0, done.stdout + done.stderr

    # each command's page previews where its ORDERS_PROCESSED_DIR says
    assert [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.glob("*/pages/*/*.jpg"))] == [
        f"first/pages/{PDF.name}/1.jpg", f"second/pages/{PDF.name}/1.jpg"]


def test_an_error_in_the_warm_process_is_one_line_and_its_exit_code(user, home, tmp_path):
    # Running already, as after any earlier command; one ending after an earlier test's
    # killed client would otherwise be found running here and gone when the command looks.
    stop_service(home)
    ensure_service(home, os.environ["PREFECT_API_URL"])
    result = orders(user, "ingest", "--source-key", "x", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'o.db'}")

    assert result.returncode == ExitCode.usage
    assert [ln for ln in result.stderr.splitlines() if ln.strip()] == [
        "error: --source-key names one file: give exactly one file path with it"]


def test_a_connection_without_the_key_leaves_the_warm_process_serving(user, home, tmp_path):
    # it used to end the process: a refused key is no OSError, which was all it expected
    service, _ = ensure_service(home, os.environ["PREFECT_API_URL"])
    with pytest.raises(AuthenticationError):
        Client(("127.0.0.1", service.port), authkey=b"not the key")
    shutil.copy(ORDERS[0], tmp_path / ORDERS[0].name)

    done = orders(user, "ingest", str(tmp_path / ORDERS[0].name), "--db", f"sqlite:///{tmp_path / 'o.db'}")

    assert done.returncode == 0 and "1 new" in done.stdout, done.stdout + done.stderr
    assert "starting" not in done.stderr and running_service(home).pid == service.pid


def test_a_command_killed_mid_run_ends_the_run_in_the_warm_process(user, home, tmp_path):
    tag = f"warm-kill-{time.time_ns()}"
    shutil.copy(ORDERS[0], tmp_path / ORDERS[0].name)
    shutil.copy(SCAN, tmp_path / "scan.pdf")
    db = f"sqlite:///{tmp_path / 'orders.db'}"
    assert orders(user, "ingest", str(tmp_path / ORDERS[0].name), "--db", db).returncode == 0  # warm now
    service = running_service(home)
    token = _environment(service.pid)[MARK]
    run = subprocess.Popen([sys.executable, "-m", "pipeline", "ingest", str(tmp_path / "scan.pdf"), "--db", db],
                           cwd=ROOT, env={**user, "ORDERS_OCR_WORKERS": "2", "ORDERS_TEST_TAG": tag})
    try:
        deadline = time.monotonic() + 300
        while not any(_name(pid) == "tesseract" for pid in processes_with("ORDERS_TEST_TAG", tag)):
            assert run.poll() is None and time.monotonic() < deadline, "no OCR under way"
            time.sleep(0.2)
        assert service_busy(home)
    finally:
        os.kill(run.pid, signal.SIGKILL)
        run.wait()

    deadline = time.monotonic() + 15
    while (alive(service.pid) or processes_with(MARK, token)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(service.pid)
    assert processes_with(MARK, token) == [] and processes_with("ORDERS_TEST_TAG", tag) == []  # OCR, Tesseract
    assert "the command ended before its run" in (home / "orders-ingest.log").read_text()


def test_a_warm_process_started_from_other_code_or_for_another_server_is_started_anew(home):
    api_url = os.environ["PREFECT_API_URL"]
    first, _ = ensure_service(home, api_url)
    assert ensure_service(home, api_url) == (first, False)
    # as a checkout whose code has changed since finds it
    (home / STATE_FILE).write_text(json.dumps({**asdict(first), "fingerprint": "the code of before"}))

    renewed, started = ensure_service(home, api_url)
    elsewhere, started_again = ensure_service(home, api_url + "/")

    assert started and renewed.pid != first.pid and not alive(first.pid)
    assert started_again and elsewhere.pid != renewed.pid and not alive(renewed.pid)


def test_the_fingerprint_changes_with_the_code_its_lexicons_and_the_server(tmp_path, monkeypatch):
    for package in service._PACKAGES:
        (tmp_path / package).mkdir()
    code = tmp_path / "normalizers" / "lexicon.py"
    code.write_text("BODIES = ()\n")
    monkeypatch.setattr(service, "_PROJECT", tmp_path)
    before = fingerprint("http://127.0.0.1:4200/api")

    code.write_text("BODIES = ('министерство',)\n")
    edited = fingerprint("http://127.0.0.1:4200/api")
    (tmp_path / "normalizers" / "cities.tsv").write_text("Тверь\n")
    lexicon = fingerprint("http://127.0.0.1:4200/api")

    assert len({before, edited, lexicon, fingerprint("http://127.0.0.1:4201/api")}) == 4
    assert fingerprint("http://127.0.0.1:4201/api") == fingerprint("http://127.0.0.1:4201/api")


def test_a_command_while_the_warm_process_is_busy_runs_in_itself(user, home, tmp_path):
    shutil.copy(ORDERS[0], tmp_path / ORDERS[0].name)
    db = f"sqlite:///{tmp_path / 'orders.db'}"
    assert orders(user, "ingest", str(tmp_path / ORDERS[0].name), "--db", db).returncode == 0  # warm now
    with open(home / service._BUSY_FILE, "a") as busy:  # held as the warm process holds it during a run
        fcntl.flock(busy, fcntl.LOCK_EX)
        meanwhile = orders(user, "ingest", "--force", str(tmp_path / ORDERS[0].name), "--db", db)

    assert meanwhile.returncode == 0 and "1 replaced" in meanwhile.stdout, meanwhile.stdout + meanwhile.stderr
    assert "busy with another run: this one runs in this command" in meanwhile.stderr


def test_a_run_has_its_command_s_whole_environment(user, tmp_path):
    shutil.copy(SCAN, tmp_path / "scan.pdf")
    (tmp_path / "no-tessdata").mkdir()
    without = {**user, "TESSDATA_PREFIX": str(tmp_path / "no-tessdata")}

    warm = orders(without, "ingest", str(tmp_path / "scan.pdf"), "--db", f"sqlite:///{tmp_path / 'warm.db'}")
    own = orders({**without, "ORDERS_WARM_INGEST": "false"}, "ingest", str(tmp_path / "scan.pdf"), "--db",
                 f"sqlite:///{tmp_path / 'own.db'}")

    assert warm.returncode == own.returncode != 0
    assert "rus" in warm.stderr + warm.stdout  # Tesseract's Russian data is missing there


def test_a_warm_process_whose_home_is_deleted_ends(tmp_path):
    home = tmp_path / "prefect"
    started, _ = ensure_service(home, os.environ["PREFECT_API_URL"])

    shutil.rmtree(home)

    deadline = time.monotonic() + 20
    while os.waitpid(started.pid, os.WNOHANG) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(started.pid)


def _environment(pid: int) -> dict[str, str]:
    entries = (Path("/proc") / str(pid) / "environ").read_bytes().decode().split("\0")
    return dict(entry.split("=", 1) for entry in entries if "=" in entry)


def _name(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""
