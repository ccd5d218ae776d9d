"""Accuracy ratchet: ingest the shared corpus through the real CLI, export, score
against the hand-checked gold, and fail when any F1 drops below its recorded floor."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import module_from

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FLOORS = json.loads((ROOT / "tests" / "accuracy_floor.json").read_text(encoding="utf-8"))
INPUTS = {"text": ("seeds", "*.txt"), "docx": ("rendered", "*.docx"), "pdf": ("rendered", "*[0-9a-f].pdf"),
          "scan": ("rendered", "*.scan.pdf"), "scan-hard": ("rendered-hard", "*.scan.pdf")}

pytestmark = [pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared is not present"),
              pytest.mark.usefixtures("prefect_api"),  # runs report to the session's Prefect server
              pytest.mark.slow]


def _orders(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pipeline", *args], check=True, cwd=ROOT, capture_output=True)


def _micro(results: dict, category: str) -> float:
    tp = sum(r[category]["tp"] for r in results.values())
    fp = sum(r[category]["fp"] for r in results.values())
    fn = sum(r[category]["fn"] for r in results.values())
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


@pytest.mark.parametrize("fmt", sorted(INPUTS))
def test_accuracy_does_not_drop_below_floor(fmt, tmp_path):
    folder, pattern = INPUTS[fmt]
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in sorted((SHARED / "corpus" / folder).glob(pattern)):
        shutil.copy(path, inputs / path.name)
    db = f"sqlite:///{tmp_path / 'orders.db'}"
    _orders("ingest", str(inputs), "--db", db)
    _orders("export", "--format", "json", "--out", str(tmp_path / "out"), "--db", db)

    score = module_from(SHARED / "eval" / "score.py", "shared_score")
    results = {}
    for gold in sorted((SHARED / "corpus" / "gold").glob("*.json")):
        # as the shared scorer pairs them: by the part of the name before the first dot
        pred = next((p for p in (tmp_path / "out").glob("*.json") if p.name.split(".")[0] == gold.stem), None)
        results[gold.stem] = score.score_document(score.load(gold), score.load(pred) if pred else None)
    measured = {category: round(_micro(results, category), 4) for category in FLOORS[fmt]}
    print(f"{fmt}: {measured}")
    below = {c: (measured[c], floor) for c, floor in FLOORS[fmt].items() if measured[c] < floor}
    assert not below, f"{fmt}: F1 below the floor (measured, floor): {below}"
