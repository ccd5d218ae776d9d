"""Review: accounts, corrections that remember the extracted value, stated amounts,
page sizes for highlighting boxes, and registry keys that spell out abbreviations.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from models.db import Money, organization_key
from normalizers.abbreviations import spell_out

revision: str = "0004"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# Tables whose rows point at an organisation.
_LINKS = ("organization_alias", "document_organization", "document_issuer", "measure_executor")


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('viewer', 'reviewer', 'admin')", name=op.f("ck_account_role")),
        sa.UniqueConstraint("name", name=op.f("uq_account_name")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
    )
    op.create_table(
        "stated_amount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_stated_amount_document_id_document"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stated_amount")),
    )
    op.create_index(op.f("ix_stated_amount_document_id"), "stated_amount", ["document_id"])
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("page_sizes", sa.JSON()))
    with op.batch_alter_table("correction") as batch:
        batch.add_column(sa.Column("extracted_value", sa.Text()))
        batch.add_column(sa.Column("orphaned", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("reverted_by", sa.String()))
        batch.add_column(sa.Column("reverted_at", sa.DateTime(timezone=True)))
        batch.create_check_constraint(op.f("ck_correction_status"), "status IN ('active', 'reverted')")
    _rekey_registry()


def _rekey_registry() -> None:
    """Recompute registry keys; rows that now share a key become one (the oldest)."""
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, name, region_code FROM organization ORDER BY id")).all()
    kept: dict[str, int] = {}
    for org_id, name, region_code in rows:
        key = organization_key(spell_out(name, region_code), region_code)
        if key not in kept:
            kept[key] = org_id
            connection.execute(sa.text("UPDATE organization SET registry_key = :k WHERE id = :i"), {"k": key, "i": org_id})
            continue
        for table in _LINKS:
            if table == "organization_alias":  # an alias both rows carry stays once
                connection.execute(sa.text(
                    "DELETE FROM organization_alias WHERE organization_id = :drop AND alias IN "
                    "(SELECT alias FROM organization_alias WHERE organization_id = :keep)"),
                    {"drop": org_id, "keep": kept[key]})
            connection.execute(sa.text(f"UPDATE {table} SET organization_id = :keep WHERE organization_id = :drop"),
                               {"keep": kept[key], "drop": org_id})
        connection.execute(sa.text("DELETE FROM organization WHERE id = :i"), {"i": org_id})


def downgrade() -> None:
    with op.batch_alter_table("correction") as batch:
        batch.drop_constraint(op.f("ck_correction_status"), type_="check")
        batch.drop_column("reverted_at")
        batch.drop_column("reverted_by")
        batch.drop_column("orphaned")
        batch.drop_column("extracted_value")
    with op.batch_alter_table("document") as batch:
        batch.drop_column("page_sizes")
    op.drop_index(op.f("ix_stated_amount_document_id"), table_name="stated_amount")
    op.drop_table("stated_amount")
    op.drop_table("account")
