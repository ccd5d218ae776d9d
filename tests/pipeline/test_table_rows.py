"""Body rows → what each row is → one funding row per printed amount
(pipeline/parse/table_rows.py)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from models.layout import Cell, LogicalTable
from models.records import IssuePlace
from pipeline.parse.columns import read_columns
from pipeline.parse.table_rows import (
    TableRecords,
    cell_facts,
    flag_unsure_cells,
    read_indicator_table,
    read_measure_table,
    row_dimensions,
)

HEADER = ["№", "Наименование мероприятия", "Исполнитель", "Всего, тыс. рублей", "2019 год", "2020 год"]


def table(body: list[list[str]], header: list[str] = HEADER) -> LogicalTable:
    def cells(rows, offset=0):
        return [[Cell(t, r + offset, k) for k, t in enumerate(row)] for r, row in enumerate(rows)]
    return LogicalTable(cells([header]), cells(body, 1), len(header))


@pytest.mark.parametrize(("row", "kind", "measure", "task", "source"), [
    (["1.1", "Семинар", "Министерство", "1,0", "0,5", "0,5"], "measure", "1.1", "1", None),
    (["", "Задача 2. Поддержка семей", "", "", "", ""], "task", None, "2", None),
    (["II.", "Поддержка семей", "", "", "", ""], "task", None, "2", None),
    (["", "Итого по задаче 2", "", "1,0", "0,5", "0,5"], "subtotal", None, "2", None),
    (["", "Всего по подпрограмме 1", "", "1,0", "0,5", "0,5"], "subtotal", None, "1", None),
    (["", "Итого по разделу III", "", "1,0", "0,5", "0,5"], "subtotal", None, "3", None),
    (["Итого по комплексу мер", "", "", "1,0", "0,5", "0,5"], "total", None, None, None),
    (["ВСЕГО", "", "", "1,0", "0,5", "0,5"], "total", None, None, None),
])
def test_row_kinds(row, kind, measure, task, source):
    (read,) = row_dimensions(table([row]), read_columns(table([row])))
    assert (read.kind, read.measure_code, read.task_code, read.source) == (kind, measure, task, source)


def test_source_rows_continue_the_measure_above():
    body = [["1.1", "Семинар", "Министерство", "", "", ""],
            ["", "всего, в том числе:", "", "3,0", "1,0", "2,0"],
            ["", "федеральный бюджет (в соответствии с соглашением)", "", "1,0", "0,5", "0,5"],
            ["", "областной бюджет", "", "2,0", "0,5", "1,5"]]
    rows = row_dimensions(table(body), read_columns(table(body)))
    assert [(r.kind, r.measure_code, r.source and r.source[0]) for r in rows] == [
        ("measure", "1.1", None), ("part", "1.1", "all"), ("part", "1.1", "federal_budget"),
        ("part", "1.1", "regional_budget")]


def facts(body: list[list[str]], header: list[str] = HEADER) -> tuple[set[tuple], TableRecords]:
    out = TableRecords()
    read_measure_table(table(body, header), read_columns(table(body, header)), 1, out)
    return {(f.measure_code, f.task_code, f.year, f.period, f.basis, f.source, f.amount_rub) for f in out.funding}, out


def test_every_amount_is_one_fact_with_its_coordinates():
    found, out = facts([["1.1", "Семинар", "Министерство", "1,5", "0,5", "1,0"],
                        ["", "Итого по задаче 1", "", "1,5", "0,5", "1,0"]])
    assert found == {("1.1", None, None, None, "plan", "all", Decimal("1500")),
                     ("1.1", None, 2019, None, "plan", "all", Decimal("500")),
                     ("1.1", None, 2020, None, "plan", "all", Decimal("1000")),
                     (None, "1", None, None, "plan", "all", Decimal("1500")),
                     (None, "1", 2019, None, "plan", "all", Decimal("500")),
                     (None, "1", 2020, None, "plan", "all", Decimal("1000"))}
    assert not out.issues


@pytest.mark.parametrize("no_value", ["–", "-", "х", "x", "—"])
def test_a_dash_or_x_is_no_value(no_value):
    found, out = facts([["1.1", "Семинар", "Министерство", "1,0", no_value, "1,0"]])
    assert {f[2] for f in found} == {None, 2020} and not out.issues


def test_text_in_a_money_column_is_an_issue_at_its_place_never_a_number():
    found, out = facts([["1.1", "Семинар", "Министерство", "в пределах средств", "0,5", "0,5"]])
    assert {f[2] for f in found} == {2019, 2020}
    (issue,) = out.issues
    assert issue.kind == "unread_value" and issue.where == "funding 1.1"
    assert "table 1, row 1, column «Всего, тыс. рублей»" in issue.detail


def test_plan_and_fact_under_a_year():
    header = ["№", "Мероприятие", "Исполнитель", "2019 год", ""]
    sub = ["", "", "", "план", "факт"]
    t = LogicalTable([[Cell(x, 0, k) for k, x in enumerate(header)], [Cell(x, 1, k) for k, x in enumerate(sub)]],
                     [[Cell(x, 2, k) for k, x in enumerate(["1.1", "Семинар", "Министерство", "10", "8"])]], 5,
                     caption="(рублей)")
    t.header[0][4] = t.header[0][3]  # «2019 год» spans both
    out = TableRecords()
    read_measure_table(t, read_columns(t), 1, out)
    assert {(f.year, f.basis, f.amount_rub) for f in out.funding} == {(2019, "plan", 10), (2019, "fact", 8)}


def test_deadline_start_and_end_columns_give_one_deadline():
    header = ["№", "Мероприятие", "Срок начала", "Срок окончания", "Исполнитель"]
    out = TableRecords()
    t = table([["1", "Семинар", "01.02.2020", "31.12.2021", "Министерство"]], header)
    read_measure_table(t, read_columns(t), 1, out)
    (m,) = out.measures
    assert (m.deadline, str(m.deadline_start), str(m.deadline_end)) == ("01.02.2020 – 31.12.2021", "2020-02-01",
                                                                        "2021-12-31")


def test_cell_facts_reads_a_cell_merged_over_rows_once():
    body = [["2.2", "Занятия", "Центр", "3,0", "1,0", "2,0"], ["2.3", "Прокат", "Центр", "", "", ""]]
    t = table(body)
    for k in (3, 4, 5):  # the amounts merged down over 2.3
        t.body[1][k] = t.body[0][k]
    out = TableRecords()
    cols = read_columns(t)
    cell_facts(row_dimensions(t, cols), cols, 1, out)
    assert {f.measure_code for f in out.funding} == {"2.2"} and len(out.funding) == 3


def test_an_amount_cell_over_two_year_columns_is_an_issue_not_one_year_s_amount():
    """Two amount cells whose ruling faded on a scan come out as one cell over both year
    columns, read as one long number: it says for neither year what it is."""
    body = [["2.1", "Обучение", "Центр", "5 963 780", "3 048 720 2 915 060", ""],
            ["2.2", "Семинар", "Центр", "3,0", "1,0", "2,0"]]
    t = table(body)
    t.body[0][5] = t.body[0][4]  # one cell over «2019 год» and «2020 год»
    out = TableRecords()
    cols = read_columns(t)
    cell_facts(row_dimensions(t, cols), cols, 1, out)
    assert {(f.measure_code, f.year) for f in out.funding if f.measure_code == "2.1"} == {("2.1", None)}
    (issue,) = out.issues
    assert issue.kind == "unread_value" and "spans the amount columns" in issue.detail


def test_an_unsure_cell_is_named_by_its_column():
    """Two «-» in one row: the reviewer is told which of them OCR was unsure of."""
    row = [Cell("1.2", 0, 0, confidence=0.95), Cell("-", 0, 1, confidence=0.9), Cell("-", 0, 2, confidence=0.61)]
    issues = []
    flag_unsure_cells(row, IssuePlace("measure", "1.2"), issues)
    assert [i.detail for i in issues] == ["column 3: «-» read with confidence 0.61"]


def test_two_columns_with_the_same_dimensions_are_issues_not_amounts_stored_twice():
    header = ["№", "Мероприятие", "Исполнитель", "Всего", "бюджет ?", "бюджет ?"]  # unreadable source headings
    found, out = facts([["1", "Семинар", "Министерство", "3", "1", "2"]], header)
    assert {f[6] for f in found} == {Decimal("3")}  # «Всего»; the others say no source the reader knows
    assert [i.kind for i in out.issues] == ["unread_value", "unread_value"]
    assert all("same year and source" in i.detail for i in out.issues)


def test_an_indicator_table_with_two_number_columns_takes_the_first_as_the_code():
    header = ["№ п/п", "Код показателя", "Наименование показателя", "Единица измерения", "2019", "2020"]
    t = table([["1", "П-01", "Число семинаров", "единиц", "3", "4"]], header)
    out = TableRecords()
    read_indicator_table(t, read_columns(t), 1, out)
    (indicator,) = out.indicators
    assert (indicator.code, [(v.period, v.value) for v in indicator.values]) == ("1", [("2019", "3"), ("2020", "4")])
    assert not out.issues



def test_indicator_values_keep_their_words_and_a_yes_no_answer():
    """«не менее 85» stays three words (its number and bound are read from them), «нет»
    is the answer of a yes/no indicator, not an empty cell; digits close up as before."""
    header = ["№", "Наименование показателя", "Единица измерения", "Базовое значение", "2024", "2025"]
    t = table([["1", "Охват семей", "%", "70,5", "не менее 85", "не  более 60,5 %"],
               ["2", "Создан центр", "да/нет", "нет", "да", "—"],
               ["3", "Число семей", "единиц", "1 100", "1 200", "1 300"]], header)
    out = TableRecords()
    read_indicator_table(t, read_columns(t), 1, out)
    assert [(i.base_value, [v.value for v in i.values]) for i in out.indicators] == [
        ("70.5", ["не менее 85", "не более 60.5%"]), ("нет", ["да"]), ("1100", ["1200", "1300"])]


def test_a_point_after_an_indicator_value_is_not_part_of_it():
    """«600.», «4:» on a scan: a speck after the number (a value cell ends no sentence)."""
    header = ["№", "Наименование показателя", "Единица измерения", "2024", "2025"]
    t = table([["1", "Число семей", "единиц", "600.", "4:"], ["2", "Доля семей", "%", "20,5.", "не менее 7."]], header)
    out = TableRecords()
    read_indicator_table(t, read_columns(t), 1, out)
    assert [[v.value for v in i.values] for i in out.indicators] == [["600", "4"], ["20.5", "не менее 7"]]


def test_a_task_heading_that_prints_amounts_is_the_task_subtotal():
    found, out = facts([["", "Задача 1. Поддержка семей", "", "1,5", "0,5", "1,0"],
                        ["1.1", "Семинар", "Министерство", "1,5", "0,5", "1,0"]])
    assert (None, "1", 2019, None, "plan", "all", Decimal("500")) in found
    assert ("1.1", None, 2019, None, "plan", "all", Decimal("500")) in found
    assert not out.issues


def sections_read_as(second_number: str) -> TableRecords:
    """Section II with one measure «1.», then a section whose number OCR read as
    `second_number`, with one measure «1.» (measures numbered within their section)."""
    def heading(code: str, title: str, r: int) -> list[Cell]:
        spanning = Cell(title, r, 1, col_span=len(HEADER) - 1)
        return [Cell(code, r, 0)] + [spanning] * (len(HEADER) - 1)

    def measure() -> list[Cell]:
        return table([["1.", "Семинар", "Министерство", "1,0", "0,5", "0,5"]]).body[0]

    body = [heading("II.", "Межведомственное взаимодействие", 1), measure(),
            heading(second_number, "Организация работы службы", 3), measure()]
    logical = LogicalTable(table([]).header, body, len(HEADER))
    out = TableRecords()
    read_measure_table(logical, read_columns(logical), 1, out)
    return out


def test_a_section_number_ocr_could_not_read_is_the_next_one_and_an_issue():
    """«ШВ» for «III.»: a heading across the row after section II is section 3, for a reviewer to confirm."""
    out = sections_read_as("ШВ")
    assert [(t.code, t.title) for t in out.tasks] == [("2", "Межведомственное взаимодействие"),
                                                      ("3", "Организация работы службы")]
    assert [m.code for m in out.measures] == ["2.1", "3.1"]
    assert [(i.kind, i.where) for i in out.issues if "ШВ" in i.detail] == [("ocr_suspect", "task 3")]


def test_a_section_number_read_as_an_earlier_one_is_the_next_one_and_an_issue():
    """Sections never repeat or go back: «И.» (III. misread as II.) after section II is
    section 3, and its section-local measures are 3.1, not 2.2."""
    out = sections_read_as("И.")
    assert [t.code for t in out.tasks] == ["2", "3"]
    assert [m.code for m in out.measures] == ["2.1", "3.1"]
    assert [i.detail for i in out.issues if i.where == "task 3"] == [
        "section number printed as «И.»; the sections before it give 3"]


def test_a_section_number_printed_in_latin_numerals_or_digits_is_kept_as_printed():
    """Tasks numbered anew (in each subprogramme): a clean «I.» after II. is section 1."""
    out = sections_read_as("I.")
    assert [t.code for t in out.tasks] == ["2", "1"] and not [i for i in out.issues if i.where.startswith("task")]


def test_a_numbered_heading_that_spans_nothing_is_a_task():
    """«1. | Поддержка семей» in the code and title columns only (a table ruled across only),
    followed by 1.1 and 1.2: the task they belong to, not a measure «1»."""
    found, out = facts([["1.", "Поддержка семей", "", "", "", ""],
                        ["1.1", "Семинар", "Министерство", "1,0", "0,5", "0,5"],
                        ["1.2", "Выставка", "Министерство", "2,0", "1,0", "1,0"]])
    assert [(t.code, t.title) for t in out.tasks] == [("1", "Поддержка семей")]
    assert [m.code for m in out.measures] == ["1.1", "1.2"]
    assert not [i for i in out.issues if i.kind == "unread_value"]


RUBLES = ["№", "Наименование мероприятия", "Всего, рублей", "2020 год", "2021 год"]


def test_a_misread_source_row_number_is_filed_under_the_measure_above():
    found, out = facts([["1.7", "Семинар", "", "", ""],
                        ["17.1.", "Грант Фонда", "200", "100", "100"],  # «1.7.1.» with a dot lost
                        ["1.7.2", "Собственные средства", "0", "0", "0"],
                        ["1.8", "Лекторий", "", "", ""],
                        ["1.9.1", "Грант Фонда", "50", "50", "0"]], RUBLES)  # the row of measure 1.9 lost
    assert {(code, source, amount) for code, _, year, _, _, source, amount in found if year is None} == {
        ("1.7", "fund_grant", Decimal(200)), ("1.7", "own_funds", Decimal(0)), ("1.9", "fund_grant", Decimal(50))}
    (issue,) = out.issues
    assert (issue.kind, issue.where) == ("ocr_suspect", "funding 1.7") and "«17.1.»" in issue.detail


def test_amounts_follow_their_measure_when_the_numbering_mends_its_code():
    printed = [f"5.{n}" for n in range(1, 10)] + ["5.1", "5.11"]  # «5.10» with its last digit lost
    found, out = facts([[code, f"Мероприятие {n}", str(n), str(n), "0"] for n, code in enumerate(printed, 1)], RUBLES)
    assert {(code, amount) for code, _, year, _, _, _, amount in found if year is None} == {
        (f"5.{n}", Decimal(n)) for n in range(1, 12)}
    assert [m.code for m in out.measures] == [f"5.{n}" for n in range(1, 12)]


def test_a_scanned_amount_is_mended_only_where_it_can_mean_one_number_and_flagged():
    body = [["1.1", "Семинар", "2.000 000", "1 000 000", "©"]]
    scanned = table(body, RUBLES)
    for row in scanned.body:
        for cell in row:
            cell.confidence = 0.9
    out = TableRecords()
    read_measure_table(scanned, read_columns(scanned), 1, out)
    assert {(f.year, f.amount_rub) for f in out.funding} == {(None, Decimal(2000000)), (2020, Decimal(1000000)),
                                                            (2021, Decimal(0))}
    assert [i.kind for i in out.issues] == ["ocr_suspect", "ocr_suspect"]
    assert "«2.000 000» read as «2 000 000»" in out.issues[0].detail
    found, out = facts(body, RUBLES)  # the same text printed in a digital file is not guessed at
    assert {f[2] for f in found} == {2020} and {i.kind for i in out.issues} == {"unread_value"}


def test_a_section_heading_ocr_misnumbered_takes_the_number_of_its_measures():
    body = table([["1.1", "Семинар", "Министерство", "1,0", "0,5", "0,5"],
                  ["", "", "", "", "", ""],
                  ["3.1", "Лекторий", "Министерство", "1,0", "0,5", "0,5"],
                  ["", "", "", "", "", ""],
                  ["4.1", "Форум", "Министерство", "1,0", "0,5", "0,5"]])
    for r, printed in ((1, "11. Создание информационных ресурсов для семей"),  # III. read as «11.»
                       (3, "Г. Выявление целевых категорий клиентов")):  # IV. read as «Г.»
        heading = Cell(printed, r + 1, 0, col_span=len(HEADER))
        body.body[r] = [heading] * len(HEADER)
    out = TableRecords()
    read_measure_table(body, read_columns(body), 1, out)
    assert [(t.code, t.title) for t in out.tasks] == [("3", "Создание информационных ресурсов для семей"),
                                                     ("4", "Выявление целевых категорий клиентов")]
    assert [(m.code, m.task_code) for m in out.measures] == [("1.1", "1"), ("3.1", "3"), ("4.1", "4")]
    assert ["«11.»; its measures give 3" in i.detail or "«Г.»; its measures give 4" in i.detail
            for i in out.issues] == [True, True]
