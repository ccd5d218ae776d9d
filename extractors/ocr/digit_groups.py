"""The digit groups of a long number that OCR read as one run of digits («23424» printed
«23 424»), put back from the ink: `ink_to_runs → digits_to_runs → gaps_to_spaces`.

On a 150-dpi scan the space between a number's digit groups is a few pixels, and
Tesseract reads the number as one word. Russian print groups numbers of five digits
and more by thousands, but not always (a table may print «27000»), so the ink decides:
a space is put back where the gap between two digits is wider than a digit's own side
bearings leave, and only at a thousands boundary. Any doubt leaves the digits as read.
"""
from __future__ import annotations

import cv2
import numpy as np

MIN_DIGITS = 5  # four-digit numbers are printed ungrouped as often as grouped
_FIRST_ADVANCE = 0.75  # a digit's advance, in digit heights, to start from (Times, Arial 0.72–0.78; DejaVu 0.87)
_WIDTH = {"1": 0.32}  # a digit's ink width, in digit heights; «1» is the narrow one
_OTHER_WIDTH = 0.62
_FIT = 0.35  # digit heights a run's width may miss its digits' predicted width by
_SPACE = 0.12  # digit heights of white beyond the side bearings that make a space


def spaced_digits(image: np.ndarray, digits: str) -> str:
    """`digits` with a space at each thousands boundary where the word's black-on-white
    image shows one; the digits unchanged when the ink does not say so clearly."""
    if len(digits) < MIN_DIGITS or not digits.isdigit():
        return digits
    runs, height = ink_to_runs(image)
    split = split_into_runs(digits, runs, height)
    if split is None:
        return digits
    starts, advance = split
    spaces = gaps_to_spaces(digits, runs, starts, height, advance)
    if spaces is None:
        return digits
    return "".join((" " if i in spaces else "") + d for i, d in enumerate(digits))


def split_into_runs(digits: str, runs: list[tuple[int, int]], height: int) -> tuple[list[int], float] | None:
    """Where each glyph run after the first starts in `digits` (`digits_to_runs`, at the
    font's own advance), and that advance; None when the runs do not fit the digits."""
    starts = digits_to_runs(digits, runs, height, _FIRST_ADVANCE)
    if starts is None:
        return None
    advance = measured_advance(digits, runs, starts, height)  # the font's own, then the split again
    starts = digits_to_runs(digits, runs, height, advance)
    return None if starts is None else (starts, advance)


def ink_to_runs(image: np.ndarray) -> tuple[list[tuple[int, int]], int]:
    """The column spans of the word's glyphs (marks under half a digit's height, a dot or a
    speck, left out), and the digits' height."""
    runs, height, _, _ = ink_to_glyphs(image)
    return runs, height


def ink_to_glyphs(image: np.ndarray) -> tuple[list[tuple[int, int]], int, np.ndarray, list[int]]:
    """As `ink_to_runs`, and also the ink's connected components (their stats, row 0 the
    paper) and which of them are glyphs; the marks are the others."""
    ink = (image < 128).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count < 2:
        return [], 0, stats, []
    height = int(stats[1:, cv2.CC_STAT_HEIGHT].max())
    tall = [i for i in range(1, count) if stats[i, cv2.CC_STAT_HEIGHT] >= height / 2]
    columns = np.isin(labels, tall).any(axis=0)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], columns.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist())), height, stats, tall


def _width(digit: str, measured: dict[bool, float] | None = None) -> float:
    """A digit's ink width in digit heights: as `measured_widths` found it, else the model's."""
    return (measured or {}).get(digit == "1", _WIDTH.get(digit, _OTHER_WIDTH))


def _bearing(digit: str, height: int, advance: float, measured: dict[bool, float] | None = None) -> float:
    """White a digit leaves on each side within its advance."""
    return (advance - _width(digit, measured)) * height / 2


