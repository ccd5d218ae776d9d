"""Money cells → amounts by source (and by year, where the cell names years).

A funding cell says one of:
    `0`, `1 028 000`, `0,00`, `1234,567` (in thousands)  → one `all` amount
    `60 000 краевой бюджет`, `12500 (краевой бюджет)`      → one amount of that source
    `1 778 000, в том числе 234 400 краевой бюджет;
     1 543 600 средства Фонда`                           → the total and one amount per source
    `1 250,0, в том числе: областной бюджет – 1 000,0;
     внебюджетные средства – 250,0`                      → the same, labels printed first
    `4679200 (грант); 3330060 (краевой бюджет)`           → one amount per source, no total
    `2019 г. – 100,0; 2020 г. – 120,0`                   → one amount per year
    `x`, `–`, empty                                     → nothing
The grammar: a cell is a sequence of amounts with the text between them; each piece
of text is a label, of the amount after it when the cell prints labels first (it
opens with a label, or its last amount has none after it), else of the amount
before it. A leading amount with no label before others is the total. Whatever the
grammar cannot place is reported as the cell's `problem`, never guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from normalizers import lexicon
from normalizers.sources import classify_source
from normalizers.text import collapse

# 1 778 000 | 1778000 | 0,00 | 1 500 000,50 | 1234,567 — thousands separated by spaces (also
# NBSP); `1500 000` (a missed separator) is one amount too. A year with «г.»/«год» is a label.
_AMOUNT = re.compile(
    r"(?<![\d,.])(?!(?:19|20)\d{2}\s*(?:г\b|г\.|год|гг))(\d{1,4}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[,.](\d+))?(?![\d])")
_DEFINITION = re.compile(r"\(\s*далее\s*[-–—]\s*[^)]*\)", re.I)
_PIECE_BREAK = re.compile(r"[;\n]")
_DATE = re.compile(r"(?<![\d.,])\d{1,2}\.\d{1,2}\.(?:19|20)\d{2}(?![\d.,]\d)")
_MAX_KOPECK_DIGITS = 2
_UNIT = re.compile(r"\s*(?:(?P<scale>" + "|".join(lexicon.SCALE_WORDS) + r")\w*\.?\s*)?(?P<rub>руб\w*\.?|₽)?", re.I)


@dataclass(frozen=True)
class MoneyPart:
    amount: Decimal
    source: str  # one of models.records.FUNDING_SOURCES
    label: str  # the source as printed; "Всего" for a plain total
    year: int | None = None  # the year the cell's own label names, if any


@dataclass
class MoneyReading:
    """What a money cell says: its amounts, and why any of it could not be read."""

    parts: list[MoneyPart] = field(default_factory=list)
    problem: str | None = None


def parse_amount(text: str) -> Decimal | None:
    """`1 778 000` → Decimal('1778000'); `0,00` → Decimal('0.00'); None when no amount."""
    m = _AMOUNT.search(text or "")
    return _to_decimal(m) if m else None


def read_number(text: str) -> Decimal | None:
    """The text as one number and nothing else («1 100,5» → 1100.5), else None."""
    m = _AMOUNT.fullmatch(text.strip())
    return _to_decimal(m) if m else None


def _to_decimal(m: re.Match) -> Decimal:
    whole = re.sub(r"\D", "", m.group(1))
    return Decimal(f"{whole}.{m.group(2)}" if m.group(2) else whole)


@dataclass(frozen=True)
class _Label:
    """A label between amounts, and whether it is printed on the same line as the
    amount before it and the amount after it (nothing breaks between them)."""

    text: str
    to_prev: bool
    to_next: bool


def _labels(gap: str, first: bool, last: bool) -> list[_Label]:
    """The labels in a stretch of text between amounts: split at «;», line ends and
    «в том числе», cleaned of punctuation and «(далее – …)» definitions; punctuation
    alone is no label."""
    parts = _PIECE_BREAK.split(lexicon.SPLIT_WORDS.sub(";", _DEFINITION.sub("", gap)))
    labels = []
    for j, part in enumerate(parts):
        text = collapse(part).strip(" ,;:–—-()")
        if re.search(r"\w", text):  # a stray quote or bracket names nothing
            labels.append(_Label(text, j == 0 and not first, j == len(parts) - 1 and not last))
    return labels


def _pick(labels: list[_Label], last: bool) -> str:
    """The label that names a source or a year (the last or the first of them), else any."""
    named = [lb.text for lb in labels if any(_meaning(lb.text))]
    if named:
        return named[-1] if last else named[0]
    return labels[-1 if last else 0].text if labels else ""


def _meaning(piece: str) -> tuple[str | None, int | None]:
    """(source, year) a label names."""
    year = lexicon.YEAR_ONLY.match(piece)
    return classify_source(piece), int(year.group(1)) if year else None


def _names_something(pieces: list[str]) -> bool:
    return any(any(_meaning(p)) for p in pieces)


def _label_of(before: list[_Label], after: list[_Label], labels_first: bool) -> str:
    """An amount's label: one printed on its line and no other amount's comes first;
    a label on a line of its own, or between two amounts on one line, goes by the
    cell's order (labels before or after their amounts)."""
    own = [lb for lb in before if lb.to_next and not lb.to_prev] + [lb for lb in after if lb.to_prev and not lb.to_next]
    if any(any(_meaning(lb.text)) for lb in own):
        return _pick(own, last=False)
    shared = before if labels_first else after
    return _pick([lb for lb in shared if lb.to_prev == lb.to_next], last=labels_first) or _pick(own, last=False)


