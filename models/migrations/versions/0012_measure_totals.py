"""The research view measure_totals: one total per measure, year, period, basis and
source, the `all` amount derived from the sources where it is not printed and flagged
where the printed one disagrees with them.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""
from typing import Sequence, Union

from alembic import op

from models.views import VIEWS_BEFORE_0013, create_view_sql

revision: str = "0012"
down_revision: Union[str, Sequence[str], None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.execute(create_view_sql("measure_totals", op.get_bind().dialect, VIEWS_BEFORE_0013))


def downgrade() -> None:
    op.execute("DROP VIEW measure_totals")
