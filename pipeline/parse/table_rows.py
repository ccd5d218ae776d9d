"""Rows of measure, funding and indicator tables → records.

The chain, per table, after the columns are read (pipeline.parse.columns):
`row_dimensions → cell_facts`, then records. `row_dimensions` says what each body
row is — a task heading, a measure, a subtotal of a section, the document total, or
a part of the row above (an amount by source, a year) — keeping the current task so
that section-local numbers (`II.` then `1.`, `2.`) get their full code (`2.1`).
`cell_facts` turns every printed amount into one funding row with all its
coordinates: owner, year, part of the year, basis, source. Every non-empty cell
ends up in a record or in an `unread_value` issue naming its table, row and column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from models.layout import SURE_CONFIDENCE, Cell, LogicalTable
from models.records import (
    FundingRow, Indicator, IndicatorValue, IssuePlace, Measure, Provenance, ReviewIssue, Task, ValueRef,
    funding_value_key,
)
from normalizers import lexicon
from normalizers.codes import UNKNOWN, Code, parse_code, repair_sequence, rest_after_code, roman_to_int, successors
from normalizers.money import MoneyPart, mend_scanned_number, read_money_cell
from normalizers.periods import deadline_bounds, parse_date
from normalizers.sources import classify_source, source_label
from normalizers.text import clean
from normalizers.units import correct_unit
from pipeline.parse.columns import Column, Columns
from pipeline.tables import merge_rows

_BASE_IN_TITLE = re.compile(
    r"базов\w*\s+значени\w*\s*(?:по\s+состоянию\s+)?(?:на\s+)?(?P<date>.{4,40}?)\s*[-–—:]\s*(?P<value>\d[\d\s]*(?:[.,]\d+)?%?)",
    re.I,
)


@dataclass
class TableRecords:
    tasks: list[Task] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    funding: list[FundingRow] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    issues: list[ReviewIssue] = field(default_factory=list)


@dataclass
class Row:
    """What one body row is, and whose amounts it prints."""

    cells: list[Cell]
    texts: list[str]
    kind: str = "other"  # task | measure | subtotal | total | part | blank | other
    code: Code | None = None  # as printed
    measure_code: str | None = None  # full code of the measure the amounts belong to
    task_code: str | None = None  # the task heading's code, or the section a subtotal closes
    title: str | None = None
    year: int | None = None  # the year the row's amounts are for (years printed as rows)
    source: tuple[str, str] | None = None  # (source, label) the row's amounts are of
    read: set[int] = field(default_factory=set)  # columns whose text the row's kind accounts for
    numbered_under: str | None = None  # the measure a source row's printed code names, where not its own
    printed_number: str | None = None  # a section heading's number as printed, where `number_given_by` gives another
    number_given_by: str = "its measures"


# A section number OCR could not read («ШВ» for III., «у.» for V.): a short smudge, no word.
_SMUDGED_SECTION = re.compile(r"\s*[^\s\d]{1,3}\.?\s*|\s*\W\d\.?\s*")


def strip_task_title(title: str) -> str:
    """`«Организация …»` → `Организация …`: outer quotes and the trailing dot go."""
    title = clean(title).rstrip(".").strip()
    opened, closed = title.count("«"), title.count("»")
    if title.startswith("«") and title.endswith("»") and opened == closed:
        title = title[1:-1]
    elif title.startswith("«") and opened > closed:
        title = title[1:]
    elif title.endswith("»") and closed > opened:
        title = title[:-1]
    return title.strip().rstrip(".").strip()


def _provenance(cell: Cell) -> Provenance:
    return Provenance(page=cell.page, bbox=cell.bbox, raw_text=cell.text, confidence=cell.confidence)


def _texts(row: list[Cell]) -> list[str]:
    """Cleaned cell texts; a cell spanning several columns counts in its first one only."""
    return ["" if k and c is row[k - 1] else clean(c.text) for k, c in enumerate(row)]


def _one_printed_cell(row: Row) -> bool:
    """All the row's text is in one cell (a heading across the row)."""
    return len({id(row.cells[k]) for k, t in enumerate(row.texts) if t}) == 1


def _get(texts: list[str], k: int | None) -> str:
    return texts[k] if k is not None and k < len(texts) else ""


def _section_number(text: str) -> str:
    """`II` → `2`; `3` → `3`."""
    return str(roman_to_int(text)) if re.fullmatch(r"[IVXLC]+", text, re.I) else text


# --------------------------------------------------------------------------- row_dimensions

def row_dimensions(table: LogicalTable, cols: Columns) -> list[Row]:
    """What every body row is: one walk that keeps the current task and the row whose
    amounts the following part rows (sources, years) continue."""
    return _RowWalk(cols).walk(table.body)


