"""Accuracy on generated orders: invented orders (tests/generated/) written as text, Word and
digital PDF, extracted in-process by the real pipeline and scored against their expected export
with the shared scorer, overall and broken down by the layout kinds each order combines.

Run with `-s` to see the scores. The floors are under «generated» in tests/accuracy_floor.json.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest

from models.errors import InputError
from pipeline.stages import extract
from tests.conftest import module_from
from tests.generated.build import build_corpus, soffice
from tests.generated.orders import LAYOUTS

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
FLOORS = json.loads((ROOT / "tests" / "accuracy_floor.json").read_text(encoding="utf-8"))["generated"]
FORMATS = {"text": ".txt", "docx": ".docx", "pdf": ".pdf"}
ORDERS, SEED = 40, 12
# Kinds every corpus of 40 orders must show at least once, besides each money layout.
REQUIRED_KINDS = [
    "total_col:first", "total_col:last", "total_col:none", "quarters", "planfact", "split:label_first",
    "split:amount_first", "split:stacked", "split:no_total", "split:single_source", "scale:rub", "scale:thousand",
    "scale:million", "decimals:0", "decimals:3", "scale_at:caption", "scale_at:first", "scale_at:line",
    "subtotals:task", "subtotals:section", "subtotals:subprogram", "grand_total", "headings:task_merged",
    "headings:task_code_col", "headings:roman_merged", "headings:roman_code_col", "headings:subprogram",
    "headings:none", "codes:number_col", "codes:in_title", "codes:local", "deadline:split", "deadline:single",
    "empty:en_dash", "empty:hyphen", "empty:x", "numbering:none", "numbering:full", "numbering:gaps",
    "columns:shuffled", "indicators", "indicators:code_unlabeled", "indicators:code_none", "indicators:base",
    "tables:several", "funding_table:separate", "docx:vmerge_body", "headings:task_amounts", "layout:year_column",
    "layout:sources_table", "cell_units", "header:year_range", "split:year_labels", "indicators:two_codes",
]

pytestmark = [pytest.mark.skipif(not SCORER.exists(), reason="the shared scorer (../shared/eval/score.py) is not present"),
              pytest.mark.xdist_group("generated-corpus")]  # one test process builds the corpus once


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> tuple[Path, dict[str, dict]]:
    """The corpus, built once: its folder and the expected export of each order by stem."""
    folder = tmp_path_factory.mktemp("generated-orders")
    started = time.perf_counter()
    truths = build_corpus(folder, ORDERS, SEED)
    pdf = "with PDFs" if soffice() else "without PDFs"
    print(f"\ngenerated {len(truths)} orders {pdf} in {time.perf_counter() - started:.1f} s")
    return folder, {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in truths}


@pytest.fixture(scope="session")
def extracted(generated, tmp_path_factory):
    """fmt → (exports by stem, None where the file was refused or failed; failures by stem; seconds).
    Each format is extracted once, when a test first asks for it."""
    folder, truths = generated
    done: dict[str, tuple[dict, dict, float]] = {}

    def run(fmt: str):
        if fmt not in done:
            if fmt == "pdf" and soffice() is None:
                pytest.skip("LibreOffice (soffice) is not installed, so the generated orders have no PDF form")
            predictions, failures = {}, {}
            started = time.perf_counter()
            with pytest.MonkeyPatch.context() as patch:  # page previews go to a temporary folder
                patch.setenv("ORDERS_PROCESSED_DIR", str(tmp_path_factory.mktemp(f"processed-{fmt}")))
                for stem in sorted(truths):
                    path = folder / f"{stem}{FORMATS[fmt]}"
                    try:
                        predictions[stem] = extract(path).to_export()
                    except InputError as exc:
                        predictions[stem], failures[stem] = None, f"refused: {exc}"
                    except Exception as exc:  # noqa: BLE001 - a parser failure scores as a missing prediction
                        predictions[stem], failures[stem] = None, f"failed: {type(exc).__name__}: {exc}"
            done[fmt] = (predictions, failures, time.perf_counter() - started)
        return done[fmt]

    return run


def _micro(results: list[dict], category: str) -> float:
    tp = sum(r[category]["tp"] for r in results)
    fp = sum(r[category]["fp"] for r in results)
    fn = sum(r[category]["fn"] for r in results)
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def test_generated_orders_combine_distinct_kinds(generated):
    _, truths = generated
    combinations = {tuple(t["kinds"]) for t in truths.values()}
    seen = Counter(kind for t in truths.values() for kind in t["kinds"])

    assert len(combinations) == len(truths) >= 40
    missing = [k for k in REQUIRED_KINDS + [f"layout:{layout}" for layout in LAYOUTS] if not seen[k]]
    assert not missing, f"kinds no generated order shows: {missing}"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_generated_accuracy_does_not_drop_below_floor(fmt, generated, extracted):
    _, truths = generated
    predictions, failures, seconds = extracted(fmt)
    score = module_from(SCORER, "shared_score")
    results = {stem: score.score_document(truth, predictions[stem]) for stem, truth in truths.items()}

    categories = [c for c in next(iter(results.values())) if c != "overall"] + ["overall"]
    measured = {c: round(_micro(list(results.values()), c), 4) for c in categories}
    print(f"\n{fmt}: {len(truths)} orders extracted in {seconds:.1f} s ({seconds / len(truths):.2f} s an order); "
          f"{len(failures)} without a prediction")
    for stem, reason in sorted(failures.items()):
        print(f"  {stem}: {reason[:200]}")
    print(f"{fmt}: " + ", ".join(f"{c} {v:.3f}" for c, v in measured.items()))
    kinds = sorted({k for t in truths.values() for k in t["kinds"]})
    print(f"{fmt} by kind: {'kind':34s} {'orders':>6s} {'overall':>8s} {'funding':>8s}")
    for kind in kinds:
        having = [results[s] for s, t in truths.items() if kind in t["kinds"]]
        print(f"{fmt} by kind: {kind:34s} {len(having):6d} {_micro(having, 'overall'):8.3f} "
              f"{_micro(having, 'funding'):8.3f}")
    below = {c: (measured[c], floor) for c, floor in FLOORS[fmt].items() if measured[c] < floor}
    assert not below, f"{fmt}: F1 below the floor (measured, floor): {below}"


def _places(row: dict) -> set[str]:
    """Where a review issue about this funding row would point."""
    if row.get("measure_code"):
        return {f"funding {row['measure_code']}"}
    if row.get("task_code"):
        return {"funding total", f"funding task {row['task_code']}"}
    return {"funding total"}


def _key(row: dict) -> tuple:
    code = lambda v: "".join(str(v).split()).strip(".") if v is not None else ""  # noqa: E731 - as the scorer reads codes
    return (code(row.get("measure_code")), code(row.get("task_code")), row.get("year"), row.get("period") or None,
            row.get("basis") or "plan", row.get("source"))


def silently_wrong_amounts(truth: dict, prediction: dict | None) -> list[dict]:
    """Predicted funding rows that are not in the truth — a wrong amount at a true key
    (measure, task, year, period, basis, source), or an amount at a key the order does not
    print — with no review issue naming their place."""
    if not prediction:
        return []
    expected: dict[tuple, list[float]] = {}
    for row in truth.get("funding") or []:
        expected.setdefault(_key(row), []).append(round(float(row["amount_rub"]), 2))
    flagged = {" ".join(str(i.get("where") or "").lower().split()) for i in prediction.get("issues") or []}
    wrong = []
    for row in prediction.get("funding") or []:
        amounts = expected.get(_key(row), [])
        try:
            amount = round(float(row.get("amount_rub")), 2)
        except (TypeError, ValueError):
            amount = None
        if amount in amounts:
            amounts.remove(amount)
        elif not _places(row) & flagged:
            wrong.append(row)
    return wrong


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_amount_is_stored_wrong_without_an_issue(fmt, generated, extracted):
    _, truths = generated
    predictions, _, _ = extracted(fmt)

    wrong = {stem: silently_wrong_amounts(truth, predictions[stem]) for stem, truth in truths.items()}

    total = sum(len(rows) for rows in wrong.values())
    print(f"\n{fmt}: {total} silently wrong amounts in {sum(1 for rows in wrong.values() if rows)} orders")
    for stem, rows in sorted(wrong.items()):
        for row in rows[:3]:
            print(f"  {stem}: {row}")
    assert total == 0, f"{fmt}: {total} amounts stored wrong with no issue at their place"
