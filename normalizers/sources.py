"""Funding source labels → the export vocabulary (shared/spec/document-json.md)."""
from __future__ import annotations

import re

# Order matters: the first pattern that matches a label wins.
SOURCE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("extrabudgetary", re.compile(r"внебюджетн", re.I)),
    ("federal_budget", re.compile(r"федеральн\w*\s+бюджет|бюджет\w*\s+российской\s+федерации", re.I)),
    ("local_budget", re.compile(r"местн\w*\s+бюджет|муниципальн\w*\s+бюджет|бюджет\w*\s+(?:муниципальн|город|район|округ)", re.I)),
    ("regional_budget", re.compile(
        r"краев\w*\s+бюджет|областн\w*\s+бюджет|региональн\w*\s+бюджет|республиканск\w*\s+бюджет"
        r"|бюджет\w*\s+(?:[А-ЯЁ]\w+\s+)+(?:кра[яюе]|област[иь]|республик[иа])|бюджет\w*\s+республик"
        r"|бюджет\w*\s+субъект", re.I)),
    ("fund_grant", re.compile(r"грант|средств\w*\s+фонда|\bфонд", re.I)),
    ("own_funds", re.compile(r"собственн\w*\s+средств", re.I)),
    ("other", re.compile(r"ин\w*\s+источник|привлеченн|спонсор|благотворит", re.I)),
]


def classify_source(label: str) -> str | None:
    """The source a label names, or None when it names none (a plain total)."""
    for source, pattern in SOURCE_PATTERNS:
        if pattern.search(label):
            return source
    return None
