"""Funding source labels → the export vocabulary (shared/spec/document-json.md)."""
from __future__ import annotations

import difflib
import re

from normalizers.lexicon import SOURCE_WORDS, SOURCES, SPLIT_WORDS, TOTAL


def classify_source(label: str) -> str | None:
    """The source a label names, or None when it names none (a plain total); a label with a
    word misspelt by a letter (as OCR reads «краезой бюджет») is read with the word mended.
    A total that announces its parts («всего, в том числе федеральный бюджет») names none:
    its amounts are the total's, and the parts are the ones a cell's text names."""
    head = SPLIT_WORDS.split(label, maxsplit=1)[0]
    if head != label and TOTAL.search(head) and classify_source(head) is None:
        return None
    for text in (label, _mend_words(label)):
        for source, pattern in SOURCES:
            if pattern.search(text):
                return source
    return None


def _mend_words(label: str) -> str:
    """Each word of five letters or more replaced by the source word of its length it is a
    letter or so off."""
    def mend(m: re.Match) -> str:
        word = m.group(0).lower()
        same_length = [w for w in SOURCE_WORDS if abs(len(w) - len(word)) <= 1]
        close = difflib.get_close_matches(word, same_length, n=1, cutoff=0.8)
        return close[0] if close else m.group(0)
    return re.sub(r"[А-Яа-яЁё]{5,}", mend, label)


def source_label(text: str) -> str:
    """A source as printed, without the words that announce it: «в т.ч. областной
    бюджет» → «областной бюджет», «областной бюджет, в том числе:» → «областной бюджет»."""
    return re.sub(r"[\s,:;]*(?:" + SPLIT_WORDS.pattern + r")[\s,:;]*", " ", text, flags=re.I).strip()