class _RowWalk:
    def __init__(self, cols: Columns):
        self.cols = cols
        self.task_code: str | None = None
        self.section_local = False  # measures numbered 1, 2, … inside each section
        self.owner: Row | None = None

    def walk(self, body: list[list[Cell]]) -> list[Row]:
        rows = [self.read(Row(cells, _merged_down_blank(cells, above, self.cols)))
                for cells, above in zip(body, [None] + body[:-1])]
        _years_as_rows(rows, self.cols)
        _headings_among_measures(rows, self.cols)
        _sections_numbered_by_their_measures(rows)
        return rows

    def read(self, row: Row) -> Row:
        """What the row is: the first reading that fits it wins."""
        if not any(row.texts):
            row.kind = "blank"
            return row
        source_name = _get(row.texts, self.cols.first("source_name"))
        if source_name:
            row.read.add(self.cols.first("source_name"))
            row.source = _row_source(source_name)
        return self._as_task(row) or self._as_total(row) or self._as_measure(row) or self._as_part(row) or row

    def _as_task(self, row: Row) -> Row | None:
        """A task or section heading (a heading that prints amounts prints the task's
        subtotal, and its source rows follow), or a group heading with no values."""
        texts, filled = row.texts, {k for k, t in enumerate(row.texts) if t}
        task = task_from_row(texts, self.cols) or self.heading_row(row)
        if task:
            self.task_code, row.title = self._in_sequence(task[0], row), task[1]
            self.section_local, row.kind, row.task_code = True, "task", self.task_code
            row.read = {k for k in filled if not self._is_amount(k)}
            self.owner = row if filled & _number_columns(self.cols) else None
            return row
        if _one_printed_cell(row) and not filled & _number_columns(self.cols) and not self.row_code(texts)[0]:
            row.kind, row.read = "heading", filled
            return row
        return None

    def _in_sequence(self, code: str | None, row: Row) -> str | None:
        """A Roman section number OCR read in Cyrillic letters as the previous one or less
        («И.» for III. after II.) is a misreading: sections never repeat or go back, so it
        is the next one, its printed number kept for the reviewer. A number printed in
        digits or Latin numerals is as printed (tasks numbered anew in each subprogramme)."""
        before = self.task_code
        printed = parse_code(next(t for t in row.texts if t))
        if code and before and code.isdigit() and before.isdigit() and int(code) <= int(before) \
                and printed is not None and lexicon.CYRILLIC_LETTER.search(printed.printed):
            row.printed_number = printed.printed.rstrip(".")
            row.number_given_by = "the sections before it"
            return str(int(before) + 1)
        return code

    def _as_total(self, row: Row) -> Row | None:
        """A section's subtotal («Итого по задаче 2»), the document's total, or the
        «всего, в том числе:» row under a measure."""
        label_k, label = self._label(row.texts)
        subtotal = lexicon.SUBTOTAL_ROW.match(label)
        if subtotal:
            return self._owner(row, "subtotal", label_k, task_code=_section_number(subtotal.group(1)))
        if lexicon.SPLIT_TOTAL_ROW.match(label) and self.owner is not None:
            return self._part(row, label_k, ("all", "Всего"))
        if lexicon.TOTAL_ROW.match(label):
            return self._owner(row, "total", label_k)
        return None

    def _as_measure(self, row: Row) -> Row | None:
        code, title, code_k = self.row_code(row.texts)
        return self._measure_row(row, code, title, code_k) if code is not None else None

    def _as_part(self, row: Row) -> Row | None:
        """A row that goes with the one above: a share of it, its amount of a source or of
        a year, or the rest of its text."""
        texts, cols = row.texts, self.cols
        label_k, label = self._label(texts)
        if lexicon.SHARE_ROW.search(label):
            row.kind, row.read = "share", set(range(len(texts)))  # a percentage derived from the amounts
            return row
        named = _row_source(label) if label else None
        if named and named[0] != "all" and len(label) < 120:
            if label_k is not None and label_k == cols.code:
                self.owner = None  # a source row without a number, under the measures: the document's total
            return self._part(row, label_k, named)
        year = _year_cell(row, cols)
        if year is not None and self.owner is not None and not self._prints_measure_text(row, but=year):
            row.year = int(lexicon.YEAR_ONLY.match(texts[year]).group(1))
            return self._part(row, year, row.source)
        if row.source:  # a source row under a measure, or, under none, of the document's total
            return self._part(row, None, row.source) if self.owner is not None else self._owner(row, "total", None)
        if self.owner is not None and self.owner.kind == "measure" and self._continues_texts(row):
            self.owner.cells = merge_rows(self.owner.cells, row.cells)  # a row the page or OCR cut in two
            self.owner.texts = _texts(self.owner.cells)
            row.kind, row.read = "continuation", {k for k, t in enumerate(texts) if t}
            return row
        return None

    def _prints_measure_text(self, row: Row, but: int) -> bool:
        """Text in a title, executor or result column besides cell `but`: the row is a measure
        of its own (its code unreadable), not a year's amounts under the one above."""
        text_columns = {c.index for c in self.cols.of("title", "executor", "result")} - {but}
        return any(row.texts[k] for k in text_columns)

    def _continues_texts(self, row: Row) -> bool:
        """Text only in the measure's text columns (title, executors, result), no code, no
        amount: the rest of the measure above."""
        text_columns = {c.index for c in self.cols.of("title", "executor", "result")}
        filled = {k for k, t in enumerate(row.texts) if t}
        return bool(filled) and filled <= text_columns

    def _is_amount(self, k: int) -> bool:
        return k in _number_columns(self.cols)

    def _label(self, texts: list[str]) -> tuple[int | None, str]:
        """The row's label: its first text outside the number columns."""
        for k, t in enumerate(texts):
            if t and not self._is_amount(k) and k != self.cols.first("source_name"):
                return k, t
        return None, ""

    def _owner(self, row: Row, kind: str, label_k: int | None, task_code: str | None = None) -> Row:
        row.kind, row.task_code = kind, task_code
        if label_k is not None:
            row.read.add(label_k)
        self.owner = row
        return row

    def _part(self, row: Row, label_k: int | None, source: tuple[str, str] | None) -> Row:
        """A row that continues the amounts of the row above by source or by year."""
        owner = self.owner
        row.kind, row.source = "part", source or row.source
        if owner is not None:
            row.measure_code, row.task_code = owner.measure_code, owner.task_code
            row.year = row.year or owner.year
        if label_k is not None:
            row.read.add(label_k)
        return row

    def _measure_row(self, row: Row, code: Code, title: str, code_k: int | None) -> Row:
        full = self.full_code(code.value)
        source = _row_source(title) if title and len(title) < 80 else None
        if self.cols.of("amount") and source and source[0] != "all" and code.depth > 1:
            printed_parent = self.full_code(code.value.rsplit(".", 1)[0])  # a sub-row by source («1.1.1 Грант Фонда»)
            parent = self._sub_row_parent(code, printed_parent)
            row.kind, row.code, row.measure_code, row.source = "part", code, parent, source
            row.numbered_under = printed_parent if printed_parent != parent else None
            row.read |= {k for k in (code_k, self.cols.title) if k is not None}
            return row
        row.kind, row.code, row.measure_code, row.title = "measure", code, full, title
        # under no heading, a code's first number is its task («2.1» is in task 2; «3» in none)
        row.task_code = self.task_code or (full.split(".")[0] if "." in full else None)
        self.owner = row
        return row

    def _sub_row_parent(self, code: Code, parent: str) -> str:
        """The measure a numbered source row («1.1.1 Грант Фонда», its code naming `parent`)
        belongs to. Source rows follow their measure, so a code that is not one level under
        the measure above and does not start a measure that may follow it is a misreading
        («17.1.» for 1.1.7, «2.13» for 2.1.3): the row is the measure's above."""
        owner = self.owner if self.owner is not None and self.owner.kind == "measure" else None
        if owner is None or parent == owner.measure_code:
            return parent
        if code.depth == owner.code.depth + 1 and parent in successors(owner.measure_code):
            return parent  # the row of measure `parent` itself was lost
        return owner.measure_code

    def heading_row(self, row: Row) -> tuple[str, str] | None:
        """A section heading: its title cell spans the deadline or executor column
        (a measure never does), numbered in the code column («I.», or «1.» as OCR reads it)."""
        cols = self.cols
        span_into = next((k for k in (cols.first("deadline"), cols.first("executor")) if k is not None), None)
        if cols.title is None or span_into is None or row.cells[cols.title] is not row.cells[span_into]:
            return None
        printed = _get(row.texts, cols.code) if cols.code is not None else ""
        code = parse_code(printed) if printed else None
        title = _get(row.texts, cols.title)
        if title and code is None and _SMUDGED_SECTION.fullmatch(printed) and (self.task_code or "0").isdigit():
            row.code = Code(str(int(self.task_code or 0) + 1), printed.strip())  # OCR lost it: the next section
            return row.code.value, strip_task_title(title)
        if not title or code is None or code.depth != 1:
            return None
        return code.value, strip_task_title(title)

    def row_code(self, texts: list[str]) -> tuple[Code | None, str, int | None]:
        """(code, title, column of the code): from the code column, or printed at the
        start of the title («1.1. Проведение …») when the table has no code of its own."""
        title_k = self.cols.title
        title = _get(texts, title_k)
        code_k = self.cols.code
        text = _get(texts, code_k).lstrip("'\"`_‘’,.·-—")  # specks OCR reads before a code
        code = parse_code(text) if text else None
        if code is not None and not code.roman:
            return code, title, code_k
        if text or not title:
            return None, title, None
        code = parse_code(title)
        rest = rest_after_code(title, code) if code else ""
        if code is not None and not code.roman and rest and not lexicon.YEAR_ONLY.match(title):
            return code, rest, None
        return None, title, None

    def full_code(self, code: str) -> str:
        """Prefix a section-local number with its section: `1` under `II.` → `2.1`."""
        if self.section_local and self.task_code and "." not in code:
            return f"{self.task_code}.{code}"
        return code


