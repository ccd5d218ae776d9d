"""Plain-text clean-up shared by every stage: whitespace, hyphenation, quotes.

The export contract wants strings whitespace-collapsed and with line-end
hyphenation removed (`осуще- ствляющих` → `осуществляющих`) but real compounds
kept (`детей-инвалидов`). A word counts as hyphenated by the line break only when
the joined form is a word the Russian dictionary knows and the hyphenated one is not.
"""
from __future__ import annotations

import re
from functools import lru_cache

import pymorphy3

_SPACES = re.compile(r"\s+")
# A Cyrillic word part, a hyphen at a line end (or before a space), the rest of the word.
_BROKEN_WORD = re.compile(r"([А-Яа-яЁё]+)-\s+([а-яё]+)")


@lru_cache(maxsize=1)
def morph() -> pymorphy3.MorphAnalyzer:
    """The Russian morphological analyser, loaded once per process."""
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=20000)
def is_known_word(word: str) -> bool:
    """True when the Russian dictionary knows `word` (not a guess by analogy)."""
    return any(p.is_known for p in morph().parse(word.lower()))


def _join_broken_word(m: re.Match) -> str:
    head, tail = m.group(1), m.group(2)
    joined = head + tail
    if is_known_word(joined) and not is_known_word(f"{head}-{tail}"):
        return joined
    return f"{head}-{tail}"


def dehyphenate(text: str) -> str:
    """Join words split by a hyphen at a line end; keep real hyphenated compounds."""
    return _BROKEN_WORD.sub(_join_broken_word, text)


def collapse(text: str | None) -> str:
    """Collapse whitespace runs into one space and trim."""
    return _SPACES.sub(" ", text or "").strip()


def clean(text: str | None) -> str:
    """Dehyphenate then collapse: the form every exported string takes."""
    return collapse(dehyphenate(text or ""))


def capitalize_first(text: str) -> str:
    """Upper-case the first letter only («министерство труда …» → «Министерство труда …»)."""
    return text[:1].upper() + text[1:]


def wrap_joint(before: str, after: str) -> str:
    """What stood where a line of a cell wrapped (or a page break cut it): nothing after a hyphen,
    inside a word a narrow cell broke, or inside a number's fraction («1670,92» + «2» is 1670,922; a narrow cell breaks it
    anywhere), else a space (a wrap at a space eats it: «1 778» + «000» is 1 778 000)."""
    # The rest of a number too wide for its cell: a few digits after a fraction or after
    # digits with no space groups (a space-grouped number wraps at a space).
    cut_number = re.search(r"\d[,.]\d*$|\d{5,}$", before) and re.fullmatch(r"\d{1,2}(?:\s.*)?", after, re.S)
    if before.endswith("-") or cut_number:
        return ""
    head, tail = re.search(r"[А-Яа-яЁё]*$", before).group(0), re.match(r"[а-яё]*", after).group(0)
    if head and tail and is_known_word(head + tail) and not (is_known_word(head) and is_known_word(tail)):
        return ""  # a word broken without a hyphen: «республикан» + «ский»
    return " "
