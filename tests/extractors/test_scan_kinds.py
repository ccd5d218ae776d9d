"""Kinds of damaged scans through real Tesseract: a tilted sheet, a scanner streak, a seal
over an amount. Each page is drawn by `tests/generated/scans.py` with its truth, damaged,
then read by `read_page_image` as the product reads a scanned PDF page (at 300 dpi).

The measure is the one that matters downstream: the table keeps its shape, and the amounts
are read digit for digit (spaces aside), since a misread amount is stored as a wrong number.
Each page takes one to two seconds to read.
"""
from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.ocr.page import read_cells, read_page_image
from models.layout import SURE_CONFIDENCE, BBox, Cell, Table
from tests.generated.scans import (
    AMOUNT_COLUMNS,
    FONT_PATH,
    HEADER,
    MM_PER_INCH,
    ScanTruth,
    blur_and_noise,
    break_ruling,
    draw_page,
    seal,
    streak,
    tilt,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PRODUCT_DPI = 300  # scanned PDFs are rendered at this resolution before they are read
READ_EXACTLY = 0.9  # share of amounts that must be read digit for digit
SEAL_RADIUS_MM = 20  # an office's round stamp is about 40 mm across


def scan(image: Image.Image, dpi: int, seed: int) -> Table:
    """The sheet `image` (drawn at `dpi`) as the product sees it: blurred, noisy and
    JPEG-saved by the scanner, brought to 300 dpi, then read; return the page's one table."""
    scanned = blur_and_noise(image, random.Random(seed))
    scale = PRODUCT_DPI / dpi
    at_300 = scanned.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BICUBIC)
    tables = [block for block in read_page_image(at_300, 1).blocks if isinstance(block, Table)]
    assert len(tables) == 1, f"the page prints one table, {len(tables)} found"
    return tables[0]


def same_amount(read: str, printed: str) -> bool:
    """The amount read is the printed one, digit for digit (OCR and print may space it differently)."""
    return "".join(read.split()) == "".join(printed.split())


def assert_shape(table: Table, truth: ScanTruth) -> None:
    """The table has the printed header's columns and one row per printed row."""
    assert (table.n_rows, table.n_cols) == (len(truth.rows), len(HEADER))


def assert_amounts_read(read: dict[tuple[int, int], Cell | None], truth: ScanTruth) -> None:
    """At least READ_EXACTLY of the amounts in `read` ((row, col) → the cell read there) are
    read exactly; the message lists the misread ones."""
    misread = {place: cell.text if cell else None for place, cell in read.items()
               if cell is None or not same_amount(cell.text, truth.rows[place[0]][place[1]])}
    share = 1 - len(misread) / len(read)
    wrong = ", ".join(f"«{truth.rows[r][k]}» as «{text}»" for (r, k), text in misread.items())
    assert share >= READ_EXACTLY, f"{len(read) - len(misread)} of {len(read)} amounts read exactly; {wrong}"


def amount_places(truth: ScanTruth) -> list[tuple[int, int]]:
    """(row, col) of every printed amount."""
    return [(r, k) for r in range(1, len(truth.rows)) for k in AMOUNT_COLUMNS]


def amounts_at_their_places(table: Table, truth: ScanTruth) -> dict[tuple[int, int], Cell | None]:
    """The cell read at each amount's (row, col) of the table's grid."""
    grid = table.grid()
    return {(r, k): grid[r][k] for r, k in amount_places(truth)}


# --- a sheet fed askew ------------------------------------------------------------------------

@pytest.mark.parametrize("degrees", [5, -5])
def test_tilt_5_degrees(degrees):
    """The most a sheet-feeder lets a sheet turn, either way."""
    image, truth = draw_page(seed=11)
    table = scan(tilt(image, degrees), truth.dpi, seed=11)
    assert_shape(table, truth)
    assert_amounts_read(amounts_at_their_places(table, truth), truth)


def test_tilt_2_degrees():
    """The tilt a sheet fed askew typically has; here a landscape page scanned at 150 dpi."""
    image, truth = draw_page(seed=12, dpi=150, landscape=True)
    table = scan(tilt(image, 2), truth.dpi, seed=12)
    assert_shape(table, truth)
    assert_amounts_read(amounts_at_their_places(table, truth), truth)


# --- a landscape table printed sideways on a portrait sheet -------------------------------------

