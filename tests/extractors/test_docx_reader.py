"""Tests for extractors.docx_reader.

Small DOCX files are built with python-docx in tmp_path; the real corpus is used
when /work/shared is present; bad inputs must raise typed pipeline errors.
"""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls

from extractors.docx_reader import MAX_BODY_XML_MB, MAX_EXPANDED_MB, read_docx
from models.layout import Paragraph, Table
from models.errors import CorruptFileError, EmptyInputError, InputError, UnreadableFileError

ROOT = Path(__file__).resolve().parents[2]

CORPUS = Path("/work/shared/corpus/rendered")
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus ({CORPUS}) is not available on this machine"
)


def save(document, tmp_path: Path, name: str = "doc.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def cell_tuples(table: Table) -> list[tuple]:
    return [(c.text, c.row, c.col, c.row_span, c.col_span, c.page, c.bold) for c in table.cells]


def only_table(layout) -> Table:
    tables = [b for b in layout.blocks() if isinstance(b, Table)]
    assert len(tables) == 1
    return tables[0]


def texts(layout) -> list[str]:
    return [b.text for b in layout.blocks() if isinstance(b, Paragraph)]


def add_rendered_page_break(run) -> None:
    """Mark, as Word does after laying out pages, that a page ended after this run's text."""
    run._r.append(OxmlElement("w:lastRenderedPageBreak"))


# --- paragraphs -----------------------------------------------------------------


def test_paragraphs_keep_order_text_bold_and_heading(tmp_path):
    document = docx.Document()
    document.add_heading("Комплекс мер", level=1)
    document.add_paragraph("")  # empty paragraphs are skipped
    bold = document.add_paragraph()
    bold.add_run("УТВЕРЖДЕНЫ").bold = True
    bold.add_run("  ")  # a space-only run does not make the paragraph non-bold
    mixed = document.add_paragraph()
    mixed.add_run("Цель: ").bold = True
    mixed.add_run("повышение качества")

    layout = read_docx(save(document, tmp_path, "order.docx"))

    assert layout.format == "docx"
    assert layout.source_file == "order.docx"
    blocks = layout.blocks()
    assert [(b.text, b.bold, b.heading) for b in blocks] == [
        ("Комплекс мер", True, 1),  # the default template's Heading 1 style is bold
        ("УТВЕРЖДЕНЫ", True, 0),
        ("Цель: повышение качества", False, 0),
    ]


def test_bold_from_paragraph_style_counts(tmp_path):
    document = docx.Document()
    style = document.styles.add_style("Шапка", WD_STYLE_TYPE.PARAGRAPH)
    style.font.bold = True
    document.add_paragraph("Из стиля", style="Шапка")

    [paragraph] = read_docx(save(document, tmp_path)).blocks()

    assert paragraph.bold is True


def test_bookmarks_are_stripped(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("[bookmark: _GoBack]Целевые группы:")
    start = parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="0" w:name="_GoBack"/>')
    paragraph._p.insert(0, start)
    paragraph._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="0"/>'))

    assert texts(read_docx(save(document, tmp_path))) == ["Целевые группы:"]


# --- tables ---------------------------------------------------------------------


def test_table_merges_become_spans_on_the_true_grid(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Мероприятие"  # horizontal: gridSpan
    table.cell(0, 2).merge(table.cell(2, 2)).text = "Сроки"  # vertical: vMerge
    body = {(1, 0): "1.1", (1, 1): "Создание", (2, 0): "1.2", (2, 1): "Заключение"}
    for (row, col), text in body.items():
        table.cell(row, col).text = text

    table = only_table(read_docx(save(document, tmp_path)))

    assert cell_tuples(table) == [
        ("Мероприятие", 0, 0, 1, 2, 1, False),
        ("Сроки", 0, 2, 3, 1, 1, False),
        ("1.1", 1, 0, 1, 1, 1, False),
        ("Создание", 1, 1, 1, 1, 1, False),
        ("1.2", 2, 0, 1, 1, 1, False),
        ("Заключение", 2, 1, 1, 1, 1, False),
    ]
    assert (table.n_rows, table.n_cols) == (3, 3)


def test_grid_before_shifts_a_rows_cells_right(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for col, text in enumerate(["№", "Показатель", "2025"]):
        table.cell(0, col).text = text
    table.cell(1, 1).text = "итого"
    table.cell(1, 2).text = "100"
    # Drop row 1's first cell and say the row starts one grid column in.
    row = table.rows[1]._tr
    row.remove(row.tc_lst[0])
    row.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:gridBefore w:val="1"/></w:trPr>'))

    table = only_table(read_docx(save(document, tmp_path)))

    second_row = [(c.text, c.row, c.col) for c in table.cells if c.row == 1]
    assert second_row == [("итого", 1, 1), ("100", 1, 2)]


def test_cell_text_keeps_lines_bold_and_flattens_nested_tables(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    header = table.cell(0, 0)
    header.paragraphs[0].add_run("Объем финансирования").bold = True
    header.add_paragraph("").add_run("(рублей)").bold = True
    outer = table.cell(0, 1)
    outer.text = "Источники:"
    nested = outer.add_table(rows=1, cols=2)
    nested.cell(0, 0).text = "краевой бюджет"
    nested.cell(0, 1).text = "100,0"

    table = only_table(read_docx(save(document, tmp_path)))

    assert cell_tuples(table) == [
        ("Объем финансирования\n(рублей)", 0, 0, 1, 1, 1, True),
        ("Источники:\nкраевой бюджет\n100,0", 0, 1, 1, 1, 1, False),
    ]


# --- pages ----------------------------------------------------------------------


def test_hard_page_break_starts_page_two(tmp_path):
    document = docx.Document()
    document.add_paragraph("первая страница")
    document.add_page_break()
    after_break = document.add_paragraph()
    # Word also records where it laid out the new page; that must not count again.
    add_rendered_page_break(after_break.add_run(""))
    after_break.add_run("вторая страница")

    layout = read_docx(save(document, tmp_path))

    assert [(p.number, [b.text for b in p.blocks]) for p in layout.pages] == [
        (1, ["первая страница"]),
        (2, ["вторая страница"]),
    ]


def test_section_breaks_new_page_versus_continuous(tmp_path):
    document = docx.Document()
    document.add_paragraph("книжная")
    document.add_section(WD_SECTION.NEW_PAGE)
    document.add_paragraph("альбомная")
    document.add_section(WD_SECTION.CONTINUOUS)
    document.add_paragraph("тот же лист")

    layout = read_docx(save(document, tmp_path))

    assert [(b.text, b.page) for b in layout.blocks()] == [
        ("книжная", 1),
        ("альбомная", 2),
        ("тот же лист", 2),
    ]


def test_rendered_page_break_in_a_row_moves_later_rows_to_next_page(tmp_path):
    document = docx.Document()
    document.add_paragraph("Перечень мероприятий")
    table = document.add_table(rows=3, cols=2)
    for row in range(3):
        for col in range(2):
            table.cell(row, col).text = f"r{row}c{col}"
    # Row 1 is split across the page boundary: both of its cells break.
    for col in range(2):
        add_rendered_page_break(table.cell(1, col).paragraphs[0].runs[0])
    document.add_paragraph("после таблицы")

    layout = read_docx(save(document, tmp_path))

    table = only_table(layout)
    assert [(c.text, c.page) for c in table.cells] == [
        ("r0c0", 1), ("r0c1", 1), ("r1c0", 1), ("r1c1", 1), ("r2c0", 2), ("r2c1", 2),
    ]
    assert table.page == 1
    assert [(p.number, [type(b).__name__ for b in p.blocks]) for p in layout.pages] == [
        (1, ["Paragraph", "Table"]),
        (2, ["Paragraph"]),
    ]


# --- real corpus ----------------------------------------------------------------


@needs_corpus
def test_real_order_has_its_task_paragraphs():
    layout = read_docx(CORPUS / "002_7c4a6195f44ee496.docx")

    paragraphs = texts(layout)
    assert "Задачи Комплекса мер:" in paragraphs
    tasks = [t for t in paragraphs if re.match(r"Задача\s\d\.", t)]
    assert [t[:9] for t in tasks] == ["Задача 1.", "Задача 2.", "Задача 3.", "Задача 4."]
    assert tasks[0].startswith("Задача 1. Формирование механизма устойчивого межведомственного")
    assert "Целевые группы:" in paragraphs  # the seed's "[bookmark: _GoBack]" is not there
    assert len(layout.pages) == 1


@needs_corpus
def test_real_table_matches_truth_cell_for_cell():
    truth = json.loads((CORPUS / "001_4e0a142146799e3e.truth.json").read_text(encoding="utf-8"))
    [expected] = truth["tables"]

    table = only_table(read_docx(CORPUS / "001_4e0a142146799e3e.docx"))

    # truth.json lists whitespace-collapsed text on the full grid, "" where a merge covers.
    rows = [[""] * table.n_cols for _ in range(table.n_rows)]
    for cell in table.cells:
        rows[cell.row][cell.col] = " ".join(cell.text.split())
    assert (table.n_rows, table.n_cols) == (expected["n_rows"], expected["n_cols"])
    assert rows == expected["rows"]
    spans = [(c.row, c.col, c.row_span, c.col_span) for c in table.cells]
    merges = sorted(span for span in spans if span[2:] != (1, 1))
    expected_merges = [(m["row"], m["col"], m["rowspan"], m["colspan"]) for m in expected["merges"]]
    assert merges == sorted(expected_merges)


# --- bad inputs -----------------------------------------------------------------


def test_random_bytes_are_a_corrupt_file(tmp_path):
    path = tmp_path / "garbage.docx"
    path.write_bytes(bytes(range(256)) * 4)

    with pytest.raises(CorruptFileError, match="not a complete ZIP package") as caught:
        read_docx(path)
    assert caught.value.path == path


def test_empty_file_is_empty_input(tmp_path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")

    with pytest.raises(EmptyInputError, match="0 bytes"):
        read_docx(path)


def test_truncated_docx_is_a_corrupt_file(tmp_path):
    document = docx.Document()
    document.add_paragraph("текст приказа")
    whole = save(document, tmp_path, "whole.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(whole[: len(whole) // 2])

    with pytest.raises(CorruptFileError, match="not a complete ZIP package"):
        read_docx(path)


def test_zip_without_word_parts_is_a_corrupt_file(tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a Word document")

    with pytest.raises(CorruptFileError, match="not a readable Word document"):
        read_docx(path)


def test_broken_document_xml_is_a_corrupt_file(tmp_path):
    document = docx.Document()
    document.add_paragraph("текст")
    source = save(document, tmp_path, "good.docx")
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as good, zipfile.ZipFile(path, "w") as broken:
        for item in good.infolist():
            is_body = item.filename == "word/document.xml"
            broken.writestr(item, b"<w:document><unclosed" if is_body else good.read(item))

    with pytest.raises(CorruptFileError, match="not a readable Word document"):
        read_docx(path)


def test_invalid_value_in_word_xml_is_a_corrupt_file(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "ячейка"
    table.cell(0, 0)._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:gridSpan {nsdecls("w")} w:val="два"/>')
    )

    with pytest.raises(CorruptFileError, match="invalid value"):
        read_docx(save(document, tmp_path))


def test_legacy_doc_is_named_as_such(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))

    with pytest.raises(CorruptFileError, match="legacy Word 97-2003"):
        read_docx(path)


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFileError):
        read_docx(tmp_path / "absent.docx")


def test_document_without_text_is_empty_input(tmp_path):
    document = docx.Document()
    document.add_paragraph("   ")

    with pytest.raises(EmptyInputError, match="no text"):
        read_docx(save(document, tmp_path))


def test_a_package_that_expands_past_the_limit_is_refused_before_it_is_read(tmp_path):
    bomb = tmp_path / "bomb.docx"
    shutil.copy(ROOT / "data" / "raw" / "docx" / "000_de2bdb5f24b93b6d.docx", bomb)
    with zipfile.ZipFile(bomb, "a", compression=zipfile.ZIP_DEFLATED) as package:
        with package.open("word/media/padding.bin", "w", force_zip64=True) as member:
            zeros = bytes(2**20)
            for _ in range(MAX_EXPANDED_MB + 1):  # a little over the limit, a few hundred KB on disk
                member.write(zeros)

    with pytest.raises(CorruptFileError, match=rf"expands to \d+ MB, over the {MAX_EXPANDED_MB} MB"):
        read_docx(bomb)
    assert bomb.stat().st_size < 2**20


def test_a_body_past_the_limit_is_refused_before_it_is_read(tmp_path):
    large = tmp_path / "large.docx"
    with zipfile.ZipFile(ROOT / "data" / "raw" / "docx" / "000_de2bdb5f24b93b6d.docx") as source, \
            zipfile.ZipFile(large, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "word/document.xml":  # padded past the limit with an XML comment
                data = data.replace(b"<w:body>", b"<w:body><!--" + b" " * (MAX_BODY_XML_MB * 2**20) + b"-->", 1)
            target.writestr(member, data)

    with pytest.raises(InputError, match=rf"the Word body is {MAX_BODY_XML_MB} MB of XML; one order's is far under"):
        read_docx(large)


def test_the_first_page_header_is_read_once_before_the_body(tmp_path):
    """A blank may lay out the issuer and «от … №» in the page header; later pages repeat nothing."""
    document = docx.Document()
    header = document.sections[0].header
    header.paragraphs[0].text = "ПРАВИТЕЛЬСТВО ТВЕРСКОЙ ОБЛАСТИ"
    header.add_paragraph("от 14.03.2024 № 112-п")
    document.add_paragraph("Комплекс мер по поддержке семей")
    document.add_page_break()
    document.add_paragraph("Перечень мероприятий")
    layout = read_docx(save(document, tmp_path))
    assert [(b.text, b.page) for b in layout.blocks()] == [
        ("ПРАВИТЕЛЬСТВО ТВЕРСКОЙ ОБЛАСТИ", 1), ("от 14.03.2024 № 112-п", 1), ("Комплекс мер по поддержке семей", 1),
        ("Перечень мероприятий", 2)]
