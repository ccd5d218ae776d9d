"""Layout → logical tables (pipeline/tables.py)."""
from __future__ import annotations

import pytest

from models.layout import Cell, Layout, LogicalTable, Page, Paragraph, Table
from pipeline.tables import (
    cell_texts,
    codes_closed_alike,
    drop_repeated_headers,
    fill_header_spans,
    is_column_number_row,
    is_ocr_noise,
    is_split_row,
    layout_to_logical,
    merge_rows,
    split_header,
)


def table(rows: list[list[str]], page: int) -> Table:
    return Table(cells=[Cell(t, r, k, page=page) for r, row in enumerate(rows) for k, t in enumerate(row)], page=page)


def row(*texts: str) -> list[Cell]:
    return [Cell(t, 0, k) for k, t in enumerate(texts)]


HEADER = [
    ["№", "Наименование показателя", "Базовое значение", "", "2020 год"],
    ["", "", "значение", "дата", ""],
]
NUMBERS = ["1", "2", "3", "4", "5"]


def _two_page_layout() -> Layout:
    page1 = table(HEADER + [NUMBERS,
                            ["1.1", "Доля семей", "10", "31.12.2019", "12"],
                            ["1.2", "Численность малоимущих", "200", "01.01.2020", ""]], 1)
    page2 = table([NUMBERS,
                   ["", "семей с детьми", "", "", "180"],
                   ["1.3", "Охват", "5", "31.12.2019", "6"]], 2)
    return Layout("order.txt", "text", [
        Page(1, [Paragraph("Таблица 2. Показатели", 1), page1]),
        Page(2, [page2, Paragraph("Губернатор края", 2)]),
    ])


def test_table_over_two_pages_is_one_logical_table():
    doc = layout_to_logical(_two_page_layout())
    assert doc.page_count == 2 and doc.source_file == "order.txt" and doc.format == "text"
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "LogicalTable", "Paragraph"]
    logical = doc.blocks[1]
    assert isinstance(logical, LogicalTable)
    assert logical.caption == "Таблица 2. Показатели"
    assert logical.n_cols == 5
    assert [cell_texts(r) for r in logical.body] == [
        ["1.1", "Доля семей", "10", "31.12.2019", "12"],
        ["1.2", "Численность малоимущих семей с детьми", "200", "01.01.2020", "180"],
        ["1.3", "Охват", "5", "31.12.2019", "6"],
    ]
    assert logical.body[1][1].text == "Численность малоимущих\nсемей с детьми"


def test_header_split_at_column_numbers_and_spans_filled():
    logical = layout_to_logical(_two_page_layout()).blocks[1]
    assert [cell_texts(r) for r in logical.header] == [
        ["№", "Наименование показателя", "Базовое значение", "Базовое значение", "2020 год"],
        ["", "", "значение", "дата", ""],
    ]
    assert logical.column_labels() == [
        "№", "Наименование показателя", "Базовое значение / значение", "Базовое значение / дата", "2020 год",
    ]


def test_tables_on_the_same_page_stay_apart():
    layout = Layout("x.txt", "text", [Page(1, [table([["1.1", "а", "б"]], 1), table([["2.1", "в", "г"]], 1)])])
    tables = [b for b in layout_to_logical(layout).blocks if isinstance(b, LogicalTable)]
    assert len(tables) == 2


def test_wider_fragment_on_next_page_starts_a_new_table():
    layout = Layout("x.txt", "text", [Page(1, [table([["№", "Мера"], ["1.1", "а"]], 1)]),
                                      Page(2, [table([["№", "А", "Б"], ["1", "x", "y"]], 2)])])
    tables = [b for b in layout_to_logical(layout).blocks if isinstance(b, LogicalTable)]
    assert len(tables) == 2


def test_repeated_header_on_next_page_is_dropped():
    header = ["№", "Наименование", "Срок"]
    layout = Layout("x.txt", "text", [
        Page(1, [table([header, ["1.1", "Мера", "2020"]], 1)]),
        Page(2, [table([header, ["1.2", "Другая мера", "2021"]], 2)]),
    ])
    (logical,) = layout_to_logical(layout).blocks
    assert [cell_texts(r) for r in logical.header] == [header]
    assert [cell_texts(r)[0] for r in logical.body] == ["1.1", "1.2"]


