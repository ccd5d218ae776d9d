"""Text printed in capitals put in normal case: «МИНИСТЕРСТВО СОЦИАЛЬНОГО РАЗВИТИЯ
ТУЛЬСКОЙ ОБЛАСТИ» → «Министерство социального развития Тульской области».

Headings print issuers and titles in capitals. Lower-cased, a name keeps the capitals
of its proper names: subjects of the Federation as the gazetteer spells them, places
and people's names the Russian dictionary knows («Твери», «Югры»), a municipality's
adjective («Плесецкого муниципального округа»), and the country.
"""
from __future__ import annotations

import re

from normalizers.regions import region_mentions
from normalizers.text import capitalize_first, morph

_WORD = re.compile(r"[А-ЯЁа-яё]+")
_COUNTRY = re.compile(r"\b(российск\w+)\s+(федераци\w+)", re.I)
_PROPER = {"Geox", "Name", "Surn", "Patr"}
# The adjective naming a municipality: «плесецкого муниципального округа», «вельского района».
_MUNICIPAL = re.compile(r"\b(?!муниципальн|городск|сельск)([а-яё-]+)\s+(?=муниципальн\w*\s+(?:округ|район)|городск\w*\s+(?:округ|поселени)"
                        r"|сельск\w*\s+поселени|район\w*\b)")


def in_capitals(text: str) -> bool:
    """Most of the letters are capitals (a heading, not an abbreviation in a sentence)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 8 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def normal_case(text: str) -> str:
    """`text` in normal case if it is printed in capitals; any other text as it is."""
    if not in_capitals(text):
        return text
    lowered = text.lower()
    capital = {m.start() for m in _WORD.finditer(lowered) if _is_proper(m.group(0))}
    for start, end, region in region_mentions(lowered):
        canonical = _WORD.findall(region.name)
        for word, name_word in zip(_WORD.finditer(lowered, start, end), canonical):
            if name_word[:1].isupper():
                capital.add(word.start())
    for m in _MUNICIPAL.finditer(lowered):
        if any(p.tag.POS == "ADJF" for p in morph().parse(m.group(1))):
            capital.add(m.start(1))
    for m in _COUNTRY.finditer(lowered):
        capital |= {m.start(1), m.start(2)}
    chars = list(lowered)
    for at in capital:
        chars[at] = chars[at].upper()
    return capitalize_first("".join(chars))


def _is_proper(word: str) -> bool:
    """A place's or a person's name by its most likely reading."""
    best = morph().parse(word)[0]
    return best.is_known and bool(_PROPER & set(best.tag.grammemes))
