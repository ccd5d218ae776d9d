"""Typed failures, every one the product reports, each with its exit code. Each
names the file (where there is one) and says what to do.

Per-file errors (`InputError` and its kinds) fail one document and let a batch go
on; a `SetupError` (a tool or service the machine lacks) stops the whole batch, since
every file would fail the same way. The CLI exits with the error's `exit_code`.
"""
from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """What `orders` exits with."""

    ok = 0
    input_failed = 1  # a file could not become a document (the others were stored)
    usage = 2  # wrong use of a command, or a query, correction or setting refused
    storage = 3  # the database or the disk cannot take the run
    setup = 4  # a tool or service the run needs is missing: Tesseract, the Prefect server
    interrupted = 130  # stopped by Ctrl-C (128 + SIGINT, as shells report it)


class OrdersError(Exception):
    """Base of every failure the pipeline reports to a user."""

    exit_code = ExitCode.input_failed
    remedy = ""

    def __init__(self, message: str, *, path: Path | str | None = None):
        self.path = Path(path) if path is not None else None
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path is not None else ""
        remedy = f" ({self.remedy})" if self.remedy else ""
        return f"{where}{self.message}{remedy}"

    def __reduce__(self):
        # Rebuilt from its parts when it crosses a process (an OCR worker, a Dask worker).
        return _rebuild, (type(self), self.message, self.path)


def _rebuild(kind: type[OrdersError], message: str, path: Path | None) -> OrdersError:
    return kind(message, path=path)


class InputError(OrdersError):
    """An input file cannot become a document; nothing is stored for it."""

    exit_code = ExitCode.input_failed


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


class EncryptedPdfError(InputError):
    remedy = "save the PDF without a password and ingest that copy"


class OcrFailedError(InputError):
    remedy = "the page image may be damaged; re-scan the page"


class DatabaseError(OrdersError):
    """The database cannot be reached or migrated."""

    exit_code = ExitCode.storage
    remedy = "check --db / ORDERS_DATABASE_URL and that the server is running"


class DatabaseUrlError(DatabaseError):
    """--db / ORDERS_DATABASE_URL is no database URL: wrong usage, not a broken database."""

    exit_code = ExitCode.usage
    remedy = "give --db / ORDERS_DATABASE_URL as e.g. sqlite:///data/processed/orders.db or postgresql://user@host/db"


class MissingDatabaseError(DatabaseError):
    """A command that only reads was given a database that does not exist."""

    remedy = "check --db / ORDERS_DATABASE_URL, or run `orders ingest` first to create it"


class UsageError(OrdersError):
    exit_code = ExitCode.usage


class StorageFullError(OrdersError):
    """Too little free space for a run to write its database and page images."""

    exit_code = ExitCode.storage
    remedy = "free some space, or point ORDERS_PROCESSED_DIR / --db at a disk with room"


class SetupError(OrdersError):
    """The machine lacks a tool or service every file needs: the batch stops."""

    exit_code = ExitCode.setup


class TesseractMissingError(SetupError):
    remedy = "install it: apt-get install tesseract-ocr tesseract-ocr-rus (scripts/setup.sh does)"


class PrefectUnavailableError(SetupError):
    """PREFECT_API_URL names a Prefect server that does not answer."""

    remedy = "start the server (prefect server start) or unset PREFECT_API_URL to run with a local one"


class DaskUnavailableError(SetupError):
    """--dask-address names a Dask scheduler that does not answer."""

    remedy = "start it (dask scheduler, README «On a Dask cluster») or give its address as tcp://HOST:PORT"


class IngestServiceError(SetupError):
    """The warm ingest process could not start, or ended during a run."""

    remedy = ("its log is named above; `orders server stop` ends it and the next command starts it anew, "
              "and ORDERS_WARM_INGEST=false runs each ingest in its own command")


class CorrectionError(OrdersError):
    """A reviewer's correction cannot be applied: its target or its value is wrong.
    Nothing is stored; the review page shows the message beside the form."""

    exit_code = ExitCode.usage
