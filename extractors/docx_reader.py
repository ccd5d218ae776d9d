"""Read a Word (.docx) file into the common layout model.

The body is walked in document order, so paragraphs and tables come out
interleaved exactly as the author wrote them. Each table becomes one `Table`
whose cells sit on the true grid: horizontal merges (`w:gridSpan`) give
`col_span`, vertical merges (`w:vMerge`) give `row_span`, and `w:gridBefore`
shifts a row's first cell to the right.

Page numbers are an estimate. A DOCX file stores no page layout, only hints:
hard page breaks, "page break before" paragraphs, section breaks that start a
new page, and the `w:lastRenderedPageBreak` marks Word leaves where its last
layout broke a page. `_PageCounter` follows those hints; a document saved by a
tool that never paginated (python-docx, converters) has only its explicit breaks.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import OpcError
from docx.oxml.exceptions import InvalidXmlError
from docx.oxml.ns import qn
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.text.font import Font
from docx.text.parfmt import ParagraphFormat
from lxml import etree

from models.layout import Block, Cell, Layout, Page, Paragraph, Table
from models.errors import CorruptFileError, EmptyInputError, InputError, UnreadableFileError

# Moved-from revisions are deleted text. Text boxes float outside the reading order:
# a paragraph's own text leaves them out, and they are read after the paragraph they
# are anchored in (a blank's «дата … №» line, an «УТВЕРЖДЕН …» block).
_VISIBLE = "not(ancestor::w:txbxContent or ancestor::w:moveFrom)"
# A text box's paragraphs, once: Word stores each box twice, as DrawingML and as a VML fallback.
_TEXT_BOX_PARAGRAPHS = ".//w:txbxContent[not(ancestor::*[local-name()='Fallback'])]/w:p[not(ancestor::w:moveFrom)]"
_VISIBLE_RUNS = f".//w:r[{_VISIBLE}]"
_VISIBLE_PARAGRAPHS = f".//w:p[{_VISIBLE}]"
_PAGE_EVENTS = (
    f".//w:t[{_VISIBLE}]"
    f" | .//w:br[@w:type='page'][{_VISIBLE}]"
    f" | .//w:lastRenderedPageBreak[{_VISIBLE}]"
)
# Content controls (w:sdt) wrap whole paragraphs and tables, e.g. on cover pages.
_BODY_BLOCKS = "./w:p | ./w:tbl | ./w:sdt/w:sdtContent/w:p | ./w:sdt/w:sdtContent/w:tbl"

_HEADING_STYLE = re.compile(r"^(?:heading|заголовок)\s*(\d+)$", re.IGNORECASE)
# Text exports of Word files mark bookmarks as "[bookmark: _GoBack]"; documents
# rebuilt from such exports carry the marker as literal text.
_BOOKMARK_MARKER = re.compile(r"\[bookmark: [^\]]*\]")
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # legacy binary .doc (Word 97-2003)
_SECTION_TYPES_ON_SAME_PAGE = {"continuous", "nextColumn"}
MAX_EXPANDED_MB = 300  # what a DOCX may expand to: a 2,000-page order with images is far below it
MAX_BODY_XML_MB = 25  # its body's XML: extraction at this size peaks near 700 MiB
# What python-docx raises on a damaged package. KeyError: a ZIP without the Word
# parts; ValueError: another Office format (.xlsx); BadZipFile, zlib.error and
# EOFError: damaged members; LxmlError: broken XML inside.
_UNREADABLE_PACKAGE = (
    OpcError, KeyError, ValueError, zipfile.BadZipFile, zlib.error, EOFError, etree.LxmlError
)


def read_docx(path: Path) -> Layout:
    """Read the DOCX file at `path` into a `Layout` of pages of paragraphs and tables.

    Raises `UnreadableFileError` when the file cannot be opened, `EmptyInputError`
    when it has no bytes or no text, and `CorruptFileError` when it is not a valid
    Word package (random bytes, a truncated ZIP, a legacy .doc, broken XML or
    invalid values in it).
    """
    path = Path(path)
    document = _open_document(path)
    try:
        blocks = _read_body(document)
    except (ValueError, InvalidXmlError) as exc:
        # python-docx parses attribute values lazily, e.g. a non-numeric w:gridSpan.
        raise CorruptFileError(f"the Word XML holds an invalid value ({exc})", path=path) from exc
    if not blocks:
        raise EmptyInputError("the Word document has no text and no tables", path=path)
    return Layout(source_file=path.name, format="docx", pages=_group_into_pages(blocks))


def _open_document(path: Path) -> DocxDocument:
    """Open `path` with python-docx, turning every failure into a typed pipeline error."""
    try:
        with path.open("rb") as f:
            signature = f.read(4)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UnreadableFileError(f"cannot open the file: {reason}", path=path) from exc
    if not signature:
        raise EmptyInputError("the file is empty (0 bytes)", path=path)
    if signature == _OLE_SIGNATURE:
        raise CorruptFileError(
            "this is a legacy Word 97-2003 .doc file, not a DOCX; save it as .docx", path=path
        )
    if not zipfile.is_zipfile(path):
        raise CorruptFileError(
            "not a DOCX file: it is not a complete ZIP package (truncated or another format)",
            path=path,
        )
    _check_expanded_size(path)
    try:
        return docx.Document(str(path))
    except _UNREADABLE_PACKAGE as exc:
        raise CorruptFileError(
            f"not a readable Word document ({type(exc).__name__}: {exc})", path=path
        ) from exc


def _check_expanded_size(path: Path, limit_mb: int = MAX_EXPANDED_MB, body_mb: int = MAX_BODY_XML_MB) -> None:
    """Refuse a package whose members expand past `limit_mb` (a ZIP bomb), or whose
    body XML passes `body_mb`: python-docx holds them in memory whole, and a run must
    stay under 1 GiB. The sizes are read from the ZIP's directory."""
    try:
        with zipfile.ZipFile(path) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise CorruptFileError(f"not a readable ZIP package ({exc})", path=path) from exc
    expanded = sum(member.file_size for member in members)
    body = sum(member.file_size for member in members if member.filename == "word/document.xml")
    if expanded > limit_mb * 2**20:
        raise CorruptFileError(f"the package expands to {expanded // 2**20} MB, over the {limit_mb} MB a Word "
                               "order can hold", path=path)
    if body > body_mb * 2**20:
        raise InputError(f"the Word body is {body // 2**20} MB of XML; one order's is far under {body_mb} MB "
                         "(a 2,000-page order is about 20 MB): check that the file is one order, or split it",
                         path=path)


