"""One scanned page → Page: `deskew → find_grids → read the prose with the tables
blanked out → read every cell from its own crop → lines to paragraphs`, turned
upright first when the words come out too few or too unsure.

Tables are found from their ruling lines (OpenCV): each hole enclosed by the
lines is a cell, and cells are put on the grid of all cell edges, so spanning
cells come out with their spans. Cells are read from black-and-white crops of
their ink stacked into one strip image (one Tesseract call for all of them):
measured on the corpus this reads codes, numbers and short words that whole-page
OCR drops or garbles, and costs no more than reading the tables as part of the page.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from extractors.lines import join_wrapped_lines, lines_to_paragraphs
from extractors.ocr import tesseract
from extractors.ocr.cleanup import clean_ocr_text
from extractors.ocr.tesseract import Word
from extractors.pdf_reader import cells_to_grid
from models.layout import BBox, Cell, Page, Table

DPI = 300
LOW_CONFIDENCE = 45  # mean word confidence under which the page may be turned
GRID_TOLERANCE_PX = 15  # cell edges closer than this are one grid line (the ruling line's own width)


@dataclass
class Grid:
    """A ruled table on the page image: its box and the boxes of its cells."""

    box: tuple[int, int, int, int]
    cells: list[tuple[int, int, int, int]]


def read_page_image(image: Image.Image, number: int) -> Page:
    """OCR one page image (any DPI) into paragraphs and tables with boxes and confidences."""
    gray = deskew(np.array(image.convert("L")))
    page, words = read_upright(gray, number)
    if _looks_wrong(words):
        turned = tesseract.orientation(Image.fromarray(gray).reduce(2))
        if turned:  # OSD says how far it is turned clockwise; turn it back
            page, words = read_upright(deskew(np.ascontiguousarray(np.rot90(gray, k=turned // 90))), number)
    return page


def read_upright(gray: np.ndarray, number: int) -> tuple[Page, list[Word]]:
    """Read a level page; also return every word read, to judge the reading."""
    grids = find_grids(gray)
    words = tesseract.read_words(Image.fromarray(blank_tables(gray, grids)))
    tables = [grid_to_table(grid, number) for grid in grids]
    cell_words = read_cells(gray, tables)
    height, width = gray.shape
    paragraphs = lines_to_paragraphs(words_to_lines(words), number, float(width))
    blocks = sorted([t for t in tables if t.cells] + paragraphs, key=lambda b: b.bbox.y0 if b.bbox else 0.0)
    return Page(number=number, blocks=blocks, width=float(width), height=float(height)), words + cell_words


def _looks_wrong(words: list[Word]) -> bool:
    """Too few or too unsure words: the page may be turned by 90° or upside down."""
    if len(words) < 15:
        return True
    return sum(w.confidence for w in words) / len(words) < LOW_CONFIDENCE


def skew_angle(gray: np.ndarray) -> float:
    """Degrees the page is tilted, from its long horizontal ruling lines (0 when it has none)."""
    binary = _binary(gray)
    width = gray.shape[1]
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width // 12, 1)))
    horizontal = cv2.dilate(horizontal, np.ones((5, 1), np.uint8))
    contours, _ = cv2.findContours(horizontal, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    angles = []
    for contour in sorted(contours, key=lambda c: cv2.boundingRect(c)[2], reverse=True)[:10]:
        if cv2.boundingRect(contour)[2] < width // 4:
            break
        vx, vy, _, _ = cv2.fitLine(contour, cv2.DIST_L2, 0, 0.01, 0.01).flatten()
        angles.append(float(np.degrees(np.arctan2(vy, vx))))
    return float(np.median(angles)) if angles else 0.0


def deskew(gray: np.ndarray) -> np.ndarray:
    """The page turned level, when its ruling lines show a tilt."""
    angle = skew_angle(gray)
    return rotate(gray, angle) if abs(angle) > 0.05 else gray


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def _binary(gray: np.ndarray) -> np.ndarray:
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def find_grids(gray: np.ndarray) -> list[Grid]:
    """Ruled tables: the holes enclosed by long horizontal and vertical lines are cells.
    Short breaks in faint lines are closed before the holes are found."""
    binary = _binary(gray)
    height, width = gray.shape
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width // 40, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, height // 80)))
    lines = cv2.dilate(horizontal | vertical, np.ones((5, 5), np.uint8))
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


def blank_tables(gray: np.ndarray, grids: list[Grid]) -> np.ndarray:
    """The page with its tables painted white: the page pass reads the prose only."""
    clean = gray.copy()
    for x0, y0, x1, y1 in (grid.box for grid in grids):
        clean[y0:y1 + 1, x0:x1 + 1] = 255
    return clean


_STRIP_GAP = 40


def read_cells(gray: np.ndarray, tables: list[Table]) -> list[Word]:
    """Read every inked cell: the black-and-white crops of their ink are stacked into
    one strip image and read in one Tesseract call, each line going back to its cell."""
    todo = [(c, crop) for t in tables for c in t.cells if (crop := _ink(gray, c)) is not None]
    if not todo:
        return []
    width = max(crop.shape[1] for _, crop in todo) + 2 * _STRIP_GAP
    strip = np.full((sum(crop.shape[0] + _STRIP_GAP for _, crop in todo) + _STRIP_GAP, width), 255, np.uint8)
    spans, y = [], _STRIP_GAP
    for _, crop in todo:
        strip[y:y + crop.shape[0], _STRIP_GAP:_STRIP_GAP + crop.shape[1]] = crop
        spans.append((y, y + crop.shape[0]))
        y += crop.shape[0] + _STRIP_GAP
    words = tesseract.read_words(Image.fromarray(strip), psm=6)
    for (cell, crop), (top, bottom) in zip(todo, spans):
        inside = [w for w in words if top <= (w.y0 + w.y1) / 2 <= bottom]
        cell.text = clean_ocr_text(join_wrapped_lines(words_to_lines(inside), _STRIP_GAP + crop.shape[1]))
        cell.confidence = _mean_confidence(inside)
    return words


def _mean_confidence(words: list[Word]) -> float | None:
    """Mean word confidence as a fraction (Tesseract reports 0..100)."""
    return sum(w.confidence for w in words) / len(words) / 100 if words else None


INK_LEVEL = 170  # grey level under which a pixel is ink
MIN_INK_PIXELS = 40


def _ink(gray: np.ndarray, cell: Cell) -> np.ndarray | None:
    """The inked part of a cell (inside its rulings) in black and white, or None for an empty cell."""
    crop = gray[int(cell.bbox.y0) + 4:int(cell.bbox.y1) - 3, int(cell.bbox.x0) + 4:int(cell.bbox.x1) - 3]
    ink = crop < INK_LEVEL
    if crop.size == 0 or ink.sum() < MIN_INK_PIXELS:
        return None
    ys, xs = np.where(ink)
    crop = crop[max(0, ys.min() - 4):ys.max() + 5, max(0, xs.min() - 4):xs.max() + 5]
    _, binary = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)  # short tokens read best in black and white
    return binary


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
