"""What each column of a table holds, read from its headings.

The chain, per table: `header_rows → column_tree → column_paths → column_dimensions`.
Multi-row headings become a tree (a merged caption spans its children); each
column's path from the root is classified by the lexicon into a role (code, title,
executor, deadline, …) or, for a number column, its dimensions (year, part of the
year, plan or fact, source, total, scale). Tables are recognised by what their
headings say, never by position or document.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

from models.layout import Cell, LogicalTable
from normalizers import lexicon
from normalizers.codes import parse_code
from normalizers.periods import parse_period_label, part_number, repair_periods
from normalizers.sources import classify_source, source_label
from normalizers.text import clean


@dataclass
class HeaderNode:
    """One heading cell: the columns it spans and the headings printed under it."""

    text: str
    first: int
    last: int
    children: list[HeaderNode] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    """One column: its heading path, role and, for number columns, the dimensions."""

    index: int
    path: tuple[str, ...]
    role: str | None  # lexicon.COLUMN_ROLES, "title", "amount", "value", "ambiguous"; None when unknown
    year: int | None = None
    period: str | None = None  # YYYY-Q1…Q4, YYYY-H1/H2, YYYY-9M
    basis: str = "plan"
    source: str = "all"
    source_label: str = "Всего"
    scale: Decimal = Decimal(1)

    @property
    def label(self) -> str:
        return " / ".join(self.path)


@dataclass
class Columns:
    """A table's columns by role, and the kind of table they make."""

    kind: str  # measures | funding | indicators | other
    columns: list[Column]

    def first(self, role: str) -> int | None:
        return next((c.index for c in self.columns if c.role == role), None)

    def of(self, *roles: str) -> list[Column]:
        return [c for c in self.columns if c.role in roles]

    @property
    def code(self) -> int | None:
        return self.first("code")

    @property
    def title(self) -> int | None:
        return self.first("title")


def read_columns(table: LogicalTable) -> Columns:
    """Every column's role and dimensions, and the table's kind."""
    paths = column_paths(column_tree(header_rows(table)), table.n_cols)
    columns = column_dimensions(paths, table)
    return Columns(_kind(columns), columns)


# --------------------------------------------------------------------------- header_rows

def header_rows(table: LogicalTable) -> list[list[Cell]]:
    """The heading rows, as the logical-table stage separated them (column-number rows
    dropped, captions a text conversion printed once extended over their columns)."""
    return table.header


# --------------------------------------------------------------------------- column_tree

def column_tree(header: list[list[Cell]]) -> list[HeaderNode]:
    """The headings as a tree: each cell a node over the columns it spans, a cell of the
    row below that lies within it a child. A cell spanning rows is one node."""
    roots: list[HeaderNode] = []
    above: list[HeaderNode | None] = []
    for row in header:
        here: list[HeaderNode | None] = []
        k = 0
        while k < len(row):
            cell, last = row[k], k
            while last + 1 < len(row) and row[last + 1] is cell:
                last += 1
            parent = above[k] if k < len(above) else None
            if parent is not None and parent.first == k and parent.last == last and _same_cell(parent, cell):
                node = parent  # a cell spanning this row too: the node goes on
            else:
                node = HeaderNode(clean(cell.text), k, last)
                (parent.children if parent is not None else roots).append(node)
            here += [node] * (last - k + 1)
            k = last + 1
        above = here
    return roots


def _same_cell(node: HeaderNode, cell: Cell) -> bool:
    return not cell.text.strip() or node.text == clean(cell.text)


def column_paths(tree: list[HeaderNode], n_cols: int) -> list[tuple[str, ...]]:
    """Each column's headings from the root down, empty ones and repeats left out."""
    paths: list[list[str]] = [[] for _ in range(n_cols)]

    def visit(node: HeaderNode) -> None:
        for k in range(node.first, min(node.last, n_cols - 1) + 1):
            if node.text and (not paths[k] or paths[k][-1] != node.text):
                paths[k].append(node.text)
        for child in node.children:
            visit(child)

    for root in tree:
        visit(root)
    return [tuple(p) for p in paths]


