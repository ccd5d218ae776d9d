"""Speed and memory of the PDF and scan readers, as ratios measured in one run.

    .venv/bin/python benchmarks/ocr_speed.py [CORPUS_DIR]     (default ../shared/corpus/rendered)

Prints: pages per second for digital PDFs and for scans; seconds per stage of the
scan reader; the scan reader's time over plain `tesseract` on the same page images
(one process each, same run); the speed-up of 2 OCR workers over 1 on all scans;
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
from extractors.ocr import tesseract  # noqa: E402
from extractors.ocr.scan import ocr_pdf_pages, render_pdf_page  # noqa: E402
from extractors.pdf_reader import read_pdf  # noqa: E402
from PIL import Image as _Image  # noqa: E402


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
    """Seconds per stage over every scanned page, one process."""
    stages = dict.fromkeys(["render", "deskew", "grid", "ocr prose", "ocr cells"], 0.0)
    for scan in scans:
        for number in range(1, page_count(scan) + 1):
            image, s = timed(render_pdf_page, scan, number)
            stages["render"] += s
            gray, s = timed(ocr_page.deskew, np.array(image.convert("L")))
            stages["deskew"] += s
            grids, s = timed(ocr_page.find_grids, gray)
            stages["grid"] += s
            _, s = timed(tesseract.read_words, _Image.fromarray(ocr_page.blank_tables(gray, grids)))
            stages["ocr prose"] += s
            tables = [ocr_page.grid_to_table(g, number) for g in grids]
            _, s = timed(ocr_page.read_cells, gray, tables)
            stages["ocr cells"] += s
    return stages


def pipeline_vs_tesseract(scans: list[Path]) -> tuple[float, float, int]:
    """The scan reader and plain `tesseract` CLI on the same rendered pages, one process each."""
    with tempfile.TemporaryDirectory() as folder:
        images = []
        for scan in scans:
            for number in range(1, page_count(scan) + 1):
                path = Path(folder) / f"{scan.stem}-{number}.png"
                render_pdf_page(scan, number).save(path)
                images.append(path)
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        start = time.perf_counter()
        for path in images:
            subprocess.run(["tesseract", str(path), str(path.with_suffix("")), "-l", "rus"],
                           check=True, capture_output=True, env=env)
        cli = time.perf_counter() - start
        start = time.perf_counter()
        for number, path in enumerate(images, start=1):
            with Image.open(path) as image:
                ocr_page.read_page_image(image, number)
        ours = time.perf_counter() - start
    return ours, cli, len(images)


def workers_speedup(scans: list[Path]) -> tuple[float, float, int]:
    times = {}
    pages = sum(page_count(s) for s in scans)
    for workers in (1, 2):
        os.environ["ORDERS_OCR_WORKERS"] = str(workers)
        start = time.perf_counter()
        for scan in scans:
            ocr_pdf_pages(scan, list(range(1, page_count(scan) + 1)))
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
    scans = sorted(corpus.glob("*.scan.pdf"))
    pdfs = sorted(p for p in corpus.glob("*.pdf") if not p.name.endswith(".scan.pdf"))
    if not scans or not pdfs:
        sys.exit(f"{corpus}: no *.pdf and *.scan.pdf files to measure")

    print(f"digital PDFs: {digital_pages_per_second(pdfs):.1f} pages/s")
    stages = scan_stage_times(scans)
    pages = sum(page_count(s) for s in scans)
    print(f"scans, one process: {pages / sum(stages.values()):.2f} pages/s")
    for stage, seconds in stages.items():
        print(f"  {stage:14s} {seconds / pages:6.3f} s/page")
    ours, cli, n = pipeline_vs_tesseract(scans)
    print(f"scan reader vs plain tesseract on the same {n} page images: {ours:.1f} s / {cli:.1f} s = {ours / cli:.2f}x")
    one, two, n = workers_speedup(scans)
    print(f"OCR of {n} scanned pages: 1 worker {one:.1f} s, 2 workers {two:.1f} s, speed-up {one / two:.2f}x")
    largest = max(scans, key=lambda s: s.stat().st_size)
    print(f"peak memory ingesting {largest.name}: {peak_memory_mb(largest):.0f} MiB")
    print(f"this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
