"""Round office seals on a scanned page: found, and their ink lifted off the print under them.

A seal is stamped over the signature and, often, over the table's last amounts. Its ring
crosses cells (OCR reads it as letters, the table finder as a column ruling) and its ink
darkens whatever it covers. Stamp ink is lighter than print: on a grey scan the ring is
mid-grey where printed text stays near black, so inside a seal every pixel lighter than
halfway between the two is paper again, and the text under the seal is left.

The chain: `find_seals` (circle candidates by the Hough transform on a small copy of the
page → those whose ring shows as a ring: ink along the circle, little just inside and
outside it) → `erase_seals`.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MM_PER_INCH = 25.4
SEAL_RADIUS_MM = (12, 25)  # official round stamps are 24–50 mm across
_HOUGH_DPI = 75  # circles are looked for on a copy of the page at this resolution: fast, and a ring is still 2 px
_RING_SCORE = 0.3  # share of the circle inked beyond the share of the circles just inside and outside it
_PAPER_MARGIN = 40  # grey levels under the paper at which a pixel counts as ink
_MIN_CONTRAST = 30  # grey levels between the ring and the print under which they cannot be told apart


@dataclass(frozen=True)
class Seal:
    """A round seal on the page: centre and radius of its outer ring in pixels, and the
    grey of its ring's ink."""

    x: float
    y: float
    radius: float
    ink: float


def find_seals(gray: np.ndarray, dpi: int) -> list[Seal]:
    """The round seals stamped on a level page read at `dpi`."""
    scale = _HOUGH_DPI / dpi
    small = cv2.GaussianBlur(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), (5, 5), 1.5)
    per_mm = _HOUGH_DPI / MM_PER_INCH
    circles = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1, minDist=int(2 * SEAL_RADIUS_MM[0] * per_mm),
                               param1=60, param2=30, minRadius=int(SEAL_RADIUS_MM[0] * per_mm),
                               maxRadius=int(SEAL_RADIUS_MM[1] * per_mm))
    if circles is None:
        return []
    paper = float(np.percentile(gray, 90))
    seals: list[Seal] = []
    for x, y, r in circles[0] / scale:
        if any(np.hypot(x - s.x, y - s.y) < s.radius for s in seals):
            continue
        # the small copy's radius is a few pixels off, and may be an inner ring's: the outer ring is the seal's
        radii = np.arange(0.85 * r, 1.25 * r, 2.0)
        scores = _ring_scores(gray, x, y, radii, paper, dpi)
        best = len(radii) - 1 - int(np.argmax(scores[::-1]))  # of equal scores, the outer ring
        if scores[best] >= _RING_SCORE:
            seals.append(Seal(float(x), float(y), float(radii[best]),
                              float(np.median(_darkest_along(gray, x, y, radii[best:best + 1])[0]))))
    return seals


def _ring_scores(gray: np.ndarray, x: float, y: float, radii: np.ndarray, paper: float, dpi: int) -> np.ndarray:
    """For each radius, how much more of the circle is inked than of the circle 3 mm outside
    it (beyond a ring's band, however broad): near 1 for a seal's ring, near 0 for a circle
    drawn through text, which is as inked just outside."""
    outside = radii + dpi / MM_PER_INCH * 3
    inked = (_darkest_along(gray, x, y, np.concatenate([radii, outside])) < paper - _PAPER_MARGIN).mean(axis=1)
    return inked[:len(radii)] - inked[len(radii):]


_ANGLES = np.radians(np.arange(0, 360, 2))
_WIDTH = np.arange(-4, 5, 2)  # px across the circle: the ring's own width and a few pixels of an imperfect fit


def _darkest_along(gray: np.ndarray, x: float, y: float, radii: np.ndarray) -> np.ndarray:
    """For each radius, and for every 2° of its circle, the darkest pixel within 4 px of it."""
    ring = radii[:, None, None] + _WIDTH[None, :, None]  # radius × offset × angle
    xs = np.round(x + ring * np.cos(_ANGLES)).astype(int)
    ys = np.round(y + ring * np.sin(_ANGLES)).astype(int)
    inside = (xs >= 0) & (xs < gray.shape[1]) & (ys >= 0) & (ys < gray.shape[0])
    values = np.where(inside, gray[np.clip(ys, 0, gray.shape[0] - 1), np.clip(xs, 0, gray.shape[1] - 1)], 255)
    return values.min(axis=1)


def erase_seals(gray: np.ndarray, seals: list[Seal], dpi: int, keep: np.ndarray | None = None) -> np.ndarray:
    """The page with each seal's ink lifted: inside the seal (and its ring's width beyond),
    pixels lighter than halfway between the ring's grey and the print's are paper, except
    those of the `keep` mask (a thin ruling under the seal is blurred lighter than text)."""
    if not seals:
        return gray
    out = gray.copy()
    ink = gray[gray < np.percentile(gray, 90) - _PAPER_MARGIN]
    print_grey = float(np.percentile(ink, 10)) if ink.size else 0.0
    margin = 2 * dpi / MM_PER_INCH  # the rest of a broad ring's band, and the blur around it
    for seal in seals:
        if seal.ink - print_grey < _MIN_CONTRAST:
            continue  # a black stamp: its ink is the print's
        x0, y0 = max(0, int(seal.x - seal.radius - margin)), max(0, int(seal.y - seal.radius - margin))
        x1, y1 = min(gray.shape[1], int(seal.x + seal.radius + margin) + 1), \
            min(gray.shape[0], int(seal.y + seal.radius + margin) + 1)
        ys, xs = np.mgrid[y0:y1, x0:x1]
        disc = np.hypot(xs - seal.x, ys - seal.y) <= seal.radius + margin
        patch = out[y0:y1, x0:x1]
        lift = disc & (patch > (seal.ink + print_grey) / 2)
        if keep is not None:
            lift &= keep[y0:y1, x0:x1] == 0
        patch[lift] = 255
    return out
