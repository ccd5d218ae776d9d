"""Which files a run takes, and how it reports what it cannot take: one line per
file, never a silent skip, never a traceback."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from pipeline.ingest import discover, failure_reason

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "data" / "raw" / "text" / "000_de2bdb5f24b93b6d.txt"


def test_a_database_failure_is_one_line_without_sqlalchemys_links(tmp_path):
    path = tmp_path / "orders.db"
    create_engine(f"sqlite:///{path}").connect().close()
    read_only = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(OperationalError) as refused, read_only.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))

    reason = failure_reason(refused.value)

    assert reason == "the database refused: attempt to write a readonly database"
    assert "sqlalche.me" in str(refused.value)  # what the reason leaves out


def make_tree(root: Path) -> None:
    (root / "A").mkdir(parents=True)
    shutil.copy(ORDER, root / "A" / "order.txt")
    (root / "A" / "order.doc").write_bytes(b"\xd0\xcf\x11\xe0 a Word 97 file")
    (root / "A" / "notes.json").write_text("{}")
    (root / "A" / ".hidden.txt").write_text("x")
    (root / "A" / "back").symlink_to(root, target_is_directory=True)  # a loop
    (root / "A" / "l1.txt").symlink_to(root / "A" / "l2.txt")  # links that lead to each other
    (root / "A" / "l2.txt").symlink_to(root / "A" / "l1.txt")


def test_every_path_not_ingested_is_reported_once_with_its_reason(tmp_path):
    make_tree(tmp_path / "in")

    files, reported = discover([tmp_path / "in"])

    assert [f.source_key for f in files] == ["A/order.doc", "A/order.txt"]  # .doc through LibreOffice
    by_name = {Path(o.path).name: o for o in reported}
    assert set(by_name) == {"notes.json", "back", "l1.txt", "l2.txt"}
    assert by_name["l1.txt"].status == "skipped" and "a link that leads to no file" in by_name["l1.txt"].reason
    assert by_name["notes.json"].status == "skipped" and "not an order's file type (.json)" in by_name["notes.json"].reason
    assert by_name["back"].status == "skipped" and "read once already" in by_name["back"].reason


@pytest.mark.skipif(not shutil.which("setpriv"), reason="setpriv (util-linux) runs the check as another user")
def test_an_unreadable_folder_fails_with_its_reason():
    root = Path(tempfile.mkdtemp(prefix="orders-walk-", dir="/tmp"))
    try:
        (root / "open").mkdir()
        (root / "closed").mkdir()
        shutil.copy(ORDER, root / "open" / "order.txt")
        os.chmod(root, 0o755)
        os.chmod(root / "open", 0o755)
        os.chmod(root / "open" / "order.txt", 0o644)
        os.chmod(root / "closed", 0o700)  # its owner's only: «nobody» below cannot list it
        code = ("import json, sys; from pathlib import Path; from pipeline.ingest import discover; "
                "files, reported = discover([Path(sys.argv[1])]); "
                "print(json.dumps([[f.source_key for f in files], [[o.status, o.reason] for o in reported]]))")
        result = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable,
                                 "-c", code, str(root)], capture_output=True, text=True, cwd=ROOT)
        keys, reported = json.loads(result.stdout)
    finally:
        shutil.rmtree(root)

    assert keys == ["open/order.txt"], result.stderr
    assert reported == [["failed", f"{root / 'closed'}: cannot read the folder (Permission denied); "
                                   "nothing below it is ingested (check that the file exists and that you may read it)"]]
