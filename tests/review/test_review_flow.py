"""A reviewer's corrections store what the reviewer meant: the named value gets the
focus, an unchanged value records nothing, the message says what changed and which
issues closed and opened, a merge keeps printed names, addresses survive
re-extraction, and dismissals are done in bulk, shown and undone. SQLite and PostgreSQL."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from models import db
from store.database import open_database
from store.export import export_json
from tests.review.conftest import ORDER, sign_in, store

AMOUNT_2021 = {"entity": "funding", "key": "3.6 2021 all", "field": "amount"}  # issue 2 names it
DROP, KEEP = "ГБУ КО Центр «Ровесник»", "ГБУ КО Центр «Радуга»"


def corrections(settings) -> list[db.Correction]:
    with open_database(settings.database_url)() as session:
        return session.scalars(select(db.Correction).order_by(db.Correction.id)).all()


def issue_statuses(settings) -> dict[int, str]:
    with open_database(settings.database_url)() as session:
        return dict(session.execute(select(db.Issue.id, db.Issue.status)).all())


def flash(page: str) -> str:
    return re.search(r'id="flash">([^<]*)<', page).group(1)


def test_the_value_the_issue_names_has_the_focus(client):
    sign_in(client, "anna")

    page = client.get("/documents/1?issue=2").text

    assert page.count(" autofocus") == 1
    assert re.search(r'aria-label="amount 3\.6 2021 all" autofocus', page)


def test_an_unchanged_value_records_nothing(client, review_settings):
    token = sign_in(client, "anna")

    page = client.post("/documents/1/corrections", data={**AMOUNT_2021, "value": "1 000 000", "issue": "2",
                                                         "csrf_token": token})

    assert flash(page.text) == "nothing changed: funding 3.6 · 2021 · all sources · amount already holds that value"
    assert corrections(review_settings) == []


def test_the_message_names_the_change_and_the_issues_opened_and_still_failing(client):
    token = sign_in(client, "anna")

    page = client.post("/documents/1/corrections", data={**AMOUNT_2021, "value": "999", "issue": "2",
                                                         "csrf_token": token})

    message = flash(page.text).replace("&#34;", '"')
    assert message == ("saved: funding 3.6 · 2021 · all sources · amount 1000000.00 → 999.00; "
                       "opened: sum_mismatch · funding 3.6 · all · all (all: 2020: 2 055 000 + 2021: 999 = 2 055 999 ≠ "
                       "Всего 3 055 000); still failing: sum_mismatch · funding 3.6 · all · 2021 (2021: sources 0 + "
                       "1 250 000 + 0 = 1 250 000 ≠ row amount 999)")


def executors_printing(settings, name: str, tmp_path) -> dict[str, list[str]]:
    [path] = export_json(open_database(settings.database_url), tmp_path / "export")
    return {m["code"]: m["executors"] for m in json.loads(path.read_text())["measures"] if name in m["executors"]}


def test_a_merge_changes_the_link_not_the_printed_name(client, review_settings, tmp_path):
    before = executors_printing(review_settings, DROP, tmp_path)
    with open_database(review_settings.database_url)() as session:
        drop, keep = (session.scalar(select(db.Organization.id).where(db.Organization.name == n)) for n in (DROP, KEEP))

    client.post("/organizations/merge", data={"drop": drop, "keep": keep, "csrf_token": sign_in(client, "root")})
    merged = executors_printing(review_settings, DROP, tmp_path)
    store(review_settings.database_url, ORDER, force=True)
    again = executors_printing(review_settings, DROP, tmp_path)

    assert before and merged == before and again == before
    with open_database(review_settings.database_url)() as session:
        links = session.scalars(select(db.MeasureExecutor).where(db.MeasureExecutor.name == DROP)).all()
        assert links and {link.organization_id for link in links} == {keep}


def test_addresses_survive_re_extraction_and_a_page_opened_before_still_saves(client, review_settings):
    token = sign_in(client, "anna")
    page_before = client.get("/documents/1?issue=2").text
    statuses = issue_statuses(review_settings)

    store(review_settings.database_url, ORDER, force=True)
    after = issue_statuses(review_settings)
    saved = client.post("/documents/1/corrections", data={**AMOUNT_2021, "value": "1250000", "issue": "2",
                                                          "csrf_token": token})

    assert after == statuses  # the same ids, the same issues
    assert "2021: sources 0 + 1 250 000 + 0" in page_before
    assert flash(saved.text).startswith("saved: funding 3.6 · 2021")
    assert "<small class=\"status\">closed</small>" in saved.text


def test_a_save_for_a_value_that_is_gone_keeps_what_was_typed(client, review_settings):
    token = sign_in(client, "anna")

    page = client.post("/documents/1/corrections", data={"entity": "measure", "key": "99.9", "field": "title",
                                                         "value": "Новое название", "csrf_token": token})

    assert "not saved: " in page.text and "has no measure «99.9»" in page.text
    assert "the value you typed was «Новое название»" in page.text
    assert corrections(review_settings) == []


def test_the_queue_finds_text_in_any_case(client):
    sign_in(client, "vic")

    found = client.get("/queue?q=INDICATOR+13").text
    nothing = client.get("/queue?q=%25").text

    assert found.count('class="queue-row') == 4 and "4 issue(s)" in found
    assert "Nothing to review." in nothing


def test_a_bulk_dismissal_skips_an_issue_dismissed_meanwhile_and_a_repeated_tick(client, review_settings):
    """One issue of the ticked ones dismissed by someone else first (or ticked twice)
    made the whole batch fail with «dismissed already»."""
    token = sign_in(client, "anna")
    client.post("/issues/16/dismiss", data={"reason": "checked", "csrf_token": token})

    bulk = client.post("/issues/dismiss", data={"issue": ["16", "17", "17"], "reason": "parts counted twice",
                                                "csrf_token": token, "back": "/queue"})

    assert flash(bulk.text) == "1 issue(s) dismissed, 1 dismissed already"
    statuses = issue_statuses(review_settings)
    assert statuses[16] == statuses[17] == "dismissed"


def test_issues_are_dismissed_in_bulk_shown_with_who_and_why_and_reopened(client, review_settings):
    token = sign_in(client, "anna")

    bulk = client.post("/issues/dismiss", data={"issue": ["16", "17"], "reason": "parts counted twice",
                                                "csrf_token": token, "back": "/queue"})
    shown = client.get("/documents/1?issue=16").text
    reopened = client.post("/issues/16/reopen", data={"csrf_token": token})
    audit = client.get("/audit").text

    assert flash(bulk.text) == "2 issue(s) dismissed"
    assert "dismissed by anna" in shown and "parts counted twice" in shown
    assert flash(reopened.text) == "issue reopened: sum_mismatch · indicator 13 · value · 2020-Q1"
    statuses = issue_statuses(review_settings)
    assert statuses[16] == "open" and statuses[17] == "dismissed"
    assert "issue sum_mismatch · indicator 13 · value · 2020-Q1 · status" in audit and "reverted by anna" in audit


def test_a_dismissal_needs_open_issues_and_a_reason(client, review_settings):
    token = sign_in(client, "anna")

    none_ticked = client.post("/issues/dismiss", data={"reason": "x", "csrf_token": token})
    no_reason = client.post("/issues/dismiss", data={"issue": "16", "reason": " ", "csrf_token": token,
                                                     "back": "/queue"})

    assert none_ticked.status_code == 400 and "tick 1 to 500 issues" in none_ticked.text
    assert "say why the issue is dismissed" in no_reason.text
    assert issue_statuses(review_settings)[16] == "open"


def test_executor_history_reads_as_names(client):
    token = sign_in(client, "anna")
    client.post("/documents/1/corrections", data={"entity": "measure", "key": "4.2", "field": "executors",
                                                  "executor": ["ГБУ КО Центр «Детство»", ""], "csrf_token": token})

    page = client.get("/documents/1?open=measures").text
    audit = client.get("/audit").text

    assert "→ ГБУ КО Центр «Детство»" in page and "[&#34;" not in page
    assert "measure 4.2 · executors" in audit and "[&#34;" not in audit


def test_saving_in_a_section_returns_to_the_saved_value(client):
    token = sign_in(client, "anna")

    saved = client.post("/documents/1/corrections", data={"entity": "measure", "key": "4.2", "field": "deadline",
                                                          "value": "2022 г.", "section": "measures",
                                                          "anchor": "measure-4.2", "csrf_token": token},
                        follow_redirects=False)
    page = client.get(saved.headers["location"]).text

    assert saved.headers["location"] == "/documents/1?open=measures#measure-4.2"
    assert 'id="measure-4.2"' in page and 'value="2022 г."' in page


def test_a_revert_names_the_issues_it_closes_and_those_still_failing(client, review_settings):
    token = sign_in(client, "anna")
    for key, value in (("3.6 2021 all", "999"), ("3.6 2021 own_funds", "1249000")):
        client.post("/documents/1/corrections", data={"entity": "funding", "key": key, "field": "amount",
                                                      "value": value, "csrf_token": token})
    first = corrections(review_settings)[0]

    reverted = client.post(f"/corrections/{first.id}/revert", data={"csrf_token": token, "back": "/documents/1"})

    assert flash(reverted.text) == (
        "correction 1 reverted; closed: sum_mismatch · funding 3.6 · all · all (all: 2020: 2 055 000 + 2021: 999 = "
        "2 055 999 ≠ Всего 3 055 000); still failing: sum_mismatch · funding 3.6 · all · 2021 (2021: sources 0 + "
        "1 249 000 + 0 = 1 249 000 ≠ row amount 1 000 000)")


def test_the_queue_groups_the_files_of_one_act(client, review_settings, tmp_path):
    """The same order stored from a second file: its issues stand under the same act, together."""
    copy = tmp_path / "copy_of_000.txt"
    copy.write_bytes(ORDER.read_bytes() + b"\n")
    store(review_settings.database_url, copy)
    sign_in(client, "vic")

    page = client.get("/queue?status=").text

    groups = re.findall(r'<tr class="act-group"><th colspan="7" scope="rowgroup">([^<]+)</th>', page)
    files = re.findall(r"<td>(000_de2bdb5f24b93b6d\.txt|copy_of_000\.txt)</td>", page)
    assert len(groups) == 1 and groups[0].startswith("приказ № 1070-17")
    assert set(files) == {"000_de2bdb5f24b93b6d.txt", "copy_of_000.txt"}
