"""The paragraphs of an order → its header, tasks, target groups and signatories."""
from __future__ import annotations

import re
from decimal import Decimal

from models.records import DocumentHeader, Signatory, TargetGroup, Task
from normalizers import lexicon
from normalizers.case import in_capitals, normal_case
from normalizers.inflect import to_nominative
from normalizers.organizations import GOVERNMENT_BODIES
from normalizers.periods import parse_date, parse_programme_years, parse_year_range
from normalizers.regions import region_mentions
from normalizers.text import capitalize_first, clean, morph
from pipeline.parse.table_rows import strip_task_title

ACT_TYPES = {"приказ": "приказ", "распоряжение": "распоряжение", "постановление": "постановление"}
_ACT_HEADING = re.compile(r"^\s*(" + "|".join(r"\s*".join(w) for w in ACT_TYPES) + r")\s*[:.]?\s*$", re.I)
# An act named in a stamp or a title line, its type word in any case: «УТВЕРЖДЕН приказом …»,
# «Приложение № 1 к постановлению …», «Постановление Правительства … от … № …».
_ACT_WORD = r"(приказ\w{0,3}|распоряжени\w{1,3}|постановлени\w{1,3})"
_ACT_REFERENCE = re.compile(r"(утвержден\w*\s+|приложение\s*(?:№\s*\d+\s*)?к\s+|^\s*)" + _ACT_WORD + r"\s+(?=\w)",
                            re.I)
# «… Администрация города Твери постановляет:», «… П Р И К А З Ы В А Е М:»: the act's enacting formula;
# its issuer holds no comma or quote («… «Об общих принципах … в Российской Федерации», руководствуясь …»).
_ENACTING = re.compile(r"((?:администраци|правительств|министерств|департамент|комитет|управлени|губернатор|глав)"
                       r"[^.;:,«»]*?)\s+((?:" + "|".join(r"\s*".join(stem) for stem in ("постановля", "приказыва"))
                       + r")(?:\s*\w){0,3})\s*:", re.I)
_NUMBER = re.compile(r"№\s*([\w./\-]+(?:\s*/\s*[\w.\-]+)*)")
# A line of the act's date and number alone: «от 20.02.2024 № 415», «20 февраля 2024 г. № 415-п».
_DATE_AND_NUMBER = re.compile(r"^(?:от\s+)?[«\"]?\d{1,2}[»\"]?[.\s][\wа-яё.\s]{1,14}\d{4}\s*(?:г\.|года)?\s*№\s*[\w./\-]+$", re.I)
# A number printed on its own line: «1070-17/1301-7», OCR may space it («1301 -7/869»).
_BARE_NUMBER = re.compile(r"^(?=.*\d)(?:[\w./\-]{2,}|(?=.*[/\-])(?!.*[^\W\d_]{4})[\w./\-]+(?:\s[\w./\-]+)+)$")
_TITLE = re.compile(
    r"((?:(?:региональн|муниципальн|государственн|комплексн)\w*\s+)?"
    r"(?:комплекс\w*\s+мер|программ\w*|план\w*\s+мероприятий)\b.*)",
    re.I | re.S,
)
# A title that has reached its years («… на 2019–2020 годы», «… до 2025 года»).
_TITLE_COMPLETE = re.compile(r"(?:19|20)\d{2}\s*(?:годы|года|год|гг?\.?)\s*\.?\)?$", re.I)
_YEAR_START = re.compile(r"^(?:19|20)\d{2}\b")
_TASK = re.compile(r"^\s*Задача\s*№?\s*(\d{1,2})\s*[.:)]\s*(.+)$", re.I | re.S)
_TARGET_HEADING = re.compile(r"^\s*целев\w+\s+групп", re.I)
_LIST_ITEM = re.compile(r"^\s*[-–—•·]\s*")
_COUNT = re.compile(r"[,\s]*[-–—]?\s*(?:не\s+менее|до|около)\s+(\d[\d\s]*\d|\d)\s*(?:человек|семей|детей)?\s*[;.,]?\s*$", re.I)
_POSITION = re.compile(r"^(?:И\.\s?о\.\s*)?(?:министр|заместитель|глава|губернатор|начальник|руководитель|председатель|"
                       r"директор|временно|первый заместитель)", re.I)
