"""The review page in a real browser (Playwright driving Debian's Chromium): a
reviewer fixes the amount behind a sum mismatch from the queue, the issue closes,
the export shows the new amount, and it survives a re-ingest of the document."""
from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from pipeline.store import export_json, open_database
from review.app import create_app
from tests.review.conftest import ORDER, PASSWORDS, store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed "
                                "(scripts/setup.sh installs it)")


@pytest.fixture
def server(review_settings):
    """The app served by uvicorn on a free port, in a thread."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app_server = uvicorn.Server(uvicorn.Config(create_app(review_settings), host="127.0.0.1", port=port,
                                               log_level="warning"))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    while not app_server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def page():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser.new_page()
        browser.close()


def sign_in(page, server: str, name: str) -> None:
    page.goto(f"{server}/queue")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/queue")


def exported_amount(settings, tmp_path: Path) -> float:
    [path] = export_json(open_database(settings.database_url), tmp_path / "export")
    funding = json.loads(path.read_text())["funding"]
    return next(f["amount_rub"] for f in funding if (f["measure_code"], f["year"], f["source"]) == ("4.2", 2020, "all"))


def test_reviewer_fixes_the_amount_behind_a_sum_mismatch(page, server, review_settings, tmp_path):
    sign_in(page, server, "anna")
    assert exported_amount(review_settings, tmp_path) == 1028

    # 1: open the issue from the queue; 2: type the amount into the field that has the focus; 3: press Enter
    page.get_by_role("row").filter(has_text="≠ row amount 1 028").get_by_role("link").click()
    amount = page.locator("#focus1 input[name=value]")
    assert amount.evaluate("field => field === document.activeElement")
    amount.fill("1 028 000")
    amount.press("Enter")

    page.wait_for_selector("#flash")
    assert page.inner_text("#flash") == "saved; the issue is closed"
    assert page.inner_text("#focus .status") == "closed"
    assert page.input_value("#focus1 input[name=value]") == "1028000"
    assert exported_amount(review_settings, tmp_path) == 1028000

    store(review_settings.database_url, ORDER, force=True)  # the document is extracted and stored again

    assert exported_amount(review_settings, tmp_path) == 1028000
    page.goto(f"{server}/queue?document={ORDER.name}&kind=sum_mismatch")
    assert "≠ row amount 1 028" not in page.inner_text("#queue")
    page.goto(f"{server}/audit")
    assert "1028.00" in page.inner_text("table.audit") and "anna" in page.inner_text("table.audit")


def test_queue_works_from_the_keyboard_and_shows_hostile_text_as_text(page, server):
    sign_in(page, server, "anna")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_selector("#focus")
    assert "funding 3.6" in page.inner_text("#focus h2")  # the second sum mismatch of the queue

    page.click("summary:has-text('Measures')")
    title = page.locator("input[aria-label='title of measure 4.2']")
    title.fill('<script>alert("x")</script> & «Центр»')
    title.press("Enter")
    page.wait_for_selector("#flash")
    page.click("summary:has-text('Measures')")
    assert page.locator("input[aria-label='title of measure 4.2']").input_value() == '<script>alert("x")</script> & «Центр»'
    assert dialogs == []


def test_viewer_sees_no_edit_forms(page, server):
    sign_in(page, server, "vic")
    page.get_by_role("row").filter(has_text="≠ row amount 1 028").get_by_role("link").click()
    page.wait_for_selector("#focus")
    assert page.locator("form.edit").count() == 0
    assert page.locator("#focus span.value").first.inner_text() == "1028"
