"""Indicator values get a number (`number`, `unit`, `bound`) and their period its first
and last day; organisations get a cross-region identity: the name they share with
their counterparts elsewhere (`common_name`) and, for a federal body's branch, the
federal body (`parent_id`). The research views show them; their amounts are numbers
on SQLite too (stored as exact text, they sorted as text); `measure_totals` reads
`funding_facts`, names each measure and region and sums a measure's years where it
prints no whole period; the new view `document_totals` gives each document's totals
as printed or derived.

Existing rows are filled in from what they already hold: the printed value and
period, the organisation's name.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from models.db import organization_key
from models.views import VIEWS, VIEWS_BEFORE_0013, create_view_sql
from normalizers.organizations import common_name, federal_identity
from normalizers.periods import period_bounds
from normalizers.units import read_indicator_value

revision: str = "0013"
down_revision: Union[str, Sequence[str], None] = "0012"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

CHANGED_VIEWS = ["measure_totals", "funding_facts", "indicator_facts", "measure_executors"]
VALUE_COLUMNS = {"number": sa.Float(), "unit": sa.String(16), "bound": sa.String(16),
                 "period_start": sa.Date(), "period_end": sa.Date()}
_value = sa.table("indicator_value", sa.column("id"), sa.column("period"), sa.column("value"),
                  *(sa.column(name, kind) for name, kind in VALUE_COLUMNS.items()))
_org = sa.table("organization", sa.column("id"), sa.column("name"), sa.column("kind"), sa.column("region_code"),
                sa.column("registry_key"), sa.column("common_name"), sa.column("parent_id"))


def upgrade() -> None:
    for name in CHANGED_VIEWS:
        op.execute(f"DROP VIEW {name}")
    for name, kind in VALUE_COLUMNS.items():
        op.add_column("indicator_value", sa.Column(name, kind))
    op.add_column("organization", sa.Column("common_name", sa.Text()))
    with op.batch_alter_table("organization") as batch:  # SQLite adds a foreign key by rebuilding the table
        batch.add_column(sa.Column("parent_id", sa.Integer()))
        batch.create_foreign_key(op.f("fk_organization_parent_id_organization"), "organization", ["parent_id"],
                                 ["id"], ondelete="SET NULL")
    op.create_index(op.f("ix_organization_common_name"), "organization", ["common_name"])
    op.create_index(op.f("ix_organization_parent_id"), "organization", ["parent_id"])
    connection = op.get_bind()
    _fill_values(connection)
    _fill_identities(connection)
    for name in ["funding_facts", "measure_totals", "indicator_facts", "measure_executors", "document_totals"]:
        op.execute(create_view_sql(name, connection.dialect, VIEWS))  # each after the views it reads


def _fill_values(connection) -> None:
    for row in connection.execute(sa.select(_value.c.id, _value.c.period, _value.c.value)).all():
        number, unit, bound = read_indicator_value(row.value)
        start, end = period_bounds(row.period)
        connection.execute(_value.update().where(_value.c.id == row.id).values(
            number=float(number) if number is not None else None, unit=unit, bound=bound, period_start=start, period_end=end))


def _fill_identities(connection) -> None:
    for row in connection.execute(sa.select(_org.c.id, _org.c.name)).all():
        federal = federal_identity(row.name)
        parent = _federal_body(connection, federal.parent) if federal and federal.branch else None
        connection.execute(_org.update().where(_org.c.id == row.id).values(
            common_name=common_name(row.name), parent_id=parent))


def _federal_body(connection, name: str) -> int:
    """The registry row of a federal body, added when no document named it yet."""
    key = organization_key(name, None)
    found = connection.execute(sa.select(_org.c.id).where(_org.c.registry_key == key)).scalar()
    if found is not None:
        return found
    return connection.execute(_org.insert().values(name=name, kind="federal_body", region_code=None, registry_key=key,
                                                   common_name=common_name(name)).returning(_org.c.id)).scalar_one()


def downgrade() -> None:
    for name in ["document_totals", *CHANGED_VIEWS]:
        op.execute(f"DROP VIEW {name}")
    op.drop_index(op.f("ix_organization_parent_id"), "organization")
    op.drop_index(op.f("ix_organization_common_name"), "organization")
    with op.batch_alter_table("organization") as batch:
        batch.drop_constraint(op.f("fk_organization_parent_id_organization"), type_="foreignkey")
        batch.drop_column("parent_id")
        batch.drop_column("common_name")
    for name in VALUE_COLUMNS:
        op.drop_column("indicator_value", name)
    connection = op.get_bind()
    for name in CHANGED_VIEWS:
        op.execute(create_view_sql(name, connection.dialect, VIEWS_BEFORE_0013))
