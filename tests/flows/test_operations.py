"""Running the pipeline unattended, as data engineers do, through the real `orders`
command in separate processes: on a local Dask cluster (the same database as a
serial run), two runs at once on PostgreSQL (nothing twice), a run killed with
SIGKILL and started again (nothing lost, nothing twice), unchanged inputs skipped,
and a deployment run by a worker of a real Prefect server on a Dask cluster of its own."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import db
from pipeline.lifetime import processes_with
from store.database import open_database
from tests.conftest import stored_rows
from store.runs import list_runs

# one test process runs them all, on the module's serial database
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("operations")]
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
# Text, Word and PDF orders and a one-page scan: every reader, and quick to ingest.
INPUTS = [*sorted((ROOT / "data" / "raw" / "text").glob("*.txt")), *sorted((ROOT / "data" / "raw" / "docx").glob("*.docx")),
          FIXTURES / "measures_2pages.pdf", FIXTURES / "measures_page1.scan.pdf"]


@pytest.fixture(scope="module")
def environment(tmp_path_factory, prefect_api) -> dict[str, str]:
    """The session's Prefect server for the module's runs, and a folder for page images."""
    base = tmp_path_factory.mktemp("operations")
    return {**os.environ, "PREFECT_API_URL": prefect_api, "ORDERS_PROCESSED_DIR": str(base / "processed")}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    for path in INPUTS:
        shutil.copy(path, folder / path.name)
    return folder


def orders(environment, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=environment, capture_output=True,
                          text=True, timeout=1200)


def start_orders(environment, *args: str, **options) -> subprocess.Popen:
    """`orders …` started in the background."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", *args], cwd=ROOT, env=environment, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **options)


@pytest.fixture(scope="module")
def serial(environment, inputs, tmp_path_factory) -> str:
    """A database filled by one serial run: what every other way must give."""
    url = f"sqlite:///{tmp_path_factory.mktemp('serial') / 'orders.db'}"
    done = orders(environment, "ingest", "--verbose", str(inputs), "--db", url)
    assert done.returncode == 0, done.stdout + done.stderr
    # the log names the file and the stage
    assert f"{inputs / 'measures_page1.scan.pdf'}: read done in" in done.stderr
    assert f"{inputs / '000_de2bdb5f24b93b6d.docx'}: store done in" in done.stderr
    return url


def test_a_local_dask_cluster_of_two_workers_gives_the_same_database(environment, inputs, serial, tmp_path):
    url = f"sqlite:///{tmp_path / 'dask.db'}"

    done = orders(environment, "ingest", str(inputs), "--workers", "2", "--verbose", "--db", url)

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"documents: {len(INPUTS)} new" in done.stdout
    # each file's stages, read in the workers, are printed as the file ends
    assert f"{inputs / 'measures_page1.scan.pdf'}: read done in" in done.stderr
    assert stored_rows(url) == stored_rows(serial)


def test_unchanged_inputs_are_skipped_and_every_run_is_recorded(environment, inputs, serial):
    again = orders(environment, "ingest", str(inputs), "--db", serial)
    runs = orders(environment, "runs", "--db", serial)

    assert again.returncode == 0 and f"{len(INPUTS)} unchanged" in again.stdout
    assert runs.stdout.count("finished") == 2 and f"files: 0 new, {len(INPUTS)} unchanged" in runs.stdout
    assert "seconds: fingerprint" in runs.stdout and "parse" in runs.stdout


def test_a_killed_run_resumes_with_nothing_lost_or_twice(environment, inputs, serial, tmp_path):
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    run = start_orders(environment, "ingest", str(inputs), "--db", url, start_new_session=True)
    try:
        while documents(url) < 2:  # killed half-way: some documents stored, others not yet
            assert run.poll() is None, "the run ended before it could be killed: " + run.stdout.read()
            time.sleep(0.2)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    stored_before = documents(url)
    assert 2 <= stored_before < len(INPUTS)

    resumed = orders(environment, "ingest", str(inputs), "--db", url)

    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"documents: {len(INPUTS) - stored_before} new" in resumed.stdout
    assert stored_rows(url) == stored_rows(serial)
    killed, finished = reversed(list_runs(open_database(url)))
    assert killed["finished_at"] is None and finished["finished_at"] is not None


def test_a_run_killed_with_sigkill_leaves_no_process_behind(environment, tmp_path):
    tag = f"kill-{time.time_ns()}"
    scans = tmp_path / "scans"
    scans.mkdir()
    for n in range(3):  # enough pages that OCR is under way when the run is killed
        shutil.copy(FIXTURES / "tasks_only.scan.pdf", scans / f"scan{n}.pdf")
    run = start_orders({**environment, "ORDERS_TEST_TAG": tag, "ORDERS_OCR_WORKERS": "2"}, "ingest", str(scans),
                       "--db", f"sqlite:///{tmp_path / 'orders.db'}")
    try:
        deadline = time.monotonic() + 300
        while not any(_name(pid) == "tesseract" for pid in processes_with("ORDERS_TEST_TAG", tag)):
            assert run.poll() is None and time.monotonic() < deadline, "no OCR under way: " + run.stdout.read()
            time.sleep(0.2)
        started = {pid: _name(pid) for pid in processes_with("ORDERS_TEST_TAG", tag)}
    finally:
        os.kill(run.pid, signal.SIGKILL)  # the run alone, not its process group
        run.wait()

    deadline = time.monotonic() + 15
    while processes_with("ORDERS_TEST_TAG", tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert {"python", "tesseract"} <= set(started.values())  # Prefect's server, OCR workers, Tesseract
    assert processes_with("ORDERS_TEST_TAG", tag) == []


def _name(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "comm").read_text().strip()
    except OSError:
        return ""


def documents(url: str) -> int:
    try:
        sessions = open_database(url)
    except Exception:  # the first run has not created the database yet
        return 0
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(db.Document))


