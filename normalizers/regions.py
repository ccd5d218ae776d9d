"""Subjects of the Russian Federation and finding them in the text of an order.

The table `REGIONS` lists all 89 subjects with their canonical nominative name and
ISO 3166-2:RU code (plus the codes commonly used for the four subjects added in
2022). Orders print names in any grammatical case ("Правительства Алтайского края",
"в Ставропольском крае"), so every word of a name is declined by a few ending rules
and the forms are compiled, once, into one regular expression.

A word's case is not made to agree with its neighbours: "Республики Северная Осетия"
(the official style, name left in the nominative) and "Республики Северной Осетии"
are both found.

A municipal order may name its city only («Администрация города Твери»): the city
gives the subject through the gazetteer in data/cities.tsv (Russian cities of 15 000
people or more, from GeoNames; scripts/build_gazetteer.py states how it is built).
"""
from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from normalizers.text import morph

_CITIES = Path(__file__).parent / "data" / "cities.tsv"
# A city named as one: «города Твери», «г. Котлас», «муниципальное образование «Город Тверь»».
# (The name is in a lookahead so that words read in vain leave the next «города …» to be found.)
_CITY_MENTION = re.compile(r"(?<![\w])(?:город\w*|г\.)(?=\s*[«\"]?\s*([а-яё]+(?:(?:-|[ \u00a0])[а-яё]+){0,3}))", re.I)


@dataclass(frozen=True)
class Region:
    """One subject of the Russian Federation."""

    name: str  # canonical nominative name, e.g. "Калужская область"
    code: str  # ISO 3166-2:RU code, e.g. "RU-KLU"


REGIONS: tuple[Region, ...] = (
    # Республики
    Region("Республика Адыгея", "RU-AD"),
    Region("Республика Алтай", "RU-AL"),
    Region("Республика Башкортостан", "RU-BA"),
    Region("Республика Бурятия", "RU-BU"),
    Region("Республика Дагестан", "RU-DA"),
    Region("Донецкая Народная Республика", "RU-DPR"),
    Region("Республика Ингушетия", "RU-IN"),
    Region("Кабардино-Балкарская Республика", "RU-KB"),
    Region("Республика Калмыкия", "RU-KL"),
    Region("Карачаево-Черкесская Республика", "RU-KC"),
    Region("Республика Карелия", "RU-KR"),
    Region("Республика Коми", "RU-KO"),
    Region("Республика Крым", "RU-CR"),
    Region("Луганская Народная Республика", "RU-LPR"),
    Region("Республика Марий Эл", "RU-ME"),
    Region("Республика Мордовия", "RU-MO"),
    Region("Республика Саха (Якутия)", "RU-SA"),
    Region("Республика Северная Осетия — Алания", "RU-SE"),
    Region("Республика Татарстан", "RU-TA"),
    Region("Республика Тыва", "RU-TY"),
    Region("Удмуртская Республика", "RU-UD"),
    Region("Республика Хакасия", "RU-KK"),
    Region("Чеченская Республика", "RU-CE"),
    Region("Чувашская Республика — Чувашия", "RU-CU"),
    # Края
    Region("Алтайский край", "RU-ALT"),
    Region("Забайкальский край", "RU-ZAB"),
    Region("Камчатский край", "RU-KAM"),
    Region("Краснодарский край", "RU-KDA"),
    Region("Красноярский край", "RU-KYA"),
    Region("Пермский край", "RU-PER"),
    Region("Приморский край", "RU-PRI"),
    Region("Ставропольский край", "RU-STA"),
    Region("Хабаровский край", "RU-KHA"),
    # Области
    Region("Амурская область", "RU-AMU"),
    Region("Архангельская область", "RU-ARK"),
    Region("Астраханская область", "RU-AST"),
    Region("Белгородская область", "RU-BEL"),
    Region("Брянская область", "RU-BRY"),
    Region("Владимирская область", "RU-VLA"),
    Region("Волгоградская область", "RU-VGG"),
    Region("Вологодская область", "RU-VLG"),
    Region("Воронежская область", "RU-VOR"),
    Region("Запорожская область", "RU-ZPR"),
    Region("Ивановская область", "RU-IVA"),
    Region("Иркутская область", "RU-IRK"),
    Region("Калининградская область", "RU-KGD"),
    Region("Калужская область", "RU-KLU"),
    Region("Кемеровская область — Кузбасс", "RU-KEM"),
    Region("Кировская область", "RU-KIR"),
    Region("Костромская область", "RU-KOS"),
    Region("Курганская область", "RU-KGN"),
    Region("Курская область", "RU-KRS"),
    Region("Ленинградская область", "RU-LEN"),
    Region("Липецкая область", "RU-LIP"),
    Region("Магаданская область", "RU-MAG"),
    Region("Московская область", "RU-MOS"),
    Region("Мурманская область", "RU-MUR"),
    Region("Нижегородская область", "RU-NIZ"),
    Region("Новгородская область", "RU-NGR"),
    Region("Новосибирская область", "RU-NVS"),
    Region("Омская область", "RU-OMS"),
    Region("Оренбургская область", "RU-ORE"),
    Region("Орловская область", "RU-ORL"),
    Region("Пензенская область", "RU-PNZ"),
    Region("Псковская область", "RU-PSK"),
    Region("Ростовская область", "RU-ROS"),
    Region("Рязанская область", "RU-RYA"),
    Region("Самарская область", "RU-SAM"),
    Region("Саратовская область", "RU-SAR"),
    Region("Сахалинская область", "RU-SAK"),
    Region("Свердловская область", "RU-SVE"),
    Region("Смоленская область", "RU-SMO"),
    Region("Тамбовская область", "RU-TAM"),
    Region("Тверская область", "RU-TVE"),
    Region("Томская область", "RU-TOM"),
    Region("Тульская область", "RU-TUL"),
    Region("Тюменская область", "RU-TYU"),
    Region("Ульяновская область", "RU-ULY"),
    Region("Херсонская область", "RU-KHE"),
    Region("Челябинская область", "RU-CHE"),
    Region("Ярославская область", "RU-YAR"),
    # Города федерального значения
    Region("Москва", "RU-MOW"),
    Region("Санкт-Петербург", "RU-SPE"),
    Region("Севастополь", "RU-SEV"),
    # Автономная область и автономные округа
    Region("Еврейская автономная область", "RU-YEV"),
    Region("Ненецкий автономный округ", "RU-NEN"),
    Region("Ханты-Мансийский автономный округ — Югра", "RU-KHM"),
    Region("Чукотский автономный округ", "RU-CHU"),
    Region("Ямало-Ненецкий автономный округ", "RU-YAN"),
)

