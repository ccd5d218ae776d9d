"""Review pages without a browser: the registry page, merges (admins only), splits,
dismissals that need a reason, revert from the history, the audit, and funding
amounts of a task, a part of a year or reported execution."""
from __future__ import annotations

import re
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select

from models import db
from models.records import FundingRow
from pipeline.stages import validate_document
from store.database import open_database
from review.app import create_app
from review.views import value_label
from tests.conftest import build_document
from tests.review.conftest import ORDER, sign_in, store


def organisations(settings, *names) -> list[db.Organization]:
    with open_database(settings.database_url)() as session:
        return [session.scalar(select(db.Organization).where(db.Organization.name == n)) for n in names]


DROP, KEEP = "ГБУ КО Центр «Ровесник»", "ГБУ КО Центр «Радуга»"


def test_only_an_admin_merges_organisations(client, review_settings):
    drop, keep = organisations(review_settings, DROP, KEEP)
    form = {"drop": drop.id, "keep": keep.id, "back": "/organizations"}

    refused = client.post("/organizations/merge", data={**form, "csrf_token": sign_in(client, "anna")},
                          follow_redirects=False)
    merged = client.post("/organizations/merge", data={**form, "csrf_token": sign_in(client, "root")})

    assert refused.status_code == 403
    assert "merged into «ГБУ КО Центр «Радуга»»" in merged.text
    assert organisations(review_settings, DROP) == [None]
    assert DROP in client.get("/organizations?q=Радуга").text  # now an alias of the kept one
    assert "organisation RU-KLU|" not in client.get("/audit").text and "merged into" in client.get("/audit").text


def test_a_split_links_the_document_to_another_organisation(client, review_settings):
    token = sign_in(client, "anna")
    [centre] = organisations(review_settings, DROP)

    page = client.post(f"/documents/1/organizations/{centre.id}/split",
                       data={"name": "ГБУ КО Центр «Новый»", "csrf_token": token})

    assert "now another organisation" in page.text
    assert organisations(review_settings, "ГБУ КО Центр «Новый»")[0].kind == "institution"


def test_dismissing_needs_a_reason_and_a_revert_restores_the_value(client):
    token = sign_in(client, "anna")

    no_reason = client.post("/issues/3/dismiss", data={"reason": " ", "csrf_token": token, "back": "/queue"})
    fixed = client.post("/documents/1/corrections", data={"entity": "funding", "key": "4.2 2020 all", "field": "amount",
                                                         "value": "1028000", "issue": "3", "csrf_token": token})
    with_history = client.get("/documents/1?issue=3").text
    correction_id = with_history.split('action="/corrections/')[1].split("/")[0]
    reverted = client.post(f"/corrections/{correction_id}/revert",
                           data={"csrf_token": token, "back": "/documents/1?issue=3"})

    assert "say why the issue is dismissed" in no_reason.text
    assert "saved: funding 4.2 · 2020 · all sources · amount 1028.00 → 1028000.00; closed: sum_mismatch · funding 4.2" in fixed.text
    assert "1 correction(s)" in with_history
    assert f"correction {correction_id} reverted; opened: sum_mismatch · funding 4.2 · all · 2020 (2020: sources" in reverted.text
    assert 'value="1028"' in reverted.text and "<small class=\"status\">open</small>" in reverted.text


def test_a_bad_amount_is_refused_with_the_reason(client):
    token = sign_in(client, "anna")

    page = client.post("/documents/1/corrections", data={"entity": "funding", "key": "4.2 2020 all",
                                                        "field": "amount", "value": "1О28ООО", "csrf_token": token})

    assert "is not an amount in roubles" in page.text
    assert "No corrections yet." in client.get("/audit").text


