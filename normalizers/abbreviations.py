"""Abbreviations in organisation names spelled out, so that «ГБУ КО Центр «Ровесник»»
and «государственное бюджетное учреждение Калужской области Центр «Ровесник»» are
recognised as one body in one document and across documents.

The names keep the form the document prints; the spelled-out form serves as the
key they are compared by. Region initials after a legal form («ГБУ КО», «КГБУ АК»)
are expanded only when they are the initials of the document's own region: «КО» is
Калужская, Костромская or Курганская область depending on where the order was issued.
"""
from __future__ import annotations

import re
from functools import lru_cache

from normalizers import lexicon
from normalizers.inflect import inflect_head
from normalizers.regions import region_by_code

# Abbreviations of bodies and services → their words (in the nominative, as when they head a
# name). Legal forms («ГБУ», «КГБУСО», «АНО») are spelled out by the lexicon's grammar.
ABBREVIATIONS: dict[str, str] = {
    "ЦЗН": "центр занятости населения",
    "ОСЗН": "отдел социальной защиты населения",
    "УСЗН": "управление социальной защиты населения",
    "МКДНиЗП": "муниципальная комиссия по делам несовершеннолетних и защите их прав",
    "КДНиЗП": "комиссия по делам несовершеннолетних и защите их прав",
    "СО НКО": "социально ориентированные некоммерческие организации",
    "НКО": "некоммерческие организации",
}

_QUOTED = re.compile(r"«[^«»]*(?:«[^«»]*»[^«»]*)*»")


def _spaced(abbreviation: str) -> str:
    """«МКДНиЗП» is also printed «МКДН и ЗП»; «СО НКО» also «СОНКО»."""
    parts = re.split(r"(и)(?=[А-ЯЁ])| ", abbreviation)
    return r"\s*".join(re.escape(p) for p in parts if p)


_ABBREVIATION = re.compile(
    r"(?<![А-ЯЁа-яё])(" + "|".join(_spaced(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + "|" + lexicon.LEGAL_FORM.pattern + r")(?![А-ЯЁа-яё])"
)


@lru_cache(maxsize=128)
def region_initials(region_code: str | None) -> tuple[str, str] | None:
    """(initials, genitive name) of a region: RU-KLU → («КО», «Калужской области»)."""
    if not region_code:
        return None
    genitive = inflect_head(region_by_code(region_code).name, "gent", "nomn")
    words = re.findall(r"[А-ЯЁа-яё]+", genitive)
    return "".join(w[0] for w in words).upper(), genitive


def spell_out(name: str, region_code: str | None = None) -> str:
    """`name` with its abbreviations (outside quoted names) replaced by their words,
    and region initials after a legal form by the region's name, in lower case."""
    initials = region_initials(region_code)
    pieces = re.split(f"({_QUOTED.pattern})", name)
    for i in range(0, len(pieces), 2):  # the odd pieces are quoted names, kept as printed
        pieces[i] = _spell_out_words(pieces[i], initials)
    return re.sub(r"\s+", " ", "".join(pieces)).strip().lower()


def _spell_out_words(text: str, initials: tuple[str, str] | None) -> str:
    def expand(m: re.Match) -> str:
        key = re.sub(r"\s+", "", m.group(1))
        words = ABBREVIATIONS.get(key) or lexicon.legal_form_words(key) or ABBREVIATIONS[_with_space(key)]
        if initials and lexicon.INSTITUTION.fullmatch(key):  # «ГБУ КО»: a pair of capitals may stand for the region
            after = text[m.end():].lstrip()
            if after.startswith(initials[0]) and not after[len(initials[0]):][:1].isalpha():
                return f"{words} {initials[1]}\0"
        return words

    expanded = _ABBREVIATION.sub(expand, text)
    if initials:  # the initials that followed an expanded legal form
        expanded = re.sub(r"\0\s*" + re.escape(initials[0]) + r"(?![А-ЯЁа-яё])", "", expanded)
    return expanded.replace("\0", "")


def _with_space(key: str) -> str:
    """«СОНКО» → «СО НКО»: the table's spelling of an abbreviation printed without its space."""
    return next(a for a in ABBREVIATIONS if a.replace(" ", "") == key)