# --------------------------------------------------------------------------- column_dimensions

def column_dimensions(paths: list[tuple[str, ...]], table: LogicalTable) -> list[Column]:
    """A role for every column from its path; number columns get their dimensions."""
    heading_text = " ".join(" ".join(p) for p in paths)
    table_scale = _scale(heading_text) or _scale(table.caption) or Decimal(1)
    roles = [_role(path) for path in paths]
    money = _is_money_table(roles, heading_text, table.caption)
    columns = []
    for k, (path, role) in enumerate(zip(paths, roles)):
        if role == "number":
            columns.append(_number_column(k, path, money, table_scale))
        else:
            columns.append(Column(k, path, role))
    return _ambiguous_amounts(_repaired_value_periods(_roles_from_content(_year_column(columns, table), table)))


def _repaired_value_periods(columns: list[Column]) -> list[Column]:
    """An indicator table's period headings with a misread one mended from its
    neighbours («Н кв. 2021» between quarters is a quarter: normalizers.periods)."""
    values = [c for c in columns if c.role == "value" and c.year]
    repaired = repair_periods([c.period or str(c.year) for c in values])
    for c, period in zip(values, repaired):
        if period != (c.period or str(c.year)) and lexicon.PART_WORD.search(c.path[-1]):  # a part heading misread
            columns[c.index] = replace(c, year=int(period[:4]), period=period if "-" in period else None)
    return columns


def _ambiguous_amounts(columns: list[Column]) -> list[Column]:
    """Amount columns whose headings give the same year, part, basis and source cannot
    be told apart (a heading the reader could not read): all but the first are marked
    «ambiguous», and their cells become issues instead of amounts stored twice."""
    seen: set[tuple] = set()
    out = []
    for c in columns:
        key = (c.year, c.period, c.basis, c.source)
        if c.role == "amount" and key in seen:
            c = replace(c, role="ambiguous")
        elif c.role == "amount":
            seen.add(key)
        out.append(c)
    return out


def _role(path: tuple[str, ...]) -> str | None:
    """A column's role from its deepest heading that names one: a non-number role from
    the lexicon, "number" for a column of amounts or values, or "title"."""
    for depth in range(len(path) - 1, -1, -1):
        role = _heading_role(path[depth])
        if role == "base_value" and lexicon.BASE_DATE.search(path[-1]):
            return "base_date"
        if role:
            return role
    return None


def _heading_role(heading: str) -> str | None:
    for role, pattern in lexicon.COLUMN_ROLES:
        if pattern.search(heading):
            return role
    if _names_a_period(heading) or lexicon.TOTAL.search(heading) or classify_source(heading):
        return "number"
    for role, pattern in lexicon.COLUMN_ROLES_AFTER_NUMBERS:
        if pattern.search(heading):
            return role
    first_word = heading.split(maxsplit=1)[0] if heading.split() else ""
    if lexicon.TITLE_WORDS.match(first_word) or (lexicon.TITLE_WORDS.search(heading)
                                                 and not lexicon.MONEY_WORDS.search(heading)):
        return "title"
    if lexicon.MONEY_WORDS.search(heading):
        return "number"
    return None


def _names_a_period(text: str) -> bool:
    return bool(lexicon.YEAR.search(text) or lexicon.QUARTER.search(text) or lexicon.HALF_YEAR.search(text)
                or lexicon.NINE_MONTHS.search(text))


def _is_money_table(roles: list[str | None], heading_text: str, caption: str) -> bool:
    """Money when the headings or the caption speak of money, or a measures table
    (executors, deadlines) prints numbers by year; an indicator table (units) never."""
    if "unit" in roles or "base_value" in roles:
        return False
    if lexicon.MONEY_WORDS.search(heading_text) or lexicon.MONEY_WORDS.search(caption) or _scale(heading_text):
        return True
    return "number" in roles and ("executor" in roles or "deadline" in roles)


