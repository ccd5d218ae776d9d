"""Funding source labels → the export vocabulary (shared/spec/document-json.md)."""
from __future__ import annotations

import re

from normalizers.lexicon import SOURCES, SPLIT_WORDS


def classify_source(label: str) -> str | None:
    """The source a label names, or None when it names none (a plain total)."""
    for source, pattern in SOURCES:
        if pattern.search(label):
            return source
    return None


def source_label(text: str) -> str:
    """A source as printed, without the words that announce it: «в т.ч. областной
    бюджет» → «областной бюджет», «областной бюджет, в том числе:» → «областной бюджет»."""
    return re.sub(r"[\s,:;]*(?:" + SPLIT_WORDS.pattern + r")[\s,:;]*", " ", text, flags=re.I).strip()
