"""Scale-out, measured: generated orders ingested into PostgreSQL serially and on Dask.

    .venv/bin/python benchmarks/scale_out.py [--documents 1000] [--seed 12]
                                             [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Writes N small orders with the test suite's order generator (text and Word files by
turns), then runs `orders ingest` over them, as a data engineer would, into three fresh
PostgreSQL databases:

    serial           one file at a time
    local Dask       --workers 2: a local cluster of two processes
    Dask cluster     --dask-address: a `dask scheduler` and a `dask worker --nworkers 2
                     --preload flows.dask_worker`
                     started as processes of their own

All three report to one local Prefect server, started before the clock. For each it
prints documents per second, the seconds of each stage summed over files (from the
run's own record) and the time in the database (the store stage); then each way's
speed-up over serial, whether any document or organisation is stored twice, and
whether the three databases hold the same rows (`pipeline.research.comparable_rows`).
The database-per-way names start with `orders_scale_` and are dropped at the end.
"""
from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from flows.server import ensure_server, stop_server  # noqa: E402
from models import db  # noqa: E402
from pipeline.research import comparable_rows  # noqa: E402
from store.database import open_database  # noqa: E402
from store.runs import list_runs  # noqa: E402
from tests.generated.orders import make_orders  # noqa: E402
from tests.generated.writers import write_docx, write_txt  # noqa: E402

WORKERS = 2


def write_orders(folder: Path, count: int, seed: int) -> list[Path]:
    """`count` generated orders, even ones as .txt and odd ones as .docx."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for i, order in enumerate(make_orders(count, seed)):
        suffix, write = (".txt", write_txt) if i % 2 == 0 else (".docx", write_docx)
        written.append(write(order, folder / f"{order.name}{suffix}"))
    return written


@contextmanager
def fresh_database(admin_url: str, way: str):
    """A new, empty PostgreSQL database for one way; dropped afterwards."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"orders_scale_{way.replace(' ', '_')}_{secrets.token_hex(3)}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextmanager
def dask_cluster(env: dict[str, str], work: Path):
    """A `dask scheduler` and a `dask worker` of WORKERS processes, each a process of its own;
    yields the scheduler's address once every worker has joined."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    common = dict(env=env, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    started = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                 "--port", str(port), "--no-dashboard"], **common)]
    try:
        started.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers",
                                         str(WORKERS), "--nthreads", "1", "--preload", "flows.dask_worker",
                                         "--no-dashboard"], **common))
        with Client(address, timeout=120) as client:
            client.wait_for_workers(WORKERS, timeout=180)
        yield address
    finally:
        for process in reversed(started):
            os.killpg(process.pid, 15)
            process.wait(timeout=60)


def ingest(folder: Path, url: str, env: dict[str, str], *extra: str) -> float:
    """`orders ingest` of the folder; its wall time, start-up and imports included."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(folder), "--db", url, *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"orders ingest {' '.join(extra)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def stored_twice(url: str) -> tuple[int, int, int]:
    """(documents, documents beyond one per file's bytes, organisations beyond one per name and region)."""
    sessions = open_database(url)
    try:
        with sessions() as session:
            documents = session.scalar(select(func.count()).select_from(db.Document))
            files = session.scalar(select(func.count(func.distinct(db.Document.fingerprint))))
            organisations = session.scalar(select(func.count()).select_from(db.Organization))
            distinct = session.execute(select(db.Organization.name, db.Organization.region_code).distinct()).all()
        return documents, documents - files, organisations - len(distinct)
    finally:
        sessions.kw["bind"].dispose()


def report(way: str, seconds: float, count: int, url: str, serial_seconds: float | None) -> None:
    run = list_runs(open_database(url), limit=1)[0]
    stages = run["seconds_by_stage"]
    work = sum(stages.values())
    documents, twice_documents, twice_organisations = stored_twice(url)
    speedup = f"   {serial_seconds / seconds:.2f}× serial" if serial_seconds else ""
    print(f"{way:13} {seconds:7.1f} s  {count / seconds:6.2f} documents/s{speedup}")
    print(f"{'':13} stages summed over files: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
    print(f"{'':13} in the database (store): {stages.get('store', 0):.1f} s = {100 * stages.get('store', 0) / work:.0f}%"
          f" of the files' work; {documents} documents, {twice_documents} stored twice, "
          f"{twice_organisations} organisations stored twice")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--postgres", default=os.environ.get("ORDERS_TEST_POSTGRES_URL",
                                                             "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="orders-scale-"))
    inputs = work / "inputs"
    started = time.perf_counter()
    write_orders(inputs, args.documents, args.seed)
    print(f"{args.documents} orders written to {inputs} in {time.perf_counter() - started:.0f} s")

    home = work / "prefect"
    server, _ = ensure_server(home)
    env = {**os.environ, "PREFECT_API_URL": server.api_url, "PREFECT_HOME": str(home),
           "ORDERS_PROCESSED_DIR": str(work / "processed"), "PREFECT_LOGGING_LEVEL": "CRITICAL"}
    try:
        with fresh_database(args.postgres, "serial") as serial_url, \
                fresh_database(args.postgres, "local dask") as local_url, \
                fresh_database(args.postgres, "dask cluster") as cluster_url:
            serial = ingest(inputs, serial_url, env)
            report("serial", serial, args.documents, serial_url, None)
            local = ingest(inputs, local_url, env, "--workers", str(WORKERS))
            report(f"local Dask ×{WORKERS}", local, args.documents, local_url, serial)
            with dask_cluster(env, work) as address:
                cluster = ingest(inputs, cluster_url, env, "--dask-address", address)
            report(f"Dask cluster ×{WORKERS}", cluster, args.documents, cluster_url, serial)
            rows = [comparable_rows(open_database(url)) for url in (serial_url, local_url, cluster_url)]
            print(f"the three databases hold the same rows: {rows[0] == rows[1] == rows[2]}")
    finally:
        stop_server(home)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()
