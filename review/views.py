"""What the review pages show, read from the database: a document with the values a
reviewer may correct, each with its key, its history and where it was printed."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import db
from models.records import IssuePlace, ValueRef
from store.corrections import funding_key, indicator_value_key, issue_key, stated_amount_key
from store.load import LOAD_OPTIONS

History = dict[tuple[str, str, str], list[db.Correction]]

# The parts of a document page loaded on demand (`/documents/N/sections/NAME`), in page order.
SECTIONS = ("issues", "organizations", "tasks", "measures", "funding", "indicators")


@dataclass
class Highlight:
    """A box on a page image, in percent of the page (what CSS positions by)."""

    page: int
    left: float
    top: float
    width: float
    height: float


@dataclass
class Focus:
    """The part of the document an issue points at («funding 4.2», «indicator 7»)."""

    entity: str  # funding | measure | indicator | task | document | page
    code: str | None  # None: the document's totals («funding total»)
    value: ValueRef | None = None  # the value that settles the issue: its field gets the keyboard focus
    page: int | None = None
    highlights: list[Highlight] = field(default_factory=list)
    printed: list[list[dict]] = field(default_factory=list)  # the table rows as printed (text and Word files)
    printed_head: int = 0  # how many of them are the table's header


@dataclass
class Dismissal:
    """Who dismissed an issue, when and why; `correction_id` undoes it."""

    correction_id: int
    author: str
    reason: str | None
    when: object


@dataclass
class DocumentView:
    document: db.Document
    history: History
    focus: Focus | None
    issue: db.Issue | None
    missing_issue: str | None = None  # the issue asked for is not in the document (any longer)
    dismissal: Dismissal | None = None
    section: str | None = None  # a section shown in full (no script, or back from saving in it)
    organizations: list[str] = field(default_factory=list)  # registry names an executor may be picked from

    def focused(self) -> list:
        """The rows the issue names: a measure's funding rows, an indicator and its parts, a measure."""
        return _rows(self.document, self.focus) if self.focus else []

    def changes(self, entity: str, key: str, field_: str) -> list[db.Correction]:
        return self.history.get((entity, key, field_), [])

    def is_focus(self, entity: str, key: str, field_: str) -> bool:
        """Is this the value the issue names (the field that gets the keyboard focus)?"""
        return bool(self.focus and self.focus.value == (entity, key, field_))

    def task_funding(self) -> list[db.Funding]:
        """The subtotal rows of the task the issue names («task 2»)."""
        return task_funding(self.document, self.focus.code) if self.focus and self.focus.entity == "task" else []

    def orphans(self) -> list[db.Correction]:
        return [c for changes in self.history.values() for c in changes if c.orphaned]

    @staticmethod
    def keys():
        """The natural-key functions, for the templates."""
        return {"funding": funding_key, "stated_amount": stated_amount_key, "indicator_value": indicator_value_key}


def document_view(session: Session, document_id: int, issue_id: int | None, pages_dir: Path,
                  section: str | None = None) -> DocumentView | None:
    """Everything the document page shows; None if there is no such document."""
    document = session.scalar(select(db.Document).where(db.Document.id == document_id).options(*LOAD_OPTIONS))
    if document is None:
        return None
    issue = session.get(db.Issue, issue_id) if issue_id else None
    missing = None
    if issue_id and (issue is None or issue.document_id != document.id):
        issue, missing = None, f"issue {issue_id} is not in the latest extraction of this document"
    history = corrections_by_value(session, document.act_key)
    view = DocumentView(document, history, _focus(session, document, issue, pages_dir) if issue else None, issue,
                        missing, _dismissal(history, document, issue) if issue else None,
                        section if section in SECTIONS else None)
    if view.section in ("measures", "organizations") or (view.focus and view.focus.entity == "measure"):
        view.organizations = registry_names(session, document)
    return view


def registry_names(session: Session, document: db.Document) -> list[str]:
    """The registry's names an executor of the document may be picked from."""
    return list(session.scalars(select(db.Organization.name).where(
        (db.Organization.region_code == document.region_code) | (db.Organization.region_code.is_(None))
    ).order_by(db.Organization.name)))


