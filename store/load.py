"""Reading a stored document back into records: what the exports, the review page
and re-validation see, with every correction already applied to the rows."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import db, mapping, records
from models.layout import BBox

LOAD_OPTIONS = (
    selectinload(db.Document.organizations).selectinload(db.DocumentOrganization.organization),
    selectinload(db.Document.issuers).selectinload(db.DocumentIssuer.organization),
    selectinload(db.Document.tasks),
    selectinload(db.Document.measures)
    .selectinload(db.Measure.executors)
    .selectinload(db.MeasureExecutor.organization),
    selectinload(db.Document.funding),
    selectinload(db.Document.indicators).selectinload(db.Indicator.values),
    selectinload(db.Document.target_groups),
    selectinload(db.Document.tables),
    selectinload(db.Document.signatories),
    selectinload(db.Document.issues),
    selectinload(db.Document.stated_amounts),
)


def load_document(session: Session, document_id: int) -> records.ExtractedDocument:
    """Rebuild the records of a stored document; raises LookupError if there is none.

    Organisations are those the document recorded (with its own names, kinds and
    aliases), then any issuer or executor it did not record. Issuers and executors
    come back under the name the document's organisation list gives them.
    """
    query = select(db.Document).where(db.Document.id == document_id).options(*LOAD_OPTIONS)
    document = session.scalar(query)
    if document is None:
        raise LookupError(f"no document with id {document_id} in the database")
    provenance = _load_provenance(session, document_id)
    names = printed_names(document)

    def where(entity: str, row_id: int) -> records.Provenance:
        return provenance.get((entity, row_id), records.Provenance())

    return records.ExtractedDocument(
        source_file=document.source_file,
        format=document.format,
        page_count=document.page_count,
        header=records.DocumentHeader(
            title=document.title,
            doc_type=document.doc_type,
            doc_number=document.doc_number,
            doc_date=document.doc_date,
            region=document.region_name,
            region_code=document.region_code,
            municipality=document.municipality,
            period_start=document.period_start,
            period_end=document.period_end,
            issuers=[i.name or names[i.organization_id] for i in document.issuers],
        ),
        organizations=_load_organizations(document),
        tasks=[mapping.TASK.to_record(t, provenance=where("task", t.id)) for t in document.tasks],
        measures=[_measure(m, names, where("measure", m.id)) for m in document.measures],
        funding=[mapping.FUNDING.to_record(f, provenance=where("funding", f.id)) for f in document.funding],
        indicators=[
            mapping.INDICATOR.to_record(i, values=[mapping.INDICATOR_VALUE.to_record(v) for v in i.values],
                                        provenance=where("indicator", i.id))
            for i in document.indicators
        ],
        target_groups=[mapping.TARGET_GROUP.to_record(g) for g in document.target_groups],
        tables=[_table_records(t.rows) for t in document.tables],
        signatories=[mapping.SIGNATORY.to_record(s) for s in document.signatories],
        issues=[
            records.ReviewIssue(kind=x.kind, place=x.place, detail=x.detail, provenance=where("issue", x.id),
                                value=x.value, subject=x.subject, rule=x.rule)
            for x in document.issues
            if x.status == "open"  # closed and dismissed issues are the review page's history
        ],
        stated_amounts=[(s.year, s.amount, s.sentence) for s in document.stated_amounts],
        page_sizes=[tuple(size) if size else None for size in document.page_sizes or []],
    )


def _measure(measure: db.Measure, names: dict[int, str], provenance: records.Provenance) -> records.Measure:
    executors = [(e.name or names[e.organization_id], e.by_agreement) for e in measure.executors]
    return mapping.MEASURE.to_record(measure, executors=[name for name, _ in executors],
                                     by_agreement=[name for name, agreed in executors if agreed],
                                     provenance=provenance)


def printed_names(document: db.Document) -> dict[int, str]:
    """Organisation id → the name this document uses for it (the registry's otherwise);
    what an issuer or executor stored without its printed name is shown as."""
    names = {link.organization_id: link.organization.name for link in _links(document)}
    for recorded in reversed(document.organizations):  # reversed: the first spelling wins
        names[recorded.organization_id] = recorded.name
    return names


def _links(document: db.Document) -> list[db.DocumentIssuer | db.MeasureExecutor]:
    return [*document.issuers, *(e for m in document.measures for e in m.executors)]


def _load_organizations(document: db.Document) -> list[records.Organization]:
    orgs = [
        records.Organization(
            name=o.name, kind=o.kind, aliases=list(o.aliases), region_code=o.organization.region_code
        )
        for o in document.organizations
    ]
    listed = {o.organization_id for o in document.organizations}
    for link in _links(document):
        if link.organization_id not in listed:
            listed.add(link.organization_id)
            org = link.organization
            orgs.append(records.Organization(name=org.name, kind=org.kind, region_code=org.region_code))
    return orgs


def _table_records(rows: list) -> list[list[records.TableCell]]:
    return [[records.TableCell(**{**c, "bbox": BBox(*c["bbox"]) if c["bbox"] else None}) for c in row]
            for row in rows]


def _load_provenance(session: Session, document_id: int) -> dict[tuple[str, int], records.Provenance]:
    rows = session.scalars(select(db.Provenance).where(db.Provenance.document_id == document_id))
    return {(p.entity, p.entity_id): _provenance_record(p) for p in rows}


def _provenance_record(p: db.Provenance) -> records.Provenance:
    box = BBox(p.x0, p.y0, p.x1, p.y1) if p.x0 is not None else None
    return records.Provenance(page=p.page, bbox=box, raw_text=p.raw_text, confidence=p.confidence)