_MUNICIPAL_FORMATION = re.compile(r"муниципальн\w+\s+образовани\w+\s+[«\"]([^»\"]{3,60})[»\"]", re.I)
_MUNICIPALITY = re.compile(
    r"([А-ЯЁ][а-яё-]+(?:ого|его)\s+(?:муниципального\s+(?:округа|района)|городского\s+округа|района))", re.I)


def parse_header(paragraphs: list[str], opening: list[str] | None = None) -> DocumentHeader:
    """Act type, number, date, title, period and issuers (as printed) from the opening
    paragraphs; `opening` are the opening lines with the rows of small tables among them
    (a blank sets out «от 12.03.2022 <tab> № 145-о» as a row of two cells)."""
    header = DocumentHeader()
    paragraphs = without_certification(paragraphs)
    # line by line: a scan's reader may join the heading to the issuer above it
    lines = [line for p in without_certification(opening or paragraphs)[:40] for line in p.split("\n")]
    heading_at = next((i for i, line in enumerate(lines) if _ACT_HEADING.match(line)), None)
    if heading_at is not None:
        header.doc_type = ACT_TYPES[re.sub(r"\s+", "", lines[heading_at]).strip(":.").lower()]
        header.issuers = _issuer_lines(lines[:heading_at])
        _number_and_date(header, lines[heading_at + 1:heading_at + 8])
    elif reference := _act_reference(paragraphs[:40]):
        act, issuer_text, rest = reference
        header.doc_type = act_type(act)
        header.issuers = [capitalize_first(to_nominative(n, "gent")) for n in _split_issuers(issuer_text)]
        _number_and_date(header, [rest])
    enacting = _ENACTING.search(clean(" ".join(paragraphs[:40])))
    if enacting:  # «… Администрация города Твери постановляет:» names what the heading may not
        header.doc_type = header.doc_type or act_type(re.sub(r"\s+", "", enacting.group(2)))
        header.issuers = header.issuers or [capitalize_first(n) for n in _split_issuers(enacting.group(1))]
        if header.doc_number is None:  # a blank's «от 20.02.2024 № 415» line above the title
            _number_and_date(header, [line for line in lines[:10] if _DATE_AND_NUMBER.match(clean(line))][:1])
    header.title = find_title(paragraphs)
    header.period_start, header.period_end = _period(header.title or "", paragraphs)
    return header


def without_certification(paragraphs: list[str]) -> list[str]:
    """The paragraphs without a copy's certification marks («КОПИЯ ВЕРНА», «Подлинник
    подписан», «Документ подписан электронной подписью»), line by line."""
    kept = ["\n".join(ln for ln in p.split("\n") if not lexicon.CERTIFICATION_MARK.match(ln)) for p in paragraphs]
    return [k for p, k in zip(paragraphs, kept) if k.strip() or not p.strip()]  # a mark's paragraph goes


def _issuer_lines(lines: list[str]) -> list[str]:
    """Issuer names printed one per line above the act heading (a name may wrap)."""
    names: list[str] = []
    for line in lines:
        line = clean(line)
        if not line:
            continue
        if names and not re.match(r"^(?:министерств|департамент|комитет|управлени|администраци|правительств|губернатор)",
                                  line, re.I):
            names[-1] = f"{names[-1]} {line}"
        else:
            names.append(line)
    return [normal_case(name) for name in names]


def act_type(word: str) -> str:
    """The type of act a word names in any case or form: «приказом», «к постановлению»,
    «постановляет», «ПРИКАЗЫВАЮ» → приказ, постановление, распоряжение."""
    word = word.lower()
    return next(t for stem, t in (("приказ", "приказ"), ("распоряж", "распоряжение"), ("постановл", "постановление"))
                if word.startswith(stem))


# A heading in capitals after the issuer («… края МЕРОПРИЯТИЯ …»), a speck OCR read as a
# mark before it or not («„МЕРОПРИЯТИЯ»)
_CAPITALS = r"\s+[„\"'`.,]?[А-ЯЁ]{4,}"


