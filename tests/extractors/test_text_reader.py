"""Plain-text conversions → Layout (extractors/text_reader.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.text_reader import MAX_TEXT_MB, read_text
from models.layout import Layout, Paragraph, Table
from models.errors import CorruptFileError, EmptyInputError, InputError


def _read(tmp_path: Path, text: str, name: str = "order.txt") -> Layout:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_text(path)


def _texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.grid()]


def _tables(layout: Layout) -> list[Table]:
    return [b for b in layout.blocks() if isinstance(b, Table)]


def _paragraphs(layout: Layout) -> list[Paragraph]:
    return [b for b in layout.blocks() if isinstance(b, Paragraph)]


def test_blank_line_inside_tab_table_is_a_page_break(tmp_path):
    layout = _read(tmp_path, (
        "№ п/п\tНаименование\tСрок\n"
        "1\t2\t3\n"
        "1.1\tСоздание служб\t2020 г.\n"
        "\n"
        "1.2\tОбучение\t2021 г.\n"
        "2.1\tИнформирование\t2022 г.\n"
    ))
    assert layout.format == "text" and layout.source_file == "order.txt"
    assert [p.number for p in layout.pages] == [1, 2]
    first, second = _tables(layout)
    assert (first.page, second.page) == (1, 2)
    assert _texts(first) == [["№ п/п", "Наименование", "Срок"], ["1", "2", "3"], ["1.1", "Создание служб", "2020 г."]]
    assert _texts(second) == [["1.2", "Обучение", "2021 г."], ["2.1", "Информирование", "2022 г."]]
    assert all(c.page == 2 for c in second.cells)


def test_short_rows_are_padded(tmp_path):
    (table,) = _tables(_read(tmp_path, "1.1\tа\tб\tв\n1.2\tг\n"))
    assert _texts(table) == [["1.1", "а", "б", "в"], ["1.2", "г", "", ""]]


@pytest.mark.parametrize(
    ("row", "cells", "bold"),
    [
        ("1.1\t<p>первая строка</p><p>вторая строка</p>\t5", ["1.1", "первая строка\nвторая строка", "5"],
         [False, False, False]),
        ("1.1\tтекст\t<b>Итого</b>", ["1.1", "текст", "Итого"], [False, False, True]),
        ("1.1\tтекст [bookmark: _Toc1]здесь\t5", ["1.1", "текст здесь", "5"], [False, False, False]),
        ("1.1\t**жирный**\t5", ["1.1", "жирный", "5"], [False, True, False]),
    ],
)
def test_cell_markup(tmp_path, row, cells, bold):
    (table,) = _tables(_read(tmp_path, row + "\n"))
    (grid_row,) = table.grid()
    assert [c.text for c in grid_row] == cells
    assert [c.bold for c in grid_row] == bold


def test_separator_rows_are_dropped(tmp_path):
    (table,) = _tables(_read(tmp_path, "№\tНаименование\n--\t--\n1.1\tМера\n:---\t---:\n1.2\tЕщё\n"))
    assert _texts(table) == [["№", "Наименование"], ["1.1", "Мера"], ["1.2", "Ещё"]]


def test_markdown_bold_over_two_lines_is_one_bold_paragraph(tmp_path):
    layout = _read(tmp_path, "**Комплекс мер\nпо сокращению бедности**\n\nОбычный текст\n")
    paragraphs = _paragraphs(layout)
    assert [(p.text, p.bold) for p in paragraphs] == [
        ("Комплекс мер по сокращению бедности", True), ("Обычный текст", False),
    ]


@pytest.mark.parametrize(("line", "level", "text"), [("## Раздел I", 2, "Раздел I"), ("# Приложение", 1, "Приложение"),
                                                      ("Абзац", 0, "Абзац")])
def test_markdown_heading(tmp_path, line, level, text):
    (paragraph,) = _paragraphs(_read(tmp_path, line + "\n"))
    assert (paragraph.text, paragraph.heading) == (text, level)


def test_bookmark_removed_from_paragraph(tmp_path):
    (paragraph,) = _paragraphs(_read(tmp_path, "[bookmark: x]Утвердить комплекс мер\n"))
    assert paragraph.text == "Утвердить комплекс мер"


def test_one_cell_per_line_table(tmp_path):
    layout = _read(tmp_path, (
        "Перечень мероприятий\n"
        "\n"
        "\t№\n\tНаименование\n\tСрок\n\tИсполнитель\n"
        "\n"
        "\t1.1\n\tСоздание служб\n\t2020 г.\n\tминсоцзащиты края\n"
        "\n"
        "\t1.2\n"
        "\n"  # a blank line right after a lone row number, inside the row
        "\tОбучение\n"
        "специалистов\n"  # a cell continued on a line without a tab
        "\t2021 г.\n\tминобразования края\n"
        "\n"
        "После таблицы абзац\n"
    ))
    blocks = layout.blocks()
    assert [type(b).__name__ for b in blocks] == ["Paragraph", "Table", "Paragraph"]
    assert blocks[0].text == "Перечень мероприятий"
    assert blocks[2].text == "После таблицы абзац"
    assert _texts(blocks[1]) == [
        ["№", "Наименование", "Срок", "Исполнитель"],
        ["1.1", "Создание служб", "2020 г.", "минсоцзащиты края"],
        ["1.2", "Обучение\nспециалистов", "2021 г.", "минобразования края"],
    ]


def test_indented_paragraph_is_not_a_table(tmp_path):
    layout = _read(tmp_path, "\tУтвердить комплекс мер.\n\tКонтроль оставляю за собой.\n")
    assert not _tables(layout)
    assert [p.text for p in _paragraphs(layout)] == ["Утвердить комплекс мер.", "Контроль оставляю за собой."]


def test_cp1251_file_is_decoded(tmp_path):
    path = tmp_path / "order.txt"
    path.write_bytes("Распоряжение\n".encode("cp1251"))
    assert [p.text for p in _paragraphs(read_text(path))] == ["Распоряжение"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig", "utf-32"])
def test_a_text_with_a_byte_order_mark_is_decoded_by_it(tmp_path, encoding):
    path = tmp_path / "order.txt"
    text = "Распоряжение\n\n1.\tМероприятие\t2023 г.\n"
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")  # Python writes the others' marks itself
    path.write_bytes((bom + text).encode(encoding))

    layout = read_text(path)

    assert [p.text for p in _paragraphs(layout)][0] == "Распоряжение"
    assert [c.text for c in _tables(layout)[0].cells] == ["1.", "Мероприятие", "2023 г."]


@pytest.mark.parametrize("content", [b"", b"  \n\n\t \n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyInputError) as info:
        read_text(path)
    assert info.value.path == path


@pytest.mark.parametrize("content", [b"\x00\x01\x02PK\x03\x04binary", b"%PDF-1.4\n\x00\x00\xff"])
def test_binary_file(tmp_path, content):
    path = tmp_path / "binary.txt"
    path.write_bytes(content)
    with pytest.raises(CorruptFileError):
        read_text(path)


def test_a_text_past_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes("Распоряжение\n".encode() * (MAX_TEXT_MB * 2**20 // 20))

    with pytest.raises(InputError, match=rf"the text is \d+ MB; the text of one order is far under {MAX_TEXT_MB} MB"):
        read_text(path)


def test_a_line_ending_in_a_tab_is_no_table(tmp_path):
    """«- добровольцы;\t» in a list of target groups: the tab ends the line, no cell follows."""
    path = tmp_path / "order.txt"
    path.write_text("Целевые группы:\n- семьи с детьми;\n- добровольцы;\t\n- многодетные семьи.\n", encoding="utf-8")

    blocks = read_text(path).pages[0].blocks

    assert [type(b).__name__ for b in blocks] == ["Paragraph"] * 4
    assert blocks[2].text == "- добровольцы;"


def test_a_markdown_pipe_table_is_a_table(tmp_path):
    """«| № п/п | Наименование | … |» rows with their «|---|» separator: a table as tab rows are;
    a line with one pipe-bounded cell, or pipes inside prose, stays a paragraph."""
    layout = _read(tmp_path, "Комплекс мер\n\n"
                              "| № п/п | Наименование мероприятия | Объём, руб. |\n"
                              "|---|:---|---:|\n"
                              "| 1.1. | Выплата многодетным семьям | 1 250 000 |\n"
                              "| 1.2. | Летний отдых | 3 480 500 |\n\n"
                              "| только одна ячейка |\nвыбор a|b в тексте\n")
    (table,) = _tables(layout)
    assert _texts(table) == [["№ п/п", "Наименование мероприятия", "Объём, руб."],
                             ["1.1.", "Выплата многодетным семьям", "1 250 000"],
                             ["1.2.", "Летний отдых", "3 480 500"]]
    assert [p.text for p in _paragraphs(layout)][-2:] == ["| только одна ячейка |", "выбор a|b в тексте"]
