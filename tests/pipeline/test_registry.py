"""One registry of organisations across documents: the same body is one row with its
aliases accumulated, whatever the order documents arrive in and however often."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from models import db
from pipeline.registry import registry_key
from pipeline.stages import PIPELINE_VERSION, extract, fingerprint
from pipeline.store import open_database, save_document

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
