"""The batch flow's tasks: files grouped per task on Dask, one per task otherwise, and a
crash that fails one file, never its group."""
from __future__ import annotations

from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL, temporary_settings
from sqlalchemy import func, select

from flows.ingest import _groups, _guarded, ingest_batch
from models import db
from models.run import FileOutcome
from pipeline.ingest import InputFile
from store.database import open_database
from tests.generated.orders import make_orders
from tests.generated.writers import write_txt


def _files(n: int) -> list[InputFile]:
    return [InputFile(Path(f"{i:04d}.txt"), f"{i:04d}.txt") for i in range(n)]


@pytest.mark.parametrize(("files", "most", "sizes"), [
    (8, 10, [1] * 8),  # a small batch: a task per file, so that every worker has work
    (100, 10, [5] * 20),  # at least twenty tasks
    (1000, 10, [10] * 100),  # at most ten files a task
    (1005, 10, [10] * 100 + [5]),
    (1000, 1, [1] * 1000),  # serial: a task per file
    (0, 10, []),
])
def test_files_are_grouped_into_tasks(files, most, sizes):
    groups = _groups(_files(files), most)

    assert [len(g) for g in groups] == sizes
    assert [f for g in groups for f in g] == _files(files)  # every file once, in order


def test_a_crash_fails_its_file_and_names_it():
    def crash() -> FileOutcome:
        raise RuntimeError("a bug")

    outcome = _guarded(Path("raw/a.txt"), crash)

    assert (outcome.path, outcome.status, outcome.reason) == ("raw/a.txt", "failed", "raw/a.txt: RuntimeError: a bug")


def test_grouped_tasks_store_every_file_once_and_report_each(tmp_path, prefect_api):
    folder = tmp_path / "raw"
    folder.mkdir()
    for order in make_orders(40, seed=5):
        write_txt(order, folder / f"{order.name}.txt")
    (folder / "letter.txt").write_text("Уважаемый коллега! Направляем приглашение на семинар.\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'orders.db'}"

    with temporary_settings(updates={PREFECT_API_URL: prefect_api}):  # set after Prefect read its settings
        outcomes = ingest_batch([str(folder)], url, max_files_per_task=10)

    assert [Path(o.path).name for o in outcomes] == sorted(p.name for p in folder.iterdir())
    assert [o.status for o in outcomes].count("new") == 40
    failed = [o for o in outcomes if o.failed]
    assert [Path(o.path).name for o in failed] == ["letter.txt"] and str(folder / "letter.txt") in failed[0].reason
    with open_database(url)() as session:
        assert session.scalar(select(func.count()).select_from(db.Document)) == 40
        assert session.scalar(select(func.count()).select_from(db.IngestionFile)) == 41