def corrections_by_value(session: Session, act_key: str) -> History:
    """Every correction of the act, oldest first, by the value it changes."""
    history: History = defaultdict(list)
    rows = session.scalars(select(db.Correction).where(db.Correction.act_key == act_key)
                           .order_by(db.Correction.created_at, db.Correction.id))
    for c in rows:
        history[(c.entity, c.entity_key, c.field)].append(c)
    return history


def _dismissal(history: History, document: db.Document, issue: db.Issue) -> Dismissal | None:
    active = [c for c in history.get(("issue", issue_key(document, issue), "status"), [])
              if c.status == "active" and c.new_value == "dismissed"]
    if issue.status != "dismissed" or not active:
        return None
    c = active[-1]
    return Dismissal(c.id, c.author, c.comment, c.created_at)


def _focus(session: Session, document: db.Document, issue: db.Issue, pages_dir: Path) -> Focus | None:
    entity, code = issue.entity, issue.field if issue.entity == "document" else issue.code
    if entity == "table" or (entity == "document" and code is None):
        return None  # the document's tables or the whole document: no one place to show
    focus = Focus(entity, code, issue.value)
    if entity == "page":
        focus.page = int(code)
    provenance = {(p.entity, p.entity_id): p for p in
                  session.scalars(select(db.Provenance).where(db.Provenance.document_id == document.id))}
    # Only the cells the issue names: the value that settles it, else the issue's own cell, else its rows.
    named = [provenance.get(("funding", r.id)) for r in _named_funding(document, focus)]
    boxes = [p for p in named if p] or [provenance.get(("issue", issue.id))]
    if not any(boxes):
        boxes = [provenance.get((entity, r.id)) for r in _rows(document, focus)]
    for p in boxes:
        if p is None or p.page is None:
            continue
        focus.page = focus.page or p.page
        box = _highlight(document, p)
        if box and box.page == focus.page and box not in focus.highlights:
            focus.highlights.append(box)
    if focus.page and not page_image(pages_dir, document, focus.page):
        focus.page = None
    if not focus.page:
        focus.printed, focus.printed_head = printed_rows(document, focus)
    return focus


def _named_funding(document: db.Document, focus: Focus) -> list[db.Funding]:
    """The funding cells an issue names: its amount, and for a row amount its sources of that year."""
    if not focus.value or focus.value.entity != "funding":
        return []
    target = next((r for r in document.funding if funding_key(r) == focus.value.key), None)
    if target is None:
        return []
    if target.source != "all":
        return [target]
    return [r for r in document.funding if _cell_of(r) == _cell_of(target)]


def _cell_of(row: db.Funding) -> tuple:
    """The printed row and column of an amount: whose, which year or part of it, plan or fact."""
    return row.measure_code, row.task_code, row.year, row.period, row.basis


def task_funding(document: db.Document, code: str | None) -> list[db.Funding]:
    """The subtotal rows of a task («Итого по задаче 2»)."""
    return [r for r in document.funding if code is not None and r.measure_code is None and r.task_code == code]


def _rows(document: db.Document, focus: Focus) -> list:
    by_entity = {
        "funding": [r for r in document.funding if r.measure_code == focus.code
                    and (focus.code is not None or r.task_code is None)],  # «funding total»: not task subtotals
        "measure": [r for r in document.measures if r.code == focus.code],
        "indicator": [r for r in document.indicators if r.code == focus.code or _part_of(r.code, focus.code)],
        "task": [r for r in document.tasks if r.code == focus.code],
    }
    return by_entity.get(focus.entity, [])


def _part_of(code: str | None, parent: str | None) -> bool:
    """«7.2» is a part («в том числе») of indicator «7»."""
    return bool(code and parent) and code.startswith(parent + ".")


