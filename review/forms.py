"""What a request to the review page may carry: ids, page numbers and text fields,
each read with its limit. A value outside them is a `BadRequest` that the page
shows as a sentence, never a server error."""
from __future__ import annotations

import re

MAX_ID = 2**63 - 1  # the largest id any of the databases stores
MAX_PAGE = 100_000  # queue, registry and audit pages
MAX_BODY_BYTES = 256 * 1024  # a posted form; the largest (a bulk dismissal of 500 issues) is far smaller
MAX_BULK = 500  # issues dismissed at once
MAX_EXECUTORS = 100  # of one measure
LIMITS = {  # characters a text field may hold
    "entity": 64,
    "field": 64,
    "key": 4000,  # an issue's key holds its detail
    "value": 4000,  # a title is the longest value an order prints
    "comment": 1000,
    "reason": 1000,
    "name": 500,  # an organisation
    "q": 200,  # a search
}
_DECIMAL = re.compile(r"[0-9]{1,19}")


class BadRequest(Exception):
    """A request the page cannot act on; `message` says why in words a reviewer reads."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def row_id(value: str | None, what: str) -> int:
    """An id from a path or form («17»); anything else is «there is no document ‹value›» (404)."""
    text = (value or "").strip()
    if not _DECIMAL.fullmatch(text) or not 0 < int(text) <= MAX_ID:
        raise BadRequest(f"there is no {what} «{text[:40]}»", status=404)
    return int(text)


def optional_id(value: str | None, what: str) -> int | None:
    """An id that may be left out (an empty form field or no query parameter)."""
    return row_id(value, what) if (value or "").strip() else None


def optional_year(value: str | None) -> int | None:
    """A year filter («2023»); empty: none; anything else is a 400 naming it."""
    text = (value or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"(?:19|20)\d\d", text):
        raise BadRequest(f"«{text[:40]}» is not a year")
    return int(text)


def page_number(value: str | None) -> int:
    """A page of a listing, 1 to MAX_PAGE; a missing or unreadable one is the first."""
    text = (value or "").strip()
    return min(int(text), MAX_PAGE) if _DECIMAL.fullmatch(text) and int(text) > 0 else 1


def text(form, name: str, *, limit_name: str | None = None) -> str | None:
    """A text field within its length limit (LIMITS), or a BadRequest naming the field."""
    value = form.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadRequest(f"«{name}» must be text, not a file")
    limit = LIMITS[limit_name or name]
    if len(value) > limit:
        raise BadRequest(f"«{name}» is {len(value)} characters long; at most {limit} are kept", status=413)
    return value
