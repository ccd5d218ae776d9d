"""Layout → LogicalDocument: rebuild tables as their authors meant them.

The chain, per table: `fragments_to_grids → split_header → drop_repeated_headers
→ merge_split_rows → codes_closed_alike`. A table printed over several pages arrives as fragments, one
per page; each page may repeat the header or the row of column numbers
(`1 2 3 4 5 …`), and a row cut by the page break continues on the next page in a
row whose number cell is empty.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

from models.layout import Cell, Layout, LogicalDocument, LogicalTable, Paragraph, Table
from normalizers import lexicon
from normalizers.codes import parse_code
from normalizers.lexicon import SECTION_WORD, TOTAL_ROW, YEAR_ONLY
from normalizers.sources import classify_source
from normalizers.text import is_page_furniture
from normalizers.text import collapse, is_known_word, join_wrapped

# The first cell of a body row: a measure/indicator code, a Roman section, or a task heading.
_ROW_LABEL = re.compile(
    r"^\s*(?:[IVXLC]+\.|\d{1,2}(?:\.\d{1,2})*\.?(?:\s|$)|\d{1,2}(?:\.\d{1,2})+|" + SECTION_WORD + r"\b|Итого|Всего)",
    re.I,
)
# Rows that open something new even though their number cell is empty.
_NEW_ROW_TEXT = re.compile(r"^\s*(?:[IVXLC]+\.\s|" + SECTION_WORD + r"\b|Итого|Всего)", re.I)


def layout_to_logical(layout: Layout) -> LogicalDocument:
    """Join table fragments across pages and clean them; keep paragraphs as they are."""
    blocks: list[Paragraph | LogicalTable] = []
    fragments: list[Table] = []
    caption = ""

    def close_table() -> None:
        nonlocal fragments
        if fragments:
            blocks.append(fragments_to_logical(fragments, caption))
            fragments = []

    for block in layout.blocks():
        if isinstance(block, Paragraph) and (is_page_furniture(block.text) and not _wrapped_word(block)
                                             or is_ocr_noise(block)):
            continue  # a page number between two fragments must not split the table
        if isinstance(block, Table):
            if fragments and not _continues(fragments, block):
                close_table()
            fragments.append(block)
        else:
            close_table()
            blocks.append(block)
            caption = block.text
    close_table()
    blank = [p.number for p in layout.pages if not p.blocks]
    sizes = [(p.width, p.height) if p.width and p.height else None for p in layout.pages]
    unread = [(p.number, box) for p in layout.pages for box in p.unread_tables]
    return LogicalDocument(layout.source_file, layout.format, len(layout.pages), blocks, blank, unread, sizes)


def _wrapped_word(paragraph: Paragraph) -> bool:
    """A short word a digital file's title wrapped onto a line of its own («на», «и»)."""
    return paragraph.confidence is None and bool(re.fullmatch(r"\s*[а-яё]{1,2}\s*", paragraph.text))


def is_ocr_noise(paragraph: Paragraph) -> bool:
    """A few letters OCR read from a speck, a stamp or a fold («НЫ шьт»): short, on a scan,
    and no word of it is a word of the language."""
    words = re.findall(r"[^\W\d_]{2,}", paragraph.text)
    return paragraph.confidence is not None and len(paragraph.text) <= 20 and not re.search(r"\d", paragraph.text) \
        and not any(is_known_word(w) for w in words)


def _continues(fragments: list[Table], fragment: Table) -> bool:
    """A fragment continues the table before it when it starts on a later page with
    no more columns (nothing but the page break stands between them; a text
    conversion may drop a row's trailing empty cells), or repeats the column numbers."""
    if fragment.page <= fragments[-1].page or _signature(fragment):
        return False
    first_row = fragment_to_rows(fragment, fragment.n_cols)[:1]
    return fragment.n_cols <= fragments[0].n_cols or bool(first_row and is_column_number_row(first_row[0]))


def _signature(fragment: Table) -> bool:
    """A position and a person's name set out as a row («Министр | О.В. Кравцова»)."""
    rows = fragment_to_rows(fragment, fragment.n_cols)
    return len(rows) == 1 and bool(lexicon.PERSON.match(collapse(rows[0][-1].text)))


def fragments_to_logical(fragments: list[Table], caption: str = "") -> LogicalTable:
    """One logical table from its page fragments."""
    n_cols = max(f.n_cols for f in fragments)
    first = fragment_to_rows(fragments[0], n_cols)
    header, body = split_header(first)
    header = fill_header_spans(header)
    for fragment in fragments[1:]:
        rows = drop_repeated_headers(fragment_to_rows(fragment, n_cols, continued=True), header)
        if rows and body and is_split_row(rows[0]):
            body[-1] = merge_rows(body[-1], rows[0])
            rows = rows[1:]
        body.extend(rows)
    return LogicalTable(header=header, body=codes_closed_alike(body), n_cols=n_cols, caption=caption)


