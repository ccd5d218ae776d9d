"""Reviewers' corrections: stored by natural key, applied on top of the extraction,
re-applied after every extraction of a file of the same act, reverted on request.

A correction names its value by (act, entity, key, field), e.g. ("act|RU-ALT|
распоряжение|290-р|2023-08-22", "funding", "4.2 2023 all", "amount"), never by row
id or file: every re-extraction replaces the rows, and a renamed file or the act's
PDF beside its DOCX is the same act. The rows always hold the value in force: the
newest active correction of the value, else what the extraction gave (kept on the
corrections by file as `extracted`, so that reverting them all brings back each
file's own). A correction whose value the newest extraction no longer has is kept
and flagged `orphaned`, never dropped.

After every change the document is re-validated: a sum that now holds closes its
issue, one that still fails stays open with its new figures.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import db
from models.records import funding_value_key, issue_keys
from normalizers.money import parse_amount
from normalizers.organizations import classify_kind
from normalizers.periods import deadline_bounds, parse_date
from models.errors import CorrectionError
from store.load import load_document
from store.registry import registered, registry_key
from pipeline.validate import validate

CHECKED_KINDS = ("sum_mismatch", "missing_value")  # the kinds validation finds, and re-validation settles


# --------------------------------------------------------------------------- natural keys

def funding_key(row: db.Funding) -> str:
    """«4.2 2023 regional_budget»; «total all all» for the whole-period document total;
    «task:2 2019-Q1 all fact» for the reported first quarter of task 2's subtotal."""
    return funding_value_key(row.measure_code, row.year, row.source, row.task_code, row.period, row.basis)


def stated_amount_key(row: db.StatedAmount) -> str:
    return str(row.year or "all")


def indicator_value_key(indicator: db.Indicator, value: db.IndicatorValue) -> str:
    return f"{indicator.code or indicator.position + 1} {value.period}"


def issue_key(document: db.Document, issue: db.Issue) -> str:
    """The issue's natural key within its document: kind and typed place (records.issue_keys)."""
    return next(key for key, row in _issue_rows(document).items() if row is issue)


def _keyed(rows: list, key: Callable[[Any], str]) -> dict[str, Any]:
    """Rows by natural key; the first of rows sharing a key wins, as the parser keeps the first."""
    out: dict[str, Any] = {}
    for row in rows:
        out.setdefault(key(row), row)
    return out


# --------------------------------------------------------------------------- what can be corrected

def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return re.sub(r"[ \t]+", " ", value) or None


def _amount(value: str | None):
    text = (value or "").strip()
    amount = parse_amount(text)
    if amount is None or re.sub(r"[\d\s\u00a0\u202f,.]", "", text):
        raise CorrectionError(f"«{text}» is not an amount in roubles; write it like 1 778 000 or 1778000,50")
    try:
        return db.money_to_storage(amount)
    except ValueError as exc:  # too large for NUMERIC(18, 2), or fractions of a kopeck
        raise CorrectionError(f"«{text}» cannot be stored: {exc}") from None


def _date(value: str | None):
    text = (value or "").strip()
    if not text:
        return None
    date = parse_date(text) or _iso_date(text)
    if date is None:
        raise CorrectionError(f"«{text}» is not a date; write it like 2023-03-15 or 15 марта 2023 г.")
    return date


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _shown(value: Any) -> str | None:
    """A stored value as a correction records it."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # as the database gives it back, whether or not the row was reloaded
    return str(value)


@dataclass(frozen=True)
class Field:
    """One correctable value: the rows of a document by natural key, and how the
    value is read from a row and written to it as text."""

    rows: Callable[[db.Document], dict[str, Any]]
    read: Callable[[Any], str | None]
    write: Callable[[Session, db.Document, Any, str | None], None]


def _attribute(name: str, parse: Callable[[str | None], Any] = _text) -> tuple[Callable, Callable]:
    def read(row: Any) -> str | None:
        return _shown(getattr(row, name))

    def write(_session: Session, _document: db.Document, row: Any, value: str | None) -> None:
        setattr(row, name, parse(value))

    return read, write


def _field(rows: Callable[[db.Document], dict[str, Any]], name: str, parse=_text) -> Field:
    return Field(rows, *_attribute(name, parse))


def _document_rows(document: db.Document) -> dict[str, Any]:
    return {"": document}


def _measures(document: db.Document) -> dict[str, Any]:
    return _keyed(document.measures, lambda m: m.code)


def _indicators(document: db.Document) -> dict[str, Any]:
    return _keyed(document.indicators, lambda i: i.code or str(i.position + 1))


def _indicator_values(document: db.Document) -> dict[str, Any]:
    return {indicator_value_key(i, v): v for i in document.indicators for v in i.values}


def _write_deadline(_session: Session, _document: db.Document, measure: db.Measure, value: str | None) -> None:
    measure.deadline = _text(value)
    measure.deadline_start, measure.deadline_end = deadline_bounds(measure.deadline or "")


def _write_measure_code(_session: Session, document: db.Document, measure: db.Measure, value: str | None) -> None:
    code = _text(value)
    if not code:
        raise CorrectionError("a measure code cannot be empty")
    for row in document.funding:
        if row.measure_code == measure.code:
            row.measure_code = code
    measure.code = code


def _write_indicator_value(_session: Session, _document: db.Document, value: db.IndicatorValue,
                           text: str | None) -> None:
    value.read_value(_text(text) or "")


def executor_names(measure: db.Measure) -> list[str]:
    """The measure's executors as the document prints them (as corrected)."""
    return [link.name or link.organization.name for link in measure.executors]


