"""The common layout model every reader produces.

A document is a list of pages; a page is a list of blocks in reading order;
a block is a paragraph or a table of cells. Readers for DOCX, plain text,
digital PDFs and scans all produce this, so everything downstream is
format-agnostic.
"""
from __future__ import annotations

from dataclasses import dataclass, field


# A cell or line read by OCR less surely than this (mean word confidence, 0..1) is read
# again, and if still so, goes to a reviewer: digits in a blurred scan are misread with
# confidences up to about 0.8.
SURE_CONFIDENCE = 0.85


@dataclass(frozen=True)
class BBox:
    """A box on a page, in the page's own units (points for PDF, pixels for scans)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Cell:
    """One printed table cell. `row`/`col` index the top-left grid position it covers."""

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    page: int = 1
    bbox: BBox | None = None
    confidence: float | None = None
    bold: bool = False


@dataclass
class Table:
    """A table fragment as it appears on one page (a table may continue on the next)."""

    cells: list[Cell]
    page: int = 1
    bbox: BBox | None = None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.col_span for c in self.cells), default=0)

    def grid(self) -> list[list[Cell | None]]:
        """Dense rows × columns; a spanning cell stands in every position it covers."""
        out: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.row_span):
                for k in range(c.col, c.col + c.col_span):
                    out[r][k] = c
        return out


@dataclass
class Paragraph:
    text: str
    page: int = 1
    bold: bool = False
    heading: int = 0  # heading level; 0 for body text
    bbox: BBox | None = None
    confidence: float | None = None


Block = Paragraph | Table


@dataclass
class Page:
    number: int  # 1-based
    blocks: list[Block] = field(default_factory=list)
    width: float | None = None
    height: float | None = None
    image_path: str | None = None
    unread_tables: list[BBox] = field(default_factory=list)  # ruled areas whose cells could not be found


@dataclass
class Layout:
    """What a reader returns: the pages of one input file."""

    source_file: str  # file name, no folders
    format: str  # docx | text | pdf | scan | image
    pages: list[Page]

    def blocks(self) -> list[Block]:
        return [b for p in self.pages for b in p.blocks]


@dataclass
class LogicalTable:
    """A table as the author meant it: fragments across pages joined, header rows
    separated, repeated headers and column-number rows dropped, split rows merged.

    `header` and `body` are dense grids with exactly `n_cols` cells per row; a cell
    spanning several columns or rows stands in each position it covers.
    """

    header: list[list[Cell]]
    body: list[list[Cell]]
    n_cols: int
    caption: str = ""  # the paragraph(s) printed right above the table

    def column_labels(self) -> list[str]:
        """One label per column: the header texts above it joined with ' / ' (repeats folded)."""
        labels = []
        for k in range(self.n_cols):
            parts: list[str] = []
            for row in self.header:
                t = row[k].text.strip()
                if t and (not parts or parts[-1] != t):
                    parts.append(t)
            labels.append(" / ".join(parts))
        return labels


@dataclass
class LogicalDocument:
    """Paragraphs and logical tables in reading order: what the parser reads."""

    source_file: str
    format: str
    page_count: int
    blocks: list[Paragraph | LogicalTable]
    blank_pages: list[int] = field(default_factory=list)
    unread_tables: list[tuple[int, BBox]] = field(default_factory=list)  # (page, box) of ruled areas not read
    page_sizes: list[tuple[float, float] | None] = field(default_factory=list)  # (width, height) per page
