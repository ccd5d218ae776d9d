"""Every stored document as a file of the shared export format (one JSON per document)
or as its logical tables, cell by cell.

    export_json(sessions, Path("data/processed/json"))
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import db
from store.database import snapshot
from store.load import load_document


def export_json(sessions: sessionmaker[Session], out_dir: Path) -> list[Path]:
    """Write every stored document as `<source_file stem>.json` (shared/spec/document-json.md).

    The content is exactly `ExtractedDocument.to_export()`, UTF-8, Cyrillic unescaped.
    Two documents whose names differ only in the extension (a.pdf, a.docx) would
    overwrite each other, so those are written as `<source_file>.json` instead, and
    files of the same name in two folders as `<folder>__<source_file>.json`.
    Returns the paths written, in source-key order.
    """
    return _export(sessions, out_dir, "json", lambda doc: doc.to_export())


def export_tables(sessions: sessionmaker[Session], out_dir: Path) -> list[Path]:
    """Write every stored document's logical tables as `<stem>.tables.json`: a list of
    tables, each a list of rows, each a list of cells (text, spans, page, box, confidence)."""
    return _export(sessions, out_dir, "tables.json", lambda doc: doc.tables_export())


def _export(sessions: sessionmaker[Session], out_dir: Path, suffix: str, content) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with snapshot(sessions) as session:
        stored = session.execute(
            select(db.Document.id, db.Document.source_key).order_by(db.Document.source_key)
        ).all()
        file_names = _export_file_names([key for _, key in stored], suffix)
        paths = []
        for document_id, key in stored:
            export = content(load_document(session, document_id))
            path = out_dir / file_names[key]
            path.write_text(json.dumps(export, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            paths.append(path)
            session.expunge_all()  # keep memory flat over a large database
    return paths


def _export_file_names(source_keys: list[str], suffix: str) -> dict[str, str]:
    """One export file name per source key: the stem where it is unique, else the
    file's name, else the whole key with its folders joined by «__»."""
    stems = Counter(PurePosixPath(key).stem for key in source_keys)
    names = Counter(PurePosixPath(key).name for key in source_keys)

    def name_of(key: str) -> str:
        path = PurePosixPath(key)
        if stems[path.stem] == 1:
            return f"{path.stem}.{suffix}"
        return f"{path.name if names[path.name] == 1 else key.replace('/', '__')}.{suffix}"

    return {key: name_of(key) for key in source_keys}