def _merged_down_blank(cells: list[Cell], above: list[Cell] | None, cols: Columns) -> list[str]:
    """The row's texts, without those of label cells merged down from the row above when
    its code (or title) cell is one of them: such a row continues the measure above
    (its years or sources), whose labels were read there."""
    texts = _texts(cells)
    if above is None:
        return texts
    key = cols.code if cols.code is not None else cols.title
    if key is None or cells[key] is not above[key] or not texts[key] and not cells[key].text.strip():
        return texts
    amounts = _number_columns(cols)
    return ["" if cells[k] is above[k] and k not in amounts else t for k, t in enumerate(texts)]


def _row_source(label: str) -> tuple[str, str] | None:
    """(source, label) a row label names: a source, or the total before a split by source."""
    label = clean(label)
    source = classify_source(label)
    if source:
        return source, source_label(label)
    if lexicon.TOTAL.match(label) or lexicon.SPLIT_TOTAL_ROW.match(label):
        return "all", "Всего"
    return None


def task_from_row(texts: list[str], cols: Columns) -> tuple[str, str] | None:
    """(code, title) when the row is a task or section heading."""
    filled = [t for t in texts if t]
    if not filled:
        return None
    first = filled[0]
    code = parse_code(first)
    if code and code.roman:
        title = rest_after_code(first, code) or (filled[1] if len(filled) > 1 else "")
        return code.value, strip_task_title(title)
    for text in filled[:2]:
        m = lexicon.TASK_ROW.match(text)
        if m:
            return _section_number(m.group(1)), strip_task_title(m.group(2))
    # A heading across the whole row, numbered «1.» (OCR reads a Roman «I.» as «1.»)
    if len(filled) == 1 and code and code.depth == 1 and len(rest_after_code(first, code)) > 15 \
            and cols.code is not None and not texts[cols.code]:
        return code.value, strip_task_title(rest_after_code(first, code))
    return None


