"""One regression test per kind of table layout in `../shared/cases` (inputs copied to
tests/fixtures/cases): each asserts the values the case expects, through the whole
extraction chain on the real file."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.stages import extract

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "cases"


def export(case: str, file: str = "input.txt") -> dict:
    return extract(CASES / case / file).to_export()


def funding(doc: dict) -> dict[tuple, Decimal]:
    """(measure, year, source[, period]) → amount; keys carry the optional coordinates only when set."""
    out = {}
    for f in doc["funding"]:
        key = (f["measure_code"], f["year"], f["source"])
        extra = tuple(f[k] for k in ("task_code", "period", "basis") if k in f)
        out[key + extra] = Decimal(str(f["amount_rub"]))
    return out


def amounts(rows: dict) -> dict[tuple, Decimal]:
    return {key: Decimal(str(v)) for key, v in rows.items()}


def indicators(doc: dict) -> list[tuple]:
    return [(i["code"], i["title"], i["unit"], [(v["period"], v["value"]) for v in i["values"]])
            for i in doc["indicators"]]


def test_source_columns_ignored():
    assert funding(export("source-columns-ignored")) == amounts({
        ("1", None, "all"): 300000, ("1", None, "federal_budget"): 100000, ("1", None, "regional_budget"): 200000})


def test_year_subcolumns_quarters():
    doc = export("year-subcolumns-quarters")
    quarters = {("1.1", 2019, "all", f"2019-Q{q}"): 10000 * q for q in range(1, 5)}
    assert funding(doc) == amounts({("1.1", 2019, "all"): 100000, ("1.1", 2020, "all"): 120000,
                                    ("1.1", None, "all"): 220000, **quarters})
    assert not [i for i in doc["issues"] if i["kind"] == "sum_mismatch"]


def test_multirow_money_header_vsego_first():
    assert funding(export("multirow-money-header-vsego-first")) == amounts({
        ("1.1", None, "all"): 150000, ("1.1", 2019, "all"): 150000, ("1.1", 2020, "all"): 0,
        ("1.2", None, "all"): 80500, ("1.2", 2019, "all"): 40000, ("1.2", 2020, "all"): 40500})


def test_three_decimal_amounts():
    assert funding(export("three-decimal-amounts")) == amounts({
        ("1.1", None, "all"): 1234567, ("1.1", 2019, "all"): 1000123, ("1.1", 2020, "all"): 234444,
        ("1.2", None, "all"): 12350000, ("1.2", 2019, "all"): 10100000, ("1.2", 2020, "all"): 2250000})


def test_years_as_rows():
    doc = export("years-as-rows")
    assert funding(doc) == amounts({
        ("1", 2019, "all"): 100000, ("1", 2019, "regional_budget"): 100000,
        ("1", 2020, "all"): 120000, ("1", 2020, "regional_budget"): 120000,
        ("2", 2019, "all"): 50000, ("2", 2019, "regional_budget"): 50000,
        ("2", 2020, "all"): 60000, ("2", 2020, "regional_budget"): 60000})
    assert doc["measures"][0]["deadline"] == "2019 г."


def test_stacked_values_in_cell():
    doc = export("stacked-values-in-cell")
    expected = {}
    for source, (whole, y2019, y2020) in {"all": (300, 100, 200), "regional_budget": (240, 80, 160),
                                           "local_budget": (60, 20, 40)}.items():
        expected |= {("1.1", None, source): whole, ("1.1", 2019, source): y2019, ("1.1", 2020, source): y2020}
    assert funding(doc) == amounts(expected)
    assert doc["measures"][0]["deadline"] == "2019 - 2020"


def test_measure_code_in_title_cell():
    doc = export("measure-code-in-title-cell")
    assert [(m["code"], m["title"], m["deadline"]) for m in doc["measures"]] == [
        ("1.1", "Проведение семинара для специалистов", "2019 год"),
        ("1.2", "Издание памяток для родителей", "2019 - 2020 годы")]
    assert all(m["executors"] == ["Департамент семейной политики Тверской области"] for m in doc["measures"])
    assert funding(doc) == amounts({
        ("1.1", None, "all"): 150000, ("1.1", 2019, "all"): 150000, ("1.1", 2020, "all"): 0,
        ("1.2", None, "all"): 80500, ("1.2", 2019, "all"): 40000, ("1.2", 2020, "all"): 40500})


def test_indicator_header_indikator():
    assert indicators(export("indicator-header-indikator")) == [
        (None, "Число проведенных семинаров", "единиц", [("2019", "3"), ("2020", "4")])]


def test_indicator_number_column_unlabeled():
    assert indicators(export("indicator-number-column-unlabeled")) == [
        ("1", "Число проведенных семинаров", "единиц", [("2019", "3"), ("2020", "4")]),
        ("2", "Доля семей, получивших консультации", "%", [("2019", "40"), ("2020", "55")])]


def test_numbering_row_with_gaps():
    assert indicators(export("numbering-row-with-gaps")) == [
        ("1", "Число проведенных семинаров", "единиц", [("2019", "3"), ("2020", "4"), ("2021", "5")])]


def _expected(case: str, name: str) -> dict:
    return json.loads((CASES / case / name).read_text(encoding="utf-8"))


def _measures(doc: dict) -> list[tuple]:
    return [(m["code"], m["task_code"], m["title"], m["deadline"], m["executors"]) for m in doc["measures"]]


@pytest.mark.parametrize(("file", "expected"), [("vmerge.docx", "expected.json"),
                                                ("vmerge_no_total.docx", "expected_vmerge_no_total.json")])
def test_docx_vertically_merged_cells(file, expected):
    doc, want = export("docx-vertically-merged-cells", file), _expected("docx-vertically-merged-cells", expected)
    assert funding(doc) == funding(want)  # the joint amounts once, for 2.2
    assert _measures(doc) == _measures(want)
    assert not [i for i in doc["issues"] if i["kind"] == "sum_mismatch"]
    assert any(i["where"] == "funding 2.2" and "2.2–2.3" in i["detail"] for i in doc["issues"])


@pytest.mark.parametrize(("file", "expected"), [("nested_table.docx", "expected.json"),
                                                ("label_first_split_flat.docx", "expected_label_first.json"),
                                                ("label_first_split_dash.docx", "expected_label_first.json")])
def test_source_split_label_before_amount(file, expected):
    doc, want = export("source-split-label-before-amount", file), _expected("source-split-label-before-amount", expected)
    assert funding(doc) == funding(want)
    assert _measures(doc) == _measures(want)


def test_subprogram_heading_first_row():
    """A section heading right under the header row is a task, not a second header row."""
    doc = export("subprogram-heading-first-row")
    assert [(t["code"], t["title"]) for t in doc["tasks"]] == [("1", "Здоровое родительство"),
                                                              ("2", "Безопасное детство")]
    rows = funding(doc)
    assert rows[(None, None, "all", "1")] == Decimal("1583000")  # «Всего по подпрограмме 1», in millions
    assert rows[(None, 2025, "all")] == Decimal("1850000")
    assert rows[("1.2", None, "all")] == Decimal("333000")


def test_base_date_in_heading():
    """«Базовое значение (на 01.01.2023)»: the heading dates every base value under it."""
    doc = export("base-date-in-heading")
    assert {(i["code"], i["base_date"]) for i in doc["indicators"]} == {("1", "2023-01-01"), ("2", "2023-01-01")}


def test_sources_table_without_measures():
    """«Ресурсное обеспечение»: sources as rows in a «Источники финансирования» column, no
    measures: the document's totals by source and year."""
    rows = funding(export("sources-table-without-measures"))
    assert len(rows) == 12 and all(key[0] is None for key in rows)
    assert rows[(None, 2020, "federal_budget")] == Decimal("100000")
    assert rows[(None, None, "all")] == Decimal("600000")


