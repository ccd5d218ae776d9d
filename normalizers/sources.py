"""Funding source labels → the export vocabulary (shared/spec/document-json.md)."""
from __future__ import annotations

from normalizers.lexicon import SOURCES


def classify_source(label: str) -> str | None:
    """The source a label names, or None when it names none (a plain total)."""
    for source, pattern in SOURCES:
        if pattern.search(label):
            return source
    return None
