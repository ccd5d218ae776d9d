"""Plain column names for researchers' SQL: issue.where_ becomes issue.place and
target_group.count becomes target_group.size (neither a keyword nor a function name
to quote). Rows are kept; only the names change.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0011"
down_revision: Union[str, Sequence[str], None] = "0010"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (table, old name, new name): SQLite (3.25 and later) and PostgreSQL rename in place.
RENAMES = [("issue", "where_", "place"), ("target_group", "count", "size")]


def upgrade() -> None:
    for table, old, new in RENAMES:
        op.execute(f'ALTER TABLE {table} RENAME COLUMN "{old}" TO {new}')


def downgrade() -> None:
    for table, old, new in RENAMES:
        op.execute(f'ALTER TABLE {table} RENAME COLUMN {new} TO "{old}"')
