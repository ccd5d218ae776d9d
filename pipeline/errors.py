"""Typed failures. Each names the file (where there is one) and says what to do.

Per-file errors (`InputError` and its kinds) fail one document and let a batch go
on; the CLI maps every error class to an exit code.
"""
from __future__ import annotations

from pathlib import Path


class OrdersError(Exception):
    """Base of every failure the pipeline reports to a user."""

    exit_code = 1
    remedy = ""

    def __init__(self, message: str, *, path: Path | str | None = None):
        self.path = Path(path) if path is not None else None
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path is not None else ""
        remedy = f" ({self.remedy})" if self.remedy else ""
        return f"{where}{self.message}{remedy}"


class InputError(OrdersError):
    """An input file cannot become a document; nothing is stored for it."""

    exit_code = 1


class EmptyInputError(InputError):
    remedy = "the file has no content; re-export it from the source system"


class UnsupportedFormatError(InputError):
    remedy = "supported inputs are .docx, .txt, .pdf and page images"


class CorruptFileError(InputError):
    remedy = "the file is damaged or is not what its extension says; re-export it"


class UnreadableFileError(InputError):
    remedy = "check that the file exists and that you may read it"


class NotAnOrderError(InputError):
    remedy = "the text has no measures, funding, indicators or tasks of an order"


class NotRussianError(InputError):
    remedy = "the pipeline reads Russian orders; check that the file belongs in this batch"


class DatabaseError(OrdersError):
    """The database cannot be reached or migrated."""

    exit_code = 3
    remedy = "check --db / ORDERS_DATABASE_URL and that the server is running"


class MissingDatabaseError(DatabaseError):
    """A command that only reads was given a database that does not exist."""

    remedy = "check --db / ORDERS_DATABASE_URL, or run `orders ingest` first to create it"


class UsageError(OrdersError):
    exit_code = 2


class StorageFullError(OrdersError):
    """Too little free space for a run to write its database and page images."""

    exit_code = 3
    remedy = "free some space, or point ORDERS_PROCESSED_DIR / --db at a disk with room"


class PrefectUnavailableError(OrdersError):
    """PREFECT_API_URL names a Prefect server that does not answer."""

    exit_code = 4
    remedy = "start the server (prefect server start) or unset PREFECT_API_URL to run with a local one"


class CorrectionError(OrdersError):
    """A reviewer's correction cannot be applied: its target or its value is wrong.
    Nothing is stored; the review page shows the message beside the form."""

    exit_code = 2
