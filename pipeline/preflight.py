"""Checks a run makes before it starts Prefect (which takes seconds to start): that
the database takes writes, that the disks have room, that a configured Prefect
server and a named Dask scheduler answer. Each failure is one line with its remedy
and exit code."""
from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from flows.server import check_prefect_api
from models.errors import DaskUnavailableError, DatabaseError, StorageFullError, UsageError
from store.database import refusal, write_transaction

MIN_FREE_MB = 64  # a run writes page images and database rows; less than this fails midway


def check_before_run(sessions: sessionmaker[Session], database_url: str, processed_dir: Path,
                     dask_address: str | None = None) -> None:
    """Raise the first problem that would make a run fail for every file."""
    check_writable(sessions)
    for folder in {processed_dir, *_sqlite_folder(database_url)}:
        check_free_space(folder)
    check_prefect_api(os.environ.get("PREFECT_API_URL"))
    if dask_address:
        check_dask_scheduler(dask_address)


CONNECT_TIMEOUT_S = 3


def check_dask_scheduler(address: str) -> None:
    """A Dask scheduler listens at `address` (tcp://HOST:PORT, tls://…, or HOST:PORT): Dask
    itself would try for 30 s and end in a traceback."""
    scheme, _, place = address.rpartition("://")
    if scheme not in ("", "tcp", "tls"):
        return  # another transport (ucx, inproc): Dask's own connect says what is wrong
    host, _, port = place.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"--dask-address {address} names no host and port: give it as tcp://HOST:PORT")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise DaskUnavailableError(f"the Dask scheduler at {address} does not answer "
                                   f"({exc.strerror or type(exc).__name__})") from None


def check_writable(sessions: sessionmaker[Session]) -> None:
    """The database takes writes: a write transaction that changes nothing."""
    try:
        with write_transaction(sessions) as session:
            session.execute(text("DELETE FROM ingestion_run WHERE 1 = 0"))
    except DBAPIError as exc:
        shown = sessions.kw["bind"].url.render_as_string(hide_password=True)
        raise DatabaseError(f"the database {shown} takes no writes: {refusal(exc)}") from None


def check_free_space(folder: Path, need_mb: int = MIN_FREE_MB) -> None:
    """At least `need_mb` MiB free where the folder (or its nearest existing parent) is."""
    existing = next(p for p in (folder.resolve(), *folder.resolve().parents) if p.exists())
    free_mb = shutil.disk_usage(existing).free / 2**20
    if free_mb < need_mb:
        raise StorageFullError(f"only {free_mb:.1f} MiB free on the disk of {folder}; a run needs {need_mb} MiB")


def _sqlite_folder(database_url: str) -> list[Path]:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return []
    return [Path(url.database).parent]
