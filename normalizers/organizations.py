"""Organisations named in one order: executor cells split into names, short forms
defined by «(далее – …)» resolved, names put in the nominative, kinds assigned,
and every surface form the document prints collected as an alias.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from models.records import Organization
from normalizers.abbreviations import spell_out
from normalizers.case import in_capitals, normal_case
from normalizers.inflect import case_variants, inflect_head, to_nominative
from normalizers import lexicon
from normalizers.regions import city_mentions, find_region, region_by_code, region_mentions
from normalizers.text import capitalize_first, collapse, dehyphenate, morph

_AGREEMENT_NOTE = re.compile(r"\(\s*по\s+согласованию\s*\)", re.I)
_DEFINITION = re.compile(r"\(\s*(?:[^()]*;\s*)?далее\s*[-–—]?\s*(?P<short>[^()]+?)\s*\)", re.I)
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")
_LIST_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s+")
# Head nouns of the executive bodies of a region or municipality, as stems.
GOVERNMENT_BODIES = r"министерств|департамент|комитет|управлени|администраци|правительств|комисси|служб|отдел|агентств"
# Words that open an organisation's name (its head), as printed in any case.
ORG_HEAD = re.compile(
    r"^(?:министерств|минист|мин[а-яё]+\s|департамент|комитет|управлени|управ[аыуе]|администраци|правительств|"
    r"губернатор|фонд|учреждени|центр|организаци|отдел|комисси|служб|орган|совет|институт|университет|"
    r"школ|колледж|детск|больниц|поликлиник|приют|государствен|муниципальн|краев|областн|региональн|"
    r"федеральн|автономн|некоммерческ|общественн|социально\s+ориентированн|волонтерск|епархиальн|аппарат|кадров|"
    r"медицинск|образовательн|ресурсн|заинтересованн|учреждения|«)",
    re.I,
)
_ABBREVIATION = re.compile(r"^[А-ЯЁ]{2,}\b")


# Nouns that make a phrase an organisation («…программа», «…проект» are documents, not bodies).
_ORG_NOUN = re.compile(
    r"^(?:министерств|департамент|комитет|управлени|управ[аыуе]|администраци|правительств|губернатор|фонд|"
    r"учреждени|центр|организаци|отдел|комисси|служб|орган|совет|институт|университет|школ|колледж|дом|"
    r"больниц|поликлиник|приют|аппарат|инспекци|агентств|бюро|объединени|движени|обществ|ассоциаци|союз|"
    r"отряд|клуб|площадк|лиц)", re.I)


def starts_name(text: str) -> bool:
    """Does an organisation's name start here: a legal-form abbreviation, or a head
    word with an organisation noun among the first words?"""
    if _ABBREVIATION.match(text):
        return True
    words = re.findall(r"[А-ЯЁа-яё]+", text)[:6]
    return bool(ORG_HEAD.match(text)) and any(_ORG_NOUN.match(w) for w in words)


def _short_form_of_a_body(short: str) -> bool:
    """A short form that stands for a body («минсоцзащиты края», «ГБУ КО «Доверие»», «Фонд»),
    not for the programme or a document («комплекс мер», «Программа», «Порядок»)."""
    return names_a_body(short) or bool(re.search(r"[А-ЯЁ]{2,}", short)) or ministry_field(short.split()[0]) is not None


def names_a_body(name: str) -> bool:
    """A name that says it is a body: it starts like one, or an organisation noun or an
    abbreviation stands among its first words («Кременковский ОСЗН …», «Калужская
    областная общественная организация …»)."""
    words = re.findall(r"[А-ЯЁа-яё]+", name)[:6]
    return starts_name(name) or any(_ORG_NOUN.match(w) or re.fullmatch(r"[А-ЯЁ]{3,}", w) for w in words)


def strip_notes(name: str) -> str:
    """Drop «(по согласованию)», definitions, a trailing note in brackets, list numbers,
    stray punctuation and the words that join the next name («совместно с»)."""
    name = _AGREEMENT_NOTE.sub("", name)
    # «… организации (далее – СО НКО), осуществляющие …»: the name ends where its definition starts
    name = re.sub(r"\s*\(\s*(?:[^()]*;\s*)?далее\b[^()]*\)\s*,.*$", "", name, flags=re.I | re.S)
    name = _DEFINITION.sub("", name)
    name = _TRAILING_NOTE.sub("", name)
    name = _LIST_NUMBER.sub("", name)
    return lexicon.JOINED_WITH.sub("", collapse(name).strip(" ,;:.-–—"))


def _first_word(text: str) -> str:
    m = re.match(r"\s*([А-ЯЁа-яё]+)", text)
    return m.group(1) if m else ""


def continues_name(piece: str) -> bool:
    """A comma-separated piece that cannot start a new name: it opens with a word in
    an oblique case or a participle («туризма и …», «оставшихся без …», «созданный …»)."""
    word = _first_word(piece)
    if not word or piece.lstrip().startswith("«"):
        return False
    parses = morph().parse(word)
    if word[0].isupper():
        # «Калужской области», «Ставропольского края» wrapped onto their own line
        return parses[0].tag.POS == "ADJF" and parses[0].tag.case not in ("nomn", None)
    if any(p.tag.POS in ("PRTF", "GRND") for p in parses[:2]):
        return True
    if parses[0].tag.case == "ablt" and parses[0].tag.POS in ("ADJF", "NOUN") \
            and inflect_head(piece.strip(), "nomn", "ablt"):  # «…, образовательными организациями»: a «кем» list
        return False
    if parses[0].tag.POS == "ADJF":  # «муниципальных районов …»: an adjective not in the nominative
        return not any(p.tag.POS == "ADJF" and p.tag.case == "nomn" for p in parses)
    return parses[0].tag.case != "nomn" and not ORG_HEAD.match(piece.strip())


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split at any of `separators` that stands outside «quotes» and (parentheses). A «;»
    ends an open quote: a name printed without its closing quote ends at the list's mark."""
    pieces, quotes, parens, current = [], 0, 0, []
    for ch in text:
        if ch == ";":
            quotes = 0
        if ch == "«":
            quotes += 1
        elif ch == "»":
            quotes = 0  # «A «B» often closes both quotes at once
        elif ch == "(":
            parens += 1
        elif ch == ")":
            parens = max(0, parens - 1)
        if ch in separators and not quotes and not parens:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return pieces


