"""Print an invented order (tests/generated/orders.py) the ways orders reach the product.

- `.txt` as text conversions print it: one paragraph a line, table rows tab-separated one a line,
  a merged cell's text in its first position and empty cells for the rest, stacked paragraphs
  inside a cell as `<p>…</p>`, bold headings as `<b>…</b>`;
- `.docx` with python-docx: real horizontal (gridSpan) and vertical (vMerge) merges, ruled
  tables, the annex on a page of its own (landscape when its tables are wide), optionally header
  rows repeated on every page.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt

from tests.generated.orders import Grid, Order, Para, Section

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}


# --- text ---------------------------------------------------------------------------------------

def _txt_cell(slot) -> str:
    if slot is None or not slot.paras:
        return ""
    text = slot.paras[0] if len(slot.paras) == 1 else " ".join(f"<p>{p}</p>" for p in slot.paras)
    return f"<b>{text}</b>" if slot.bold else text


def order_text(order: Order) -> str:
    lines: list[str] = []
    for block in order.blocks:
        if isinstance(block, Para):
            lines += [block.text, ""]
        elif isinstance(block, Grid):
            lines += ["\t".join(_txt_cell(slot) for slot in row) for row in block.rows]
            lines.append("")
    return "\n".join(lines)


def write_txt(order: Order, path: Path) -> Path:
    path.write_text(order_text(order), encoding="utf-8")
    return path


# --- Word ---------------------------------------------------------------------------------------

def write_docx(order: Order, path: Path) -> Path:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(4)
    _set_margins(doc.sections[0], landscape=False)
    for block in order.blocks:
        if isinstance(block, Section):
            section = doc.add_section(WD_SECTION.NEW_PAGE)
            _set_margins(section, landscape=block.landscape)
        elif isinstance(block, Para):
            p = _header_paragraph(doc) if block.page_header else doc.add_paragraph()
            p.alignment = _ALIGN[block.align]
            run = p.add_run(block.text)
            run.bold = block.bold or None
        else:
            _write_table(doc, block, usable_cm=_usable_width_cm(doc.sections[-1]))
    doc.save(str(path))
    return path


def _header_paragraph(doc):
    """A new paragraph in the first section's page header (its first, empty one at first)."""
    header = doc.sections[0].header
    first = header.paragraphs[0]
    return first if not first.text and len(header.paragraphs) == 1 and not first.runs else header.add_paragraph()


def _set_margins(section, landscape: bool) -> None:
    long, short = Cm(29.7), Cm(21.0)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(1.5)


def _usable_width_cm(section) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / 360000


_AMOUNT = re.compile(r"^[\d\s,.–х-]+$")
# A word, or an amount whose digits are grouped by spaces («1 234,5»): a cell that prints an amount
# among words («1 234,5 тыс. руб.», «2019 г. – 1 207 180; …») may wrap between them, never inside it.
_TOKEN = re.compile(r"\d{1,3}(?: \d{3})+(?:,\d+)?[;,]?|\S+")


def _column_widths(grid: Grid, usable_cm: float, font_pt: float) -> list[float]:
    """Widths in cm: each column at least as wide as its longest unbreakable text (an amount
    is never wrapped, as in printed orders), the rest shared out by the columns' weights."""
    per_char = 0.0175 * font_pt  # an average glyph of Times at this size, in cm (a digit's width)
    padding = 0.4  # the cell's own margins, 0.19 cm a side in Word's default table style
    need = [0.8] * grid.ncols
    for r, row in enumerate(grid.rows):
        for c, slot in enumerate(row):
            if slot is None or slot.colspan > 1:
                continue
            for text in slot.paras:
                tokens = [text] if _AMOUNT.match(text) and len(text) <= 16 else _TOKEN.findall(text)
                longest = max((len(t) for t in tokens if len(t) <= 14), default=0)
                need[c] = max(need[c], longest * per_char * (1.3 if r < grid.header_rows else 1) + padding)
    spare = max(usable_cm - sum(need), 0)
    weights = [w if w >= 1.5 else 0 for w in grid.widths] or grid.widths
    total = sum(weights) or 1
    widths = [n + spare * w / total for n, w in zip(need, weights)]
    scale = usable_cm / sum(widths)
    return [w * scale for w in widths] if scale < 1 else widths


