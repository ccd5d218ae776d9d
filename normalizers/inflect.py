"""Inflecting the head of a Russian name: «министерством труда …» ↔ «министерство труда …».

An organisation or programme name is a head phrase (adjectives, then the head
noun) followed by dependents that do not change with case («труда и социальной
защиты Калужской области»). Only the head phrase is inflected; everything after
the head noun is kept as printed.
"""
from __future__ import annotations

import re
from functools import lru_cache

from normalizers.text import morph

CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_WORD = re.compile(r"^[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)?$")


def _head_parses(words: list[str], case: str | None):
    """Parses of the leading adjectives and the head noun, agreeing in case and number."""
    analyser = morph()
    for noun_at in range(min(len(words), 4)):
        if not _WORD.match(words[noun_at]) or words[noun_at].isupper():
            return None
        nouns = [p for p in analyser.parse(words[noun_at]) if p.tag.POS == "NOUN" and p.is_known]
        nouns = [p for p in nouns if (case is None or p.tag.case == case) and not _modifies_next(words, noun_at, p)]
        for noun in nouns:
            adjs = []
            for w in words[:noun_at]:
                match = next((p for p in analyser.parse(w) if p.tag.POS in ("ADJF", "PRTF") and agrees(p, noun)), None)
                if match is None:
                    break
                adjs.append(match)
            else:
                return adjs + [noun]
        if not all(any(p.tag.POS in ("ADJF", "PRTF") for p in analyser.parse(w)) for w in words[:noun_at + 1]):
            return None
    return None


def _modifies_next(words: list[str], i: int, noun) -> bool:
    """Word `i` read as a noun is an adjective of the next noun instead: «Тверская» is a
    street's name alone, but the adjective in «Тверская область»."""
    if i + 1 >= len(words) or not _WORD.match(words[i + 1]):
        return False
    following = [p for p in morph().parse(words[i + 1]) if p.tag.POS == "NOUN" and p.tag.case == noun.tag.case]
    return any(p.tag.POS == "ADJF" and any(agrees(p, n) for n in following) for p in morph().parse(words[i]))


def agrees(adjective, noun) -> bool:
    """Whether an adjective's parse agrees with a noun's: in case, number, and gender in the singular."""
    return (adjective.tag.case == noun.tag.case and adjective.tag.number == noun.tag.number
            and (noun.tag.number == "plur" or adjective.tag.gender in (None, noun.tag.gender)))


def modifies(word: str, noun: str) -> bool:
    """Whether `word` can be an adjective or participle of the noun `noun`, agreeing with it
    («краевой бюджет», «правовой основы» — not «краевая бюджет»)."""
    nouns = [p for p in morph().parse(noun) if p.tag.POS == "NOUN"]
    return any(agrees(p, n) for p in morph().parse(word) if p.tag.POS in ("ADJF", "PRTF") for n in nouns)


def _coordinated_noun(words: list[str], head_parses: list) -> list:
    """«органов и учреждений …»: a second noun joined by «и» in the head noun's case
    and number inflects with it. Returns the parses of «и» and that noun, or nothing."""
    head, i = head_parses[-1], len(head_parses) - 1
    if i + 2 >= len(words) or words[i + 1] != "и":
        return []
    second = next((p for p in morph().parse(words[i + 2]) if p.tag.POS == "NOUN" and p.is_known
                   and p.tag.case == head.tag.case and p.tag.number == head.tag.number), None)
    return [morph().parse("и")[0], second] if second else []


def _keep_capital(original: str, word: str) -> str:
    return word[:1].upper() + word[1:] if original[:1].isupper() else word


@lru_cache(maxsize=20000)
def inflect_head(phrase: str, case: str, from_case: str | None = None) -> str | None:
    """`phrase` with its head phrase put in `case`, or None when it has no inflectable head.
    An adverb before the adjectives («Социально ориентированными …») stays as printed."""
    words = phrase.split(" ")
    if len(words) > 2 and any(p.tag.POS == "ADVB" for p in morph().parse(words[0])):
        rest = inflect_head(" ".join(words[1:]), case, from_case)
        return f"{words[0]} {rest}" if rest else None
    parses = _head_parses(words, from_case)
    if not parses:
        return None
    parses = parses + _coordinated_noun(words, parses)
    number = parses[-1].tag.number
    out = []
    for original, p in zip(words, parses):
        if p.tag.POS == "CONJ":
            out.append(original)
            continue
        grammemes = {case, number} if number == "plur" or p.tag.POS == "NOUN" else {case, number, parses[-1].tag.gender}
        form = p.inflect({g for g in grammemes if g})
        if form is None:
            return None
        out.append(_keep_capital(original, form.word))
    return " ".join(out + words[len(parses):])


def to_nominative(phrase: str, from_case: str | None = None) -> str:
    """The phrase with its head in the nominative (unchanged when already there or not a name).

    With `from_case` (e.g. "gent" after «приказом»), the head is read in that case;
    otherwise a head that can be nominative is taken to be.
    """
    phrase = phrase.strip()
    if from_case is None and inflect_head(phrase, "nomn", "nomn") is not None:
        return phrase
    return inflect_head(phrase, "nomn", from_case) or phrase


def case_variants(phrase: str) -> set[str]:
    """The phrase in every case (the head inflected, the rest as printed)."""
    variants = {phrase}
    for case in CASES:
        form = inflect_head(phrase, case, "nomn")
        if form:
            variants.add(form)
    return variants
