"""Rows of measure, funding and indicator tables → records.

One walk over a table's body keeps the current task (a Roman section, a
«Задача N» row) so that section-local measure numbers (`II.` then `1.`, `2.`)
get their full code (`2.1`, `2.2`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from models.layout import Cell, LogicalTable
from models.records import (
    FundingRow, Indicator, IndicatorValue, Measure, Provenance, ReviewIssue, Task, ValueRef, funding_value_key,
)
from normalizers.codes import Code, parse_code, repair_sequence, rest_after_code
from normalizers.money import parse_money_cell
from normalizers.periods import deadline_bounds, parse_date
from normalizers.sources import classify_source
from normalizers.text import clean
from normalizers.units import correct_unit
from pipeline.parse.columns import Columns

_TASK_ROW = re.compile(r"^\s*Задача\s*№?\s*(\d{1,2})\s*[.:)]?\s*(.*)$", re.I | re.S)
_TOTAL_ROW = re.compile(r"^\s*(итого|всего)\b", re.I)
_SHARE_ROW = re.compile(r"^\s*доля\b|%\s*\)?\s*$", re.I)
# A dash, an «x», or one stray non-digit character (a dash read by OCR as «ь» or «ё»).
_NO_VALUE = re.compile(r"^(?:[\s\-–—xXхХ]*|\s*[^\d\s]\s*)$")
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


def _get(texts: list[str], k: int | None) -> str:
    return texts[k] if k is not None and k < len(texts) else ""


def _source_label(text: str) -> str | None:
    """The source a short label names («Грант Фонда», «Собственные средства Заявителя»)."""
    return classify_source(text) if text and len(text) < 80 else None


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
        m = _TASK_ROW.match(text)
        if m:
            return m.group(1), strip_task_title(m.group(2))
    # A heading across the whole row, numbered «1.» (OCR reads a Roman «I.» as «1.»)
    if len(filled) == 1 and code and code.depth == 1 and len(rest_after_code(first, code)) > 15 \
            and cols.code is not None and not texts[cols.code]:
        return code.value, strip_task_title(rest_after_code(first, code))
    return None


class TableWalker:
    """Reads one measures/funding table, remembering the task it is in."""

    def __init__(self, table: LogicalTable, cols: Columns, out: TableRecords):
        self.table, self.cols, self.out = table, cols, out
        self.task_code: str | None = None
        self.section_local = False  # measures numbered 1, 2, … inside each section

    def walk(self) -> None:
        first_measure, first_funding = len(self.out.measures), len(self.out.funding)
        for row in self.table.body:
            self.read_row(row)
        renamed = repair_codes(self.out.measures[first_measure:], "measure", self.out.issues)
        for f in self.out.funding[first_funding:]:
            f.measure_code = renamed.get(f.measure_code, f.measure_code)

    def read_row(self, row: list[Cell]) -> None:
        texts = _texts(row)
        task = task_from_row(texts, self.cols) or self.heading_row(row, texts)
        if task:
            self.task_code, title = task
            self.section_local = True
            if title:
                self.out.tasks.append(Task(self.task_code, title, _provenance(row[0])))
            return
        label = next((t for t in texts if t), "")
        if _TOTAL_ROW.match(label):
            self.add_funding(row, None, None)
            return
        code = self.row_code(texts)
        title = _get(texts, self.cols.title)
        if code is None:
            source = _source_label(label)
            if source and self.cols.money and not _SHARE_ROW.search(label):
                self.add_funding(row, None, (source, label))  # a grand total by source
            return
        source = _source_label(title)
        if self.cols.money and source and code.depth > 1:
            parent = code.value.rsplit(".", 1)[0]
            self.add_funding(row, self.full_code(parent), (source, title))  # a measure's sub-row by source
            return
        full = self.full_code(code.value)
        flag_unsure_cells(row, f"measure {full}" if self.cols.kind == "measures" else f"funding {full}", self.out.issues)
        if code.garbled:
            self.out.issues.append(ReviewIssue(
                "ocr_suspect", f"measure {full}",
                f"code printed as «{code.printed}»; read as {full}", _provenance(row[self.cols.code or 0])))
        self.add_measure(row, texts, full)
        self.add_funding(row, full, None)

    def heading_row(self, row: list[Cell], texts: list[str]) -> tuple[str, str] | None:
        """A section heading: its title cell spans the deadline or executor column
        (a measure never does), numbered in the code column («I.», or «1.» as OCR reads it)."""
        span_into = next((k for k in (self.cols.deadline, self.cols.executors) if k is not None), None)
        if self.cols.title is None or span_into is None or row[self.cols.title] is not row[span_into]:
            return None
        code = parse_code(_get(texts, self.cols.code)) if self.cols.code is not None else None
        title = _get(texts, self.cols.title)
        if not title or code is None or code.depth != 1:
            return None
        return code.value, strip_task_title(title)

    def row_code(self, texts: list[str]) -> Code | None:
        text = _get(texts, self.cols.code) if self.cols.code is not None else ""
        code = parse_code(text) if text else None
        return None if code is None or code.roman else code

    def full_code(self, code: str) -> str:
        """Prefix a section-local number with its section: `1` under `II.` → `2.1`."""
        if self.section_local and self.task_code and "." not in code:
            return f"{self.task_code}.{code}"
        return code

    def add_measure(self, row: list[Cell], texts: list[str], code: str) -> None:
        title = _get(texts, self.cols.title)
        if not title:
            return
        deadline = _get(texts, self.cols.deadline) or None
        start, end = deadline_bounds(deadline) if deadline else (None, None)
        executors_cell = row[self.cols.executors].text if self.cols.executors is not None else ""
        self.out.measures.append(Measure(
            code=code,
            task_code=self.task_code if self.task_code else code.split(".")[0],
            title=title,
            deadline=deadline,
            deadline_start=start,
            deadline_end=end,
            executors=[executors_cell] if executors_cell.strip() else [],  # split by the normaliser
            expected_result=_get(texts, self.cols.result) or None,
            provenance=_provenance(row[self.cols.title]),
        ))

    def add_funding(self, row: list[Cell], measure_code: str | None, row_source: tuple[str, str] | None) -> None:
        """One funding row per printed amount in the row's money columns."""
        for k, year in self.cols.money.items():
            if _garbled_number(row[k].text):
                self.out.issues.append(ReviewIssue(
                    "ocr_suspect", f"funding {measure_code}" if measure_code else "funding total",
                    f"amount cell «{clean(row[k].text)}» has letters inside a number", _provenance(row[k]),
                    value=ValueRef("funding", funding_value_key(measure_code, year, (row_source or ("all",))[0]),
                                   "amount")))
            for part in parse_money_cell(row[k].text, self.cols.scale):
                source, label = part.source, part.label
                if row_source and source == "all":
                    source, label = row_source
                self.out.funding.append(FundingRow(measure_code, year, source, label, part.amount, _provenance(row[k])))


