"""Funding rows place an amount more finely: `task_code` (a subtotal of a task,
section or subprogramme), `period` (a quarter, half or nine months of `year`) and
`basis` (plan or fact); the research view funding_facts shows them. Issues may be
`unread_value` and `unrecognised_table`.

Existing rows keep their values: no task, no period, basis plan.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from models.views import VIEWS_BEFORE_0009, VIEWS_BEFORE_0010, create_view_sql

revision: str = "0009"
down_revision: Union[str, Sequence[str], None] = "0008"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_KINDS_BEFORE = "kind IN ('sum_mismatch', 'ocr_suspect', 'unresolved_org', 'missing_value', 'other')"
_KINDS = ("kind IN ('sum_mismatch', 'ocr_suspect', 'unresolved_org', 'missing_value', 'unread_value', "
          "'unrecognised_table', 'other')")


def upgrade() -> None:
    connection = op.get_bind()
    for name in VIEWS_BEFORE_0009:  # SQLite rebuilds the funding table, which funding_facts reads
        op.execute(f"DROP VIEW {name}")
    with op.batch_alter_table("funding") as batch:
        batch.add_column(sa.Column("task_code", sa.String(32)))
        batch.add_column(sa.Column("period", sa.String(16)))
        batch.add_column(sa.Column("basis", sa.String(16), server_default="plan", nullable=False))
        batch.create_check_constraint(op.f("ck_funding_basis"), "basis IN ('plan', 'fact')")
    _issue_kinds(connection, _KINDS)
    for name in VIEWS_BEFORE_0010:
        op.execute(create_view_sql(name, connection.dialect, VIEWS_BEFORE_0010))


def _issue_kinds(connection, check: str) -> None:
    """Replace the CHECK on issue kinds. On SQLite the issue table is rebuilt, keeping
    AUTOINCREMENT and its sequence, so that no id of a deleted issue is handed out again."""
    sqlite = connection.dialect.name == "sqlite"
    sequence = connection.execute(sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'issue'")).scalar() \
        if sqlite else None
    with op.batch_alter_table("issue", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(op.f("ck_issue_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_issue_kind"), check)
    if sequence is not None:
        connection.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'issue'"))
        connection.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('issue', "
                                   "(SELECT MAX(n) FROM (SELECT :seq AS n UNION ALL SELECT MAX(id) FROM issue)))"),
                           {"seq": sequence})


def downgrade() -> None:
    connection = op.get_bind()
    for name in VIEWS_BEFORE_0010:
        op.execute(f"DROP VIEW {name}")
    # Amounts 0008 cannot tell apart from a measure's planned amount of a whole year go.
    op.execute("DELETE FROM funding WHERE task_code IS NOT NULL OR period IS NOT NULL OR basis <> 'plan'")
    with op.batch_alter_table("funding") as batch:
        batch.drop_constraint(op.f("ck_funding_basis"), type_="check")
        batch.drop_column("basis")
        batch.drop_column("period")
        batch.drop_column("task_code")
    op.execute("UPDATE issue SET kind = 'other' WHERE kind IN ('unread_value', 'unrecognised_table')")
    _issue_kinds(connection, _KINDS_BEFORE)
    for name in VIEWS_BEFORE_0009:
        op.execute(create_view_sql(name, connection.dialect, VIEWS_BEFORE_0009))
