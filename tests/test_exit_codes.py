"""One test per exit code of `orders` (models.errors.ExitCode), through the real command."""
from __future__ import annotations

import shutil

import pytest

from models.errors import ExitCode
from tests.test_cli import ROOT, orders

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