def printed_rows(document: db.Document, focus: Focus) -> tuple[list[list[dict]], int]:
    """The printed row of the measure or indicator an issue is about, with the top
    header row of its table above it: what a reviewer of a text or Word file sees
    instead of a page image. The row starts with the code; rows that also carry the
    title come first, then, for amounts and values, the row with the most numbers
    (a measure prints in its plan and again in its financing table). Also how many of
    the rows are the table's header."""
    if not focus.code:
        return [], 0
    found = [(table.rows, index) for table in document.tables for index, row in enumerate(table.rows or [])
             if index and any(_code_of(cell["text"]) == focus.code for cell in row[:2])]
    if not found:
        return [], 0
    start = _loose(_title_of(document, focus) or "")[:30]
    numbers = 1 if focus.entity in ("funding", "indicator") else -1

    def rank(candidate: tuple[list, int]) -> tuple[bool, int]:
        cells = candidate[0][candidate[1]]
        titled = bool(start) and any(_loose(c["text"]).startswith(start) for c in cells)
        return titled, numbers * sum(bool(_NUMBER.fullmatch(c["text"].strip())) for c in cells)

    rows, index = max(found, key=rank)
    span = max((cell.get("row_span") or 1) for cell in rows[index])
    header = _header_rows(rows)
    return _laid_out([*header, *rows[index:index + span]]), len(header)


def _header_rows(rows: list[list[dict]]) -> list[list[dict]]:
    """The rows above the first one that starts with a code or is a heading of one
    cell (at most three)."""
    header = []
    for row in rows[:3]:
        filled = [c for c in row if c["text"].strip()]
        if row and _ROW_CODE.fullmatch(_code_of(row[0]["text"])) or header and len(filled) == 1:
            break
        header.append(row)
    return header or rows[:1]


def _laid_out(rows: list[list[dict]]) -> list[list[dict]]:
    """Rows as HTML lays them out: spans clipped to the rows shown, and an empty cell
    for every column nothing printed in covers (the cells above or beside it were
    not taken along)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        cells, column = [], 0
        for cell in sorted(row, key=lambda c: c["col"]):
            while column < cell["col"]:
                if (r, column) not in taken:
                    cells.append({"text": "", "col_span": 1, "row_span": 1})
                column += 1
            row_span = min(cell.get("row_span") or 1, len(rows) - r)
            col_span = cell.get("col_span") or 1
            taken.update((r + i, cell["col"] + k) for i in range(row_span) for k in range(col_span))
            cells.append({"text": cell["text"], "col_span": col_span, "row_span": row_span})
            column = cell["col"] + col_span
        out.append(cells)
    return out


_ROW_CODE = re.compile(r"(?!\d{4}$)\d{1,3}(\.\d+)*\.?|[IVXХ]+\.?")


_NUMBER = re.compile(r"[\d\s.,]*\d")


def _loose(text: str) -> str:
    return " ".join(text.lower().split())


def _title_of(document: db.Document, focus: Focus) -> str | None:
    """The title printed in the row of the measure or indicator the issue is about."""
    rows = document.indicators if focus.entity == "indicator" else document.measures
    return next((r.title for r in rows if r.code == focus.code), None)


def _code_of(text: str) -> str:
    return text.strip().rstrip(".").strip()


def _highlight(document: db.Document, p: db.Provenance) -> Highlight | None:
    sizes = document.page_sizes or []
    size = sizes[p.page - 1] if 0 < p.page <= len(sizes) else None
    if not size or p.x0 is None:
        return None
    width, height = size
    return Highlight(p.page, 100 * p.x0 / width, 100 * p.y0 / height,
                     100 * (p.x1 - p.x0) / width, 100 * (p.y1 - p.y0) / height)


def page_image(pages_dir: Path, document: db.Document, page: int) -> Path | None:
    """The stored image of a page (PDFs and scans keep one), or None."""
    path = pages_dir / document.source_file / f"{page}.jpg"
    return path if path.is_file() else None


# --------------------------------------------------------------------------- corrections as people read them

_ENTITY_NAMES = {"funding": "funding", "stated_amount": "amount stated in the text", "indicator_value": "indicator",
                 "indicator": "indicator", "measure": "measure", "task": "task", "document": "document",
                 "organization": "organisation", "issue": "issue"}
_FIELD_NAMES = {"amount": "amount", "doc_number": "number", "doc_date": "date", "base_value": "base value",
                "expected_result": "expected result", "merged_into": "merged into", "split_to": "split to",
                "status": "status"}


def value_label(entity: str, key: str, field_: str) -> str:
    """«funding 4.2 · 2021 · all sources · amount», «funding task 2 · 2019-Q1 · all sources
    · fact · amount», «issue sum_mismatch · funding 4.2 · status»."""
    if entity == "funding":
        key = _funding_label(key)
    elif entity == "issue":
        key = _issue_label(key)
    elif entity == "organization":
        key = key.split("|", 1)[-1]
    elif entity == "stated_amount":
        key = "whole period" if key == "all" else key
    name = _ENTITY_NAMES.get(entity, entity)
    return " · ".join(p for p in (f"{name} {key}".strip(), _FIELD_NAMES.get(field_, field_)) if p)


def _issue_label(key: str) -> str:
    """An issue's natural key (records.issue_keys) as people read it: «sum_mismatch ·
    indicator 13 · value · 2020-Q1»."""
    kind, entity, code, field_, period = (key.split("|") + [""] * 5)[:5]
    return f"{kind} · {IssuePlace(entity, code or None, field_ or None, period or None).label}"


def _funding_label(key: str) -> str:
    """A funding key (see `funding_value_key`: owner, year or period, source, and the
    basis unless plan) as people read it: «task 2 · 2019-Q1 · all sources · fact»."""
    words = key.split(" ")
    owner, when, source = (words + ["", "", ""])[:3]
    if owner == "total":
        owner = "document total"
    elif owner.startswith("task:"):
        owner = "task " + owner.removeprefix("task:")
    parts = [owner, "whole period" if when == "all" else when, "all sources" if source == "all" else source,
             *(b for b in words[3:] if b != "plan")]
    return " · ".join(p for p in parts if p)


def shown_value(field_: str, value: str | None) -> str:
    """A corrected value of `field_` as a person reads it: executors as «A; B», not a JSON list."""
    if value is None:
        return "—"
    if field_ == "executors":
        try:
            return "; ".join(json.loads(value)) or "(none)"
        except (ValueError, TypeError):
            return value
    return value


# --------------------------------------------------------------------------- what an edit did

IssueStates = dict[int, tuple[str, str]]


def issue_states(issues: list[db.Issue]) -> IssueStates:
    """Each issue's status and detail before an edit, to tell afterwards what the edit settled."""
    return {x.id: (x.status, x.detail) for x in issues}


