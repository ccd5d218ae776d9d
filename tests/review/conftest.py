"""A review database built once (an order with sum mismatches, accounts of every
role) and copied for each test, and the app on it."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pipeline.settings import Settings
from pipeline.stages import extract
from pipeline.store import open_database, save_document
from review.app import create_app
from review.auth import add_account

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "data" / "raw" / "text" / "000_de2bdb5f24b93b6d.txt"  # prints 1 028 for 1 028 000 in 4.2, 2020
PASSWORDS = {"anna": "anna-secret-1", "vic": "vic-secret-12", "root": "root-secret-1"}
ROLES = {"anna": "reviewer", "vic": "viewer", "root": "admin"}


def store(url: str, path: Path, force: bool = False):
    return save_document(open_database(url), extract(path), fingerprint=hashlib.sha256(path.read_bytes()).hexdigest(),
                         source_path=str(path), pipeline_version="test", force=force)


@pytest.fixture(scope="session")
def review_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("review") / "orders.db"
    url = f"sqlite:///{path}"
    store(url, ORDER)
    for name, password in PASSWORDS.items():
        add_account(open_database(url), name, ROLES[name], password)
    return path


@pytest.fixture
def review_settings(review_template, tmp_path) -> Settings:
    shutil.copy(review_template, tmp_path / "orders.db")
    return Settings(database_url=f"sqlite:///{tmp_path / 'orders.db'}", processed_dir=tmp_path / "processed",
                    secret_key="a test key that signs the session cookies")


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
