"""Peak memory against pages: every input within the limits must stay under 1 GiB.

    .venv/bin/python benchmarks/memory.py

Builds digital PDFs of 50, 200 and 600 pages (the sample order's pages repeated),
a 40-page scan (the sample scan's page repeated), and a text and a Word order at the
readers' size limits (10 MB of text, 25 MB of body XML); extracts each end to end in
a fresh process, and prints seconds, peak resident memory and its share of the
1 GiB limit. PDF memory stays flat as pages grow (pages are let go once read); text
and Word files are held whole, hence their limits.
"""
from __future__ import annotations

import copy
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import docx
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(1, str(ROOT))

from extractors.docx_reader import MAX_BODY_XML_MB  # noqa: E402
from extractors.text_reader import MAX_TEXT_MB  # noqa: E402
from ocr_speed import peak_memory_mb  # noqa: E402

DIGITAL = ROOT / "data" / "raw" / "pdf" / "001_4e0a142146799e3e.pdf"
SCAN = ROOT / "data" / "raw" / "pdf" / "002_7c4a6195f44ee496.scan.pdf"
TEXT = ROOT / "data" / "raw" / "text" / "000_de2bdb5f24b93b6d.txt"
WORD = ROOT / "data" / "raw" / "docx" / "000_de2bdb5f24b93b6d.docx"
LIMIT_MB = 1024


def repeated(source: Path, pages: int, out: Path) -> Path:
    """A PDF of `pages` pages: the source's pages over and over."""
    reader, writer = PdfReader(source), PdfWriter()
    while len(writer.pages) < pages:
        writer.add_page(reader.pages[len(writer.pages) % len(reader.pages)])
    writer.write(out)
    return out


def text_at_limit(out: Path) -> Path:
    """The sample text order over and over, just under the text reader's limit."""
    order = TEXT.read_bytes()
    out.write_bytes(order * (MAX_TEXT_MB * 2**20 // len(order)))
    return out


def docx_at_limit(out: Path) -> Path:
    """The sample Word order's body over and over, just under the body limit."""
    document = docx.Document(WORD)
    body = document.element.body
    blocks = [e for e in body if not e.tag.endswith("sectPr")]
    size = zipfile.ZipFile(WORD).getinfo("word/document.xml").file_size
    for _ in range(MAX_BODY_XML_MB * 2**20 // size - 1):
        for block in blocks:
            body.insert(len(body) - 1, copy.deepcopy(block))
    document.save(out)
    return out


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="orders-memory-"))
    inputs = [(f"digital PDF, {n} pages", repeated(DIGITAL, n, folder / f"digital{n}.pdf")) for n in (50, 200, 600)]
    inputs += [("scan, 40 pages", repeated(SCAN, 40, folder / "scan40.pdf")),
               ("text at its 10 MB limit", text_at_limit(folder / "large.txt")),
               ("DOCX, body at its 25 MB limit", docx_at_limit(folder / "large.docx"))]
    for label, path in inputs:
        start = time.perf_counter()
        peak = peak_memory_mb(path)
        seconds = time.perf_counter() - start
        verdict = "ok" if peak <= LIMIT_MB else "OVER"
        print(f"{label:30} {seconds:7.1f} s  peak {peak:6.0f} MiB = {peak / LIMIT_MB:5.1%} of 1 GiB  {verdict}")


if __name__ == "__main__":
    main()