def _headings_among_measures(rows: list[Row], cols: Columns) -> None:
    """A row numbered «1.» with a title and nothing else, whose next measure is numbered
    «1.1», heads the measures under it: a task heading that spans nothing (a table ruled
    across only prints it in the code and title columns)."""
    measures = [r for r in rows if r.kind == "measure"]
    for row, following in zip(measures, measures[1:]):
        filled = {k for k, t in enumerate(row.texts) if t}
        if row.code is not None and row.code.depth == 1 and filled <= {cols.code, cols.title} \
                and (following.measure_code or "").startswith(f"{row.measure_code}."):
            row.kind, row.task_code, row.measure_code = "task", row.measure_code, None
            row.read |= filled


# A heading numbered with a short token OCR may have garbled («Г.», «МИ.», «11.» for III.).
_NUMBERED_HEADING = re.compile(r"\s*(\S{1,4})\.\s+([А-ЯЁ«\"(].{15,})", re.S)


def _sections_numbered_by_their_measures(rows: list[Row]) -> None:
    """A heading across the whole row is the section its measures are numbered in
    («2.1», «2.2» → section 2), whatever its number reads: OCR garbles Roman numerals
    («Г.» or «11.» for III.) into another section's number, a measure's or none."""
    for i, row in enumerate(rows):
        m = _NUMBERED_HEADING.fullmatch(row.texts[0]) if _spans_row(row) else None
        following = next((r for r in rows[i + 1:] if r.kind in ("measure", "task")), None) if m else None
        if following is None or following.kind != "measure" or following.code.depth < 2:
            continue
        section = following.measure_code.split(".")[0]
        if row.kind == "task" and row.task_code == section:
            continue
        row.kind, row.task_code, row.measure_code, row.title = "task", section, None, strip_task_title(m.group(2))
        row.printed_number, row.read = m.group(1), {0}
        for under in rows[i + 1:]:
            if under.kind == "task":
                break
            if under.measure_code:
                under.task_code = section


def _spans_row(row: Row) -> bool:
    return all(cell is row.cells[0] for cell in row.cells)


def _years_as_rows(rows: list[Row], cols: Columns) -> None:
    """Years printed as rows: once any row of the table is a year under a measure, a
    measure, subtotal or total row that prints one year (in the year column, else its
    deadline or label) prints that year's amounts on its own row."""
    if not any(r.kind == "part" and r.year for r in rows):
        return
    for row in rows:
        if row.kind in ("measure", "subtotal", "total") and row.year is None:
            k = _year_cell(row, cols)
            if k is not None:
                row.year = int(lexicon.YEAR_ONLY.match(row.texts[k]).group(1))
                row.read.add(k)


