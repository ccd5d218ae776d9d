"""Domain-aware clean-up of OCR'd text: what Tesseract gets wrong in these orders.

- stray strokes and specks read as `|`, `.`, `,` or a quote standing alone, or before a
  list's dash, and the backtick and the opening single quote anywhere (no Russian text prints them);
- letters read for digits inside numbers (`О`→0, `З`→3, `б`→6, `l`→1): only where
  the token is otherwise a number, so words keep their letters.
"""
from __future__ import annotations

import re

# A speck before a line is read as a low or curly quote, a degree sign or a tick.
_STRAY = re.compile(r"(?:(?<=\s)|^)[|.,:;'`_~‚„’‘“”°˚·\"]+(?=\s|$)")
_STRAY_BEFORE_DASH = re.compile(r"^[‚„’‘`'°˚·]+(?=[-–—]\s)")
_LOOKALIKES = str.maketrans({"О": "0", "о": "0", "O": "0", "o": "0", "З": "3", "з": "3", "б": "6", "l": "1",
                             "I": "1", "|": "1"})
# A token of digits with at most one look-alike letter among them («1О0», «50О 000»).
_NUMBERISH = re.compile(r"(?<![\wА-Яа-яЁё])(?=[\dОоOoЗзбlI|]*\d)[\dОоOoЗзбlI|]{2,}(?![\wА-Яа-яЁё])")


_LONE_ZERO = re.compile(r"^[оОoO][.,]?$")  # a cell holding only «о»: a zero read as a letter


_NOT_RUSSIAN_PRINT = str.maketrans("", "", "`‘")  # no Russian text prints these: specks read as marks


def clean_ocr_text(text: str) -> str:
    """Remove stray strokes and read look-alike letters inside numbers as digits."""
    text = _STRAY_BEFORE_DASH.sub("", _STRAY.sub("", text.translate(_NOT_RUSSIAN_PRINT)))
    text = _NUMBERISH.sub(lambda m: m.group(0).translate(_LOOKALIKES), text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    return "0" if _LONE_ZERO.match(text) else text