# A new name starting inside a line without any separator: «… Центр «Доверие» ГБУ КО Центр …»,
# «… «Думиничский район» ОСЗН администрации …» (a digital PDF runs a cell's lines together).
_RUN_ON_NAME = re.compile(r"(?<=[»\w])\s+(?=" + lexicon.LEGAL_FORM.pattern + ")"
                          r"|(?<=»)\s+(?=ОСЗН\b|(?:Министерство|Управление|Департамент|Комитет|Отдел|Администрация)\s)")


def group_pieces(text: str) -> list[str]:
    """Comma-separated pieces of `text` grouped into names: a piece that cannot
    start a name, or a quoted name after a described body, joins the one before."""
    merged: list[str] = []
    after_continuation = False
    for piece in _split_outside_brackets(text, ","):
        continuation = bool(merged) and continues_name(piece)
        if continuation or (after_continuation and _is_quoted_name(piece)):
            merged[-1] = f"{merged[-1]},{piece}"
        else:
            merged.append(piece)
        after_continuation = continuation
    return merged


def split_executors(cell: str) -> list[str]:
    """An executor cell → the names it lists, as printed (notes removed). A line
    ending with a colon («Центры занятости …:») heads the list below it; it is not a name."""
    names: list[str] = []
    for line in _split_outside_brackets(cell, ";\n"):
        if line.strip().endswith(":"):
            continue
        for name in group_pieces(line):
            names.extend(_RUN_ON_NAME.split(name))
    cleaned = [strip_notes(n) for n in names]
    return [n for n in cleaned if len(n) > 2]


def _is_quoted_name(piece: str) -> bool:
    """«центр по развитию … детей, оставшихся без попечения родителей, «Шаг в будущее»»:
    a quoted name right after a participle phrase names the body that phrase describes."""
    return piece.lstrip().startswith("«")


def _ends_unfinished(line: str) -> bool:
    """A line that cannot end a name: a dangling preposition, a comma, a lone word, an adjective."""
    if re.search(r"\b(?:и|по|в|на|для|с|при)$|[-–—,]$", line) or len(line.split()) == 1:
        return True
    last = _first_word(line.split()[-1])
    return bool(last) and morph().parse(last)[0].tag.POS == "ADJF"


