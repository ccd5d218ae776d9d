"""Text printed in capitals put in normal case: «МИНИСТЕРСТВО СОЦИАЛЬНОГО РАЗВИТИЯ
ТУЛЬСКОЙ ОБЛАСТИ» → «Министерство социального развития Тульской области».

Headings print issuers and titles in capitals. Lower-cased, a name keeps the capitals
of its proper names: subjects of the Federation as the gazetteer spells them, places
and people's names the Russian dictionary knows («Твери», «Югры»), a municipality's
adjective («Плесецкого муниципального округа»), cities named as cities («города Набережные
Челны»), the country, and the first word of a quoted name.
"""
from __future__ import annotations

import re

from normalizers.regions import city_mentions, region_mentions
from normalizers.text import capitalize_first, morph

_WORD = re.compile(r"[А-ЯЁа-яё]+")
_COUNTRY = re.compile(r"\b(российск\w+)\s+(федераци\w+)", re.I)
_PART = re.compile(r"[а-яё]+", re.I)  # a word, or a part of a hyphenated name («Комсомольск-на-Амуре»)
_QUOTED_NAME = re.compile(r"«\s*([а-яё])")  # a name in quotes starts with a capital: «Город Тверь»
_PROPER = {"Geox", "Name", "Surn", "Patr"}
# The adjective naming a municipality: «плесецкого муниципального округа», «вельского района».
_MUNICIPAL = re.compile(r"\b(?!муниципальн|городск|сельск)([а-яё-]+)\s+(?=муниципальн\w*\s+(?:округ|район)|городск\w*\s+(?:округ|поселени)"
                        r"|сельск\w*\s+поселени|район\w*\b)")


def in_capitals(text: str) -> bool:
    """Most of the letters are capitals (a heading, not an abbreviation in a sentence)."""
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 8 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


# A heading whose first words alone are in capitals: «КОМПЛЕКС МЕР по поддержке семей …».
_CAPITAL_LEAD = re.compile(r"^((?:[А-ЯЁ][А-ЯЁ-]+\s+){2,})(?=[а-яё])")


def normal_case(text: str) -> str:
    """`text` in normal case if it is printed in capitals, or its first words are
    («КОМПЛЕКС МЕР по …» → «Комплекс мер по …»); any other text as it is."""
    lead = _CAPITAL_LEAD.match(text)
    if lead and not in_capitals(text) and in_capitals(lead.group(1)):
        return normal_case(lead.group(1).rstrip()) + " " + text[lead.end():]
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
    for start, end, city in city_mentions(lowered):
        capital |= {start + m.start() for m, part in zip(_PART.finditer(lowered[start:end]), _PART.findall(city.name))
                    if part[:1].isupper()}
    for m in _COUNTRY.finditer(lowered):
        capital |= {m.start(1), m.start(2)}
    capital |= {m.start(1) for m in _QUOTED_NAME.finditer(lowered)}
    chars = list(lowered)
    for at in capital:
        chars[at] = chars[at].upper()
    return capitalize_first("".join(chars))


def _is_proper(word: str) -> bool:
    """A place's or a person's name by its most likely reading."""
    best = morph().parse(word)[0]
    return best.is_known and bool(_PROPER & set(best.tag.grammemes))
