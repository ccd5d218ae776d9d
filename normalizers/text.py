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
# A Cyrillic word part, a hyphen at a line end (before a space, or where the break was
# lost: «самоуправле-ния»), the rest of the word.
_BROKEN_WORD = re.compile(r"([А-Яа-яЁё]+)-(\s*)([а-яё]+)")


@lru_cache(maxsize=1)
def morph() -> pymorphy3.MorphAnalyzer:
    """The Russian morphological analyser, loaded once per process."""
    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=20000)
def is_known_word(word: str) -> bool:
    """True when the Russian dictionary knows `word` (not a guess by analogy); a lookup,
    without parsing the word (a word it does not know would be guessed at, slowly)."""
    return morph().word_is_known(word)


_PERSON_NAME = {"Surn", "Name", "Patr"}


@lru_cache(maxsize=20000)
def is_common_word(word: str) -> bool:
    """True when the dictionary knows `word` as something other than a person's name only
    («Муромцева» is a surname and no word; «краевой», «Мещовский» are words)."""
    return any(p.is_known and not (_PERSON_NAME & p.tag.grammemes) for p in morph().parse(word.lower()))


@lru_cache(maxsize=20000)
def is_full_word(word: str) -> bool:
    """True when the dictionary knows `word` and never as an abbreviation («детских», not «тыс», «г»)."""
    parses = morph().parse(word.lower())
    return any(p.is_known for p in parses) and not any("Abbr" in p.tag for p in parses)


def _join_broken_word(m: re.Match) -> str:
    head, space, tail = m.groups()
    joined = head + tail
    # with no space left, two words of their own are a compound («кто-нибудь»), not a break
    compound = not space and is_known_word(head) and is_known_word(tail)
    if is_known_word(joined) and not is_known_word(f"{head}-{tail}") and not compound:
        return joined
    return m.group(0) if not space else f"{head}-{tail}"


def dehyphenate(text: str) -> str:
    """Join words split by a hyphen at a line end, with the break kept or lost; keep
    real hyphenated compounds."""
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


def join_wrapped(before: str, after: str, line_break: str = " ") -> str:
    """Two pieces of a cell's text that a line wrap (or a page break) split, joined:
    with nothing after a hyphen, inside a word a narrow cell broke (over two lines or
    three: «республ» + «иканск» + «ий»), or inside a number's fraction («1670,92» + «2» is
    1670,922; a narrow cell breaks a number anywhere); else with `line_break` (a wrap
    at a space eats it: «1 778» + «000» is 1 778 000). A hyphen with a space before it
    is a dash (тире), and the line break after it a space: «граждан -» + «потенциальных»."""
    # The rest of a number too wide for its cell: a few digits after a fraction or after
    # digits with no space groups (a space-grouped number wraps at a space).
    cut_number = re.search(r"\d[,.]\d*$|\d{5,}$", before) and re.match(r"\d{1,2}(?![\d\u00a0]|\s+\d)", after)
    dash = re.search(r"\s-$", before)
    if (before.endswith("-") and not dash) or cut_number:
        return before + after
    tail = re.match(r"[а-яё]*", after).group(0)
    heads = re.search(r"(?<![А-Яа-яЁё])(?:([А-Яа-яЁё]+) )?([А-Яа-яЁё]+)$", before)
    if tail and heads:
        for head in ([heads.group(2)] + ([f"{heads.group(1)} {heads.group(2)}"] if heads.group(1) else [])):
            pieces = head.split(" ")
            word = "".join(pieces) + tail
            if is_known_word(word) and not all(is_known_word(p) for p in pieces + [tail]):
                return before[:len(before) - len(head)] + word + after[len(tail):]
    return before + line_break + after


_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?(?:стр\.?|страница)?\s*\d{1,3}\s*(?:[-–—])?\s*$", re.I)


def is_page_furniture(text: str) -> bool:
    """A page number in the margin, or specks OCR read as a few characters (no number,
    no word of three letters): not part of the document's text."""
    return bool(_PAGE_NUMBER.match(text)) or len(re.sub(r"[\W_]", "", text)) <= 2 \
        or not re.search(r"\d|[^\W\d_]{3}", text)