def _join_lines(cell: str) -> str:
    """Lines that continue a name join it: a start in an oblique case, a line after a
    dangling word, or the quoted name of a body described on the line before."""
    out: list[str] = []
    for line in cell.split("\n"):
        line = line.strip()
        if not line:
            continue
        completes_name = (line.startswith("«") and "«" not in out[-1] or line.startswith("(")) if out else False
        if out and (continues_name(line) or _ends_unfinished(out[-1]) or completes_name):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def executor_names(cell: str) -> list[str]:
    """Split an executor cell, joining lines that only continue a name and words
    hyphenated at a line end («Пермско- го») first."""
    return split_executors(dehyphenate(_join_lines(cell)))


KIND_RULES: list[tuple[str, re.Pattern]] = [
    ("fund", re.compile(r"^фонд\b(?!.*общественн)", re.I)),
    # A state or municipal institution by its legal form, wherever it sits.
    ("institution", re.compile(r"^" + lexicon.INSTITUTION.pattern)),
    ("group", re.compile(r"^(?:органы|организации|учреждения|администрации муниципальных|советы|"
                         r"общественные|государственные (?:организации|казенные учреждения|учреждения)|"
                         r"медицинские организации|заинтересованные|иные|детские дома|образовательные организации|"
                         r"социально ориентированные)", re.I)),
    ("ngo", re.compile(r"некоммерческ|общественн|\bано\b|волонтерск|епархиальн|благотворит|движени|"
                       r"^«|помощи кризисным|^со нко", re.I)),
    ("federal_body", re.compile(r"\bроссии\b|российской\s+федерации$|федеральн\w* (?:служб|агентств)|^омвд|^умвд|^мвд|отделени\w* фонд", re.I)),
    ("government", re.compile(r"^(?:правительство|администрация|губернатор)", re.I)),
    ("municipal_body", re.compile(r"муниципальн|района|округа\b|города|г\. \w|\bосзн\b|^отдел|^управление образования|"
                                  r"комиссия по делам несовершеннолетних|^мкдн", re.I)),
    ("ministry", re.compile(r"^(?:министерство|мин[а-яё]+ края|мин[а-яё]+ области|департамент|комитет|управление|"
                            r"агентство|инспекция|служба)", re.I)),
    ("institution", re.compile(r"учреждени|центр|школ|"
                               r"университет|институт|детский дом|больниц|приют|кадровый", re.I)),
]


def classify_kind(name: str) -> str:
    """The organisation kind of the spec from its canonical name."""
    for kind, pattern in KIND_RULES:
        if pattern.search(name):
            return kind
    return "other"