def _pieces(digits: str, starts: list[int]) -> list[str]:
    """The digits of each glyph run, from where each run after the first starts."""
    bounds = [0, *starts, len(digits)]
    return [digits[a:b] for a, b in zip(bounds, bounds[1:])]


def _predicted_width(piece: str, height: int, advance: float) -> float:
    return len(piece) * advance * height - _bearing(piece[0], height, advance) - _bearing(piece[-1], height, advance)


def digits_to_runs(digits: str, runs: list[tuple[int, int]], height: int, advance: float) -> list[int] | None:
    """Where each glyph run after the first starts in `digits`: the split of the digits into
    consecutive pieces, one per run, whose predicted widths (at `advance`) fit the runs best;
    None when no split fits within `_FIT` (a broken glyph, a speck the size of a digit)."""
    count = len(runs)
    if not height or not 0 < count <= len(digits):
        return None
    # best[i][j]: (worst miss, start of the last piece) with the first i digits in the first j runs
    best = [[(np.inf, -1)] * (count + 1) for _ in range(len(digits) + 1)]
    best[0][0] = (0.0, -1)
    for j, (x0, x1) in enumerate(runs, start=1):
        for i in range(j, len(digits) - (count - j) + 1):
            for start in range(j - 1, i):
                predicted = _predicted_width(digits[start:i], height, advance)
                miss = max(best[start][j - 1][0], abs(predicted - (x1 - x0)) / height)
                if miss < best[i][j][0]:
                    best[i][j] = (miss, start)
    if best[len(digits)][count][0] > _FIT:
        return None
    starts, i = [], len(digits)
    for j in range(count, 1, -1):
        i = best[i][j][1]
        starts.append(i)
    return starts[::-1]


def measured_advance(digits: str, runs: list[tuple[int, int]], starts: list[int], height: int) -> float:
    """The font's digit advance in digit heights: the median of what each run of several
    digits gives by its width, and each pair of neighbouring runs by the distance between
    their centres (a pair with a space between gives too much; they are the fewer)."""
    pieces = _pieces(digits, starts)
    estimates = [((x1 - x0) / height - (_width(p[0]) + _width(p[-1])) / 2) / (len(p) - 1)
                 for p, (x0, x1) in zip(pieces, runs) if len(p) > 1]
    centres = [(x0 + x1) / 2 for x0, x1 in runs]
    estimates += [(c1 - c0) / height / ((len(p0) + len(p1)) / 2)
                  for c0, c1, p0, p1 in zip(centres, centres[1:], pieces, pieces[1:])]
    return float(np.median(estimates)) if estimates else _FIRST_ADVANCE


def gaps_to_spaces(digits: str, runs: list[tuple[int, int]], starts: list[int], height: int,
                   advance: float) -> set[int] | None:
    """The digit indices that a space precedes: the gaps between runs wider than the two
    digits' bearings by `_SPACE`. None when such a gap is not at a thousands boundary:
    then the gap is not a digit group's space and the reading is not trusted."""
    widths = measured_widths(digits, runs, starts, height)
    spaces = set()
    for (_, left_end), (right_start, _), i in zip(runs, runs[1:], starts):
        bearings = _bearing(digits[i - 1], height, advance, widths) + _bearing(digits[i], height, advance, widths)
        if right_start - left_end - bearings >= _SPACE * height:
            if (len(digits) - i) % 3:
                return None
            spaces.add(i)
    return spaces


def measured_widths(digits: str, runs: list[tuple[int, int]], starts: list[int], height: int) -> dict[bool, float]:
    """The ink width of «1» (key True) and of the other digits (False), in digit heights, from
    the runs that hold one digit: a sans-serif «1» has a foot or a wide flag, a serif one is narrow."""
    alone: dict[bool, list[float]] = {}
    for piece, (x0, x1) in zip(_pieces(digits, starts), runs):
        if len(piece) == 1:
            alone.setdefault(piece == "1", []).append((x1 - x0) / height)
    return {one: float(np.median(widths)) for one, widths in alone.items()}
