"""Dates and reporting periods as printed in orders.

`31.12.2019`, `5 августа 2020`, `«27» июня 2025 г.` → dates;
`I кв. 2020` → `2020-Q1`, `II полугодие 2025 года` → `2025-H2`, `2021 год` → `2021`;
`2020-2021 годы`, `2016-2017 гг.` → (2020, 2021).
"""
from __future__ import annotations

import datetime as dt
import difflib
import re

from normalizers import lexicon

_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_WORD_DATE = re.compile(r"[«\"]?(\d{1,2})[»\"]?[:.,]?\s+([А-Яа-яЁё]{3,9})\s+(\d{4})", re.I)  # «5: августа»: a speck
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d{2})\s*[-–—]\s*((?:19|20)\d{2})\s*(?:годы|гг|г\.г|год|г\b)", re.I)
# A part of a year with the year after it: «I кв. 2020», «II полугодие 2025 года».
_QUARTER = re.compile(lexicon.QUARTER.pattern + r"[\s\W]{0,4}(\d{4})", re.I)
_HALF = re.compile(lexicon.HALF_YEAR.pattern + r"[\s\W]{0,4}(\d{4})", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d{2})\s*(?:год|г\.?|гг)?\b")


def month_number(word: str) -> int | None:
    """`августа` → 8; a name OCR got one letter wrong («авгуета») still counts."""
    word = word.lower()
    for stem, number in lexicon.MONTHS.items():
        if word.startswith(stem) and (stem != "ма" or word in ("май", "мая", "мае")):
            return number
    close = difflib.get_close_matches(word, lexicon.MONTH_FORMS, n=1, cutoff=0.8)
    return lexicon.MONTH_FORMS[close[0]] if close else None


def parse_date(text: str) -> dt.date | None:
    """The first date printed in `text` (`31.12.2019`, `5 августа 2020`), else None."""
    candidates = []
    m = _NUMERIC_DATE.search(text)
    if m:
        candidates.append((m.start(), (int(m.group(3)), int(m.group(2)), int(m.group(1)))))
    m = _WORD_DATE.search(text)
    if m and month_number(m.group(2)):
        candidates.append((m.start(), (int(m.group(3)), month_number(m.group(2)), int(m.group(1)))))
    for _, (y, mo, d) in sorted(candidates):
        try:
            return dt.date(y, mo, d)
        except ValueError:
            continue
    return None


def parse_period_label(label: str) -> str | None:
    """A column heading as a period code: `YYYY`, `YYYY-H1`, `YYYY-Q3`; None if not a period."""
    m = _QUARTER.search(label)
    if m:
        return f"{m.group(2)}-Q{part_number(m.group(1))}"
    m = _HALF.search(label)
    if m:
        return f"{m.group(2)}-H{part_number(m.group(1))}"
    years = _YEAR.findall(label)
    if len(years) == 1:
        return years[0]
    return None


def part_number(printed: str) -> int:
    """«III», «Ш», «11», «l» → the part's number."""
    return lexicon.ROMAN_PARTS[printed.upper().translate(lexicon.OCR_ROMAN)]


def parse_year_range(text: str) -> tuple[int, int] | None:
    """`на 2020-2021 годы` → (2020, 2021)."""
    m = _YEAR_RANGE.search(text)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        if start <= end:
            return start, end
    return None


# One year a programme is for: «на 2025 год», «на 2025 г.».
_ONE_YEAR = re.compile(r"\bна\s+((?:19|20)\d{2})\s*(?:год|г\.)(?![а-яё])", re.I)


def parse_programme_years(text: str) -> tuple[int, int] | None:
    """The years a programme is for: «на 2020-2021 годы» → (2020, 2021), «на 2025 год» →
    (2025, 2025)."""
    one = _ONE_YEAR.search(text)
    return parse_year_range(text) or ((int(one.group(1)),) * 2 if one else None)


