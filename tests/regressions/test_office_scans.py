"""One regression test per bug the office scans showed, end to end on an order as OCR
reads such a scan (tests/fixtures/regressions/ocr_misread_sections.txt): section numbers
in Cyrillic look-alikes («Г.» for I., «И.» for II. and for III.), a header repeated on
the next page with specks read as quotes, a code whose closing dot came out as a colon.
Before these were fixed the order kept one task and three measures of five."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.stages import extract

ORDER = Path(__file__).resolve().parents[1] / "fixtures" / "regressions" / "ocr_misread_sections.txt"


@pytest.fixture(scope="module")
def order():
    return extract(ORDER)


def test_a_first_section_read_as_g_opens_the_body_instead_of_joining_the_header(order):
    assert order.tasks[0].code == "1" and order.tasks[0].title.startswith("Оптимизация управленческой")
    assert [m.code for m in order.measures if m.task_code == "1"] == ["1.1", "1.2"]


def test_a_section_read_as_the_one_before_is_the_next_section_for_review(order):
    assert [t.code for t in order.tasks] == ["1", "2", "3"]
    assert [m.code for m in order.measures if m.task_code == "3"] == ["3.1"]
    assert ("ocr_suspect", "task 3") in [(i.kind, i.where) for i in order.issues]


def test_a_header_repeated_with_specks_read_as_quotes_is_no_row(order):
    assert not [i for i in order.issues if i.kind == "unread_value"]
    assert len(order.measures) == 5


def test_a_code_whose_closing_dot_reads_as_a_colon_keeps_its_measure(order):
    measure = next(m for m in order.measures if m.title.startswith("Деятельность межведомственного консилиума"))
    assert measure.code == "2.2"
    assert [i.detail for i in order.issues if i.where == "measure 2.2"] == ["code printed as «2:»; read as 2.2"]
