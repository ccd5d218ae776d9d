"""Plain-text conversions of orders → Layout.

Conversions of scans and Word files come in three table layouts:
- tab-separated rows, one table row per line (`1.1\tСоздание…\t2020 г.\t…`);
- markdown pipe rows, one table row per line (`| 1.1 | Создание… | 2020 г. |`);
- one cell per line, each cell line starting with a tab and rows separated by
  blank lines (a cell may continue on following lines without a tab).
A blank line inside a tab-separated table marks a page break; the table continues
as a new fragment on the next page, which the logical-table stage joins again.
Markup the converters leave behind (`<p>`, `<b>`, markdown bold and headings,
`[bookmark: …]`, `--` separator rows) is removed here.
"""
from __future__ import annotations

import codecs

import re
from dataclasses import dataclass, field
from pathlib import Path

from models.layout import Cell, Layout, Page, Paragraph, Table
from models.errors import CorruptFileError, EmptyInputError, InputError

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_P_TAG = re.compile(r"</?p>", re.I)
_B_TAG = re.compile(r"</?b>", re.I)
_MD_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
_MD_HEADING = re.compile(r"^(#{1,6})\s+")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")
_PIPE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")  # a markdown table's row, between its outer pipes
_ROW_NUMBER = re.compile(r"\s*(?:[IVXLC]+|\d{1,2}(?:\.\d{1,2})*)\.?\s*")
_ROW_START = re.compile(r"^\s*(?:[IVXLC]+\.?|\d{1,2}(?:\.\d{1,2})*\.?)(?:\s|$)")


def read_text(path: Path) -> Layout:
    """Read a plain-text conversion of an order into pages of paragraphs and tables."""
    size_mb = path.stat().st_size / 2**20
    if size_mb > MAX_TEXT_MB:
        raise InputError(f"the text is {size_mb:.0f} MB; the text of one order is far under {MAX_TEXT_MB} MB "
                         "(a 2,000-page order is about 5 MB): check that the file is one order, or split it",
                         path=path)
    raw = path.read_bytes()
    if not raw.strip():
        raise EmptyInputError("the file is empty", path=path)
    text = _decode(raw, path)
    if "\x00" in text:
        raise CorruptFileError("binary content in a text file", path=path)
    pages = _TextLayoutBuilder().build(_BOOKMARK.sub("", text).replace("\r\n", "\n").split("\n"))
    return Layout(source_file=path.name, format="text", pages=pages)


# Larger texts are refused: extraction holds one order's records in memory, about 60
# times the text's size, and a run must stay under 1 GiB.
MAX_TEXT_MB = 10

# Byte-order marks and their encodings; UTF-32's first, as its little-endian mark starts with UTF-16's.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decode(raw: bytes, path: Path) -> str:
    """The text of a conversion: by its byte-order mark (Notepad's «Unicode» is UTF-16),
    else UTF-8, else Windows' Cyrillic code page."""
    encodings = [codec for bom, codec in _BOMS if raw.startswith(bom)][:1] or ["utf-8", "cp1251"]
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            error = exc
    raise CorruptFileError(f"not a text file: byte {error.start} is no character in {' or '.join(encodings)}",
                           path=path) from error


@dataclass
class _CellText:
    text: str
    bold: bool = False


def _clean_cell(raw: str) -> _CellText:
    """A cell's text with `<p>` fragments as lines and `<b>` as a bold flag."""
    bold = bool(_B_TAG.search(raw)) or raw.strip().startswith("**")
    text = _P_TAG.sub("\n", raw)
    text = _B_TAG.sub("", text)
    text = _MD_BOLD.sub(r"\1", text).replace("**", "")
    lines = [ln.strip() for ln in text.split("\n")]
    return _CellText("\n".join(ln for ln in lines if ln), bold)


def _is_separator_row(cells: list[str]) -> bool:
    return all(_SEPARATOR_CELL.match(c) or not c.strip() for c in cells) and any(c.strip() for c in cells)


def _row_cells(line: str, continuing: bool) -> list[str] | None:
    """The cells of a table row: tab-separated, or a markdown pipe row («| 1.1 | Создание… |»,
    two cells at least); None for any other line. A line whose only tab ends it
    («- добровольцы;\t») starts no table: it is a paragraph."""
    pipes = _PIPE_ROW.match(line)
    if pipes and "|" in pipes.group(1):
        return pipes.group(1).split("|")
    if "\t" in line and not _is_cell_per_line(line) and ("\t" in line.rstrip() or continuing):
        return line.split("\t")
    return None


def _is_cell_per_line(line: str) -> bool:
    return line.startswith("\t") and "\t" not in line[1:]


