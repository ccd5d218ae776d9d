"""The review queue as stored: issues with the file they belong to, filtered and
ordered by severity."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql import Select

from models import db
from models.errors import UsageError


@dataclass(frozen=True)
class IssueView:
    """An entry of the review queue with the file it belongs to."""

    id: int
    document_id: int
    source_file: str
    region_code: str | None
    kind: str
    place: str  # IssuePlace.label: «funding 4.2 · regional_budget · 2021»
    detail: str
    status: str
    created_at: dt.datetime
    act_key: str = ""
    act: str = ""  # the act as a reviewer knows it: «приказ № 12 от 14.03.2024», else its title, else the file


# The queue's order: what changes the numbers researchers read comes first.
SEVERITY = ("sum_mismatch", "unrecognised_table", "unread_value", "missing_value", "unresolved_org", "ocr_suspect",
            "other")


def severity_rank():
    """An SQL expression ranking issues by SEVERITY."""
    return case({kind: rank for rank, kind in enumerate(SEVERITY)}, value=db.Issue.kind)


# The place as the export names it (IssuePlace.where), for a search: «funding 4.2», «funding total»
_place_text = case(
    (db.Issue.entity == "document", "document " + func.coalesce(db.Issue.field, "")),
    (db.Issue.code.is_(None), db.Issue.entity + " total"),
    else_=db.Issue.entity + " " + db.Issue.code)


@dataclass(frozen=True)
class IssueFilter:
    """Which issues to list; None matches everything."""

    status: str | None = "open"
    document: str | None = None  # file name
    region: str | None = None  # ISO code
    kind: str | None = None
    text: str | None = None  # found in the place, the detail or the file name, in any case

    def check(self) -> None:
        if self.status is not None and self.status not in db.ISSUE_STATUSES:
            raise UsageError(f"unknown issue status «{self.status}»; use one of {', '.join(db.ISSUE_STATUSES)}")
        if self.kind is not None and self.kind not in SEVERITY:
            raise UsageError(f"unknown issue kind «{self.kind}»; use one of {', '.join(SEVERITY)}")

    def apply(self, query: Select) -> Select:
        conditions = [(db.Issue.status, self.status), (db.Document.source_file, self.document),
                      (db.Document.region_code, self.region), (db.Issue.kind, self.kind)]
        query = query.where(*(column == value for column, value in conditions if value is not None))
        if self.text:
            query = query.where(or_(*(column.icontains(self.text, autoescape=True)
                                      for column in (_place_text, db.Issue.detail, db.Document.source_file))))
        return query


def list_issues(sessions: sessionmaker[Session], which: IssueFilter = IssueFilter(), *,
                limit: int | None = None, offset: int = 0) -> list[IssueView]:
    """Review issues grouped by act (the files of one act together), within an act the
    most consequential first (sum mismatches before doubtful words), then by file and
    printed order."""
    which.check()
    query = which.apply(
        select(db.Issue, db.Document).join(db.Document, db.Issue.document_id == db.Document.id)
    ).order_by(db.Document.act_key, severity_rank(), db.Document.source_file, db.Issue.position)
    with sessions() as session:
        return [
            IssueView(
                id=issue.id,
                document_id=issue.document_id,
                source_file=document.source_file,
                region_code=document.region_code,
                kind=issue.kind,
                place=issue.place.label,
                detail=issue.detail,
                status=issue.status,
                created_at=issue.created_at,
                act_key=document.act_key,
                act=act_label(document),
            )
            for issue, document in session.execute(query.limit(limit).offset(offset))
        ]


def act_label(document: db.Document) -> str:
    """«приказ № 12 от 14.03.2024 (RU-TVE)», else the title, else the file: how a reviewer names the act."""
    if document.doc_number or document.doc_date:
        number = f" № {document.doc_number}" if document.doc_number else ""
        date = f" от {document.doc_date:%d.%m.%Y}" if document.doc_date else ""
        return f"{document.doc_type or 'акт'}{number}{date}" + (f" ({document.region_code})" if document.region_code else "")
    return document.title or document.source_file


def count_issues(sessions: sessionmaker[Session], which: IssueFilter = IssueFilter()) -> int:
    """How many issues `list_issues` would list without a limit."""
    which.check()
    query = which.apply(select(func.count()).select_from(db.Issue).join(db.Document))
    with sessions() as session:
        return session.scalar(query)
