"""Scanned PDF pages and page images → Pages, in parallel worker processes."""
from __future__ import annotations

import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageSequence, UnidentifiedImageError

from extractors.ocr import DPI
from models.layout import Layout, Page
from models.errors import CorruptFileError, EmptyInputError
from models.settings import ReadContext

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")  # what `read_image` reads
MAX_PIXELS = 60_000_000  # about A2 at 300 dpi; larger images are refused (decompression bombs)
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def render_pdf_page(path: Path, number: int, dpi: int = DPI) -> Image.Image:
    """Page `number` (1-based) of a PDF as a greyscale image."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[number - 1]
        width, height = page.get_size()
        if width * height * (dpi / 72) ** 2 > MAX_PIXELS:
            raise CorruptFileError(f"page {number} is too large to render at {dpi} dpi", path=path)
        return page.render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        pdf.close()


def ocr_pdf_page(path: str, number: int) -> Page:
    """Render and read one PDF page (runs in a worker process)."""
    from extractors.ocr.page import read_page_image  # OpenCV and Tesseract: only where a page is read

    return read_page_image(render_pdf_page(Path(path), number), number)


def workers(context: ReadContext) -> int:
    """Processes reading pages at once (OCR, and long digital PDFs): the context's
    `ocr_workers` (ORDERS_OCR_WORKERS), else one per core."""
    return context.ocr_workers or os.cpu_count() or 1


def ocr_pdf_pages(path: Path, numbers: list[int], context: ReadContext = ReadContext()) -> list[Page]:
    """OCR the given pages of a PDF, several at a time."""
    count = workers(context)
    if len(numbers) <= 1 or count == 1:
        return [ocr_pdf_page(str(path), n) for n in numbers]
    with ProcessPoolExecutor(max_workers=min(count, len(numbers))) as pool:
        return list(pool.map(ocr_pdf_page, [str(path)] * len(numbers), numbers))


A4_INCHES = (8.27, 11.69)  # the sheet orders are printed on
_A4_ASPECT = A4_INCHES[1] / A4_INCHES[0]


def at_reading_resolution(image: Image.Image) -> Image.Image:
    """The page image at the `DPI` the reader's measures are set for (a scanned PDF's
    page is rendered at it), from the resolution the file records; without one, from its
    size when it has an A4 sheet's proportions. An image of neither is read as it is."""
    recorded = image.info.get("dpi", (0, 0))[0]
    if 100 <= recorded <= 1200:  # JPEG and PNG writers record 72 or 96 when they know nothing
        dpi = float(recorded)
    elif abs(max(image.size) / min(image.size) - _A4_ASPECT) < 0.08:
        dpi = max(image.size) / A4_INCHES[1]
    else:
        return image
    scale = DPI / dpi
    if abs(scale - 1) < 0.05:
        return image
    size = (round(image.width * scale), round(image.height * scale))
    if size[0] * size[1] > MAX_PIXELS:
        return image
    return image.convert("L").resize(size, Image.Resampling.BICUBIC)


def read_image(path: Path) -> Layout:
    """PNG, JPEG or TIFF (every frame of a multi-page TIFF) → Layout, by OCR, each page
    brought to the resolution scanned PDF pages are read at."""
    try:
        with warnings.catch_warnings():  # the size is checked below, with a message of our own
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError(f"{image.width}×{image.height}")
            frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    except Image.DecompressionBombError as exc:
        raise CorruptFileError(f"the image is larger than {MAX_PIXELS:,} pixels", path=path) from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise CorruptFileError(f"not a readable image ({exc})", path=path) from exc
    if not frames:
        raise EmptyInputError("the image has no pages", path=path)
    from extractors.ocr.page import read_page_image

    pages = [read_page_image(at_reading_resolution(frame), n) for n, frame in enumerate(frames, start=1)]
    return Layout(source_file=path.name, format="image", pages=pages)
