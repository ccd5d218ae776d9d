"""One scanned page → Page: `deskew (a page whose lines run down it turned first) → seals
erased → ruling_lines → close_breaks → complete_rulings → lines_to_grids → read the prose
with the tables blanked out → read every cell from its own crop, streaks erased → lines to paragraphs`,
turned upright first when the words come out too few or too unsure.

Tables are found from their ruling lines (OpenCV): each hole enclosed by the
lines is a cell, and cells are put on the grid of all cell edges, so spanning
cells come out with their spans. Cells are read from black-and-white crops of
their ink stacked into one strip image (one Tesseract call for all of them):
measured on the corpus this reads codes, numbers and short words that whole-page
OCR drops or garbles, and costs no more than reading the tables as part of the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import NamedTuple

import cv2
import numpy as np
from PIL import Image

from extractors import alignment
from extractors.lines import join_wrapped_lines, lines_to_paragraphs
from extractors.ocr import DPI, tesseract
from extractors.ocr.cleanup import clean_ocr_text, mend_group_separators, regroup_number, without_closing_speck
from extractors.ocr.digit_groups import spaced_digits
from extractors.ocr.number_marks import marked_number, may_have_marks, value_changed
from extractors.ocr.seals import erase_seals, find_seals
from extractors.ocr.tesseract import Word
from extractors.pdf_reader import cells_to_grid
from models.layout import SURE_CONFIDENCE, BBox, Cell, Page, Table
from normalizers import lexicon

LOW_CONFIDENCE = 45  # mean word confidence under which the page may be turned
GRID_TOLERANCE_PX = 15  # cell edges closer than this are one grid line (the ruling line's own width)


@dataclass
class Grid:
    """A ruled table on the page image: its box and the boxes of its cells."""

    box: tuple[int, int, int, int]
    cells: list[tuple[int, int, int, int]]


def read_page_image(image: Image.Image, number: int) -> Page:
    """OCR one page image (any DPI) into paragraphs and tables with boxes and confidences."""
    gray = np.array(image.convert("L"))
    angle, sideways = level_and_side(gray)
    if sideways:  # a landscape table printed on a portrait sheet: turned whichever way reads better
        readings = [read_upright(deskew(np.ascontiguousarray(np.rot90(gray, k))), number) for k in (1, 3)]
        return max(readings, key=lambda reading: _mean_confidence(reading[1]) or 0)[0]
    gray = _level(gray, angle)
    page, words = read_upright(gray, number)
    if _looks_wrong(words):
        turned = tesseract.orientation(Image.fromarray(gray).reduce(2))
        if turned:  # OSD says how far it is turned clockwise; turn it back
            page, words = read_upright(deskew(np.ascontiguousarray(np.rot90(gray, k=turned // 90))), number)
    return page


def read_upright(gray: np.ndarray, number: int) -> tuple[Page, list[Word]]:
    """Read a level page; also return every word read, to judge the reading."""
    ruled = find_tables(gray)
    words = read_prose(blank_tables(ruled.gray, ruled.grids))
    tables = [grid_to_table(grid, number) for grid in ruled.grids]
    cell_words = read_cells(erase_streaks(ruled.gray, ruled.streaks), tables)
    height, width = gray.shape
    paragraphs = lines_to_paragraphs(words_to_lines(words), number, float(width))
    blocks = sorted([t for t in tables if t.cells] + paragraphs, key=lambda b: b.bbox.y0 if b.bbox else 0.0)
    page = Page(number=number, blocks=blocks, width=float(width), height=float(height),
                unread_tables=[BBox(*box) for box in ruled.unread])
    return page, words + cell_words


@dataclass
class Ruled:
    """A level page's tables: the page with its seals lifted, the grids of cells, the
    scanner's streaks, and the boxes of ruled areas where no grid was found."""

    gray: np.ndarray
    grids: list[Grid]
    streaks: np.ndarray
    unread: list[tuple[int, int, int, int]]


def find_tables(gray: np.ndarray) -> Ruled:
    """The tables of a level page, from its rulings (completed where only rows are ruled)."""
    rulings, streaks = ruling_lines(gray)
    seals = find_seals(gray, DPI)
    if seals:  # the ring's sides may pass for rulings: the rulings are found again without it
        gray = erase_seals(gray, seals, DPI, keep=_longer_than(rulings, 2.5 * max(s.radius for s in seals)))
        rulings, streaks = ruling_lines(gray)
    completed, completions = complete_rulings(gray, close_breaks(rulings))
    grids = lines_to_grids(completed)
    unread = [box for box in completions if not any(_overlap(grid.box, box) for grid in grids)]
    return Ruled(gray, grids, streaks, unread)


def _looks_wrong(words: list[Word]) -> bool:
    """Too few or too unsure words: the page may be turned by 90° or upside down."""
    if len(words) < 15:
        return True
    return sum(w.confidence for w in words) / len(words) < LOW_CONFIDENCE


