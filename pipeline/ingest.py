"""Which files to ingest, and the outcome of each: the plain logic the flows run."""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import OrdersError, UnreadableFileError
from pipeline.stages import READERS


@dataclass
class FileOutcome:
    """What happened to one input file in a run."""

    path: str
    status: str  # new | unchanged | replaced | failed
    reason: str = ""
    document_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage

    @property
    def failed(self) -> bool:
        return self.status == "failed"


def discover(paths: list[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Files to ingest from files and folders (folders recursively, supported types only).

    A path given twice is ingested once; a missing path is a failure of its own.
    """
    found: list[Path] = []
    failures: list[FileOutcome] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS
                                and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.exists():
            candidates = [path]
        else:
            failures.append(failed(path, UnreadableFileError("no such file or folder", path=path)))
            continue
        for candidate in candidates:
            key = candidate.resolve()
            if key in seen:
                continue
            seen.add(key)
            found.append(candidate)
    return found, failures


def failed(path: Path, error: OrdersError) -> FileOutcome:
    return FileOutcome(str(path), "failed", reason=str(error))


class StageTimer:
    """Seconds spent per stage, for the run report: `with timer("parse"): …`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.perf_counter() - start, 4)
