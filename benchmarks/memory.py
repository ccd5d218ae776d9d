"""Peak memory against pages: every input within the limits must stay under 1 GiB.

    .venv/bin/python benchmarks/memory.py

Builds digital PDFs of 50, 200 and 600 pages (the sample order's pages repeated)
and a 40-page scan (the sample scan's page repeated), extracts each end to end in a
fresh process, and prints pages, seconds, peak resident memory and its share of the
1 GiB limit. Memory that stays flat as pages grow is what it checks: pages are
released as soon as they are read.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from ocr_speed import peak_memory_mb  # noqa: E402

DIGITAL = ROOT / "data" / "raw" / "pdf" / "001_4e0a142146799e3e.pdf"
SCAN = ROOT / "data" / "raw" / "pdf" / "002_7c4a6195f44ee496.scan.pdf"
LIMIT_MB = 1024


def repeated(source: Path, pages: int, out: Path) -> Path:
    """A PDF of `pages` pages: the source's pages over and over."""
    reader, writer = PdfReader(source), PdfWriter()
    while len(writer.pages) < pages:
        writer.add_page(reader.pages[len(writer.pages) % len(reader.pages)])
    writer.write(out)
    return out


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="orders-memory-"))
    inputs = [(f"digital PDF, {n} pages", repeated(DIGITAL, n, folder / f"digital{n}.pdf"), n) for n in (50, 200, 600)]
    inputs.append(("scan, 40 pages", repeated(SCAN, 40, folder / "scan40.pdf"), 40))
    for label, path, pages in inputs:
        start = time.perf_counter()
        peak = peak_memory_mb(path)
        seconds = time.perf_counter() - start
        verdict = "ok" if peak <= LIMIT_MB else "OVER"
        print(f"{label:24} {seconds:7.1f} s  peak {peak:6.0f} MiB = {peak / LIMIT_MB:5.1%} of 1 GiB  {verdict}")


if __name__ == "__main__":
    main()