SIDEWAYS = 0.5  # row-to-column profile sharpness under which the lines run down the page (≥ 1.1 upright)


def level_and_side(gray: np.ndarray) -> tuple[float, bool]:
    """The angle that levels the page (as `skew_angle`), and whether its lines run down it
    rather than across: levelled either way, the ink's profile column by column is sharper
    than row by row."""
    small = _small_ink(gray)
    (angle, across), (_, down) = (_levelled(ink) for ink in (small, np.ascontiguousarray(np.rot90(small))))
    return angle, across < SIDEWAYS * down


MAX_SKEW = 5.0  # degrees a sheet may be fed askew
_SKEW_SIZE = 1000  # the page is measured at this many pixels on its long side: fast, and 0.1° is still 2 px


def skew_angle(gray: np.ndarray) -> float:
    """Degrees to turn the page counter-clockwise to level it, up to ±MAX_SKEW."""
    return _levelled(_small_ink(gray))[0]


def _levelled(small: np.ndarray) -> tuple[float, float]:
    """The angle that levels a reduced copy of the ink, and how sharp its profile then is.

    Text lines and ruling lines both darken the rows of pixels they lie on: turned
    level, the page's ink profile row by row is at its sharpest. The angle is
    searched coarse to fine."""

    def sharpness(angle: float) -> float:
        profile = _rotate(small, angle, fill=0).sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(profile) ** 2))

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5), key=sharpness)
    for step in (0.1, 0.02):
        best = max(np.arange(best - 5 * step, best + 5 * step + 1e-9, step), key=sharpness)
    return float(best), sharpness(best)


def _small_ink(gray: np.ndarray) -> np.ndarray:
    """The page's ink on a copy at most `_SKEW_SIZE` pixels on its long side."""
    ink = _binary(gray)
    scale = _SKEW_SIZE / max(ink.shape)
    return cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else ink


def deskew(gray: np.ndarray) -> np.ndarray:
    """The page turned level, when its lines show a tilt."""
    return _level(gray, skew_angle(gray))


def _level(gray: np.ndarray, angle: float) -> np.ndarray:
    return _rotate(gray, angle) if abs(angle) > 0.05 else gray


def _rotate(image: np.ndarray, angle: float, fill: int = 255) -> np.ndarray:
    """The image turned `angle` degrees counter-clockwise about its centre, same size."""
    height, width = image.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=fill)


def _binary(gray: np.ndarray) -> np.ndarray:
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


_BREAK = 40  # px at 300 dpi (3.4 mm): the longest break in a ruling that is closed
_LINE = 200  # px: a ruling's piece at least this long is closed on (a letter's stroke or a seal's arc is shorter)
_SLANT = 3  # px a straight line's box is wider than its stroke; a fold's slants wider


def close_breaks(rulings: np.ndarray) -> np.ndarray:
    """The rulings with each break up to `_BREAK` at the end of a line closed (a faded stretch,
    or where a seal's ring crossed it): through the break, a cell's hole runs into its
    neighbour's, and the two are read as one."""
    across, down = _ruling_runs(rulings)
    closed = rulings.copy()
    _draw_on(down, across, closed)
    _draw_on(across.T, down.T, closed.T)  # the transposed views write through to `closed`
    return closed


def _draw_on(lines: np.ndarray, crossing: np.ndarray, out: np.ndarray) -> None:
    """Each long, straight vertical line of `lines` whose end meets no line of `crossing`
    drawn on into `out` to the next ruling within `_BREAK`: a line across it, or the rest
    of itself (half as long at least: a letter's stroke is shorter)."""
    pieces, long = _straight_lines(lines)
    rules = crossing | pieces
    for x0, y0, x1, y1 in long:
        ruled = rules[:, max(0, x0 - 3):x1 + 3].any(axis=1)
        crossed = crossing[:, max(0, x0 - 3):x1 + 3].any(axis=1)
        if not crossed[max(0, y0 - 3):y0 + _RULE_THICKNESS].any():
            above = np.flatnonzero(ruled[max(0, y0 - _BREAK):y0])
            if above.size:
                out[max(0, y0 - _BREAK) + above[-1]:y0, x0:x1] = 255
        if not crossed[max(0, y1 - _RULE_THICKNESS):y1 + 3].any():
            below = np.flatnonzero(ruled[y1:y1 + _BREAK])
            if below.size:
                out[y1:y1 + below[0] + 1, x0:x1] = 255