def _act_reference(paragraphs: list[str]) -> tuple[str, str, str] | None:
    """(act word, issuer, the text after it) from a stamp or a title line that names the
    act, over several lines: «УТВЕРЖДЕН приказом <issuer> от <date> № <number>»,
    «Приложение к постановлению <issuer> от …», «Постановление <issuer> от … № …». A line
    that opens with the act word names the act only when a date or number follows."""
    for i, p in enumerate(paragraphs):
        joined = clean(" ".join(paragraphs[i:i + 8]))
        m = _ACT_REFERENCE.match(joined)
        if not m:
            continue
        rest = joined[m.end():]
        stop = re.search(r"\bот\b|«\d|\d{1,2}\.\d{1,2}\.\d{4}|№|(?<=[а-яё])" + _CAPITALS, rest)
        if not m.group(1) and (stop is None or re.match(_CAPITALS, rest[stop.start():])):
            continue  # «Постановление вступает в силу …»: a sentence, not the act
        issuer = rest[:stop.start()] if stop else rest
        issuer = re.split(r"\s{2,}|(?<=края|асти)\s+(?=[А-ЯЁ])", issuer)[0]
        return m.group(2), issuer.strip(" ,"), rest[len(issuer):]
    return None


def _split_issuers(text: str) -> list[str]:
    heads = r"(?=министерств|департамент|комитет|управлени|администраци|правительств|губернатор)"
    return [p.strip(" ,") for p in re.split(r",\s*" + heads + r"|\s+и\s+" + heads, text, flags=re.I) if p.strip(" ,")]


def _number_and_date(header: DocumentHeader, lines: list[str]) -> None:
    for line in lines:
        line = clean(line)
        if header.doc_date is None and parse_date(line):
            header.doc_date = parse_date(line)
        m = _NUMBER.search(line)
        if header.doc_number is None and m:
            header.doc_number = re.sub(r"\s+", "", m.group(1))
        elif header.doc_number is None and _BARE_NUMBER.match(line) and not parse_date(line):
            header.doc_number = re.sub(r"\s+", "", line)


def find_title(paragraphs: list[str]) -> str | None:
    """The programme's own title: a paragraph that starts with «Комплекс мер …» /
    «… программа …» (an annex title), else the phrase inside the order's title."""
    candidates = []
    for i, p in enumerate(paragraphs[:80]):
        text = clean(p)
        m = _TITLE.search(text)
        if not m or re.search(r"\(далее|разработан|утверждается|реализуется|осуществляется", text, re.I):
            continue
        starts = m.start() == 0
        title = _continue_title(m.group(1), paragraphs[i + 1:i + 5])
        rank = (0 if starts else 1, i)
        candidates.append((rank, title))
    if not candidates:
        return None
    title = normal_case(min(candidates)[1])
    return capitalize_first(to_nominative(title[:1].lower() + title[1:]))


def _continue_title(title: str, following: list[str]) -> str:
    """A title wrapped onto the lines after it (see `_continues_title`); a list item, a
    footnote or a blank line ends it."""
    following = [clean(p) for p in following]
    for i, p in enumerate(following):
        if not p or _LIST_ITEM.match(p) or not _continues_title(title, p, " ".join(following[i + 1:])):
            break
        title = f"{title} {p}"
    return title.rstrip(".")


def _continues_title(title: str, line: str, after: str) -> bool:
    """Whether `line` goes on with `title`: it starts in lowercase or with a year («по
    профилактике …», «2019–2020 годы»), or the title's quote is still open; or the title is
    not complete yet (no years at its end) and a region's name runs on into the line («…
    Республики» / «Карелия …», «Тверской» / «области …»), or the line is in capitals like the
    title, or opens with a quoted name or a word in an oblique case («Ставропольского края»,
    «„Город Чита“ на …»)."""
    if line[0].islower() or _YEAR_START.match(line) or title.count("«") > title.count("»"):
        return True
    if _TITLE_COMPLETE.search(title):
        return False
    at = len(title) + 1
    if any(start <= at < end for start, end, _ in region_mentions(f"{title} {line} {after}")):
        return True
    if in_capitals(title):
        return not any(ch.islower() for ch in line)
    first = re.match(r"[«\"]|[А-ЯЁ][а-яё]+", line)
    return bool(first) and (first.group(0) in "«\"" or _oblique(first.group(0)))


