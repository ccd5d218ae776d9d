"""Page previews for reviewers: a downscaled JPEG of every page of a PDF or an image,
kept as <folder>/<file name>/<number>.jpg, where the review page shows the page an
issue is on. A stage of its own after reading: no reader writes files."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageSequence

from extractors.ocr.scan import render_pdf_page
from models.layout import Layout

PREVIEW_DPI = 150  # 10-pt digits about 20 px high when zoomed
_IMAGES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def page_previews(path: Path, layout: Layout, folder: Path | None) -> Layout:
    """Store a preview of each page of `path` under `folder` and note its path on the
    layout's page; Word and text files have no pages to show, and without a folder
    nothing is written."""
    if folder is None:
        return layout
    suffix = path.suffix.lower()
    for page in layout.pages:
        if suffix == ".pdf":
            image, dpi = render_pdf_page(path, page.number, dpi=PREVIEW_DPI), PREVIEW_DPI
        elif suffix in _IMAGES:
            image, dpi = _frame(path, page.number)
        else:
            return layout
        page.image_path = str(save_page_preview(image, folder / path.name / f"{page.number}.jpg", dpi))
    return layout


def _frame(path: Path, number: int) -> tuple[Image.Image, int]:
    """Frame `number` (1-based) of an image file (a multi-page TIFF has several) and its resolution."""
    with Image.open(path) as image:
        frame = next(f for n, f in enumerate(ImageSequence.Iterator(image), start=1) if n == number).copy()
    return frame, _image_dpi(frame)


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
    return dpi if 100 <= dpi <= 1200 else 300
