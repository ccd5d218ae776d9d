"""Which table finder reads the digital PDFs better: pdfplumber (as the PDF reader
uses it) or camelot (lattice), cell by cell against the corpus truth.

    .venv/bin/python benchmarks/table_finders.py [CORPUS_DIR]   (needs `pip install camelot-py`)

For each finder: the share of the truth's non-empty cells whose text (whitespace
collapsed, hyphenation undone) is found among the cells it extracted, and seconds.
"""
from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.pdf_reader import read_pdf  # noqa: E402
from models.layout import Table  # noqa: E402
from normalizers.text import clean  # noqa: E402


def truth_cells(truth: dict) -> Counter:
    return Counter(clean(c) for t in truth["tables"] for row in t["rows"] for c in row if c.strip())


def pdfplumber_cells(pdf: Path) -> Counter:
    layout = read_pdf(pdf)
    return Counter(clean(c.text) for b in layout.blocks() if isinstance(b, Table) for c in b.cells if c.text.strip())


def camelot_cells(pdf: Path) -> Counter:
    import camelot

    with pdfplumber.open(pdf) as doc:
        pages = ",".join(str(n) for n in range(1, len(doc.pages) + 1))
    tables = camelot.read_pdf(str(pdf), pages=pages, flavor="lattice")
    return Counter(clean(str(v)) for t in tables for v in t.df.to_numpy().ravel() if str(v).strip())


def recall(found: Counter, truth: Counter) -> float:
    return sum((found & truth).values()) / max(1, sum(truth.values()))


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus" / "rendered"
    finders = {"pdfplumber": pdfplumber_cells, "camelot lattice": camelot_cells}
    totals = {name: [0.0, 0.0, 0.0] for name in finders}  # matched, truth cells, seconds
    for truth_path in sorted(corpus.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        pdf = corpus / truth["files"]["pdf"]
        expected = truth_cells(truth)
        if not expected:
            continue
        for name, finder in finders.items():
            start = time.perf_counter()
            found = finder(pdf)
            seconds = time.perf_counter() - start
            matched = sum((found & expected).values())
            totals[name][0] += matched
            totals[name][1] += sum(expected.values())
            totals[name][2] += seconds
            print(f"{pdf.name:32s} {name:16s} cells found {matched / sum(expected.values()):.3f}  {seconds:5.1f} s")
    for name, (matched, total, seconds) in totals.items():
        print(f"all: {name:16s} cells found {matched / total:.3f}  {seconds:5.1f} s")


if __name__ == "__main__":
    main()