def _year_cell(row: Row, cols: Columns) -> int | None:
    """The column of the one year a row prints: the year column, else the deadline,
    else any label cell."""
    if cols.first("year") is not None:
        candidates = [cols.first("year")]
    else:
        deadline = [cols.first("deadline")] if cols.first("deadline") is not None else []
        candidates = deadline + [k for k in range(len(row.texts)) if k not in _number_columns(cols)]
    return next((k for k in candidates if lexicon.YEAR_ONLY.match(row.texts[k])), None)


def _number_columns(cols: Columns) -> set[int]:
    return {c.index for c in cols.of("amount", "value", "ambiguous")}


# --------------------------------------------------------------------------- cell_facts

@dataclass
class _Place:
    """Where a cell is, for issues: the table, the row and the column."""

    table: int
    row: int
    column: Column

    def __str__(self) -> str:
        return f"table {self.table}, row {self.row}, column «{self.column.label or self.column.index + 1}»"


def cell_facts(rows: list[Row], cols: Columns, table_number: int, out: TableRecords) -> None:
    """One funding row per printed amount, with its owner, year, part of the year,
    basis and source; a cell that cannot be read is an `unread_value` issue at its place.
    A cell merged over several rows is read once, for the first of them."""
    seen: dict[int, Row] = {}
    for r, row in enumerate(rows):
        if row.kind not in ("measure", "subtotal", "total", "part", "task"):
            continue
        for column in cols.of("amount", "ambiguous"):
            cell = row.cells[column.index]
            if not row.texts[column.index] or lexicon.NO_VALUE.match(row.texts[column.index]):
                continue  # empty, a dash, or the rest of a cell spanning from the columns before
            row.read.add(column.index)
            place = _Place(table_number, r + 1, column)
            if column.role == "ambiguous":
                out.issues.append(ReviewIssue("unread_value", _row_place(row), f"{place}: «{clean(cell.text)}» is "
                                              "not stored: its heading gives the same year and source as another "
                                              "column's", _provenance(cell)))
                continue
            if id(cell) in seen:
                _note_merged(seen[id(cell)], row, cell, out)
                continue
            seen[id(cell)] = row
            if spanned := [c for c in cols.of("amount") if c is not column and row.cells[c.index] is cell]:
                _note_spanning(cell, row, place, spanned, out)
                continue
            parts = _stacked_parts(row, column, cell) or _read_cell(cell, row, place, out)
            for part in parts:
                out.funding.append(_fact(row, column, part, cell))


def _read_cell(cell: Cell, row: Row, place: _Place, out: TableRecords) -> list[MoneyPart]:
    column = place.column
    value = ValueRef("funding", funding_value_key(row.measure_code, _year_of(row, column), column.source, _task_of(row),
                                                  column.period, column.basis), "amount")
    at = _amount_place(row, column)
    text = mend_scanned_number(cell.text) if cell.confidence is not None and column.scale == 1 else cell.text
    if text != cell.text:
        out.issues.append(ReviewIssue("ocr_suspect", at, f"{place}: «{clean(cell.text)}» read as «{text}»",
                                      _provenance(cell), value=value))
    reading = read_money_cell(text, column.scale)
    if reading.problem:
        out.issues.append(ReviewIssue("unread_value", at, f"{place}: {reading.problem}", _provenance(cell),
                                      value=value))
        return []
    if _garbled_number(cell.text):
        out.issues.append(ReviewIssue("ocr_suspect", at, f"amount cell «{clean(cell.text)}» has letters inside a "
                                      "number", _provenance(cell), value=value))
    return reading.parts


def _stacked_parts(row: Row, column: Column, cell: Cell) -> list[MoneyPart]:
    """Amounts stacked one per line («300 / 100 / 200») under a cell of the same row
    that stacks the period and its years the same way («2019 - 2020 / 2019 / 2020»):
    the first line is the whole period, each next line its year. Empty when the cell
    is not stacked so, or no cell of the row says which line is which year."""
    lines = [ln for ln in cell.text.split("\n") if ln.strip()]
    if len(lines) < 2 or not all(re.fullmatch(r"[\d\s\u00a0,.]+", ln.strip()) for ln in lines):
        return []
    for other in row.cells:
        years = [ln.strip() for ln in other.text.split("\n") if ln.strip()]
        if other is cell or len(years) != len(lines) or not all(re.search(r"(?:19|20)\d{2}", y) for y in years):
            continue
        parts = []
        for line, printed in zip(lines, years):
            single = lexicon.YEAR_ONLY.match(printed)
            reading = read_money_cell(line, column.scale)
            if reading.problem or len(reading.parts) != 1:
                return []
            parts.append(MoneyPart(reading.parts[0].amount, "all", "Всего", int(single.group(1)) if single else None))
        return parts
    return []


