"""What the review page refuses: anonymous and viewer writes, forged forms, expired,
signed-out and revoked sessions, disabled accounts, repeated wrong passwords, open
redirects; and extracted text is always shown as text. Also: the cookie's flags, and
pages served while sign-ins hash."""
from __future__ import annotations

import datetime as dt
import hashlib
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import itsdangerous.timed
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from models import db
from pipeline import cli
from models.settings import Settings
from store.database import open_database, write_transaction
from review.app import create_app
from tests.review.conftest import PASSWORDS, csrf_of, served, sign_in

FIX = {"entity": "funding", "key": "4.2 2020 all", "field": "amount", "value": "1028000"}
COOKIE = "orders_review"


def corrections(settings) -> list[db.Correction]:
    with open_database(settings.database_url)() as session:
        return session.scalars(select(db.Correction)).all()


def test_anonymous_reads_go_to_sign_in_and_writes_are_refused(client, review_settings):
    page = client.get("/queue?kind=sum_mismatch", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    write = client.post("/documents/1/corrections", data={**FIX, "csrf_token": token}, follow_redirects=False)
    dismiss = client.post("/issues/1/dismiss", data={"reason": "x", "csrf_token": token}, follow_redirects=False)

    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fqueue%3Fkind%3Dsum_mismatch"
    assert write.status_code == 401 and dismiss.status_code == 401
    assert client.get("/documents/1/pages/1.jpg", follow_redirects=False).status_code == 303
    assert corrections(review_settings) == []


def test_a_viewer_reads_but_cannot_write(client, review_settings):
    token = sign_in(client, "vic")

    page = client.get("/documents/1?issue=3")
    write = client.post("/documents/1/corrections", data={**FIX, "csrf_token": token}, follow_redirects=False)

    assert page.status_code == 200 and "1 028" in page.text
    assert "<form method=\"post\" action=\"/documents/1/corrections\"" not in page.text
    assert write.status_code == 403
    assert corrections(review_settings) == []


def test_a_form_without_the_sessions_csrf_token_is_refused(client, review_settings):
    token = sign_in(client, "anna")

    missing = client.post("/documents/1/corrections", data=FIX, follow_redirects=False)
    forged = client.post("/documents/1/corrections", data={**FIX, "csrf_token": token[::-1]}, follow_redirects=False)
    genuine = client.post("/documents/1/corrections", data={**FIX, "csrf_token": token}, follow_redirects=False)

    assert missing.status_code == 403 and forged.status_code == 403
    assert genuine.status_code == 303
    assert [c.new_value for c in corrections(review_settings)] == ["1028000.00"]


def test_extracted_text_is_escaped(client):
    token = sign_in(client, "anna")
    hostile = '<script>alert("x")</script> & «Центр» <b>'
    client.post("/documents/1/corrections", data={"entity": "measure", "key": "4.2", "field": "title",
                                                 "value": hostile, "csrf_token": token})

    page = client.get("/documents/1?open=measures").text

    assert "<script>alert" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; «Центр» &lt;b&gt;" in page
    assert "script-src 'self'" in client.get("/queue").headers["content-security-policy"]


def test_sessions_expire(client, review_settings, monkeypatch):
    sign_in(client, "anna")
    assert client.get("/queue", follow_redirects=False).status_code == 200

    later = time.time() + review_settings.session_minutes * 60 + 5
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)

    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_wrong_password_and_foreign_next_are_refused(client):
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"csrf_token": token, "name": "anna", "password": "guess"})
    right = client.post("/login", data={"csrf_token": token, "name": "anna", "password": "anna-secret-1",
                                        "next": "//evil.example/"}, follow_redirects=False)

    assert wrong.status_code == 401 and "wrong name or password" in wrong.text
    assert right.headers["location"] == "/queue"


# --------------------------------------------------------------------------- sessions that can be ended

def _replay(client: TestClient, cookie: str) -> TestClient:
    """Another browser presenting a copy of a session cookie."""
    return TestClient(client.app, cookies={COOKIE: cookie})


def _users(settings, *args: str, typed: str | None = None):
    """`orders users …` on the test database."""
    result = CliRunner().invoke(cli.app, ["users", *args, "--db", settings.database_url], input=typed)
    assert result.exit_code == 0, result.output
    return result


def _refused(client: TestClient, cookie: str, token: str) -> bool:
    """Are both a page and a form (with the session's own CSRF token) refused to this cookie?"""
    read = _replay(client, cookie).get("/queue", follow_redirects=False)
    write = _replay(client, cookie).post("/documents/1/corrections", data={**FIX, "csrf_token": token},
                                         follow_redirects=False)
    return read.status_code == 303 and read.headers["location"].startswith("/login") and write.status_code == 401


def test_a_cookie_copied_before_sign_out_is_refused_after_it(client, review_settings):
    token = sign_in(client, "anna")
    copied = client.cookies[COOKIE]
    assert _replay(client, copied).get("/queue", follow_redirects=False).status_code == 200  # a live copy works

    signed_out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)

    assert signed_out.status_code == 303
    assert _refused(client, copied, token)
    assert corrections(review_settings) == []


def test_a_password_change_ends_every_session_of_the_account(client, review_settings):
    token = sign_in(client, "anna")
    copied = client.cookies[COOKIE]
    with TestClient(client.app) as vic_browser:
        sign_in(vic_browser, "vic")

        _users(review_settings, "passwd", "anna", typed="a new secret 1\na new secret 1\n")

        assert _refused(client, copied, token)
        assert vic_browser.get("/queue", follow_redirects=False).status_code == 200  # other accounts stay
    wrong_now = _post_login(client, "anna", PASSWORDS["anna"])
    assert wrong_now.status_code == 401 and "wrong name or password" in wrong_now.text
    assert _post_login(client, "anna", "a new secret 1").status_code == 303