def _write_table(doc, grid: Grid, usable_cm: float) -> None:
    """The grid as a Word table: a merged cell is one `w:tc` with `w:gridSpan` across columns and
    `w:vMerge` restart / continue down rows, as Word itself saves it."""
    table = doc.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    table.autofit = False
    if grid.borders != "all":
        _set_borders(table, grid.borders)
    font_pt = 9 if grid.ncols <= 9 else 8
    widths = [Cm(w) for w in _column_widths(grid, usable_cm, font_pt)]
    for column, width in zip(table.columns, widths):
        column.width = width
    owner = {}
    for r, row in enumerate(grid.rows):
        for c, slot in enumerate(row):
            if slot is not None:
                for rr in range(r, r + slot.rowspan):
                    for cc in range(c, c + slot.colspan):
                        owner[(rr, cc)] = (r, c, slot)
    for r, (row, tr) in enumerate(zip(grid.rows, table.rows)):
        for tc in tr._tr.tc_lst:
            tr._tr.remove(tc)
        if grid.repeat_header and r < grid.header_rows:
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr._tr.get_or_add_trPr().append(header)
        c = 0
        while c < grid.ncols:
            r0, c0, slot = owner[(r, c)]
            width = Emu(sum(widths[c:c + slot.colspan]))
            vmerge = None if slot.rowspan == 1 else ("restart" if r == r0 else "continue")
            paras = slot.paras if r == r0 else []
            bold = slot.bold or r < grid.header_rows
            tr._tr.append(_tc(paras, width, slot.colspan, vmerge, bold, font_pt))
            c += slot.colspan


_RULED = {"across": ("top", "bottom", "insideH"), "inner": ("top", "bottom", "insideH", "insideV")}


def _set_borders(table, borders: str) -> None:
    """Rule the table as `borders` says (see orders.BORDERS): the sides not listed get none."""
    element = _el("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        ruled = side in _RULED[borders]
        element.append(_el(f"w:{side}", val="single" if ruled else "nil", sz=4 if ruled else 0, space=0,
                           color="000000" if ruled else "auto"))
    table._tbl.tblPr.append(element)


def _el(tag: str, **attrs) -> OxmlElement:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), str(value))
    return element


def _tc(paras: list[str], width, colspan: int, vmerge: str | None, bold: bool, font_pt: float):
    tc = _el("w:tc")
    properties = _el("w:tcPr")
    properties.append(_el("w:tcW", w=int(width.twips), type="dxa"))
    if colspan > 1:
        properties.append(_el("w:gridSpan", val=colspan))
    if vmerge == "restart":
        properties.append(_el("w:vMerge", val="restart"))
    elif vmerge == "continue":
        properties.append(_el("w:vMerge"))
    tc.append(properties)
    for text in paras or [""]:
        p = _el("w:p")
        paragraph_properties = _el("w:pPr")
        paragraph_properties.append(_el("w:spacing", after=0))
        p.append(paragraph_properties)
        if text:
            run = _el("w:r")
            run_properties = _el("w:rPr")
            if bold:
                run_properties.append(_el("w:b"))
            run_properties.append(_el("w:sz", val=int(font_pt * 2)))
            run_properties.append(_el("w:szCs", val=int(font_pt * 2)))
            run.append(run_properties)
            t = _el("w:t")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = text
            run.append(t)
            p.append(run)
        tc.append(p)
    return tc


def write_truth(order: Order, path: Path) -> Path:
    path.write_text(json.dumps(order.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
