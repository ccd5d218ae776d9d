"""Identity: a document is its file's place (`source_key`), not its bare name, so
files of the same name in two folders are two documents; the fingerprint and the
name are no longer unique; `act_key` groups the files of one act, and corrections
belong to the act; on SQLite document ids are never reused.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from models.records import DocumentHeader
from models.views import VIEWS_BEFORE_0009, create_view_sql

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    connection = op.get_bind()
    sqlite = connection.dialect.name == "sqlite"
    for name in VIEWS_BEFORE_0009:  # SQLite rebuilds the document table, which the views read
        op.execute(f"DROP VIEW {name}")
    with op.batch_alter_table("document", recreate="always" if sqlite else "auto",
                              table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("source_key", sa.String()))
        batch.add_column(sa.Column("act_key", sa.String()))
        batch.drop_constraint("uq_document_fingerprint", type_="unique")
        batch.drop_constraint("uq_document_source_file", type_="unique")
    acts = {}
    for row in connection.execute(sa.text(
            "SELECT id, source_file, region_code, doc_type, doc_number, doc_date, title FROM document")).mappings():
        header = DocumentHeader(title=row["title"], doc_type=row["doc_type"], doc_number=row["doc_number"],
                                doc_date=_date(row["doc_date"]), region_code=row["region_code"])
        acts[row["source_file"]] = header.act_key(row["source_file"])
        connection.execute(sa.text("UPDATE document SET source_key = :k, act_key = :a WHERE id = :i"),
                           {"k": row["source_file"], "a": acts[row["source_file"]], "i": row["id"]})
    with op.batch_alter_table("document") as batch:
        batch.alter_column("source_key", nullable=False)
        batch.alter_column("act_key", nullable=False)
        batch.create_unique_constraint("uq_document_source_key", ["source_key"])
        batch.create_index("ix_document_act_key", ["act_key"])
        batch.create_index("ix_document_fingerprint", ["fingerprint"])
        batch.create_index("ix_document_source_file", ["source_file"])
    _corrections_by_act(connection, acts)
    for name in VIEWS_BEFORE_0009:
        op.execute(create_view_sql(name, connection.dialect, VIEWS_BEFORE_0009))


def _date(value):
    """A date column as SQLite (text) or PostgreSQL (date) gives it back."""
    import datetime as dt

    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _corrections_by_act(connection, acts: dict[str, str]) -> None:
    """A correction named its file; it now names the file's act (a file gone: its
    name), and keeps the extracted value by file."""
    op.add_column("correction", sa.Column("act_key", sa.String()))
    op.add_column("correction", sa.Column("extracted", sa.JSON()))
    rows = connection.execute(sa.text("SELECT id, source_file, extracted_value FROM correction")).all()
    for correction_id, source_file, extracted_value in rows:
        act = acts.get(source_file, f"file|{source_file}" if source_file else "")
        extracted = {source_file: extracted_value} if source_file else {}
        connection.execute(sa.text("UPDATE correction SET act_key = :a, extracted = :e WHERE id = :i")
                           .bindparams(sa.bindparam("e", type_=sa.JSON())),
                           {"a": act, "e": extracted, "i": correction_id})
    with op.batch_alter_table("correction") as batch:
        batch.drop_index("ix_correction_source_file")
        batch.drop_column("source_file")
        batch.drop_column("extracted_value")
        batch.alter_column("act_key", nullable=False)
        batch.alter_column("extracted", nullable=False)
        batch.create_index("ix_correction_act_key", ["act_key"])


def downgrade() -> None:
    raise NotImplementedError("0008 cannot be undone: documents that share a file name would collide")