@dataclass
class OrganizationIndex:
    """Every organisation of one document, keyed by the lower-cased forms it takes."""

    document_text: str
    region_code: str | None = None
    definitions: dict[str, str] = field(default_factory=dict)  # short form (lower) → canonical
    quoted: dict[tuple[str, str], str] = field(default_factory=dict)  # quoted_key of defined names → canonical
    canonical: dict[str, str] = field(default_factory=dict)  # any surface (lower) → canonical
    spelled: dict[str, str] = field(default_factory=dict)  # surface with abbreviations spelled out → canonical
    aliases: dict[str, set[str]] = field(default_factory=dict)  # canonical → surfaces

    def learn_definitions(self, texts: list[str]) -> None:
        """Find every «<full name> (далее – <short>)» in prose and table cells."""
        for text in map(_join_lines, texts):
            for m in _DEFINITION.finditer(text):
                full = _name_before(text[:m.start()])
                short = strip_notes(m.group("short"))
                if full and short and starts_name(full) and _short_form_of_a_body(short):
                    name = self.add(full)
                    self.definitions[_key(short)] = name
                    self._alias(name, short)
                    for form in (full, short):
                        if quoted_key(form):
                            self.quoted.setdefault(quoted_key(form), name)

    def add(self, surface: str, from_case: str | None = None) -> str:
        """Register a printed name; return its canonical form."""
        surface = self._as_typed(strip_notes(surface))
        known = self.resolve(surface)
        if known:
            self._alias(known, surface)
            return known
        name = self.expand_abbreviation(surface) or capitalize_first(
            to_nominative(drop_founding_clause(surface), from_case))
        existing = self.canonical.get(name.lower())
        name = existing or name
        self._alias(name, surface)
        self._alias(name, name)
        return name

    def _as_typed(self, surface: str) -> str:
        """A name printed in capitals (a heading) as the document types it elsewhere,
        where it does, else in normal case: «МИНИСТЕРСТВО ПО ДЕЛАМ …» → «Министерство по делам …»."""
        if not in_capitals(surface):
            return surface
        pattern = re.compile(r"\s+".join(re.escape(w) for w in surface.split()), re.I)
        return next((m.group(0) for m in pattern.finditer(self.document_text) if not m.group(0).isupper()),
                    normal_case(surface))

    def expand_abbreviation(self, surface: str) -> str | None:
        """A ministry's short form the document never defines, in any case, alone or
        followed by a region («Минздраву Пермского края», «минсоцзащиты края»): the
        ministry of that field the document names in full, else the ministry of the
        field in the region named, or in the document's region."""
        first, _, rest = surface.strip().partition(" ")
        second, used = _second_field(rest)
        rest = collapse(rest[used:])
        federal = bool(lexicon.FEDERAL.match(rest))
        field_ = ministry_field(first, federal)
        named = find_region(rest) if rest else None
        if field_ is None or rest and not (named or federal or lexicon.OWN_REGION.match(rest)):
            return None
        field_ += f" и {second}" if second else ""
        if federal:
            return f"Министерство {field_} Российской Федерации"
        # the region as printed (in the genitive already), or its name for its initials («НСО»)
        printed = named and not _INITIALS.match(rest)
        place = rest if printed else _region_in_genitive(named.code if named else self.region_code)
        known = [n for n in self.aliases if n.lower().startswith("министерство") and field_ in n.lower()
                 and (named is None or find_region(n) == named)]
        if len(known) == 1:
            return known[0]
        return f"Министерство {field_}" + (f" {place}" if place else "")

    def resolve(self, surface: str) -> str | None:
        """The canonical name of a surface form the document has defined or used,
        including a defined short form with a word before it («заинтересованные
        органы и учреждения системы профилактики», «Аппарат МКДНиЗП»)."""
        surface = strip_notes(surface)
        found = (self.definitions.get(_key(surface)) or self.canonical.get(surface.lower())
                 or self.spelled.get(spell_out(surface, self.region_code)))
        if found:
            return found
        if quoted_key(surface) in self.quoted:
            return self.quoted[quoted_key(surface)]
        words = surface.split(" ")
        for cut in (1, 2):
            defined = self.definitions.get(_key(" ".join(words[cut:]))) if len(words) > cut else None
            if defined:
                return _qualified(words[:cut], defined)
        return None

    def knows(self, surface: str) -> bool:
        """Is `surface` a name the document defined or used, or a ministry's short form?"""
        return bool(self.resolve(surface) or self.expand_abbreviation(strip_notes(surface)))

    def _alias(self, name: str, surface: str) -> None:
        self.aliases.setdefault(name, set()).add(surface)
        self.canonical.setdefault(surface.lower(), name)
        self.spelled.setdefault(spell_out(surface, self.region_code), name)

    def collect_aliases(self) -> None:
        """Every printed form of each name in the document becomes an alias."""
        text = collapse(self.document_text)
        lowered = text.lower()
        for name in list(self.aliases):
            forms = set(self.aliases[name])
            for form in list(forms):
                forms |= case_variants(form)
            for form in forms:
                start = lowered.find(form.lower())
                while start != -1:
                    end = start + len(form)
                    if end >= len(lowered) or not lowered[end].isalnum():
                        self._alias(name, text[start:end])
                    start = lowered.find(form.lower(), start + 1)

    def organizations(self) -> list[Organization]:
        return [
            Organization(name=name, kind=classify_kind(name), aliases=sorted(forms), region_code=self._region_of(name))
            for name, forms in self.aliases.items()
        ]

    def _region_of(self, name: str) -> str | None:
        """The subject a body's name names («… Тверской области»), none for a federal body,
        else the document's."""
        if lexicon.FEDERAL_NAME.search(name):
            return None
        named = find_region(name)
        return named.code if named else self.region_code


def ministry_field(word: str, federal: bool = False) -> str | None:
    """The field a ministry's short form names, in any case: «Минздраву» → «здравоохранения»,
    «Минсоцзащитой» → «социальной защиты» (the federal ministry's, where its name differs);
    None for any other word."""
    if not word[:3].lower() == "мин" or len(word) < 5:
        return None
    lemma = _lemma(word)
    key = _field_key(lemma[3:] if lemma.startswith("мин") else word.lower()[3:])
    if key is None:
        return None
    return (federal and lexicon.FEDERAL_MINISTRY_FIELDS.get(key)) or lexicon.MINISTRY_FIELDS[key]


