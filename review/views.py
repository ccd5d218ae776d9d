"""What the review pages show, read from the database: a document with the values a
reviewer may correct, each with its key, its history and where it was printed."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import db
from pipeline.corrections import funding_key, indicator_value_key, stated_amount_key
from pipeline.load import LOAD_OPTIONS

History = dict[tuple[str, str, str], list[db.Correction]]


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
    page: int | None = None
    highlights: list[Highlight] = field(default_factory=list)


@dataclass
class DocumentView:
    document: db.Document
    history: History
    focus: Focus | None
    issue: db.Issue | None
    organizations: list[str]  # registry names an executor may be picked from

    def focused(self) -> list:
        """The rows the issue names: a measure's funding rows, an indicator and its parts, a measure."""
        return _rows(self.document, self.focus) if self.focus else []

    def changes(self, entity: str, key: str, field_: str) -> list[db.Correction]:
        return self.history.get((entity, key, field_), [])

    @staticmethod
    def keys():
        """The natural-key functions, for the templates."""
        return {"funding": funding_key, "stated_amount": stated_amount_key, "indicator_value": indicator_value_key}


def document_view(session: Session, document_id: int, issue_id: int | None, pages_dir: Path) -> DocumentView | None:
    """Everything the document page shows; None if there is no such document."""
    document = session.scalar(select(db.Document).where(db.Document.id == document_id).options(*LOAD_OPTIONS))
    if document is None:
        return None
    issue = session.get(db.Issue, issue_id) if issue_id else None
    if issue is not None and issue.document_id != document.id:
        issue = None
    focus = _focus(session, document, issue, pages_dir) if issue else None
    names = session.scalars(select(db.Organization.name).where(
        (db.Organization.region_code == document.region_code) | (db.Organization.region_code.is_(None))
    ).order_by(db.Organization.name))
    return DocumentView(document, corrections_by_value(session, document.source_file), focus, issue, list(names))


def corrections_by_value(session: Session, source_file: str) -> History:
    """Every correction of the file, oldest first, by the value it changes."""
    history: History = defaultdict(list)
    rows = session.scalars(select(db.Correction).where(db.Correction.source_file == source_file)
                           .order_by(db.Correction.created_at, db.Correction.id))
    for c in rows:
        history[(c.entity, c.entity_key, c.field)].append(c)
    return history


_WHERE = re.compile(r"^(?P<entity>funding|measure|indicator|task|document|page)\s+(?P<code>\S+)")


def _focus(session: Session, document: db.Document, issue: db.Issue, pages_dir: Path) -> Focus | None:
    m = _WHERE.match(issue.where_)
    if not m:
        return None
    provenance = {(p.entity, p.entity_id): p for p in
                  session.scalars(select(db.Provenance).where(db.Provenance.document_id == document.id))}
    entity, code = m.group("entity"), m.group("code")
    focus = Focus(entity, None if (entity, code) == ("funding", "total") else code)
    boxes = [provenance.get(("issue", issue.id))] + [provenance.get((entity, row.id)) for row in _rows(document, focus)]
    for p in boxes:
        if p is None or p.page is None:
            continue
        focus.page = focus.page or p.page
        box = _highlight(document, p)
        if box and box.page == focus.page:
            focus.highlights.append(box)
    if entity == "page":
        focus.page = int(code) if code.isdigit() else None
    if focus.page and not page_image(pages_dir, document, focus.page):
        focus.page = None
    return focus


def _rows(document: db.Document, focus: Focus) -> list:
    by_entity = {
        "funding": [r for r in document.funding if r.measure_code == focus.code],
        "measure": [r for r in document.measures if r.code == focus.code],
        "indicator": [r for r in document.indicators if r.code == focus.code or _part_of(r.code, focus.code)],
        "task": [r for r in document.tasks if r.code == focus.code],
    }
    return by_entity.get(focus.entity, [])


def _part_of(code: str | None, parent: str | None) -> bool:
    """«7.2» is a part («в том числе») of indicator «7»."""
    return bool(code and parent) and code.startswith(parent + ".")


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
