"""Requests the review page must answer with a sentence, never a server error: ids
and page numbers out of range, malformed form fields, oversized values, forged
forms; security headers on every response, caching only where it is safe. Each on
SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import db
from store.database import open_database
from review.app import create_app
from tests.review.conftest import csrf_of, sign_in

FIX = {"entity": "funding", "key": "4.2 2020 all", "field": "amount", "value": "1028000"}


def count(settings, model) -> int:
    with open_database(settings.database_url)() as session:
        return session.scalar(select(func.count()).select_from(model))


def assert_headers(response) -> None:
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/documents/99999999999999999999", "/documents/0", "/documents/abc",
                                  "/documents/1/pages/99999999999999999999.jpg", "/documents/1/sections/nothing",
                                  "/nowhere"])
def test_an_address_that_names_nothing_is_a_404_page(client, path):
    sign_in(client, "vic")

    response = client.get(path)

    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("text/html") and "Not found" in response.text
    assert_headers(response)


@pytest.mark.parametrize("path", ["/organizations?page=9223372036854775807", "/audit?page=9223372036854775807",
                                  "/queue?page=99999999999999999999999", "/queue?page=-1", "/audit?page=²"])
def test_a_page_number_out_of_range_shows_a_page(client, path):
    sign_in(client, "vic")

    response = client.get(path)

    assert response.status_code == 200
    assert_headers(response)


def test_an_anonymous_bad_address_asks_to_sign_in(client):
    response = client.get("/documents/abc", follow_redirects=False)

    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_malformed_form_fields_are_refused_with_the_reason(client, review_settings):
    token = sign_in(client, "anna")

    odd_issue = client.post("/documents/1/corrections", data={**FIX, "issue": "²", "csrf_token": token})
    huge_amount = client.post("/documents/1/corrections", data={**FIX, "value": "1" * 23, "csrf_token": token})
    odd_merge = client.post("/organizations/merge", data={"drop": "²", "keep": "1", "csrf_token": sign_in(client, "root"),
                                                          "back": "/organizations"})

    assert odd_issue.status_code == 404 and "there is no issue «²»" in odd_issue.text
    assert huge_amount.status_code == 200 and "too large" in huge_amount.text
    assert odd_merge.status_code == 200 and "there is no organisation № «²»" in odd_merge.text
    assert count(review_settings, db.Correction) == 0


def test_oversized_values_are_refused_and_nothing_is_stored(client, review_settings):
    token = sign_in(client, "anna")
    title = {"entity": "measure", "key": "4.2", "field": "title", "csrf_token": token}

    long_title = client.post("/documents/1/corrections", data={**title, "value": "я" * 5000})
    long_comment = client.post("/documents/1/corrections", data={**title, "value": "Новое", "comment": "x" * 2000})
    huge_body = client.post("/documents/1/corrections", data={**title, "value": "я" * 900_000})

    assert long_title.status_code == 413 and "at most 4000 are kept" in long_title.text
    assert long_comment.status_code == 413 and "«comment»" in long_comment.text
    assert huge_body.status_code == 413 and "at most 256 KiB" in huge_body.text
    assert_headers(huge_body)
    assert count(review_settings, db.Correction) == 0


def test_a_forged_form_is_told_apart_from_a_missing_role(client):
    sign_in(client, "anna")

    forged = client.post("/documents/1/corrections", data={**FIX, "csrf_token": "forged"})
    token = sign_in(client, "vic")
    viewer = client.post("/documents/1/corrections", data={**FIX, "csrf_token": token})

    assert forged.status_code == 403 and "reload the page" in forged.text
    assert viewer.status_code == 403 and "Your role may not do this" in viewer.text


def test_a_server_error_page_has_the_security_headers(review_settings):
    from fastapi.testclient import TestClient

    app = create_app(review_settings)

    @app.get("/fails")
    def fails():
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        sign_in(client, "vic")
        response = client.get("/fails")

    assert response.status_code == 500 and "nothing was saved" in response.text and "a bug" not in response.text
    assert_headers(response)


def test_organisation_search_ignores_case_and_wildcards(client):
    sign_in(client, "vic")

    lower = client.get("/organizations?q=ровесник").text
    upper = client.get("/organizations?q=РОВЕСНИК").text
    wildcard = client.get("/organizations?q=%25").text
    underscore = client.get("/organizations?q=_").text

    assert "ГБУ КО Центр «Ровесник»" in lower and "ГБУ КО Центр «Ровесник»" in upper
    assert "No organisation matches." in wildcard and "No organisation matches." in underscore


def test_static_files_and_page_images_may_be_cached_pages_may_not(client):
    sign_in(client, "vic")

    assert client.get("/static/review.css").headers["cache-control"] == "public, max-age=86400"
    assert client.get("/queue").headers["cache-control"] == "no-store"


def test_the_largest_document_page_is_small(client):
    sign_in(client, "anna")

    plain = client.get("/documents/1")
    at_issue = client.get("/documents/1?issue=3")
    measures = client.get("/documents/1/sections/measures")

    assert len(plain.content) < 150 * 1024 and len(at_issue.content) < 150 * 1024
    assert plain.text.count('name="csrf_token"') < 10
    assert measures.status_code == 200 and 'aria-label="title of measure 4.2"' in measures.text


def test_sign_in_page_csrf_is_checked(client):
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"csrf_token": token + "x", "name": "anna", "password": "anna-secret-1"})
    assert response.status_code == 403 and "reload the page" in response.text