def _oblique(word: str) -> bool:
    """No reading of the word is in the nominative («Ставропольского», «Республики»)."""
    return all(p.tag.case not in (None, "nomn") for p in morph().parse(word))


def _period(title: str, paragraphs: list[str]) -> tuple[int | None, int | None]:
    """The years of the programme: its title's («на 2025–2026 годы», «на 2025 год»), else
    the act's subject line's («Об утверждении … на 2025 год»), else those a sentence on its
    term names («Срок реализации: 2025–2026 годы»)."""
    found = parse_programme_years(title)
    for p in paragraphs:
        if found:
            break
        if _SUBJECT_LINE.match(p):
            found = parse_programme_years(p)
        elif re.search(r"(?:срок|период)\w*\s+(?:реализации|действия)", p, re.I):
            found = parse_year_range(p) or _years_span(p)
    return found if found else (None, None)


_SUBJECT_LINE = re.compile(r"\s*об\s+утверждении\b", re.I)


def _years_span(text: str) -> tuple[int, int] | None:
    years = [int(y) for y in re.findall(r"\b(20\d{2}|19\d{2})\b", text)]
    return (min(years), max(years)) if years else None


def find_municipality(text: str) -> str | None:
    """The municipality a municipal title or issuer names: «… Плесецкого муниципального
    округа …» → «Плесецкий муниципальный округ», «муниципальное образование «Город Тверь»» →
    «Город Тверь»."""
    quoted = _MUNICIPAL_FORMATION.search(text)
    if quoted:
        return capitalize_first(quoted.group(1).strip())
    if not re.search(r"муниципальн|городск\w+\s+округ", text, re.I):
        return None
    m = _MUNICIPALITY.search(text)
    return to_nominative(m.group(1), "gent") if m else None


def parse_tasks(paragraphs: list[str]) -> list[Task]:
    """«Задача 1. …» paragraphs."""
    tasks = []
    for p in paragraphs:
        m = _TASK.match(clean(p))
        if m:
            tasks.append(Task(m.group(1), strip_task_title(m.group(2))))
    return tasks


def parse_target_groups(paragraphs: list[str]) -> list[TargetGroup]:
    """The list after a «Целевые группы» heading, with «не менее N» counts."""
    groups: list[TargetGroup] = []
    for i, p in enumerate(paragraphs):
        if not _TARGET_HEADING.match(p):
            continue
        for item in paragraphs[i + 1:]:
            item = clean(item)
            if not _LIST_ITEM.match(item):
                break
            groups.append(_target_group(_LIST_ITEM.sub("", item)))
        if groups:
            break
    return groups


# Target groups stated in a sentence: «охватить не менее 312 семей, находящихся в трудной
# жизненной ситуации», «помощь получат 40 детей-инвалидов», then «в том числе детей-инвалидов – 120».
_COVERAGE = re.compile(r"(?:охват\w*|получ\w+\s+(?:помощь|поддержку|услуги)|(?:помощь|поддержку|услуги)\s+получ\w+"
                       r"|примут\s+участие)\s+"
                       r"(?:не\s+менее\s+|более\s+|свыше\s+|около\s+|до\s+)?(\d[\d\u00a0 ]*\d|\d)\s+"
                       r"([а-яё][^.;:()\d]*?)(?=\s*(?:[.;:(]|,\s*(?:в\s+том\s+числе|из\s+них)|$))", re.I)
_PART_OF_GROUP = re.compile(r"(?:в\s+том\s+числе|из\s+них)\s*:?\s*([а-яё][^.;:\d–—]*?)\s*[-–—]\s*(\d[\d\u00a0 ]*\d|\d)",
                            re.I)
# …and with the number first: «в том числе 400 многодетных семей».
_COUNTED_PART = re.compile(r"(?:в\s+том\s+числе|из\s+них)\s*:?\s*(\d[\d\u00a0 ]*\d|\d)\s+([а-яё][^.;:()\d]*?)"
                           r"(?=\s*(?:[.;:(]|$))", re.I)