# Short names that orders also use on their own ("Правительство Югры").
ALIASES: dict[str, tuple[str, ...]] = {
    "RU-SA": ("Якутия",),
    "RU-CU": ("Чувашия",),
    "RU-KEM": ("Кузбасс",),
    "RU-KHM": ("Югра",),
}

# Initialisms that name one subject and nothing else, as printed in capitals («минтруд и
# соцразвития НСО»). НАО and ЧАО are left out: they are also legal forms (непубличное,
# частное акционерное общество).
INITIALISMS: dict[str, tuple[str, ...]] = {
    "RU-NVS": ("НСО",),
    "RU-KHM": ("ХМАО — Югра", "ХМАО"),
    "RU-YAN": ("ЯНАО",),
    "RU-YEV": ("ЕАО",),
    "RU-KB": ("КБР",),
    "RU-KC": ("КЧР",),
    "RU-SE": ("РСО — Алания",),
}

# Case endings by how the nominative ends; the first rule whose key ends the word
# wins, so longer keys come first. The singular cases are enough for one subject.
_DECLENSION: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ая", ("ая", "ой", "ую", "ою")),              # Калужская, Народная, автономная
    ("ий", ("ий", "ого", "ому", "им", "ом")),      # Алтайский, Ханты-Мансийский
    ("ый", ("ый", "ого", "ому", "ым", "ом")),      # автономный
    ("ия", ("ия", "ии", "ию", "ией", "иею")),      # Бурятия, Осетия, Якутия
    ("ея", ("ея", "еи", "ее", "ею", "еей")),       # Адыгея
    ("ка", ("ка", "ки", "ке", "ку", "кой", "кою")),  # Республика: -и after к
    ("а", ("а", "ы", "е", "у", "ой", "ою")),       # Москва, Тыва, Югра
    ("ь", ("ь", "я", "ю", "ем", "е")),             # Севастополь
    ("й", ("й", "я", "ю", "ем", "е")),             # край, Алтай
)
_CONSONANT_ENDINGS = ("", "а", "у", "ом", "е")     # округ, Татарстан, Крым
_CONSONANTS = set("бвгджзклмнпрстфхцчшщ")
# Words the rules above would decline wrongly.
_IRREGULAR: dict[str, tuple[str, ...]] = {
    "область": ("область", "области", "областью"),  # feminine, unlike Севастополь
}
# Kept as printed in every case: "Республики Коми", "Республике Марий Эл".
_INDECLINABLE = {"Коми", "Марий", "Эл", "Саха"}

