"""Headings → column tree → paths → roles and dimensions (pipeline/parse/columns.py)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from models.layout import Cell, LogicalTable
from pipeline.parse.columns import column_paths, column_tree, read_columns


def grid(rows: list[list[str]]) -> list[list[Cell]]:
    return [[Cell(t, r, k) for k, t in enumerate(row)] for r, row in enumerate(rows)]


def spanning_header() -> list[list[Cell]]:
    """«Объем финансирования» over «Всего | 2019 г. | 2020 г.», «№» spanning both rows."""
    number = Cell("№", 0, 0, row_span=2)
    money = Cell("Объем финансирования", 0, 1, col_span=3)
    return [[number, money, money, money],
            [number, Cell("Всего", 1, 1), Cell("2019 г.", 1, 2), Cell("2020 г.", 1, 3)]]


def test_column_tree_spans_children_and_keeps_a_row_spanning_cell_once():
    tree = column_tree(spanning_header())
    assert [(n.text, n.first, n.last, [c.text for c in n.children]) for n in tree] == [
        ("№", 0, 0, []), ("Объем финансирования", 1, 3, ["Всего", "2019 г.", "2020 г."])]


def test_column_paths_read_from_the_root_down():
    assert column_paths(column_tree(spanning_header()), 4) == [
        ("№",), ("Объем финансирования", "Всего"), ("Объем финансирования", "2019 г."),
        ("Объем финансирования", "2020 г.")]


def columns_of(header: list[list[str]], body: list[list[str]] | None = None, caption: str = ""):
    n = len(header[0])
    return read_columns(LogicalTable(grid(header), grid(body or [["1"] + [""] * (n - 1)]), n, caption))


# One heading (or heading path) per row: what the column holds.
@pytest.mark.parametrize(("heading", "role"), [
    ("№ п/п", "code"), ("N", "code"), ("Номер показателя", "code"), ("п/п", "code"),
    ("Наименование мероприятия", "title"), ("Мероприятие", "title"), ("Содержание мероприятий", "title"),
    ("Индикатор", "title"), ("Показатель (индикатор) (наименование)", "title"),
    ("Наименование задачи, мероприятия и источники финансирования", "title"),
    ("Исполнитель", "executor"), ("Ответственные исполнители", "executor"), ("Участники", "executor"),
    ("Срок исполнения", "deadline"), ("Сроки реализации", "deadline"), ("Год реализации", "deadline"),
    ("Ожидаемый результат", "result"), ("Единица измерения", "unit"), ("Ед. изм.", "unit"),
    ("Источник финансирования", "source_name"),
    ("Объем финансирования, тыс. рублей", "amount"), ("Финансовое обеспечение", "amount"),
    ("Стоимость мероприятия", "amount"), ("Объем финансирования на реализацию мероприятия", "amount"),
])
def test_a_heading_names_the_role_of_its_column(heading, role):
    cols = columns_of([["№ п/п" if heading != "№ п/п" else "Наименование", heading, "Исполнитель"]])
    assert cols.columns[1].role == role


@pytest.mark.parametrize(("path", "expected"), [
    (["2019 год"], (2019, None, "plan", "all")),
    (["2019 г."], (2019, None, "plan", "all")),
    (["2021 (прогноз)"], (2021, None, "plan", "all")),
    (["2019 год", "I кв."], (2019, "2019-Q1", "plan", "all")),
    (["2019 год", "4 квартал"], (2019, "2019-Q4", "plan", "all")),
    (["2019 год", "I–IV квартал"], (2019, None, "plan", "all")),
    (["2020", "1 полугодие"], (2020, "2020-H1", "plan", "all")),
    (["2020", "9 месяцев"], (2020, "2020-9M", "plan", "all")),
    (["2020", "Г кв."], (2020, "2020-Q1", "plan", "all")),  # Roman numerals as scans misread them
    (["2020", "И полугодие"], (2020, "2020-H2", "plan", "all")),
    (["2020", "Ш квартал"], (2020, "2020-Q3", "plan", "all")),
    (["2020", "II полугодме"], (2020, "2020-H2", "plan", "all")),  # «и» of полугодие misread
    (["2019 год", "план"], (2019, None, "plan", "all")),
    (["2019 год", "факт"], (2019, None, "fact", "all")),
    (["2019 год", "исполнено"], (2019, None, "fact", "all")),
    (["Освоено в 2020 году"], (2020, None, "fact", "all")),
    (["Всего"], (None, None, "plan", "all")),
    (["Объем финансирования – всего"], (None, None, "plan", "all")),
    (["в том числе за счет средств", "областного бюджета"], (None, None, "plan", "regional_budget")),
    (["федеральный бюджет"], (None, None, "plan", "federal_budget")),
    (["2020 год", "средства местных бюджетов"], (2020, None, "plan", "local_budget")),
    (["внебюджетные источники"], (None, None, "plan", "extrabudgetary")),
])
def test_money_heading_paths_give_dimensions(path, expected):
    header = [["Наименование мероприятия", "Исполнитель", "Объем финансирования"]]
    header = [row + [""] * (len(path) - 1) for row in header]
    levels = [[""] * 2 + [level] for level in path]
    rows = [["Наименование мероприятия", "Исполнитель", "Объем финансирования"]] + levels if len(path) > 1 else \
        [["Наименование мероприятия", "Исполнитель", path[0]]]
    column = columns_of(rows).columns[2]
    assert column.role == "amount"
    assert (column.year, column.period, column.basis, column.source) == expected


@pytest.mark.parametrize(("header", "caption", "scale"), [
    (["Мероприятие", "Исполнитель", "Всего, тыс. рублей"], "", Decimal(1000)),
    (["Мероприятие", "Исполнитель", "Всего"], "(тыс. рублей)", Decimal(1000)),
    (["Мероприятие", "Исполнитель", "Объем, млн руб."], "", Decimal(1_000_000)),
    (["Мероприятие", "Исполнитель", "Всего, рублей"], "", Decimal(1)),
])
def test_scale_from_the_heading_or_the_caption(header, caption, scale):
    assert columns_of([header], caption=caption).columns[2].scale == scale


def test_a_scale_stated_over_one_column_holds_for_the_table():
    cols = columns_of([["Мероприятие", "Исполнитель", "Всего, тыс. рублей", "2019 год"]])
    assert [c.scale for c in cols.of("amount")] == [Decimal(1000), Decimal(1000)]


def test_deadline_split_into_start_and_end():
    cols = columns_of([["Мероприятие", "Срок реализации", "", "Исполнитель"],
                       ["", "начало", "окончание", ""]])
    assert [c.role for c in cols.columns] == ["title", "deadline_start", "deadline_end", "executor"]
    assert cols.kind == "measures"


@pytest.mark.parametrize(("header", "body", "kind"), [
    ([["№", "Наименование мероприятия", "Срок", "Исполнитель"]], None, "measures"),
    ([["№", "Наименование мероприятия", "2019", "2020"]], None, "indicators"),
    ([["№", "Наименование мероприятия", "Всего", "2019", "2020"]], [["1", "Семинар", "1,0", "0,5", "0,5"]], "funding"),
    ([["Показатель", "Единица измерения", "2019 год"]], None, "indicators"),
    ([["Должность", "Подпись"]], None, "other"),
])
def test_table_kind(header, body, kind):
    assert columns_of(header, body, caption="Объем финансирования" if kind == "funding" else "").kind == kind


def test_an_unlabelled_column_of_codes_is_the_code_column():
    cols = columns_of([["", "Показатель", "Единица измерения", "2019"]],
                      [["1", "Число семинаров", "единиц", "3"], ["2", "Доля семей", "%", "40"]])
    assert [c.role for c in cols.columns] == ["code", "title", "unit", "value"]


def test_a_column_of_codes_under_a_garbled_heading_with_one_garbled_code_is_the_code_column():
    body = [["1.1", "Число семинаров", "единиц", "3"], ["1.2", "Доля семей", "%", "40"],
            ["[1.3", "Охват", "%", "5"], ["1.4", "Число", "единиц", "1"], ["1.5", "Доля", "%", "2"]]
    cols = columns_of([["Мол.", "Показатель", "Единица измерения", "2019"]], body)
    assert [c.role for c in cols.columns] == ["code", "title", "unit", "value"]


def test_a_heading_over_a_range_of_years_is_the_whole_period():
    column = columns_of([["Мероприятие", "Исполнитель", "Объем финансирования на 2019–2021 годы, тыс. руб."]]).columns[2]
    assert (column.role, column.year, column.scale) == ("amount", None, Decimal(1000))


def test_a_column_of_years_one_a_row_is_the_year_column_beside_a_deadline():
    cols = columns_of([["№", "Мероприятие", "Срок реализации", "Год реализации", "Объем, тыс. руб."]],
                      [["1.1", "Семинар", "2022 г.", "2021", "1,0"], ["", "", "", "2022", "2,0"]])
    assert [c.role for c in cols.columns] == ["code", "title", "deadline", "year", "amount"]


def test_a_code_heading_may_name_what_it_numbers():
    cols = columns_of([["№ п/п", "Код целевого показателя", "Наименование показателя", "Ед. изм.", "2021"]])
    assert [c.role for c in cols.columns] == ["code", "code", "title", "unit", "value"]