UNSURE_CONFIDENCE = 0.6  # OCR'd cells read less surely than this go to a reviewer


def flag_unsure_cells(row: list[Cell], where: str, issues: list[ReviewIssue]) -> None:
    """One `ocr_suspect` issue for a row with cells OCR read unsurely, pointing at the least sure."""
    unsure = [c for c in row if c.confidence is not None and c.confidence < UNSURE_CONFIDENCE and c.text.strip()]
    if unsure:
        worst = min(unsure, key=lambda c: c.confidence)
        issues.append(ReviewIssue("ocr_suspect", where,
                                  f"«{clean(worst.text)[:80]}» read with confidence {worst.confidence:.2f}",
                                  _provenance(worst)))


def repair_codes(records: list, entity: str, issues: list[ReviewIssue]) -> dict[str, str]:
    """Mend codes that break the table's numbering (an OCR misreading, mostly); each
    mended code is a review issue. Returns old → new for codes that were unique."""
    repaired = repair_sequence([r.code for r in records])
    counts = Counter(r.code for r in records)
    renamed = {}
    for record, code in zip(records, repaired):
        if code != record.code and code is not None:
            issues.append(ReviewIssue("ocr_suspect", f"{entity} {code}",
                                      f"code printed as «{record.code or ''}»; the numbering gives {code}",
                                      record.provenance))
            if counts[record.code] == 1:
                renamed[record.code] = code
            record.code = code
    return renamed


def read_indicator_table(table: LogicalTable, cols: Columns, out: TableRecords) -> None:
    """Indicator rows: code, title, unit, base value and date, values by period."""
    first = len(out.indicators)
    _read_indicator_rows(table, cols, out)
    repair_codes(out.indicators[first:], "indicator", out.issues)


def _read_indicator_rows(table: LogicalTable, cols: Columns, out: TableRecords) -> None:
    for row in table.body:
        texts = _texts(row)
        title = _get(texts, cols.title)
        values = [
            IndicatorValue(period, _printed_value(texts[k]))
            for k, period in cols.periods.items()
            if not _NO_VALUE.match(texts[k])
        ]
        unit = _get(texts, cols.unit) or None
        if unit and row[cols.unit].confidence is not None:  # read by OCR: hold it to the vocabulary
            unit = correct_unit(unit)
        if not title or (not values and not unit):
            continue  # a section heading inside the table
        code = parse_code(_get(texts, cols.code)) if cols.code is not None else None
        base_value = _get(texts, cols.base_value)
        base_date = parse_date(_get(texts, cols.base_date)) if cols.base_date is not None else None
        m = _BASE_IN_TITLE.search(title)
        if not base_value and m:
            base_value, base_date = m.group("value"), parse_date(m.group("date"))
        out.indicators.append(Indicator(
            code=code.value if code else None,
            title=title,
            unit=unit,
            base_value=_printed_value(base_value) if base_value and not _NO_VALUE.match(base_value) else None,
            base_date=base_date,
            values=values,
            provenance=_provenance(row[cols.title]),
        ))
        where = f"indicator {code.value if code else title[:40]}"
        flag_unsure_cells(row, where, out.issues)
        if code and code.garbled:
            out.issues.append(ReviewIssue("ocr_suspect", where, f"code printed as «{code.printed}»",
                                          _provenance(row[cols.code])))
        for k in cols.periods:
            if _garbled_number(texts[k]):
                out.issues.append(ReviewIssue("ocr_suspect", where, f"value «{texts[k]}» has letters inside a number",
                                              _provenance(row[k])))


# A digit next to a letter that OCR or typing confuses with one («5О0 000», «l00»).
_GARBLED_NUMBER = re.compile(r"\d[ОоOЗзбБlI|]|[ОоOЗзбБlI|]\d")


def _garbled_number(text: str) -> bool:
    return bool(_GARBLED_NUMBER.search(text))


def _printed_value(text: str) -> str:
    """`27 000` → `27000`, `20,2` → `20.2`, `100 %` → `100%`."""
    return re.sub(r"\s+", "", text).replace(",", ".")
