"""The registries every document shares: regions and organisations. One row per
organisation and region across all documents, its aliases accumulating; rows are
inserted so that concurrent ingests never create one twice."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from models import db, records
from normalizers.abbreviations import spell_out
from normalizers.organizations import classify_kind, common_name, federal_identity, with_own_region_named


def registry_key(name: str, region_code: str | None) -> str:
    """The key an organisation is registered by: names that differ only in
    abbreviations («ГБУ КО …», «государственное бюджетное учреждение Калужской
    области …») share it; so do a federal body's names («МВД России») in every
    region, and its branch's names in one region («ОСФР по …», «Отделение Фонда
    пенсионного и социального страхования Российской Федерации по …»), and a name
    that says its region as «края» and the one that names it («… Алтайского края»)."""
    federal = federal_identity(name)
    if federal and federal.branch:
        return db.organization_key(f"{_BRANCH_OF} {federal.parent}", region_code)
    if federal:
        return db.organization_key(federal.parent, None)
    return db.organization_key(spell_out(with_own_region_named(name, region_code), region_code), region_code)


_BRANCH_OF = "территориальный орган"


@dataclass
class _NamedOrganization:
    """An organisation as the document names it, before it is matched to the registry."""

    name: str
    kind: str
    region_code: str | None
    aliases: list[str] = field(default_factory=list)


def ensure_regions(session: Session, doc: records.ExtractedDocument) -> None:
    """Make sure every region code the document uses has a `region` row."""
    names = {doc.header.region_code: doc.header.region} if doc.header.region_code else {}
    for org in doc.organizations:
        if org.region_code:
            names.setdefault(org.region_code, None)
    for code in sorted(names):  # a fixed order keeps concurrent ingests from deadlocking
        region = session.get(db.Region, code)
        if region is None:
            _insert_missing(session, db.Region, [{"code": code, "name": names[code]}])
        elif region.name is None and names[code]:
            region.name = names[code]


def register_organizations(session: Session, doc: records.ExtractedDocument) -> dict[str, db.Organization]:
    """Registry rows of every organisation the document names, by loose name.

    Issuers and executors that the document's organisation list lacks are
    registered too (kind "other", the document's region), so that every link can
    be stored.
    """
    by_key: dict[str, list[tuple[str, _NamedOrganization]]] = {}
    for loose, org in _organizations_named_in(doc).items():
        key = registry_key(org.name, org.region_code)
        by_key.setdefault(key, []).append((loose, org))
    rows = _registered_rows(session, {key: named[0][1] for key, named in by_key.items()})
    registry, aliases = {}, set()
    for key, named in by_key.items():
        for loose, org in named:
            aliases |= {(rows[key], alias) for alias in org.aliases}
            registry[loose] = rows[key]
    _add_aliases(session, aliases)
    return registry


def _organizations_named_in(doc: records.ExtractedDocument) -> dict[str, _NamedOrganization]:
    """The document's organisations, then any issuer or executor not among them, by loose name."""
    region = doc.header.region_code
    named: dict[str, _NamedOrganization] = {}
    for org in doc.organizations:
        entry = named.setdefault(
            db.loose_name(org.name), _NamedOrganization(org.name, org.kind, org.region_code or region)
        )
        entry.aliases.extend(org.aliases)
    linked = [*doc.header.issuers, *(name for m in doc.measures for name in m.executors)]
    for name in linked:
        named.setdefault(db.loose_name(name), _NamedOrganization(name, "other", region))
    return named


def registered(session: Session, name: str, region_code: str | None) -> db.Organization:
    """The registry's organisation of that name in the region, registered (its kind
    read from the name) if new."""
    key = registry_key(name, region_code)
    return _registered_rows(session, {key: _NamedOrganization(name, classify_kind(name), region_code)})[key]


def _registered_rows(session: Session, organizations: dict[str, _NamedOrganization]) -> dict[str, db.Organization]:
    """The registry rows of organisations by registry key: the known ones in one query,
    the new ones inserted in one statement (one that a concurrent ingest inserts first
    is left to it) and read back in another; each kind made more precise."""
    keys = sorted(organizations)
    rows = {row.registry_key: row for row in session.scalars(_by_keys(keys))}
    new = [key for key in keys if key not in rows]
    if new:
        # In key order: two concurrent ingests then wait for each other's rows in the same
        # order and cannot deadlock.
        _insert_missing(session, db.Organization, [_new_organization(session, organizations[k], k) for k in new])
        rows |= {row.registry_key: row for row in session.scalars(_by_keys(new))}
    for key, row in rows.items():
        if row.kind == "other" and organizations[key].kind != "other":
            row.kind = organizations[key].kind  # a later document classified it more precisely
    return rows


def _by_keys(keys: list[str]) -> Select:
    return select(db.Organization).where(db.Organization.registry_key.in_(keys))


def _new_organization(session: Session, org: _NamedOrganization, key: str) -> dict[str, Any]:
    """The columns of a new registry row; a federal body is registered without a region,
    and is the parent of its branches."""
    federal = federal_identity(org.name)
    row = {"name": org.name, "kind": org.kind, "region_code": org.region_code, "registry_key": key,
           "common_name": common_name(org.name), "parent_id": None}
    if federal:
        row["kind"] = "federal_body"
    if federal and federal.branch:
        row["parent_id"] = registered(session, federal.parent, None).id
    elif federal:
        row["name"], row["region_code"] = federal.parent, None
    return row


def _add_aliases(session: Session, aliases: set[tuple[db.Organization, str]]) -> None:
    """Register each (organisation, alias) pair not registered yet, in one statement."""
    if not aliases:
        return
    rows = sorted({(org.id, alias) for org, alias in aliases})
    _insert_missing(session, db.OrganizationAlias, [{"organization_id": org_id, "alias": alias}
                                                     for org_id, alias in rows])
    for org in {org for org, _ in aliases}:
        session.expire(org, ["aliases"])  # a loaded list of them is out of date


def _insert_missing(session: Session, model: type[db.Base], rows: list[dict[str, Any]]) -> None:
    """Insert the rows in one statement, leaving out any whose unique key is taken: by
    an earlier document, or by a concurrent ingest (whose transaction it then waits for)."""
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[session.get_bind().dialect.name]
    session.execute(insert(model).values(rows).on_conflict_do_nothing())