def correction_message(done: db.Correction | None, label: str, before: IssueStates, issues: list[db.Issue]) -> str:
    """«saved: funding 4.2 · 2021 · all sources · amount 1028.00 → 1028000.00; closed: sum_mismatch ·
    funding 4.2»: what changed, and which issues the edit closed and opened."""
    if done is None:
        return f"nothing changed: {label} already holds that value"
    old, new = (_brief(shown_value(done.field, value)) for value in (done.old_value, done.new_value))
    change = f"saved: {label} {old} → {new}"
    return "; ".join([change, *issue_changes(before, issues)])


def issue_changes(before: IssueStates, issues: list[db.Issue]) -> list[str]:
    """«closed: …», «opened: …», «still failing: …»: the issues an edit (or its revert)
    settled, raised, or left failing with other figures."""
    was = {id_: status for id_, (status, _) in before.items()}
    closed = [x for x in issues if was.get(x.id) == "open" and x.status == "closed"]
    opened = [x for x in issues if x.status == "open" and was.get(x.id) != "open"]
    changed = [x for x in issues if x.status == "open" and was.get(x.id) == "open" and before[x.id][1] != x.detail]
    return [f"{what}: " + ", ".join(f"{x.kind} · {x.place.label} ({_brief(x.detail, 80)})" for x in group[:5])
            + (f" and {len(group) - 5} more" if len(group) > 5 else "")
            for what, group in (("closed", closed), ("opened", opened), ("still failing", changed)) if group]


def _brief(text: str, limit: int = 100) -> str:
    """A value short enough for a message (the message travels in the session cookie)."""
    return text if len(text) <= limit else text[:limit - 1] + "…"
