"""The language layer on invented orders (tests/generated/narrative.py): the act, its issuer,
title, region and municipality, each measure's executors, the organisations named anywhere,
the target groups stated in prose and the signatories (never a certification mark). The orders are written as text and Word, extracted in-process
by the real pipeline and compared with their truth field by field.

Run with `-s` to see the scores. The floors are under «narrative» in tests/accuracy_floor.json.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.stages import extract
from tests.generated import vocabulary as V
from tests.generated.narrative import HEADERS, make_narrative_orders
from tests.generated.writers import write_docx, write_txt

ROOT = Path(__file__).resolve().parents[1]
FLOORS = json.loads((ROOT / "tests" / "accuracy_floor.json").read_text(encoding="utf-8"))["narrative"]
FORMATS = {"text": (".txt", write_txt), "docx": (".docx", write_docx)}
ORDERS, SEED = 60, 7
# Kinds the corpus must show besides each header variant and each short form's case.
REQUIRED_KINDS = ["municipal", "regional", "title:capitals", "title:lines", "certification:top",
                  "certification:signature", "executor:group", "executor:hyphenated", "quote:unclosed",
                  "target_groups:part"]


@pytest.fixture(scope="session")
def narrative_orders():
    return make_narrative_orders(ORDERS, SEED)


@pytest.fixture(scope="session")
def narrative_exports(narrative_orders, tmp_path_factory):
    """fmt → the export of each order by name, each format extracted once when first asked for."""
    done: dict[str, dict[str, dict]] = {}

    def run(fmt: str) -> dict[str, dict]:
        if fmt not in done:
            folder = tmp_path_factory.mktemp(f"narrative-{fmt}")
            suffix, write = FORMATS[fmt]
            done[fmt] = {o.name: extract(write(o, folder / f"{o.name}{suffix}")).to_export() for o in narrative_orders}
        return done[fmt]

    return run


def test_corpus_holds_what_the_language_layer_must_read(narrative_orders):
    kinds = Counter(k for order in narrative_orders for k in order.truth["kinds"])
    missing = [k for k in REQUIRED_KINDS + [f"header:{h}" for h in HEADERS] if not kinds[k]]
    assert not missing, f"the corpus shows no order of these kinds: {missing}"
    cases_by_field = {field: {k.rsplit(":case", 1)[1] for k in kinds if k.startswith(f"short_form:{field}:case")}
                      for field in V.MINISTRY_SHORT_FORMS}
    assert sum(len(cases) == 6 for cases in cases_by_field.values()) >= 10, cases_by_field
    cities = {(o.truth["document"]["municipality"], o.truth["document"]["region_code"]) for o in narrative_orders
              if o.truth["document"]["municipality"]}
    assert len(cities) >= 30 and len({code for _, code in cities}) >= 25, sorted(cities)


def _scores(orders, exports) -> tuple[dict[str, float], list[str]]:
    """Share of right values per field, and a line for each miss."""
    hits, misses = Counter(), []
    totals = Counter()

    def count(field: str, ok: bool, where: str, want, got) -> None:
        totals[field] += 1
        hits[field] += ok
        if not ok:
            misses.append(f"{where} {field}: want {want!r}, got {got!r}")

    for order in orders:
        export, truth = exports[order.name], order.truth
        for key, want in truth["document"].items():
            count("document", export["document"].get(key) == want, order.name, want, export["document"].get(key))
        read = {m["code"]: m["executors"] for m in export["measures"]}
        for measure in truth["measures"]:
            got = read.get(measure["code"])
            count("executors", got == measure["executors"], f"{order.name} {measure['code']}", measure["executors"], got)
        names = {o["name"] for o in export["organizations"]}
        for name in truth["organizations"]:
            count("organizations", name in names, order.name, name, None)
        for name in sorted(names - set(truth["organizations"])):
            count("organizations", False, order.name, None, name)
        groups = [{"title": g["title"], "count": g["count"]} for g in export["target_groups"]]
        count("target_groups", groups == truth["target_groups"], order.name, truth["target_groups"], groups)
        signatories = [{k: s[k] for k in ("name", "position", "organization")} for s in export["signatories"]]
        count("signatories", signatories == truth["signatories"], order.name, truth["signatories"], signatories)
    return {field: hits[field] / totals[field] for field in totals}, misses


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_narrative_fields_do_not_drop_below_floor(fmt, narrative_orders, narrative_exports):
    scores, misses = _scores(narrative_orders, narrative_exports(fmt))
    print(f"\nnarrative {fmt}: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))
    low = {k: (round(v, 3), FLOORS[k]) for k, v in scores.items() if v < FLOORS[k]}
    assert not low, f"below floor (score, floor): {low}\n" + "\n".join(misses[:30])
