"""Accuracy of the scan reader on a rendered corpus: F1 against the gold, and the
share of table cells recovered against each document's truth.

    .venv/bin/python benchmarks/scan_accuracy.py [CORPUS_DIR] [--only STEM...]
        (default ../shared/corpus/rendered-hard)

Cells: every non-empty cell of the truth's tables (whitespace collapsed, hyphenation
undone) is looked for among the cells of the logical tables the product read; a cell
counts as recovered when the same text is found. Numeric cells (amounts, values) are
counted apart: those are the ones a wrong reading stores as a wrong number.
The column-number row («1 2 3 … 9» under the header) is left out of the truth: a logical
table drops it by design, on every input format, so no reading can recover it.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ORDERS_PROCESSED_DIR", tempfile.mkdtemp(prefix="orders-bench-"))

from models.layout import LogicalTable  # noqa: E402
from normalizers.text import clean  # noqa: E402
from pipeline.parse.document import parse_document  # noqa: E402
from pipeline.stages import read_layout, validate_document  # noqa: E402
from pipeline.tables import layout_to_logical  # noqa: E402

NUMERIC = re.compile(r"^[\d\s.,–-]+$")


def truth_cells(truth: dict) -> Counter:
    """The text of every non-empty cell of the truth's tables but their column-number rows."""
    return Counter(clean(c) for t in truth["tables"] for r, row in enumerate(t["rows"]) if r != t.get("number_row")
                   for c in row if c.strip())


def read_cells(tables: list[LogicalTable]) -> Counter:
    seen = Counter()
    for table in tables:
        for row in table.header + table.body:
            for cell in {id(c): c for c in row}.values():  # a spanning cell counts once
                if cell.text.strip():
                    seen[clean(cell.text)] += 1
    return seen


def _scorer():
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def micro(results: list[dict], category: str) -> float:
    tp, fp, fn = (sum(r[category][k] for r in results) for k in ("tp", "fp", "fn"))
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", type=Path, default=SHARED / "corpus" / "rendered-hard")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--out", type=Path, help="also write each document's export here")
    args = parser.parse_args()
    score = _scorer()
    results, cells = [], Counter()
    for truth_path in sorted(args.corpus.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if args.only and truth["stem"] not in args.only:
            continue
        scan = args.corpus / truth["files"]["scan_pdf"]
        start = time.perf_counter()
        logical = layout_to_logical(read_layout(scan))
        seconds = time.perf_counter() - start
        doc = validate_document(parse_document(logical))
        gold = SHARED / "corpus" / "gold" / f"{truth['stem']}.json"
        export = doc.to_export()
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"{truth['stem']}.json").write_text(json.dumps(export, ensure_ascii=False, indent=1))
        result = score.score_document(score.load(gold), export)
        results.append(result)
        expected = truth_cells(truth)
        found = read_cells([b for b in logical.blocks if isinstance(b, LogicalTable)])
        numeric = Counter({k: v for k, v in expected.items() if NUMERIC.match(k)})
        counts = (sum((found & expected).values()), sum(expected.values()),
                  sum((found & numeric).values()), sum(numeric.values()))
        cells.update(dict(zip(("exact", "cells", "numeric_exact", "numeric"), counts)))
        print(f"{truth['stem']}: {seconds:5.1f} s  overall {micro([result], 'overall'):.3f}"
              f"  funding {micro([result], 'funding'):.3f}  indicator_values {micro([result], 'indicator_values'):.3f}"
              f"  cells {counts[0] / max(1, counts[1]):.3f}  numeric {counts[2] / max(1, counts[3]):.3f}"
              f"  issues {len(doc.issues)}", flush=True)
    print("all: " + "  ".join(f"{c} {micro(results, c):.3f}" for c in results[0]))
    print(f"all: cells exact {cells['exact'] / max(1, cells['cells']):.3f}"
          f"  numeric {cells['numeric_exact'] / max(1, cells['numeric']):.3f}")


if __name__ == "__main__":
    main()
