"""One test per exit code of `orders` (models.errors.ExitCode), through the real command."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from models.errors import ExitCode
from tests.test_cli import ROOT, SAMPLE, orders

pytestmark = pytest.mark.usefixtures("prefect_api")  # runs report to the session's Prefect server

SCAN = ROOT / "tests" / "fixtures" / "tasks_only.scan.pdf"


def test_ok():
    assert orders("columns").returncode == ExitCode.ok


def test_input_failed_names_the_file_and_the_reason(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    result = orders("ingest", str(empty), "--db", f"sqlite:///{tmp_path / 'orders.db'}")
    assert result.returncode == ExitCode.input_failed
    assert f"{empty}: " in result.stdout + result.stderr


def test_usage():
    result = orders("export", "--format", "xlsx", "--out", "exports")
    assert result.returncode == ExitCode.usage and "unknown export format «xlsx»" in result.stderr
    assert orders("status", "--db", "not a url").returncode == ExitCode.usage


def test_storage_when_the_database_is_not_there(tmp_path):
    result = orders("status", "--db", f"sqlite:///{tmp_path / 'no' / 'orders.db'}")
    assert result.returncode == ExitCode.storage and "no database at" in result.stderr


@pytest.mark.parametrize(("address", "code", "said"), [
    # a scheduler that is not there: Dask itself tried for 30 s and ended in a traceback
    ("tcp://127.0.0.1:1", ExitCode.setup, "the Dask scheduler at tcp://127.0.0.1:1 does not answer"),
    ("tcp://nosuchhost.invalid:8786", ExitCode.setup, "does not answer"),
    ("bogus", ExitCode.usage, "--dask-address bogus names no host and port"),
])
def test_a_dask_address_that_leads_nowhere_is_one_line_at_once(tmp_path, address, code, said):
    database = tmp_path / "orders.db"
    result = orders("ingest", str(SAMPLE), "--dask-address", address, "--db", f"sqlite:///{database}")
    assert result.returncode == code and said in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert orders("runs", "--db", f"sqlite:///{database}").stdout.count("interrupted") == 0  # no run begun


def test_workers_and_a_dask_address_together_are_refused():
    result = orders("ingest", str(SAMPLE), "--workers", "2", "--dask-address", "tcp://127.0.0.1:1")
    assert result.returncode == ExitCode.usage and "give one of them" in result.stderr


def test_setup_a_missing_tesseract_stops_the_batch_with_its_remedy(tmp_path):
    """Two scans and no Tesseract on PATH: one line with the remedy, exit 4, not one failure per file."""
    tools = tmp_path / "bin"  # PATH without tesseract
    tools.mkdir()
    scans = [shutil.copy(SCAN, tmp_path / name) for name in ("a.scan.pdf", "b.scan.pdf")]
    result = orders("ingest", *map(str, scans), "--db", f"sqlite:///{tmp_path / 'orders.db'}",
                    env={"PATH": str(tools)})
    assert result.returncode == ExitCode.setup, result.stderr
    assert "Tesseract is not installed" in result.stderr and "apt-get install tesseract-ocr" in result.stderr
    assert "failed" not in result.stdout


def _stored_documents(database: str) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            return connection.execute("SELECT count(*) FROM document").fetchone()[0]
    except sqlite3.OperationalError:  # not yet created
        return 0


def test_interrupted_keeps_what_was_stored_and_says_how_to_go_on(tmp_path):
    """Ctrl-C (SIGINT to the command's process group, as a terminal sends it) after the
    first file is stored: one line saying what is kept, exit 130, no traceback; the same
    command run again stores the rest and skips what was stored."""
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "a.txt")  # read first (files go in sorted order) and stored in a second
    shutil.copy(SCAN, folder / "b.scan.pdf")  # read for seconds: the interrupt lands in it
    shutil.copy(SAMPLE, folder / "c.txt")
    database = tmp_path / "orders.db"
    command = [sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", f"sqlite:///{database}"]
    # As a terminal starts it: a test process may ignore SIGINT (a test runner's worker does), and a
    # child inherits that, so the command would never hear the Ctrl-C.
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True, env={**os.environ, "ORDERS_OCR_WORKERS": "1"},
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while _stored_documents(database) < 1 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    os.killpg(run.pid, signal.SIGINT)
    stdout, stderr = run.communicate(timeout=60)
    assert run.returncode == ExitCode.interrupted, stdout + stderr
    assert "interrupted: the files stored before it are kept" in stderr and "Traceback" not in stderr
    stored = _stored_documents(database)
    assert 1 <= stored < 3

    again = orders(*command[3:])
    assert again.returncode == ExitCode.ok, again.stdout + again.stderr
    assert _stored_documents(database) == 3 and f"{3 - stored} new, 0 replaced, {stored} unchanged" in again.stdout
