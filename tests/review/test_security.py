"""What the review page refuses: anonymous and viewer writes, forged forms, expired
sessions, open redirects; and extracted text is always shown as text."""
from __future__ import annotations

import time

import itsdangerous.timed
from sqlalchemy import select

from models import db
from pipeline.store import open_database
from tests.review.conftest import csrf_of, sign_in

FIX = {"entity": "funding", "key": "4.2 2020 all", "field": "amount", "value": "1028000"}


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

    page = client.get("/documents/1").text

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
