"""Issues get typed places: `entity`, `code`, `field` and `period` replace the free-text
`place` («funding 4.2»), and `rule` names the sum a sum_mismatch finds broken. An
issue's natural key (what reviewers' dismissals name) is its kind, typed place, rule
and subject instead of kind, place and the wording of its detail, so that a reworded
message no longer orphans a dismissal.

Existing issues are read into typed places from what they hold: the place names the
record, the value the issue names gives the funding source or indicator value and
the period, and the detail tells the few kinds of issue apart that name no value.
Every dismissal of a stored issue is re-keyed to the issue's new natural key.
These rules read what this product wrote up to 0013 and are kept as they were.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""
from collections import Counter
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from models.views import VIEWS, create_view_sql

revision: str = "0014"
down_revision: Union[str, Sequence[str], None] = "0013"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ENTITIES = ("funding", "task", "measure", "indicator", "document", "page", "table")
TYPED = ("entity", "code", "field", "period", "rule")
_issue = sa.table("issue", *(sa.column(name) for name in (
    "id", "document_id", "kind", "place", "detail", "value_entity", "value_key", "value_field", "subject",
    "position", *TYPED)))
_document = sa.table("document", sa.column("id"), sa.column("act_key"))
_correction = sa.table("correction", sa.column("id"), sa.column("act_key"), sa.column("entity"),
                       sa.column("entity_key"))
# Issues of these wordings name a code without naming a value.
_CODE_WORDINGS = ("code printed as", "section number printed as", "source row numbered")
# The sum a funding sum_mismatch finds broken, by the words of its detail.
_RULE_WORDINGS = ((": sources ", "sources"), ("sum over the measures", "measures"), ("sum over measures", "measures"),
                  ("≠ Всего", "years"), ("≠ year amount", "year_parts"), ("the text states", "stated"))


def typed_place(kind: str, place: str, detail: str, value_entity: str | None, value_key: str | None,
                value_field: str | None) -> tuple[str, str | None, str | None, str | None, str | None]:
    """(entity, code, field, period, rule) of an issue stored at 0013."""
    entity, _, code = place.partition(" ")
    field = period = None
    if entity == "document":
        code, field = None, code or None
    elif (entity, code) == ("funding", "total"):
        code = None
    if value_entity == "funding":
        owner, period, field, *basis = value_key.split(" ")
        period += " fact" if basis else ""
        if owner.startswith("task:"):
            entity, code = "task", owner.removeprefix("task:")
    elif value_entity == "stated_amount":
        field, period = "stated", value_key
    elif value_entity == "indicator_value":
        field, period = "value", value_key.rsplit(" ", 1)[1]
    elif value_entity in ("indicator", "measure"):
        field = value_field
    elif kind == "missing_value" and entity == "indicator":
        field = "base_value"
    elif kind == "ocr_suspect" and any(w in detail for w in _CODE_WORDINGS):
        field = "code"
    elif kind == "missing_value" and detail.startswith("the region"):
        field = "region"
    return entity, code, field, period, _rule(kind, entity, detail)


def _rule(kind: str, entity: str, detail: str) -> str | None:
    if kind != "sum_mismatch":
        return None
    if entity == "indicator":
        return "parts"
    return next((rule for words, rule in _RULE_WORDINGS if words in detail), None)


def natural_keys(rows) -> list[str]:
    """Issue keys as models.records.issue_keys builds them, for rows in printed order."""
    seen: Counter = Counter()
    keys = []
    for row in rows:
        key = "|".join((row.kind, *(getattr(row, name) or "" for name in TYPED), row.subject or ""))
        seen[key] += 1
        keys.append(key if seen[key] == 1 else f"{key}#{seen[key]}")
    return keys


def upgrade() -> None:
    connection = op.get_bind()
    _drop_views()
    with _rebuilt_issue_table(connection) as batch:
        batch.add_column(sa.Column("entity", sa.String(32)))
        batch.add_column(sa.Column("code", sa.String()))
        batch.add_column(sa.Column("field", sa.String(64)))
        batch.add_column(sa.Column("period", sa.String(32)))
        batch.add_column(sa.Column("rule", sa.String(32)))
    rows = connection.execute(sa.select(_issue)).all()
    for row in rows:
        typed = typed_place(row.kind, row.place, row.detail, row.value_entity, row.value_key, row.value_field)
        connection.execute(_issue.update().where(_issue.c.id == row.id).values(dict(zip(TYPED, typed))))
    _rekey_dismissals(connection, legacy_keys, natural_keys)
    with _rebuilt_issue_table(connection) as batch:
        batch.alter_column("entity", existing_type=sa.String(32), nullable=False)
        batch.create_check_constraint(op.f("ck_issue_entity"), "entity IN (" + ", ".join(
            f"'{e}'" for e in ENTITIES) + ")")
        batch.drop_column("place")
    _create_views(connection)


def downgrade() -> None:
    connection = op.get_bind()
    _drop_views()
    with _rebuilt_issue_table(connection) as batch:
        batch.add_column(sa.Column("place", sa.String()))
    for row in connection.execute(sa.select(_issue)).all():
        connection.execute(_issue.update().where(_issue.c.id == row.id).values(place=_where(row)))
    _rekey_dismissals(connection, natural_keys, legacy_keys)
    with _rebuilt_issue_table(connection) as batch:
        batch.alter_column("place", existing_type=sa.String(), nullable=False)
        batch.drop_constraint(op.f("ck_issue_entity"), type_="check")
        for name in TYPED:
            batch.drop_column(name)
    _create_views(connection)


def _where(row) -> str:
    if row.entity == "document":
        return " ".join(filter(None, ("document", row.field)))
    return f"{row.entity} {row.code or 'total'}"


def legacy_keys(rows) -> list[str]:
    """Issue keys as they were up to 0013: kind, place and detail."""
    return [f"{r.kind}|{r.place}|{r.detail}" for r in rows]


def _rekey_dismissals(connection, old_keys, new_keys) -> None:
    """Give every correction of an issue the key its issue has under the other scheme
    (`old_keys` and `new_keys` of a document's rows in printed order)."""
    acts = dict(connection.execute(sa.select(_document.c.id, _document.c.act_key)).all())
    by_document: dict[int, list] = {}
    for row in connection.execute(sa.select(_issue).order_by(_issue.c.document_id, _issue.c.position)).all():
        by_document.setdefault(row.document_id, []).append(row)
    renamed: dict[tuple[str, str], str] = {}
    for document_id, rows in by_document.items():
        for old, new in zip(old_keys(rows), new_keys(rows)):
            renamed.setdefault((acts[document_id], old), new)
    for c in connection.execute(sa.select(_correction).where(_correction.c.entity == "issue")).all():
        key = renamed.get((c.act_key, c.entity_key))
        if key is not None:
            connection.execute(_correction.update().where(_correction.c.id == c.id).values(entity_key=key))


class _rebuilt_issue_table:
    """op.batch_alter_table on the issue table. SQLite rebuilds it: AUTOINCREMENT and
    its sequence are kept, so that no id of a deleted issue is handed out again."""

    def __init__(self, connection):
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"

    def __enter__(self):
        self.sequence = self.connection.execute(sa.text(
            "SELECT seq FROM sqlite_sequence WHERE name = 'issue'")).scalar() if self.sqlite else None
        self.batch = op.batch_alter_table("issue", table_kwargs={"sqlite_autoincrement": True})
        return self.batch.__enter__()

    def __exit__(self, *exc):
        self.batch.__exit__(*exc)
        if self.sequence is not None and exc[0] is None:
            self.connection.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'issue'"))
            self.connection.execute(sa.text(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('issue', "
                "(SELECT MAX(n) FROM (SELECT :seq AS n UNION ALL SELECT MAX(id) FROM issue)))"), {"seq": self.sequence})
        return False


def _drop_views() -> None:
    """SQLite rebuilds the issue table, which the research views read."""
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW {name}")


def _create_views(connection) -> None:
    for name in VIEWS:
        op.execute(create_view_sql(name, connection.dialect, VIEWS))
