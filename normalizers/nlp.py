"""The Russian NLP pipeline: `spacy.blank("ru")` with components of our own.

    natasha_ner      natasha's news NER (ORG, LOC, PER); its models ship in its wheel
    official_bodies  names of official bodies natasha misses in lower case
                     («министерство труда и социальной защиты …», «ГБУ КО «…»»)
    money            natasha's MoneyExtractor: amounts in roubles («16281620 рублей», «1,5 млн
                     рублей»), span._.amount, and the source named after it («… рублей краевого
                     бюджета»), span._.source
    dates            natasha's DatesExtractor, and periods of years («2016-2017 гг.»):
                     span._.start / span._.end

The pipeline loads once per process (`pipeline()`); nothing is downloaded.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from normalizers import lexicon
from normalizers.organizations import GOVERNMENT_BODIES
from normalizers.periods import deadline_bounds
from normalizers.sources import classify_source

for _name in ("amount", "source", "start", "end"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)

# Up to three adjectives, a body's head noun, then its words up to punctuation or «и <another body>».
_BODY = re.compile(
    rf"\b(?:[А-ЯЁа-яё]+(?:ое|ая|ый|ий|ой)\s+){{0,3}}(?:{GOVERNMENT_BODIES})"
    rf"[а-яё]*(?:\s+(?!и\s+(?:{GOVERNMENT_BODIES}))[^\s,;:.()«»]+){{1,10}}",
    re.I,
)
_LEGAL_FORM = re.compile(lexicon.LEGAL_FORM.pattern + r"(?:\s+[А-ЯЁ]{2,3})?\s+[^,;]*?»+")
_BOUND = re.compile(r"(?<![\w])(?:до|с|по|не\s+позднее)\s+$", re.I)
# Periods natasha's DatesExtractor reads as one year or not at all: «2016-2017 гг.», «в течение срока …».
_PERIOD = re.compile(
    r"\d{4}\s*[-–]\s*\d{4}\s*(?:гг\.?|годы|годах)"
    r"|в\s+течение\s+(?:всего\s+)?срока[^,.;]*",
    re.I,
)


class _Natasha(NamedTuple):
    segmenter: object
    ner: object
    money: object
    dates: object


@lru_cache(maxsize=1)
def _natasha() -> _Natasha:
    from natasha import (DatesExtractor, MoneyExtractor, MorphVocab, NewsEmbedding, NewsNERTagger,
                         Segmenter)

    vocab = MorphVocab()
    return _Natasha(Segmenter(), NewsNERTagger(NewsEmbedding()), MoneyExtractor(vocab), DatesExtractor(vocab))


@Language.component("natasha_ner")
def natasha_ner(doc: Doc) -> Doc:
    """natasha's ORG, LOC and PER spans as spaCy entities."""
    from natasha import Doc as NatashaDoc

    parsed = NatashaDoc(doc.text)
    parsed.segment(_natasha().segmenter)
    parsed.tag_ner(_natasha().ner)
    spans = [doc.char_span(s.start, s.stop, label=s.type, alignment_mode="expand") for s in parsed.spans]
    doc.ents = filter_spans([s for s in spans if s is not None] + list(doc.ents))
    return doc


def _add(doc: Doc, spans: list[Span]) -> Doc:
    """Add spans; where one overlaps an entity found before, the new one wins (the
    patterns know these documents better than a news-trained model)."""
    new = filter_spans([s for s in spans if s is not None])
    kept = [e for e in doc.ents if not any(e.start < s.end and s.start < e.end for s in new)]
    doc.ents = sorted(kept + new, key=lambda e: e.start)
    return doc


@Language.component("official_bodies")
def official_bodies(doc: Doc) -> Doc:
    spans = [doc.char_span(m.start(), m.end(), label="ORG", alignment_mode="expand")
             for pattern in (_BODY, _LEGAL_FORM) for m in pattern.finditer(doc.text)]
    return _add(doc, spans)


@Language.component("money")
def money(doc: Doc) -> Doc:
    """natasha's MoneyExtractor: «16281620 рублей», «1,5 млн рублей», «250 тыс. руб.»."""
    spans = []
    for match in _natasha().money(doc.text):
        span = doc.char_span(match.start, match.stop, label="MONEY", alignment_mode="expand")
        if span is None or match.fact.currency != "RUB":
            continue
        span._.amount = Decimal(repr(match.fact.amount))  # the float's shortest form: the digits printed
        # the source named right after the amount: «… рублей краевого бюджета», «… рублей (средства Фонда)»
        span._.source = classify_source(re.split(r"[;,.]|\d", doc.text[match.stop:match.stop + 60])[0])
        spans.append(span)
    return _add(doc, spans)


@Language.component("dates")
def dates(doc: Doc) -> Doc:
    """natasha's DatesExtractor for dates («до 1 октября 2025 года», «май 2024 года»), and
    periods of years or of the whole programme, with the first and last day each covers."""
    found = [(m.start, m.stop) for m in _natasha().dates(doc.text)] + [m.span() for m in _PERIOD.finditer(doc.text)]
    spans = []
    for start, stop in found:
        bound = _BOUND.search(doc.text, 0, start)  # «до 1 октября»: the preposition says which end the date is
        start = bound.start() if bound else start
        span = doc.char_span(start, stop, label="DATE", alignment_mode="expand")
        if span is not None:
            span._.start, span._.end = deadline_bounds(doc.text[start:stop])
            spans.append(span)
    return _add(doc, spans)


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The pipeline, built once per process."""
    nlp = spacy.blank("ru")
    for name in ("natasha_ner", "official_bodies", "money", "dates"):
        nlp.add_pipe(name)
    return nlp