def test_a_scanned_page_is_shown_with_the_doubtful_value_outlined(client, review_settings, monkeypatch, stamped_scan):
    monkeypatch.setenv("ORDERS_PROCESSED_DIR", str(review_settings.processed_dir))  # where previews are kept
    scan = store(review_settings.database_url, stamped_scan)
    with open_database(review_settings.database_url)() as session:
        issue = session.scalar(select(db.Issue).where(db.Issue.document_id == scan.document_id,
                                                      db.Issue.kind == "ocr_suspect", db.Issue.entity == "measure",
                                                      db.Issue.code == "1.3"))
    sign_in(client, "vic")

    page = client.get(f"/documents/{scan.document_id}?issue={issue.id}").text
    image = client.get(f"/documents/{scan.document_id}/pages/1.jpg")
    box = re.search(r'class="box" data-left="([\d.]+)" data-top="([\d.]+)"', page)

    assert f'<img src="/documents/{scan.document_id}/pages/1.jpg"' in page
    assert box and 60 < float(box.group(1)) < 80 and 80 < float(box.group(2)) < 95  # lower right: measure 1.3
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["cache-control"] == "private, max-age=3600"  # the reviewer's browser only
    assert client.get(f"/documents/{scan.document_id}/pages/9.jpg").status_code == 404
    assert client.get("/documents/999").status_code == 404


def test_funding_keys_read_as_people_read_them():
    assert [value_label("funding", key, "amount") for key in (
        "4.2 2023 regional_budget", "total all all", "task:2 2019-Q1 all fact", "3.6 2021-H1 fund_grant")] == [
        "funding 4.2 · 2023 · regional_budget · amount",
        "funding document total · whole period · all sources · amount",
        "funding task 2 · 2019-Q1 · all sources · fact · amount",
        "funding 3.6 · 2021-H1 · fund_grant · amount",
    ]


def test_a_task_subtotal_issue_shows_and_corrects_the_subtotal(sqlite_review_settings):
    doc = build_document("tasks.docx")
    doc.issues = []
    doc.funding += [FundingRow("1.2", 2023, "fund_grant", "грант Фонда", Decimal("0.40"), basis="fact"),
                    FundingRow(None, 2023, "fund_grant", "Итого по задаче 1", Decimal("0.70"), task_code="1")]
    document_id = store(sqlite_review_settings.database_url, ORDER, doc=validate_document(doc)).document_id
    with open_database(sqlite_review_settings.database_url)() as session:
        issue = session.scalar(select(db.Issue).where(db.Issue.document_id == document_id,
                                                      db.Issue.entity == "task", db.Issue.code == "1"))

    with TestClient(create_app(sqlite_review_settings)) as client:
        token = sign_in(client, "anna")
        page = client.get(f"/documents/{document_id}?issue={issue.id}").text
        funding = client.get(f"/documents/{document_id}/sections/funding").text
        fixed = client.post(f"/documents/{document_id}/corrections", data={
            "entity": "funding", "key": "task:1 2023 fund_grant", "field": "amount", "value": "0,50",
            "issue": str(issue.id), "csrf_token": token})

    assert "sum over the measures of task 1 0,50 ≠ printed subtotal 0,70" in page
    assert "итого по задаче 1" in page  # the subtotal the issue names, with its field to correct
    assert "2023 (факт)" in funding and "итого по задаче 1" in funding
    assert ("saved: funding task 1 · 2023 · fund_grant · amount 0.70 → 0.50; closed: sum_mismatch · task 1"
            in fixed.text)


def test_the_browse_page_shows_printed_totals_to_a_signed_in_viewer_only(client):
    """On SQLite and PostgreSQL: ORDER's grant for 2021 is shown as printed (4 019 450,
    not the 4 019 250 its measures add up to) and links to the document."""
    assert client.get("/browse", follow_redirects=False).status_code in (303, 401)
    sign_in(client, "vic")
    page = client.get("/browse", params={"year": "2021", "source": "fund_grant"})
    assert page.status_code == 200
    assert re.search(r'<a href="/documents/\d+\?open=funding">4\u00a0019\u00a0450</a>', page.text)
    assert "disagrees with the measures" in page.text
    assert 'id="chart-regions"' in page.text and "style-src 'self' 'unsafe-inline'" in \
        page.headers["content-security-policy"]
    assert client.get("/browse", params={"year": "next"}).status_code == 400
    assert client.get("/browse/plotly.js").text.startswith("/**")