def _number_column(k: int, path: tuple[str, ...], money: bool, table_scale: Decimal) -> Column:
    year, period = _period(path)
    basis = next((b for b, pattern in lexicon.BASIS for level in path if pattern.search(level)), "plan")
    sourced = [(classify_source(level), source_label(level)) for level in path if classify_source(level)]
    source, label = sourced[-1] if sourced else ("all", "Всего")
    if not money:
        return Column(k, path, "value", year, period, basis)
    return Column(k, path, "amount", year, period, basis, source, label, _scale(" ".join(path)) or table_scale)


def _period(path: tuple[str, ...]) -> tuple[int | None, str | None]:
    """The year a column covers and the part of it («2019-Q1»), from its deepest headings;
    a heading OCR misread («И кв. 2020») as the period module reads it."""
    printed = parse_period_label(" / ".join(path))
    if printed and "-" in printed and not lexicon.QUARTER.search(path[-1]) and not lexicon.HALF_YEAR.search(path[-1]):
        return int(printed[:4]), printed
    year = None
    for level in path:
        m = lexicon.YEAR.search(level)
        if m and not lexicon.YEAR_RANGE.search(level):  # «2019–2021 годы»: the whole period, no one year
            year = int(m.group(1))
    if year is None:
        return None, None
    leaf = path[-1]
    if lexicon.QUARTER_RANGE.search(leaf):
        return year, None
    for pattern, kind in ((lexicon.QUARTER, "Q"), (lexicon.HALF_YEAR, "H")):
        m = pattern.search(leaf)
        if m:
            return year, f"{year}-{kind}{part_number(m.group(1))}"
    if lexicon.NINE_MONTHS.search(leaf):
        return year, f"{year}-9M"
    return year, None


def _scale(text: str) -> Decimal | None:
    return next((scale for scale, pattern in lexicon.SCALES if pattern.search(text or "")), None)


def _roles_from_content(columns: list[Column], table: LogicalTable) -> list[Column]:
    """Columns the headings leave unnamed: an unlabelled first column of codes is the
    code column; with a code column and no title, the column after it is the title."""
    roles = [c.role for c in columns]
    for c in columns:
        if c.role is None and "code" not in roles and _all_codes(table, c.index):
            columns[c.index] = replace(c, role="code")
            roles[c.index] = "code"
    if "title" not in roles:
        code = roles.index("code") if "code" in roles else None
        k = next((c.index for c in columns if c.role is None and (code is None or c.index > code)), None)
        if k is not None:
            columns[k] = replace(columns[k], role="title")
    return columns


def _year_column(columns: list[Column], table: LogicalTable) -> list[Column]:
    """A column that prints only years, one a row («Год», or a second «Годы реализации»
    beside the deadline): the year of each row's amounts when years are printed as rows."""
    deadlines = [c for c in columns if c.role == "deadline"]
    for c in columns:
        if (c.role is None or (c.role == "deadline" and len(deadlines) > 1)) and _all_years(table, c.index):
            columns[c.index] = replace(c, role="year")
            break
    return columns


def _all_years(table: LogicalTable, k: int) -> bool:
    texts = _column_texts(table, k)
    return len(texts) >= 2 and all(lexicon.YEAR_ONLY.match(t) for t in texts)


CODE_SHARE = 0.8  # a scan may garble one code in five without the column ceasing to be one of codes


def _all_codes(table: LogicalTable, k: int) -> bool:
    texts = _column_texts(table, k)
    codes = sum(1 for t in texts if parse_code(t) and len(t) <= 8)
    return bool(texts) and codes >= CODE_SHARE * len(texts)


def _column_texts(table: LogicalTable, k: int) -> list[str]:
    """The texts printed in column k of the body; a cell spanning in from the left (a
    heading across the row) is not the column's."""
    return [clean(row[k].text) for row in table.body
            if clean(row[k].text) and not (k and row[k] is row[k - 1])]


def _kind(columns: list[Column]) -> str:
    roles = {c.role for c in columns}
    if "value" in roles and ("title" in roles or "code" in roles):
        return "indicators"
    if "amount" in roles and ("executor" in roles or "deadline" in roles or "deadline_start" in roles):
        return "measures"
    if "amount" in roles:
        return "funding"
    if "title" in roles and ({"executor", "deadline", "deadline_start", "result"} & roles):
        return "measures"
    return "other"