def test_new_section_with_empty_number_cell_is_not_merged():
    layout = Layout("x.txt", "text", [
        Page(1, [table([["№", "Наименование", "Срок"], ["1.1", "Мера", "2020"]], 1)]),
        Page(2, [table([["", "Задача 2. Информирование", ""], ["2.1", "Мера", "2021"]], 2)]),
    ])
    (logical,) = layout_to_logical(layout).blocks
    assert [cell_texts(r)[1] for r in logical.body] == ["Мера", "Задача 2. Информирование", "Мера"]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["1", "2", "3", "4", "5"], True),
        (["1", "2", "3", "", ""], True),
        (["1", "2"], False),
        (["1", "3", "4"], False),
        (["1.1", "2", "3"], False),
        (["1", "2", "3", "0", "5."], True),  # a scan's «4» read as «0», a speck as a dot
        (["1", "2", "0", "0", "5"], False),  # two misread in five: a row of values
        (["", "1", "2", "$", "4", "5", "Г.", ""], True),  # two misread, but four numbers name their columns
        (["", "1", "2", "$", "Г.", ""], False),  # only two numbers left to go by
    ],
)
def test_is_column_number_row(texts, expected):
    assert is_column_number_row(row(*texts)) is expected


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["", "семей с детьми", ""], True),
        (["1.2", "Мера", ""], False),
        (["", "", ""], False),
        (["", "Итого", "100"], False),
        (["", "Задача 2", ""], False),
        (["", "II. Раздел", ""], False),
        (["", "", "республиканский бюджет – 100"], False),  # a source's own row under the measure
        (["", "", "анский бюджет – 100"], True),  # the tail of «респуб-|ликанский», hyphenated at the break
    ],
)
def test_is_split_row(texts, expected):
    assert is_split_row(row(*texts)) is expected


def test_split_header_without_number_row_stops_at_first_code():
    rows = [row("№", "Мера", "Срок"), row("", "название", ""), row("1.1", "Мера", "2020"), row("1.2", "Ещё", "2021")]
    header, body = split_header(rows)
    assert [cell_texts(r) for r in header] == [["№", "Мера", "Срок"], ["", "название", ""]]
    assert [cell_texts(r)[0] for r in body] == ["1.1", "1.2"]


@pytest.mark.parametrize("section", ["I.", "Г.", "И.", "}.", "ЛУ."])
def test_a_section_row_ocr_misread_opens_the_body(section):
    """The first section's Roman number as OCR reads it in Cyrillic, or smudged past
    reading: the row is the body's first, never a second header row."""
    rows = [row("№ п/п", "Наименование мероприятия", "Срок"),
            row(section, "Оптимизация управленческой модели", "Оптимизация управленческой модели"),
            row("1.", "Разработка программы", "2025 год")]
    header, body = split_header(rows)
    assert [cell_texts(r)[0] for r in header] == ["№ п/п"]
    assert [cell_texts(r)[0] for r in body] == [section, "1."]


def test_a_sub_heading_row_of_quarters_stays_in_the_header():
    """«I кв.» under a year is a heading, not section I: only the number column holds sections."""
    rows = [row("№", "Мероприятие", "2019 год", ""), row("", "", "I кв.", "II кв."), row("1.1", "Семинар", "10,0", "20,0")]
    header, body = split_header(rows)
    assert len(header) == 2 and [cell_texts(r)[0] for r in body] == ["1.1"]


def test_a_header_repeated_with_other_ocr_misreadings_is_dropped():
    """Each page's scan of the repeated header comes out a little differently: a speck read
    as a quote, a letter misread."""
    header = [row("№ п/п", "Наименование мероприятия", "Ответственные исполнители", "Ожидаемый результат")]
    again = [row("№ п/п", "Наименование мероприятия", "„Ответственные исполнители", "“Ожидаемый резулътат"),
             row("2.", "Семинар", "Министерство", "Проведён")]
    assert [cell_texts(r)[0] for r in drop_repeated_headers(again, header)] == ["2."]
    other = [row("3.", "Наименование мероприятия", "Министерство", "Проведён")]
    assert drop_repeated_headers(other, header) == other


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ([["Базовое значение", "", "2020"], ["значение", "дата", ""]],
         [["Базовое значение", "Базовое значение", "2020"], ["значение", "дата", ""]]),
        # nothing below the empty cell: it stays empty
        ([["Мера", "", "Срок"], ["", "", ""]], [["Мера", "", "Срок"], ["", "", ""]]),
        # a single header row is left as is
        ([["Мера", "", "Срок"]], [["Мера", "", "Срок"]]),
    ],
)
def test_fill_header_spans(header, expected):
    rows = [row(*r) for r in header]
    assert [cell_texts(r) for r in fill_header_spans(rows)] == expected


def test_merge_rows():
    upper = row("1.2", "Численность", "", "10")
    lower = row("", "малоимущих", "200", "")
    upper[3].confidence, lower[1].confidence, upper[1].confidence = 0.9, 0.7, 0.95
    merged = merge_rows(upper, lower)
    assert [c.text for c in merged] == ["1.2", "Численность\nмалоимущих", "200", "10"]
    assert merged[1].confidence == 0.7