def _fact(row: Row, column: Column, part: MoneyPart, cell: Cell) -> FundingRow:
    """A funding row from one amount: the column's dimensions first, then the cell's
    own labels, then the row's (a year row, a source row)."""
    if column.source != "all":
        source, label = column.source, column.source_label
    elif part.source != "all":
        source, label = part.source, part.label
    elif row.source:
        source, label = row.source
    else:
        source, label = "all", "Всего"
    return FundingRow(row.measure_code, _year_of(row, column, part.year), source, label, part.amount, _provenance(cell),
                      task_code=_task_of(row), period=column.period, basis=column.basis)


def _year_of(row: Row, column: Column, printed: int | None = None) -> int | None:
    """The year of an amount: the column's, else the one its cell prints, else the
    row's (years as rows; never for a column of a part of a year)."""
    return column.year or printed or (row.year if column.period is None else None)


def _task_of(row: Row) -> str | None:
    """The section a subtotal row (a heading with amounts, or a part of either) sums up;
    None for measures and document totals."""
    return row.task_code if not row.measure_code and row.kind in ("subtotal", "part", "task") else None


def _row_place(row: Row, field: str | None = None) -> IssuePlace:
    """The place of an issue about a funding row (`field`: the part of it at fault)."""
    return IssuePlace.of_funding(row.measure_code, _task_of(row), field)


def _amount_place(row: Row, column: Column) -> IssuePlace:
    """The place of an issue about the amount a row prints in `column`."""
    return IssuePlace.of_amount(row.measure_code, _task_of(row), column.source, _year_of(row, column), column.period,
                                column.basis)


def _note_spanning(cell: Cell, row: Row, place: _Place, spanned: list[Column], out: TableRecords) -> None:
    """An amount cell over several amount columns says for none of them what it is: on a
    scan, most often two cells whose ruling faded, read as one number. Not stored."""
    labels = ", ".join(f"«{c.label or c.index + 1}»" for c in [place.column, *spanned])
    out.issues.append(ReviewIssue("unread_value", _amount_place(row, place.column),
                                  f"{place}: «{clean(cell.text)}» spans the amount columns {labels}; which of them "
                                  "it is for is not clear, and it is not stored", _provenance(cell)))


def _note_merged(first: Row, row: Row, cell: Cell, out: TableRecords) -> None:
    """An amount printed once over several rows is stored once, for the first row;
    the reviewer is told which rows it covers."""
    if first.measure_code and row.measure_code and first.measure_code != row.measure_code:
        detail = f"«{clean(cell.text)}» is printed once for measures {first.measure_code}–{row.measure_code}; " \
                 f"stored for {first.measure_code}"
        if not any(i.detail == detail for i in out.issues):
            out.issues.append(ReviewIssue("other", _row_place(first), detail, _provenance(cell)))


# --------------------------------------------------------------------------- records

def read_measure_table(table: LogicalTable, cols: Columns, table_number: int, out: TableRecords) -> None:
    """Tasks, measures and funding of one measures or funding table."""
    rows = row_dimensions(table, cols)
    measured: list[tuple[Row, Measure]] = []
    for row in rows:
        if row.kind == "task" and row.title:
            _add_task(row, out)
        elif row.kind == "measure" and (measure := _add_measure(row, cols, out)):
            measured.append((row, measure))
    repair_codes([measure for _, measure in measured], "measure", out.issues)
    _renumber_rows(rows, {id(row): measure.code for row, measure in measured})
    _flag_misnumbered(rows, cols, out)
    cell_facts(rows, cols, table_number, out)
    report_unread_cells(rows, cols, table_number, out)


def _add_task(row: Row, out: TableRecords) -> None:
    out.tasks.append(Task(row.task_code, row.title, _provenance(row.cells[0])))
    at = IssuePlace("task", row.task_code, "code")
    if row.printed_number:
        out.issues.append(ReviewIssue("ocr_suspect", at, f"section number printed as «{row.printed_number}.»; "
                                      f"{row.number_given_by} give {row.task_code}", _provenance(row.cells[0])))
    elif row.code is not None and row.code.garbled:
        out.issues.append(ReviewIssue("ocr_suspect", at, f"section number printed as «{row.code.printed}»; the "
                                      f"numbering gives {row.task_code}", _provenance(row.cells[0])))


def _renumber_rows(rows: list[Row], codes: dict[int, str]) -> None:
    """Give each measure row, and the rows that continue it, the code the mended
    numbering gave its measure (`codes` by the measure row's id)."""
    old = new = None
    for row in rows:
        if row.kind == "measure":
            old, new = row.measure_code, codes.get(id(row), row.measure_code)
            row.measure_code = new
        elif old is not None and row.measure_code == old:
            row.measure_code = new


