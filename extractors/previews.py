"""Page previews for reviewers: a downscaled JPEG of every page of a PDF or an image,
kept as <folder>/<file name>/<number>.jpg, where the review page shows the page an
issue is on. A stage of its own after reading: no reader writes files."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageSequence

from extractors.ocr import DPI
from extractors.ocr.scan import IMAGE_SUFFIXES, render_pdf_page
from models.layout import Layout, Page

PREVIEW_DPI = 150  # 10-pt digits about 20 px high when zoomed


def page_previews(path: Path, layout: Layout, folder: Path | None) -> Layout:
    """Store a preview of each page of `path` under `folder` and note its path on the
    layout's page; Word and text files have no pages to show, and without a folder
    nothing is written."""
    suffix = path.suffix.lower()
    if folder is None or (suffix != ".pdf" and suffix not in IMAGE_SUFFIXES):
        return layout
    if suffix == ".pdf":
        for page in layout.pages:
            _keep(page, render_pdf_page(path, page.number, dpi=PREVIEW_DPI), PREVIEW_DPI, folder / path.name)
        return layout
    with Image.open(path) as image:  # every frame of a multi-page TIFF in one pass
        for page, frame in zip(layout.pages, ImageSequence.Iterator(image)):
            _keep(page, frame, _image_dpi(frame), folder / path.name)
    return layout


def _keep(page: Page, image: Image.Image, dpi: int, folder: Path) -> None:
    """Save the page's preview as <folder>/<number>.jpg and note it on the page."""
    page.image_path = str(save_page_preview(image, folder / f"{page.number}.jpg", dpi))


def save_page_preview(image: Image.Image, target: Path, dpi: int) -> Path:
    """`image` (at `dpi`) as a greyscale JPEG at PREVIEW_DPI."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scale = PREVIEW_DPI / dpi
    image.convert("L").resize((max(1, int(image.width * scale)), max(1, int(image.height * scale)))).save(
        target, quality=70)
    return target


def _image_dpi(image: Image.Image) -> int:
    """The resolution an image declares, when it is a plausible one (many say 1 or 72 by default)."""
    dpi = int(float((image.info.get("dpi") or (0, 0))[0]))
    return dpi if 100 <= dpi <= 1200 else DPI
