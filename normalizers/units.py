"""Units of indicators: the closed vocabulary OCR'd units are read against."""
from __future__ import annotations

import difflib

UNITS = ["человек", "единиц", "единица", "%", "процентов", "да/нет", "семей", "детей", "рублей",
         "тыс. рублей", "штук", "мест", "баллов", "раз", "дней", "месяцев", "лет"]


def correct_unit(printed: str) -> str:
    """An OCR'd unit one or two letters off («чедовек») as the vocabulary spells it;
    anything else as printed."""
    close = difflib.get_close_matches(printed.lower(), UNITS, n=1, cutoff=0.75)
    if not close or close[0] == printed.lower():
        return printed
    return close[0][:1].upper() + close[0][1:] if printed[:1].isupper() else close[0]