def _read_body(document: DocxDocument) -> list[Block]:
    """Turn the body's paragraphs and tables, in order, into layout blocks."""
    styles = _StyleBook(document)
    blocks: list[Block] = _first_page_header(document, styles)
    pages = _PageCounter()
    for element in document.element.body.xpath(_BODY_BLOCKS):
        if element.tag == qn("w:tbl"):
            table = _read_table(element, styles, pages)
            if table.cells:
                blocks.append(table)
            continue
        paragraph = _read_paragraph(element, styles, pages)
        if paragraph is not None:
            blocks.append(paragraph)
        blocks += _text_boxes(element, styles, pages.page)
        if _ends_section_before_new_page(element):
            pages.start_new_page()
    return blocks


def _group_into_pages(blocks: list[Block]) -> list[Page]:
    """Put blocks on numbered pages 1..last; pages without blocks stay, empty, in place."""
    pages = [Page(number=n) for n in range(1, max(b.page for b in blocks) + 1)]
    for block in blocks:
        pages[block.page - 1].blocks.append(block)
    return pages


# --- paragraphs -------------------------------------------------------------


def _read_paragraph(p, styles: _StyleBook, pages: _PageCounter) -> Paragraph | None:
    """A body `w:p` element as a layout `Paragraph`, or None when it has no text."""
    style = styles.of_paragraph(p)
    if _first_set([ParagraphFormat(p).page_break_before, style.page_break_before]):
        pages.start_new_page()
    first_text_page = pages.walk(p)
    text = _paragraph_text(p).strip()
    if not text:
        return None
    return Paragraph(
        text=text,
        page=first_text_page or pages.page,
        bold=_all_text_bold([p], styles),
        heading=style.heading,
    )