def parse_stated_target_groups(paragraphs: list[str]) -> list[TargetGroup]:
    """Target groups a sentence states with their counts, and the parts it counts
    within them, their titles in the nominative."""
    groups = []
    for text in map(clean, paragraphs):
        for pattern in (_COVERAGE, _PART_OF_GROUP, _COUNTED_PART):
            for m in pattern.finditer(text):
                printed, count = (m.group(1), m.group(2)) if pattern is _PART_OF_GROUP else (m.group(2), m.group(1))
                if lexicon.PEOPLE.search(printed.split(",")[0]):  # «15 муниципальных районов» is no group
                    groups.append(TargetGroup(_group_title(printed), int(re.sub(r"\D", "", count))))
    return groups


def _group_title(printed: str) -> str:
    """«семей, находящихся в трудной жизненной ситуации» → «семьи, находящиеся в трудной
    жизненной ситуации»: the head and the participle that opens its clause in the nominative."""
    head, comma, clause = printed.strip(" ,").partition(", ")
    if re.fullmatch(r"[а-яё]+(?:-[а-яё]+)?", head):  # «детей-инвалидов»: both nouns decline
        head = "-".join(_word_nominative(part) for part in head.split("-"))
    else:
        head = to_nominative(head, "gent")
    if clause:
        first, _, rest = clause.partition(" ")
        parse = next((p for p in morph().parse(first) if p.tag.POS in ("PRTF", "ADJF") and p.tag.case == "gent"), None)
        nominative = parse.inflect({"nomn", "plur"}) if parse else None
        clause = f"{nominative.word} {rest}".strip() if nominative else clause
    return f"{head}{comma}{clause}"


def _word_nominative(word: str) -> str:
    """A genitive word in the nominative of its number; an adjective standing for people
    («несовершеннолетних», «малоимущих») declines as one."""
    parses = [p for p in morph().parse(word) if p.tag.case == "gent" and p.tag.POS in ("NOUN", "ADJF", "PRTF")]
    parses.sort(key=lambda p: p.tag.POS != "NOUN")
    form = parses[0].inflect({"nomn", parses[0].tag.number or "plur"}) if parses else None
    return form.word if form else word


def _target_group(item: str) -> TargetGroup:
    m = _COUNT.search(item)
    count = int(re.sub(r"\D", "", m.group(1))) if m else None
    title = item[:m.start()] if m else item
    return TargetGroup(title.strip(" ;.,–—-"), count)


def parse_signatories(paragraphs: list[str]) -> list[Signatory]:
    """Name lines («И.В. Коноватов») with the position and body printed above them."""
    signatories = []
    paragraphs = [piece for p in without_certification(paragraphs) for piece in _signature_pieces(p)]
    for i, p in enumerate(paragraphs):
        name = clean(p)
        if not lexicon.PERSON.match(name):
            continue
        position, org_lines = None, []
        j = i - 1
        if j >= 1 and _continues_position(clean(paragraphs[j])) and _POSITION.match(clean(paragraphs[j - 1])):
            position = f"{clean(paragraphs[j - 1])} {clean(paragraphs[j])}"  # «Министр социальной защиты» / «… области»
            j -= 2
        elif j >= 0 and _POSITION.match(clean(paragraphs[j])):
            position = clean(paragraphs[j])
            j -= 1
        while j >= 0 and paragraphs[j].strip() and not lexicon.PERSON.match(clean(paragraphs[j])) and len(org_lines) < 5 \
                and not _POSITION.match(clean(paragraphs[j])) and len(paragraphs[j]) < 80 \
                and not _CLAUSE.search(clean(paragraphs[j])):
            org_lines.insert(0, clean(paragraphs[j]))
            j -= 1
        organization = to_nominative(" ".join(org_lines)) if org_lines else None
        if position and not organization:
            position, organization = _position_and_body(position)
        signatories.append(Signatory(name, position, organization))
    return signatories


# A clause of the order's text, not a line of a body's name above a signature: numbered
# («3. Контроль … оставляю за собой.») or ending as a sentence does.
_CLAUSE = re.compile(r"^\d{1,2}[.)]\s|[.:;]$")


