"""Invented regional orders approving a «комплекс мер» for families with children, each with
the export it must give (shared/spec/document-json.md).

`make_order(index, seed)` draws one order from its own seeded random stream: a header (issuing
body, act type, «от DD.MM.YYYY № NNN-п», title), some prose, then one or more tables whose
layout combines the kinds real orders print (years as columns or as rows, sources as columns,
as rows or split inside a cell, quarter and plan/fact sub-columns, scales and decimals,
subtotals and totals, task headings, split deadlines, dashes, numbering rows, codes in the
title cell, shuffled and reworded headers, indicator tables, several tables, a separate
funding table, task headings that print the task's amounts, years in a column of their own, a
resource table by source, cells that print their own unit, a period range over the total column,
years labelled inside one money cell, indicator tables with a second code column). The order is
an abstract document (`Para`, `Section`, `Grid` blocks with real horizontal and vertical merges)
that `writers.py` prints as text and Word; its `truth` is the expected export plus a top-level
`kinds` list naming the kinds it combines (the scorer ignores unknown keys).

Conventions where the spec leaves a choice:
- a deadline split into «начало» / «окончание» sub-columns is expected as «начало – окончание»;
- with years as rows in the deadline column, a measure's deadline is the first year label printed
  for it; with years in a «Год» column of their own, it is the deadline printed beside them;
- a source label of a total row or column is «Всего»; task subtotals carry `task_code`;
- every printed sum holds (no sum_mismatch issues are expected);
- a task heading that prints amounts gives the task's subtotal (`task_code`, no `measure_code`);
- a resource table by source gives the document's totals by source and year, so an order that
  prints one has no grand-total row in its measures table (each total is printed once);
- an indicator's code is its «№ п/п», also where a «Код показателя» column follows it.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from tests.generated import vocabulary as V

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
QUARTER_LABELS = [["I кв.", "II кв.", "III кв.", "IV кв."], ["I квартал", "II квартал", "III квартал", "IV квартал"]]

# The money layout of an order's funding table: the first kind every order is built around.
LAYOUTS = ["years_cols", "years_split", "years_quarters", "years_planfact", "years_rows", "years_rows_sources",
           "source_cols", "source_rows_column", "source_rows_title"]


# --- the abstract document ----------------------------------------------------------------------

@dataclass
class Para:
    text: str
    align: str = "left"  # left | center | right | justify
    bold: bool = False
    page_header: bool = False  # Word prints it in the first page's header; text conversions at the top


@dataclass
class Section:
    """The annex starts on a new page, in landscape when its tables are wide."""
    landscape: bool


@dataclass
class Slot:
    """One printed cell: its paragraphs and how far it spans (a real merge in Word)."""
    paras: list[str]
    colspan: int = 1
    rowspan: int = 1
    bold: bool = False


# How a table is ruled: every line; rules across only (Word's «horizontal borders»); no outer frame.
BORDERS = ["all", "all", "all", "across", "inner"]


@dataclass
class Grid:
    """A table on its true grid: rows of `Slot`s, None where a merged cell covers the position."""
    ncols: int
    widths: list[float]
    header_rows: int = 0
    repeat_header: bool = False
    borders: str = "all"  # one of BORDERS
    rows: list[list[Slot | None]] = field(default_factory=list)

    def add_rows(self, count: int) -> int:
        start = len(self.rows)
        self.rows.extend([Slot([]) for _ in range(self.ncols)] for _ in range(count))
        return start

    def put(self, r: int, c: int, paras, colspan: int = 1, rowspan: int = 1, bold: bool = False) -> None:
        if isinstance(paras, str):
            paras = [paras] if paras else []
        if self.rows[r][c] is None:
            raise ValueError(f"cell ({r}, {c}) is covered by a merge")
        self.rows[r][c] = Slot(list(paras), colspan, rowspan, bold)
        for rr in range(r, r + rowspan):
            for cc in range(c, c + colspan):
                if (rr, cc) != (r, c):
                    self.rows[rr][cc] = None


@dataclass
class Order:
    name: str
    blocks: list  # Para | Section | Grid, in reading order
    truth: dict

    @property
    def kinds(self) -> list[str]:
        return self.truth["kinds"]


# --- money ------------------------------------------------------------------------------------

SCALES = {"rub": (Decimal(1), ["рублей", "руб."]),
          "thousand": (Decimal(1000), ["тыс. рублей", "тыс. руб."]),
          "million": (Decimal(1000000), ["млн рублей", "млн. рублей"])}


@dataclass
class Scale:
    name: str  # rub | thousand | million
    decimals: int
    group: str  # thousands separator ("" or " ")
    where: str  # caption (in the money caption) | first (first money column) | line (a line above the table)
    words: str  # «тыс. рублей»

    @property
    def factor(self) -> Decimal:
        return SCALES[self.name][0]

    def fmt(self, minor: int) -> str:
        digits = str(minor).rjust(self.decimals + 1, "0")
        whole, frac = (digits[:-self.decimals], digits[-self.decimals:]) if self.decimals else (digits, "")
        if self.group and len(whole) > 3:
            whole = f"{int(whole):,}".replace(",", self.group)
        return f"{whole},{frac}" if frac else whole

    def rub(self, minor: int) -> Decimal:
        return Decimal(minor).scaleb(-self.decimals) * self.factor

    def draw(self, rng: random.Random, lo: int, hi: int) -> int:
        """A random amount between about `lo` and `hi` roubles, in units of the last printed decimal."""
        rub = rng.uniform(lo, hi)
        minor = int(Decimal(str(round(rub, 2))) * (10 ** self.decimals) / self.factor)
        if rng.random() < 0.25 and minor > 100:  # a round figure now and then
            minor -= minor % (10 ** rng.randint(1, min(3, len(str(minor)) - 1)))
        return max(minor, 1)


def as_json_number(amount: Decimal):
    return int(amount) if amount == amount.to_integral_value() else float(amount)


@dataclass
class MoneyCol:
    year: int | None = None  # None: the whole period (or the row's year when years are rows)
    quarter: int | None = None
    basis: str = "plan"
    source: str | None = None  # None: every source (or the row's source)
    label: str = "Всего"  # the source label printed in a source column's header
    by_year: bool = False  # one column whose cells label each year's amount («2019 г. – 100,0; …»)


@dataclass
class Column:
    role: str  # code title deadline start end executors result srclabel year money
    path: list[str]  # header labels from the top header row down
    width: float
    money: MoneyCol | None = None


@dataclass
class Payer:
    """A measure, a task subtotal or the grand total: amounts by (year, quarter, basis, source)."""
    kind: str  # measure | subtotal | total
    code: str | None
    task_code: str | None
    label: str  # what the title cell prints for a total
    leaves: dict = field(default_factory=dict)
    all_row: bool = True  # with sources as rows: a «всего» row above the source rows
    fallback_year: int | None = None  # with years as rows, the year printed for a measure without money

    def agg(self, year, quarter, basis, source) -> int | None:
        hits = [v for (y, q, b, s), v in self.leaves.items()
                if (year is None or y == year) and (quarter is None or q == quarter) and b == basis
                and (source is None or s == source)]
        return sum(hits) if hits else None

    def sources(self, order: list[str]) -> list[str]:
        present = {s for (_, _, _, s) in self.leaves}
        return [s for s in order if s in present]

    def years(self) -> list[int]:
        return sorted({y for (y, _, _, _) in self.leaves})


def add_leaves(into: dict, leaves: dict) -> None:
    for key, value in leaves.items():
        into[key] = into.get(key, 0) + value


@dataclass
class RowCtx:
    year: int | None = None
    source: str | None = None
    label: str | None = None  # the source label a row prints


@dataclass
class Measure:
    code: str
    printed_code: str
    task_code: str | None
    title: str
    deadline: str | None
    deadline_parts: tuple[str, str] | None
    executors: list[str]  # canonical names
    printed_executors: list[str]
    result: str | None
    payer: Payer


@dataclass
class Task:
    number: int
    code: str
    title: str
    heading: str  # as the heading row prints it (title-column text)
    heading_code: str  # what the № column prints, when the heading uses it
    total_label: str
    measures: list[Measure] = field(default_factory=list)


# --- the order maker ----------------------------------------------------------------------------

class _Maker:
    def __init__(self, index: int, seed: int):
        self.index = index
        self.rng = random.Random(f"orders-{seed}-{index}")
        # The layout variants (task headings with amounts, a year column, a resource table by source,
        # units in cells, a period range over the total, years inside a cell, two indicator codes)
        # draw from a stream of their own, so choosing them leaves the order's other draws as they are.
        self.variant_rng = random.Random(f"variants-{seed}-{index}")
        self.wordings: dict[str, str] = {}
        self.kinds: set[str] = set()
        self.funding: list[dict] = []
        self.orgs: dict[str, dict] = {}  # canonical name → organisation record
        # drawn from a stream of its own too: the rulings change no text of the order
        self.borders = random.Random(f"borders-{seed}-{index}").choice(BORDERS)

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def vpick(self, seq):
        return self.variant_rng.choice(seq)

    def vchance(self, p: float) -> bool:
        return self.variant_rng.random() < p

    def pick_once(self, name: str, seq):
        """A variant's wording drawn once and kept for every table of the order."""
        if name not in self.wordings:
            self.wordings[name] = self.vpick(seq)
        return self.wordings[name]

    def kind(self, *names: str) -> None:
        self.kinds.update(names)

    # -- the whole order --------------------------------------------------------------------------
    def make(self) -> Order:
        self._choose_header()
        self._choose_style()
        self._make_organisations()
        self._make_tasks_and_measures()
        blocks = self._prose_before_annex()
        blocks += self._annex()
        truth = self._truth()
        return Order(name=f"gen_{self.index:03d}", blocks=blocks, truth=truth)

    # -- header -----------------------------------------------------------------------------------
    def _choose_header(self) -> None:
        rng = self.rng
        self.region = self.pick(V.REGIONS)
        g = self.region.genitive
        start = rng.randint(2019, 2025)
        length = self.pick([2, 2, 2, 3, 3, 4])
        self.years = list(range(start, start + length))
        self.act = self.pick(["постановление", "распоряжение", "приказ"])
        self.kind(f"act:{self.act}")
        if self.act == "приказ":
            nom, gen = self.pick(V.MINISTRY_ISSUERS)
            self.number = f"{rng.randint(12, 980)}" + self.pick(["", "-од", "-п", "-ОД"])
        else:
            nom, gen = V.GOVERNMENT
            suffix = {"постановление": ["-п", "-пп", "-ПП"], "распоряжение": ["-р", "-рп"]}[self.act]
            self.number = f"{rng.randint(12, 980)}{self.pick(suffix)}"
        self.issuer, self.issuer_genitive = nom.format(g=g), gen.format(g=g)
        month = rng.randint(1, 12) if self.chance(0.3) else rng.randint(1, 4)
        year = start - 1 if month > 9 else start
        self.date = (year, month, rng.randint(1, 28))
        self.dash = self.pick([" – ", " - ", "–", "-"])
        subject = self.pick(V.COMPLEX_SUBJECTS)
        if self.chance(0.4):
            subject += f"{',' if ',' in subject else ''} на территории {g}"
        self.subject = subject
        self.period_text = f"{self.years[0]}{self.dash}{self.years[-1]} годы"
        self.title = f"Комплекс мер {subject} на {self.period_text}"

    # -- per-order choices of layout --------------------------------------------------------------
    def _choose_style(self) -> None:
        rng, pick, chance = self.rng, self.pick, self.chance
        self.layout = LAYOUTS[self.index % len(LAYOUTS)]
        self.kind(f"layout:{self.layout}")
        lay = self.layout

        # tasks, headings, codes
        self.flat = chance(0.12)
        if self.flat:
            self.headings = "none"
        else:
            self.headings = pick(["task_merged", "task_code_col", "roman_merged", "roman_code_col", "subprogram"])
        self.codes_in_title = chance(0.25)
        if self.codes_in_title and self.headings.endswith("code_col"):
            self.headings = self.headings.replace("code_col", "merged")
        self.code_col = not self.codes_in_title
        self.local_codes = self.headings == "roman_code_col" and chance(0.5)
        self.trailing_dot = chance(0.5)
        self.heading_from_title = self.code_col and chance(0.35)
        self.kind(f"headings:{self.headings}")
        self.kind("codes:in_title" if self.codes_in_title else ("codes:local" if self.local_codes else "codes:number_col"))
        if self.trailing_dot and not self.local_codes:
            self.kind("codes:trailing_dot")

        # tables of the annex
        self.separate_funding = chance(0.18)
        self.several = not self.separate_funding and chance(0.25)
        self.mixed_scale = self.several and chance(0.5)
        self.subtotals = not self.flat and chance(0.55)
        self.grand_total = not self.mixed_scale and chance(0.65)
        self.task_amounts = not self.flat and not self.subtotals and self.vchance(0.35)
        if self.task_amounts:  # the heading row prints the task's amounts (no «Итого по задаче» row)
            self.kind("headings:task_amounts")
        # (not with sources split inside some cells only: its totals by source would add up to nothing printed)
        self.sources_table = not self.mixed_scale and lay != "years_split" and self.vchance(0.2)
        if self.sources_table:  # the document's totals are printed there, not in a grand-total row
            self.grand_total = False
            self.kind("layout:sources_table")
        if self.separate_funding:
            self.kind("funding_table:separate")
        if self.several:
            self.kind("tables:several")
        if self.mixed_scale:
            self.kind("scale:mixed")
        if self.subtotals:
            kind = {"task_merged": "task", "task_code_col": "task", "subprogram": "subprogram"}.get(self.headings, "section")
            self.kind(f"subtotals:{kind}")
        if self.grand_total:
            self.kind("grand_total")

        # columns
        self.deadline_split = lay not in ("years_rows", "years_rows_sources") and chance(0.25)
        self.kind("deadline:split" if self.deadline_split else "deadline:single")
        self.result_col = chance(0.3)
        if self.result_col:
            self.kind("expected_result")
        self.shuffled = chance(0.5)
        if self.shuffled:
            self.kind("columns:shuffled")
        self.numbering = pick(["none", "full", "full", "gaps"])
        self.kind(f"numbering:{self.numbering}")
        self.labels = {
            "code": pick(V.CODE_LABELS), "title": pick(V.TITLE_LABELS), "deadline": pick(V.DEADLINE_LABELS),
            "executors": pick(V.EXECUTOR_LABELS), "result": pick(V.RESULT_LABELS),
            "srclabel": pick(V.SOURCE_LABEL_LABELS), "start_end": pick(V.START_END_LABELS),
        }
        self.vmerge = chance(0.6)
        self.year_column = lay in ("years_rows", "years_rows_sources") and not self.separate_funding \
            and self.vchance(0.6)
        if self.year_column:  # «Год» beside the amounts; the measure's cells merged down its year rows
            self.vmerge = True
            self.kind("layout:year_column")
            self.year_column_label = self.vpick(["Год", "Годы реализации", "Год реализации"])
        self.repeat_header = chance(0.4)
        self.kind(f"borders:{self.borders}")
        if self.repeat_header:
            self.kind("docx:repeat_header")
        self.total_merge = self.code_col and chance(0.4)  # a total's label spans the № and title columns
        self.executor_join = pick(["; ", ", ", "paras"])
        self.txt_bold = chance(0.4)

        # money
        self.empty_mark = pick(["–", "–", "-", "х", "", "0"])
        self.kind({"–": "empty:en_dash", "-": "empty:hyphen", "х": "empty:x", "": "empty:blank",
                   "0": "empty:zero"}[self.empty_mark])
        self.total_pos = None
        self.quarter_years: set[int] = set()
        self.planfact = False
        self.split_styles: list[str] = []
        self.year_labels = lay == "years_cols" and self.vchance(0.5)
        if self.year_labels:  # one money column, its cells «2019 г. – 100,0; 2020 г. – 120,0»
            self.kind("split:year_labels")
            self.year_cell_label = self.vpick(["{y} г. – {a}", "{y} год – {a}", "{y} г. - {a}", "в {y} году – {a}"])
            self.year_cell_paras = self.vchance(0.35)
        if lay.startswith("years_") and lay not in ("years_rows", "years_rows_sources") or lay.startswith("source_rows"):
            self.total_pos = pick(["first", "last", None]) if lay != "years_planfact" else None
            if lay == "years_quarters" or (lay.startswith("source_rows") and chance(0.2)):
                n = 1 if len(self.years) > 2 else rng.randint(1, len(self.years))
                self.quarter_years = set(rng.sample(self.years, n))
                self.kind("quarters")
            elif lay == "years_planfact" or (lay.startswith("source_rows") and chance(0.2)):
                self.planfact = True
                self.total_pos = None
                self.kind("planfact")
            if self.year_labels:
                self.total_pos = None
            else:
                self.kind(f"total_col:{self.total_pos or 'none'}")
        self.year_range = self.total_pos is not None and self.vchance(0.4)
        if self.year_range:  # the whole-period column headed «2019–2021 годы», not «Всего»
            self.kind("header:year_range")
        drawn = self.scale = self._draw_scale()
        self.cell_units = lay != "years_split" and not self.year_labels and not self.mixed_scale \
            and self.vchance(0.15)
        if self.cell_units:  # the heading says «(рублей)» or nothing; each cell prints its own unit
            self.kind("cell_units")
            self.scale = Scale("rub", 0, drawn.group, self.vpick(["caption", "line", "none", "none"]),
                               self.vpick(["рублей", "руб."]))
            self.unit_words = {"million": self.vpick(["млн руб.", "млн. руб.", "млн рублей"]),
                               "thousand": self.vpick(["тыс. руб.", "тыс. рублей", "тыс.руб."]),
                               "rub": self.vpick(["руб.", "рублей"])}
        self.kind(f"scale:{self.scale.name}", f"decimals:{self.scale.decimals}", f"scale_at:{self.scale.where}")
        self.quarter_total_first = chance(0.3)
        self.quarter_labels = pick(QUARTER_LABELS)
        self.fact_label = pick(["факт", "исполнено", "освоено"])
        self.fact_years = self.years[:rng.randint(1, len(self.years) - 1)] if self.planfact else []
        if lay == "years_split":
            self.split_styles = rng.sample(["label_first", "amount_first", "stacked", "no_total", "single_source"],
                                           rng.randint(1, 2))
            self.kind(*(f"split:{s}" for s in self.split_styles))
        shows_sources = lay in ("years_split", "years_rows_sources", "source_cols") or lay.startswith("source_rows")
        self.sources = self._draw_sources(shows_sources)
        # (the scale as drawn, before units in cells replace it, so the draws that follow stay the same)
        self.money_caption = pick(V.MONEY_CAPTIONS) if chance(0.75) or drawn.where == "caption" else None
        self.source_caption = pick(V.SOURCE_CAPTIONS) if chance(0.7) else None
        self.year_label = pick(["{y} год", "{y} г.", "{y}", "на {y} год"])
        self.total_label = pick(V.TOTAL_COLUMN_LABELS + ["Всего за период"])
        self.row_year_label = pick(["{y} г.", "{y} год", "{y}"])
        self.all_row_label = pick(["всего", "всего, в том числе:", "Всего:", "итого"])

    def _draw_scale(self, avoid: str | None = None) -> Scale:
        names = [n for n in ("rub", "thousand", "thousand", "million") if n != avoid]
        name = self.pick(names)
        if name == "rub":
            decimals = self.pick([0, 0, 0, 2])
        elif name == "thousand":
            decimals = self.pick([0, 1, 1, 2, 3, 3]) if not self.chance(0.08) else 4
        else:
            decimals = self.pick([1, 2, 3, 3]) if not self.chance(0.1) else 4
        where = self.pick(["caption", "first", "line", "line"])
        totals_first = (self.layout in ("years_rows", "years_rows_sources", "source_cols") or self.total_pos == "first"
                        or self.year_labels)
        if where == "first" and not totals_first:
            where = "caption"  # «2024 год, тыс. рублей» is not how a table prints its scale
        return Scale(name, decimals, self.pick(["", " ", " "]), where, self.pick(SCALES[name][1]))

    def _draw_sources(self, shows: bool) -> list[str]:
        if not shows:
            return ["all_sources"]
        pool = ["regional_budget", "federal_budget", "local_budget", "extrabudgetary", "fund_grant", "other"]
        chosen = ["regional_budget"] + self.rng.sample(pool[1:], self.rng.randint(1, 3))
        chosen = [s for s in pool if s in chosen]
        adj = self.region.budget_adjective
        self.short_labels = {
            "regional_budget": f"{adj} бюджет", "federal_budget": "федеральный бюджет",
            "local_budget": self.pick(["местный бюджет", "бюджеты муниципальных образований"]),
            "extrabudgetary": self.pick(["внебюджетные средства", "внебюджетные источники"]),
            "fund_grant": self.pick(["средства Фонда", "грант Фонда"]),
            "other": self.pick(["иные источники", "привлеченные средства"]),
        }
        long = {
            "regional_budget": f"{adj} бюджет (в рамках государственной программы {self.region.genitive} "
                               f"«Социальная поддержка граждан»)",
            "federal_budget": "федеральный бюджет (в соответствии с соглашением о предоставлении субсидии)",
            "fund_grant": "средства Фонда поддержки детей, находящихся в трудной жизненной ситуации",
        }
        self.long_labels = self.layout.startswith("source_rows") and self.chance(0.5)
        self.row_labels = {s: (long.get(s, self.short_labels[s]) if self.long_labels else self.short_labels[s])
                           for s in chosen}
        if self.long_labels:
            self.kind("sources:long_labels")
        return chosen

    # -- organisations ----------------------------------------------------------------------------
    def _org(self, name: str, kind: str, printed: str | None = None) -> str:
        canonical = name[0].upper() + name[1:]
        record = self.orgs.setdefault(canonical, {"name": canonical, "kind": kind, "aliases": [canonical]})
        if printed and printed not in record["aliases"]:
            record["aliases"].append(printed)
        return canonical

    def _make_organisations(self) -> None:
        g, adj = self.region.genitive, self.region.institution_adjective
        names = iter(self.rng.sample(V.INVENTED_NAMES, 12))
        pool = []
        if self.act == "приказ":
            pool.append((self.issuer, "ministry"))
        for template in self.rng.sample(V.MINISTRY_EXECUTORS, self.rng.randint(2, 3)):
            pool.append((template.format(g=g), "ministry"))
        for template in self.rng.sample(V.INSTITUTION_TEMPLATES, self.rng.randint(2, 3)):
            pool.append((template.format(adj=adj, n=next(names)), "institution"))
        if self.chance(0.6):
            pool.append((self.pick(V.NGO_TEMPLATES).format(n=next(names)), "ngo"))
        if self.chance(0.5):
            pool.append((self.pick(V.GROUP_TEMPLATES).format(g=g), "group"))
        self.executor_pool = pool

    def _executors(self) -> tuple[list[str], list[str]]:
        count = self.pick([1, 1, 2, 2, 3])
        first = [self.executor_pool[0]] if self.chance(0.5) else []
        rest = [e for e in self.executor_pool if e not in first]
        chosen = (first + self.rng.sample(rest, count))[:count]
        canonical, printed = [], []
        for name, kind in chosen:
            shown = name
            if kind in ("ngo", "group") and self.chance(0.5):
                shown = f"{name} (по согласованию)"
            canonical.append(self._org(name, kind, name))
            printed.append(shown)
        return canonical, printed

    # -- tasks and measures -----------------------------------------------------------------------
    def _make_tasks_and_measures(self) -> None:
        rng = self.rng
        titles = iter(rng.sample(V.MEASURE_TITLES, len(V.MEASURE_TITLES)))
        task_titles = iter(rng.sample(V.TASK_TITLES, len(V.TASK_TITLES)))
        self.tasks: list[Task] = []
        self.measures: list[Measure] = []
        if self.flat:
            count = rng.randint(4, 8)
            for i in range(1, count + 1):
                self.measures.append(self._measure(str(i), f"{i}." if self.trailing_dot else str(i), None,
                                                   next(titles)))
            return
        task_style = self.pick(["dot", "quotes"])
        total_word = self.pick(["Итого", "Всего", "ИТОГО"])
        colon = self.pick(["", ":"])
        for n in range(1, rng.randint(2, 4) + 1):
            title = next(task_titles)
            if self.headings.startswith("roman"):
                heading = title if self.headings == "roman_code_col" else f"{ROMAN[n - 1]}. {title}"
                heading_code = f"{ROMAN[n - 1]}."
                total = f"{total_word} по разделу {ROMAN[n - 1]}{colon}"
            elif self.headings == "subprogram":
                heading, heading_code = f"Подпрограмма {n} «{title}»", ""
                total = f"{self.pick(['Всего', 'Итого'])} по подпрограмме {n}{colon}"
            else:
                heading = f"Задача {n}. {title}" if task_style == "dot" else f"Задача {n} «{title}»"
                heading_code = f"{n}." if self.trailing_dot else str(n)
                total = f"{total_word} по задаче {n}{colon}"
            task = Task(n, str(n), title, heading, heading_code, total)
            for i in range(1, rng.randint(1, 4) + 1):
                code = f"{n}.{i}"
                printed = f"{i}." if self.local_codes else (f"{code}." if self.trailing_dot else code)
                task.measures.append(self._measure(code, printed, str(n), next(titles)))
            self.tasks.append(task)
            self.measures.extend(task.measures)

    def _measure(self, code: str, printed: str, task_code: str | None, title: str) -> Measure:
        deadline, parts = self._deadline()
        canonical, printed_executors = self._executors()
        result = self.pick(V.EXPECTED_RESULTS) if self.result_col else None
        payer = Payer("measure", code, None, title, self._leaves())
        if self.cell_units:
            payer.leaves = self._rounded(payer.leaves)
        payer.all_row = len(payer.sources(self.sources)) > 1 and self.chance(0.8) or self.chance(0.2)
        payer.fallback_year = self.pick(self.years)
        return Measure(code, printed, task_code, title, deadline, parts, canonical, printed_executors, result, payer)

    def _deadline(self) -> tuple[str, tuple[str, str] | None]:
        ys = self.years
        y = self.pick(ys)
        y1, y2 = ys[0], ys[-1]
        if self.deadline_split:
            start, end = self.pick([
                (f"{y1} г.", f"{y2} г."), (f"I квартал {y} г.", f"IV квартал {y} г."),
                (f"январь {y1} г.", f"декабрь {y2} г."), (f"01.{y1}", f"12.{y2}"), (f"{y1}", f"{y2}"),
            ])
            return f"{start} – {end}", (start, end)
        d = self.dash
        return self.pick([
            f"{y} год", f"{y} г.", f"{y1}{d}{y2} годы", f"{y1}{d}{y2} гг.", f"IV квартал {y} г.",
            f"I полугодие {y} г.", "ежегодно", f"в течение {y1}{d}{y2} годов", f"до 1 сентября {y} г.",
            f"декабрь {y} г.", "постоянно",
        ]), None

    def _leaves(self) -> dict:
        """This measure's amounts, in units of the last printed decimal of the order's scale."""
        rng = self.rng
        if self.chance(0.15):
            return {}  # an organisational measure without money
        years = self.years if self.chance(0.55) else sorted(rng.sample(self.years, rng.randint(1, len(self.years))))
        if self.sources == ["all_sources"]:
            sources = ["all_sources"]
        else:
            sources = sorted(rng.sample(self.sources, rng.randint(1, len(self.sources))), key=self.sources.index)
        lo, hi = (300_000, 30_000_000) if self.scale.name == "million" else (20_000, 3_000_000)
        leaves = {}
        for y in years:
            for s in sources:
                if y in self.quarter_years:
                    for q in range(1, 5):
                        leaves[(y, q, "plan", s)] = 0 if self.chance(0.1) else self.scale.draw(rng, lo / 4, hi / 4)
                else:
                    plan = 0 if self.chance(0.05) else self.scale.draw(rng, lo, hi)
                    leaves[(y, None, "plan", s)] = plan
                    if y in self.fact_years:
                        leaves[(y, None, "fact", s)] = plan if self.chance(0.3) else int(plan * rng.uniform(0.5, 1))
        return leaves

    def _rounded(self, leaves: dict) -> dict:
        """Amounts (in roubles) as orders that print «1,5 млн руб.» or «250,0 тыс. руб.» have them:
        whole hundreds, large ones often whole tens or hundreds of thousands; a fact never over its plan."""
        out = {}
        for key, value in leaves.items():
            if value >= 1_000_000 and self.vchance(0.5):
                step = self.vpick([10_000, 100_000])
            else:
                step = self.vpick([100, 100, 1000])
            out[key] = value - value % step if value >= step else value - value % 100
        for (y, q, b, s), value in out.items():
            if b == "fact":
                out[(y, q, b, s)] = min(value, out[(y, q, "plan", s)])
        return out

    # -- prose ------------------------------------------------------------------------------------
    def _date_text(self) -> str:
        y, m, d = self.date
        return f"{d:02d}.{m:02d}.{y}"

    def _prose_before_annex(self) -> list:
        g = self.region.genitive
        act_upper = self.act.upper()
        body_upper = self.issuer.upper()
        self._org(self.issuer, "government" if self.act != "приказ" else "ministry", body_upper)
        title_line = f"Об утверждении комплекса мер {self.subject} на {self.period_text}"
        blocks = [Para(body_upper, "center", True), Para(act_upper, "center", True),
                  Para(f"от {self._date_text()} № {self.number}", "center"),
                  Para(title_line, "center", True)]
        purpose = (f"В целях повышения уровня и качества жизни семей с детьми, проживающих на территории {g}, "
                   f"и развития эффективных социальных практик их поддержки")
        approve = (f"Утвердить прилагаемый комплекс мер {self.subject} на {self.period_text} "
                   f"(далее – комплекс мер).")
        if self.act == "постановление":
            blocks.append(Para(f"{purpose} {self.issuer} постановляет:", "justify"))
        elif self.act == "приказ":
            blocks.append(Para(f"{purpose} {self.pick(['ПРИКАЗЫВАЮ:', 'п р и к а з ы в а ю:'])}", "justify"))
        else:
            blocks.append(Para(f"{purpose}:", "justify"))
        blocks.append(Para(f"1. {approve}", "justify"))
        if self.act == "приказ":
            blocks.append(Para("2. Контроль за исполнением настоящего приказа возложить на заместителя министра.",
                               "justify"))
            position = "Министр"
        else:
            self._org(self.issuer, "government", self.issuer_genitive)
            blocks.append(Para(f"2. Контроль за исполнением настоящего {'постановления' if self.act == 'постановление' else 'распоряжения'} "
                               f"возложить на заместителя Председателя {self.issuer_genitive}.", "justify"))
            position = self.region.head_title
        blocks.append(Para("3. Настоящий документ вступает в силу со дня его подписания.", "justify"))
        self.signer = self.pick(V.OFFICIAL_NAMES)
        self.position = position
        blocks.append(Para(f"{position}{' ' * 30}{self.signer}"))
        return blocks

    # -- the annex --------------------------------------------------------------------------------
    def _annex(self) -> list:
        g = self.region.genitive
        by = {"постановление": "постановлением", "распоряжение": "распоряжением", "приказ": "приказом"}[self.act]
        to = {"постановление": "постановлению", "распоряжение": "распоряжению", "приказ": "приказу"}[self.act]
        self._org(self.issuer, "government" if self.act != "приказ" else "ministry", self.issuer_genitive)
        if self.chance(0.5):
            stamp = [Para("УТВЕРЖДЕН", "right"), Para(f"{by} {self.issuer_genitive}", "right")]
        else:
            stamp = [Para("Приложение", "right"), Para(f"к {to} {self.issuer_genitive}", "right")]
        stamp.append(Para(f"от {self._date_text()} № {self.number}", "right"))
        tables = self._tables()
        wide = max(t.ncols for t in tables if isinstance(t, Grid)) > 6
        blocks: list = [Section(landscape=wide), *stamp, Para(self.title, "center", True)]
        blocks.append(Para(f"Цель комплекса мер: повышение качества жизни семей с детьми, проживающих на территории {g}, "
                           f"и снижение числа семей, находящихся в трудной жизненной ситуации.", "justify"))
        if self.tasks and self.chance(0.35):
            self.kind("tasks_in_prose")
            blocks.append(Para("Задачи комплекса мер:", "justify"))
            blocks += [Para(f"Задача {t.number}. {t.title}.", "justify") for t in self.tasks]
        blocks.append(Para(f"Срок реализации комплекса мер: {self.period_text}.", "justify"))
        return blocks + tables

    def _scale_line(self, scale: Scale) -> Para:
        return Para(self.pick([f"({scale.words})", scale.words, f"({scale.words})"]), "right")

    def _tables(self) -> list:
        """The annex's tables with their captions, filling the expected funding as they print."""
        out: list = []
        caption = self.pick(["Перечень мероприятий комплекса мер", "План мероприятий", "Мероприятия комплекса мер"])
        sections = self._sections()
        if self.separate_funding:
            out += [Para(caption, "center", True), self._measure_table(sections, self.scale, money=False,
                                                                       measures=True, grand=False)]
            out.append(Para(self.pick(["Финансовое обеспечение комплекса мер",
                                       "Объем финансирования мероприятий комплекса мер"]), "center", True))
            if self.scale.where == "line":
                out.append(self._scale_line(self.scale))
            out.append(self._measure_table(sections, self.scale, money=True, measures=False, grand=self.grand_total))
        elif self.several:
            cut = max(1, len(sections) // 2)
            second_scale = (self._draw_scale(avoid=self.scale.name) if self.mixed_scale else self.scale)
            if self.mixed_scale:
                self._rescale(sections[cut:], second_scale)
                self.kind(f"scale:{second_scale.name}", f"decimals:{second_scale.decimals}")
            for part, (chunk, scale) in enumerate(((sections[:cut], self.scale), (sections[cut:], second_scale))):
                out.append(Para(caption if part == 0 else f"{caption} (продолжение)", "center", True))
                if scale.where == "line":
                    out.append(self._scale_line(scale))
                out.append(self._measure_table(chunk, scale, money=True, measures=True,
                                               grand=self.grand_total and part == 1, all_sections=sections))
        else:
            out.append(Para(caption, "center", True))
            if self.scale.where == "line":
                out.append(self._scale_line(self.scale))
            out.append(self._measure_table(sections, self.scale, money=True, measures=True, grand=self.grand_total))
        if self.sources_table:
            out += self._sources_table()
        out += self._indicator_tables()
        return out

    def _rescale(self, sections, new: Scale) -> None:
        """Measures of a second table printed in another scale: draw their amounts anew in it."""
        lo, hi = (300_000, 30_000_000) if new.name == "million" else (20_000, 3_000_000)
        for section in sections:
            for m in section[1]:
                m.payer.leaves = {k: (0 if v == 0 else new.draw(self.rng, lo, hi) // (4 if k[1] else 1) or 1)
                                  for k, v in m.payer.leaves.items()}
                for (y, q, b, s), v in list(m.payer.leaves.items()):
                    if b == "fact":
                        plan = m.payer.leaves[(y, q, "plan", s)]
                        m.payer.leaves[(y, q, b, s)] = min(v, plan)

    def _sections(self) -> list[tuple[Task | None, list[Measure]]]:
        if self.flat:
            return [(None, self.measures[:len(self.measures) // 2]), (None, self.measures[len(self.measures) // 2:])]
        return [(t, t.measures) for t in self.tasks]

    # -- measures / funding tables ----------------------------------------------------------------
    def _columns(self, scale: Scale, money: bool, measures: bool) -> list[Column]:
        L = self.labels
        cols = []
        if self.code_col:
            cols.append(Column("code", [L["code"]], 0.7))
        cols.append(Column("title", [L["title"]], 4.5))
        groups: dict[str, list[Column]] = {}
        if measures:
            if self.deadline_split:
                s, e = L["start_end"]
                groups["deadline"] = [Column("start", [L["deadline"], s], 1.2), Column("end", [L["deadline"], e], 1.2)]
            else:
                groups["deadline"] = [Column("deadline", [L["deadline"]], 1.5)]
            groups["executors"] = [Column("executors", [L["executors"]], 3.0)]
            if self.result_col:
                groups["result"] = [Column("result", [L["result"]], 2.5)]
        if money:
            groups["money"] = self._money_columns(scale)
            if measures and self.year_column:
                groups["money"].insert(0, Column("year", [self.year_column_label], 0.9))
            if not measures and self.layout in ("years_rows", "years_rows_sources"):
                groups["deadline"] = [Column("deadline", [self.pick(["Год", "Годы реализации", L["deadline"]])], 1.0)]
        if not hasattr(self, "group_order"):
            self.group_order = ["deadline", "executors", "result", "money"]
            if self.shuffled:
                self.rng.shuffle(self.group_order)
        for name in self.group_order:
            cols += groups.get(name, [])
        return cols

    def _money_columns(self, scale: Scale) -> list[Column]:
        lay = self.layout
        cols: list[Column] = []
        if lay == "source_rows_column":
            cols.append(Column("srclabel", [self.labels["srclabel"]], 2.0))
        caption = self.money_caption
        if scale.where == "caption":
            caption = (caption or V.MONEY_CAPTIONS[0]) + self.pick([f", {scale.words}", f" ({scale.words})"])
        prefix = [caption] if caption else []
        money: list[tuple[list[str], MoneyCol]] = []
        if lay in ("years_rows",):
            money.append(([caption or "Объем финансирования"], MoneyCol()))
        elif self.year_labels:
            money.append(([caption or "Объем финансирования по годам"], MoneyCol(by_year=True)))
        elif lay in ("years_rows_sources", "source_cols"):
            total_label = self.total_label if caption else "Объем финансирования - всего"
            money.append((prefix + [total_label], MoneyCol()))
            sub = prefix + ([self.source_caption] if self.source_caption else [])
            for s in self.sources:
                money.append((sub + [self.short_labels[s]], MoneyCol(source=s, label=self.short_labels[s])))
        else:
            for y in self.years:
                ylabel = self.year_label.format(y=y)
                if y in self.quarter_years:
                    parts = [(prefix + [ylabel, self.quarter_labels[q - 1]], MoneyCol(y, q)) for q in range(1, 5)]
                    whole = (prefix + [ylabel, self.pick(["всего", "год", "итого"])], MoneyCol(y))
                    money += [whole] + parts if self.quarter_total_first else parts + [whole]
                elif self.planfact:
                    money.append((prefix + [ylabel, "план"], MoneyCol(y)))
                    money.append((prefix + [ylabel, self.fact_label], MoneyCol(y, basis="fact")))
                else:
                    money.append((prefix + [ylabel], MoneyCol(y)))
            if self.total_pos:
                label = self.total_label
                if self.year_range:
                    label = self.pick_once("range_label", [f"{self.years[0]}{d}{self.years[-1]} {w}"
                                                           for d in ("–", "-") for w in ("годы", "гг.")])
                total = (prefix + [label], MoneyCol())
                money = [total] + money if self.total_pos == "first" else money + [total]
        if scale.where == "first":
            path = money[0][0]
            path[-1] = f"{path[-1]}, {scale.words}"
        width = 1.1 if len(money) < 8 else 0.9
        cols += [Column("money", path, width, mc) for path, mc in money]
        return cols

    def _measure_table(self, sections, scale: Scale, money: bool, measures: bool, grand: bool,
                       all_sections=None) -> Grid:
        cols = self._columns(scale, money, measures)
        grid = Grid(len(cols), [c.width for c in cols], repeat_header=self.repeat_header, borders=self.borders)
        self._header(grid, cols)
        ci = {c.role: i for i, c in enumerate(cols) if c.role != "money"}
        for task, items in sections:
            if task is not None and self.headings != "none":
                if self.task_amounts and money:
                    self._heading_with_amounts(grid, cols, ci, task, items, scale)
                else:
                    self._heading_row(grid, cols, ci, task)
            for m in items:
                self._group(grid, cols, ci, m.payer, scale, money, measure=m if measures else None,
                            title=m.title, code=m.printed_code)
            if task is not None and self.subtotals and money:
                sub = Payer("subtotal", None, task.code, task.total_label)
                for m in items:
                    add_leaves(sub.leaves, m.payer.leaves)
                sub.all_row = len(sub.sources(self.sources)) > 1
                sub.fallback_year = self.years[0]
                self._group(grid, cols, ci, sub, scale, money, title=task.total_label)
        if grand and money:
            label = self.pick(["Итого по комплексу мер", "ВСЕГО", "Итого", "Всего по комплексу мер",
                               "ИТОГО по комплексу мер:"])
            total = Payer("total", None, None, label)
            for _, items in (all_sections or sections):
                for m in items:
                    add_leaves(total.leaves, m.payer.leaves)
            total.all_row = len(total.sources(self.sources)) > 1
            total.fallback_year = self.years[0]
            self._group(grid, cols, ci, total, scale, money, title=label)
        return grid

    def _header(self, grid: Grid, cols: list[Column]) -> None:
        depth = max(len(c.path) for c in cols)
        start = grid.add_rows(depth)
        paths = [c.path for c in cols]
        done = set()
        for c, path in enumerate(paths):
            for level, label in enumerate(path):
                if (level, c) in done:
                    continue
                end = c
                while end + 1 < len(paths) and paths[end + 1][:level + 1] == path[:level + 1]:
                    end += 1
                rowspan = depth - level if level == len(path) - 1 else 1
                for cc in range(c, end + 1):
                    done.add((level, cc))
                grid.put(start + level, c, label, colspan=end - c + 1, rowspan=rowspan)
        if self.numbering != "none":
            r = grid.add_rows(1)
            n = 0
            for c in range(grid.ncols):
                n += 2 if self.numbering == "gaps" and c > 1 and self.chance(0.3) else 1
                grid.put(r, c, str(n))
            if self.numbering == "gaps" and n == grid.ncols:  # at least one gap
                grid.put(r, grid.ncols - 1, str(n + 2))
        grid.header_rows = len(grid.rows)

    def _heading_row(self, grid: Grid, cols, ci, task: Task) -> None:
        r = grid.add_rows(1)
        bold = self.txt_bold
        if self.headings.endswith("code_col"):
            grid.put(r, ci["code"], task.heading_code, bold=bold)
            grid.put(r, ci["title"], task.heading, bold=bold)
            return
        first = ci["title"] if self.heading_from_title else 0
        grid.put(r, first, task.heading, colspan=grid.ncols - first, bold=bold)

    def _heading_with_amounts(self, grid: Grid, cols, ci, task: Task, items: list[Measure], scale: Scale) -> None:
        """The task's heading row printing the task's amounts in the money columns (its subtotal)."""
        sub = Payer("subtotal", None, task.code, task.heading)
        for m in items:
            add_leaves(sub.leaves, m.payer.leaves)
        sub.all_row = len(sub.sources(self.sources)) > 1
        sub.fallback_year = self.years[0]
        code = task.heading_code if self.headings.endswith("code_col") else ""
        self._group(grid, cols, ci, sub, scale, True, title=task.heading, code=code, heading=True)

    def _contexts(self, payer: Payer, money: bool) -> list[RowCtx]:
        lay = self.layout
        if not money:
            return [RowCtx()]
        if lay in ("years_rows", "years_rows_sources"):
            return [RowCtx(year=y) for y in (payer.years() or [payer.fallback_year])]
        if lay.startswith("source_rows"):
            sources = payer.sources(self.sources)
            rows = [RowCtx(source=s, label=self.row_labels[s]) for s in sources]
            if lay == "source_rows_title":
                return [RowCtx()] + rows
            if not sources:
                return [RowCtx(label=self.all_row_label)]
            if payer.all_row or len(sources) > 1:
                return [RowCtx(label=self.all_row_label)] + rows
            return rows
        return [RowCtx()]

    def _group(self, grid: Grid, cols, ci, payer: Payer, scale: Scale, money: bool,
               measure: Measure | None = None, title: str = "", code: str = "", heading: bool = False) -> None:
        ctxs = self._contexts(payer, money)
        k = len(ctxs)
        r0 = grid.add_rows(k)
        span = k if self.vmerge and k > 1 else 1
        if k > 1 and self.vmerge:
            self.kind("docx:vmerge_body")
        is_total = payer.kind != "measure"
        title_rows = self.layout == "source_rows_title" and money
        title_text = title
        if not is_total and self.codes_in_title:
            title_text = f"{code} {title}" if code.endswith(".") else f"{code}. {title}"
        for c, col in enumerate(cols):
            role = col.role
            if grid.rows[r0][c] is None:
                if role == "title" and title_rows:
                    for i, ctx in enumerate(ctxs[1:], 1):
                        grid.put(r0 + i, c, ctx.label)
                continue
            if role == "code":
                if heading and code:
                    grid.put(r0, c, code, rowspan=span, bold=self.txt_bold)
                elif (heading or is_total and self.total_merge) and ci.get("title") == c + 1:
                    grid.put(r0, c, title, colspan=2, rowspan=1 if title_rows else span, bold=self.txt_bold)
                else:
                    grid.put(r0, c, "" if is_total else code, rowspan=span)
            elif role == "title":
                if title_rows:
                    grid.put(r0, c, title_text, bold=is_total and self.txt_bold)
                    for i, ctx in enumerate(ctxs[1:], 1):
                        grid.put(r0 + i, c, ctx.label)
                else:
                    grid.put(r0, c, title_text, rowspan=span, bold=is_total and self.txt_bold)
            elif role == "year" or (role == "deadline" and money and not self.year_column
                                    and self.layout in ("years_rows", "years_rows_sources")):
                for i, ctx in enumerate(ctxs):
                    grid.put(r0 + i, c, self.row_year_label.format(y=ctx.year))
            elif role in ("deadline", "start", "end", "executors", "result"):
                text = ""
                if measure is not None:
                    if role == "deadline":
                        text = measure.deadline
                    elif role in ("start", "end"):
                        text = measure.deadline_parts[0 if role == "start" else 1]
                    elif role == "result":
                        text = measure.result
                    else:
                        text = self._executor_paras(measure)
                grid.put(r0, c, text, rowspan=span)
            elif role == "srclabel":
                for i, ctx in enumerate(ctxs):
                    grid.put(r0 + i, c, ctx.label or "")
            elif role == "money":
                for i, ctx in enumerate(ctxs):
                    grid.put(r0 + i, c, self._money_cell(payer, col.money, ctx, scale))
        if measure is not None and money and self.layout in ("years_rows", "years_rows_sources") \
                and not self.year_column:
            measure.deadline = self.row_year_label.format(y=ctxs[0].year)

    def _executor_paras(self, m: Measure):
        if self.executor_join == "paras":
            return list(m.printed_executors)
        return self.executor_join.join(m.printed_executors)

    # -- one money cell: its printed text and the funding rows it gives -----------------------------
    def _money_cell(self, payer: Payer, col: MoneyCol, ctx: RowCtx, scale: Scale) -> list[str]:
        if col.by_year:
            cell = self._year_labelled_cell(payer, scale)
            if cell is not None:
                return cell
        year = col.year if ctx.year is None else ctx.year
        source = col.source if col.source is not None else ctx.source
        key = (year, col.quarter, col.basis, source)
        value = payer.agg(*key)
        label = col.label if col.source is not None else (ctx.label if ctx.source is not None else "Всего")
        if value is None:
            if self.empty_mark != "0":
                return [self.empty_mark] if self.empty_mark else []
            value = 0
        if self.layout == "years_split" and payer.kind == "measure" and source is None:
            split = self._split_cell(payer, key, value, scale)
            if split is not None:
                return split
        self._fund(payer, key, source or "all", label, scale.rub(value))
        return [self._amount_text(value, scale)]

    def _year_labelled_cell(self, payer: Payer, scale: Scale) -> list[str] | None:
        """«2019 г. – 100,0; 2020 г. – 120,0»: each year's amount labelled inside the one money cell
        (None when the payer has no amount in any year: the cell is then printed as an empty one)."""
        parts = []
        for y in self.years:
            value = payer.agg(y, None, "plan", None)
            if value is not None:
                self._fund(payer, (y, None, "plan", None), "all", "Всего", scale.rub(value))
                parts.append(self.year_cell_label.format(y=y, a=self._amount_text(value, scale)))
        if not parts:
            return None
        return parts if self.year_cell_paras else ["; ".join(parts)]

    def _amount_text(self, value: int, scale: Scale) -> str:
        """An amount as the cell prints it: in the table's scale, or with the cell's own unit."""
        if not self.cell_units or value == 0:
            return scale.fmt(value)
        rub = scale.rub(value)
        units = []
        for name, factor in (("million", Decimal(1_000_000)), ("thousand", Decimal(1000))):
            shown = rub / factor
            if shown >= 1 and -shown.normalize().as_tuple().exponent <= 3:
                units.append(name)
        if self.scale.where != "none":
            units.append(None)  # a bare number: roubles, as the heading says
        units.append("rub")
        weights = {"million": 6, "thousand": 6, None: 2, "rub": 1}
        unit = self.variant_rng.choices(units, [weights[u] for u in units])[0]
        if unit is None:
            return scale.fmt(value)
        factor = SCALES[unit][0]
        shown = rub / factor
        decimals = 0 if unit == "rub" else max(1, -shown.normalize().as_tuple().exponent)
        text = Scale(unit, decimals, scale.group, "", "").fmt(int(shown.scaleb(decimals)))
        return f"{text} {self.unit_words[unit]}"

    def _split_cell(self, payer: Payer, key, total: int, scale: Scale) -> list[str] | None:
        year, quarter, basis, _ = key
        parts = [(s, payer.agg(year, quarter, basis, s)) for s in payer.sources(self.sources)]
        parts = [(s, v) for s, v in parts if v is not None]
        styles = [s for s in self.split_styles if (s == "single_source") == (len(parts) == 1)]
        if not parts or not styles or not self.chance(0.75):
            return None
        style = self.pick(styles)
        lab = self.short_labels
        f = scale.fmt
        if style == "single_source":
            s, v = parts[0]
            self._fund(payer, key, s, lab[s], scale.rub(v))
            return [self.pick([f"{f(v)} {lab[s]}", f"{f(v)} ({lab[s]})"])]
        if style == "no_total":
            for s, v in parts:
                self._fund(payer, key, s, lab[s], scale.rub(v))
            return ["; ".join(f"{f(v)} ({lab[s]})" for s, v in parts)]
        self._fund(payer, key, "all", "Всего", scale.rub(total))
        for s, v in parts:
            self._fund(payer, key, s, lab[s], scale.rub(v))
        if style == "label_first":
            return [f"{f(total)}, в том числе: " + "; ".join(f"{lab[s]} – {f(v)}" for s, v in parts)]
        if style == "amount_first":
            return [f"{f(total)}, в том числе " + "; ".join(f"{f(v)} {lab[s]}" for s, v in parts)]
        return [f(total), "в том числе:"] + [f"{lab[s]} – {f(v)}" for s, v in parts]

    def _fund(self, payer: Payer, key, source: str, label: str, amount: Decimal) -> None:
        year, quarter, basis, _ = key
        row = {"measure_code": payer.code if payer.kind == "measure" else None}
        if payer.kind == "subtotal":
            row["task_code"] = payer.task_code
        row["year"] = year
        if quarter:
            row["period"] = f"{year}-Q{quarter}"
        if basis != "plan":
            row["basis"] = basis
        label = label.rstrip(":").replace(", в том числе", "").replace(", в т.ч.", "").strip()
        row.update(source=source, source_label=label, amount_rub=as_json_number(amount))
        self.funding.append(row)

    # -- the resource table by source -----------------------------------------------------------------
    def _sources_table(self) -> list:
        """«Источники финансирования» down the rows («Всего, в том числе:», then each source), «Всего»
        and the years across: the document's totals by source and year, and nothing by measure."""
        scale = self.scale
        total = Payer("total", None, None, "Всего")
        for m in self.measures:
            add_leaves(total.leaves, m.payer.leaves)
        years = list(self.years)
        by_year = {y: total.agg(y, None, "plan", None) for y in years}
        if all(v is None for v in by_year.values()):
            self.kinds.discard("layout:sources_table")
            return []
        if self.sources == ["all_sources"]:
            parts, labels = self._invented_split(by_year)
        else:
            present = total.sources(self.sources)
            parts = {s: {y: total.agg(y, None, "plan", s) for y in years} for s in present}
            labels = {s: self.short_labels[s] for s in present}
        all_label = self.vpick(["Всего, в том числе:", "Всего, в том числе:", "Всего по комплексу мер, в том числе:",
                                "Всего, в т.ч.:"])
        out: list = [Para(self.vpick(["Ресурсное обеспечение комплекса мер", "Объем и источники финансирования "
                                      "комплекса мер", "Финансовое обеспечение реализации комплекса мер"]),
                          "center", True)]
        caption = self.vpick(["Объем финансирования", "Объем финансирования по годам", None])
        if scale.where == "caption":
            caption = (caption or "Объем финансирования") + f" ({scale.words})"
        elif scale.where == "line":
            out.append(Para(self.vpick([f"({scale.words})", scale.words]), "right"))
        prefix = [caption] if caption else []
        total_label = self.vpick(["Всего", "всего", "Всего за период"])
        if scale.where == "first":
            total_label += f", {scale.words}"
        cols = [Column("srclabel", ["Источники финансирования"], 3.0), Column("money", prefix + [total_label], 1.2)]
        cols += [Column("money", prefix + [self.year_label.format(y=y)], 1.1) for y in years]
        grid = Grid(len(cols), [c.width for c in cols], repeat_header=self.repeat_header, borders=self.borders)
        saved, self.numbering = self.numbering, "none"
        self._header(grid, cols)
        self.numbering = saved
        rows = [("all", all_label, by_year)] + [(s, labels[s], parts[s]) for s in parts]
        for source, label, values in rows:
            r = grid.add_rows(1)
            grid.put(r, 0, label, bold=source == "all" and self.txt_bold)
            whole = [v for v in values.values() if v is not None]
            for c, year in enumerate([None] + years, 1):
                value = sum(whole) if year is None and whole else values.get(year)
                if value is None:
                    if self.empty_mark != "0":
                        grid.put(r, c, self.empty_mark)
                        continue
                    value = 0
                self._fund(total, (year, None, "plan", None), source, label, scale.rub(value))
                grid.put(r, c, self._amount_text(value, scale))
        out.append(grid)
        return out

    def _invented_split(self, by_year: dict) -> tuple[dict, dict]:
        """A split by source of each year's total, for orders whose measures print no sources."""
        adj = self.region.budget_adjective
        chosen = ["federal_budget", "regional_budget"] if self.vchance(0.6) else ["regional_budget"]
        if self.vchance(0.6):
            chosen.append("extrabudgetary")
        if self.vchance(0.2):
            chosen.insert(chosen.index("regional_budget") + 1, "local_budget")
        labels = {"federal_budget": "федеральный бюджет", "regional_budget": f"{adj} бюджет",
                  "local_budget": self.vpick(["местный бюджет", "местные бюджеты"]),
                  "extrabudgetary": self.vpick(["внебюджетные источники", "внебюджетные средства"])}
        shares = {"federal_budget": (0.3, 0.7), "local_budget": (0.03, 0.1), "extrabudgetary": (0.02, 0.12)}
        step = 100 if self.cell_units else 1  # amounts stay in whole hundreds of roubles
        parts = {s: {} for s in chosen}
        for y, whole in by_year.items():
            rest = whole
            for s in chosen:
                if s == "regional_budget" or whole is None:
                    continue
                if whole == 0 or self.vchance(0.15):
                    parts[s][y] = 0 if whole == 0 else None
                    continue
                part = int(whole * self.variant_rng.uniform(*shares[s]))
                parts[s][y] = part - part % step
                rest -= parts[s][y]
            parts["regional_budget"][y] = rest
        return parts, {s: labels[s] for s in chosen}

    # -- indicators -------------------------------------------------------------------------------
    def _indicator_tables(self) -> list:
        self.indicators: list[dict] = []
        if not self.chance(0.6):
            return []
        self.kind("indicators")
        rng = self.rng
        code_mode = self.pick(["labelled", "labelled", "unlabeled", "none"])
        self.kind(f"indicators:code_{code_mode}")
        chosen = rng.sample(V.INDICATORS, 1 if code_mode == "none" else rng.randint(2, 6))
        two = code_mode != "none" and len(chosen) >= 4 and self.chance(0.3)
        if two:
            self.kind("indicators:two_tables")
        periods_kind = self.pick(["years", "years", "years", "quarters", "halves"])
        if periods_kind == "halves" and len(self.years) > 2:
            periods_kind = "years"
        self.kind(f"indicators:periods_{periods_kind}")
        base = self.chance(0.5)
        if base:
            self.kind("indicators:base")
        caption = self.pick(V.INDICATOR_CAPTIONS) if self.chance(0.6) else None
        numbering = self.pick(["none", "full", "gaps"])
        code_label = "" if code_mode == "unlabeled" else self.pick([l for l in V.INDICATOR_CODE_LABELS if l])
        two_codes = code_mode == "labelled" and self.vchance(0.4)
        if two_codes:  # «№ п/п», then «Код показателя» («П-01»): the code is the «№ п/п»
            self.kind("indicators:two_codes")
            code_label = code_label if "п" in code_label else "№ п/п"
            second_label = self.vpick(["Код показателя", "Код индикатора", "Код целевого показателя"])
            second_code = self.vpick(["П-{n:02d}", "ЦП-{n}", "П{n:02d}", "ЦИ-{n:02d}"])
            second_start = self.vpick([1, 1, 3, 11])
        labels = (self.pick(V.INDICATOR_TITLE_LABELS), self.pick(V.UNIT_LABELS))
        periods = self._indicator_periods(periods_kind)
        base_header, base_date = self.pick([
            ("Базовое значение", None), (f"Базовое значение ({self.years[0] - 1} год)", None),
            (f"Значение на 01.01.{self.years[0]}", f"{self.years[0]}-01-01"),
        ])
        dot = self.chance(0.4)
        parts = [chosen[:len(chosen) // 2], chosen[len(chosen) // 2:]] if two else [chosen]
        out: list = []
        n = 0
        for part in parts:
            out.append(Para(self.pick(V.INDICATOR_TABLE_TITLES), "center", True))
            cols = []
            if code_mode != "none":
                cols.append(Column("code", [code_label], 0.6))
            if two_codes:
                cols.append(Column("code2", [second_label], 0.8))
            cols += [Column("title", [labels[0]], 4.5), Column("unit", [labels[1]], 1.2)]
            if base:
                cols.append(Column("base", [base_header], 1.2))
            for label, _ in periods:
                cols.append(Column("value", ([caption] if caption else []) + [label], 1.0))
            grid = Grid(len(cols), [c.width for c in cols], repeat_header=self.repeat_header, borders=self.borders)
            saved = self.numbering
            self.numbering = numbering
            self._header(grid, cols)
            self.numbering = saved
            for title, unit, kind in part:
                n += 1
                code = str(n) if code_mode != "none" else None
                values = self._indicator_values(kind, len(periods) + 1)
                r = grid.add_rows(1)
                c = 0
                if code is not None:
                    grid.put(r, 0, f"{code}." if dot else code)
                    c = 1
                if two_codes:
                    grid.put(r, 1, second_code.format(n=n + second_start - 1))
                    c = 2
                grid.put(r, c, title)
                grid.put(r, c + 1, unit)
                c += 2
                base_printed = values.pop(0)
                if base:
                    grid.put(r, c, base_printed)
                    c += 1
                record_values = []
                for (label, period), printed in zip(periods, values):
                    grid.put(r, c, printed)
                    c += 1
                    if printed not in ("–", "-", ""):
                        record_values.append({"period": period, "value": _indicator_value(printed)})
                self.indicators.append({
                    "code": code, "title": title, "unit": unit,
                    "base_value": _indicator_value(base_printed) if base and base_printed not in ("–", "-", "") else None,
                    "base_date": base_date if base else None, "values": record_values,
                })
            out.append(grid)
        return out

    def _indicator_periods(self, kind: str) -> list[tuple[str, str]]:
        ys = self.years
        if kind == "quarters":
            labels = self.pick([["I кв. {y}", "II кв. {y}", "III кв. {y}", "IV кв. {y}"],
                                ["I квартал {y} г.", "II квартал {y} г.", "III квартал {y} г.", "IV квартал {y} г."]])
            out = [(label.format(y=ys[0]), f"{ys[0]}-Q{q}") for q, label in enumerate(labels, 1)]
            return out + [(self.year_label.format(y=y).replace("на ", ""), str(y)) for y in ys[1:]]
        if kind == "halves":
            return [(f"{h} полугодие {y} г.", f"{y}-H{i}") for y in ys for i, h in ((1, "I"), (2, "II"))]
        label = self.pick(["{y} год", "{y}", "{y} г."])
        return [(label.format(y=y), str(y)) for y in ys]

    def _indicator_values(self, kind: str, count: int) -> list[str]:
        rng = self.rng
        if kind == "pct":
            start = rng.uniform(5, 60)
            vals = [start + i * rng.uniform(0.5, 6) for i in range(count)]
            decimals = self.pick([0, 1, 1])
            out = [f"{v:.{decimals}f}".replace(".", ",") for v in vals]
        elif kind == "small":
            start = rng.randint(0, 10)
            out = [str(start + i * rng.randint(0, 4)) for i in range(count)]
        else:
            start = rng.randint(40, 30000)
            group = self.chance(0.5)
            vals = [int(start * (1 + i * rng.uniform(0.02, 0.2))) for i in range(count)]
            out = [f"{v:,}".replace(",", " ") if group else str(v) for v in vals]
        if self.chance(0.2):
            out[rng.randint(1, count - 1)] = self.pick(["–", "-"])
        return out

    # -- the expected export ----------------------------------------------------------------------
    def _truth(self) -> dict:
        y, m, d = self.date
        keys = set()
        for row in self.funding:
            key = (row["measure_code"], row.get("task_code"), row["year"], row.get("period"), row.get("basis"),
                   row["source"])
            if key in keys:
                raise AssertionError(f"order {self.index}: the funding key {key} is printed twice")
            keys.add(key)
        return {
            "schema_version": 1,
            "source_file": f"gen_{self.index:03d}.txt",
            "kinds": sorted(self.kinds),
            "document": {
                "title": self.title, "doc_type": self.act, "doc_number": self.number,
                "doc_date": f"{y:04d}-{m:02d}-{d:02d}", "region": self.region.name,
                "region_code": self.region.code, "municipality": None,
                "period_start": self.years[0], "period_end": self.years[-1], "issuers": [self.issuer],
            },
            "organizations": list(self.orgs.values()),
            "tasks": [{"code": t.code, "title": t.title} for t in self.tasks],
            "measures": [{"code": mm.code, "task_code": mm.task_code, "title": mm.title, "deadline": mm.deadline,
                          "executors": mm.executors, "expected_result": mm.result} for mm in self.measures],
            "funding": self.funding,
            "indicators": self.indicators,
            "target_groups": [],
            "signatories": [{"name": self.signer, "position": self.position, "organization": self.issuer}],
            "issues": [],
        }


def _indicator_value(printed: str) -> str:
    return "".join(printed.split()).replace(",", ".")


def make_order(index: int, seed: int = 12) -> Order:
    """Order number `index` of the corpus drawn with `seed`."""
    return _Maker(index, seed).make()


def make_orders(n: int = 40, seed: int = 12) -> list[Order]:
    """`n` orders whose kinds combinations all differ: an order whose combination repeats an earlier
    one is drawn again from the next stream."""
    orders, seen = [], set()
    for index in range(n):
        attempt = 0
        while True:
            order = _Maker(index, seed + 1000 * attempt).make() if attempt else make_order(index, seed)
            combo = tuple(order.kinds)
            if combo not in seen or attempt > 20:
                break
            attempt += 1
        seen.add(combo)
        orders.append(order)
    return orders
