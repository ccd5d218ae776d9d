"""The `orders` command end to end on real files: bad inputs are reported one line
each, the batch goes on, nothing is stored for them, and the exit code says so."""
from __future__ import annotations

import http.server
import json
import re
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader, PdfWriter
from sqlalchemy import create_engine, func, select

from models import db
from pipeline.research import read_table
from store.database import open_database

pytestmark = pytest.mark.usefixtures("prefect_api")  # runs report to the session's Prefect server


ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "text" / "002_7c4a6195f44ee496.txt"


def orders(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})


@pytest.fixture
def bad_batch(tmp_path: Path) -> tuple[Path, list[Path]]:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    (folder / "empty.txt").write_text("")
    (folder / "garbage.docx").write_bytes(bytes(range(256)) * 20)
    (folder / "letter.txt").write_text("Уважаемый коллега!\nНаправляем вам приглашение на семинар.\n", encoding="utf-8")
    (folder / "english.txt").write_text("Order of the Ministry of Labour on measures for families. " * 10, encoding="utf-8")
    locked = PdfWriter(clone_from=PdfReader(ROOT / "tests" / "fixtures" / "tasks_only.pdf"))
    locked.encrypt(user_password="secret")
    locked.write(folder / "locked.pdf")
    missing = tmp_path / "gone.txt"
    return folder, [folder, folder / SAMPLE.name, missing]  # the sample is also named twice


def test_bad_inputs_are_reported_and_nothing_is_stored_for_them(bad_batch, tmp_path):
    folder, args = bad_batch
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    result = orders("ingest", *map(str, args), "--db", url)

    assert result.returncode == 1, result.stderr
    errors = result.stderr
    for name, reason in [("empty.txt", "empty"), ("garbage.docx", "DOCX"), ("letter.txt", "no tasks"),
                         ("gone.txt", "no such file"), ("english.txt", "not in Russian"), ("locked.pdf", "encrypted")]:
        lines = [ln for ln in errors.splitlines() if name in ln]
        assert len(lines) == 1 and reason.lower() in lines[0].lower(), f"{name}: one line, saying why: {errors}"
    assert "1 new" in result.stdout and "6 failed" in result.stdout

    with open_database(url)() as session:
        files = session.scalars(select(db.Document.source_file)).all()
        runs = session.scalar(select(func.count()).select_from(db.IngestionRun))
    assert files == [SAMPLE.name]
    assert runs == 1


