"""Golden files: the whole export of every sample order, compared with the reviewed
expected output in tests/golden. A change shows as a unified diff of the JSON.

After a deliberate change, regenerate with `pytest tests/pipeline/test_golden.py
--update-golden` and review the diff in git before committing.
"""
from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from pipeline.stages import extract

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "data" / "raw").rglob("*.txt")) + sorted((ROOT / "data" / "raw").rglob("*.docx"))
GOLDEN = ROOT / "tests" / "golden"


def _golden_path(sample: Path) -> Path:
    return GOLDEN / f"{sample.name}.json"


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_export_matches_golden_file(sample, request):
    actual = json.dumps(extract(sample).to_export(), ensure_ascii=False, indent=1) + "\n"
    golden = _golden_path(sample)
    if request.config.getoption("--update-golden"):
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"golden/{golden.name}", "extracted", n=2))
        pytest.fail(f"export of {sample.name} differs from its golden file:\n{diff[:6000]}")
