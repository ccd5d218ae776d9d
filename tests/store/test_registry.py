"""One registry of organisations across documents: the same body is one row with its
aliases accumulated, whatever the order documents arrive in and however often."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from models import db
from store.registry import registered, registry_key
from pipeline.stages import PIPELINE_VERSION, extract, fingerprint
from store.database import open_database
from store.save import save_document

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "data" / "raw" / "text").glob("*.txt")) + sorted((ROOT / "data" / "raw" / "docx").glob("*.docx"))


@pytest.fixture(scope="module")
def extracted():
    return [(path, extract(path), fingerprint(path)) for path in SAMPLES]


def ingest(url: str, documents) -> dict[tuple[str, str | None], set[str]]:
    sessions = open_database(url)
    for path, doc, digest in documents:
        save_document(sessions, doc, fingerprint=digest, source_path=str(path), pipeline_version=PIPELINE_VERSION)
    with sessions() as session:
        registry = {}
        for org in session.scalars(select(db.Organization)):
            registry[(org.name, org.region_code)] = {a.alias for a in org.aliases}
        return registry


def test_registry_is_the_same_in_any_order_and_after_a_second_ingest(extracted, tmp_path):
    forward = ingest(f"sqlite:///{tmp_path / 'forward.db'}", extracted + extracted)
    backward = ingest(f"sqlite:///{tmp_path / 'backward.db'}", list(reversed(extracted)))
    assert forward == backward
    # every body once: no two rows differ only in case, quotes, spacing or abbreviations
    keys = [registry_key(name, region) for name, region in forward]
    assert len(keys) == len(set(keys))
    # a body named in several documents is one row carrying the aliases of all of them
    ministry = ("Министерство труда и социальной защиты Калужской области", "RU-KLU")
    assert ministry in forward
    assert {"министерством труда и социальной защиты Калужской области",
            "Министерство труда и социальной защиты Калужской области"} <= forward[ministry]


def _regions(session, *codes: str) -> None:
    session.add_all(db.Region(code=code) for code in codes)
    session.flush()


def test_a_federal_branch_printed_three_ways_is_one_row_under_its_federal_body(sessions):
    with sessions.begin() as session:
        _regions(session, "RU-ALT", "RU-OMS")
        altai = {registered(session, name, "RU-ALT").id for name in (
            "Отделение Фонда пенсионного и социального страхования Российской Федерации по Алтайскому краю",
            "Отделение СФР по Алтайскому краю", "ОСФР по Алтайскому краю")}
        omsk = registered(session, "Отделение Социального фонда России по Омской области", "RU-OMS")
        federal = [registered(session, "Социальный фонд России", region) for region in ("RU-ALT", "RU-OMS", None)]
    with sessions() as session:
        (branch_id,) = altai
        branch = session.get(db.Organization, branch_id)
        omsk = session.get(db.Organization, omsk.id)
        assert branch.id != omsk.id and branch.region_code == "RU-ALT" and omsk.region_code == "RU-OMS"
        assert {o.id for o in federal} == {branch.parent_id} == {omsk.parent_id}
        parent = session.get(db.Organization, branch.parent_id)
        assert (parent.name, parent.kind, parent.region_code) == (
            "Фонд пенсионного и социального страхования Российской Федерации", "federal_body", None)
        assert branch.kind == omsk.kind == "federal_body"


def test_bodies_named_alike_in_two_regions_are_two_rows_with_one_common_name(sessions):
    with sessions.begin() as session:
        _regions(session, "RU-ALT", "RU-OMS")
        rows = [registered(session, name, region) for name, region in (
            ("Министерство образования Алтайского края", "RU-ALT"),
            ("Министерство образования Омской области", "RU-OMS"))]
        assert len({r.id for r in rows}) == 2
        assert {r.common_name for r in rows} == {"министерство образования"}
        assert {r.parent_id for r in rows} == {None}


def test_a_body_that_says_its_region_as_kraya_is_the_body_that_names_it(sessions):
    """«министерство социальной защиты населения края» in an order of Altai was registered
    apart from «Министерство социальной защиты населения Алтайского края»."""
    with sessions.begin() as session:
        _regions(session, "RU-ALT", "RU-NVS")
        altai = {registered(session, name, "RU-ALT").id for name in (
            "министерство социальной защиты населения края", "Министерство социальной защиты населения Алтайского края")}
        novosibirsk = registered(session, "министерство социальной защиты населения области", "RU-NVS")
    assert len(altai) == 1 and novosibirsk.id not in altai