def test_year_column_rows():
    """Years in a «Год» column, one row each under the measure; «в т.ч. областной бюджет» heads a source column."""
    doc = export("year-column-rows")
    assert funding(doc) == amounts({
        ("1.1", 2019, "all"): 100000, ("1.1", 2019, "regional_budget"): 80000,
        ("1.1", 2020, "all"): 120000, ("1.1", 2020, "regional_budget"): 90000,
        ("1.2", 2019, "all"): 10000, ("1.2", 2019, "regional_budget"): 10000})
    assert {f["source_label"] for f in doc["funding"]} == {"Всего", "областной бюджет"}


@pytest.mark.parametrize("scan", ["skewed_2deg.scan.pdf", "skewed_4deg.scan.pdf"])
def test_scan_skewed(scan):
    """An annex page fed askew (2° and 4°), the order page by −1°: deskewed before its
    grid is found, it gives the values of the digital original."""
    expected = json.loads((CASES / "scan-skewed" / "expected.json").read_text(encoding="utf-8"))
    doc = export("scan-skewed", scan)
    assert funding(doc) == funding(expected)
    assert [m["code"] for m in doc["measures"]] == [m["code"] for m in expected["measures"]]
    fields = ("doc_type", "doc_number", "doc_date", "region")
    assert {k: doc["document"][k] for k in fields} == {k: expected["document"][k] for k in fields}


