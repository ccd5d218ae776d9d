"""Dots and commas put back from the ink: codes and values drawn in the fonts orders are
printed in, scanned at 150 dpi and brought back to 300 dpi, then given as Tesseract
misreads them. The marks the ink shows come back; a word whose ink is in doubt stays
as read."""
from __future__ import annotations

import numpy as np
import pytest

from extractors.ocr.number_marks import marked_number
from tests.extractors.test_digit_groups import FONTS, scanned_word

# (printed, as read): a lost final dot, a lost inner dot, a lost decimal comma, a doubled
# dot, a colon for a dot, a comma for a dot
MISREAD = [
    ("2.5.", "2.5"),
    ("3.1", "31"),
    ("7.7", "77"),
    ("2.2.1.", "2.2.1"),
    ("14,3", "143"),
    ("47,6", "476"),
    ("6.2.", "6.2.."),
    ("1.8.", "1.8:"),
    ("0,00", "000"),
    ("31.12.2019", "3112.2019"),
]


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("points", [10, 12])
@pytest.mark.parametrize("printed, read", MISREAD)
def test_marks_come_back_as_printed(printed, read, points, font):
    assert marked_number(scanned_word(printed, FONTS[font], points), read) == printed


@pytest.mark.parametrize("printed", ["2.5.", "14,3", "1.1.2.", "2025", "31.12.2019"])
def test_a_word_read_right_stays_as_read(printed):
    assert marked_number(scanned_word(printed, FONTS["serif"], 12), printed) == printed


def test_a_hyphen_after_a_number_is_no_mark():
    """«600-»: a mark at a hyphen's height is not a dot; the word stays as read."""
    assert marked_number(scanned_word("600-", FONTS["serif"], 12), "600") == "600"


def test_words_that_are_not_numbers_are_left_alone():
    image = scanned_word("2.5.", FONTS["serif"], 12)
    assert marked_number(image, "п.2") == "п.2"
    assert marked_number(np.full((40, 80), 255, np.uint8), "2.5") == "2.5"


def test_a_final_mark_beside_a_plain_number_is_not_added():
    """«720.»: a lone mark after a number without dots is as often a speck as a full stop."""
    assert marked_number(scanned_word("720.", FONTS["serif"], 12), "720") == "720"
