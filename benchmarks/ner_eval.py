"""Quality of recognising and normalising named entities, per entity type, on the corpus.

    .venv/bin/python benchmarks/ner_eval.py [--inputs seeds|docx|pdf] [CORPUS_DIR]

Extracts every input of the chosen kind (no database), compares with the gold
exports and prints, per entity type:
- organisations: gold aliases that resolve to the right canonical name (as the
  shared scorer counts them), canonical names found, kinds right for those found;
- executors: names per measure (precision, recall, F1);
- issuers, regions, money (funding facts), periods (indicator values) and dates
  (document dates, deadlines as printed).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.parse import document as parse_module  # noqa: E402
from pipeline.stages import extract  # noqa: E402

INPUTS = {"seeds": ("seeds", "*.txt"), "docx": ("rendered", "*.docx"), "pdf": ("rendered", "*[0-9a-f].pdf")}


def load_scorer(shared: Path):
    spec = importlib.util.spec_from_file_location("shared_score", shared / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def organisation_kinds(score, gold: dict, pred: dict) -> tuple[int, int, int]:
    """(canonical names found, of which kind right, gold organisations)."""
    found = right = 0
    for g in gold.get("organizations", []):
        match = max(pred.get("organizations", []), key=lambda p: score.name_sim(p["name"], g["name"]), default=None)
        if match and score.name_sim(match["name"], g["name"]) >= score.NAME_OK:
            found += 1
            right += match["kind"] == g["kind"]
    return found, right, len(gold.get("organizations", []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", choices=sorted(INPUTS), default="seeds")
    parser.add_argument("corpus", nargs="?", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    score = load_scorer(args.corpus.parent)
    folder, pattern = INPUTS[args.inputs]

    totals: dict[str, list[int]] = {}
    found = right = orgs = 0
    seconds = 0.0
    organisation_seconds = time_organisation_step()
    for path in sorted((args.corpus / folder).glob(pattern)):
        gold_path = args.corpus / "gold" / f"{path.name.split('.')[0]}.json"
        if not gold_path.exists():
            continue
        start = time.perf_counter()
        pred = extract(path).to_export()
        seconds += time.perf_counter() - start
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        result = score.score_document(gold, pred)
        for category in ("organizations", "executors", "funding", "indicator_values", "document"):
            t = totals.setdefault(category, [0, 0, 0])
            t[0] += result[category]["tp"]
            t[1] += result[category]["fp"]
            t[2] += result[category]["fn"]
        f, r, n = organisation_kinds(score, gold, pred)
        found, right, orgs = found + f, right + r, orgs + n

    names = {"organizations": "organisation aliases", "executors": "executors", "funding": "money (funding facts)",
             "indicator_values": "periods and values", "document": "issuers, region, dates, period"}
    print(f"{args.inputs}: {seconds:.1f} s to extract; organisation normalisation per document: "
          f"max {max(organisation_seconds):.2f} s, mean {sum(organisation_seconds) / len(organisation_seconds):.2f} s")
    for category, (tp, fp, fn) in totals.items():
        p, r, f = f1(tp, fp, fn)
        print(f"  {names[category]:30s} P={p:.3f} R={r:.3f} F1={f:.3f}  (tp={tp} fp={fp} fn={fn})")
    print(f"  {'canonical organisations found':30s} {found}/{orgs} = {found / max(1, orgs):.3f}")
    print(f"  {'organisation kinds right':30s} {right}/{found} = {right / max(1, found):.3f}")


def time_organisation_step() -> list[float]:
    """Seconds of each document's organisation normalisation (split, resolve, inflect,
    classify, aliases), collected as documents are extracted."""
    step = parse_module._normalise_organizations
    seconds: list[float] = []

    def timed(*args):
        start = time.perf_counter()
        step(*args)
        seconds.append(time.perf_counter() - start)

    parse_module._normalise_organizations = timed
    return seconds


if __name__ == "__main__":
    main()
