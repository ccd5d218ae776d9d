"""One extraction per act in the research views: the view preferred_documents names, for
each act, the stored file with the fewest open review issues (then DOCX, text, PDF, scan,
image; then the first stored), and funding_facts, indicator_facts and measure_executors
read only those documents. The other files of an act stay stored and reviewable.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""
from typing import Sequence, Union

from alembic import op

from models.views import VIEWS_BEFORE_0010, VIEWS_BEFORE_0013, create_view_sql

revision: str = "0010"
down_revision: Union[str, Sequence[str], None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

VIEWS_OF_0010 = ["preferred_documents", "funding_facts", "indicator_facts", "measure_executors"]


def upgrade() -> None:
    dialect = op.get_bind().dialect
    for name in VIEWS_BEFORE_0010:
        op.execute(f"DROP VIEW {name}")
    for name in VIEWS_OF_0010:
        op.execute(create_view_sql(name, dialect, VIEWS_BEFORE_0013))


def downgrade() -> None:
    dialect = op.get_bind().dialect
    for name in reversed(VIEWS_OF_0010):
        op.execute(f"DROP VIEW {name}")
    for name in VIEWS_BEFORE_0010:
        op.execute(create_view_sql(name, dialect, VIEWS_BEFORE_0010))
