"""Review: issues name the value that settles them, and on SQLite their ids are never
reused (links name issues by id); executors and issuers keep the name the document
prints, so that a registry merge changes only their link.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, Sequence[str], None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The name a document gives an organisation: its own record of it, else the registry's.
_PRINTED_NAME = """
UPDATE {table} SET name = COALESCE(
    (SELECT o.name FROM document_organization o
     WHERE o.document_id = {document_id} AND o.organization_id = {table}.organization_id
     ORDER BY o.position LIMIT 1),
    (SELECT r.name FROM organization r WHERE r.id = {table}.organization_id))
"""


def upgrade() -> None:
    # On SQLite the issue table is rebuilt with AUTOINCREMENT (no view reads it); PostgreSQL's
    # sequences never hand out an id twice anyway.
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("issue", recreate="always" if sqlite else "auto",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("value_entity", sa.String(32)))
        batch.add_column(sa.Column("value_key", sa.String()))
        batch.add_column(sa.Column("value_field", sa.String(64)))
        batch.add_column(sa.Column("subject", sa.Text()))
    op.add_column("measure_executor", sa.Column("name", sa.Text()))
    op.add_column("document_issuer", sa.Column("name", sa.Text()))
    op.execute(_PRINTED_NAME.format(
        table="measure_executor",
        document_id="(SELECT m.document_id FROM measure m WHERE m.id = measure_executor.measure_id)"))
    op.execute(_PRINTED_NAME.format(table="document_issuer", document_id="document_issuer.document_id"))


def downgrade() -> None:
    for table, column in (("document_issuer", "name"), ("measure_executor", "name"), ("issue", "subject"),
                          ("issue", "value_field"), ("issue", "value_key"), ("issue", "value_entity")):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
