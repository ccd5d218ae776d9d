"""How fast the review queue answers with many open issues.

    .venv/bin/python benchmarks/review_queue.py [--issues 10000] [--db URL]

Builds a database (SQLite in a temporary folder unless --db names an empty one):
real orders stored under 40 file names, then their issues copied until `--issues`
are open. Serves the review app with uvicorn and, signed in, times over HTTP the
queue's first page, a filtered page, a text search, a deep page, and the page of the
largest document (plain and at an issue). Prints the median and worst of 20 requests
each against the 300 ms a page must stay under, and the document page's size against
150 KiB.
"""
from __future__ import annotations

import argparse
import hashlib
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models import db  # noqa: E402
from models.settings import Settings  # noqa: E402
from pipeline.stages import extract  # noqa: E402
from store.database import open_database, write_transaction  # noqa: E402
from store.save import save_document  # noqa: E402
from review.app import create_app  # noqa: E402
from review.auth import add_account  # noqa: E402

ORDERS = sorted((ROOT / "data" / "raw" / "text").glob("*.txt"))
FILES = 40
LIMIT_MS = 300
LIMIT_KIB = 150


def build(url: str, wanted: int) -> None:
    sessions = open_database(url)
    extracted = [extract(path) for path in ORDERS]
    for n in range(FILES):
        doc = extracted[n % len(extracted)]
        doc.source_file = f"{n:03d}_{Path(ORDERS[n % len(ORDERS)]).name}"
        save_document(sessions, doc, fingerprint=hashlib.sha256(doc.source_file.encode()).hexdigest(),
                      source_path=doc.source_file, pipeline_version="bench")
    with write_transaction(sessions) as session:
        issues = session.scalars(select(db.Issue)).all()
        have = len(issues)
        copies = [{"document_id": i.document_id, "kind": i.kind, "where_": i.where_, "detail": f"{i.detail} #{k}",
                   "status": "open", "position": 1000 + k}
                  for k in range(wanted - have) for i in [issues[k % have]]]
        if copies:
            session.execute(insert(db.Issue), copies)
    add_account(sessions, "bench", "reviewer", "benchmark-password")
    with sessions() as session:
        print(f"database: {session.scalar(select(func.count()).select_from(db.Issue))} open issues "
              f"in {FILES} documents")


def serve(settings: Settings) -> tuple[uvicorn.Server, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def signed_in(base: str) -> httpx.Client:
    """A client that carries a signed-in session."""
    client = httpx.Client(base_url=base)
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"csrf_token": token, "name": "bench", "password": "benchmark-password"})
    return client


def time_get(client: httpx.Client, path: str, repeats: int = 20) -> tuple[float, float, int]:
    """Median and worst time in ms, and the size of the answer in bytes."""
    client.get(path)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return statistics.median(times), max(times), len(response.content)


def largest_document(url: str) -> tuple[int, int]:
    """The id of the document with the most funding rows, and one of its issues."""
    with open_database(url)() as session:
        document_id = session.scalar(select(db.Funding.document_id).group_by(db.Funding.document_id)
                                     .order_by(func.count().desc()).limit(1))
        issue_id = session.scalar(select(db.Issue.id).where(db.Issue.document_id == document_id).limit(1))
    return document_id, issue_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--db", help="URL of an empty database (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="orders-queue-bench-"))
    url = args.db or f"sqlite:///{folder / 'orders.db'}"
    build(url, args.issues)
    server, base = serve(Settings(database_url=url, processed_dir=folder, secret_key="benchmark"))
    client = signed_in(base)
    document_id, issue_id = largest_document(url)
    for label, path in [("queue, first page", "/queue"), ("queue, sum mismatches", "/queue?kind=sum_mismatch"),
                        ("queue, text search", "/queue?q=funding+4.2"), ("queue, page 150", "/queue?page=150"),
                        ("largest document", f"/documents/{document_id}"),
                        ("largest document, issue", f"/documents/{document_id}?issue={issue_id}")]:
        median, worst, size = time_get(client, path)
        over = median >= LIMIT_MS or (path.startswith("/documents") and size > LIMIT_KIB * 1024)
        print(f"{label:26} median {median:6.1f} ms  worst {worst:6.1f} ms  {size / 1024:6.1f} KiB  "
              f"{'OVER' if over else 'ok'}")
    client.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
