"""PDF → Layout, page by page: a real text layer goes the digital way, anything else
to OCR (one PDF may mix both).

Digital pages: ruled tables from pdfplumber's table finder, with merged cells
recovered from the cell boxes (`cells_to_grid`), and the words outside tables
grouped into lines and lines into paragraphs (`lines_to_paragraphs`).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfplumber import utils
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from extractors import alignment
from extractors.lines import join_wrapped_lines, lines_to_paragraphs
from normalizers.lexicon import CYRILLIC_LETTER
from normalizers.text import is_known_word
from models.layout import BBox, Cell, Layout, Page, Table
from models.errors import CorruptFileError, EmptyInputError, EncryptedPdfError
from normalizers.text import is_page_furniture

MAX_PAGE_POINTS = 14400  # 5 m: larger pages are refused rather than rendered (decompression bombs)
# A page's text layer is judged by its first letters: enough for the test, without laying
# out the whole page's text (the tables and paragraphs lay out what they read).
_SAMPLE_CHARS = 3000
_WORD = re.compile(r"\b[А-Яа-яЁё]{4,}\b")
_LETTER = re.compile(r"[A-Za-zА-Яа-яЁё]")
# Latin letters that look like Cyrillic ones: a font without a Unicode map prints «noJI» for «пол».
_LATIN_LOOKALIKE_WORD = re.compile(r"\b[A-Za-z]*[JIl][A-Za-z]*\b")


def has_real_text(text: str) -> bool:
    """A text layer worth reading: mostly Cyrillic letters, no `(cid:…)` glyph codes,
    and mostly dictionary words (a scan's invisible OCR layer of poor quality is not)."""
    letters = _LETTER.findall(text)
    if len(letters) < 20 or text.count("(cid:") > 3:
        return False
    if len(CYRILLIC_LETTER.findall(text)) / len(letters) <= 0.5:
        return False
    words = _WORD.findall(text)[:300]
    return sum(is_known_word(w) for w in words) / max(1, len(words)) > 0.6


@dataclass(frozen=True)
class _PageRead:
    """One page as a run of pages read it: the page (blank when it goes to OCR), whether
    its text layer was read, and the column edges of the last table on it."""

    page: Page
    digital: bool
    columns: tuple[float, ...]


def read_pdf(path: Path, ocr_pages: Callable[[Path, list[int]], list[Page]] | None = None,
             workers: int = 1) -> Layout:
    """Read every page; pages without a real text layer go to `ocr_pages(path, numbers)`.
    A long PDF is read by up to `workers` processes, each a run of consecutive pages."""
    with _open(path) as pdf:
        if not pdf.pages:
            raise EmptyInputError("the PDF has no pages", path=path)
        runs = _runs(len(pdf.pages), workers)
        read = _read_pages(path, pdf, runs[0]) if len(runs) == 1 else None
    if read is None:
        with ProcessPoolExecutor(max_workers=len(runs)) as pool:
            read = [page for run in pool.map(_read_run, [path] * len(runs), runs) for page in run]
    read = _carry_columns(path, read, runs)
    pages = {r.page.number: r.page for r in read}
    to_ocr = [r.page.number for r in read if not r.digital]
    if to_ocr and ocr_pages is not None:
        pages.update({p.number: p for p in ocr_pages(path, to_ocr)})
    kind = "scan" if len(to_ocr) == len(pages) else "pdf"
    return Layout(source_file=path.name, format=kind, pages=[pages[n] for n in sorted(pages)])


_PAGES_PER_WORKER = 4  # fewer pages than this a process are read in this one: a process costs more


def _runs(count: int, workers: int) -> list[list[int]]:
    """Pages 1…count in up to `workers` runs of consecutive pages."""
    parts = max(1, min(workers, count // _PAGES_PER_WORKER))
    size = -(-count // parts)
    return [list(range(first, min(first + size, count + 1))) for first in range(1, count + 1, size)]


def _read_run(path: Path, numbers: list[int], columns: tuple[float, ...] = ()) -> list[_PageRead]:
    """Pages `numbers` of the PDF at `path` (in a worker process: it opens the file itself)."""
    with _open(path) as pdf:
        return _read_pages(path, pdf, numbers, columns)


def _read_pages(path: Path, pdf, numbers: list[int], columns: tuple[float, ...] = ()) -> list[_PageRead]:
    """Pages `numbers` in order, `columns` being the column edges of the last table before
    them: a table may go on over the page."""
    read = []
    for number in numbers:
        page = pdf.pages[number - 1]
        _check_size(path, page, number)
        if has_real_text(utils.extract_text(page.chars[:_SAMPLE_CHARS])):
            done = read_digital_page(page, number, list(columns))
            columns = tuple(_column_edges(done))
            read.append(_PageRead(done, True, columns))
        else:
            columns = ()
            read.append(_PageRead(Page(number=number, width=float(page.width), height=float(page.height)),
                                  False, columns))
        page.close()  # its parsed objects are read: memory stays flat however many pages follow
    return read


def _carry_columns(path: Path, read: list[_PageRead], runs: list[list[int]]) -> list[_PageRead]:
    """Each run read apart began without the column edges of the page before it: where that
    page ends with a table, read the run's first pages again with them, until a page is
    read with the edges it was read with before (every page after it then reads the same)."""
    for run in runs[1:]:
        i, read_with = run[0] - 1, ()  # `read` holds pages 1… in order
        while i < run[-1] and read[i - 1].columns != read_with:
            read_with = read[i].columns  # what the run read the next page with
            read[i] = _read_run(path, [read[i].page.number], read[i - 1].columns)[0]
            i += 1
    return read


def _open(path: Path):
    try:
        return pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedPdfError("the PDF is encrypted", path=path) from exc
    except (PDFSyntaxError, PdfminerException) as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedPdfError("the PDF is encrypted", path=path) from exc
        raise CorruptFileError(f"not a readable PDF ({type(cause).__name__})", path=path) from exc


def _check_size(path: Path, page, number: int) -> None:
    if max(page.width, page.height) > MAX_PAGE_POINTS:
        raise CorruptFileError(f"page {number} is {page.width:.0f}×{page.height:.0f} pt, too large to process",
                               path=path)


def read_digital_page(page, number: int, columns_before: list[float] | None = None) -> Page:
    """Tables and paragraphs of a page with a real text layer, in reading order
    (`columns_before`: the column edges of the table the page before ended with)."""
    found, unread = find_tables(page, columns_before)
    tables = [t for t in (table_to_layout(t, number) for t in found) if t.cells]
    boxes = [t.bbox for t in found]
    outside = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes))
    paragraphs = lines_to_paragraphs(outside.extract_text_lines(), number, float(page.width))
    blocks = sorted(tables + paragraphs, key=lambda b: b.bbox.y0 if b.bbox else 0.0)
    return Page(number=number, blocks=blocks, width=float(page.width), height=float(page.height),
                unread_tables=unread)


_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_RULE_TOLERANCE = 3.0  # pt: pieces of one rule, or a rule and the frame's corner, are this close
_MIN_GUTTER = 4.0  # pt: the narrowest white channel taken for a column boundary (two cell paddings)


def find_tables(page, columns_before: list[float] | None = None) -> tuple[list, list[BBox]]:
    """pdfplumber tables of the page: the ruled ones, and those ruled across but not down, or
    without their outer frame, with the missing vertical rulings implied by how their text
    lines up (`extractors.alignment`), or, for a table that opens the page, by the column
    edges of the one before (`columns_before`); and the boxes of ruled areas where no cells
    were found."""
    tables, unread = page.find_tables(_LINES), []
    rules = alignment.join_rules([_box(e) for e in page.horizontal_edges], _RULE_TOLERANCE)
    rules = [r for r in rules if not any(alignment.contains(t.bbox, _corners(r), _RULE_TOLERANCE) for t in tables)]
    first_line = _first_line(page)
    for group in alignment.rules_to_tables(rules, max_row=page.height / 3, first_line=first_line):
        region = (min(r.x0 for r in group), min(r.top for r in group), max(r.x1 for r in group),
                  max(r.top for r in group))
        opens_page = first_line is not None and region[1] <= first_line
        implied = _implied_verticals(page, group, region, columns_before if opens_page else None)
        completed = _find_in(page, region, implied) if implied else []
        if completed:
            tables = [t for t in tables if not alignment.contains(region, t.bbox, _RULE_TOLERANCE)] + completed
        elif implied:
            unread.append(BBox(*region))
    return sorted(tables, key=lambda t: t.bbox[1]), unread


def _first_line(page) -> float | None:
    """The middle of the page's first line of text, a page number aside: lines are taken
    from the top (the letters level with the highest one) until one is more than that."""
    chars = sorted(page.chars, key=lambda c: c["top"])
    tops = [c["top"] for c in chars]
    start = 0
    while start < len(chars):
        end = bisect.bisect_left(tops, chars[start]["bottom"], lo=start + 1)
        line = chars[start:end]
        if not is_page_furniture(utils.extract_text(line)):
            return (line[0]["top"] + max(c["bottom"] for c in line)) / 2
        start = end
    return None


def _implied_verticals(page, rules: list[alignment.Box], region: tuple[float, float, float, float],
                       columns: list[float] | None) -> list[dict]:
    """The vertical rulings the table of `rules` lacks, as pdfplumber line objects."""
    inside = page.crop(_around(region))
    words = [alignment.Box(w["x0"], w["top"], w["x1"], w["bottom"]) for w in inside.extract_words()]
    verticals = [_box(e) for e in inside.vertical_edges]
    implied = alignment.implied_verticals(rules, alignment.words_to_phrases(words), verticals, _MIN_GUTTER,
                                          _RULE_TOLERANCE, columns)
    return [{"x0": v.x0, "x1": v.x1, "top": v.top, "bottom": v.bottom, "height": v.bottom - v.top,
             "object_type": "line"} for v in implied]


def _column_edges(page: Page) -> list[float]:
    """The x of every column edge of the last table on the page, or none."""
    tables = [b for b in page.blocks if isinstance(b, Table)]
    if not tables:
        return []
    cells = [c.bbox for c in tables[-1].cells if c.bbox is not None]
    return _edges([b.x0 for b in cells] + [b.x1 for b in cells], _RULE_TOLERANCE)


def _find_in(page, region: tuple[float, float, float, float], verticals: list[dict]) -> list:
    """The tables in `region` with the `verticals` drawn in."""
    return page.crop(_around(region)).find_tables({**_LINES, "explicit_vertical_lines": verticals})


def _around(region: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    x0, top, x1, bottom = region
    return x0 - 1, top - 1, x1 + 1, bottom + 1


def _corners(box: alignment.Box) -> tuple[float, float, float, float]:
    return box.x0, box.top, box.x1, box.bottom


def _box(edge: dict) -> alignment.Box:
    return alignment.Box(float(edge["x0"]), float(edge["top"]), float(edge["x1"]), float(edge["bottom"]))


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (obj.get("x0", 0) + obj.get("x1", 0)) / 2, (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def table_to_layout(table, page_number: int) -> Table:
    """A pdfplumber table → cells with grid positions and spans from their boxes."""
    boxes = [box for row in table.rows for box in row.cells if box is not None]
    grid = cells_to_grid(boxes)
    out = []
    for box, text, (row, col, row_span, col_span) in zip(boxes, cells_text(table.page, boxes, grid), grid):
        out.append(Cell(text=text, row=row, col=col, row_span=row_span, col_span=col_span,
                        page=page_number, bbox=BBox(*box)))
    return Table(cells=out, page=page_number, bbox=BBox(*table.bbox))


def cells_text(page, boxes: list[tuple[float, float, float, float]],
               grid: list[tuple[int, int, int, int]]) -> list[str]:
    """The text inside each cell box, its own paragraphs on separate lines. A letter belongs
    to the cell its centre is in; the letters are dealt to the cells in one pass over the
    page's (cropping the page per cell would pass over all of them per cell)."""
    xs, ys = _grid_edges(boxes, _CELL_TOLERANCE)
    owner = {(r, c): i for i, (row, col, row_span, col_span) in enumerate(grid)
             for r in range(row, row + row_span) for c in range(col, col + col_span)}
    letters: list[list[dict]] = [[] for _ in boxes]
    for char in page.chars:
        cx, cy = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
        i = owner.get((bisect.bisect(ys, cy) - 1, bisect.bisect(xs, cx) - 1))
        if i is not None and _inside(char, boxes[i]):
            letters[i].append(char)
    return [join_wrapped_lines(utils.chars_to_textmap(chars).extract_text_lines(), box[2]) if chars else ""
            for chars, box in zip(letters, boxes)]


_CELL_TOLERANCE = 2.0  # pt: cell edges closer than this are one grid line


def cells_to_grid(boxes: list[tuple[float, float, float, float]],
                  tolerance: float = _CELL_TOLERANCE) -> list[tuple[int, int, int, int]]:
    """(row, col, row_span, col_span) of each cell box, on the grid of all cell edges
    (edges closer than `tolerance` are one)."""
    xs, ys = _grid_edges(boxes, tolerance)
    out = []
    for x0, top, x1, bottom in boxes:
        col, col_end = _index(xs, x0), _index(xs, x1)
        row, row_end = _index(ys, top), _index(ys, bottom)
        out.append((row, col, max(1, row_end - row), max(1, col_end - col)))
    return out


def _grid_edges(boxes: list[tuple[float, float, float, float]],
                tolerance: float) -> tuple[list[float], list[float]]:
    """The x and the y of every grid line the cell boxes' edges make."""
    return (_edges([b[0] for b in boxes] + [b[2] for b in boxes], tolerance),
            _edges([b[1] for b in boxes] + [b[3] for b in boxes], tolerance))


def _edges(values: list[float], tolerance: float) -> list[float]:
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > tolerance:
            edges.append(v)
    return edges


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))
