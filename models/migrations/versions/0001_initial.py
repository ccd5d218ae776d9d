"""Initial schema: documents, the organisation registry, review queue, corrections, runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table("correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_file", sa.String(), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_key", sa.String(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction")),
    )
    op.create_index(op.f("ix_correction_source_file"), "correction", ["source_file"])

    op.create_table("ingestion_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("files_new", sa.Integer(), nullable=False),
        sa.Column("files_unchanged", sa.Integer(), nullable=False),
        sa.Column("files_failed", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingestion_run")),
    )

    op.create_table("region",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region")),
    )

    op.create_table("document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("source_file", sa.String(), nullable=False),
        sa.Column("source_path", sa.String(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("doc_type", sa.String(length=32), nullable=True),
        sa.Column("doc_number", sa.String(), nullable=True),
        sa.Column("doc_date", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("region_code", sa.String(length=16), nullable=True),
        sa.Column("region_name", sa.String(), nullable=True),
        sa.Column("municipality", sa.String(), nullable=True),
        sa.Column("period_start", sa.Integer(), nullable=True),
        sa.Column("period_end", sa.Integer(), nullable=True),
        sa.Column("pipeline_version", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('ok', 'needs_review')", name=op.f("ck_document_status")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_document_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_document_fingerprint")),
        sa.UniqueConstraint("source_file", name=op.f("uq_document_source_file")),
    )
    op.create_index(op.f("ix_document_region_code"), "document", ["region_code"])

    op.create_table("organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("region_code", sa.String(length=16), nullable=True),
        sa.Column("registry_key", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('government', 'ministry', 'federal_body', 'municipal_body', 'institution', 'fund', 'ngo', 'group', 'other')", name=op.f("ck_organization_kind")),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_organization_region_code_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization")),
        sa.UniqueConstraint("registry_key", name=op.f("uq_organization_registry_key")),
    )
    op.create_index(op.f("ix_organization_region_code"), "organization", ["region_code"])

    op.create_table("document_issuer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_document_issuer_document_id_document"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], name=op.f("fk_document_issuer_organization_id_organization")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_issuer")),
    )
    op.create_index(op.f("ix_document_issuer_document_id"), "document_issuer", ["document_id"])
    op.create_index(op.f("ix_document_issuer_organization_id"), "document_issuer", ["organization_id"])

    op.create_table("document_organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('government', 'ministry', 'federal_body', 'municipal_body', 'institution', 'fund', 'ngo', 'group', 'other')", name=op.f("ck_document_organization_kind")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_document_organization_document_id_document"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], name=op.f("fk_document_organization_organization_id_organization")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_organization")),
    )
    op.create_index(op.f("ix_document_organization_document_id"), "document_organization", ["document_id"])
    op.create_index(op.f("ix_document_organization_organization_id"), "document_organization", ["organization_id"])

    op.create_table("funding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("measure_code", sa.String(length=32), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_label", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2).with_variant(sa.Text(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("source IN ('all', 'fund_grant', 'regional_budget', 'local_budget', 'federal_budget', 'own_funds', 'extrabudgetary', 'other')", name=op.f("ck_funding_source")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_funding_document_id_document"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding")),
    )
    op.create_index(op.f("ix_funding_document_id"), "funding", ["document_id"])

    op.create_table("indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("base_value", sa.String(), nullable=True),
        sa.Column("base_date", sa.Date(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_indicator_document_id_document"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
    )
    op.create_index(op.f("ix_indicator_document_id"), "indicator", ["document_id"])

    op.create_table("issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("where_", sa.String(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('sum_mismatch', 'ocr_suspect', 'unresolved_org', 'missing_value', 'other')", name=op.f("ck_issue_kind")),
        sa.CheckConstraint("status IN ('open', 'closed', 'dismissed')", name=op.f("ck_issue_status")),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_issue_document_id_document"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issue")),
    )
    op.create_index(op.f("ix_issue_document_id"), "issue", ["document_id"])

    op.create_table("measure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("task_code", sa.String(length=32), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Text(), nullable=True),
        sa.Column("deadline_start", sa.Date(), nullable=True),
        sa.Column("deadline_end", sa.Date(), nullable=True),
        sa.Column("expected_result", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_measure_document_id_document"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure")),
    )
    op.create_index(op.f("ix_measure_document_id"), "measure", ["document_id"])

    op.create_table("organization_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], name=op.f("fk_organization_alias_organization_id_organization"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_alias")),
        sa.UniqueConstraint("organization_id", "alias", name=op.f("uq_organization_alias_organization_id_alias")),
    )

    op.create_table("provenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("x0", sa.Float(), nullable=True),
        sa.Column("y0", sa.Float(), nullable=True),
        sa.Column("x1", sa.Float(), nullable=True),
        sa.Column("y1", sa.Float(), nullable=True),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_provenance_document_id_document"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provenance")),
    )
    op.create_index(op.f("ix_provenance_document_id"), "provenance", ["document_id"])

    op.create_table("signatory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("job_title", sa.Text(), nullable=True),
        sa.Column("organization", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_signatory_document_id_document"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatory")),
    )
    op.create_index(op.f("ix_signatory_document_id"), "signatory", ["document_id"])

    op.create_table("target_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_target_group_document_id_document"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_group")),
    )
    op.create_index(op.f("ix_target_group_document_id"), "target_group", ["document_id"])

    op.create_table("task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], name=op.f("fk_task_document_id_document"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task")),
    )
    op.create_index(op.f("ix_task_document_id"), "task", ["document_id"])

    op.create_table("indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"], name=op.f("fk_indicator_value_indicator_id_indicator"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_value")),
    )
    op.create_index(op.f("ix_indicator_value_indicator_id"), "indicator_value", ["indicator_id"])

    op.create_table("measure_executor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["measure_id"], ["measure.id"], name=op.f("fk_measure_executor_measure_id_measure"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], name=op.f("fk_measure_executor_organization_id_organization")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_executor")),
    )
    op.create_index(op.f("ix_measure_executor_measure_id"), "measure_executor", ["measure_id"])
    op.create_index(op.f("ix_measure_executor_organization_id"), "measure_executor", ["organization_id"])


def downgrade() -> None:
    # Children first; indexes go with their tables.
    op.drop_table("measure_executor")
    op.drop_table("indicator_value")
    op.drop_table("task")
    op.drop_table("target_group")
    op.drop_table("signatory")
    op.drop_table("provenance")
    op.drop_table("organization_alias")
    op.drop_table("measure")
    op.drop_table("issue")
    op.drop_table("indicator")
    op.drop_table("funding")
    op.drop_table("document_organization")
    op.drop_table("document_issuer")
    op.drop_table("organization")
    op.drop_table("document")
    op.drop_table("region")
    op.drop_table("ingestion_run")
    op.drop_table("correction")