def test_a_disabled_account_loses_its_sessions_and_cannot_sign_in(client, review_settings):
    token = sign_in(client, "anna")
    copied = client.cookies[COOKIE]

    _users(review_settings, "disable", "anna")

    assert _refused(client, copied, token)
    refused = _post_login(client, "anna", PASSWORDS["anna"])
    assert refused.status_code == 403 and "this account is disabled" in refused.text
    _users(review_settings, "enable", "anna")
    assert _post_login(client, "anna", PASSWORDS["anna"]).status_code == 303


def test_a_session_past_its_expiry_in_the_database_is_refused(client, review_settings):
    sign_in(client, "anna")
    with write_transaction(open_database(review_settings.database_url)) as session:
        session.execute(update(db.AccountSession).values(expires_at=dt.datetime.now(dt.timezone.utc)))

    assert client.get("/queue", follow_redirects=False).status_code == 303


# --------------------------------------------------------------------------- throttled sign-ins

def _post_login(client: TestClient, name: str, password: str):
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"csrf_token": token, "name": name, "password": password, "next": "/queue"},
                       follow_redirects=False)


@pytest.fixture
def scrypt_calls(monkeypatch) -> list[int]:
    """Counts the scrypt computations (each still runs for real)."""
    calls: list[int] = []
    real = hashlib.scrypt

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    return calls


def test_failed_sign_ins_lock_the_account_even_for_the_right_password(client, review_settings, scrypt_calls):
    failures = [_post_login(client, "anna", "a guess").status_code for _ in range(5)]
    hashed = len(scrypt_calls)

    locked = _post_login(client, "anna", PASSWORDS["anna"])
    locked_elsewhere = _post_login(TestClient(client.app, client=("192.0.2.7", 50000)), "anna", PASSWORDS["anna"])
    hashed_while_locked = len(scrypt_calls) - hashed

    assert review_settings.login_failures_per_account == 5 and review_settings.login_lockout_minutes == 15
    assert failures == [401] * 5
    assert locked.status_code == 429 == locked_elsewhere.status_code
    assert "too many failed sign-ins for this account; try again in 15 minutes" in locked.text
    assert hashed_while_locked == 0  # refused before any password work
    assert _post_login(client, "vic", PASSWORDS["vic"]).status_code == 303  # other accounts sign in


def test_failed_sign_ins_lock_the_address(review_settings, scrypt_calls):
    settings = review_settings.model_copy(update={"login_failures_per_address": 3})
    with TestClient(create_app(settings)) as client:
        failures = [_post_login(client, name, "a guess").status_code for name in ("anna", "vic", "nobody")]
        hashed = len(scrypt_calls)

        locked = _post_login(client, "root", PASSWORDS["root"])
        hashed_while_locked = len(scrypt_calls) - hashed
        other_address = _post_login(TestClient(client.app, client=("192.0.2.7", 50000)), "root", PASSWORDS["root"])

    assert failures == [401] * 3
    assert locked.status_code == 429
    assert "too many failed sign-ins for this address; try again in 15 minutes" in locked.text
    assert hashed_while_locked == 0
    assert other_address.status_code == 303


# --------------------------------------------------------------------------- the cookie and the event loop

def test_the_session_cookie_is_secure_when_the_setting_says_so(review_settings, monkeypatch):
    monkeypatch.setenv("ORDERS_SESSION_COOKIE_SECURE", "true")
    assert Settings().session_cookie_secure is True

    cookies = {}
    for secure in (False, True):
        with TestClient(create_app(review_settings.model_copy(update={"session_cookie_secure": secure}))) as browser:
            cookies[secure] = browser.get("/login").headers["set-cookie"].lower()

    assert "secure" in cookies[True] and "secure" not in cookies[False]
    assert all("httponly" in c and "samesite=strict" in c for c in cookies.values())


def test_the_server_keeps_serving_while_sign_ins_hash(review_settings):
    settings = review_settings.model_copy(update={"login_failures_per_account": 100_000,
                                                  "login_failures_per_address": 100_000})
    with served(create_app(settings)) as url, httpx.Client(base_url=url) as probe:
        one_sign_in = _seconds(lambda: _post_login(probe, "anna", "a guess"))
        with _hammering(url, threads=4) as attempts:
            time.sleep(0.3)  # every attacker has a sign-in under way
            before = len(attempts)
            answers = []
            for path in ["/static/review.css", "/login"] * 10:  # spread over a second: many sign-ins meanwhile
                answers.append(_seconds(lambda: _get(probe, path)))
                time.sleep(0.05)
            during = len(attempts) - before

    median = statistics.median(answers)
    assert during >= 3, "the sign-ins went on while the pages were fetched"
    assert set(attempts) == {401}
    assert median < 0.2 and median < one_sign_in / 2, (median, one_sign_in)


@contextmanager
def _hammering(url: str, threads: int) -> Iterator[list[int]]:
    """`threads` clients posting wrong passwords in a loop; yields their answers' statuses so far."""
    statuses: list[int] = []
    stop = threading.Event()

    def attack() -> None:
        with httpx.Client(base_url=url) as attacker:
            while not stop.is_set():
                statuses.append(_post_login(attacker, "anna", "a guess").status_code)

    workers = [threading.Thread(target=attack, daemon=True) for _ in range(threads)]
    for worker in workers:
        worker.start()
    try:
        yield statuses
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=10)


def _get(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 200


def _seconds(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start
