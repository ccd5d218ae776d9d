"""Digit groups put back from the ink: numbers drawn in the fonts orders are printed in,
scanned at 150 dpi and brought to the 300 dpi the product reads at, then binarised as a
cell's crop is. A space printed between groups comes back; a number printed without
one stays as it is, whatever the font."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from extractors.ocr.digit_groups import spaced_digits

FONTS = {
    "serif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",  # Times New Roman's metrics
    "sans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",  # Arial's
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",  # wide digits
}
PRINTED = [
    "23 424",
    "4 019 450",
    "1 500 000",
    "242 216",
    "27000",  # tables print some numbers ungrouped
    "41337",
    "11150",
    "2 111 110",  # narrow «1»s beside a space
]


def scanned_word(text: str, font_path: str, points: int, space: str = " ") -> np.ndarray:
    """`text` printed at `points`, scanned at 150 dpi, rendered back at 300 dpi and binarised."""
    font = ImageFont.truetype(font_path, round(points * 300 / 72))
    image = Image.new("L", (1400, 120), 255)
    ImageDraw.Draw(image).text((20, 20), text.replace(" ", space), fill=0, font=font)
    scan = image.resize((700, 60), Image.Resampling.BOX).filter(ImageFilter.GaussianBlur(0.6))
    back = np.array(scan.resize((1400, 120), Image.Resampling.BICUBIC))
    return np.where(back < 160, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("points", [11, 13])
@pytest.mark.parametrize("printed", PRINTED)
def test_spaces_come_back_as_printed(printed, points, font):
    image = scanned_word(printed, FONTS[font], points)
    assert spaced_digits(image, printed.replace(" ", "")) == printed


def test_a_no_break_space_is_a_space():
    image = scanned_word("4 019 450", FONTS["serif"], 12, space="\u00a0")
    assert spaced_digits(image, "4019450") == "4 019 450"


@pytest.mark.parametrize("digits", ["2024", "1028", "12,5", "1 500"])
def test_short_numbers_and_non_digits_are_left_as_read(digits):
    image = scanned_word(digits, FONTS["serif"], 12)
    assert spaced_digits(image, digits) == digits


def test_a_gap_off_the_thousands_boundary_is_not_trusted():
    image = scanned_word("12 3456", FONTS["serif"], 12)  # two numbers side by side, not one
    assert spaced_digits(image, "123456") == "123456"