@dataclass
class _TextLayoutBuilder:
    """Turns lines into pages; holds the page being filled."""

    pages: list[Page] = field(default_factory=list)
    rows: list[list[_CellText]] = field(default_factory=list)  # tab-separated table being read

    def build(self, lines: list[str]) -> list[Page]:
        self.pages = [Page(number=1)]
        i = 0
        while i < len(lines):
            line = lines[i]
            if _is_cell_per_line(line) and self._starts_cell_per_line_table(lines, i):
                self._flush_rows()
                i = self._read_cell_per_line_table(lines, i)
            elif not line.strip():
                self._blank_line()
                i += 1
            elif (cells := _row_cells(line, continuing=bool(self.rows))) is not None:
                if not _is_separator_row(cells):
                    self.rows.append([_clean_cell(c) for c in cells])
                i += 1
            else:
                self._flush_rows()
                end = _bold_span_end(lines, i)
                self._add_paragraph("\n".join(lines[i:end + 1]))
                i = end + 1
        self._flush_rows()
        return [p for p in self.pages if p.blocks] or [Page(number=1)]

    # -- paragraphs ------------------------------------------------------------------
    def _add_paragraph(self, line: str) -> None:
        heading = 0
        m = _MD_HEADING.match(line)
        if m:
            heading = len(m.group(1))
            line = line[m.end():]
        cell = _clean_cell(line)
        if cell.text:
            self.pages[-1].blocks.append(
                Paragraph(text=cell.text.replace("\n", " "), page=self.pages[-1].number, bold=cell.bold, heading=heading)
            )

    # -- tab-separated tables ----------------------------------------------------------
    def _blank_line(self) -> None:
        """A blank line inside a table is a page break: the table goes on on a new page."""
        if self.rows:
            self._flush_rows()
            self._new_page()

    def _new_page(self) -> None:
        self.pages.append(Page(number=self.pages[-1].number + 1))

    def _flush_rows(self) -> None:
        if self.rows:
            self._add_table(self.rows)
            self.rows = []

    def _add_table(self, rows: list[list[_CellText]]) -> None:
        page = self.pages[-1].number
        n_cols = max(len(r) for r in rows)
        cells = [
            Cell(text=c.text, row=r, col=k, page=page, bold=c.bold)
            for r, row in enumerate(rows)
            for k, c in enumerate(row + [_CellText("")] * (n_cols - len(row)))
        ]
        self.pages[-1].blocks.append(Table(cells=cells, page=page))

    # -- one-cell-per-line tables ------------------------------------------------------
    @staticmethod
    def _starts_cell_per_line_table(lines: list[str], i: int) -> bool:
        """At least three consecutive cell lines: a table, not an indented paragraph."""
        cells = 0
        for line in lines[i:i + 40]:
            if _is_cell_per_line(line):
                cells += 1
                if cells >= 3:
                    return True
            elif "\t" in line:
                return False
        return False

    def _read_cell_per_line_table(self, lines: list[str], i: int) -> int:
        """Read cells until the table ends; return the index of the first line after it.

        Cells are gathered into groups separated by blank lines; a blank line right
        after an empty cell line belongs to that cell (its text follows further down).
        """
        groups: list[list[_CellText]] = []
        group: list[list[str]] = []  # the raw lines of each cell of the current group
        blank_run = 0
        while i < len(lines):
            line = lines[i]
            if _is_cell_per_line(line):
                if blank_run and group and not _empty_cell(group[-1]):
                    groups.append(_clean_group(group))
                    group = []
                group.append([line[1:]])
                blank_run = 0
            elif not line.strip():
                blank_run += 1
            elif group and (not blank_run or _empty_cell(group[-1])):
                group[-1].append(line)  # a cell's continuation line
                blank_run = 0
            else:
                break  # a paragraph after the table
            i += 1
        if group:
            groups.append(_clean_group(group))
        rows = _rows_from_groups(groups)
        if rows:
            self._add_table(rows)
        return i


def _clean_group(group: list[list[str]]) -> list[_CellText]:
    return [_clean_cell("\n".join(cell)) for cell in group]


def _bold_span_end(lines: list[str], i: int) -> int:
    """A markdown bold run (`**…**`) may wrap over lines: it is one paragraph."""
    if lines[i].count("**") % 2 == 0:
        return i
    for j in range(i + 1, min(i + 10, len(lines))):
        if not lines[j].strip() or "\t" in lines[j]:
            break
        if "**" in lines[j]:
            return j
    return i


def _empty_cell(lines: list[str]) -> bool:
    return not "".join(lines).strip()


def _rows_from_groups(groups: list[list[_CellText]]) -> list[list[_CellText]]:
    """Blank-line groups → table rows. A blank line may also fall inside a row (after
    its number cell, or before its executor cell): a group that does not start with
    a row number continues the row before it while that row is short of cells."""
    width = max(len(g) for g in groups)
    rows: list[list[_CellText]] = []
    for group in groups:
        lone_number = bool(rows) and len(rows[-1]) == 1 and bool(_ROW_NUMBER.fullmatch(rows[-1][0].text))
        starts_row = bool(_ROW_START.match(group[0].text)) or not group[0].text
        if rows and (lone_number or not starts_row) and len(rows[-1]) + len(group) <= width:
            rows[-1].extend(group)
        else:
            rows.append(list(group))
    return rows
