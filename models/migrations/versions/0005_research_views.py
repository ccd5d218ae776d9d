"""Views for researchers: funding_facts, indicator_facts, measure_executors.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
from typing import Sequence, Union

from alembic import op

from models.views import VIEWS_BEFORE_0009, create_view_sql

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    for name in VIEWS_BEFORE_0009:
        op.execute(create_view_sql(name, op.get_bind().dialect, VIEWS_BEFORE_0009))


def downgrade() -> None:
    for name in VIEWS_BEFORE_0009:
        op.execute(f"DROP VIEW {name}")