def _read_executors(measure: db.Measure) -> str:
    return json.dumps(executor_names(measure), ensure_ascii=False)


def _write_executors(session: Session, document: db.Document, measure: db.Measure, value: str | None) -> None:
    """Executors as a JSON list of names: each is found in the registry (by its
    spelled-out name in the document's region) or registered."""
    try:
        names = [n.strip() for n in json.loads(value or "[]") if n.strip()]
    except (ValueError, AttributeError) as exc:
        raise CorrectionError("executors must be a list of organisation names") from exc
    agreed = {link.organization_id for link in measure.executors if link.by_agreement}
    measure.executors.clear()
    session.flush()
    for position, name in enumerate(names):
        org = registered(session, name, document.region_code)
        measure.executors.append(db.MeasureExecutor(organization=org, position=position, name=name,
                                                    by_agreement=org.id in agreed))


def _issue_rows(document: db.Document) -> dict[str, db.Issue]:
    return dict(zip(issue_keys(document.issues), document.issues))


def _write_issue_status(_session: Session, _document: db.Document, issue: db.Issue, value: str | None) -> None:
    if value not in db.ISSUE_STATUSES:
        raise CorrectionError(f"unknown issue status «{value}»; use one of {', '.join(db.ISSUE_STATUSES)}")
    issue.status = value


FIELDS: dict[tuple[str, str], Field] = {
    ("document", "title"): _field(_document_rows, "title"),
    ("document", "doc_number"): _field(_document_rows, "doc_number"),
    ("document", "doc_date"): _field(_document_rows, "doc_date", _date),
    ("task", "title"): _field(lambda d: _keyed(d.tasks, lambda t: t.code), "title"),
    ("measure", "code"): Field(_measures, _attribute("code")[0], _write_measure_code),
    ("measure", "title"): _field(_measures, "title"),
    ("measure", "deadline"): Field(_measures, _attribute("deadline")[0], _write_deadline),
    ("measure", "expected_result"): _field(_measures, "expected_result"),
    ("measure", "executors"): Field(_measures, _read_executors, _write_executors),
    ("funding", "amount"): _field(lambda d: _keyed(d.funding, funding_key), "amount", _amount),
    ("stated_amount", "amount"): _field(lambda d: _keyed(d.stated_amounts, stated_amount_key), "amount", _amount),
    ("indicator", "title"): _field(_indicators, "title"),
    ("indicator", "unit"): _field(_indicators, "unit"),
    ("indicator", "base_value"): _field(_indicators, "base_value"),
    ("indicator_value", "value"): Field(_indicator_values, _attribute("value")[0], _write_indicator_value),
    ("issue", "status"): Field(_issue_rows, _attribute("status")[0], _write_issue_status),
}


def _field_of(entity: str, name: str) -> Field:
    try:
        return FIELDS[(entity, name)]
    except KeyError:
        raise CorrectionError(f"{entity}.{name} cannot be corrected") from None


# --------------------------------------------------------------------------- correcting

