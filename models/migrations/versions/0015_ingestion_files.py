"""Each file of an ingest run becomes a row of `ingestion_file` instead of an entry in the
run's JSON report: the report was rewritten whole for every file, so recording a run's
n-th file cost n, and a run of 10,000 files spent minutes on its own record. The
report keeps the paths the run was given.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: Union[str, Sequence[str], None] = "0014"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_run = sa.table("ingestion_run", sa.column("id", sa.Integer), sa.column("report", sa.JSON))
_FIELDS = ("path", "status", "reason", "document_id", "counts", "seconds")
_file = sa.table("ingestion_file", sa.column("run_id", sa.Integer), sa.column("path", sa.Text),
                 sa.column("status", sa.String), sa.column("reason", sa.Text), sa.column("document_id", sa.Integer),
                 sa.column("counts", sa.JSON), sa.column("seconds", sa.JSON), sa.column("id", sa.Integer))


def upgrade() -> None:
    op.create_table(
        "ingestion_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("seconds", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["ingestion_run.id"], name=op.f("fk_ingestion_file_run_id_ingestion_run"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ingestion_file")),
    )
    op.create_index(op.f("ix_ingestion_file_run_id"), "ingestion_file", ["run_id"])
    connection = op.get_bind()
    for run_id, report in connection.execute(sa.select(_run.c.id, _run.c.report).order_by(_run.c.id)).all():
        report = report or {}
        rows = [{"run_id": run_id, **{field: entry.get(field) for field in _FIELDS}} for entry in report.get("files", [])]
        for row in rows:
            row["reason"] = row["reason"] or ""
        if rows:
            connection.execute(_file.insert(), rows)
        connection.execute(_run.update().where(_run.c.id == run_id).values(report={"paths": report.get("paths", [])}))


def downgrade() -> None:
    connection = op.get_bind()
    for run_id, report in connection.execute(sa.select(_run.c.id, _run.c.report).order_by(_run.c.id)).all():
        entries = connection.execute(sa.select(*(_file.c[field] for field in _FIELDS))
                                     .where(_file.c.run_id == run_id).order_by(_file.c.id)).all()
        folded = {**(report or {}), "files": [dict(zip(_FIELDS, entry)) for entry in entries]}
        connection.execute(_run.update().where(_run.c.id == run_id).values(report=folded))
    op.drop_index(op.f("ix_ingestion_file_run_id"), "ingestion_file")
    op.drop_table("ingestion_file")
