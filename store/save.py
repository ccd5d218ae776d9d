"""Saving one extracted document in one transaction: either all of its rows are
written or none. Money stays `Decimal` from the records to the database.

    result = save_document(sessions, doc, fingerprint=sha, source_path=path, pipeline_version="1")
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import db, mapping, records
from store import corrections
from store.database import write_transaction
from store.load import printed_names
from store.registry import ensure_regions, register_organizations


@dataclass
class SaveResult:
    """What `save_document` did: outcome is "new", "unchanged" or "replaced"."""

    document_id: int
    outcome: str
    counts: dict[str, int] = field(default_factory=dict)  # records written, by kind; empty if unchanged


def save_document(
    sessions: sessionmaker[Session],
    doc: records.ExtractedDocument,
    *,
    fingerprint: str,
    source_path: str,
    pipeline_version: str,
    source_key: str | None = None,
    force: bool = False,
) -> SaveResult:
    """Store one extracted document in one transaction.

    A document is its file's place, `source_key` (default: the file name). The
    same bytes stored under that key already: nothing is written ("unchanged"),
    unless `force`. Other bytes under that key (or forced): the stored version is
    deleted and the new one inserted in the same transaction, with the same id
    ("replaced"). The same bytes in another place are another document.
    Organisations go to the shared registry (one row per canonical name and region,
    aliases accumulating). The reviewers' corrections of the act are applied on top
    and the document re-validated. On any error the transaction is rolled back and
    the database is exactly as before; the error propagates.
    """
    key = source_key or doc.source_file
    with write_transaction(sessions) as session:
        previous = session.scalar(select(db.Document).where(db.Document.source_key == key))
        if previous is not None and previous.fingerprint == fingerprint and not force:
            return SaveResult(previous.id, "unchanged")
        issue_ids = _issue_ids(previous)  # before the delete: the new version keeps them
        if previous is not None:
            session.delete(previous)  # the database cascades to every per-document row
            session.flush()  # before the insert, which reuses the unique source_key and the id
        document = _insert_document(session, doc, fingerprint=fingerprint, source_path=source_path,
                                    pipeline_version=pipeline_version, source_key=key, replacing=previous,
                                    issue_ids=issue_ids)
        corrections.reapply_registry(session, document)
        corrections.reapply(session, document, issue_ids)
        return SaveResult(document.id, "replaced" if previous else "new", _record_counts(doc))


def _issue_ids(document: db.Document | None) -> dict[str, int]:
    """The ids of a stored version's issues by natural key."""
    if document is None:
        return {}
    return dict(zip(records.issue_keys(document.issues), (x.id for x in document.issues)))


def stored_document_id(sessions: sessionmaker[Session], source_key: str, fingerprint: str) -> int | None:
    """The id of the document stored under `source_key` with these file bytes, or None.

    Lets an ingest skip reading a file that is already stored; `save_document`
    checks again inside its transaction.
    """
    with sessions() as session:
        return session.scalar(select(db.Document.id).where(db.Document.source_key == source_key,
                                                           db.Document.fingerprint == fingerprint))


def _insert_document(
    session: Session,
    doc: records.ExtractedDocument,
    *,
    fingerprint: str,
    source_path: str,
    pipeline_version: str,
    source_key: str,
    replacing: db.Document | None = None,
    issue_ids: dict[str, int],
) -> db.Document:
    """The document's rows; replacing a stored version, it keeps that version's id and
    its issues' ids (`issue_ids` by natural key), so that the review page's links hold."""
    # Registry rows first: building the document below must not run queries, which
    # would autoflush a half-built document.
    ensure_regions(session, doc)
    registry = register_organizations(session, doc)
    document = _document_row(doc, id=replacing.id if replacing else None, source_key=source_key,
                             fingerprint=fingerprint, source_path=source_path, pipeline_version=pipeline_version)
    _add_records(document, doc, registry, issue_ids)
    session.add(document)
    session.flush()  # assigns the row ids that provenance refers to
    names = printed_names(document)
    for link in (*document.issuers, *(e for m in document.measures for e in m.executors)):
        link.name = names[link.organization_id]
    session.add_all(_provenance_rows(document, doc))
    return document


def _document_row(doc: records.ExtractedDocument, **identity) -> db.Document:
    """The document's own row: its file (`identity`), its act and how it was read."""
    h = doc.header
    return db.Document(
        **identity,
        act_key=h.act_key(identity["source_key"]),
        source_file=doc.source_file,
        format=doc.format,
        page_count=doc.page_count,
        doc_type=h.doc_type,
        doc_number=h.doc_number,
        doc_date=h.doc_date,
        title=h.title,
        region_code=h.region_code,
        region_name=h.region,
        municipality=h.municipality,
        period_start=h.period_start,
        period_end=h.period_end,
        status="needs_review" if doc.issues else "ok",
        page_sizes=[list(size) if size else None for size in doc.page_sizes],
    )