def correct(session: Session, document: db.Document, entity: str, key: str, field: str, value: str | None,
            *, author: str, comment: str | None = None) -> db.Correction | None:
    """Record one correction and apply it to every stored file of the document's act
    that has the value, then re-validate them. A value that is the same as the one
    in force records nothing (None).

    Raises CorrectionError when the value does not exist or the new value is not valid."""
    target = _field_of(entity, field)
    row = target.rows(document).get(key)
    if row is None:
        raise CorrectionError(f"{document.source_file} has no {entity} «{key}»")
    current = target.read(row)
    target.write(session, document, row, value)  # raises on a bad value, before anything is stored
    new = target.read(row)  # as stored: «1 778 000» → «1778000»
    if new == current:
        return None
    earlier = _corrections_of(session, document.act_key, entity, key, field)
    extracted = dict(earlier[0].extracted) if earlier else {}
    extracted.setdefault(document.source_key, current)
    touched = [document]
    for other in (d for d in documents_of(session, document.act_key) if d.id != document.id):
        other_row = target.rows(other).get(key)
        if other_row is not None:
            extracted.setdefault(other.source_key, target.read(other_row))
            target.write(session, other, other_row, new)
            touched.append(other)
    correction = db.Correction(act_key=document.act_key, entity=entity, entity_key=key, field=field,
                               old_value=current, new_value=new, author=author, comment=_text(comment),
                               extracted=extracted, created_at=_now())
    session.add(correction)
    session.flush()
    if entity != "issue":
        for changed in touched:
            revalidate(session, changed)
    return correction


def dismiss_issue(session: Session, issue: db.Issue, *, author: str, reason: str) -> db.Correction:
    """Dismiss an issue with the reviewer's reason (a correction of its status)."""
    if not (reason or "").strip():
        raise CorrectionError("say why the issue is dismissed")
    if issue.status == "dismissed":
        raise CorrectionError(f"the issue «{issue.kind} · {issue.place.label}» is dismissed already")
    document = session.get(db.Document, issue.document_id)
    return correct(session, document, "issue", issue_key(document, issue), "status", "dismissed", author=author,
                   comment=reason)


def issues_of(session: Session, correction: db.Correction) -> list[db.Issue]:
    """The issues of the files of the act a correction belongs to (none for a registry merge)."""
    return [issue for document in documents_of(session, correction.act_key) for issue in document.issues]


def documents_of(session: Session, act_key: str) -> list[db.Document]:
    """The stored files of an act (a correction applies to each)."""
    if not act_key:
        return []
    return list(session.scalars(select(db.Document).where(db.Document.act_key == act_key).order_by(db.Document.id)))


def reopen_issue(session: Session, issue: db.Issue, *, author: str) -> None:
    """Undo the dismissal of an issue (its dismissal is reverted, and kept in the history)."""
    document = session.get(db.Document, issue.document_id)
    dismissals = [c for c in _corrections_of(session, document.act_key, "issue", issue_key(document, issue), "status")
                  if c.status == "active" and c.new_value == "dismissed"]
    if issue.status != "dismissed" or not dismissals:
        raise CorrectionError(f"the issue «{issue.kind} · {issue.place.label}» is not dismissed")
    for c in reversed(dismissals):
        revert(session, c, author=author)


def revert(session: Session, correction: db.Correction, *, author: str) -> None:
    """Undo a correction: its value goes back to the newest correction still active,
    or to what the extraction gave."""
    if correction.status == "reverted":
        raise CorrectionError(f"correction {correction.id} is already reverted")
    correction.status = "reverted"
    correction.reverted_by = author
    correction.reverted_at = _now()
    if correction.entity == "organization":
        _revert_registry(session, correction)
        return
    for document in documents_of(session, correction.act_key):
        _settle(session, document, correction.entity, correction.entity_key, correction.field)
        if correction.entity != "issue":
            revalidate(session, document)


