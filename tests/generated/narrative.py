"""Invented orders for the language layer: who approved the act and where, who executes each
measure, and whom the order reaches, printed the many ways regional and municipal offices print
them. Their tables are plain (tests/generated/orders.py varies the tables); here the header, the
prose and the executor cells vary:

- the act as a block «ПОСТАНОВЛЕНИЕ / от … № …» (in Word also in the page header), as one line «Постановление Правительства … от …
  № …», only in the appendix stamp, or only in the enacting formula «… постановляет:»;
- issuers and titles in capitals, titles over two or three lines, certification marks;
- regional orders, and municipal orders that name only their city;
- ministries' short forms in all six cases followed by any region, plural group executors in the
  instrumental, words hyphenated at a line end, a name left without its closing quote;
- target groups stated in a sentence with their counts.

`make_narrative_orders(n, seed)` returns `Order`s whose truth holds the expected `document`
fields, each measure's `executors`, the `organizations` the order names and its `target_groups`.
"""
from __future__ import annotations

import random

from tests.generated import vocabulary as V
from tests.generated.orders import Grid, Order, Para, Slot

ACTS = {  # act type → (its dative after «к», the enacting verb, the issuer kind that enacts it)
    "постановление": ("постановлению", "постановляет", "government"),
    "распоряжение": ("распоряжению", None, "government"),  # no enacting formula
    "приказ": ("приказу", "приказываю", "ministry"),
}
HEADERS = ["block", "page_header", "one_line", "stamp", "enacting"]
MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря"]
# Sentences that name a ministry by its short form in one case (the index into its six forms).
CASE_SENTENCES = [
    (0, "{m} обеспечивает координацию работы по реализации комплекса мер."),
    (1, "Методическое сопровождение осуществляется специалистами {m}."),
    (2, "Поручить {m} обеспечить реализацию мероприятий комплекса мер."),
    (3, "Контроль за исполнением комплекса мер возложить на {m}."),
    (4, "Мероприятия реализуются во взаимодействии с {m}."),
    (5, "Рабочая группа по реализации комплекса мер создается при {m}."),
]
# Group executors as a «Кем исполняется» column prints them, in the instrumental, and their nominative.
GROUPS_INSTRUMENTAL = [
    ("социально ориентированными некоммерческими организациями", "Социально ориентированные некоммерческие организации"),
    ("органами местного самоуправления", "Органы местного самоуправления"),
    ("образовательными организациями", "Образовательные организации"),
    ("медицинскими организациями", "Медицинские организации"),
]


def make_narrative_orders(n: int, seed: int) -> list[Order]:
    """`n` invented orders, each from its own seeded stream, so one order never changes another."""
    return [_NarrativeDraw(index, random.Random(f"{seed}:{index}")).order() for index in range(n)]


