"""One scanned page → Page: `render → fix_orientation → deskew → find_grids →
read_words → words_to_cells / words_to_paragraphs`.

Tables are found from their ruling lines (OpenCV): each hole enclosed by the
lines is a cell, and cells are put on the grid of all cell edges, so spanning
cells come out with their spans. The page is read by Tesseract once; each word
goes to the cell that holds its centre, the rest become paragraphs.
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
    grids = find_grids(gray)
    words = tesseract.read_words(Image.fromarray(erase_rulings(gray, grids)))
    if _looks_wrong(words):
        turned = tesseract.orientation(Image.fromarray(gray).reduce(2))
        if turned:  # OSD says how far it is turned clockwise; turn it back
            gray = deskew(np.ascontiguousarray(np.rot90(gray, k=turned // 90)))
            grids = find_grids(gray)
            words = tesseract.read_words(Image.fromarray(erase_rulings(gray, grids)))
    height, width = gray.shape
    tables = [grid_to_table(grid, words, number) for grid in grids]
    reread_cells(gray, tables)
    outside = [w for w in words if not any(_inside(w, g.box) for g in grids)]
    paragraphs = lines_to_paragraphs(words_to_lines(outside), number, float(width))
    blocks = sorted([t for t in tables if t.cells] + paragraphs, key=lambda b: b.bbox.y0 if b.bbox else 0.0)
    return Page(number=number, blocks=blocks, width=float(width), height=float(height))


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


def erase_rulings(gray: np.ndarray, grids: list[Grid]) -> np.ndarray:
    """The page with the table rulings painted white: Tesseract then sees cells as
    separate text blocks and no line is mistaken for a letter."""
    clean = gray.copy()
    for grid in grids:
        x0, y0, x1, y1 = grid.box
        keep = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=bool)
        for a, b, c, d in grid.cells:
            keep[b - y0 + 2:d - y0 - 1, a - x0 + 2:c - x0 - 1] = True
        region = clean[y0:y1 + 1, x0:x1 + 1]
        region[~keep] = 255
    return clean


REREAD_CONFIDENCE = 0.5  # cells read less surely than this (mean word confidence) are read again
_STRIP_GAP = 40


def reread_cells(gray: np.ndarray, tables: list[Table]) -> None:
    """Cells with ink but no word, or only unsure words («1.», «0», «№»: whole-page
    OCR drops lone short words), are read again: the inked part of each is stacked
    into one strip image and read in one Tesseract call, each line going back to its cell."""
    todo = [(c, crop) for t in tables for c in t.cells if _unsure(c) and (crop := _ink(gray, c)) is not None]
    if not todo:
        return
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
        if not inside:
            continue
        confidence = _mean_confidence(inside)
        if cell.confidence is None or confidence >= cell.confidence or len(cell.text.strip()) <= SHORT_CELL_CHARS:
            cell.text = clean_ocr_text(join_wrapped_lines(words_to_lines(inside), _STRIP_GAP + crop.shape[1]))
            cell.confidence = confidence


def _mean_confidence(words: list[Word]) -> float | None:
    return sum(w.confidence for w in words) / len(words) / 100 if words else None


def _unsure(cell: Cell) -> bool:
    """Empty, short («1.», «II.» come out as «Е», «И.») or read with low confidence."""
    return len(cell.text.strip()) <= SHORT_CELL_CHARS or (cell.confidence or 0) < REREAD_CONFIDENCE


SHORT_CELL_CHARS = 4
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


def _inside(word: Word, box: tuple[int, int, int, int]) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.y0 + word.y1) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


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


def grid_to_table(grid: Grid, words: list[Word], page_number: int) -> Table:
    """Cells of a grid with the words whose centres they hold."""
    cells = []
    for box, (row, col, row_span, col_span) in zip(grid.cells, cells_to_grid(grid.cells, tolerance=GRID_TOLERANCE_PX)):
        inside = [w for w in words if _inside(w, box)]
        lines = words_to_lines(inside)
        confidence = _mean_confidence(inside)
        cells.append(Cell(text=clean_ocr_text(join_wrapped_lines(lines, box[2])), row=row, col=col, row_span=row_span,
                          col_span=col_span, page=page_number, bbox=BBox(*box),
                          confidence=confidence / 100 if confidence is not None else None))
    return Table(cells=cells, page=page_number, bbox=BBox(*grid.box))