def reapply(session: Session, document: db.Document, issue_ids: dict[str, int]) -> None:
    """After a (re-)extraction: record what the extraction gave for every corrected
    value, put the corrections back on top, flag those whose value is gone,
    re-validate, then re-apply dismissals. An issue re-validation raises again keeps
    the id it had in the stored version (`issue_ids` by natural key)."""
    corrections = session.scalars(
        select(db.Correction).where(db.Correction.act_key == document.act_key,
                                    db.Correction.entity != "organization")  # see reapply_registry
        .order_by(db.Correction.created_at, db.Correction.id)).all()
    if not corrections:
        return  # the extraction validated the document already
    targets = list(dict.fromkeys((c.entity, c.entity_key, c.field) for c in corrections))
    # codes last: other corrections find their rows by the codes the extraction gave
    targets.sort(key=lambda t: (t[0] == "issue", t[2] == "code"))
    revalidated = False
    for entity, key, field in targets:
        if entity == "issue" and not revalidated:
            revalidate(session, document, issue_ids)
            revalidated = True
        row = _field_of(entity, field).rows(document).get(key)
        of_target = [c for c in corrections if (c.entity, c.entity_key, c.field) == (entity, key, field)]
        for c in of_target:
            c.orphaned = row is None
            if row is not None:  # a new dict: SQLAlchemy sees a JSON value change only by assignment
                c.extracted = {**(c.extracted or {}), document.source_key: _field_of(entity, field).read(row)}
        if row is not None:
            _settle(session, document, entity, key, field)
    if not revalidated:
        revalidate(session, document, issue_ids)


def _settle(session: Session, document: db.Document, entity: str, key: str, field: str) -> None:
    """Write the value in force: the newest active correction's, else the extraction's."""
    target = _field_of(entity, field)
    row = target.rows(document).get(key)
    if row is None:
        return
    history = _corrections_of(session, document.act_key, entity, key, field)
    active = [c for c in history if c.status == "active"]
    if active:
        target.write(session, document, row, active[-1].new_value)
    elif document.source_key in (history[0].extracted or {}):
        target.write(session, document, row, history[0].extracted[document.source_key])


def _corrections_of(session: Session, act_key: str, entity: str, key: str, field: str) -> list[db.Correction]:
    return list(session.scalars(select(db.Correction).where(
        db.Correction.act_key == act_key, db.Correction.entity == entity,
        db.Correction.entity_key == key, db.Correction.field == field,
    ).order_by(db.Correction.created_at, db.Correction.id)))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --------------------------------------------------------------------------- re-validation

def revalidate(session: Session, document: db.Document, issue_ids: dict[str, int] | None = None) -> None:
    """Check the document's sums again on its values in force: issues that no longer
    hold are closed, closed ones that fail again reopen, new failures are added (with
    the id `issue_ids` gives their natural key, if any)."""
    session.flush()
    checked = validate(load_document(session, document.id))
    fresh = dict(zip(issue_keys(checked), checked))
    stored = {key: x for key, x in _issue_rows(document).items() if x.kind in CHECKED_KINDS}
    for key, issue in stored.items():
        if key not in fresh:
            issue.status = "closed" if issue.status == "open" else issue.status
            continue
        issue.detail = fresh[key].detail  # the figures in force
        issue.status = "open" if issue.status == "closed" else issue.status
    position = max((x.position for x in document.issues), default=-1) + 1
    for key in sorted(fresh.keys() - stored.keys()):
        document.issues.append(db.Issue.of(fresh[key], position, (issue_ids or {}).get(key)))
        position += 1
    _settle_unresolved_executors(document)
    document.status = "needs_review" if any(x.status == "open" for x in document.issues) else "ok"
    session.flush()


def _settle_unresolved_executors(document: db.Document) -> None:
    """An executor a reviewer removed (or renamed) closes its `unresolved_org` issue;
    one that is back reopens it. Dismissed issues stay dismissed."""
    printed = {m.code: {db.loose_name(n) for n in executor_names(m)} for m in document.measures}
    for issue in document.issues:
        if issue.kind != "unresolved_org" or issue.subject is None or issue.status == "dismissed":
            continue
        named = db.loose_name(issue.subject) in printed.get(issue.value_key, set())
        issue.status = "open" if named else "closed"


# --------------------------------------------------------------------------- organisations

# Rows that name a registry organisation, and how to find those of one document.
_LINK_MODELS = (db.DocumentOrganization, db.DocumentIssuer)


def merge_organizations(session: Session, drop: db.Organization, keep: db.Organization, *,
                        author: str, comment: str | None = None) -> db.Correction:
    """Make two registry rows one: everything naming `drop` names `keep`, and `drop`'s
    names become `keep`'s aliases. Re-applied whenever a later ingest registers `drop` again."""
    if drop.id == keep.id:
        raise CorrectionError("an organisation cannot be merged into itself")
    correction = db.Correction(act_key="", entity="organization", entity_key=drop.registry_key,
                               field="merged_into", old_value=drop.name, new_value=keep.registry_key,
                               author=author, comment=_text(comment), created_at=_now())
    session.add(correction)
    _merge(session, drop, keep)
    return correction