# OCR and typists vary hyphens and dashes, and the spaces around them.
_HYPHEN = r"\s*[-‐‑–—]\s*"


def _word_pattern(word: str) -> str:
    """Regex for every case form of one word; only the part after its last hyphen
    declines ("Ханты-Мансийского", "Санкт-Петербурга")."""
    *head, last = word.split("-")
    prefix = "".join(re.escape(part) + _HYPHEN for part in head)
    if last in _INDECLINABLE:
        return prefix + re.escape(last)
    if last in _IRREGULAR:
        forms = _IRREGULAR[last]
        return prefix + "(?:" + "|".join(map(re.escape, forms)) + ")"
    for key, endings in _DECLENSION:
        if last.endswith(key):
            stem = last[: -len(key)]
            break
    else:
        if last[-1].lower() not in _CONSONANTS:
            raise ValueError(f"no declension rule for {word!r}")
        stem, endings = last, _CONSONANT_ENDINGS
    return prefix + re.escape(stem) + "(?:" + "|".join(endings) + ")"


def _phrase_pattern(phrase: str) -> str:
    """Regex for a name of one or more words in any case."""
    return r"\s+".join(_word_pattern(word) for word in phrase.split())


def _name_pattern(name: str) -> str:
    """Regex for a canonical name; a tail after a dash ("— Югра") or in brackets
    ("(Якутия)") is optional, since orders often leave it out."""
    if " — " in name:
        core, tail = name.split(" — ")
        optional = _HYPHEN + _phrase_pattern(tail)
    elif name.endswith(")"):
        core, tail = name[:-1].split(" (")
        optional = r"\s*\(\s*" + _phrase_pattern(tail) + r"\s*\)"
    else:
        return _phrase_pattern(name)
    return _phrase_pattern(core) + "(?:" + optional + ")?"


def _initialism_pattern(name: str) -> str:
    """Regex for an initialism in capitals, and the name after its dash in any case («ХМАО – Югры»)."""
    initials, _, tail = name.partition(" — ")
    return f"(?-i:{re.escape(initials)})" + (_HYPHEN + _phrase_pattern(tail) if tail else "")


def _group_name(region: Region) -> str:
    return region.code.replace("-", "_")


def _compile() -> re.Pattern[str]:
    alternatives = []
    for region in REGIONS:
        names = (region.name, *ALIASES.get(region.code, ()))
        body = "|".join([_name_pattern(name) for name in names]
                        + [_initialism_pattern(name) for name in INITIALISMS.get(region.code, ())])
        alternatives.append(f"(?P<{_group_name(region)}>{body})")
    # Whole words only; a hyphen before is refused too, so that "Ненецкого" inside
    # "Ямало-Ненецкого" is not the Ненецкий автономный округ. One alternation scans
    # the text once, left to right, and never counts one mention twice.
    return re.compile(
        r"(?<![\w\-‐‑])(?:" + "|".join(alternatives) + r")(?!\w)",
        re.IGNORECASE,  # headings are often in capitals: "ПРАВИТЕЛЬСТВО АЛТАЙСКОГО КРАЯ"
    )


_PATTERN = _compile()
_BY_GROUP = {_group_name(region): region for region in REGIONS}
_BY_CODE = {region.code: region for region in REGIONS}


def region_by_code(code: str) -> Region:
    """The subject with this ISO 3166-2:RU code, e.g. "RU-KLU"; KeyError if none."""
    return _BY_CODE[code]


def region_mentions(text: str) -> list[tuple[int, int, Region]]:
    """(start, end, subject) of every subject named in `text`, in order."""
    return [(m.start(), m.end(), _BY_GROUP[m.lastgroup]) for m in _PATTERN.finditer(text)]


def find_regions(text: str) -> list[tuple[Region, int]]:
    """Every subject named in `text` with how many times it is named, most often
    first; ties keep the order of first mention."""
    counts: Counter[Region] = Counter(
        _BY_GROUP[match.lastgroup] for match in _PATTERN.finditer(text)
    )
    # Counter keeps first-mention order and sorted() is stable, hence the tie rule.
    return sorted(counts.items(), key=lambda item: -item[1])