def test_two_runs_at_once_on_postgresql_store_everything_once(environment, inputs, serial, postgres_url):
    from tests.conftest import empty_postgres_database

    empty_postgres_database(postgres_url)
    runs = [start_orders(environment, "ingest", str(inputs), "--db", postgres_url) for _ in range(2)]
    outputs = [run.communicate(timeout=1200)[0] for run in runs]

    assert [run.returncode for run in runs] == [0, 0], outputs
    assert stored_rows(postgres_url) == stored_rows(serial)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_deployment_runs_on_a_separate_dask_cluster_and_fails_loudly(environment, inputs, serial, tmp_path):
    """`orders deploy --dask-address` to the session's Prefect server, for a `dask scheduler` and a
    `dask worker` started as processes of their own, in other folders; one file of the batch is
    broken. Every good file is stored, the page previews land where the deploying user said, the
    run is named after its files and ends Failed saying which file, and each file's stages reach
    the run's log from the Dask worker."""
    dask_port, own = free_port(), f"orders-{time.time_ns()}"  # a pool and deployment of this test's own
    env = {**environment, "ORDERS_PROCESSED_DIR": "previews"}  # relative: made absolute where `orders deploy` runs
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "broken.docx").write_bytes(b"PK\x03\x04 not a Word file")
    elsewhere = tmp_path / "worker-home"
    elsewhere.mkdir()
    prefect, dask = [sys.executable, "-m", "prefect"], [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    started = [subprocess.Popen([*dask, "--host", "127.0.0.1", "--port", str(dask_port), "--no-dashboard"],
                                env=env, cwd=elsewhere, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)]
    try:
        started.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker",
                                         f"tcp://127.0.0.1:{dask_port}", "--nworkers", "1", "--nthreads", "1",
                                         "--preload", "flows.dask_worker", "--no-dashboard"],
                                        env=env, cwd=elsewhere, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True))
        subprocess.run([*prefect, "work-pool", "create", own, "--type", "process"], env=env, check=True,
                       capture_output=True)
        deployed = orders(env, "deploy", str(inputs), str(broken), "--cron", "0 3 * * *", "--db", "sqlite:///scheduled.db",
                          "--name", own, "--pool", own, "--dask-address", f"tcp://127.0.0.1:{dask_port}", cwd=tmp_path)
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        assert "relative SQLite path" in deployed.stderr  # warned, and deployed as an absolute path
        subprocess.run([*prefect, "deployment", "run", f"scheduled-ingest/{own}"], env=env, check=True,
                       capture_output=True)
        subprocess.run([*prefect, "worker", "start", "--pool", own, "--run-once"], env=env, cwd=elsewhere,
                       check=True, capture_output=True, timeout=900)
    finally:
        for process in reversed(started):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    api = environment["PREFECT_API_URL"]
    deployment = api_get(api, f"deployments/name/scheduled-ingest/{own}")
    ran = {"deployment_id": {"any_": [deployment["id"]]}, "state": {"type": {"not_any_": ["SCHEDULED"]}}}
    (scheduled,) = api_post(api, "flow_runs/filter", {"flow_runs": ran})  # not the cron's runs to come
    batch = api_post(api, "flow_runs/filter", {"flow_runs": {"parent_flow_run_id": {"any_": [scheduled["id"]]}}})
    of_run = {"any_": [scheduled["id"], *(run["id"] for run in batch)]}  # the run and its batch subflow
    tasks = api_post(api, "task_runs/filter", {"flow_runs": {"id": of_run}})
    logs = run_logs(api, of_run)
    assert scheduled["state"]["type"] == "FAILED", scheduled["state"]
    assert "1 of" in scheduled["state"]["message"] and "broken.docx" in scheduled["state"]["message"]
    assert scheduled["name"].startswith("ingest ") and "files)" in scheduled["name"]
    assert "ingest measures_page1.scan.pdf" in {t["name"] for t in tasks}
    assert any("measures_page1.scan.pdf: read done in" in message for message in logs), logs[-20:]
    assert stored_rows(f"sqlite:///{tmp_path / 'scheduled.db'}") == stored_rows(serial)
    assert any((tmp_path / "previews" / "pages").rglob("*.jpg")), "no page preview where the deploying user said"


def run_logs(api: str, flow_run_ids: dict) -> list[str]:
    """Every log message of the runs, page by page: the API gives 200 at most at once."""
    messages: list[str] = []
    while page := api_post(api, "logs/filter", {"logs": {"flow_run_id": flow_run_ids}, "limit": 200,
                                                "offset": len(messages)}):
        messages += [entry["message"] for entry in page]
    return messages


def api_get(api: str, path: str) -> dict:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{api}/{path}", timeout=30) as answer:
        return json.loads(answer.read())


def api_post(api: str, path: str, body: dict) -> list[dict]:
    import json
    import urllib.request

    request = urllib.request.Request(f"{api}/{path}", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())
