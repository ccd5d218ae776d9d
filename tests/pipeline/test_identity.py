"""A document's identity: its file's place, never its bare name; an act's identity
groups its files, and reviewers' corrections follow the act across renames. On
SQLite and PostgreSQL."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import db
from store import corrections
from models.errors import UsageError
from pipeline.ingest import discover, ingest_file
from store.database import write_transaction

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "data" / "raw" / "text" / "000_de2bdb5f24b93b6d.txt"  # prints 1 028 for 1 028 000 in 4.2, 2020
OTHER = ROOT / "data" / "raw" / "text" / "004_eeff3d0ab372c345.txt"
EDITS = [("funding", "4.2 2020 all", "amount", "1028000"), ("measure", "4.2", "deadline", "2022 г."),
         ("indicator", "1", "unit", "семей")]


def ingest_folder(root: Path, database_url: str, force: bool = False) -> dict[str, str]:
    files, failures = discover([root])
    assert failures == []
    return {f.source_key: ingest_file(str(f.path), database_url, force, f.source_key).status for f in files}


def documents(sessions) -> dict[str, int]:
    """Measures stored per source key."""
    with sessions() as session:
        return dict(session.execute(select(db.Document.source_key, func.count(db.Measure.id))
                                    .join(db.Measure, db.Measure.document_id == db.Document.id)
                                    .group_by(db.Document.source_key)).all())


def measures_in(path: Path, sessions, database_url) -> int:
    """How many measures the file alone gives (stored under a key of its own)."""
    ingest_file(str(path), database_url, source_key=f"alone/{path.name}")
    return documents(sessions)[f"alone/{path.name}"]


def test_files_of_the_same_name_in_two_folders_are_two_documents(sessions, database_url, tmp_path):
    for folder, source in (("A", ORDER), ("B", OTHER)):
        (tmp_path / "in" / folder).mkdir(parents=True)
        shutil.copy(source, tmp_path / "in" / folder / "order.txt")

    first = ingest_folder(tmp_path / "in", database_url)
    second = ingest_folder(tmp_path / "in", database_url)

    assert first == {"A/order.txt": "new", "B/order.txt": "new"}
    assert second == {"A/order.txt": "unchanged", "B/order.txt": "unchanged"}
    stored = documents(sessions)
    assert stored["A/order.txt"] == measures_in(ORDER, sessions, database_url)
    assert stored["B/order.txt"] == measures_in(OTHER, sessions, database_url)


def test_a_file_copied_over_another_is_stored_again_and_can_be_forced(sessions, database_url, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ORDER, folder / "a.txt")
    shutil.copy(OTHER, folder / "b.txt")
    ingest_folder(folder, database_url)

    shutil.copy(folder / "b.txt", folder / "a.txt")
    again = ingest_folder(folder, database_url)
    forced = ingest_file(str(folder / "a.txt"), database_url, force=True, source_key="a.txt")

    assert again == {"a.txt": "replaced", "b.txt": "unchanged"}
    assert forced.status == "replaced"
    stored = documents(sessions)
    assert stored["a.txt"] == stored["b.txt"]  # a.txt now holds the other order


def correct_all(sessions, source_key: str) -> None:
    with write_transaction(sessions) as session:
        document = session.scalar(select(db.Document).where(db.Document.source_key == source_key))
        for entity, key, field, value in EDITS:
            corrections.correct(session, document, entity, key, field, value, author="anna")


def values(sessions, source_key: str) -> tuple:
    with sessions() as session:
        document = session.scalar(select(db.Document).where(db.Document.source_key == source_key))
        amount = next(f.amount for f in document.funding if (f.measure_code, f.year, f.source) == ("4.2", 2020, "all"))
        deadline = next(m.deadline for m in document.measures if m.code == "4.2")
        unit = next(i.unit for i in document.indicators if i.code == "1")
        return amount, deadline, unit


def test_corrections_follow_the_act_across_a_rename_and_an_edit(sessions, database_url, tmp_path):
    order = tmp_path / "order.txt"
    shutil.copy(ORDER, order)
    ingest_file(str(order), database_url)
    correct_all(sessions, "order.txt")

    renamed = order.rename(tmp_path / "renamed.txt")
    moved = ingest_file(str(renamed), database_url, force=True)
    edited = tmp_path / "renamed_and_edited.txt"
    edited.write_text(renamed.read_text().replace("Создание регионального ресурсного центра",
                                                  "Создание регионального ресурсного центра помощи", 1))
    ingest_file(str(edited), database_url)

    corrected = (Decimal("1028000"), "2022 г.", "семей")
    assert moved.status == "new"
    assert values(sessions, "renamed.txt") == corrected
    assert values(sessions, "renamed_and_edited.txt") == corrected
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(db.Correction)
                              .where(db.Correction.orphaned.is_(True))) == 0
        acts = session.scalars(select(db.Document.act_key).distinct()).all()
    assert len(acts) == 1 and acts[0].startswith("act|RU-KLU|приказ|")


def test_a_correction_of_one_file_applies_to_the_acts_other_files_and_reverts_to_each_ones_own(sessions, database_url,
                                                                                             tmp_path):
    shutil.copy(ORDER, tmp_path / "order.txt")
    (tmp_path / "order_misread.txt").write_text(ORDER.read_text().replace("Иные источники", "Иные  источники", 1))
    for name in ("order.txt", "order_misread.txt"):
        ingest_file(str(tmp_path / name), database_url)

    correct_all(sessions, "order.txt")
    both = (values(sessions, "order.txt"), values(sessions, "order_misread.txt"))
    with write_transaction(sessions) as session:
        for c in session.scalars(select(db.Correction)).all():
            corrections.revert(session, c, author="anna")

    assert both[0] == both[1] == (Decimal("1028000"), "2022 г.", "семей")
    assert values(sessions, "order.txt") == values(sessions, "order_misread.txt") == (Decimal("1028"), "2021 г.",
                                                                                      "человек")


def test_a_source_key_names_one_file(tmp_path):
    with pytest.raises(UsageError, match="--source-key names one file"):
        discover([tmp_path], "mine")



@pytest.mark.parametrize("key", ["", "  ", "/etc/orders/order.txt", "../order.txt", "A/../../order.txt"])
def test_a_source_key_is_a_place_below_a_folder(tmp_path, key):
    shutil.copy(ORDER, tmp_path / "order.txt")
    with pytest.raises(UsageError, match="is no place of a file"):
        discover([tmp_path / "order.txt"], key)


def test_two_files_of_one_run_with_the_same_place_are_not_one_document(tmp_path):
    """Files given by name are placed by their name, and folders' files below their folder:
    two of the same place in one run would store the second over the first."""
    for folder in ("A", "B", "C/A"):
        (tmp_path / folder).mkdir(parents=True)
        shutil.copy(ORDER, tmp_path / folder / "order.txt")

    files, failures = discover([tmp_path / "A" / "order.txt", tmp_path / "B" / "order.txt", tmp_path / "C"])

    assert [f.source_key for f in files] == ["order.txt", "A/order.txt"]
    assert [(f.status, Path(f.path)) for f in failures] == [("failed", tmp_path / "B" / "order.txt")]
    assert f"{tmp_path / 'A' / 'order.txt'} of this run has the same place «order.txt»" in failures[0].reason