@pytest.mark.parametrize("degrees", [90, 270])
def test_sideways_table(degrees):
    """The table's lines run down the sheet: the page is turned to read them, either way."""
    image, truth = draw_page(seed=51, landscape=True)
    table = scan(tilt(image.rotate(degrees, expand=True), 1), truth.dpi, seed=51)
    assert_shape(table, truth)
    assert_amounts_read(amounts_at_their_places(table, truth), truth)


# --- a table ruled only in part ---------------------------------------------------------------

@pytest.mark.parametrize(("rules", "seed"), [("across", 41), ("across", 42), ("inner", 43)])
def test_partly_ruled_table(rules, seed):
    """Rows ruled, columns only by white space («horizontal borders»), or no outer frame:
    the columns are rebuilt from how the text lines up, and every amount lands in its own."""
    image, truth = draw_page(seed=seed, rules=rules)
    table = scan(tilt(image, 1), truth.dpi, seed=seed)
    assert_shape(table, truth)
    assert [cell.text if cell else None for cell in table.grid()[0]] == HEADER
    assert_amounts_read(amounts_at_their_places(table, truth), truth)


# --- a broken ruling ----------------------------------------------------------------------------

BREAK_SEED = 44


@pytest.mark.parametrize("where", ["middle", "top"])
def test_broken_ruling_keeps_cells_apart(where):
    """A column ruling faded for 3 mm (35 px at 300 dpi) between two amounts, in the middle
    of the row or where it meets the row's top line: the two cells stay two."""
    image, truth = draw_page(seed=BREAK_SEED)
    x0, y0, _, y1 = truth.boxes[2, AMOUNT_COLUMNS[1]]
    gap = round(3 * truth.dpi / MM_PER_INCH)
    top = (y0 + y1 - gap) // 2 if where == "middle" else y0
    table = scan(break_ruling(image, x0 - 1, top, top + gap), truth.dpi, seed=BREAK_SEED)
    assert_shape(table, truth)
    assert_amounts_read(amounts_at_their_places(table, truth), truth)


# --- a scanner streak ---------------------------------------------------------------------------

STREAK_SEED = 30
STREAK_COLUMNS = {"through titles": 1, "through amounts": 4}  # the column whose cells the streak crosses


