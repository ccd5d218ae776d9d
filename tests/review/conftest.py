"""A review database built once (an order with sum mismatches, accounts of every
role) and copied for each test, and the app on it."""
from __future__ import annotations

import functools
import hashlib
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from models.settings import Settings
from pipeline.stages import extract
from store.database import open_database
from store.save import save_document
from review.app import create_app
from review.auth import add_account
from tests.conftest import checkpointed, postgres_copy_of

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "data" / "raw" / "text" / "000_de2bdb5f24b93b6d.txt"  # prints 1 028 for 1 028 000 in 4.2, 2020
PASSWORDS = {"anna": "anna-secret-1", "vic": "vic-secret-12", "root": "root-secret-1"}
ROLES = {"anna": "reviewer", "vic": "viewer", "root": "admin"}


@functools.cache
def _extracted_order():
    """ORDER's extraction, once per test session (storing does not change the records)."""
    return extract(ORDER)


def store(url: str, path: Path, force: bool = False, doc=None):
    """Extract `path` (PDF page previews go to ORDERS_PROCESSED_DIR) and store it."""
    return save_document(open_database(url), doc or extract(path),
                         fingerprint=hashlib.sha256(path.read_bytes()).hexdigest(),
                         source_path=str(path), pipeline_version="test", force=force)


def fill(url: str) -> None:
    """The review database: ORDER stored, and an account of every role."""
    store(url, ORDER, doc=_extracted_order())
    for name, password in PASSWORDS.items():
        add_account(open_database(url), name, ROLES[name], password)


@pytest.fixture(scope="session")
def review_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("review") / "orders.db"
    fill(f"sqlite:///{path}")
    return checkpointed(path)


def review_settings_on(url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=url, processed_dir=tmp_path / "processed",
                    secret_key="a test key that signs the session cookies")


@pytest.fixture
def sqlite_review_settings(review_template, tmp_path) -> Settings:
    """The review database on SQLite (a copy of the template)."""
    shutil.copy(review_template, tmp_path / "orders.db")
    return review_settings_on(f"sqlite:///{tmp_path / 'orders.db'}", tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def review_settings(request, tmp_path) -> Settings:
    """The review database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_review_settings")
    url = request.getfixturevalue("postgres_url")
    postgres_copy_of(url, "review", fill)
    return review_settings_on(url, tmp_path)


@pytest.fixture
def client(review_settings) -> TestClient:
    with TestClient(create_app(review_settings)) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, name: str) -> str:
    """Sign in as `name`; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"csrf_token": token, "name": name, "password": PASSWORDS[name],
                                           "next": "/queue"}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/queue").text)


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """`app` served by uvicorn on a free port in a thread, as `orders review serve`
    does; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped before it started serving"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def stamped_scan(tmp_path_factory) -> Path:
    """A scanned page with an office seal stamped over measure 1.3's amount for 2016 (lower
    right): the value the reader cannot read with confidence, for the reviewer to see."""
    from extractors.ocr.scan import render_pdf_page
    from tests.generated.scans import seal

    image = render_pdf_page(Path(__file__).resolve().parents[1] / "fixtures" / "measures_page1.scan.pdf", 1)
    path = tmp_path_factory.mktemp("scans") / "stamped_page1.png"
    seal(image, STAMP_CENTRE, STAMP_RADIUS, seed=1).save(path, dpi=(300, 300))
    return path


STAMP_CENTRE, STAMP_RADIUS = (2903, 2195), 110  # pixels at 300 dpi: the 2016 amount of measure 1.3