def _flag_misnumbered(rows: list[Row], cols: Columns, out: TableRecords) -> None:
    """An issue for each source row whose printed code names another measure than the
    one above it, under which it is filed."""
    for row in rows:
        if row.numbered_under and row.numbered_under != row.measure_code:
            out.issues.append(ReviewIssue("ocr_suspect", _row_place(row, "code"),
                                          f"source row numbered «{row.code.printed}» under measure "
                                          f"{row.measure_code}: filed under it",
                                          _provenance(row.cells[cols.code or 0])))


def _add_measure(row: Row, cols: Columns, out: TableRecords) -> Measure | None:
    """The measure a row prints (None for a code with no title), with its issues."""
    texts = row.texts
    code = row.measure_code
    flag_unsure_cells(row.cells, IssuePlace("measure" if cols.kind == "measures" else "funding", code), out.issues)
    if row.code.garbled:
        out.issues.append(ReviewIssue("ocr_suspect", IssuePlace("measure", code, "code"),
                                      f"code printed as «{row.code.printed}»; read as {code}",
                                      _provenance(row.cells[cols.code or 0])))
    row.read |= _code_and_title(cols)
    if not row.title:
        return None
    deadline, start, end = _deadline(row, cols)
    executors = [row.cells[c.index].text for c in cols.of("executor") if row.cells[c.index].text.strip()]
    row.read |= {c.index for c in cols.of("executor", "deadline", "deadline_start", "deadline_end", "result")}
    measure = Measure(
        code=code,
        task_code=row.task_code,
        title=row.title,
        deadline=deadline,
        deadline_start=start,
        deadline_end=end,
        executors=executors,  # split by the normaliser
        expected_result=" ".join(texts[c.index] for c in cols.of("result") if texts[c.index]) or None,
        provenance=_provenance(row.cells[cols.title if cols.title is not None else 0]),
    )
    out.measures.append(measure)
    return measure


def _code_and_title(cols: Columns) -> set[int]:
    """Every code column (a second one: «№ п/п» beside «Код показателя») and the title."""
    return {c.index for c in cols.of("code")} | ({cols.title} if cols.title is not None else set())


def _deadline(row: Row, cols: Columns):
    """The deadline as printed, with its first and last day; «начало» and «окончание»
    columns are printed as one «start – end»."""
    deadline = _stack_head(row, cols.first("deadline"))
    start, end = _get(row.texts, cols.first("deadline_start")), _get(row.texts, cols.first("deadline_end"))
    if deadline:
        return (deadline, *deadline_bounds(deadline))
    if start or end:
        printed = " – ".join(t for t in (start, end) if t)
        return printed, deadline_bounds(start or end)[0], deadline_bounds(end or start)[1]
    return None, None, None


def _stack_head(row: Row, k: int | None) -> str:
    """A cell's text; for a cell that stacks the period over its years («2019 - 2020 /
    2019 / 2020», matching stacked amounts) the period only."""
    if k is None:
        return ""
    lines = [clean(ln) for ln in row.cells[k].text.split("\n") if ln.strip()]
    if len(lines) > 1 and all(lexicon.YEAR_ONLY.match(ln) for ln in lines[1:]):
        return lines[0]
    return row.texts[k]


def report_unread_cells(rows: list[Row], cols: Columns, table_number: int, out: TableRecords) -> None:
    """An `unread_value` issue for every non-empty cell no record accounts for."""
    for r, row in enumerate(rows):
        for column in cols.columns:
            k = column.index
            text = row.texts[k]
            if text and k not in row.read and not lexicon.NO_VALUE.match(text):
                out.issues.append(ReviewIssue(
                    "unread_value", _row_place(row) if row.measure_code else IssuePlace("table", str(table_number)),
                    f"{_Place(table_number, r + 1, column)}: «{text[:80]}» was not read", _provenance(row.cells[k])))


def flag_unsure_cells(row: list[Cell], place: IssuePlace, issues: list[ReviewIssue]) -> None:
    """One `ocr_suspect` issue for a row with cells OCR read unsurely, pointing at the least
    sure by its column (counted from 1 in the row as printed)."""
    unsure = [(k, c) for k, c in enumerate(row)
              if c.confidence is not None and c.confidence < SURE_CONFIDENCE and c.text.strip()]
    if unsure:
        k, worst = min(unsure, key=lambda kc: kc[1].confidence)
        issues.append(ReviewIssue("ocr_suspect", place, f"column {k + 1}: «{clean(worst.text)[:80]}» read with "
                                  f"confidence {worst.confidence:.2f}", _provenance(worst)))