def test_unchanged_file_is_skipped_and_export_matches_the_spec(tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    assert orders("ingest", str(SAMPLE), "--db", url).returncode == 0
    again = orders("ingest", str(SAMPLE), "--db", url)
    assert again.returncode == 0 and "1 unchanged" in again.stdout

    assert orders("export", "--format", "json", "--out", str(tmp_path / "out"), "--db", url).returncode == 0
    exported = json.loads((tmp_path / "out" / f"{SAMPLE.stem}.json").read_text(encoding="utf-8"))
    assert exported["schema_version"] == 1 and exported["source_file"] == SAMPLE.name
    assert exported["document"]["region_code"] == "RU-NVS"
    assert [t["code"] for t in exported["tasks"]] == ["1", "2", "3", "4"]


def test_unusable_database_is_one_clear_error(tmp_path):
    result = orders("status", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 3
    assert "error" in result.stderr.lower() and "127.0.0.1" in result.stderr


@pytest.mark.parametrize("command", [["status"], ["export", "--out", "exported"], ["sql", "SELECT 1"], ["issues"],
                                     ["runs"], ["review", "serve", "--port", "1"], ["users", "list"]])
def test_commands_that_only_read_refuse_a_database_that_is_not_there(command, tmp_path):
    """A mistyped --db is one line and exit 3, and creates nothing."""
    missing = tmp_path / "nodir" / "orders.db"
    result = orders(*[str(tmp_path / a) if a == "exported" else a for a in command], "--db", f"sqlite:///{missing}")
    assert (result.returncode, result.stderr.strip().count("\n")) == (3, 0), result.stderr
    assert f"no database at {missing}" in result.stderr
    assert not (tmp_path / "nodir").exists() and not (tmp_path / "exported").exists()


def test_status_refuses_a_postgresql_database_that_is_not_there(postgres_url):
    missing = postgres_url.rsplit("/", 1)[0] + "/orders_no_such_database"
    result = orders("status", "--db", missing)
    assert result.returncode == 3 and "orders_no_such_database" in result.stderr, result.stderr


def test_tables_export_of_a_pdf_keeps_cells_with_boxes(tmp_path):
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    pdf = ROOT / "tests" / "fixtures" / "measures_2pages.pdf"
    assert orders("ingest", str(pdf), "--db", url).returncode == 0
    assert orders("export", "--format", "tables", "--out", str(tmp_path / "out"), "--db", url).returncode == 0
    tables = json.loads((tmp_path / "out" / "measures_2pages.tables.json").read_text(encoding="utf-8"))
    assert len(tables) == 1  # one logical table over both pages
    cells = [c for row in tables[0] for c in row]
    assert {c["page"] for c in cells} == {1, 2}
    assert all(len(c["bbox"]) == 4 for c in cells)
    spanning = next(c for c in cells if c["text"].startswith("Объем финансирования"))
    assert spanning["col_span"] == 3


def test_runs_name_each_failed_file_once(bad_batch, tmp_path):
    folder, args = bad_batch
    url = f"sqlite:///{tmp_path / 'orders.db'}"
    orders("ingest", *map(str, args), "--db", url)

    report = orders("runs", "--db", url)

    failures = [ln for ln in report.stdout.splitlines() if ln.strip().startswith("failed ")]
    assert len(failures) == 6, report.stdout
    assert all(ln.count(str(folder)) + ln.count("gone.txt") == 1 for ln in failures), report.stdout


def one_line_error(result: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_a_database_that_takes_no_writes_fails_at_once_in_one_line(tmp_path):
    folder = Path(tempfile.mkdtemp(prefix="orders-ro-", dir="/tmp"))
    try:
        url = f"sqlite:///{folder / 'orders.db'}"
        open_database(url).kw["bind"].dispose()  # made by root; «nobody» below may read it only
        shutil.copy(SAMPLE, folder / SAMPLE.name)
        os.chmod(folder, 0o755)
        for path in folder.iterdir():
            os.chmod(path, 0o644)
        started = time.perf_counter()
        result = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable,
                                 "-m", "pipeline", "ingest", str(folder / SAMPLE.name), "--db", url],
                                cwd=ROOT, capture_output=True, text=True, env={**os.environ, "HOME": str(folder)})
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(folder)

    assert result.returncode == 3
    assert "readonly database" in one_line_error(result) and seconds < 15


@pytest.fixture
def tiny_disk() -> Path:
    """A 1 MiB filesystem (tmpfs), for a disk that is full."""
    mount = Path(tempfile.mkdtemp(prefix="orders-full-"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)
    mount.rmdir()


def test_a_full_disk_fails_at_once_in_one_line(tiny_disk, tmp_path):
    result = orders("ingest", str(SAMPLE), "--db", f"sqlite:///{tmp_path / 'orders.db'}",
                    env={"ORDERS_PROCESSED_DIR": str(tiny_disk)})

    assert result.returncode == 3
    assert "MiB free on the disk of" in one_line_error(result)


def test_a_prefect_server_that_does_not_answer_fails_at_once_in_one_line(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    started = time.perf_counter()

    result = orders("ingest", str(SAMPLE), "--db", f"sqlite:///{tmp_path / 'orders.db'}",
                    env={"PREFECT_API_URL": f"http://127.0.0.1:{closed}/api"})

    assert result.returncode == 4
    assert f"PREFECT_API_URL http://127.0.0.1:{closed}/api does not answer" in one_line_error(result)
    assert time.perf_counter() - started < 15


def test_a_prefect_url_where_another_server_answers_fails_at_once_in_one_line(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/api"
    try:
        result = orders("ingest", str(SAMPLE), "--db", f"sqlite:///{tmp_path / 'orders.db'}",
                        env={"PREFECT_API_URL": url})
    finally:
        server.shutdown()

    assert result.returncode == 4
    assert f"PREFECT_API_URL {url} answers, but not as a Prefect server (HTTP 404)" in one_line_error(result)


@pytest.mark.parametrize("cron", ["61 3 * * *", "every night", "0 3 * *"])
def test_a_bad_cron_is_wrong_usage_in_one_line(cron, tmp_path):
    result = orders("deploy", str(tmp_path), "--cron", cron, env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert (result.returncode, result.stderr.strip().count("\n")) == (2, 0), result.stderr
    assert f"--cron «{cron}»" in result.stderr


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> tuple[str, str]:
    """An order with funding stored once: the database URL and what `orders ingest` printed."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sql') / 'orders.db'}"
    done = orders("ingest", str(ROOT / "data" / "raw" / "text" / "000_de2bdb5f24b93b6d.txt"), "--db", url)
    assert done.returncode == 0, done.stderr
    return url, done.stdout


FUNDING = "SELECT measure_code, source, amount, doc_date FROM funding_facts ORDER BY funding_id"


def test_sql_writes_csv_json_and_parquet_and_says_when_rows_were_cut(ingested, tmp_path):
    url, _ = ingested
    csv_out = orders("sql", FUNDING, "--format", "csv", "--limit", "3", "--db", url)
    json_out = orders("sql", FUNDING, "--format", "json", "--db", url)
    parquet = orders("sql", FUNDING, "--format", "parquet", "--out", str(tmp_path / "f.parquet"), "--db", url)

    assert csv_out.stdout.splitlines()[0] == "measure_code,source,amount,doc_date"
    assert len(csv_out.stdout.splitlines()) == 4 and "more than 3 rows" in csv_out.stderr
    rows = json.loads(json_out.stdout)
    assert "more than" not in json_out.stderr and rows[0].keys() == {"measure_code", "source", "amount", "doc_date"}
    # every amount exact: JSON numbers on SQLite, exact decimal text on PostgreSQL
    stored = read_table(create_engine(url), "funding_facts").sort_values("funding_id").amount.tolist()
    assert [Decimal(str(r["amount"])) for r in rows] == stored
    assert parquet.returncode == 0 and len(pd.read_parquet(tmp_path / "f.parquet")) == len(rows)


def test_parquet_needs_a_file_and_an_unknown_format_is_wrong_usage(ingested):
    url, _ = ingested
    assert orders("sql", FUNDING, "--format", "parquet", "--db", url).returncode == 2
    assert orders("sql", FUNDING, "--format", "xml", "--db", url).returncode == 2


def test_status_says_what_is_stored_in_words_and_counts_organisations_as_ingest_does(ingested):
    url, printed = ingested
    status = orders("status", "--db", url).stdout
    named = re.search(r"(\d+) organizations", printed).group(1)
    assert re.search(rf"organisations: \d+ distinct bodies in the registry, the federal bodies of branches "
                     rf"included \({named} as the documents name them", status), status
    assert status.startswith("documents: 1 of 1 act(s); by region: RU-KLU 1; by format: text 1")
    assert "{" not in status


def test_sql_writes_into_a_folder_it_makes_and_out_needs_a_file_format(ingested, tmp_path):
    url, _ = ingested
    made = orders("sql", FUNDING, "--format", "csv", "--out", str(tmp_path / "new" / "f.csv"), "--db", url)
    table = orders("sql", FUNDING, "--out", str(tmp_path / "t.txt"), "--db", url)
    assert made.returncode == 0 and (tmp_path / "new" / "f.csv").read_text(encoding="utf-8").startswith("measure_code")
    assert table.returncode == 2 and "--format csv, json or parquet" in table.stderr


def test_issues_are_listed_under_their_act(ingested):
    url, _ = ingested
    listed = orders("issues", "--db", url, env={"COLUMNS": "200"}).stdout
    assert listed.index("приказ № 1070-17") < listed.index("sum_mismatch")


def test_deploy_to_a_prefect_server_that_does_not_answer_is_one_line(tmp_path):
    result = orders("deploy", str(tmp_path), "--db", f"sqlite:///{tmp_path / 'd.db'}",
                    env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    assert (result.returncode, result.stderr.strip().count("\n")) == (4, 0), result.stderr


def test_sql_describes_the_columns_of_its_result(ingested):
    url, _ = ingested
    described = orders("sql", FUNDING, "--describe", "--db", url, env={"COLUMNS": "200"})
    assert described.returncode == 0
    assert "amount: Amount in roubles, exact to the kopeck" in described.stderr
    assert "measure_code: Code of the measure" in described.stderr


def test_columns_lists_the_views_and_describes_each_column():
    every = orders("columns", env={"COLUMNS": "200"})
    one = orders("columns", "document_totals", env={"COLUMNS": "200"})
    unknown = orders("columns", "fundings")
    assert every.returncode == 0 and "measure_totals" in every.stdout and "account" not in every.stdout
    assert re.search(r"sum_of_measures\s+│\s+number\s+│\s+The sum over the document's measures", one.stdout)
    assert unknown.returncode == 2 and "no table or view «fundings»" in unknown.stderr
