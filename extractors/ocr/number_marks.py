"""The dots and commas of a code or a number that OCR lost, doubled or misread, put back
from the ink: `ink_to_marks → marks_to_boundaries → boundaries_to_text`.

On a blurred 150-dpi scan a full stop is a few pixels: Tesseract drops the last dot of
an item code («2.5.» read «2.5»), the one between its digits («3.1» read «31»), the
decimal comma of a value («14,3» read «143», a value ten times too large), or reads a
dot twice («6.2..») or as a colon. The digits are what Tesseract read; where the marks
between them stand, and what they are, the ink says: a mark under a digit's half height
on the baseline is a dot, one that reaches below it a comma, a dot above one a colon.
Any doubt (a mark that is neither, two in one gap, digits that do not fit the glyphs)
leaves the word as read.
"""
from __future__ import annotations

import re

import cv2
import numpy as np

from extractors.ocr.digit_groups import ink_to_glyphs, split_into_runs

_NUMBER = re.compile(r"\d[\d.,:]*")  # a word of digits and the marks between them
_MARK_SIZE = 0.4  # digit heights a dot or comma stays within, across and down
_DESCENT = 0.1  # digit heights below the digits' baseline a comma's tail reaches, a dot's does not
# Where a mark's centre lies, in digit heights from the digits' top: a dot on the baseline
# below _LOW, the upper dot of a colon above _HIGH; between them is a hyphen's height.
_LOW, _HIGH = 0.75, 0.5
_GAP = 0.2  # digit heights of white at least between two glyphs that a mark stands between


def may_have_marks(text: str) -> bool:
    """Whether `text` is a word of digits with dots, commas or colons among them, the only
    words `marked_number` may change."""
    return bool(_NUMBER.fullmatch(text))


def value_changed(read: str, marked: str) -> bool:
    """Whether `marked_number` changed a mark between the digits of `read` (which changes
    the number), not only after its last digit."""
    digits = sum(ch.isdigit() for ch in read)
    inner = [{i: m for i, m in read_marks(text).items() if i < digits} for text in (read, marked)]
    return inner[0] != inner[1]


def marked_number(image: np.ndarray, text: str) -> str:
    """`text`, a word of digits with dots, commas or colons among them, with the marks its
    black-on-white `image` shows; `text` unchanged when the ink does not say so clearly.
    A mark Tesseract read where the ink shows one keeps its reading (dot or comma)."""
    if not may_have_marks(text):
        return text
    digits = re.sub(r"\D", "", text)
    found = ink_to_marks(image)
    if found is None:
        return text
    runs, height, top, marks = found
    split = split_into_runs(digits, runs, height) if len(runs) != len(digits) else (list(range(1, len(digits))), 0.0)
    if split is None:
        return text
    boundaries = marks_to_boundaries(marks, runs, split[0], height, top, len(digits))
    if boundaries is None:
        return text
    return boundaries_to_text(digits, boundaries, read_marks(text))


Mark = tuple[int, int, int, int]  # x0, y0, x1, y1 of a small blob of ink


def ink_to_marks(image: np.ndarray) -> tuple[list[tuple[int, int]], int, int, list[Mark]] | None:
    """The column spans of the glyphs (`digit_groups.ink_to_glyphs`), the digits' height
    and top, and the boxes of the marks smaller than half a digit; None without glyphs."""
    runs, height, stats, tall = ink_to_glyphs(image)
    if not tall:
        return None
    top = int(min(stats[i, cv2.CC_STAT_TOP] for i in tall))
    marks = [(int(x), int(y), int(x + w), int(y + h)) for i in range(1, len(stats)) if i not in tall
             for x, y, w, h in [stats[i, :4]]]
    return runs, height, top, marks


def marks_to_boundaries(marks: list[Mark], runs: list[tuple[int, int]], starts: list[int], height: int, top: int,
                        count: int) -> dict[int, str] | None:
    """The mark after each digit index (1..count) that has one: «.», «,» or «:». None when a
    mark is too large to be one, stands at a hyphen's height or before the first glyph, or
    shares its gap with another mark that does not make a colon with it."""
    ends = [*starts, count]  # the digit index each run ends at
    gaps: dict[int, list[Mark]] = {}
    for mark in marks:
        x0, y0, x1, y1 = mark
        if x1 - x0 > _MARK_SIZE * height or y1 - y0 > _MARK_SIZE * height:
            return None
        centre = (x0 + x1) / 2
        before = sum((a + b) / 2 < centre for a, b in runs)
        if before == 0 or any(a <= centre <= b for a, b in runs):  # under a glyph: a piece of it
            return None
        if before < len(runs) and runs[before][0] - runs[before - 1][1] < _GAP * height:
            return None  # digits set close together: no mark between them
        gaps.setdefault(ends[before - 1], []).append(mark)
    boundaries = {}
    for index, found in gaps.items():
        low = [m for m in found if (m[1] + m[3]) / 2 > top + _LOW * height]
        high = [m for m in found if (m[1] + m[3]) / 2 < top + _HIGH * height]
        if len(low) != 1 or len(high) > 1 or len(low) + len(high) < len(found):
            return None
        boundaries[index] = ":" if high else ("," if low[0][3] > top + (1 + _DESCENT) * height else ".")
    return boundaries


def read_marks(text: str) -> dict[int, str]:
    """The marks of the word as read, by the count of digits before each."""
    marks, digits = {}, 0
    for ch in text:
        if ch.isdigit():
            digits += 1
        else:
            marks[digits] = marks.get(digits, "") + ch
    return marks


def boundaries_to_text(digits: str, boundaries: dict[int, str], read: dict[int, str]) -> str:
    """The digits with the marks Tesseract read, and those the ink adds:
    - where Tesseract read a dot or comma, its reading (the comma's tail is what blur takes first);
    - where it read something else («..», «:») and the ink shows one mark, the ink's;
    - where it read nothing, the ink's mark; after the last digit, only a dot, and only
      in a code (a word with a dot already: «2.5» → «2.5.»), since a lone final mark
      beside a plain number is as often a speck.
    A mark Tesseract read where the ink shows none stays: it may touch its glyph."""
    out = []
    for index, digit in enumerate(digits, start=1):
        out.append(digit)
        mark, seen = read.get(index, ""), boundaries.get(index)
        if seen and mark not in (".", ","):
            code = "." in read.values()
            mark = seen if mark or index < len(digits) or (seen == "." and code) else mark
        out.append(mark)
    return "".join(out)
