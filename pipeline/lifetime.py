"""Processes a run starts die with it, even when it is killed with SIGKILL.

A run starts a temporary Prefect server, OCR worker processes and Tesseract; none
of them would notice their starter's death, and an orphaned Prefect server keeps its
port for good. So the run marks its environment with a token that every process it
starts inherits, and forks a small watchdog first. When the run ends, however it
ends, the watchdog kills every process still carrying the token, then exits itself.
"""
from __future__ import annotations

import os
import secrets
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MARK = "ORDERS_RUN_TOKEN"  # the environment variable every process of a run inherits
_POLL_S = 0.3


@contextmanager
def processes_die_with_run(token: str | None = None) -> Iterator[str]:
    """Mark this process's children and start the watchdog; yields the run's token: a
    new one, or `token`, which this process was started with (only a token in a
    process's first environment marks the children it forks: /proc shows them that).
    Call it before any thread starts (the watchdog is forked). Linux only; elsewhere
    it only marks."""
    token = token or secrets.token_hex(12)
    os.environ[MARK] = token
    if sys.platform == "linux":
        run = os.getpid()
        if os.fork() == 0:
            _watch(run, token)  # never returns
    yield token


def processes_with(variable: str, value: str) -> list[int]:
    """The ids of the living processes whose environment sets `variable` to `value`
    (this one excepted): a run's processes by its token."""
    needle = f"{variable}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or another user's
            continue
    return found


def _watch(run: int, token: str) -> None:
    """The watchdog: wait until the run is gone, then kill what it left."""
    try:
        os.setsid()  # out of the run's process group: a Ctrl-C or a group kill is the run's alone
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)  # never keep a caller's pipe open after the run has ended
        os.closerange(3, 65536)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while os.getppid() == run:
            time.sleep(_POLL_S)
        for pid in processes_with(MARK, token):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    finally:
        os._exit(0)