def test_a_header_repeated_on_a_later_page_is_dropped_even_when_cut_differently():
    header = [row("№", "Наименование", "Объем финансирования", "", ""),
              row("", "", "всего, тыс. рублей", "2019 г.", "2020 г.")]
    again = [row("№", "Наименование", "Объем финансирования", "", ""),
             row("", "", "всего, тыс.", "2019 г.", "2020 г."),
             row("1.2", "Семинар", "1,0", "0,5", "0,5")]
    assert [cell_texts(r) for r in drop_repeated_headers(again, header)] == [["1.2", "Семинар", "1,0", "0,5", "0,5"]]


def test_a_row_of_year_headings_under_a_spanning_caption_is_header():
    rows = [row("Показатель", "Единица измерения", "Значения по годам", ""),
            row("", "", "2020", "2021"),
            row("Доля семей", "процентов", "49,0", "47,5")]
    header, body = split_header(rows)
    assert len(header) == 2 and [cell_texts(r) for r in body] == [["Доля семей", "процентов", "49,0", "47,5"]]


def test_specks_read_as_letters_between_two_pages_of_a_table_do_not_split_it():
    layout = _two_page_layout()
    layout.pages[0].blocks.append(Paragraph("БТ г", 1))
    tables = [b for b in layout_to_logical(layout).blocks if isinstance(b, LogicalTable)]
    assert len(tables) == 1


def test_ocr_noise_between_fragments_does_not_split_the_table():
    """«НЫ шьт», read from a speck at the top of a scanned page, lies between a table and its continuation."""
    noise = Paragraph("НЫ шьт", 2, confidence=0.0)
    layout = Layout("x.scan.pdf", "scan", [
        Page(1, [table([["№", "Наименование", "Срок"], ["1.1", "Мера", "2020"]], 1)]),
        Page(2, [noise, table([["1.2", "Мера", "2021"]], 2)]),
    ])
    (logical,) = layout_to_logical(layout).blocks
    assert [cell_texts(r)[0] for r in logical.body] == ["1.1", "1.2"]
    assert not is_ocr_noise(Paragraph("г. Калуга", 2, confidence=0.9))  # a word of the language
    assert not is_ocr_noise(Paragraph("НЫ шьт", 2))  # a digital page prints what it means


def test_an_unread_ruled_area_is_a_review_issue_at_its_page():
    """What the reader could not read into cells is not lost: the document says where it is."""
    from models.layout import BBox
    from pipeline.parse.document import parse_document

    area = BBox(300, 600, 720, 960)
    layout = Layout("x.scan.pdf", "scan", [
        Page(1, [Paragraph("ПРИКАЗ", 1), Paragraph("от 14.03.2024 № 112-п", 1)]),
        Page(2, [table([["№", "Наименование", "Срок"], ["1.1", "Мера", "2020"]], 2)], unread_tables=[area]),
    ])
    issues = parse_document(layout_to_logical(layout)).issues
    unread = [i for i in issues if i.where == "page 2"]
    assert len(unread) == 1 and "could not be read" in unread[0].detail
    assert (unread[0].provenance.page, unread[0].provenance.bbox) == (2, area)


def test_a_short_word_a_digital_file_wrapped_onto_its_own_line_is_kept():
    """«на» alone on a line inside a wrapped title is a word of it; a scan's speck read as «на» is not."""
    layout = Layout("x.docx", "docx", [Page(1, [Paragraph("Комплекс мер по поддержке семей", 1), Paragraph("на", 1),
                                                Paragraph("на", 1, confidence=0.4)])])
    assert [b.text for b in layout_to_logical(layout).blocks] == ["Комплекс мер по поддержке семей", "на"]


@pytest.mark.parametrize("codes,expected", [
    # a comma, a colon or two dots read for a code's last dot, in a column that closes codes with one
    (["1.1.", "1.2,", "1.3.", "1.4..", "1.5.", "1.6:", "1.7.", "1.8"],
     ["1.1.", "1.2.", "1.3.", "1.4.", "1.5.", "1.6.", "1.7.", "1.8"]),  # «1.8» as read: orders print both
    # the column prints codes without it: the mark is a speck
    (["2.1", "2.2,", "2.3", "2.4"], ["2.1", "2.2", "2.3", "2.4"]),
    # a column with as many codes either way tells nothing
    (["3.1.", "3.2", "3.3,", "3.4.", "3.5"], ["3.1.", "3.2", "3.3,", "3.4.", "3.5"]),
])
def test_codes_read_with_another_closing_mark_close_as_their_column(codes, expected):
    body = [[Cell(code, r, 0, confidence=0.9), Cell("Мероприятие", r, 1, confidence=0.9)] for r, code in enumerate(codes)]
    assert [row[0].text for row in codes_closed_alike(body)] == expected


def test_a_digital_file_s_codes_are_kept_as_printed():
    body = [[Cell(code, r, 0), Cell("Мероприятие", r, 1)] for r, code in enumerate(["1.1.", "1.2,", "1.3.", "1.4."])]
    assert [row[0].text for row in codes_closed_alike(body)] == ["1.1.", "1.2,", "1.3.", "1.4."]
