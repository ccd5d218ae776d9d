"""The one place that runs Tesseract: its environment, time limit and failures.

Each call uses one thread (`OMP_THREAD_LIMIT=1`): pages are parallelised by
worker processes instead, which is faster on few cores than Tesseract's own threads.
pytesseract (which imports pandas) is loaded on the first call, so that a run that
reads no scan does not pay for it.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from PIL import Image

from models.errors import OcrFailedError, TesseractMissingError

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
LANGUAGE = "rus"
TIMEOUT_S = 180


@dataclass(frozen=True)
class Word:
    text: str
    x0: int
    y0: int
    x1: int
    y1: int
    confidence: float  # 0..100
    line: tuple[int, int, int]  # (block, paragraph, line) as Tesseract numbered them


@lru_cache(maxsize=1)
def _pytesseract() -> ModuleType:
    import pytesseract

    return pytesseract


def check_installed() -> None:
    """Fail clearly when Tesseract or its Russian model is missing; checked once for each
    environment that decides where they are found (a warm process runs each command in
    its own)."""
    _check_installed(os.environ.get("PATH"), os.environ.get("TESSDATA_PREFIX"))


@lru_cache(maxsize=4)
def _check_installed(_path: str | None, _tessdata: str | None) -> None:
    pytesseract = _pytesseract()
    try:
        languages = pytesseract.get_languages(config="")
    except pytesseract.TesseractNotFoundError as exc:
        raise TesseractMissingError("Tesseract is not installed") from exc
    if LANGUAGE not in languages:
        raise TesseractMissingError(f"Tesseract has no «{LANGUAGE}» language data")


def read_words(image: Image.Image, psm: int = 3, characters: str | None = None) -> list[Word]:
    """Every word Tesseract reads on the image, with its box and confidence; only the given
    `characters` when they are named (digits, for a number whose glyphs came out as others)."""
    check_installed()
    # Handing Tesseract an uncompressed file saves the PNG encoding pytesseract would do.
    with tempfile.NamedTemporaryFile(suffix=".pgm") as file:
        image.convert("L").save(file.name)
        return _words(_tesseract_data(file.name, psm, characters))


def _tesseract_data(path: str, psm: int, characters: str | None) -> dict:
    config = f"--psm {psm}" + (f" -c tessedit_char_whitelist={characters}" if characters else "")
    pytesseract = _pytesseract()
    try:
        return pytesseract.image_to_data(path, lang=LANGUAGE, config=config,
                                         output_type=pytesseract.Output.DICT, timeout=TIMEOUT_S)
    except RuntimeError as exc:  # pytesseract raises RuntimeError on its timeout
        raise OcrFailedError(f"Tesseract took over {TIMEOUT_S} s on one page") from exc
    except pytesseract.TesseractError as exc:
        raise OcrFailedError(f"Tesseract failed: {exc.message.strip()[:200]}") from exc


def _words(data: dict) -> list[Word]:
    words = []
    for i, text in enumerate(data["text"]):
        if text.strip() and float(data["conf"][i]) >= 0:
            x, y, w, h = data["left"][i], data["top"][i], data["width"][i], data["height"][i]
            words.append(Word(text.strip(), x, y, x + w, y + h, float(data["conf"][i]),
                              (data["block_num"][i], data["par_num"][i], data["line_num"][i])))
    return words


def orientation(image: Image.Image) -> int:
    """Degrees the page is turned clockwise (0, 90, 180, 270), from Tesseract's OSD."""
    check_installed()
    pytesseract = _pytesseract()
    try:
        osd = pytesseract.image_to_osd(image, config="--psm 0 -c min_characters_to_try=20",
                                       output_type=pytesseract.Output.DICT, timeout=TIMEOUT_S)
    except pytesseract.TesseractError:
        return 0  # too little text to tell: leave the page as it is
    return int(osd.get("rotate", 0)) % 360
