"""The review page in a real browser (Playwright driving Debian's Chromium): a
reviewer corrects amounts by typing over them, dismisses issues in bulk and undoes a
dismissal, zooms a page image, reads the printed row of a Word file, fixes an
executor; the corrections survive re-extraction."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from store.database import open_database

from store.export import export_json
from review.app import create_app
from tests.review.conftest import ORDER, PASSWORDS, ROOT, served, store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed "
                                "(scripts/setup.sh installs it)")


@pytest.fixture
def review_settings(sqlite_review_settings, monkeypatch):
    """The browser tests run on SQLite (the pages are the same on PostgreSQL, which the
    request-level tests cover); page previews of PDFs stored here go beside it."""
    monkeypatch.setenv("ORDERS_PROCESSED_DIR", str(sqlite_review_settings.processed_dir))
    return sqlite_review_settings


@pytest.fixture
def server(review_settings):
    with served(create_app(review_settings)) as url:
        yield url


@pytest.fixture
def page():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser.new_page(viewport={"width": 1400, "height": 900})
        browser.close()


def sign_in(page, server: str, name: str) -> None:
    page.goto(f"{server}/queue")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/queue")


def exported_amount(settings, tmp_path: Path, code: str, year: int) -> float:
    paths = export_json(open_database(settings.database_url), tmp_path / "export")
    [path] = [p for p in paths if p.name.startswith(ORDER.stem)]
    funding = json.loads(path.read_text())["funding"]
    return next(f["amount_rub"] for f in funding if (f["measure_code"], f["year"], f["source"]) == (code, year, "all"))


def test_a_2021_amount_is_corrected_by_typing_over_it(page, server, review_settings, tmp_path):
    sign_in(page, server, "anna")
    assert exported_amount(review_settings, tmp_path, "3.6", 2021) == 1000000

    # open the issue from the queue, type the amount over the one shown, press Enter
    page.get_by_role("row").filter(has_text="2021: sources 0 + 1 250 000 + 0").get_by_role("link").click()
    issue_url = page.url
    amount = page.locator("input[aria-label='amount 3.6 2021 all']")
    assert amount.evaluate("field => field === document.activeElement")
    page.keyboard.type("1250000")
    page.keyboard.press("Enter")

    page.wait_for_selector("#flash")
    flash = page.inner_text("#flash")
    assert flash.startswith("saved: funding 3.6 · 2021 · all sources · amount 1000000.00 → 1250000.00; "
                            "closed: sum_mismatch · funding 3.6 · all · 2021 (2021: sources")
    assert page.inner_text("#focus .status") == "closed"
    assert exported_amount(review_settings, tmp_path, "3.6", 2021) == 1250000
    assert exported_amount(review_settings, tmp_path, "3.6", 2020) == 2055000  # the other year is untouched

    store(review_settings.database_url, ORDER, force=True)  # the document is extracted and stored again

    assert exported_amount(review_settings, tmp_path, "3.6", 2021) == 1250000
    page.goto(issue_url)  # the same address still shows the same issue and the corrected value
    assert page.input_value("input[aria-label='amount 3.6 2021 all']") == "1250000"
    assert "2021: sources 0 + 1 250 000 + 0" in page.inner_text("#focus .detail")
    page.goto(f"{server}/audit")
    assert "funding 3.6 · 2021 · all sources · amount" in page.inner_text("table.audit")


def test_issues_are_dismissed_in_bulk_and_a_dismissal_is_undone(page, server):
    sign_in(page, server, "anna")
    page.goto(f"{server}/queue?q=indicator+13")
    rows = page.locator(".queue-row")
    assert rows.count() == 4
    page.keyboard.press("x")  # ticks the selected (first) row
    page.keyboard.press("j")
    page.keyboard.press("x")
    page.fill("#bulk input[name=reason]", "the parts are counted in other indicators")
    page.click("#bulk button[type=submit]")

    page.wait_for_selector("#flash")
    assert page.inner_text("#flash") == "2 issue(s) dismissed"
    assert page.locator(".queue-row").count() == 2  # the open ones left

    page.goto(f"{server}/queue?q=indicator+13&status=dismissed")
    page.locator(".queue-row a").first.click()
    assert "dismissed by anna" in page.inner_text("#focus .dismissal")
    assert "the parts are counted in other indicators" in page.inner_text("#focus .dismissal")
    page.click("text=Undo dismissal")
    page.wait_for_selector("#flash")
    assert page.inner_text("#flash").startswith("issue reopened")
    assert page.inner_text("#focus .status") == "open"


def test_the_page_image_zooms_to_the_outlined_value(page, server, review_settings, stamped_scan):
    scan = store(review_settings.database_url, stamped_scan)
    sign_in(page, server, "vic")
    page.goto(f"{server}/queue?document={stamped_scan.name}&kind=ocr_suspect")
    page.locator(".queue-row a").first.click()
    image = page.locator("#page img")
    image.wait_for()
    page.wait_for_function("document.querySelector('#page img').complete")
    fitted = image.bounding_box()["width"]
    box = page.locator("#page .box").first
    assert box.count() == 1

    page.keyboard.press("z")

    assert "zoomed" in page.get_attribute("#page", "class")
    assert image.bounding_box()["width"] > 1.5 * fitted  # the page at its own resolution
    viewport, outlined = page.locator("#viewport").bounding_box(), box.bounding_box()
    assert viewport["x"] <= outlined["x"] and outlined["x"] + outlined["width"] <= viewport["x"] + viewport["width"]
    assert viewport["y"] <= outlined["y"] and outlined["y"] + outlined["height"] <= viewport["y"] + viewport["height"]
    assert scan.document_id > 1


def test_a_word_file_shows_the_printed_row(page, server, review_settings):
    docx = ROOT / "data" / "raw" / "docx" / "000_de2bdb5f24b93b6d.docx"
    store(review_settings.database_url, docx)
    sign_in(page, server, "vic")
    page.goto(f"{server}/queue?document={docx.name}&q=funding+4.2")
    page.locator(".queue-row a").first.click()

    printed = page.locator("table.printed")
    assert "As printed in the docx file" in page.inner_text(".source")
    first_cells = printed.locator("tr.row td").all_inner_texts()
    assert first_cells[0].rstrip(".") == "4.2" and "1 028" in " ".join(first_cells)


def test_removing_an_unrecognised_executor_closes_its_issue(page, server, review_settings, tmp_path):
    order = tmp_path / "order_with_a_person.txt"
    order.write_text(ORDER.read_text().replace("<p>ГБУ КО Приют «Мечта»</p>\t",
                                               "<p>ГБУ КО Приют «Мечта»</p> <p>Петров П.П., тел. 22-33-44</p>\t", 1))
    store(review_settings.database_url, order)
    sign_in(page, server, "anna")
    page.goto(f"{server}/queue?kind=unresolved_org")
    page.locator(".queue-row a").first.click()
    person = page.locator("#focus input[name=executor][value^='Петров']")
    assert person.evaluate("field => field === document.activeElement")  # the executor the issue names

    person.fill("")
    page.locator("#focus form.executors button[type=submit]").click()

    page.wait_for_selector("#flash")
    assert "closed: unresolved_org · measure 4.2" in page.inner_text("#flash")
    assert page.inner_text("#focus .status") == "closed"
    assert page.locator("#focus input[name=executor][value^='Петров']").count() == 0


def test_queue_works_from_the_keyboard_and_shows_hostile_text_as_text(page, server):
    sign_in(page, server, "anna")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_selector("#focus")
    assert "funding 3.6" in page.inner_text("#focus h2")  # the second sum mismatch of the queue

    page.click("summary:has-text('Measures')")  # loaded when opened
    title = page.locator("input[aria-label='title of measure 4.2']")
    title.fill('<script>alert("x")</script> & «Центр»')
    title.press("Enter")
    page.wait_for_selector("#flash")
    assert re.search(r"^saved: measure 4\.2 · title ", page.inner_text("#flash"))
    assert page.locator("input[aria-label='title of measure 4.2']").input_value() == '<script>alert("x")</script> & «Центр»'
    assert dialogs == []


def test_viewer_sees_no_edit_forms(page, server):
    sign_in(page, server, "vic")
    page.get_by_role("row").filter(has_text="≠ row amount 1 028").get_by_role("link").click()
    page.wait_for_selector("#focus")
    assert page.locator("form.edit").count() == 0
    assert page.locator("#focus span.value.named").inner_text() == "1028"


def _bar_pixels(png: Path) -> int:
    """Pixels of saturated colour: bars and legend marks, not white, grey or grid."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    return int(((pixels.max(axis=2) - pixels.min(axis=2)) > 80).sum())