# A row code alone in its cell, «1.2.» or «3.1», with its closing mark as OCR may read it («1.2,», «6.2..», «1.8:»).
_LONE_CODE = re.compile(r"(\d{1,2}(?:\.\d{1,2})+)(\.{0,2}|[,:;])")
_MOST = 3  # codes closed one way for every code closed the other: the column's way


def codes_closed_alike(body: list[list[Cell]]) -> list[list[Cell]]:
    """The codes of the first column that OCR read closed by a comma, a colon or two dots, closed
    as the column closes them: with a dot («1.2.») or without («1.2»); the mark is a blurred dot
    or a speck beside one. A code read without a closing dot keeps it so: orders print both ways
    in one column («5.9.», «5.10»). The code's value is the same."""
    codes = [(row[0], m) for row in body if row and (m := _LONE_CODE.fullmatch(row[0].text.strip()))]
    dotted, plain = (sum(m.group(2) == close for _, m in codes) for close in (".", ""))
    if dotted + plain < _MOST or _MOST * min(dotted, plain) > max(dotted, plain):
        return body
    close = "." if dotted > plain else ""
    for cell, m in codes:
        if cell.confidence is not None and m.group(2) not in ("", "."):
            cell.text = m.group(1) + close
    return body


def fragment_to_rows(fragment: Table, n_cols: int, continued: bool = False) -> list[list[Cell]]:
    """A fragment as dense rows of exactly `n_cols` cells (gaps become empty cells).

    A continued fragment narrower than its table lost leading empty cells in a text
    conversion (the rest of a row cut by the page break sits in the last columns),
    so its cells are aligned to the right.
    """
    rows = []
    for r, row in enumerate(fragment.grid()):
        gap = [None] * (n_cols - len(row))
        row = gap + row if continued else row + gap
        rows.append([c if c is not None else Cell("", r, k, page=fragment.page) for k, c in enumerate(row)])
    return rows


def cell_texts(row: list[Cell]) -> list[str]:
    return [collapse(c.text) for c in row]


def is_column_number_row(row: list[Cell]) -> bool:
    """`1 2 3 4 5 …`: the row that numbers the columns under a header. Numbers may skip
    (`1 2 3 6 7`, columns deleted from a template) or carry a letter (`2а`) or a dot, and OCR
    may misread one number in five («З» or «к» for 3, «0» for 4), or more where four or more
    numbers each stand in their own column («1 2 $ 4 5 Г.» in columns 1–6)."""
    texts = cell_texts(row)
    values = [t for t in texts if t]
    if len(values) < 3 or not all(len(v) <= 3 for v in values):
        return False
    numbers = [int(m.group(1)) for v in values if (m := _COLUMN_NUMBER.match(v))]
    increasing = _longest_rise(numbers) >= len(values) - len(values) // 5 and numbers[:1] in ([1], [2])
    consecutive = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else False
    # a gap needs a longer row: «1 3 4» is as likely a code and two values
    return increasing and (consecutive or len(values) >= 4) or _numbers_name_columns(texts)


def _numbers_name_columns(texts: list[str]) -> bool:
    """Four or more numbers in the row, each its column's place plus one offset."""
    numbers = [(place, int(m.group(1))) for place, text in enumerate(texts) if (m := _COLUMN_NUMBER.match(text))]
    return len(numbers) >= 4 and len({number - place for place, number in numbers}) == 1


_COLUMN_NUMBER = re.compile(r"^(\d{1,2})[а-я]?\.?$")


def _longest_rise(numbers: list[int]) -> int:
    """The length of the longest run of the numbers, in order, that never falls: the
    numbers OCR read right in a row of column numbers with one misread."""
    best: list[int] = []
    for i, n in enumerate(numbers):
        best.append(1 + max((best[j] for j in range(i) if numbers[j] <= n), default=0))
    return max(best, default=0)


def split_header(rows: list[list[Cell]]) -> tuple[list[list[Cell]], list[list[Cell]]]:
    """Header rows end at the column-number row, or else before the first row that
    starts with a row label (a code, a Roman section, «Задача …») or totals numbers."""
    for i, row in enumerate(rows[:6]):
        if is_column_number_row(row):
            return rows[:i], rows[i + 1:]
    for i, row in enumerate(rows[:6]):
        if i and _opens_body(row):
            return rows[:i], rows[i:]
    end = 1
    while end < min(len(rows), 6) and _continues_header(rows[end], rows[end - 1]):
        end += 1
    return rows[:end], rows[end:]


def _continues_header(row: list[Cell], above: list[Cell]) -> bool:
    """A row of sub-headings under a header row: its first cell empty or the heading
    above spanning down, and no amount in it, only words and years."""
    texts = cell_texts(row)
    return (not texts[0] or row[0] is above[0]) and any(texts) and not any(map(_is_amount, texts))


