"""The extraction chain of one file, as small typed stages:

    read_layout(path, context) → Layout                (the reader of the file's type; ReadContext: limits,
                                                        OCR workers)
    page_previews(path, layout, folder) → Layout        (a JPEG of each page for reviewers, in the
                                                        context's previews folder)
    check_language(layout) → Layout                     (refuses a text that is not Russian)
    layout_to_logical(layout) → LogicalDocument         (pipeline.tables)
    parse_document(logical) → ExtractedDocument         (pipeline.parse.document)
    validate_document(doc) → ExtractedDocument          (issues for broken sums)

Each stage is a plain function, testable alone; the Prefect flows only wire them.
"""
from __future__ import annotations

import hashlib
import re
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from pathlib import Path
from typing import Callable

from extractors.libreoffice import CONVERTED
from extractors.ocr.scan import IMAGE_SUFFIXES
from extractors.previews import page_previews
from extractors.text_reader import read_text
from models.layout import Layout, Paragraph
from normalizers.lexicon import CYRILLIC_LETTER
from models.records import ExtractedDocument
from models.settings import ReadContext, load_settings
from models.errors import EmptyInputError, InputError, NotRussianError, UnreadableFileError, UnsupportedFormatError
from pipeline.parse.document import parse_document
from pipeline.tables import layout_to_logical
from pipeline.validate import validate

PIPELINE_VERSION = "1"
# Each reader's module is imported when a file of its kind is first read: a run imports only
# the libraries its files need (pdfplumber, python-docx, OpenCV and Tesseract's wrapper
# cost a small ingest more than its own work).
def _read_pdf(path: Path, context: ReadContext) -> Layout:
    from extractors.ocr.scan import ocr_pdf_pages, workers
    from extractors.pdf_reader import read_pdf

    return read_pdf(path, ocr_pages=partial(ocr_pdf_pages, context=context), workers=workers(context))


def _read_docx(path: Path, _context: ReadContext) -> Layout:
    from extractors.docx_reader import read_docx

    return read_docx(path)


def _read_image(path: Path, _context: ReadContext) -> Layout:
    from extractors.ocr.scan import read_image

    return read_image(path)


def _read_converted(path: Path, _context: ReadContext) -> Layout:
    from extractors.libreoffice import read_converted

    return read_converted(path)


READERS: dict[str, Callable[[Path, ReadContext], Layout]] = {
    ".docx": _read_docx,
    ".txt": lambda path, _context: read_text(path),
    ".pdf": _read_pdf,
    **{suffix: _read_image for suffix in IMAGE_SUFFIXES},
    **{suffix: _read_converted for suffix in CONVERTED},  # through LibreOffice, when it is installed
}


def fingerprint(path: Path) -> str:
    """sha256 of the file's bytes: unchanged files are recognised by it."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError as exc:
        raise UnreadableFileError(f"cannot read the file ({exc.strerror})", path=path) from exc
    return digest.hexdigest()


def check_input(path: Path, max_mb: int) -> None:
    """Refuse what no reader can take before reading it."""
    if path.suffix.lower() not in READERS:
        raise UnsupportedFormatError(f"unsupported file type «{path.suffix or 'none'}»", path=path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFileError(f"cannot read the file ({exc.strerror})", path=path) from exc
    if size == 0:
        raise EmptyInputError("the file is empty", path=path)
    if size > max_mb * 1024 * 1024:
        raise InputError(f"the file is {size // (1024 * 1024)} MB, over the {max_mb} MB limit", path=path)


def read_layout(path: Path, context: ReadContext | None = None) -> Layout:
    """The reader for the file's type → the common layout model. Without a context:
    the one of the settings (ORDERS_* variables)."""
    context = context or ReadContext.of(load_settings())
    check_input(path, context.max_file_mb)
    try:
        return READERS[path.suffix.lower()](path, context)
    except PermissionError as exc:
        raise UnreadableFileError("permission denied", path=path) from exc


_LETTER = re.compile(r"[^\W\d_]")


def check_language(layout: Layout) -> Layout:
    """Refuse a document whose text is not Russian: the parser would find nothing
    and say less about why."""
    text = " ".join(b.text if isinstance(b, Paragraph) else " ".join(c.text for c in b.cells)
                    for b in layout.blocks())
    letters = len(_LETTER.findall(text))
    share = len(CYRILLIC_LETTER.findall(text)) / letters if letters else 1.0
    if letters > 200 and share < 0.3:
        raise NotRussianError(f"the text is not in Russian ({share:.0%} Cyrillic letters)")
    return layout


def validate_document(doc: ExtractedDocument) -> ExtractedDocument:
    """Append an issue for every printed sum that does not hold."""
    doc.issues.extend(validate(doc))
    return doc


def _stages(path: Path, context: ReadContext) -> tuple[tuple[str, Callable], ...]:
    """The chain of one file, stage by stage, as every run iterates it (named as its timer logs them)."""
    return (
        ("read", lambda source: check_language(read_layout(source, context))),
        ("previews", lambda layout: page_previews(path, layout, context.previews_dir)),
        ("tables", layout_to_logical),
        ("parse", parse_document),
        ("validate", validate_document),
    )


def load_models() -> None:
    """Load what the first file would load, the NLP models, in a process that will read
    many: the warm ingest process and each Dask worker."""
    from normalizers.nlp import pipeline
    from normalizers.text import morph

    pipeline()("Министерство социальной защиты населения края: 1 500 000 рублей до 1 октября 2025 года")
    morph()


def extract(path: Path, context: ReadContext | None = None,
            timed: Callable[[str], AbstractContextManager] = lambda _stage: nullcontext()) -> ExtractedDocument:
    """The whole chain for one file, each stage inside `timed(stage name)` (a StageTimer logs
    and times them). Raises an InputError naming the file when it is not an order."""
    context = context or ReadContext.of(load_settings())
    try:
        value = path
        for name, stage in _stages(path, context):
            with timed(name):
                value = stage(value)
        return value
    except InputError as exc:
        if exc.path is None:
            exc.path = path
        raise