def _add_records(document: db.Document, doc: records.ExtractedDocument, registry: dict[str, db.Organization],
                 issue_ids: dict[str, int]) -> None:
    """The rows of everything the document holds, each in its printed order."""
    h = doc.header
    document.organizations = [_document_organization(o, registry, i) for i, o in enumerate(doc.organizations)]
    document.issuers = [db.DocumentIssuer(organization=registry[db.loose_name(name)], position=i)
                        for i, name in enumerate(h.issuers)]
    document.tasks = [mapping.TASK.to_row(t, position=i) for i, t in enumerate(doc.tasks)]
    document.measures = [_measure(m, registry, i) for i, m in enumerate(doc.measures)]
    document.funding = [mapping.FUNDING.to_row(f, position=i) for i, f in enumerate(doc.funding)]
    document.indicators = [_indicator(ind, i) for i, ind in enumerate(doc.indicators)]
    document.target_groups = [mapping.TARGET_GROUP.to_row(g, position=i) for i, g in enumerate(doc.target_groups)]
    document.tables = [db.DocumentTable(rows=_table_json(t), position=i) for i, t in enumerate(doc.tables)]
    document.signatories = [mapping.SIGNATORY.to_row(s, position=i) for i, s in enumerate(doc.signatories)]
    document.issues = [db.Issue.of(x, i, issue_ids.get(key))
                       for i, (key, x) in enumerate(zip(records.issue_keys(doc.issues), doc.issues))]
    document.stated_amounts = [db.StatedAmount(year=year, amount=amount, sentence=sentence, position=i)
                               for i, (year, amount, sentence) in enumerate(doc.stated_amounts)]

def _document_organization(
    org: records.Organization, registry: dict[str, db.Organization], position: int
) -> db.DocumentOrganization:
    return db.DocumentOrganization(
        organization=registry[db.loose_name(org.name)],
        name=org.name,
        kind=org.kind,
        aliases=list(org.aliases),
        position=position,
    )


def _measure(m: records.Measure, registry: dict[str, db.Organization], position: int) -> db.Measure:
    executors = [db.MeasureExecutor(organization=registry[db.loose_name(name)], position=i,
                                    by_agreement=name in m.by_agreement) for i, name in enumerate(m.executors)]
    return mapping.MEASURE.to_row(m, position=position, executors=executors)


def _indicator(ind: records.Indicator, position: int) -> db.Indicator:
    values = [mapping.INDICATOR_VALUE.to_row(v, position=i) for i, v in enumerate(ind.values)]
    return mapping.INDICATOR.to_row(ind, position=position, values=values)


def _provenance_rows(document: db.Document, doc: records.ExtractedDocument) -> list[db.Provenance]:
    """One provenance row per stored record that knows where it was printed."""
    pairs = [
        *(("task", row, rec) for row, rec in zip(document.tasks, doc.tasks)),
        *(("measure", row, rec) for row, rec in zip(document.measures, doc.measures)),
        *(("funding", row, rec) for row, rec in zip(document.funding, doc.funding)),
        *(("indicator", row, rec) for row, rec in zip(document.indicators, doc.indicators)),
        *(("issue", row, rec) for row, rec in zip(document.issues, doc.issues)),
    ]
    return [
        _provenance_row(document.id, entity, row.id, rec.provenance)
        for entity, row, rec in pairs
        if rec.provenance != records.Provenance()
    ]


def _provenance_row(document_id: int, entity: str, entity_id: int, p: records.Provenance) -> db.Provenance:
    box = p.bbox
    return db.Provenance(
        document_id=document_id,
        entity=entity,
        entity_id=entity_id,
        field=None,  # the records keep one provenance for the whole record
        page=p.page,
        x0=box.x0 if box else None,
        y0=box.y0 if box else None,
        x1=box.x1 if box else None,
        y1=box.y1 if box else None,
        raw_text=p.raw_text,
        confidence=p.confidence,
    )


def _record_counts(doc: records.ExtractedDocument) -> dict[str, int]:
    return {
        "organizations": len(doc.organizations),
        "tasks": len(doc.tasks),
        "measures": len(doc.measures),
        "funding": len(doc.funding),
        "indicators": len(doc.indicators),
        "target_groups": len(doc.target_groups),
        "signatories": len(doc.signatories),
        "issues": len(doc.issues),
    }


def _table_json(table: list[list[records.TableCell]]) -> list:
    return [[{**asdict(c), "bbox": [c.bbox.x0, c.bbox.y0, c.bbox.x1, c.bbox.y1] if c.bbox else None} for c in row]
            for row in table]