def test_pdf_horizontal_rules_only():
    """Rows ruled, columns only by white space: the columns are rebuilt from how the text lines
    up, and every value lands where the fully ruled table would put it."""
    doc, want = export("pdf-horizontal-rules-only", "hrules_only.pdf"), _expected("pdf-horizontal-rules-only",
                                                                                  "expected.json")
    assert funding(doc) == funding(want)
    assert _measures(doc) == _measures(want)
    assert [(t["code"], t["title"]) for t in doc["tasks"]] == [(t["code"], t["title"]) for t in want["tasks"]]
    assert {k: doc["document"][k] for k in want["document"]} == want["document"]
    assert not doc["issues"]


def test_pdf_horizontal_rules_only_scanned(tmp_path):
    """The same table printed and scanned (rendered to a 200-dpi image PDF): the same amounts."""
    import pypdfium2 as pdfium

    pages = [page.render(scale=200 / 72).to_pil().convert("L")
             for page in pdfium.PdfDocument(CASES / "pdf-horizontal-rules-only" / "hrules_only.pdf")]
    scan = tmp_path / "hrules_only.scan.pdf"
    pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=200)
    doc, want = extract(scan).to_export(), _expected("pdf-horizontal-rules-only", "expected.json")
    assert funding(doc) == funding(want)
    assert [m["code"] for m in doc["measures"]] == [m["code"] for m in want["measures"]]


@pytest.mark.parametrize("case", ["one-line-act-title", "act-only-in-appendix-stamp"])
def test_the_act_named_once_in_a_title_line_or_an_appendix_stamp(case):
    document = export(case)["document"]
    assert {k: document[k] for k in ("doc_type", "doc_number", "doc_date", "issuers")} == {
        "doc_type": "постановление", "doc_number": "212-пп", "doc_date": "2019-03-14",
        "issuers": ["Правительство Тверской области"]}


def test_docx_text_box_header():
    """The act's date and number are printed only inside Word text boxes (stored twice)."""
    expected = json.loads((CASES / "docx-text-box-header" / "expected.json").read_text(encoding="utf-8"))
    doc = export("docx-text-box-header", "text_box.docx")
    assert {k: doc["document"][k] for k in expected["document"]} == expected["document"]
    assert [(m["code"], m["task_code"], m["title"], m["deadline"], m["executors"]) for m in doc["measures"]] == [
        (m["code"], m["task_code"], m["title"], m["deadline"], m["executors"]) for m in expected["measures"]]
    assert funding(doc) == {(f["measure_code"], f["year"], f["source"]): Decimal(str(f["amount_rub"]))
                            for f in expected["funding"]}


def test_city_without_region():
    """A municipal act names only its city: the gazetteer gives the subject."""
    document = export("city-without-region")["document"]
    assert {k: document[k] for k in ("region", "region_code", "municipality", "doc_type", "issuers")} == {
        "region": "Тверская область", "region_code": "RU-TVE", "municipality": "Город Тверь",
        "doc_type": "постановление", "issuers": ["Администрация города Твери"]}