def _opens_body(row: list[Cell]) -> bool:
    """A row of the body: it starts with a code or a task, or it is a total with amounts
    (a heading «Всего» over the columns of years has none)."""
    label = _row_label(row)
    if not label:
        return False
    if TOTAL_ROW.match(label):
        return any(map(_is_amount, cell_texts(row)))
    return True


def _is_amount(text: str) -> bool:
    """A cell that prints a number and nothing else; a year is a heading, not an amount."""
    return bool(re.fullmatch(r"[\d\s\u00a0.,%]*\d[\d\s\u00a0.,%]*", text)) and not YEAR_ONLY.match(text)


def _row_label(row: list[Cell]) -> str:
    """The row's first text when it labels a body row: a code, a section, a total."""
    first = cell_texts(row)[0]
    if _is_section_number(first):
        return first
    texts = [t for t in cell_texts(row) if t]
    return texts[0] if texts and _ROW_LABEL.match(texts[0]) else ""


# A row number smudged past reading («}.», «ЛУ.» for IV.): a short token closed by a dot.
_SMUDGED_NUMBER = re.compile(r"\s*(?!№)\S{1,3}\.\s*")


def _is_section_number(text: str) -> bool:
    """A Roman section number as OCR reads it in Cyrillic («Г.» for I., «И.» for II.; the
    code grammar knows these), or smudged past reading: no header prints one in its
    first column."""
    code = parse_code(text)
    return (code is not None and code.roman) or bool(_SMUDGED_NUMBER.fullmatch(text))


def fill_header_spans(header: list[list[Cell]]) -> list[list[Cell]]:
    """Text conversions lose horizontal spans: «Базовое значение» over «значение | дата»
    prints as a label followed by an empty cell. Extend a header label into empty
    cells to its right when the row below labels those columns."""
    filled = [list(row) for row in header]
    for r, row in enumerate(filled[:-1]):
        below = filled[r + 1]
        for k in range(1, len(row)):
            if not row[k].text.strip() and row[k - 1].text.strip() and below[k].text.strip():
                row[k] = row[k - 1]
    return filled


def drop_repeated_headers(rows: list[list[Cell]], header: list[list[Cell]]) -> list[list[Cell]]:
    """Drop a continuation fragment's leading header repeats and column-number rows."""
    while rows and (is_column_number_row(rows[0]) or repeats_header(rows[0], header)):
        rows = rows[1:]
    return rows


def repeats_header(row: list[Cell], header: list[list[Cell]]) -> bool:
    """A header row printed again on a later page: every text of it is (part of) a
    heading of its column. A page may cut or wrap a heading differently
    («всего, тыс.» under «всего, тыс. рублей»), so a part counts."""
    texts = [(k, _letters(t)) for k, t in enumerate(cell_texts(row)) if t]
    headings = [_letters(" ".join(h[k].text for h in header if k < len(h))) for k in range(len(row))]
    return bool(texts) and not _opens_body(row) and all(_read_within(t, headings[k]) for k, t in texts)


def _letters(text: str) -> str:
    """Letters and digits only, lower case: a speck read as a quote or a dot is no difference."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


_SAME_READING = 0.85  # of the letters: two OCR readings of one heading differ by a glyph or two


def _read_within(text: str, heading: str) -> bool:
    """`text` is (a part of) `heading`, allowing for a misread glyph or two in either reading."""
    if text in heading:
        return True
    if len(text) < 6:
        return False
    matcher = SequenceMatcher(None, text, heading, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) >= _SAME_READING * len(text)


def is_split_row(row: list[Cell]) -> bool:
    """The rest of a row cut by a page break: no number, and nothing that opens a new row
    (a section, a total, or a row of one funding source under a measure)."""
    texts = cell_texts(row)
    if texts[0] or not any(texts):
        return False
    first_text = next(t for t in texts if t)
    word = re.match(r"[^\W\d_]+", first_text)
    if word and first_text[0].islower() and not is_known_word(word.group(0)):
        return True  # the tail of a word the page break hyphenated («республик-» | «анский бюджет»)
    return not _NEW_ROW_TEXT.match(first_text) and not (len(first_text) < 80 and classify_source(first_text))


def merge_rows(upper: list[Cell], lower: list[Cell]) -> list[Cell]:
    """Glue the continuation of a split row onto its start, column by column."""
    merged = []
    for a, b in zip(upper, lower):
        if not b.text.strip() or a is b:
            merged.append(a)
        elif not a.text.strip():
            merged.append(b)
        else:
            merged.append(Cell(  # a number or a word the page break cut is joined again
                text=join_wrapped(a.text, b.text, line_break="\n"), row=a.row, col=a.col, row_span=a.row_span,
                col_span=a.col_span, page=a.page, bbox=a.bbox, confidence=_min_conf(a.confidence, b.confidence),
                bold=a.bold,
            ))
    return merged


def _min_conf(a: float | None, b: float | None) -> float | None:
    known = [x for x in (a, b) if x is not None]
    return min(known) if known else None