def _lemma(word: str) -> str:
    return morph().parse(word.lower())[0].normal_form.replace("ё", "е")


def _field_key(stem: str) -> str | None:
    """The key of `lexicon.MINISTRY_FIELDS` a word's stem starts with, the longest."""
    fits = [key for key in lexicon.MINISTRY_FIELDS if stem.startswith(key) and len(stem) - len(key) <= 3]
    return max(fits, key=len) if fits else None


_INITIALS = re.compile(r"^[А-ЯЁ]{2,}(?![а-яё])")
_AND_FIELD = re.compile(r"^\s*и\s+([а-яё]{4,})\b", re.I)


def _second_field(after: str) -> tuple[str | None, int]:
    """A second field after a ministry's short form, and how many characters name it:
    «(минтруд) и соцразвития НСО» → («социального развития», 14); (None, 0) without one."""
    m = _AND_FIELD.match(after)
    key = _field_key(_lemma(m.group(1))) if m else None
    return (lexicon.MINISTRY_FIELDS[key], m.end()) if key else (None, 0)


_SHORT_FORM = re.compile(r"(?<![\w-])[Мм]ин[а-яё]{2,}")
_DESIGNATION = re.compile(r"\s+(края|области|республики|автономного\s+округа|округа|России|РФ|Российской\s+Федерации)\b")


def ministry_mentions(text: str) -> list[str]:
    """Ministries' short forms printed with a region after them, in any case, as printed:
    «Поручить Минздраву Пермского края …» → «Минздраву Пермского края», «… с минсоцзащиты
    края» → «минсоцзащиты края»."""
    found = []
    for m in _SHORT_FORM.finditer(text):
        if ministry_field(m.group(0)) is None:
            continue
        end = m.end() + _second_field(text[m.end():])[1]  # «минтруд и соцразвития НСО»
        after = text[end:end + 90]
        region = next((after[:stop] for start, stop, _ in region_mentions(after) if not after[:start].strip()), None)
        designation = _DESIGNATION.match(after)
        if region or designation:
            found.append(collapse(text[m.start():end] + (region or designation.group(0))))
    return found


def _key(short_form: str) -> str:
    """Short forms match whatever their spacing: «МКДН и ЗП» = «МКДНиЗП»."""
    return re.sub(r"\s+", "", short_form).lower()


def _qualified(prefix: list[str], defined: str) -> str:
    """Adjectives before a short form narrow the body («заинтересованные органы …»);
    a noun before it («Аппарат …») names a part of the body, which acts for it."""
    if all(morph().parse(w)[0].tag.POS in ("ADJF", "PRTF") for w in prefix):
        return capitalize_first(" ".join(prefix).lower() + " " + defined[:1].lower() + defined[1:])
    return defined


def _name_before(text: str) -> str:
    """The name that ends where a «(далее – …)» definition starts: the last name of
    the clause before it."""
    clause = re.split(r"[:;]|\s[-–—]\s|\bс\b\s|\n", text.rstrip())[-1]
    name = group_pieces(clause)[-1].strip()
    # «повышение эффективности деятельности органов и учреждений …»: the name starts at its head word
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=\s))\S", name) if starts_name(name[m.start():])]
    return strip_notes(name[starts[0]:] if starts else name)


def drop_founding_clause(name: str) -> str:
    """«центр …, «Шаг в будущее», созданный на базе …» → «центр …, «Шаг в будущее»»: a
    participle clause after the quoted name says where the body sits, not what it is."""
    pieces = _split_outside_brackets(name, ",")
    for i in range(1, len(pieces)):
        word = _first_word(pieces[i])
        if pieces[i - 1].rstrip().endswith("»") and word and any(
                p.tag.POS == "PRTF" and p.tag.case == "nomn" for p in morph().parse(word)[:2]):
            return ",".join(pieces[:i]).strip()
    return name


# «ГБУ КО «Центр «Доверие»», «ГБУ КО «Доверие»», «ГБУ Калужской области «… «Доверие»»: one body.
_INNER_QUOTED = re.compile(r"«([^«»]+)»+\s*$")


def quoted_key(name: str) -> tuple[str, str] | None:
    """(legal form, innermost quoted name) of a name that ends with a quoted name."""
    m = _INNER_QUOTED.search(name)
    form = _ABBREVIATION.match(name.strip())
    if not m:
        return None
    return (form.group(0) if form else _legal_form_initials(name), m.group(1).strip().lower())