def _first_page_header(document: DocxDocument, styles: _StyleBook) -> list[Paragraph]:
    """The first page's header, read once before the body: a blank may lay out its
    «ПРАВИТЕЛЬСТВО …» or «от … №» lines there. Later pages' running headers are not text."""
    section = document.sections[0]
    header = section.first_page_header if section.different_first_page_header_footer else section.header
    if header.is_linked_to_previous:  # the first section has no header of its own
        return []
    paragraphs = []
    for p in header._element.xpath(".//w:p[not(ancestor::w:txbxContent)]"):
        text = _paragraph_text(p).strip()
        if text:
            paragraphs.append(Paragraph(text=text, page=1, bold=_all_text_bold([p], styles)))
        paragraphs += _text_boxes(p, styles, 1)
    return paragraphs


def _text_boxes(p, styles: _StyleBook, page: int) -> list[Paragraph]:
    """The paragraphs of the text boxes anchored in a body paragraph, on its page."""
    boxed = []
    for box_p in p.xpath(_TEXT_BOX_PARAGRAPHS):
        text = _BOOKMARK_MARKER.sub("", "".join(t.text or "" for t in box_p.xpath(".//w:t"))).strip()
        if text:
            boxed.append(Paragraph(text=text, page=page, bold=_all_text_bold([box_p], styles)))
    return boxed


def _paragraph_text(p) -> str:
    """The visible text of a `w:p` element, runs joined, bookmark markers removed."""
    text = "".join(r.text for r in p.xpath(_VISIBLE_RUNS))
    return _BOOKMARK_MARKER.sub("", text)


def _all_text_bold(ps: Iterable, styles: _StyleBook) -> bool:
    """True when every run with visible text in the `w:p` elements is bold (and there is one)."""
    verdicts = [
        _run_is_bold(r, styles.of_run(r), styles.of_paragraph(p))
        for p in ps
        for r in p.xpath(_VISIBLE_RUNS)
        if r.text.strip()
    ]
    return bool(verdicts) and all(verdicts)


def _run_is_bold(r, run_style: _StyleFacts, paragraph_style: _StyleFacts) -> bool:
    """Bold as Word resolves it: direct formatting, then character style, then paragraph style."""
    return bool(_first_set([Font(r).bold, run_style.bold, paragraph_style.bold]))


def _first_set(values: Iterable[bool | None]) -> bool | None:
    """The first value that is not None: the nearest level of formatting that decides."""
    return next((value for value in values if value is not None), None)


@dataclass(frozen=True)
class _StyleFacts:
    """What the reader needs from one style, its `basedOn` chain already applied."""

    bold: bool | None = None
    page_break_before: bool | None = None
    heading: int = 0  # N for a style named "Heading N" / "Заголовок N"


class _StyleBook:
    """Style facts by style id, resolved once per document.

    python-docx finds a style by scanning every style in the document; doing
    that for each run costs seconds on a long order.
    """

    def __init__(self, document: DocxDocument):
        # Numbering styles carry no run or paragraph formatting.
        self._facts = {
            style.style_id: _facts_of(style)
            for style in document.styles
            if isinstance(style, CharacterStyle)
        }
        default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self._default_paragraph = self._facts[default.style_id] if default else _StyleFacts()

    def of_paragraph(self, p) -> _StyleFacts:
        """Facts of the paragraph style of `w:p` element `p` (the default style if none)."""
        return self._facts.get(p.style, self._default_paragraph)

    def of_run(self, r) -> _StyleFacts:
        """Facts of the character style of `w:r` element `r` (no facts if none)."""
        return self._facts.get(r.style, _StyleFacts())


def _facts_of(style: CharacterStyle) -> _StyleFacts:
    chain = _style_chain(style)
    return _StyleFacts(
        bold=_first_set(s.font.bold for s in chain),
        page_break_before=_first_set(
            s.paragraph_format.page_break_before for s in chain if isinstance(s, ParagraphStyle)
        ),
        heading=_heading_level(style.name or ""),
    )


def _style_chain(style: CharacterStyle) -> list[CharacterStyle]:
    """The style followed by the styles it is based on, nearest first."""
    chain = []
    while style is not None and style not in chain:  # guard against cyclic basedOn
        chain.append(style)
        style = style.base_style
    return chain


def _heading_level(style_name: str) -> int:
    """N for a style named "Heading N" or "Заголовок N", else 0."""
    match = _HEADING_STYLE.match(style_name)
    return int(match.group(1)) if match else 0


