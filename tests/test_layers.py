"""The folders are layers: readers, normalisers and models never import the stages,
persistence, flows, the review app or the CLI, so each can be used and tested on its
own; persistence imports none of the stages but the validation it re-runs after a
reviewer's correction."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOWER = ("extractors", "normalizers", "models")
UPPER = ("pipeline", "store", "flows", "review")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", LOWER)
def test_a_lower_layer_imports_no_upper_one(layer):
    offending = {f"{path.relative_to(ROOT)}: {name}"
                 for path in (ROOT / layer).rglob("*.py")
                 for name in _imports(path) if name.split(".")[0] in UPPER}
    assert offending == set()


def test_persistence_imports_no_stage_but_validation_and_no_flow_or_app():
    def upper(name: str) -> bool:
        return name.split(".")[0] in ("flows", "review") or (name.startswith("pipeline") and name != "pipeline.validate")

    offending = {f"{path.relative_to(ROOT)}: {name}"
                 for path in (ROOT / "store").rglob("*.py") for name in _imports(path) if upper(name)}
    assert offending == set()