def split_organization(session: Session, org: db.Organization, document: db.Document, name: str, *,
                       author: str, comment: str | None = None) -> db.Correction:
    """In one document, `org` is another body: move the document's links to the
    organisation `name` (from the registry, or registered)."""
    if not _text(name):
        raise CorrectionError("name the organisation the document means")
    correction = db.Correction(act_key=document.act_key, entity="organization", entity_key=org.registry_key,
                               field="split_to", old_value=org.name, new_value=_text(name), author=author,
                               comment=_text(comment), created_at=_now())
    session.add(correction)
    _move_links(session, document, org, registered(session, _text(name), org.region_code))
    return correction


def reapply_registry(session: Session, document: db.Document) -> None:
    """After an ingest: merges of organisations it registered again, then this
    document's splits, each flagged orphaned while its organisations are missing."""
    merges = session.scalars(select(db.Correction).where(
        db.Correction.entity == "organization", db.Correction.field == "merged_into",
        db.Correction.status == "active").order_by(db.Correction.created_at, db.Correction.id)).all()
    for c in merges:
        drop, keep = _by_key(session, c.entity_key), _by_key(session, c.new_value)
        if drop is not None and keep is not None:
            _merge(session, drop, keep)
        c.orphaned = keep is None
    splits = session.scalars(select(db.Correction).where(
        db.Correction.act_key == document.act_key, db.Correction.entity == "organization",
        db.Correction.field == "split_to", db.Correction.status == "active")).all()
    for c in splits:
        org = _by_key(session, c.entity_key)
        if org is not None:
            _move_links(session, document, org, registered(session, c.new_value, org.region_code))
        c.orphaned = org is None


def _by_key(session: Session, key: str) -> db.Organization | None:
    return session.scalar(select(db.Organization).where(db.Organization.registry_key == key))


def _merge(session: Session, drop: db.Organization, keep: db.Organization) -> None:
    known = {a.alias for a in keep.aliases}
    for alias in [drop.name, *(a.alias for a in drop.aliases)]:
        if alias not in known:
            keep.aliases.append(db.OrganizationAlias(alias=alias))
            known.add(alias)
    for model in (*_LINK_MODELS, db.MeasureExecutor):
        for row in session.scalars(select(model).where(model.organization_id == drop.id)):
            row.organization_id = keep.id
    session.flush()
    session.delete(drop)
    session.flush()


def _move_links(session: Session, document: db.Document, old: db.Organization, new: db.Organization) -> None:
    if old.id == new.id:
        return
    for model in _LINK_MODELS:
        for row in session.scalars(select(model).where(model.document_id == document.id,
                                                       model.organization_id == old.id)):
            row.organization_id = new.id
    measures = select(db.Measure.id).where(db.Measure.document_id == document.id)
    for row in session.scalars(select(db.MeasureExecutor).where(db.MeasureExecutor.measure_id.in_(measures),
                                                                db.MeasureExecutor.organization_id == old.id)):
        row.organization_id = new.id
    session.flush()


def _revert_registry(session: Session, correction: db.Correction) -> None:
    """Undo a split (the document's links go back) or a merge (the merged organisation
    returns, with the documents that name it by its own name)."""
    if correction.field == "split_to":
        old = _by_key(session, correction.entity_key)
        for document in documents_of(session, correction.act_key) if old is not None else []:
            _move_links(session, document, registered(session, correction.new_value, old.region_code), old)
        return
    keep = _by_key(session, correction.new_value)
    if keep is None or _by_key(session, correction.entity_key) is not None:
        return
    restored = db.Organization(name=correction.old_value, kind=classify_kind(correction.old_value),
                               region_code=keep.region_code, registry_key=correction.entity_key)
    session.add(restored)
    session.flush()
    for named in session.scalars(select(db.DocumentOrganization).where(
            db.DocumentOrganization.organization_id == keep.id)).all():
        if registry_key(named.name, keep.region_code) != correction.entity_key:
            continue
        document = session.get(db.Document, named.document_id)
        names_keep = any(
            registry_key(o.name, keep.region_code) == keep.registry_key
            for o in document.organizations)
        if names_keep:  # the document names both: only its own record of the name can be told apart
            named.organization_id = restored.id
        else:
            _move_links(session, document, keep, restored)
    session.flush()
