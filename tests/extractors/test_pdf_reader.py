"""Digital PDFs: routing by text layer, ruled tables with merged cells, paragraphs,
and clear errors for PDFs that cannot be read."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from extractors.pdf_reader import has_real_text, read_pdf
from models.errors import EncryptedPdfError
from models.layout import Paragraph, Table
from models.errors import CorruptFileError, EmptyInputError
from pipeline.tables import layout_to_logical

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.mark.parametrize("text,real", [
    ("Комплекс мер по развитию эффективных социальных практик на 2020-2021 годы", True),
    ("(cid:123)(cid:124)(cid:125)(cid:126) (cid:127)(cid:128) (cid:129)(cid:130)", False),
    ("noJI KoMnJIekc Mep no pa3BuTuIo 3qbqbeKTuBHblx cou,uaJIbHblx npaKTuK", False),  # Latin look-alikes
    ("Кохшлекс мер ио развнтшо эффектнвных соцнальных практнк иа террнторнн обласгн", False),  # poor OCR layer
    ("", False),
])
def test_a_text_layer_counts_only_when_it_is_real_russian_text(text, real):
    assert has_real_text(text) is real


def test_ruled_table_over_two_pages_with_merged_header():
    layout = read_pdf(FIXTURES / "measures_2pages.pdf")
    assert layout.format == "pdf" and len(layout.pages) == 2
    first = next(b for b in layout.pages[0].blocks if isinstance(b, Table))
    header = first.grid()[0]
    # «Объем финансирования …» spans the three money columns; «№ п/п» spans two header rows
    assert header[5] is header[6] is header[7] and header[5].col_span == 3
    assert first.grid()[0][0] is first.grid()[1][0]
    assert all(c.bbox is not None and c.page == 1 for c in first.cells)

    logical = [b for b in layout_to_logical(layout).blocks if not isinstance(b, Paragraph)]
    assert len(logical) == 1, "the page number between the fragments must not split the table"
    codes = [row[0].text.strip() for row in logical[0].body if row[0].text.strip()]
    assert codes[:4] == ["1.1.", "1.2.", "1.3.", "1.4."]


def test_paragraphs_keep_wrapped_lines_together():
    layout = read_pdf(FIXTURES / "tasks_only.pdf")
    paragraphs = [b.text.replace("\n", " ") for b in layout.blocks() if isinstance(b, Paragraph)]
    assert paragraphs[0].startswith("Комплекс мер по развитию") and paragraphs[0].endswith("на 2020-2021 годы")
    assert any(p.startswith("Задача 1. Формирование механизма") and p.endswith("малоимущим семьям с детьми.")
               for p in paragraphs)


def test_encrypted_pdf_is_refused_with_a_remedy(tmp_path):
    writer = PdfWriter(clone_from=PdfReader(FIXTURES / "tasks_only.pdf"))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    with pytest.raises(EncryptedPdfError, match="encrypted") as err:
        read_pdf(locked)
    assert "locked.pdf" in str(err.value) and "password" in str(err.value)


def test_truncated_pdf_is_a_corrupt_file(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((FIXTURES / "tasks_only.pdf").read_bytes()[:2000])
    with pytest.raises(CorruptFileError, match="broken.pdf"):
        read_pdf(broken)


def test_pdf_without_pages(tmp_path):
    empty = tmp_path / "empty.pdf"
    PdfWriter().write(empty)
    with pytest.raises((EmptyInputError, CorruptFileError), match="empty.pdf"):
        read_pdf(empty)


def test_memory_stays_flat_however_many_pages_a_pdf_has(tmp_path):
    def peak_mb(pages: int) -> float:
        source = PdfReader(ROOT / "data" / "raw" / "pdf" / "001_4e0a142146799e3e.pdf")
        writer = PdfWriter()
        while len(writer.pages) < pages:
            writer.add_page(source.pages[len(writer.pages) % len(source.pages)])
        path = tmp_path / f"{pages}.pdf"
        writer.write(path)
        code = ("import resource, sys; from pathlib import Path; from extractors.pdf_reader import read_pdf; "
                "read_pdf(Path(sys.argv[1])); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                              check=True)
        return int(done.stdout.split()[-1]) / 1024

    assert peak_mb(52) - peak_mb(13) < 40  # pages are let go once read (50 pages held at once took 250 MB more)


@pytest.mark.slow
def test_a_pdf_read_in_runs_of_pages_apart_equals_it_read_in_order(tmp_path, monkeypatch):
    """A generated order whose table, ruled across only, goes on over a page: the page after
    the break reads right only with the column edges of the page before, which a run read
    apart lacks and gets from the one before it."""
    from extractors import pdf_reader
    from tests.generated.build import convert_to_pdf, soffice
    from tests.generated.orders import make_orders
    from tests.generated.writers import write_docx

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    order = make_orders(34, 12)[33]
    pdf, = convert_to_pdf([write_docx(order, tmp_path / f"{order.name}.docx")], tmp_path)
    in_order = read_pdf(pdf)
    count = len(in_order.pages)
    page_alone = [pdf_reader._read_run(pdf, [n])[0].page for n in range(2, count + 1)]
    assert any(alone != read for alone, read in zip(page_alone, in_order.pages[1:])), \
        "no page of this order needs the columns of the page before: pick another"
    monkeypatch.setattr(pdf_reader, "_PAGES_PER_WORKER", 1)

    assert read_pdf(pdf, workers=count) == in_order  # a run a page
    assert read_pdf(pdf, workers=2) == in_order