@lru_cache(maxsize=None)
def read_streaked(where: str) -> tuple[Table, ScanTruth]:
    """The streak page read once for both streak tests: a dark line from the sheet's top
    edge to its bottom edge, slanting 0.4°, down the middle of one column's cells."""
    image, truth = draw_page(seed=STREAK_SEED)
    x0, _, x1, _ = truth.boxes[1, STREAK_COLUMNS[where]]
    return scan(streak(image, (x0 + x1) // 2, 0.4), truth.dpi, seed=STREAK_SEED), truth


@pytest.mark.parametrize("where", STREAK_COLUMNS)
def test_streak_is_not_a_column(where):
    """A streak runs down the table like a ruling, but it is no column's edge."""
    table, truth = read_streaked(where)
    assert_shape(table, truth)


@pytest.mark.parametrize("where", STREAK_COLUMNS)
def test_streak_amounts(where):
    """The amounts are read through a streak as a person reads them."""
    table, truth = read_streaked(where)
    assert_shape(table, truth)
    assert_amounts_read(amounts_at_their_places(table, truth), truth)


# --- a seal over an amount ----------------------------------------------------------------------

SEAL_SEED = 43
SEAL_COLUMN = 4  # «2025 год»: the ring then crosses the amounts of the columns either side


@lru_cache(maxsize=None)
def read_sealed() -> tuple[Table, ScanTruth, tuple[int, int]]:
    """The seal page read once for the seal tests: a round stamp centred on the first
    non-zero amount of the 2025 column below the first body row (a zero is too easy to
    read); also return the (row, col) of that amount."""
    image, truth = draw_page(seed=SEAL_SEED)
    row = next(r for r in range(2, len(truth.rows)) if truth.rows[r][SEAL_COLUMN] != "0")
    x0, y0, x1, y1 = truth.boxes[row, SEAL_COLUMN]
    radius = round(SEAL_RADIUS_MM * truth.dpi / MM_PER_INCH)
    stamped = seal(image, ((x0 + x1) // 2, (y0 + y1) // 2), radius, seed=SEAL_SEED)
    return scan(stamped, truth.dpi, seed=SEAL_SEED), truth, (row, SEAL_COLUMN)


def cell_under(table: Table, truth: ScanTruth, place: tuple[int, int]) -> Cell | None:
    """The cell read where the printed cell at `place` lies on the page, or None.

    Found by position, not by (row, col), so that the reading of a cell is judged apart
    from the table's shape: the page is not tilted, so a point of the drawn page is the
    same point of the page read, at 300 dpi."""
    x0, y0, x1, y1 = truth.boxes[place]
    x, y = (x0 + x1) / 2 * PRODUCT_DPI / truth.dpi, (y0 + y1) / 2 * PRODUCT_DPI / truth.dpi
    return next((c for c in table.cells if c.bbox.x0 <= x <= c.bbox.x1 and c.bbox.y0 <= y <= c.bbox.y1), None)


def test_seal_covered_amount_is_read_or_flagged():
    """Under the seal the amount is read exactly, or read unsure: never another number read
    with confidence."""
    table, truth, covered = read_sealed()
    printed, cell = truth.rows[covered[0]][covered[1]], cell_under(table, truth, covered)
    assert cell is not None, f"no cell read where «{printed}» is printed"
    assert same_amount(cell.text, printed) or (cell.confidence or 0) < SURE_CONFIDENCE, \
        f"«{printed}» read as «{cell.text}» with confidence {cell.confidence}"


def test_seal_other_amounts():
    """The amounts around the seal, which its ring and inscription cross, are still read."""
    table, truth, covered = read_sealed()
    others = {place: cell_under(table, truth, place) for place in amount_places(truth) if place != covered}
    assert_amounts_read(others, truth)


def test_seal_is_not_a_column():
    """A seal's ring is no ruling: the table keeps its columns and rows."""
    table, truth, _ = read_sealed()
    assert_shape(table, truth)


# --- a ruled table whose cells cannot be found ----------------------------------------------------

def test_ruled_area_without_cells_is_kept_as_unread():
    """Rules across a narrow block of figures (too narrow for a table's grid): the page keeps
    the area as unread, for a review issue at its page, rather than losing it."""
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT_PATH, 42)
    left, width, top = 300, 420, 600
    for r in range(5):
        y = top + r * 90
        draw.line([(left, y), (left + width, y)], fill=0, width=3)
        if r < 4:
            draw.text((left + 20, y + 22), f"{r + 1}.1", font=font, fill=0)
            draw.text((left + 240, y + 22), f"{(r + 1) * 125}", font=font, fill=0)
    page = read_page_image(image, 1)
    assert not [b for b in page.blocks if isinstance(b, Table)]
    assert len(page.unread_tables) == 1 and page.unread_tables[0].y0 <= top + 10


# --- «-» for a year with nothing ---------------------------------------------------------------

@pytest.mark.parametrize("seed", [53, 56])
def test_dash_cells_are_read_as_dashes(seed):
    """A lone dash is too small for a letter and Tesseract drops it alone: it is read from
    its shape, and nothing else on the page is taken for one."""
    image, truth = draw_page(seed, dpi=150, nothing="-")
    grid = scan(image, 150, seed).grid()
    printed = {(r, k) for r, row in enumerate(truth.rows) for k, text in enumerate(row) if text == "-"}
    read = {(r, k) for r, row in enumerate(grid) for k, cell in enumerate(row) if cell and cell.text == "-"}
    assert read == printed



# --- a lone digit in a cell --------------------------------------------------------------------

@pytest.mark.parametrize("digit", ["1", "7"])
def test_lone_digit_cut_from_an_office_scan_is_read(digit):
    """Two cells of an office scan (150 dpi, blurred) each holding one narrow digit: read
    in the strip of cells, one came out empty and the other as «-+»; each is read alone again."""
    crop = np.array(Image.open(FIXTURES / f"scan-cell-lone-{digit}.png").convert("L"))
    page = np.full((crop.shape[0] + 60, crop.shape[1] + 60), 255, np.uint8)
    page[30:30 + crop.shape[0], 30:30 + crop.shape[1]] = crop
    cell = Cell(text="", row=0, col=0, page=1, bbox=BBox(10, 10, page.shape[1] - 10, page.shape[0] - 10))
    read_cells(page, [Table(cells=[cell], page=1)])
    assert cell.text == digit


@pytest.mark.parametrize("fixture", ["scan-cell-faint-dash", "scan-cell-faint-dash-speck"])
def test_faint_dash_cut_from_an_office_scan_is_read(fixture):
    """Two cells of an office scan, cut at their grid boxes, each holding one faint dash
    blurred to 11 × 7 px: it was too round for a dash, and in the second a speck darker
    than the dash set the ink level so dark that little of the dash was left."""
    page = np.array(Image.open(FIXTURES / f"{fixture}.png").convert("L"))
    cell = Cell(text="", row=0, col=0, page=1, bbox=BBox(0, 0, page.shape[1], page.shape[0]))
    read_cells(page, [Table(cells=[cell], page=1)])
    assert cell.text == "-"


def test_far_specks_cut_from_an_office_scan_are_not_read():
    """Three cells of an office scan as wide as their table, cut at their grid boxes and read
    together: specks far to the right of the words, bold enough to survive the opening,
    were read as «у»."""
    crops = [np.array(Image.open(FIXTURES / f"scan-cell-far-speck-{n}.png").convert("L")) for n in (1, 2, 3)]
    page = np.full((sum(c.shape[0] for c in crops), max(c.shape[1] for c in crops)), 235, np.uint8)
    cells, top = [], 0
    for row, crop in enumerate(crops):
        page[top:top + crop.shape[0], :crop.shape[1]] = crop
        cells.append(Cell(text="", row=row, col=0, page=1, bbox=BBox(0, top, crop.shape[1], top + crop.shape[0])))
        top += crop.shape[0]
    read_cells(page, [Table(cells=cells, page=1)])
    assert [c.text for c in cells] == ["Собственные средства Заявителя", "Грант Фонда", "Грант Фонда"]


# --- a dash or a hyphen between words ----------------------------------------------------------

@pytest.mark.parametrize("font", ["LiberationSerif-Regular", "LiberationSans-Regular"])
def test_a_spaced_dash_and_a_spaced_hyphen_are_told_apart(font):
    """Print uses both «–» and a spaced «-» between words, and the model reads both as «-»:
    on a 150-dpi scan they are told apart by their length."""
    printed = ["участие во Всероссийской выставке «Вместе – ради детей!»",
               "повышение информированности граждан - потенциальных получателей"]
    face = ImageFont.truetype(f"/usr/share/fonts/truetype/liberation/{font}.ttf", round(12 * 150 / 72))
    sheet = Image.new("L", (1200, 60 * len(printed)), 255)
    for row, text in enumerate(printed):
        ImageDraw.Draw(sheet).text((20, 60 * row + 15), text, fill=0, font=face)
    page = np.array(blur_and_noise(sheet, random.Random(7)).resize((2400, 120 * len(printed)), Image.Resampling.BICUBIC))
    cells = [Cell(text="", row=row, col=0, page=1, bbox=BBox(10, 120 * row + 5, 2390, 120 * row + 115))
             for row in range(len(printed))]
    read_cells(page, [Table(cells=cells, page=1)])
    assert [("–" in c.text, " - " in c.text) for c in cells] == [(True, False), (False, True)], [c.text for c in cells]


# --- an image file at an office scanner's resolution -------------------------------------------

@pytest.mark.parametrize("suffix, recorded", [(".png", True), (".jpg", False)])
def test_an_image_file_at_150_dpi_is_read_at_300(tmp_path, monkeypatch, suffix, recorded):
    """A page image is brought to the resolution a scanned PDF's page is rendered at, from
    the resolution its file records or, without one, from its size as an A4 sheet: read as
    it came, a 150-dpi image of 9-pt tables lost codes' dots and misread amounts."""
    from extractors.ocr.scan import read_image
    from tests.generated import scans

    monkeypatch.setattr(scans, "FONT_PT", 9)  # small print, as tables of many columns have
    image, truth = draw_page(seed=21, dpi=150)
    path = tmp_path / f"page{suffix}"
    blur_and_noise(image, random.Random(21)).save(path, **({"dpi": (150, 150)} if recorded else {}))
    tables = [b for page in read_image(path).pages for b in page.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    assert_shape(tables[0], truth)
    assert_amounts_read(amounts_at_their_places(tables[0], truth), truth)
    codes = [row[0] for row in truth.rows[1:]]
    assert [tables[0].grid()[r][0].text for r in range(1, len(truth.rows))] == codes
