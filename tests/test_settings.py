"""Every setting the README documents takes effect (models/settings.py): each is read
by the code it names, through the environment as a user sets it."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from extractors.ocr.scan import workers
from models.errors import InputError
from models.settings import ReadContext, Settings, load_settings
from pipeline.stages import extract, read_layout
from tests.test_cli import ROOT, orders

pytestmark = pytest.mark.usefixtures("prefect_api")  # runs report to the session's Prefect server


README = (ROOT / "README.md").read_text(encoding="utf-8")
DIGITAL_PDF = ROOT / "tests" / "fixtures" / "measures_2pages.pdf"
# Settings of the review page, each with the test of tests/review/test_security.py that shows it working.
REVIEW_SETTINGS = {
    "session_minutes": "test_sessions_expire",
    "session_cookie_secure": "test_the_session_cookie_is_secure_when_the_setting_says_so",
    "login_failures_per_account": "test_failed_sign_ins_lock_the_account_even_for_the_right_password",
    "login_failures_per_address": "test_failed_sign_ins_lock_the_address",
    "login_lockout_minutes": "test_failed_sign_ins_lock_the_account_even_for_the_right_password",
}


def test_every_setting_is_documented_and_shown_to_work():
    fields = set(Settings.model_fields)
    assert {f"ORDERS_{name.upper()}" for name in fields} <= set(re.findall(r"ORDERS_[A-Z_]+", README))
    here = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    security = (ROOT / "tests" / "review" / "test_security.py").read_text(encoding="utf-8")
    assert all(f"def {test}(" in security for test in REVIEW_SETTINGS.values())
    assert fields - set(REVIEW_SETTINGS) <= here


def test_database_url(tmp_path):
    missing = tmp_path / "elsewhere.db"
    result = orders("status", env={"ORDERS_DATABASE_URL": f"sqlite:///{missing}"})
    assert result.returncode == 3 and str(missing) in result.stderr


def test_raw_dir(tmp_path):
    """`orders ingest` with no path reads the raw folder."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "empty.txt").write_text("")
    result = orders("ingest", "--db", f"sqlite:///{tmp_path / 'orders.db'}", env={"ORDERS_RAW_DIR": str(tmp_path / "raw")})
    assert result.returncode == 1 and "empty.txt: the file is empty" in result.stdout + result.stderr


def test_processed_dir(tmp_path, monkeypatch):
    """Page previews go under the processed folder's pages/."""
    monkeypatch.setenv("ORDERS_PROCESSED_DIR", str(tmp_path / "processed"))
    extract(DIGITAL_PDF)
    previews = sorted((tmp_path / "processed" / "pages" / DIGITAL_PDF.name).glob("*.jpg"))
    assert [p.name for p in previews] == ["1.jpg", "2.jpg"]


def test_max_file_mb(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    big.write_text("Приказ\n" + "а" * (1024 * 1024), encoding="utf-8")
    monkeypatch.setenv("ORDERS_MAX_FILE_MB", "1")
    with pytest.raises(InputError, match="over the 1 MB limit"):
        read_layout(big)


def test_ocr_workers(monkeypatch):
    monkeypatch.setenv("ORDERS_OCR_WORKERS", "3")
    assert workers(ReadContext.of(load_settings())) == 3


def test_secret_key(tmp_path):
    """A session cookie signed with one key is not accepted by an app with another."""
    from fastapi.testclient import TestClient

    from review.app import create_app
    from tests.review.conftest import fill, review_settings_on, sign_in

    url = f"sqlite:///{tmp_path / 'orders.db'}"
    fill(url)
    first = review_settings_on(url, tmp_path).model_copy(update={"secret_key": "the first key of the two"})
    second = first.model_copy(update={"secret_key": "the second key, another one"})
    with TestClient(create_app(first)) as browser:
        sign_in(browser, "vic")
        cookies = dict(browser.cookies)
    with TestClient(create_app(second), cookies=cookies) as other:
        assert other.get("/queue", follow_redirects=False).status_code in (303, 401)
    with TestClient(create_app(first), cookies=cookies) as same:
        assert same.get("/queue", follow_redirects=False).status_code == 200


def test_warm_ingest(tmp_path, monkeypatch):
    """Without PREFECT_API_URL a run goes to the warm ingest process beside the local server;
    ORDERS_WARM_INGEST=false runs it in the command itself, starting no such process."""
    from flows.service import running_service, stop_service
    from tests.test_cli import SAMPLE

    home = Path(os.environ["PREFECT_HOME"])  # the session's server's: no server to start here
    monkeypatch.delenv("PREFECT_API_URL")
    stop_service(home)
    db = f"sqlite:///{tmp_path / 'orders.db'}"
    try:
        own = orders("ingest", str(SAMPLE), "--db", db, env={"ORDERS_WARM_INGEST": "false"})
        assert own.returncode == 0 and "1 new" in own.stdout, own.stdout + own.stderr
        assert running_service(home) is None

        warm = orders("ingest", "--force", str(SAMPLE), "--db", db)
        assert warm.returncode == 0 and "1 replaced" in warm.stdout, warm.stdout + warm.stderr
        assert running_service(home) is not None
    finally:
        stop_service(home)