def _ends_section_before_new_page(p) -> bool:
    """Whether `p` closes a section and the next section starts on a new page.

    A section's properties sit at its end, so the kind of break that starts the
    next section is on the next `w:sectPr` in the document.
    """
    if not p.xpath("./w:pPr/w:sectPr"):
        return False
    next_section = p.xpath("following::w:sectPr[1]")
    if not next_section:
        return False
    kind = next_section[0].xpath("string(./w:type/@w:val)") or "nextPage"
    return kind not in _SECTION_TYPES_ON_SAME_PAGE


# --- tables -----------------------------------------------------------------


def _read_table(tbl, styles: _StyleBook, pages: _PageCounter) -> Table:
    """A `w:tbl` element as a `Table` of grid-positioned cells, merges resolved."""
    cells: list[Cell] = []
    # Cells that a `w:vMerge` continuation in the next row would extend, by grid column.
    open_merges: dict[int, Cell] = {}
    for row_index, tr in enumerate(tbl.xpath("./w:tr")):
        row_page = _walk_row(tr, pages)
        next_merges: dict[int, Cell] = {}
        col = tr.grid_before
        for tc in tr.xpath("./w:tc"):
            if tc.vMerge == "continue" and col in open_merges:
                cell = open_merges[col]
                cell.row_span += 1
            else:
                cell = _read_cell(tc, styles, row_index, col, row_page)
                cells.append(cell)
            if tc.vMerge is not None:
                next_merges[col] = cell
            col += tc.grid_span
        open_merges = next_merges
    return Table(cells=cells, page=cells[0].page if cells else pages.page)


def _read_cell(tc, styles: _StyleBook, row: int, col: int, page: int) -> Cell:
    """One `w:tc` element as a `Cell` at grid position (row, col)."""
    # Nested tables' paragraphs are descendants too, so their text lands here in order.
    ps = tc.xpath(_VISIBLE_PARAGRAPHS)
    lines = [_paragraph_text(p).strip() for p in ps]
    return Cell(
        text="\n".join(line for line in lines if line),
        row=row,
        col=col,
        col_span=tc.grid_span,
        page=page,
        bold=_all_text_bold(ps, styles),
    )


def _walk_row(tr, pages: _PageCounter) -> int:
    """Move `pages` past one table row; return the page the row starts on.

    Each cell is a column of text that breaks at the same page boundary as its
    neighbours, so each is walked separately from the row's starting state: the
    row starts where its earliest text does, and the next row continues from the
    cell that ran furthest.
    """
    cell_walks = []
    first_text_pages = []
    for tc in tr.xpath("./w:tc"):
        walk = pages.copy()
        first_text_page = walk.walk(tc)
        cell_walks.append(walk)
        if first_text_page is not None:
            first_text_pages.append(first_text_page)
    row_page = min(first_text_pages, default=pages.page)
    pages.continue_from(cell_walks)
    return row_page


# --- pages ------------------------------------------------------------------


class _PageCounter:
    """The page the body walk is on, moved by the page-break hints a DOCX keeps.

    A hard break (`w:br w:type="page"`) always adds a page. The other hints
    (page-break-before, a section starting on a new page, a rendered page break)
    only say "start a new page here", which is a no-op at the top of a fresh page;
    that keeps e.g. the rendered break Word records after a hard break from
    counting twice.
    """

    def __init__(self, page: int = 1, at_page_top: bool = True):
        self.page = page
        self.at_page_top = at_page_top  # no text on the current page yet

    def copy(self) -> _PageCounter:
        return _PageCounter(self.page, self.at_page_top)

    def add_page(self) -> None:
        self.page += 1
        self.at_page_top = True

    def start_new_page(self) -> None:
        if not self.at_page_top:
            self.add_page()

    def walk(self, element) -> int | None:
        """Follow the breaks and text inside `element`; return the page its text starts on."""
        first_text_page = None
        for node in element.xpath(_PAGE_EVENTS):
            if node.tag == qn("w:br"):
                self.add_page()
            elif node.tag == qn("w:lastRenderedPageBreak"):
                self.start_new_page()
            elif node.text and node.text.strip():
                self.at_page_top = False
                first_text_page = first_text_page or self.page
        return first_text_page

    def continue_from(self, walks: list[_PageCounter]) -> None:
        """Resume after parallel walks (a row's cells) from the one that got furthest."""
        furthest = max(walks, key=lambda w: (w.page, not w.at_page_top), default=self)
        self.page, self.at_page_top = furthest.page, furthest.at_page_top
