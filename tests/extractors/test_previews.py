"""Page previews as a stage of their own (extractors/previews.py)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from extractors.previews import PREVIEW_DPI, page_previews
from extractors.text_reader import read_text
from models.layout import Layout, Page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _pages(count: int, source: str, fmt: str) -> Layout:
    return Layout(source_file=source, format=fmt, pages=[Page(number=n) for n in range(1, count + 1)])


def test_a_pdf_has_one_preview_per_page_at_the_preview_resolution(tmp_path):
    layout = page_previews(FIXTURES / "measures_2pages.pdf", _pages(2, "measures_2pages.pdf", "pdf"), tmp_path)
    previews = [Path(p.image_path) for p in layout.pages]
    assert previews == [tmp_path / "measures_2pages.pdf" / f"{n}.jpg" for n in (1, 2)]
    with Image.open(previews[0]) as image:  # an A4 page, landscape
        assert abs(max(image.size) - 11.69 * PREVIEW_DPI) < 10 and image.mode == "L"


def test_every_frame_of_a_multi_page_tiff_has_its_preview_scaled_from_its_resolution(tmp_path):
    scan = tmp_path / "scan.tiff"
    frames = [Image.new("L", (600, 800), 255), Image.new("L", (600, 800), 128)]
    frames[0].save(scan, save_all=True, append_images=frames[1:], dpi=(300, 300))
    layout = page_previews(scan, _pages(2, "scan.tiff", "image"), tmp_path / "pages")
    sizes = []
    for page in layout.pages:
        with Image.open(page.image_path) as image:
            sizes.append((image.size, image.getpixel((5, 5))))
    assert sizes == [((300, 400), 255), ((300, 400), 128)]


def test_word_and_text_files_and_no_folder_write_nothing(tmp_path):
    text = tmp_path / "order.txt"
    text.write_text("Приказ\n\nО мерах поддержки семей с детьми", encoding="utf-8")
    layout = page_previews(text, read_text(text), tmp_path / "pages")
    assert not (tmp_path / "pages").exists() and all(p.image_path is None for p in layout.pages)
    layout = page_previews(FIXTURES / "measures_2pages.pdf", _pages(2, "measures_2pages.pdf", "pdf"), None)
    assert all(p.image_path is None for p in layout.pages)