# A month or a span of months with its year: «март 2024», «июнь-август 2025 г.».
_MONTH_SPAN = re.compile(r"([А-Яа-яЁё]{3,})(?:\s*[-–—]\s*([А-Яа-яЁё]{3,}))?\s+((?:19|20)\d{2})")


def deadline_bounds(deadline: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last day a printed deadline covers: `2020-2021 г.г.`, `март 2024 г.`,
    `II квартал 2024 г.`, `июнь-август 2025`, `31.12.2020`; `до …` gives only the last."""
    date = parse_date(deadline)
    spans = [(date, date)] if date else _parts_of_years(deadline)
    if not spans:
        years = sorted({int(y) for y in re.findall(r"\b((?:19|20)\d{2})\b", deadline)})
        spans = [(dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31))] if years else []
    if not spans:
        return None, None
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    return (None, end) if re.search(r"\bдо\b", deadline, re.I) else (start, end)


def _parts_of_years(text: str) -> list[tuple[dt.date, dt.date]]:
    """The quarters, halves and months a text names with their years."""
    spans = [period_bounds(f"{m.group(2)}-Q{part_number(m.group(1))}") for m in _QUARTER.finditer(text)]
    spans += [period_bounds(f"{m.group(2)}-H{part_number(m.group(1))}") for m in _HALF.finditer(text)]
    for m in _MONTH_SPAN.finditer(text):
        first = month_number(m.group(1))
        last = month_number(m.group(2)) if m.group(2) else first
        if first and last and first <= last:
            year = int(m.group(3))
            spans.append((dt.date(year, first, 1), _month_end(year, last)))
    return [span for span in spans if span[0] is not None]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _step(period: str, by: int) -> str:
    """The period `by` steps after (or before) `period` of the same kind."""
    year, _, part = period.partition("-")
    if not part:
        return str(int(year) + by)
    kind, n = part[0], int(part[1:])
    size = 4 if kind == "Q" else 2
    index = int(year) * size + n - 1 + by
    return f"{index // size}-{kind}{index % size + 1}"


def repair_periods(periods: list[str]) -> list[str]:
    """Column periods with a misread heading mended: in a row of quarters or half-years,
    a column read as a bare year («II кв. 2021» → «2021») takes the period that follows
    the column before it or precedes the column after it, whichever lies in its year."""
    kinds = [p.partition("-")[2][:1] for p in periods]
    dominant = max(set(kinds), key=kinds.count) if kinds else ""
    if not dominant or kinds.count(dominant) * 2 <= len(kinds):
        return list(periods)
    fixed = list(periods)
    for i, kind in enumerate(kinds):
        if kind != dominant:
            after = [_step(fixed[i - 1], 1)] if i and kinds[i - 1] == dominant else []
            before = [_step(periods[i + 1], -1)] if i + 1 < len(kinds) and kinds[i + 1] == dominant else []
            fixed[i] = next((p for p in after + before if p[:4] == periods[i][:4]), periods[i])
    return fixed


_PART_MONTHS = {"Q": 3, "H": 6}  # months in a quarter, a half-year


def period_bounds(period: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of a period code: «2023» → 1 Jan–31 Dec 2023, «2023-Q3» →
    1 Jul–30 Sep, «2023-H1» → 1 Jan–30 Jun, «2023-9M» → 1 Jan–30 Sep; (None, None) for
    anything else."""
    m = re.fullmatch(r"((?:19|20)\d{2})(?:-(?:([QH])([1-4])|(9)M))?", period or "")
    if m is None:
        return None, None
    year = int(m.group(1))
    if m.group(4):
        return dt.date(year, 1, 1), dt.date(year, 9, 30)
    if not m.group(2):
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    size, n = _PART_MONTHS[m.group(2)], int(m.group(3))
    if n * size > 12:
        return None, None
    return dt.date(year, n * size - size + 1, 1), _month_end(year, n * size)