def _straight_lines(lines: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """The vertical lines of a mask that run straight down (a fold slants) and are at least
    half `_LINE` long, as a mask; and the boxes of those at least `_LINE` long."""
    contours, _ = cv2.findContours(np.ascontiguousarray(lines), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    straight = []
    for contour in contours:
        x, y, width, length = cv2.boundingRect(contour)
        if length >= _LINE // 2 and width - cv2.contourArea(contour) / length <= _SLANT:
            straight.append((contour, (x, y, x + width, y + length)))
    pieces = np.zeros(lines.shape, np.uint8)
    cv2.drawContours(pieces, [contour for contour, _ in straight], -1, 255, thickness=cv2.FILLED)
    return pieces, [box for _, box in straight if box[3] - box[1] >= _LINE]


def lines_to_grids(rulings: np.ndarray) -> list[Grid]:
    """Ruled tables: the holes enclosed by long horizontal and vertical lines are cells.
    Short breaks in faint lines are closed before the holes are found."""
    height, width = rulings.shape
    lines = cv2.dilate(rulings, np.ones((5, 5), np.uint8))
    contours, hierarchy = cv2.findContours(lines, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    grids: dict[int, Grid] = {}
    for i, (contour, (_, _, _, parent)) in enumerate(zip(contours, hierarchy[0])):
        x, y, w, h = cv2.boundingRect(contour)
        if parent == -1 and w > width // 5 and h > height // 40:
            grids[i] = Grid((x, y, x + w, y + h), [])
    for contour, (_, _, _, parent) in zip(contours, hierarchy[0]):
        if parent in grids:
            x, y, w, h = cv2.boundingRect(contour)
            if w > 12 and h > 12:
                grids[parent].cells.append((x, y, x + w, y + h))
    return [g for g in grids.values() if len(g.cells) >= 2]


_WORD_GAP = np.ones((3, 15), np.uint8)  # joins the letters of a word at 300 dpi, not two words
_MIN_GUTTER_PX = 15  # the narrowest white channel taken for a column boundary (two cell paddings)
_RULE_THICKNESS = 12  # px: a printed rule at 300 dpi is 2–6 px thick, a bold one under 12
_SHORTEST_RULE = 0.25  # of the page's longest rule: a rule under a heading over two columns is about that


def complete_rulings(gray: np.ndarray, rulings: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """The rulings with the vertical lines a table ruled across only, or without its outer
    frame, lacks drawn in from how its text lines up (`extractors.alignment`); and the box
    of each table so completed."""
    height, _ = rulings.shape
    across, down = _ruling_runs(rulings)
    pieces = [alignment.Box(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2) for x0, y0, x1, y1 in _components(across)
              if y1 - y0 <= _RULE_THICKNESS]  # a blurred word's letters run together too, a text line high
    ruled = [_cells_box(grid) for grid in lines_to_grids(rulings)]  # a rule may run on past the cells
    joined = alignment.join_rules(pieces, GRID_TOLERANCE_PX)
    longest = max((r.x1 - r.x0 for r in joined), default=0)
    rules = [r for r in joined if r.x1 - r.x0 >= _SHORTEST_RULE * longest  # a word's run, not a rule
             and not any(alignment.contains(box, (r.x0, r.top, r.x1, r.bottom), GRID_TOLERANCE_PX) for box in ruled)]
    completed, boxes = rulings.copy(), []
    if not rules:  # every rule is in a ruled table: nothing to complete (most pages)
        return completed, boxes
    verticals = [alignment.Box(*box) for box in _components(down)]
    for table in alignment.rules_to_tables(rules, max_row=height / 3, first_line=_first_line(gray, across)):
        left, right = min(r.x0 for r in table), max(r.x1 for r in table)
        top, bottom = min(r.top for r in table), max(r.top for r in table)
        text = _ink_words(gray, across, (int(left), int(top), int(right), int(bottom)))
        implied = alignment.implied_verticals(table, alignment.words_to_phrases(text), verticals, _MIN_GUTTER_PX,
                                              GRID_TOLERANCE_PX)
        for line in implied:
            cv2.line(completed, (round(line.x0), round(line.top)), (round(line.x0), round(line.bottom)), 255, 3)
        if implied:
            boxes.append((int(left), int(top), int(right), int(bottom)))
    return completed, boxes


def _overlap(a: tuple, b: tuple) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def _first_line(gray: np.ndarray, rules: np.ndarray) -> float | None:
    """The middle of the page's first line of print, a page number (a short word alone) aside."""
    height, width = gray.shape
    words = [w for w in _ink_words(gray, rules, (0, 0, width, height)) if w.x1 - w.x0 > 0.05 * width]
    return min(((w.top + w.bottom) / 2 for w in words), default=None)


def _cells_box(grid: Grid) -> tuple[int, int, int, int]:
    return (min(c[0] for c in grid.cells), min(c[1] for c in grid.cells), max(c[2] for c in grid.cells),
            max(c[3] for c in grid.cells))


def _longer_than(mask: np.ndarray, length: float) -> np.ndarray:
    """The straight runs of a mask of lines longer than `length` (rulings that run past a seal;
    a seal's ring is straight for a short stretch only)."""
    size = max(1, int(length))
    across, down = _runs(mask, size, size)
    return across | down


def _ruling_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The runs of a mask as long as a ruling at least: a 40th of the page's width across, an
    80th of its height down (a letter's strokes are shorter)."""
    height, width = mask.shape
    return _runs(mask, width // 40, height // 80)


def _runs(mask: np.ndarray, across: int, down: int) -> tuple[np.ndarray, np.ndarray]:
    """The parts of a mask that run straight on for at least `across` px from left to right,
    and those that run on for at least `down` px from top to bottom."""
    return (cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (across, 1))),
            cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, down))))


def _components(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of the connected parts of a mask."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [(x, y, x + w, y + h) for x, y, w, h, _ in stats[1:count]]


def _ink_words(gray: np.ndarray, rules: np.ndarray, box: tuple[int, int, int, int]) -> list[alignment.Box]:
    """Boxes of the words printed inside `box`, from the ink (no OCR): letters joined into words,
    the horizontal `rules` taken out, and specks and anything taller than three lines of text
    (a seal, a signature, a column ruling) left out. Column rulings are not taken out before:
    the stroke of a large «1» passes for one."""
    x0, y0, x1, y1 = box
    ink = _binary(gray[y0:y1, x0:x1]) & ~cv2.dilate(rules[y0:y1, x0:x1], np.ones((5, 5), np.uint8))
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    words = [b for b in _components(cv2.dilate(ink, _WORD_GAP)) if b[3] - b[1] >= 12]
    if not words:
        return []
    line = float(np.median([b[3] - b[1] for b in words]))
    return [alignment.Box(x0 + a, y0 + b, x0 + c, y0 + d) for a, b, c, d in words if d - b <= 3 * line]


def ruling_lines(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the page's horizontal and vertical ruling lines (without the scanner's
    streaks and the sheet's folds), and of the streaks."""
    horizontal, vertical = _ruling_runs(_binary(gray))
    columns = _drop_streaks(vertical, vertical=True)
    # a fold runs along a text line, and erasing it would erase the line; a streak crosses a few letters
    return _drop_streaks(horizontal, vertical=False) | columns, vertical & ~columns


def erase_streaks(gray: np.ndarray, streaks: np.ndarray) -> np.ndarray:
    """The page with its streaks painted white: the digits they cross are read without a
    stroke through them."""
    return np.where(streaks > 0, 255, gray).astype(np.uint8)


_EDGE_BAND = 0.01  # share of the page next to its edge that no printed ruling reaches
_MAX_SLANT = 0.006  # a level page's rulings run straighter than this (about 0.35°)
_STREAK_HALF_WIDTH = 5  # px either side of a streak's centre line that belong to it


def _drop_streaks(mask: np.ndarray, vertical: bool) -> np.ndarray:
    """A printed ruling stays inside the page's margins and runs straight along its axis;
    a scanner streak or a fold runs to the sheet's edge, or askew once the page is levelled.

    A streak that crosses a ruling joins it into one blob, so the streak is erased along
    its own centre line, and a ruling it touched is kept whole: the pixel columns that
    still hold a ruling's length away from the streak."""
    work = (mask if vertical else mask.T).copy()
    count, labels, stats, _ = cv2.connectedComponentsWithStats(work, connectivity=8)
    extent, min_ruling = work.shape[0], work.shape[0] // 80
    band = extent * _EDGE_BAND
    for i in range(1, count):
        x, y, w, h, area = stats[i]
        reaches_edge = y <= band or y + h >= extent - band
        if reaches_edge or w - area / h > max(6, _MAX_SLANT * h):
            _erase_streak(work, labels[y:y + h, x:x + w] == i, x, y, min_ruling)
    return work if vertical else work.T


def _erase_streak(work: np.ndarray, blob: np.ndarray, x: int, y: int, min_ruling: int) -> None:
    """Erase a near-vertical streak from `work`, sparing the pixel columns of rulings it crosses."""
    ys, xs = np.nonzero(blob)
    vx, vy, cx, cy = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).flatten()
    on_streak = np.abs(xs - (cx + (ys - cy) * vx / vy)) <= _STREAK_HALF_WIDTH
    ruling_columns = np.bincount(xs[~on_streak], minlength=blob.shape[1]) >= min_ruling
    erase = on_streak & ~ruling_columns[xs]
    work[ys[erase] + y, xs[erase] + x] = 0


def blank_tables(gray: np.ndarray, grids: list[Grid]) -> np.ndarray:
    """The page with its tables painted white: the page pass reads the prose only."""
    clean = gray.copy()
    for x0, y0, x1, y1 in (grid.box for grid in grids):
        clean[y0:y1 + 1, x0:x1 + 1] = 255
    return clean


_PROSE_SCALE = 4  # the ink is looked for on a copy this many times smaller
# Prose is read at 160 dpi, not at the page's 300: body text of 12–14 pt then has the
# letter height Tesseract's models read best, and a 150-dpi office scan is not read blown
# up into blur (office scans: 0.910 at 300 dpi, 0.935 at 200, 0.941 at 160, where target
# groups and organisations gain; dev scans 0.987 at 200 and 160). Cells keep 300 dpi,
# where one misread glyph changes a number.
PROSE_DPI = 160
_PROSE_MARGIN = 40  # px of paper kept around the prose


def read_prose(page: np.ndarray) -> list[Word]:
    """The words of a page whose tables are blanked. Tesseract reads only the part of the
    page that holds ink (a page mostly table leaves a line or two above and below it), and
    the words' boxes are put back where they stand on the page."""
    box = _ink_box(page)
    if box is None:
        return []
    x0, y0, x1, y1 = box
    scale = PROSE_DPI / DPI
    crop = cv2.resize(page[y0:y1, x0:x1], None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    words = tesseract.read_words(Image.fromarray(crop))
    return [replace(w, x0=round(w.x0 / scale) + x0, y0=round(w.y0 / scale) + y0, x1=round(w.x1 / scale) + x0,
                    y1=round(w.y1 / scale) + y0) for w in words]


def _ink_box(page: np.ndarray) -> tuple[int, int, int, int] | None:
    """The box around the page's ink, scanner specks left out, with a margin of paper."""
    small = cv2.resize(page, None, fx=1 / _PROSE_SCALE, fy=1 / _PROSE_SCALE, interpolation=cv2.INTER_AREA)
    ink = cv2.morphologyEx((small < INK_LEVEL).astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    ys, xs = np.nonzero(ink)
    if not len(ys):
        return None
    height, width = page.shape
    return (max(0, xs.min() * _PROSE_SCALE - _PROSE_MARGIN), max(0, ys.min() * _PROSE_SCALE - _PROSE_MARGIN),
            min(width, (xs.max() + 1) * _PROSE_SCALE + _PROSE_MARGIN),
            min(height, (ys.max() + 1) * _PROSE_SCALE + _PROSE_MARGIN))


_STRIP_GAP = 40


UNSURE_MENDED = 0.8  # the confidence, under SURE_CONFIDENCE, of a number mended from a speckled reading
SHORT = 12  # characters: codes, numbers and period headings, where one misread glyph changes the meaning


def read_cells(gray: np.ndarray, tables: list[Table]) -> list[Word]:
    """Read every inked cell: the black-and-white crops of their ink are stacked into
    one strip image and read in one Tesseract call, each line going back to its cell.

    Short or unsure cells are read again with their strokes thickened, and the better
    reading is kept: a thin «I» or «1» of a blurred scan is lost or misread in one
    reading and not in the other. A cell left empty whose one mark is a dash is «-»."""
    cells = [c for t in tables for c in t.cells]
    todo = [(c, crop) for c in cells if (crop := _ink(gray, c)) is not None]
    words = _read_crops(todo)
    for cell in cells:
        if not cell.text and _lone_dash(gray, cell):  # too small for a letter, and Tesseract drops it alone
            cell.text, cell.confidence = "-", SURE_CONFIDENCE
    return words


class Reading(NamedTuple):
    """One reading of a cell's crop: its text, its words' mean confidence, and the confidence
    of its least sure word with a digit (None without one)."""

    text: str
    confidence: float | None
    digits_confidence: float | None = None

    def cell_confidence(self) -> float | None:
        """As sure as the mean, and no surer than the least sure number in it: a misread digit
        in «291 838 средства Фонда» is hidden by the sure words around it. (The mean alone
        chooses between readings.)"""
        if self.confidence is None or self.digits_confidence is None:
            return self.confidence
        return min(self.confidence, self.digits_confidence)


def _read_crops(todo: list[tuple[Cell, np.ndarray]]) -> list[Word]:
    """Each cell's text and confidence from its crop (see `read_cells`); every word read."""
    if not todo:
        return []
    readings, words = _read_strip([crop for _, crop in todo])
    again = [i for i, r in enumerate(readings) if len(r.text) <= SHORT or (r.confidence or 0) < SURE_CONFIDENCE]
    if again:
        second, _ = _read_strip([cv2.erode(todo[i][1], _BOLD) for i in again])
        for i, reading in zip(again, second):
            readings[i] = _better_reading(readings[i], reading)
    smudged = [i for i, r in enumerate(readings) if _smudged_number(r.text)]
    if smudged:
        digits, _ = _read_strip([todo[i][1] for i in smudged], characters=DIGITS)
        for i, reading in zip(smudged, digits):
            if reading.text and not _smudged_number(reading.text):  # as sure as the less sure: the readings disagree
                readings[i] = reading._replace(confidence=min(reading.confidence or 0, readings[i].confidence or 0))
    for i in [i for i, r in enumerate(readings) if _unread(r.text)]:
        alone = _read_alone(todo[i][1])
        readings[i] = alone if not _unread(alone.text) else readings[i]
    for (cell, _), reading in zip(todo, readings):
        cell.text, cell.confidence = reading.text, reading.cell_confidence()
    return words


def _unread(text: str) -> bool:
    """Nothing read in an inked cell, or signs alone that no cell prints («-+», «.»): not a
    no-value mark (`lexicon.NO_VALUE`: «-», «–», «—») nor a unit («%»)."""
    sign = text.strip()
    return not sign or not (any(ch.isalnum() for ch in sign) or lexicon.NO_VALUE.match(sign) or sign == "%")


def _read_alone(crop: np.ndarray) -> Reading:
    """A crop that came out unread among the others, read on its own as one line: a lone
    narrow digit («1», «7») is dropped from a strip as a speck, or read as signs. A lone
    upright stroke is «1» (no cell prints «|»), as sure as `UNSURE_MENDED`."""
    (reading,), words = _read_strip([crop], psm=7)
    if [w.text for w in words] == ["|"]:
        return Reading("1", min(words[0].confidence / 100, UNSURE_MENDED))
    return reading


def _better_reading(first: Reading, second: Reading) -> Reading:
    """Of two readings of one cell, the one that holds the other and more (a glyph one
    reading lost, the other saw); else the surer one, as sure as the less sure of the two,
    since the readings disagree."""
    if first.text != second.text and first.text in second.text:
        return second
    if second.text in first.text:
        return first
    surer = second if (second.confidence or 0) > (first.confidence or 0) else first
    return surer._replace(confidence=min(first.confidence or 0, second.confidence or 0))


DIGITS = "0123456789.,%-–"  # what a number cell prints
# A number with a glyph or two read as something else: «$363», «5$», «м0», «100*».
_SMUDGED = re.compile(r"^(?=(?:\D*\d){1,})[\d\s.,%$®©*`'\"\[\]{}|!§°()\-–мМSsбзЗlI]{1,16}$")


# A cell of one or two signs that no cell prints alone: a digit smudged by a speck («©» for 0).
_LONE_SIGN = re.compile(r"[©®°\[\]{}|\"]{1,2}|[\[{]-")


def _smudged_number(text: str) -> bool:
    """Mostly digits, with a sign or a letter among them that no number prints; or a sign alone."""
    compact = re.sub(r"\s", "", text)
    digits = sum(ch.isdigit() for ch in compact)
    clean = re.fullmatch(r"[\d.,%\-–]+", compact)
    mostly_digits = 2 * digits >= len(compact) and bool(_SMUDGED.match(text))
    return bool(compact) and not clean and (mostly_digits or bool(_LONE_SIGN.fullmatch(compact)))


def _read_strip(crops: list[np.ndarray], characters: str | None = None,
                psm: int = 6) -> tuple[list[Reading], list[Word]]:
    """Each crop's text and mean confidence, read in one Tesseract call on the crops
    stacked into a strip (only `characters`, when named; as one line with `psm` 7);
    also every word read."""
    width = max(crop.shape[1] for crop in crops) + 2 * _STRIP_GAP
    strip = np.full((sum(crop.shape[0] + _STRIP_GAP for crop in crops) + _STRIP_GAP, width), 255, np.uint8)
    spans, y = [], _STRIP_GAP
    for crop in crops:
        strip[y:y + crop.shape[0], _STRIP_GAP:_STRIP_GAP + crop.shape[1]] = crop
        spans.append((y, y + crop.shape[0]))
        y += crop.shape[0] + _STRIP_GAP
    read = tesseract.read_words(Image.fromarray(strip), psm=psm, characters=characters)
    words = _dashes_by_length([_with_digit_groups(_with_marks(w, strip, read), strip) for w in read])
    readings = []
    for crop, (top, bottom) in zip(crops, spans):
        inside = [w for w in words if top <= (w.y0 + w.y1) / 2 <= bottom]
        lines = join_wrapped_lines(words_to_lines(inside), _STRIP_GAP + crop.shape[1])
        text = without_closing_speck(clean_ocr_text(lines))
        mended = mend_group_separators(text)
        confidence = _mean_confidence(inside)
        if mended != text:  # a speck among the digits: the number is likely right, but for a reviewer to confirm
            confidence = min(confidence or 0, UNSURE_MENDED)
        numbers = [w.confidence / 100 for w in inside if any(ch.isdigit() for ch in w.text)]
        readings.append(Reading(regroup_number(mended), confidence, min(numbers) if numbers else None))
    return readings, words


# A dash's length against its line's word height: a hyphen is about 0.3 em long, «–» 0.5 em, «—» 1 em.
EN_DASH, EM_DASH = 0.42, 0.8
_DASHES = ("-", "–", "—")


def _dashes_by_length(words: list[Word]) -> list[Word]:
    """A spaced dash or hyphen, as its length says: the model reads «-», «–» and «—» for one
    another, and print uses all three between words."""
    heights: dict[tuple[int, int, int], list[int]] = {}
    for word in words:
        if len(word.text) > 1 and word.text.isalpha():
            heights.setdefault(word.line, []).append(word.y1 - word.y0)
    return [replace(w, text=_dash((w.x1 - w.x0) / float(np.median(heights[w.line]))))
            if w.text in _DASHES and w.line in heights else w for w in words]


def _dash(length: float) -> str:
    return _DASHES[(length >= EN_DASH) + (length >= EM_DASH)]


def _with_digit_groups(word: Word, image: np.ndarray) -> Word:
    """A long number read as one run of digits, with the spaces between its digit groups
    that its ink shows (`extractors.ocr.digit_groups`)."""
    if not word.text.isdigit():
        return word
    return replace(word, text=spaced_digits(image[word.y0:word.y1, word.x0:word.x1], word.text))


def _with_marks(word: Word, image: np.ndarray, words: list[Word]) -> Word:
    """A code or number with the dots and commas its ink shows (`extractors.ocr.number_marks`);
    as sure as `UNSURE_MENDED` when a mark between its digits changed, which changes its value.
    The ink is looked at a little beyond the word's box, where a lost full stop stands,
    up to the next word of its line."""
    if not may_have_marks(word.text):  # most words: no box to cut, no line to search
        return word
    height = word.y1 - word.y0
    following = [w.x0 for w in words if w.line == word.line and w.x0 > word.x1]
    right = min([word.x1 + height // 2, *following])
    ink = image[max(0, word.y0 - height // 6):word.y1 + height // 3, word.x0:right]
    text = marked_number(ink, word.text)
    if text == word.text:
        return word
    unsure = value_changed(word.text, text)
    return replace(word, text=text, confidence=min(word.confidence, UNSURE_MENDED * 100) if unsure else word.confidence)


def _mean_confidence(words: list[Word]) -> float | None:
    """Mean word confidence as a fraction (Tesseract reports 0..100)."""
    return sum(w.confidence for w in words) / len(words) / 100 if words else None


INK_LEVEL = 170  # grey level under which a pixel is ink
MIN_INK_PIXELS = 40
_STROKE = np.ones((3, 3), np.uint8)  # thinner than any letter's stroke at 300 dpi, thicker than scanner specks
# Thin strokes a letter can be alone, a speck never is: a dash, and the bar of «I» or «1».
_THIN_STROKES = (np.ones((1, 9), np.uint8), np.ones((9, 1), np.uint8))
# How far a dot or comma sits from its letters: 13 px reaches a code's last dot after a narrow «1».
_NEIGHBOURHOOD = np.ones((9, 27), np.uint8)
_MARGIN = 6
_BOLD = np.ones((2, 2), np.uint8)  # thickens a black stroke by a pixel
_PAPER_WEIGHT = 0.55  # the threshold sits a little nearer the paper: thin strokes of a clean scan survive


def _ink(gray: np.ndarray, cell: Cell) -> np.ndarray | None:
    """The inked part of a cell (inside its rulings) in black and white, or None for an empty cell.

    Letters are what survives an opening by a small square or a short bar and is larger than
    a speck; a smaller mark is kept only near them (a full stop, a decimal comma), so scanner
    specks neither widen the crop nor reach Tesseract. The threshold lies between the cell's paper and its ink:
    Otsu's threshold on a blurred low-resolution scan makes strokes too bold to read."""
    crop = _inside(gray, cell)
    if crop.size == 0:
        return None
    ink = _without_rulings((crop < INK_LEVEL).astype(np.uint8))
    letters = cv2.morphologyEx(ink, cv2.MORPH_OPEN, _STROKE)
    for stroke in _THIN_STROKES:
        letters |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, stroke)
    letters = _without_specks(letters)
    if letters.sum() < MIN_INK_PIXELS:
        return None
    near = cv2.dilate(letters, _NEIGHBOURHOOD)
    ys, xs = np.where(ink & near)
    box = slice(max(0, ys.min() - _MARGIN), ys.max() + _MARGIN + 1), slice(max(0, xs.min() - _MARGIN), xs.max() + _MARGIN + 1)
    crop, near = crop[box], near[box]
    paper, dark = np.percentile(crop, 90), np.percentile(crop[crop < INK_LEVEL], 10)
    return np.where((crop < paper * _PAPER_WEIGHT + dark * (1 - _PAPER_WEIGHT)) & (near > 0), 0, 255).astype(np.uint8)


_SPECK = 5  # px: a speck of a 150-dpi scan, blurred and brought to 300 dpi, is at most this wide and tall


def _without_specks(letters: np.ndarray) -> np.ndarray:
    """The marks but specks alone in their neighbourhood: a lone speck bold enough to survive
    the opening is read as «у» or «.», and widens the crop to the far side of the cell. A
    faint letter broken into small pieces by the opening keeps them: they lie together."""
    count, groups = cv2.connectedComponents(cv2.dilate(letters, _NEIGHBOURHOOD))
    ys, xs = np.nonzero(letters)
    group = groups[ys, xs]
    low, high = np.full((count, 2), 1 << 30), np.full((count, 2), -1)
    np.minimum.at(low, group, np.stack([ys, xs], axis=1))
    np.maximum.at(high, group, np.stack([ys, xs], axis=1))
    specks = np.flatnonzero(((high - low) < _SPECK).all(axis=1) & (high[:, 0] >= 0))
    if not specks.size:
        return letters
    return np.where(np.isin(groups, specks), 0, letters).astype(letters.dtype)


def _inside(gray: np.ndarray, cell: Cell) -> np.ndarray:
    """The part of the page inside a cell's rulings."""
    return gray[int(cell.bbox.y0) + 4:int(cell.bbox.y1) - 3, int(cell.bbox.x0) + 4:int(cell.bbox.x1) - 3]


_DASH_WIDTH = (7, 60)  # px: the length of a dash at 300 dpi, from a short hyphen to an em dash
_DASH_CONTRAST = 50  # grey levels between the paper and the darkest pixel of a faint dash
_DASH_CORE = np.ones((1, 5), np.uint8)  # a dash's darkest pixels run on for this many; a speck's do not
_DASH_SHAPE = 1.5  # width to height: a blurred dash of a 150-dpi scan measures 11 × 7 px at 300 dpi


def _lone_dash(gray: np.ndarray, cell: Cell) -> bool:
    """A cell whose only mark is one short horizontal stroke: «-», no value. Its ink is
    taken halfway between the cell's paper and the darkest stroke as wide as a dash (a
    speck may be darker still), since a blurred dash is grey; specks beside it are at most
    half its size."""
    crop = _inside(gray, cell)
    if crop.size == 0:
        return False
    paper, dark = np.percentile(crop, 90), int(cv2.dilate(crop, _DASH_CORE).min())
    if paper - dark < _DASH_CONTRAST:
        return False
    ink = _without_rulings((crop < (paper + dark) / 2).astype(np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink)
    marks = sorted(((area, w, h) for _, _, w, h, area in stats[1:]), reverse=True)
    if not marks:
        return False
    area, width, height = marks[0]
    alone = len(marks) == 1 or marks[1][0] * 2 <= area  # a speck is at most half a dash
    return alone and _DASH_WIDTH[0] <= width <= _DASH_WIDTH[1] and width >= _DASH_SHAPE * height and area >= 25


_RULING_WIDTH = 12  # px: how far inside a cell's crop, and how thick, a ruling's remnant can be
_ALONG = 0.8  # a remnant runs along most of its side; a letter near the side is shorter


def _without_rulings(ink: np.ndarray) -> np.ndarray:
    """A cell's ink without what is left of its rulings along the crop's sides (a tilted
    or thick line reaches inside the cell), which OCR reads as «[» or «|»."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = ink.shape
    for i in range(1, count):
        x, y, w, h, _ = stats[i]
        along_side = (x <= _RULING_WIDTH or x + w >= width - _RULING_WIDTH) and w <= _RULING_WIDTH \
            and h >= _ALONG * height
        along_top = (y <= _RULING_WIDTH or y + h >= height - _RULING_WIDTH) and h <= _RULING_WIDTH \
            and w >= _ALONG * width
        if along_side or along_top:
            ink[labels == i] = 0
    return ink


def words_to_lines(words: list[Word]) -> list[dict]:
    """Words grouped by Tesseract's line numbers, top to bottom."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault(word.line, []).append(word)
    out = []
    for group in lines.values():
        group.sort(key=lambda w: w.x0)
        out.append({
            "text": clean_ocr_text(" ".join(w.text for w in group)),
            "x0": min(w.x0 for w in group), "x1": max(w.x1 for w in group),
            "top": min(w.y0 for w in group), "bottom": max(w.y1 for w in group),
            "confidence": min(w.confidence for w in group),
        })
    return sorted(out, key=lambda line: (line["top"], line["x0"]))


def grid_to_table(grid: Grid, page_number: int) -> Table:
    """The cells of a grid, with their places, spans and boxes (text is read later)."""
    cells = [
        Cell(text="", row=row, col=col, row_span=row_span, col_span=col_span, page=page_number, bbox=BBox(*box))
        for box, (row, col, row_span, col_span) in zip(grid.cells, cells_to_grid(grid.cells, GRID_TOLERANCE_PX))
    ]
    return Table(cells=cells, page=page_number, bbox=BBox(*grid.box))
