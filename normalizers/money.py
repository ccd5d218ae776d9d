"""Money cells → amounts by source.

A funding cell says one of:
    `0`, `1 028 000`, `0,00`                              → one `all` amount
    `60 000 краевой бюджет`, `12500 (краевой бюджет)`      → one amount of that source
    `1 778 000, в том числе 234 400 краевой бюджет;
     1 543 600 средства Фонда`                           → the total and one amount per source
    `4679200 (грант); 3330060 (краевой бюджет)`           → one amount per source, no total
    `x`, empty                                          → nothing
The grammar: a cell is a sequence of (amount, label) pieces; the label is the
text up to the next amount. A leading piece with no source label before others
is the total.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from normalizers.sources import classify_source
from normalizers.text import collapse

# 1 778 000 | 1778000 | 0,00 | 1 500 000,50 — thousands separated by spaces (also NBSP);
# `1500 000` (a missed separator) is one amount too.
_AMOUNT = re.compile(r"(?<![\d,.])(\d{1,4}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[,.](\d{1,2}))?(?![\d])")
_DEFINITION = re.compile(r"\(\s*далее\s*[-–—]\s*[^)]*\)", re.I)
_SPLIT_WORDS = re.compile(r"\b(?:в\s+том\s+числе|в\s+т\.\s*ч\.|из\s+них|включая)\b:?", re.I)
_NO_VALUE = re.compile(r"^\s*(?:[xXхХ×-]+|—|–|)\s*$")


@dataclass(frozen=True)
class MoneyPart:
    amount: Decimal
    source: str  # one of models.records.FUNDING_SOURCES
    label: str  # the source as printed; "Всего" for a plain total


def parse_amount(text: str) -> Decimal | None:
    """`1 778 000` → Decimal('1778000'); `0,00` → Decimal('0.00'); None when no amount."""
    m = _AMOUNT.search(text or "")
    if not m:
        return None
    return _to_decimal(m)


def _to_decimal(m: re.Match) -> Decimal:
    whole = re.sub(r"\D", "", m.group(1))
    try:
        return Decimal(f"{whole}.{m.group(2)}" if m.group(2) else whole)
    except InvalidOperation:  # pragma: no cover - the regex admits digits only
        raise ValueError(f"not an amount: {m.group(0)!r}")


def _clean_label(text: str) -> str:
    text = _DEFINITION.sub("", text)
    text = _SPLIT_WORDS.sub("", text)
    return collapse(text).strip(" ,;:–—-()")


def parse_money_cell(text: str, scale: int = 1) -> list[MoneyPart]:
    """Amounts in a funding cell with their sources; `scale` multiplies amounts
    printed in thousands."""
    text = collapse(text)
    if _NO_VALUE.match(text):
        return []
    matches = list(_AMOUNT.finditer(text))
    pieces = []
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        label = _clean_label(text[m.end():end])
        pieces.append((_to_decimal(m) * scale, label, classify_source(label)))
    if not pieces:
        return []
    (first_amount, first_label, first_source), rest = pieces[0], pieces[1:]
    parts: list[MoneyPart] = []
    if first_source is None:
        parts.append(MoneyPart(first_amount, "all", "Всего"))
    else:
        parts.append(MoneyPart(first_amount, first_source, first_label))
    parts.extend(MoneyPart(a, s or "other", label) for a, label, s in rest)
    return parts