def _cell_units(text: str, matches: list[re.Match], scale: Decimal) -> tuple[str, list[Decimal]]:
    """The scale of each amount: the unit printed after it in the cell («1,5 млн руб.»,
    «250 тыс.», «5 000 руб.») over the column's; the units are blanked out of the text
    (kept in place) so that they are not read as labels."""
    scales = []
    for m in matches:
        unit = _UNIT.match(text, m.end())
        printed = unit.group(0).strip()
        named = next((k for k, pattern in lexicon.SCALES if pattern.search(printed + " руб")), None) \
            if unit.group("scale") else None
        scales.append(named or (Decimal(1) if unit.group("rub") else scale))
        if printed:
            text = text[:unit.start()] + " " * (unit.end() - unit.start()) + text[unit.end():]
    return text, scales


# A lone round glyph in a number cell: a zero OCR read as a letter or a sign.
_ZERO_LOOKALIKE = re.compile("[" + "".join(k for k, v in lexicon.DIGIT_LOOKALIKES.items() if v == "0") + r"©°@]\.?")
# A cell of one number of whole rubles whose digit groups a speck split, read as a mark:
# «2.000 000», «1 000.000», «2:000 000», «1. 000 000».
_MARKED_GROUPS = re.compile(r"\d{1,3}(?:(?:[.:]\s?|,|\s)\d{3})+")
# A dot or colon before the last three digits of a number inside a cell («1 363:467»,
# «101.700 средства Фонда»): rubles have two decimals at most, so it groups thousands.
_GROUP_MARK = re.compile(r"(?<=\d)[.:](?=\d{3}(?:[.:]\d{3})*(?!\d|[.,:]\d))")
# Digit groups whose space OCR lost («5 781841», «1 109076»): a group of more than three.
_LOST_SPACE = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?: \d{3})* \d{4,}(?![\d.,]\d)")


def mend_scanned_number(text: str) -> str:
    """A scanned rubles cell with its numbers mended where they can only mean one
    thing: a lone «О» or «©» is 0; a mark between groups of three digits is a speck or
    a thousands mark, not a decimal mark (rubles have two decimals at most); digit
    groups that lost a space are regrouped. Any other text is returned as it is."""
    number = text.strip()
    if _ZERO_LOOKALIKE.fullmatch(number):
        return "0"
    if _MARKED_GROUPS.fullmatch(number) and re.search(r"\s\d{3}", number) and len(re.findall(r"[.,:]", number)) == 1:
        return re.sub(r"[.,:]\s?", " ", number)
    text = _GROUP_MARK.sub(" ", text)
    return _LOST_SPACE.sub(lambda m: group_digits(re.sub(r"\D", "", m.group(0))), text)


def group_digits(digits: str) -> str:
    """`5781841` → `5 781 841`."""
    return f"{int(digits):,}".replace(",", " ")


def read_money_cell(text: str, scale: Decimal | int = 1) -> MoneyReading:
    """Amounts in a funding cell with their sources (and years); `scale` multiplies
    amounts printed in thousands or millions, exactly."""
    text = (text or "").strip()
    if lexicon.NO_VALUE.match(collapse(text)):
        return MoneyReading()
    matches = list(_AMOUNT.finditer(text))
    if not matches:
        return MoneyReading(problem=f"«{collapse(text)[:120]}» is not an amount")
    if any(re.match(r"\s*%", text[m.end():]) for m in matches):
        return MoneyReading(problem=f"«{collapse(text)[:120]}» is a percentage, not an amount")
    text, scales = _cell_units(text, matches, Decimal(scale))
    if any(m.group(2) and len(m.group(2)) > _MAX_KOPECK_DIGITS and k == 1 for m, k in zip(matches, scales)):
        return MoneyReading(problem=f"«{collapse(text)[:80]}» has more decimals than kopecks, and no «тыс.» or "
                                    "«млн» says the amounts are scaled")
    if _DATE.search(text):
        return MoneyReading(problem=f"«{collapse(text)[:120]}» is text with a date, not an amount")
    if re.search(r"\d[,.]\d+[,.]\d", text):
        return MoneyReading(problem=f"«{collapse(text)[:80]}» has more than one decimal mark in a number")
    gaps = [text[:matches[0].start()]] + [text[a.end():b.start()] for a, b in zip(matches, matches[1:])]
    gaps.append(text[matches[-1].end():])
    segments = [_labels(g, i == 0, i == len(gaps) - 1) for i, g in enumerate(gaps)]
    texts = [[lb.text for lb in seg] for seg in segments]
    labels_first = _names_something(texts[0]) or (
        not _names_something(texts[-1]) and any(_names_something(t) for t in texts[1:-1]))
    parts = []
    for i, m in enumerate(matches):
        label = _label_of(segments[i], segments[i + 1], labels_first)
        source, year = _meaning(label) if label else (None, None)
        if i == 0 and source is None and year is None and label and len(matches) > 1 \
                and not lexicon.TOTAL.search(label):
            return MoneyReading(problem=f"«{label}» in «{collapse(text)[:80]}» names no known source")
        if source is None and (i == 0 or year is not None):
            parts.append(MoneyPart(_to_decimal(m) * scales[i], "all", "Всего", year))
        elif source is None and not label:
            return MoneyReading(parts, problem=f"amount «{m.group(0)}» in «{collapse(text)[:80]}» names no source")
        else:
            parts.append(MoneyPart(_to_decimal(m) * scales[i], source or "other", label, year))
    return MoneyReading(parts)