def repair_codes(records: list, entity: str, issues: list[ReviewIssue]) -> None:
    """Mend codes that break the table's numbering (an OCR misreading, mostly); each
    mended code is a review issue."""
    for record, code in zip(records, repair_sequence([r.code for r in records])):
        if code is not None and UNKNOWN in code:
            issues.append(ReviewIssue("ocr_suspect", IssuePlace(entity, code, "code"),
                                      f"code printed as «{record.code}» could not be read, and the numbering does "
                                      "not tell it", record.provenance))
        elif code != record.code and code is not None:
            issues.append(ReviewIssue("ocr_suspect", IssuePlace(entity, code, "code"),
                                      f"code printed as «{record.code or ''}»; the numbering gives {code}",
                                      record.provenance))
            record.code = code


# --------------------------------------------------------------------------- indicators

def read_indicator_table(table: LogicalTable, cols: Columns, table_number: int, out: TableRecords) -> None:
    """Indicator rows: code, title, unit, base value and date, values by period."""
    first = len(out.indicators)
    walk = _RowWalk(cols)
    rows = []
    for cells in table.body:
        row = Row(cells, _texts(cells))
        rows.append(row)
        task = task_from_row(row.texts, cols)
        if (task or _one_printed_cell(row)) and not any(row.texts[c.index] for c in cols.of("value")):
            row.kind, row.read = "heading", {k for k, t in enumerate(row.texts) if t}
            continue
        _read_indicator_row(row, walk, cols, out)
    repair_codes(out.indicators[first:], "indicator", out.issues)
    report_unread_cells(rows, cols, table_number, out)


def _read_indicator_row(row: Row, walk: _RowWalk, cols: Columns, out: TableRecords) -> None:
    texts = row.texts
    code, title, _ = walk.row_code(texts)
    values = [IndicatorValue(column.period or str(column.year), _printed_value(texts[column.index]))
              for column in cols.of("value")
              if column.year and not lexicon.NO_INDICATOR_VALUE.match(texts[column.index])]
    unit_k = cols.first("unit")
    unit = _get(texts, unit_k) or None
    if unit and row.cells[unit_k].confidence is not None:  # read by OCR: hold it to the vocabulary
        unit = correct_unit(unit)
    if not title or (not values and not unit):
        return  # a section heading inside the table
    row.kind = "measure"
    row.read |= _code_and_title(cols) | {k for k in (unit_k, cols.first("base_value"), cols.first("base_date"))
                                         if k is not None}
    row.read |= {c.index for c in cols.of("value") if c.year}
    base_value = _get(texts, cols.first("base_value"))
    base_date = parse_date(_get(texts, cols.first("base_date"))) if cols.first("base_date") is not None else None
    if base_date is None and cols.first("base_value") is not None:  # «Базовое значение (на 01.01.2023)»
        base_date = parse_date(cols.columns[cols.first("base_value")].label)
    m = _BASE_IN_TITLE.search(title)
    if not base_value and m:
        base_value, base_date = m.group("value"), parse_date(m.group("date"))
    out.indicators.append(Indicator(
        code=code.value if code else None,
        title=title,
        unit=unit,
        base_value=_printed_value(base_value) if base_value and not lexicon.NO_INDICATOR_VALUE.match(base_value)
        else None,
        base_date=base_date,
        values=values,
        provenance=_provenance(row.cells[cols.title if cols.title is not None else 0]),
    ))
    place = IssuePlace("indicator", code.value if code else title[:40])
    flag_unsure_cells(row.cells, place, out.issues)
    if code and code.garbled:
        out.issues.append(ReviewIssue("ocr_suspect", place._replace(field="code"), f"code printed as «{code.printed}»",
                                      _provenance(row.cells[cols.code])))
    for column in cols.of("value"):
        if _garbled_number(texts[column.index]):
            period = column.period or str(column.year)
            out.issues.append(ReviewIssue(
                "ocr_suspect", place._replace(field="value", period=period),
                f"value «{texts[column.index]}» has letters inside a number", _provenance(row.cells[column.index]),
                value=ValueRef("indicator_value", f"{code.value} {period}", "value") if code else None))


# A digit next to a letter that OCR or typing confuses with one («5О0 000», «l00»).
_GARBLED_NUMBER = re.compile(rf"\d[{lexicon.CODE_DIGIT_LOOKALIKE_LETTERS}]|[{lexicon.CODE_DIGIT_LOOKALIKE_LETTERS}]\d")


def _garbled_number(text: str) -> bool:
    return bool(_GARBLED_NUMBER.search(text))


def _printed_value(text: str) -> str:
    """`27 000` → `27000`, `20,2` → `20.2`, `100 %` → `100%`, `600.` → `600` (a value cell
    ends no sentence: a point after its number is a speck or a stray full stop); words keep
    their spaces («не менее 85»)."""
    text = re.sub(r"(?<=\d)\s+(?=[\d%])", "", " ".join(text.split()))
    return re.sub(r"(?<=\d)[.:]$", "", re.sub(r"(?<=\d),(?=\d)", ".", text))

