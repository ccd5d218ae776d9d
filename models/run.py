"""What an ingest run is asked, and what became of each of its files: the records
every way of running it passes between processes."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FileOutcome:
    """What happened to one input file in a run."""

    path: str
    status: str  # new | unchanged | replaced | failed | skipped
    reason: str = ""
    document_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage

    @property
    def failed(self) -> bool:
        return self.status == "failed"


@dataclass(frozen=True)
class IngestRequest:
    """An ingest as the command line gave it: paths as typed (relative to the command's
    folder), the database, and how to run."""

    paths: list[str]
    database_url: str
    force: bool = False
    source_key: str | None = None
    workers: int = 0
    dask_address: str | None = None


def stage_line(path: str | Path, stage: str, seconds: float) -> str:
    """«/data/raw/a.docx: read done in 0.42 s»: one stage of one file, as logs print it."""
    return f"{path}: {stage} done in {seconds:.2f} s"
