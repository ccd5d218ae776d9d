"""Units and values of indicators: the closed vocabulary OCR'd units are read against,
and a printed value («не менее 85,5%», «1 100», «да») as a number researchers can
compare across periods."""
from __future__ import annotations

import difflib
import re
from decimal import Decimal
from typing import NamedTuple

from normalizers import lexicon
from normalizers.money import read_number

UNITS = ["человек", "единиц", "единица", "%", "процентов", "да/нет", "семей", "детей", "рублей",
         "тыс. рублей", "штук", "мест", "баллов", "раз", "дней", "месяцев", "лет"]

# What may follow the number in the cell: a percent sign, a full stop.
_AFTER_NUMBER = re.compile(r"\s*(?P<unit>%|процент\w*)?\.?$", re.I)


def correct_unit(printed: str) -> str:
    """An OCR'd unit one or two letters off («чедовек») as the vocabulary spells it;
    anything else as printed."""
    close = difflib.get_close_matches(printed.lower(), UNITS, n=1, cutoff=0.75)
    if not close or close[0] == printed.lower():
        return printed
    return close[0][:1].upper() + close[0][1:] if printed[:1].isupper() else close[0]


class IndicatorNumber(NamedTuple):
    """A printed indicator value read as a number: `bound` says whether the target is
    a floor or a ceiling («не менее 85» → 85, "at_least"); `unit` is a unit printed in
    the cell itself («74%»)."""

    number: Decimal | None
    unit: str | None = None
    bound: str | None = None


def read_indicator_value(printed: str) -> IndicatorNumber:
    """«85,5» → 85.5; «не менее 1 100» → 1100, at least; «74%» → 74, "%"; «да» → 1 and
    «нет» → 0 (a yes/no indicator). Anything else (a range, words, a footnote) has no
    number: it is kept as printed, never guessed."""
    text = " ".join(printed.split())
    if text.lower() in lexicon.YES_NO:
        return IndicatorNumber(Decimal(lexicon.YES_NO[text.lower()]))
    bound = None
    for name, pattern in lexicon.VALUE_BOUNDS:
        if pattern.match(text):
            bound, text = name, pattern.sub("", text, count=1)
            break
    after = _AFTER_NUMBER.search(text)
    number = read_number(text[:after.start()])
    if number is None:
        return IndicatorNumber(None)
    return IndicatorNumber(number, "%" if after["unit"] else None, bound)