def test_the_browse_page_filters_one_region_and_draws_its_chart(page, server, review_settings, tmp_path):
    """Two regions stored; a viewer picks one and sees only its bars, drawn (screenshot
    checked for the bars' colour), and goes from an amount to its document."""
    store(review_settings.database_url, ROOT / "data" / "raw" / "text" / "001_4e0a142146799e3e.txt")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: errors.append(response.url) if response.status >= 400 else None)
    sign_in(page, server, "vic")
    page.goto(f"{server}/browse")
    page.wait_for_selector("#chart-regions .main-svg")
    assert set(page.locator("#chart-regions .xtick text").all_text_contents()) == {
        "Калужская область", "Ставропольский край"}

    page.select_option("select[name=region]", "RU-STA")
    page.wait_for_url(re.compile(r"region=RU-STA"))
    page.wait_for_selector("#chart-regions .main-svg")
    assert page.locator("#chart-regions .xtick text").all_text_contents() == ["Ставропольский край"]
    page.locator("#chart-regions").screenshot(path=tmp_path / "regions.png")
    assert _bar_pixels(tmp_path / "regions.png") > 20_000  # bars drawn, not an empty frame
    assert page.locator("#chart-years .xtick text").all_text_contents() == ["2016", "2017"]
    assert page.locator("#chart-indicators .main-svg").count() > 0

    amounts = page.locator("table.totals td.amount a")
    assert amounts.count() > 0 and all("Ставроп" in row for row in page.locator("table.totals tbody tr")
                                       .all_inner_texts())
    amounts.first.click()
    page.wait_for_url(re.compile(r"/documents/\d+\?open=funding"))
    assert "001_4e0a142146799e3e" in page.content()
    assert errors == []  # plotly.js drew under the page's content security policy