class _NarrativeDraw:
    def __init__(self, index: int, rng: random.Random):
        self.index, self.rng = index, rng
        self.kinds: list[str] = []
        self.organizations: set[str] = set()

    def pick(self, items):
        return self.rng.choice(items)

    def order(self) -> Order:
        """One order; its truth holds what the product must read from it."""
        self._choose_act()
        blocks = self._header() + self._prose() + self._annex() + self._signature()
        if self.rng.random() < 0.4:
            blocks.insert(0, Para(self.pick(V.CERTIFICATION_MARKS[:2]), "right"))
            self.kinds.append("certification:top")
        if self.rng.random() < 0.4:
            blocks += [Para(V.CERTIFICATION_MARKS[3]), Para("Сертификат 01A2F3B4C5D6E7F8"),
                       Para(f"Владелец {self.signatory}")]
            self.kinds.append("certification:signature")
        truth = {"document": self.document, "measures": self.measures, "organizations": sorted(self.organizations),
                 "target_groups": self.target_groups, "signatories": self.signatories, "kinds": self.kinds}
        return Order(name=f"narr_{self.index:03d}", blocks=blocks, truth=truth)

    # -- the act ----------------------------------------------------------------------------------
    def _choose_act(self) -> None:
        rng = self.rng
        self.municipal = self.index % 2 == 0  # every other order, each of another city
        if self.municipal:
            self.city, self.city_genitive, code = V.CITIES[(self.index // 2) % len(V.CITIES)]
            self.region = next((r for r in V.REGIONS if r.code == code), None)
            self.region_code = code
            self.act = "постановление"
            self.issuer, self.issuer_genitive = f"Администрация города {self.city_genitive}", \
                f"администрации города {self.city_genitive}"
            self.kinds.append("municipal")
        else:
            self.region = self.pick(V.REGIONS)
            self.region_code = self.region.code
            self.act = self.pick(list(ACTS))
            if ACTS[self.act][2] == "ministry":
                self.issuer, self.issuer_genitive = (t.format(g=self.region.genitive) for t in self.pick(V.MINISTRY_ISSUERS))
            else:
                self.issuer, self.issuer_genitive = (t.format(g=self.region.genitive) for t in V.GOVERNMENT)
            self.kinds.append("regional")
        self.organizations.add(self.issuer)
        self.number = f"{rng.randint(11, 990)}{self.pick(['', '-п', '-пп', '-р', '-од'])}"
        self.date = (rng.randint(2018, 2025), rng.randint(1, 12), rng.randint(1, 28))
        years = rng.randint(2019, 2025)
        place = f"в муниципальном образовании «Город {self.city}»" if self.municipal and rng.random() < 0.5 \
            else (f"на территории города {self.city_genitive}" if self.municipal else f"на территории {self.region.genitive}")
        self.title = f"Комплекс мер {self.pick(V.COMPLEX_SUBJECTS)} {place} на {years}–{years + 1} годы"
        self.header = self.pick([h for h in HEADERS if h != "enacting" or ACTS[self.act][1]])
        self.kinds.append(f"header:{self.header}")
        self.document = {
            "doc_type": self.act,
            "doc_number": None if self.header == "enacting" else self.number,
            "doc_date": None if self.header == "enacting" else "%04d-%02d-%02d" % self.date,
            "region_code": self.region_code,
            "municipality": f"Город {self.city}" if self.municipal else None,
            "issuers": [self.issuer],
            "title": self.title,
        }

    def _date_text(self) -> str:
        y, m, d = self.date
        if self.rng.random() < 0.6:
            return f"{d:02d}.{m:02d}.{y}"
        return f"«{d:02d}» {MONTHS[m - 1]} {y} г." if self.rng.random() < 0.5 else f"{d} {MONTHS[m - 1]} {y} года"

    def _title_lines(self) -> list[Para]:
        """The title over one to three lines, in capitals in some orders."""
        words = self.title.split()
        cuts = sorted(self.rng.sample(range(2, len(words) - 1), self.rng.randint(0, 2)))
        lines = [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)])]
        if self.rng.random() < 0.4:
            lines = [line.upper() for line in lines]
            self.kinds.append("title:capitals")
        if len(lines) > 1:
            self.kinds.append("title:lines")
        return [Para(line, "center", True) for line in lines]

    def _header(self) -> list:
        act, dative = self.act, ACTS[self.act][0]
        date_number = f"от {self._date_text()} № {self.number}"
        if self.header in ("block", "page_header"):
            issuer = self.issuer.upper() if self.rng.random() < 0.6 else self.issuer
            lines = [Para(issuer, "center", True), Para(act.upper(), "center", True), Para(date_number)]
            for line in lines:
                line.page_header = self.header == "page_header"
            return lines + self._title_lines()
        if self.header == "one_line":
            return [Para(f"{act.capitalize()} {self.issuer_genitive} {date_number}"), *self._title_lines()]
        if self.header == "stamp":
            stamp = [Para("Приложение", "right"), Para(f"к {dative} {self.issuer_genitive}", "right"),
                     Para(date_number, "right")]
            if self.rng.random() < 0.4:
                stamp = [Para(f"Приложение к {dative} {self.issuer_genitive} {date_number}", "right")]
            return stamp + self._title_lines()
        formula = f"{self.issuer} {ACTS[act][1]}:" if act != "приказ" else f"{ACTS[act][1].capitalize()}:"
        if act == "приказ":  # a minister's order names its body above the formula
            return [Para(self.issuer, "center", True), Para(formula),
                    Para("1. Утвердить прилагаемый комплекс мер."), *self._title_lines()]
        return [Para(formula), Para("1. Утвердить прилагаемый комплекс мер."), *self._title_lines()]

    # -- prose ------------------------------------------------------------------------------------
    def _prose(self) -> list[Para]:
        paras = [self._ministry_sentence(2 * self.index), self._ministry_sentence(2 * self.index + 1)]
        group, nominative = self.pick(V.STATED_GROUPS)
        count = self.rng.randint(12, 4000)
        sentence = f"Реализация комплекса мер позволит {self.pick(V.COVERAGE_PHRASES).removeprefix('позволит ')} " \
                   f"{count} {group}"
        self.target_groups = [{"title": nominative, "count": count}]
        if self.rng.random() < 0.6:
            part, part_nominative = self.pick(V.STATED_PARTS)
            part_count = self.rng.randint(2, count)
            sentence += f", в том числе {part} {self.pick(['–', '-', '—'])} {part_count}"
            self.target_groups.append({"title": part_nominative, "count": part_count})
            self.kinds.append("target_groups:part")
        paras.append(Para(sentence + ".", "justify"))
        return paras

    def _ministry(self, field: str | None = None) -> tuple[str, list[str], str]:
        """A ministry's field, its six short forms and the region printed after it (genitive)."""
        field = field or self.pick(list(V.MINISTRY_SHORT_FORMS))
        region = self.pick(V.REGIONS).genitive
        self.organizations.add(f"Министерство {field} {region}")
        return field, V.MINISTRY_SHORT_FORMS[field], region

    def _ministry_sentence(self, k: int) -> Para:
        """The k-th (field, case) pair in turn, so that a corpus prints every field in every case."""
        fields = list(V.MINISTRY_SHORT_FORMS)
        field, forms, region = self._ministry(fields[k % len(fields)])
        case, template = CASE_SENTENCES[(k // len(fields)) % len(CASE_SENTENCES)]
        self.kinds.append(f"short_form:{field}:case{case}")
        return Para(template.format(m=f"{forms[case]} {region}"), "justify")

    # -- the annex --------------------------------------------------------------------------------
    def _annex(self) -> list:
        instrumental = self.rng.random() < 0.3
        head = "Кем исполняется" if instrumental else self.pick(V.EXECUTOR_LABELS)
        grid = Grid(4, [1.0, 6.0, 2.0, 5.0], header_rows=1)
        grid.rows.append([Slot([label]) for label in ["№ п/п", self.pick(V.TITLE_LABELS), "Срок исполнения", head]])
        self.measures = []
        for i, title in enumerate(self.rng.sample(V.MEASURE_TITLES, self.rng.randint(3, 6)), start=1):
            printed, names = self._executors(instrumental)
            grid.rows.append([Slot([f"{i}."]), Slot([title]), Slot([f"{self.rng.randint(2019, 2026)} год"]),
                              Slot([printed])])
            self.measures.append({"code": str(i), "executors": names})
            self.organizations.update(names)
        return [Para("План мероприятий", "center", True), grid]

    def _executors(self, instrumental: bool) -> tuple[str, list[str]]:
        """An executor cell as printed and the canonical names it holds."""
        printed, names = [], []
        for _ in range(self.rng.randint(1, 3)):
            text, name = self._executor(instrumental)
            if name not in names:
                printed.append(text)
                names.append(name)
        separator = self.pick(["; ", ", ", "; "]) if len(printed) > 1 else ""
        if separator == "; " and printed[0].endswith("»»") and self.rng.random() < 0.3:
            printed[0] = printed[0][:-1]  # the closing quote left out before «;»
            names[0] = names[0][:-1]
            self.kinds.append("quote:unclosed")
        return separator.join(printed), names

    def _executor(self, instrumental: bool) -> tuple[str, str]:
        kind = self.pick(["ministry", "body", "institution", "group"] + (["city"] if self.municipal else []))
        own = self.region.genitive if self.region else None
        if kind == "ministry" or (kind == "body" and not own):
            field, forms, region = self._ministry()
            return f"{forms[4] if instrumental else forms[0]} {region}", f"Министерство {field} {region}"
        if kind == "group" or instrumental:
            printed, name = self.pick(GROUPS_INSTRUMENTAL)
            self.kinds.append("executor:group")
            return (printed if instrumental else name.lower()), name
        if kind == "city":
            name = self.pick(V.CITY_BODIES)[0].format(c=self.city_genitive)
            return name, name
        if kind == "body":
            name = f"Департамент семейной и демографической политики {own}"
            if self.rng.random() < 0.5:
                self.kinds.append("executor:hyphenated")
                return name.replace("демографической", "демо- графической"), name
            return name, name
        name = self.pick(V.INSTITUTION_TEMPLATES).format(adj=self.pick(["Областной", "Краевой", "Городской"]),
                                                         n=self.pick(V.INVENTED_NAMES))
        return name, name

    def _signature(self) -> list[Para]:
        """The signature: a minister's names the ministry («Министр … области» → «Министр» of
        «Министерство … области»), a governor's or a city head's stays one position."""
        self.signatory = self.pick(V.OFFICIAL_NAMES)
        if self.act == "приказ":
            printed, position, body = self.issuer.replace("Министерство", "Министр", 1), "Министр", self.issuer
            if not self.issuer.startswith("Министерство"):
                printed = position = f"Руководитель {self.issuer_genitive[:1].lower()}{self.issuer_genitive[1:]}"
                position, body = "Руководитель", self.issuer
        else:
            printed = position = f"Глава города {self.city_genitive}" if self.municipal else self.region.head_title
            body = None
        self.signatories = [{"name": self.signatory, "position": position, "organization": body}]
        return [Para(printed), Para(self.signatory)]
