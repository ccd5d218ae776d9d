"""Tables ruled across only, or without their outer frame: which reader rebuilds their cells
best, the product's (pdfplumber with the rulings implied by how the text lines up,
`extractors/alignment.py`) or camelot's parsers for such tables (stream, network, hybrid).

    .venv/bin/python benchmarks/partial_rulings.py [N_ORDERS] [SEED]   (needs LibreOffice and camelot-py)

Invented orders (tests/generated) are written as Word files, their tables ruled as
`orders.BORDERS` says, and converted to PDF by LibreOffice. The cells of each Word file are
the truth: for every reader, the share of the truth's non-empty cells whose text (whitespace
collapsed, hyphenation undone) it extracts as one cell, and its seconds, by kind of rulings.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.table_finders import recall  # noqa: E402
from extractors.docx_reader import read_docx  # noqa: E402
from extractors.pdf_reader import read_pdf  # noqa: E402
from models.layout import Layout, Table  # noqa: E402
from normalizers.text import clean  # noqa: E402
from tests.generated.build import build_corpus  # noqa: E402


def layout_cells(layout: Layout) -> Counter:
    return Counter(clean(c.text) for b in layout.blocks() if isinstance(b, Table) for c in b.cells if c.text.strip())


def product_cells(pdf: Path) -> Counter:
    return layout_cells(read_pdf(pdf))


def camelot_reader(flavor: str):
    def cells(pdf: Path) -> Counter:
        import camelot

        tables = camelot.read_pdf(str(pdf), pages="all", flavor=flavor, suppress_stdout=True)
        return Counter(clean(str(v)) for t in tables for v in t.df.to_numpy().ravel() if str(v).strip())
    return cells


READERS = {"product": product_cells, **{f"camelot {f}": camelot_reader(f) for f in ("stream", "network", "hybrid")}}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    with tempfile.TemporaryDirectory(prefix="partial-rulings-") as folder:
        truths = build_corpus(Path(folder), n, seed)
        totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        for truth_path in truths:
            borders = next(k for k in json.loads(truth_path.read_text(encoding="utf-8"))["kinds"]
                           if k.startswith("borders:"))
            expected = layout_cells(read_docx(truth_path.with_suffix(".docx")))
            for name, reader in READERS.items():
                started = time.perf_counter()
                found = reader(truth_path.with_suffix(".pdf"))
                tally = totals[(borders, name)]
                tally[0] += recall(found, expected) * sum(expected.values())
                tally[1] += sum(expected.values())
                tally[2] += time.perf_counter() - started
    print(f"{'rulings':16s} {'reader':16s} cells found   seconds")
    for (borders, name), (matched, total, seconds) in sorted(totals.items()):
        print(f"{borders:16s} {name:16s} {matched / total:11.3f} {seconds:9.1f}")


if __name__ == "__main__":
    main()