def _legal_form_initials(name: str) -> str:
    """«государственное бюджетное учреждение …» → «ГБУ»: initials of the words before
    the first «учреждение»/«организация»."""
    m = re.match(r"^((?:[а-яё]+\s+){0,4}?)(учреждени\w*|организаци\w*)", name.strip(), re.I)
    if not m:
        return ""
    return "".join(w[0] for w in (m.group(1) + m.group(2)).split()).upper()


class FederalIdentity(NamedTuple):
    """A federal body as its full name (`parent`), and whether the name is that of its
    branch in a territory rather than of the body itself."""

    parent: str
    branch: bool


@lru_cache(maxsize=1)
def _federal_forms() -> dict[str, str]:
    """Every printed form of every federal body (lower case) → its full name."""
    forms = {}
    for name, others in lexicon.FEDERAL_BODIES.items():
        for spelling in (name, *others):
            variants = {spelling} if spelling.split()[0].isupper() else case_variants(spelling) | {spelling}
            forms.update({" ".join(v.lower().split()): name for v in variants})
    return forms


def federal_identity(name: str) -> FederalIdentity | None:
    """«Отделение Фонда пенсионного и социального страхования Российской Федерации по
    Алтайскому краю», «Отделение СФР по Алтайскому краю» and «ОСФР по Алтайскому краю»
    → (Фонд пенсионного и социального страхования Российской Федерации, branch); «МВД
    России» → (Министерство внутренних дел Российской Федерации, not a branch); None
    for a body that is neither a federal body nor its branch."""
    text = " ".join(strip_notes(name).split())
    body, territory = re.subn(r"\s+по\s+\S.*$", "", text)
    branch_word = lexicon.BRANCH.match(body)
    if branch_word:
        body = body[branch_word.end():]
    forms = _federal_forms()
    parent = forms.get(body.lower())
    if parent is None and not branch_word:  # «ОСФР», «ГУ МВД России»: the branch's initials glued on
        for initials in lexicon.BRANCH_INITIALS:
            rest = body[len(initials):].lstrip()
            if body.startswith(initials) and rest.lower() in forms:
                parent, branch_word = forms[rest.lower()], True
                break
    if parent is None:
        return None
    return FederalIdentity(parent, bool(branch_word) or bool(territory))


def common_name(name: str) -> str:
    """The name a body shares with its counterparts elsewhere, in lower case: its
    abbreviations spelled out and its territory left out («Министерство образования
    Омской области», «Министерство образования Алтайского края» → «министерство
    образования»). A federal branch's is its parent's."""
    federal = federal_identity(name)
    if federal:
        return federal.parent.lower()
    text = spell_out(strip_notes(name))
    cut = [(start, end) for start, end, _ in region_mentions(text)] + [(s, e) for s, e, _ in city_mentions(text)]
    for start, end in sorted(cut, reverse=True):
        text = text[:start] + text[end:]
    text = re.sub(r"\s+по\s*$", "", _TERRITORY_WORDS.sub("", text).strip())  # «… по городу Барнаулу»
    text = " ".join(re.sub(r"\(\s*\)|«\s*»", "", text).split())
    return text.replace(" »", "»").strip(" ,.-")


# Words naming a territory that remain when its name is cut out: «… края», «г. », «города».
_TERRITORY_WORDS = re.compile(r"(?<![\w-])(?:края|области|республики|автономного\s+округа|г\.|города|района|"
                              r"городу|городе|району|муниципального\s+(?:района|округа|образования))(?![\w-])", re.I)


def with_own_region_named(name: str, region_code: str | None) -> str:
    """A body's name that ends with its region said without naming it, with the region named:
    «министерство социальной защиты населения края» in an order of Altai → «… Алтайского
    края», the body the order's other documents name in full. Other names are left as they are."""
    words = name.split()
    if not region_code or find_region(name) is not None:
        return name
    for count in (2, 1):  # «автономного округа», «края»
        if len(words) > count and lexicon.OWN_REGION.match(" ".join(words[-count:])):
            return " ".join([*words[:-count], _region_in_genitive(region_code)])
    return name


def _region_in_genitive(region_code: str | None) -> str | None:
    """The region's name as a body's name ends with it («Алтайского края»), or None without one."""
    return inflect_head(region_by_code(region_code).name, "gent", "nomn") if region_code else None
