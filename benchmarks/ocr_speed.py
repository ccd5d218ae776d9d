"""Speed and memory of the PDF and scan readers, as ratios measured in one run.

    .venv/bin/python benchmarks/ocr_speed.py [CORPUS_DIR [PAGES]]     (default ../shared/corpus/rendered, all pages)

Prints: pages per second for digital PDFs and for scans; seconds per stage of the
scan reader; the scan reader's time over plain `tesseract --psm 3` on the page images
the scans embed, at their native resolution (one process each, same run, first PAGES pages); the speed-up of 2 OCR workers over 1 on all scans;
and the peak memory of ingesting the largest scan.
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ORDERS_PROCESSED_DIR", tempfile.mkdtemp(prefix="orders-bench-"))

from extractors.ocr import page as ocr_page  # noqa: E402
from extractors.ocr.scan import ocr_pdf_pages, render_pdf_page  # noqa: E402
from models.settings import ReadContext  # noqa: E402
from extractors.pdf_reader import read_pdf  # noqa: E402


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    return len(pdfium.PdfDocument(str(path)))


def digital_pages_per_second(pdfs: list[Path]) -> float:
    pages = seconds = 0.0
    for pdf in pdfs:
        _, s = timed(read_pdf, pdf)
        pages += page_count(pdf)
        seconds += s
    return pages / seconds


def scan_stage_times(scans: list[Path]) -> dict[str, float]:
    """Seconds per stage over every scanned page, one process, each stage as `read_upright` runs it."""
    stages = dict.fromkeys(["render", "level", "tables", "ocr prose", "ocr cells"], 0.0)
    for scan in scans:
        for number in range(1, page_count(scan) + 1):
            image, s = timed(render_pdf_page, scan, number)
            stages["render"] += s
            gray, s = timed(ocr_page.deskew, np.array(image.convert("L")))
            stages["level"] += s
            ruled, s = timed(ocr_page.find_tables, gray)
            stages["tables"] += s
            _, s = timed(ocr_page.read_prose, ocr_page.blank_tables(ruled.gray, ruled.grids))
            stages["ocr prose"] += s
            tables = [ocr_page.grid_to_table(g, number) for g in ruled.grids]
            _, s = timed(ocr_page.read_cells, ocr_page.erase_streaks(ruled.gray, ruled.streaks), tables)
            stages["ocr cells"] += s
    return stages


def native_page_image(scan: Path, number: int) -> Image.Image:
    """The page image a scanned PDF page embeds, at the resolution it was scanned."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(str(scan))[number - 1]
    images = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    return max((o.get_bitmap().to_pil() for o in images), key=lambda im: im.width * im.height)


def pipeline_vs_tesseract(scans: list[Path], limit: int) -> tuple[float, float, int]:
    """The scan reader (render, deskew, tables, cells, prose) against plain
    `tesseract IMAGE - -l rus --psm 3` on the page images at their native resolution,
    one process each, on the first `limit` pages."""
    pages = [(scan, n) for scan in scans for n in range(1, page_count(scan) + 1)][:limit]
    with tempfile.TemporaryDirectory() as folder:
        images = []
        for scan, number in pages:
            path = Path(folder) / f"{scan.stem}-{number}.png"
            native_page_image(scan, number).save(path)
            images.append(path)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        start = time.perf_counter()
        for path in images:
            subprocess.run(["tesseract", str(path), "-", "-l", "rus", "--psm", "3"],
                           check=True, capture_output=True, env=env)
        cli = time.perf_counter() - start
    start = time.perf_counter()
    for scan, number in pages:
        ocr_page.read_page_image(render_pdf_page(scan, number), number)
    ours = time.perf_counter() - start
    return ours, cli, len(pages)


def workers_speedup(scans: list[Path]) -> tuple[float, float, int]:
    times = {}
    pages = sum(page_count(s) for s in scans)
    for workers in (1, 2):
        start = time.perf_counter()
        for scan in scans:
            ocr_pdf_pages(scan, list(range(1, page_count(scan) + 1)), ReadContext(ocr_workers=workers))
        times[workers] = time.perf_counter() - start
    return times[1], times[2], pages


def peak_memory_mb(scan: Path) -> float:
    """Peak resident memory of extracting one file end to end in a fresh process (the
    process, or the largest of its OCR workers)."""
    code = ("import resource, sys; from pathlib import Path; from pipeline.stages import extract; "
            "extract(Path(sys.argv[1])); "
            "print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
            " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))")
    out = subprocess.run([sys.executable, "-c", code, str(scan)], check=True, capture_output=True, text=True,
                         cwd=ROOT)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "rendered"
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    scans = sorted(corpus.glob("*.scan.pdf"))
    pdfs = sorted(p for p in corpus.glob("*.pdf") if not p.name.endswith(".scan.pdf"))
    if not scans:
        sys.exit(f"{corpus}: no *.scan.pdf files to measure")

    if pdfs:
        print(f"digital PDFs: {digital_pages_per_second(pdfs):.1f} pages/s")
    stages = scan_stage_times(scans)
    pages = sum(page_count(s) for s in scans)
    print(f"scans, one process: {pages / sum(stages.values()):.2f} pages/s")
    for stage, seconds in stages.items():
        print(f"  {stage:14s} {seconds / pages:6.3f} s/page")
    ours, cli, n = pipeline_vs_tesseract(scans, limit)
    print(f"scan reader vs plain tesseract at native resolution on {n} pages: {ours:.1f} s / {cli:.1f} s"
          f" = {ours / cli:.2f}x")
    one, two, n = workers_speedup(scans)
    print(f"OCR of {n} scanned pages: 1 worker {one:.1f} s, 2 workers {two:.1f} s, speed-up {one / two:.2f}x")
    largest = max(scans, key=lambda s: s.stat().st_size)
    print(f"peak memory ingesting {largest.name}: {peak_memory_mb(largest):.0f} MiB")
    print(f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