def _continues_position(line: str) -> bool:
    """A position wrapped onto the next line: it goes on in lowercase or in the genitive
    («населения …», «Курганской области»)."""
    first = re.match(r"[А-ЯЁа-яё]+", line)
    return bool(first) and (line[0].islower() or _oblique(first.group(0)))


# The head of a body, and the body in the genitive after the title: «Министр образования …»,
# «И.о. министра здравоохранения …», «Начальник управления образования администрации …».
_HEAD_OF = re.compile(r"^((?:И\.\s?о\.\s*|временно\s+исполняющ\w+\s+обязанност\w+\s+)?"
                      r"(?:министр|начальник|руководител|директор|председател)\w*)\s+(\S.+)$", re.I)


# A body named by its kind alone, in any case: «департамента», «отдела», «управления».
_BARE_BODY = re.compile(rf"(?:{GOVERNMENT_BODIES})\w*", re.I)


def _position_and_body(position: str) -> tuple[str, str | None]:
    """«Министр образования Тверской области» → («Министр», «Министерство образования Тверской
    области»); a position that names no body after its title stays as printed."""
    m = _HEAD_OF.match(position)
    if not m:
        return position, None
    title, body = m.groups()
    if _BARE_BODY.fullmatch(body):  # «Начальник департамента»: which department, the line does not say
        return position, None
    if re.search(r"министр\w*$", title, re.I) and not re.match(r"министерств", body, re.I):
        body = f"министерства {body}"  # a minister of a field heads the ministry of it
    return title, capitalize_first(to_nominative(body, "gent"))


def _signature_pieces(paragraph: str) -> list[str]:
    """A signature set out on one line («Министр<tab>О.В. Кравцова», «Глава города    И.П.
    Сидоров») as its position and name; any other paragraph as it is."""
    pieces = [p.strip() for p in re.split(r"\t|\s{3,}", paragraph.strip()) if p.strip()]
    if len(pieces) > 1 and lexicon.PERSON.match(pieces[-1]):
        return pieces
    return _position_then_name(paragraph) or [paragraph]


_SIGNATURE_POSITION_WORDS = 8  # «Первый заместитель министра социальной защиты населения края»


def _position_then_name(paragraph: str) -> list[str]:
    """«Министр А.В. Ремизова» as one line of single spaces (OCR and PDF text join the two
    columns of a signature so): its position and its name. A line that goes on past the
    position («Руководитель рабочей группы – И.И. Иванов») is no signature."""
    words = paragraph.split()
    for size in (1, 2, 3):  # «А.В.Ремизова», «А.В. Ремизова», «А. В. Ремизова»
        head, name = " ".join(words[:-size]), " ".join(words[-size:])
        if head and len(words) - size <= _SIGNATURE_POSITION_WORDS and _POSITION.match(head) \
                and lexicon.PERSON.match(name) and not re.search(r"[\d–—:;,-]", head):
            return [head, name]
    return []


_FUNDING_SENTENCE = re.compile(r"объ[её]м\w*\s+финансир", re.I)
_YEAR_BEFORE = re.compile(r"(?:в|на)\s+((?:19|20)\d{2})\s+год\w*\s*[-–—:]?\s*$", re.I)


def parse_stated_amounts(paragraphs: list[str]) -> list[tuple[int | None, Decimal, str]]:
    """Money the text states for the whole programme: in a sentence about the volume
    of financing, an amount right after «в 2023 году –» is that year's, the first
    amount without a year is the whole period's."""
    from normalizers.nlp import pipeline

    stated = []
    for paragraph in paragraphs:
        text = clean(paragraph)
        if not _FUNDING_SENTENCE.search(text):
            continue
        whole_seen = False
        for entity in pipeline()(text).ents:
            if entity.label_ != "MONEY":
                continue
            m = _YEAR_BEFORE.search(text[max(0, entity.start_char - 40):entity.start_char])
            if m:
                stated.append((int(m.group(1)), entity._.amount, text))
            elif not whole_seen:
                stated.append((None, entity._.amount, text))
                whole_seen = True
    return stated
