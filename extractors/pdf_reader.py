"""PDF → Layout, page by page: a real text layer goes the digital way, anything else
to OCR (one PDF may mix both).

Digital pages: ruled tables from pdfplumber's table finder, with merged cells
recovered from the cell boxes (`cells_to_grid`), and the words outside tables
grouped into lines and lines into paragraphs (`lines_to_paragraphs`).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from models.layout import BBox, Cell, Layout, Page, Paragraph, Table
from pipeline.errors import CorruptFileError, EmptyInputError, InputError

MAX_PAGE_POINTS = 14400  # 5 m: larger pages are refused rather than rendered (decompression bombs)
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")
_LETTER = re.compile(r"[A-Za-zА-Яа-яЁё]")
# Latin letters that look like Cyrillic ones: a font without a Unicode map prints «noJI» for «пол».
_LATIN_LOOKALIKE_WORD = re.compile(r"\b[A-Za-z]*[JIl][A-Za-z]*\b")


class EncryptedPdfError(InputError):
    remedy = "save the PDF without a password and ingest that copy"


def has_real_text(text: str) -> bool:
    """A text layer worth reading: mostly Cyrillic letters, no `(cid:…)` glyph codes."""
    letters = _LETTER.findall(text)
    if len(letters) < 20 or text.count("(cid:") > 3:
        return False
    return len(_CYRILLIC.findall(text)) / len(letters) > 0.5


def read_pdf(path: Path, ocr_page: Callable[[Path, int], Page] | None = None) -> Layout:
    """Read every page; pages without a real text layer go to `ocr_page(path, number)`."""
    pages: list[Page] = []
    digital = scanned = 0
    with _open(path) as pdf:
        if not pdf.pages:
            raise EmptyInputError("the PDF has no pages", path=path)
        for number, page in enumerate(pdf.pages, start=1):
            _check_size(path, page, number)
            if has_real_text(page.extract_text() or ""):
                pages.append(read_digital_page(page, number))
                digital += 1
            elif ocr_page is not None:
                pages.append(ocr_page(path, number))
                scanned += 1
            else:
                pages.append(Page(number=number, width=float(page.width), height=float(page.height)))
    kind = "scan" if scanned and not digital else "pdf"
    return Layout(source_file=path.name, format=kind, pages=pages)


def _open(path: Path):
    try:
        return pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedPdfError("the PDF is encrypted", path=path) from exc
    except (PDFSyntaxError, PdfminerException) as exc:
        cause = exc.__cause__ or exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise EncryptedPdfError("the PDF is encrypted", path=path) from exc
        raise CorruptFileError(f"not a readable PDF ({type(cause).__name__})", path=path) from exc


def _check_size(path: Path, page, number: int) -> None:
    if max(page.width, page.height) > MAX_PAGE_POINTS:
        raise CorruptFileError(f"page {number} is {page.width:.0f}×{page.height:.0f} pt, too large to process",
                               path=path)


def read_digital_page(page, number: int) -> Page:
    """Tables and paragraphs of a page with a real text layer, in reading order."""
    found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
    tables = [t for t in (table_to_layout(t, number) for t in found) if t.cells]
    boxes = [t.bbox for t in found]
    outside = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes))
    paragraphs = lines_to_paragraphs(outside.extract_text_lines(), number, float(page.width))
    blocks = sorted(tables + paragraphs, key=lambda b: b.bbox.y0 if b.bbox else 0.0)
    return Page(number=number, blocks=blocks, width=float(page.width), height=float(page.height))


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (obj.get("x0", 0) + obj.get("x1", 0)) / 2, (obj.get("top", 0) + obj.get("bottom", 0)) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def table_to_layout(table, page_number: int) -> Table:
    """A pdfplumber table → cells with grid positions and spans from their boxes."""
    boxes = [box for row in table.rows for box in row.cells if box is not None]
    out = []
    for box, (row, col, row_span, col_span) in zip(boxes, cells_to_grid(boxes)):
        out.append(Cell(text=cell_text(table.page, box), row=row, col=col, row_span=row_span, col_span=col_span,
                        page=page_number, bbox=BBox(*box)))
    return Table(cells=out, page=page_number, bbox=BBox(*table.bbox))


def cell_text(page, box: tuple[float, float, float, float]) -> str:
    """A cell's text with its own paragraphs on separate lines and wrapped lines joined:
    a line is a new paragraph when the line above ended with room for its first word."""
    lines = page.crop(box, strict=False).extract_text_lines()
    if not lines:
        return ""
    paragraphs = [lines[0]["text"]]
    for prev, line in zip(lines, lines[1:]):
        first_word = line["text"].split(" ")[0]
        room = box[2] - prev["x1"]
        word_width = (line["x1"] - line["x0"]) * len(first_word) / max(len(line["text"]), 1)
        if room > word_width + 6:
            paragraphs.append(line["text"])
        else:
            paragraphs[-1] += ("" if paragraphs[-1].endswith("-") else " ") + line["text"]
    return "\n".join(paragraphs)


def cells_to_grid(boxes: list[tuple[float, float, float, float]]) -> list[tuple[int, int, int, int]]:
    """(row, col, row_span, col_span) of each cell box, on the grid of all cell edges."""
    xs = _edges([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _edges([b[1] for b in boxes] + [b[3] for b in boxes])
    out = []
    for x0, top, x1, bottom in boxes:
        col, col_end = _index(xs, x0), _index(xs, x1)
        row, row_end = _index(ys, top), _index(ys, bottom)
        out.append((row, col, max(1, row_end - row), max(1, col_end - col)))
    return out


def _edges(values: list[float], tolerance: float = 2.0) -> list[float]:
    edges: list[float] = []
    for v in sorted(values):
        if not edges or v - edges[-1] > tolerance:
            edges.append(v)
    return edges


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


_NEW_PARAGRAPH = re.compile(r"^\s*(?:[-–—•]\s|\d{1,2}[.)]\s|[IVXLC]+\.\s|Задача\s*\d)")


def lines_to_paragraphs(lines: list[dict], page_number: int, page_width: float) -> list[Paragraph]:
    """Text lines → paragraphs: a line joins the one above unless that one ended short
    of the right margin, the gap between them is large, or the line opens a list item."""
    if not lines:
        return []
    left, right = min(line["x0"] for line in lines), max(line["x1"] for line in lines)
    gaps = sorted(b["top"] - a["bottom"] for a, b in zip(lines, lines[1:]) if b["top"] > a["bottom"])
    leading = gaps[len(gaps) // 2] if gaps else 0.0  # the usual gap between lines of a paragraph
    paragraphs: list[list[dict]] = []
    for line in lines:
        prev = paragraphs[-1][-1] if paragraphs else None
        if prev is not None and _continues_paragraph(prev, line, (left, right, leading), page_width):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [_paragraph(group, page_number) for group in paragraphs]


def _continues_paragraph(prev: dict, line: dict, page_text: tuple[float, float, float], page_width: float) -> bool:
    left, right, leading = page_text
    height = prev["bottom"] - prev["top"]
    if line["top"] - prev["bottom"] > leading + 0.3 * height or _NEW_PARAGRAPH.match(line["text"]):
        return False
    if _centred(prev, left, right) != _centred(line, left, right):
        return False  # a centred title ends where justified body text starts
    if _is_bold(prev) != _is_bold(line) or abs(_size(prev) - _size(line)) > 1:
        return False  # a heading ends where the body text starts
    indented = line["x0"] > left + 0.02 * page_width
    if indented and prev["text"].rstrip()[-1:] in ".:;":
        return False  # a first-line indent after a finished sentence
    return prev["x1"] > right - 0.12 * page_width


def _centred(line: dict, left: float, right: float) -> bool:
    margin_left, margin_right = line["x0"] - left, right - line["x1"]
    return margin_left > 8 and abs(margin_left - margin_right) < 12


def _is_bold(line: dict) -> bool:
    chars = [c for c in line.get("chars", []) if c["text"].strip()]
    return bool(chars) and all("Bold" in (c.get("fontname") or "") for c in chars)


def _size(line: dict) -> float:
    sizes = [c.get("size", 0) for c in line.get("chars", []) if c["text"].strip()]
    return max(sizes, default=0)


def _paragraph(lines: list[dict], page_number: int) -> Paragraph:
    text = "\n".join(line["text"] for line in lines)
    bold = all(_is_bold(line) for line in lines)
    box = BBox(min(line["x0"] for line in lines), min(line["top"] for line in lines),
               max(line["x1"] for line in lines), max(line["bottom"] for line in lines))
    return Paragraph(text=text, page=page_number, bold=bold, bbox=box)
