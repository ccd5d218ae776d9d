"""The Russian NLP pipeline: `spacy.blank("ru")` with components of our own.

    natasha_ner      natasha's news NER (ORG, LOC, PER); its models ship in its wheel
    official_bodies  names of official bodies natasha misses in lower case
                     («министерство труда и социальной защиты …», «ГБУ КО «…»»)
    money            amounts in roubles («16281620 рублей», «1,5 млн рублей»), span._.amount,
                     and the source named after it («… рублей краевого бюджета»), span._.source
    dates            dates and periods («до 1 октября 2025 года», «2016-2017 гг.»),
                     span._.start / span._.end

The pipeline loads once per process (`pipeline()`); nothing is downloaded.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from normalizers.money import parse_amount
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
_LEGAL_FORM = re.compile(r"\b(?:ГБУ|ГКУ|ГАУ|МБУ|МКУ|КГБУСО|ГБУЗ|ГБОУ|ФГБОУ|ФГАОУ|АНО|ОГБУ)(?:\s+[А-ЯЁ]{2,3})?\s+[^,;]*?»+")
_MONEY = re.compile(
    r"(\d{1,4}(?:[ \u00a0]\d{3})+|\d+)(?:[,.]\d+)?\s*(тыс\.?|млн\.?|миллион\w*)?\s*руб\w*\.?", re.I)
_SCALE = {"тыс": 1000, "млн": 1_000_000, "миллион": 1_000_000}
_DATE = re.compile(
    r"(?:до|с|по)?\s*\d{1,2}\s+[а-яё]+\s+\d{4}\s*(?:года|г\.)?"
    r"|(?:январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-яё]*\s+\d{4}\s*(?:года|г\.)?"
    r"|\d{4}\s*[-–]\s*\d{4}\s*(?:гг\.?|годы|годах)"
    r"|в\s+течение\s+(?:всего\s+)?срока[^,.;]*",
    re.I,
)


@lru_cache(maxsize=1)
def _natasha():
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


@Language.component("natasha_ner")
def natasha_ner(doc: Doc) -> Doc:
    """natasha's ORG, LOC and PER spans as spaCy entities."""
    from natasha import Doc as NatashaDoc

    segmenter, tagger = _natasha()
    parsed = NatashaDoc(doc.text)
    parsed.segment(segmenter)
    parsed.tag_ner(tagger)
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
    spans = []
    for m in _MONEY.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), label="MONEY", alignment_mode="expand")
        amount = parse_amount(m.group(0))
        if span is None or amount is None:
            continue
        scale = next((v for k, v in _SCALE.items() if m.group(2) and m.group(2).lower().startswith(k)), 1)
        span._.amount = amount * Decimal(scale)
        # the source named right after the amount: «… рублей краевого бюджета», «… рублей (средства Фонда)»
        span._.source = classify_source(re.split(r"[;,.]|\d", doc.text[m.end():m.end() + 60])[0])
        spans.append(span)
    return _add(doc, spans)


@Language.component("dates")
def dates(doc: Doc) -> Doc:
    spans = []
    for m in _DATE.finditer(doc.text):
        span = doc.char_span(m.start(), m.end(), label="DATE", alignment_mode="expand")
        if span is not None:
            span._.start, span._.end = deadline_bounds(m.group(0))
            spans.append(span)
    return _add(doc, spans)


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The pipeline, built once per process."""
    nlp = spacy.blank("ru")
    for name in ("natasha_ner", "official_bodies", "money", "dates"):
        nlp.add_pipe(name)
    return nlp