def find_region(text: str) -> Region | None:
    """The subject `text` names most often (the earliest on a tie), or None."""
    found = find_regions(text)
    return found[0][0] if found else None


@dataclass(frozen=True)
class City:
    name: str  # nominative, as the gazetteer spells it: "Тверь"
    region: Region


def find_city(text: str) -> City | None:
    """The first city the text names as a city («города Твери», «г. Котлас») that the
    gazetteer knows, with the subject it lies in."""
    return next((city for _, _, city in city_mentions(text)), None)


def city_mentions(text: str) -> Iterator[tuple[int, int, City]]:
    """(start, end, city) of each city the gazetteer knows that `text` names as a city, in
    any case and in any letter case («ГОРОДА НАБЕРЕЖНЫЕ ЧЕЛНЫ», «г. Котлас»)."""
    for m in _CITY_MENTION.finditer(text):
        words = list(re.finditer(r"\S+", m.group(1)))
        for n in range(len(words), 0, -1):  # the longest name first: «Нижнего Новгорода»
            city = _known_city([w.group(0) for w in words[:n]])
            if city:
                yield m.start(1), m.start(1) + words[n - 1].end(), city
                break


def _known_city(printed: list[str]) -> City | None:
    """The city these words name in any case («Набережных Челнов», «Великих Лук»), or as
    printed («города Набережные Челны»)."""
    for words in (printed, *itertools.product(*map(_nominatives, printed))):
        found = _gazetteer().get(_city_key(" ".join(words)))
        if found:
            return City(found[0], _BY_CODE[found[1]])
    return None


# A municipal district or okrug by its adjective: «Кунгурского муниципального округа», «Котласский район».
_DISTRICT = re.compile(r"(?<![\w-])([А-ЯЁ][а-яё]+(?:ск|цк)(?:ий|ого|ому|им|ом|ой|ая|ую)?)\s+"
                       r"(?:муниципальн\w+\s+(?:район|округ)|городск\w+\s+округ|район)\w*")
# How a district's adjective is made of its centre's name: «Кунгур» → «кунгурский», «Пермь» →
# «пермский», «Ухта» → «ухтинский», «Череповец» → «череповецкий», «Усинск» → «усинский».
_CENTRE_FROM_ADJECTIVE = [(2, ""), (4, ""), (4, "ь"), (4, "а"), (4, "о"), (3, ""), (6, "а")]


def find_district_centre(text: str) -> tuple[str, City] | None:
    """(the district's adjective as printed, its centre) for the first municipal district or okrug
    the text names whose adjective is made of the name of exactly one city the gazetteer knows
    («Кунгурского муниципального округа» → Кунгур). A district named as a city is
    («Октябрьский район») is too common a name to place."""
    for m in _DISTRICT.finditer(text):
        adjective = next((p.normal_form for p in morph().parse(m.group(1).lower()) if p.tag.POS == "ADJF"), None)
        if not adjective or _gazetteer().get(_city_key(adjective)):
            continue
        centres = {_gazetteer()[key] for key in (_city_key(adjective[:-cut] + end) for cut, end in _CENTRE_FROM_ADJECTIVE)
                   if key in _gazetteer()}
        if len(centres) == 1:
            name, code = centres.pop()
            return m.group(1), City(name, _BY_CODE[code])
    return None


def _nominatives(word: str) -> list[str]:
    """The word's nominatives in its number, its readings as a place first: «Твери» →
    «тверь», «Челнов» → «челны», «Нижнего» → «нижний»."""
    parses = sorted(morph().parse(word.lower()), key=lambda p: "Geox" not in p.tag.grammemes)
    forms = [(p.inflect({"nomn"}) or p).word for p in parses]
    return list(dict.fromkeys(forms))[:4]


def _city_key(name: str) -> str:
    return name.lower().replace("ё", "е")


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, tuple[str, str]]:
    """A city's spelling (lower case, «е» for «ё») → (the city's name, its subject's code)."""
    lines = [ln for ln in _CITIES.read_text(encoding="utf-8").splitlines()[2:] if ln]
    return {_city_key(spelling): (name, code) for spelling, name, code, _ in (ln.split("\t") for ln in lines)}
