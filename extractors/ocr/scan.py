"""Scanned PDF pages and page images → Pages, in parallel worker processes."""
from __future__ import annotations

import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageSequence, UnidentifiedImageError

from extractors.ocr.page import DPI, read_page_image
from models.layout import Layout, Page
from models.errors import CorruptFileError, EmptyInputError
from models.settings import ReadContext

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


PREVIEW_DPI = 150  # page images kept for reviewers: 10-pt digits about 20 px high when zoomed


def save_page_preview(image: Image.Image, folder: Path | None, source: Path, number: int, dpi: int = DPI) -> str | None:
    """Store a downscaled JPEG of a page as <folder>/<file name>/<number>.jpg and return
    its path; None when no folder is given (no previews wanted)."""
    if folder is None:
        return None
    target = folder / source.name / f"{number}.jpg"
    target.parent.mkdir(parents=True, exist_ok=True)
    scale = PREVIEW_DPI / dpi
    image.convert("L").resize((max(1, int(image.width * scale)), max(1, int(image.height * scale)))).save(
        target, quality=70)
    return str(target)


def ocr_pdf_page(path: str, number: int, previews_dir: Path | None = None) -> Page:
    """Render and read one PDF page (runs in a worker process); keep its preview."""
    image = render_pdf_page(Path(path), number)
    page = read_page_image(image, number)
    page.image_path = save_page_preview(image, previews_dir, Path(path), number)
    return page


def preview_pdf_page(path: Path, number: int, previews_dir: Path | None) -> str | None:
    """A preview of a page that needs no OCR (a digital page)."""
    if previews_dir is None:
        return None
    return save_page_preview(render_pdf_page(path, number, dpi=PREVIEW_DPI), previews_dir, path, number,
                             dpi=PREVIEW_DPI)


def workers(context: ReadContext) -> int:
    """OCR worker processes: the context's `ocr_workers` (ORDERS_OCR_WORKERS), else one per core."""
    return context.ocr_workers or os.cpu_count() or 1


def ocr_pdf_pages(path: Path, numbers: list[int], context: ReadContext = ReadContext()) -> list[Page]:
    """OCR the given pages of a PDF, several at a time."""
    count = workers(context)
    if len(numbers) <= 1 or count == 1:
        return [ocr_pdf_page(str(path), n, context.previews_dir) for n in numbers]
    with ProcessPoolExecutor(max_workers=min(count, len(numbers))) as pool:
        return list(pool.map(ocr_pdf_page, [str(path)] * len(numbers), numbers,
                             [context.previews_dir] * len(numbers)))


def _image_dpi(image: Image.Image) -> int:
    """The resolution an image declares, when it is a plausible one (many say 1 or 72 by default)."""
    dpi = int(float((image.info.get("dpi") or (0, 0))[0]))
    return dpi if 100 <= dpi <= 1200 else DPI


def read_image(path: Path, context: ReadContext = ReadContext()) -> Layout:
    """PNG, JPEG or TIFF (every frame of a multi-page TIFF) → Layout, by OCR."""
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
    pages = []
    for n, frame in enumerate(frames, start=1):
        page = read_page_image(frame, n)
        page.image_path = save_page_preview(frame, context.previews_dir, path, n, dpi=_image_dpi(frame))
        pages.append(page)
    return Layout(source_file=path.name, format="image", pages=pages)
