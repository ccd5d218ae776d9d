"""The domain vocabulary of orders' tables, in one place: what a column heading, a
row label or a money cell says, as declarative tables of word stems.

Stems, not word forms: «исполнител» matches «Исполнитель», «Исполнители»,
«исполнителей»; «финансир» matches every case of «финансирование». Every stage
that needs to know what a heading or label means reads it here.
"""
from __future__ import annotations

import re
from decimal import Decimal


def _rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


CYRILLIC_LETTER = re.compile(r"[А-Яа-яЁё]")


# --------------------------------------------------------------------------- columns

# Non-money roles of a column by one of its headings, tried from the deepest heading up
# («Срок реализации / начало» is a start, «Базовое значение / дата» a base date); within
# a heading the first role that matches wins, before the heading is read as a number column.
COLUMN_ROLES: list[tuple[str, re.Pattern]] = [
    ("code", _rx(r"^\s*(?:№|n|no\.?|номер|код)\s*(?:п\s*/\s*п|пп|по\s+порядку|строки|(?:[а-яё]+\s+)?(?:мероприяти\w*"
                 r"|показател\w*|индикатор\w*))?\s*\.?$|п\s*/\s*п\.?\s*$|^\s*№")),
    ("base_value", _rx(r"базов\w*|исходн\w*\s+значени|значени\w*\s+на\s+начало")),
    ("unit", _rx(r"единиц\w*\s+измерени|ед\.\s*изм|^\s*ед\.?\s*$")),
    ("deadline_start", _rx(r"^\s*(?:дата\s+|срок\s+)?(?:начал\w*|старт\w*)\b")),
    ("deadline_end", _rx(r"^\s*(?:дата\s+|срок\s+)?(?:окончани\w*|завершени\w*)\b")),
]
# Roles read after a heading is found to name no period, total or source.
COLUMN_ROLES_AFTER_NUMBERS: list[tuple[str, re.Pattern]] = [
    ("deadline", _rx(r"\bсрок\w*|период\w*\s+(?:исполнени|реализаци|проведени)|дата\s+(?:исполнени|проведени)"
                     r"|^\s*год\w*\s+(?:реализаци|исполнени|проведени)")),
    ("executor", _rx(r"исполнител\w*|ответственн\w*|соисполнител\w*|участник\w*|\bкем\s+(?:исполня|реализу|осуществля|выполня)")),
    ("result", _rx(r"результат\w*|эффект\w*")),
    ("source_name", _rx(r"^\s*(?:наименовани\w*\s+)?источник\w*(?:\s+финансир\w*)?(?:\s*\(.*\))?\s*$")),
]
# Under a base value heading, a date heading is the base value's date.
BASE_DATE = _rx(r"\bдат\w*")
# A title column: what the row is about (a measure, an indicator, a task).
TITLE_WORDS = _rx(r"наименовани\w*|мероприяти\w*|содержани\w*|показател\w*|индикатор\w*|задач\w*|направлени\w*"
                  r"|цел[иь]\w*|объект\w*")
# Words that make a table a money table when its headings or caption say them.
MONEY_WORDS = _rx(r"финансир\w*|финансов\w*\s+обеспечени\w*|объ[её]м\w*\s+(?:средств|финансир|бюджетн|ассигнован)|\bрубл\w*|\bруб\.|стоимост\w*"
                  r"|затрат\w*|бюджет\w*|расход\w*|ассигновани\w*|\bсредств\w*")

# --------------------------------------------------------------------------- dimensions

YEAR_RANGE = _rx(r"(?:19|20)\d{2}\s*[-–—]\s*(?:19|20)\d{2}")
YEAR = _rx(r"(?<![\d.,])((?:19|20)\d{2})(?![\d.,]\d)\s*(?:г\.?\s*г\.?|гг\.?|год\w*|г\.?)?")
# Parts of a year: quarters (Roman or Arabic, «I кв.», «1 квартал»), half-years, nine months.
# A scan prints a Roman numeral in Cyrillic look-alikes («Г кв.», «И полугодие», «Ш кв.», «III.»
# of a section as «Ш.»); each pattern admits the ones it can meet, capitals only, so the
# conjunction «и» is never read as II.
OCR_ROMAN = str.maketrans({"И": "II", "П": "II", "Н": "II", "Ш": "III", "Г": "I", "І": "I", "|": "I", "Т": "I",
                           "У": "V", "Х": "X"})
_PART_NUMBER = r"(IV|III|111|II|11|I|[1-4]|(?-i:1V|Ш|И|П|Н|Г|І|\||l))"  # «111», «11», «l»: digits and «l» for I
QUARTER_WORD = r"(?:кв\.?|ка\.|квартал\w*)"  # «ка.»: «кв.» as a blurred scan prints it, the «в» closed up
QUARTER = _rx(r"(?<![\w])" + _PART_NUMBER + r"\s*-?\s*(?:й|ый|ой)?\s*" + QUARTER_WORD + r"(?![\w])")
HALF_WORD = r"(?:полугод\w*|пол\.)"  # «полугодме»: a scan's «полугодие» with «и» closed up
HALF_YEAR = _rx(r"(?<![\w])" + _PART_NUMBER + r"\s*-?\s*(?:е|ое)?\s*" + HALF_WORD)
NINE_MONTHS = _rx(r"(?<![\w])9\s*(?:-?ть|-?и)?\s*месяц\w*")
# «I–IV квартал», «1-4 кварталы»: the whole year, not a part of it.
QUARTER_RANGE = _rx(r"(?<![\w])(?:I\s*[-–—]\s*IV|1\s*[-–—]\s*4)\s*(?:кв\.?|квартал\w*)")
# A heading that speaks of a part of a year, read or not («Н кв. 2021» as OCR prints II кв.).
PART_WORD = _rx(r"кв\.|ка\.|квартал|полугод|пол\.")
# The number of a part (its numeral in capitals, after OCR_ROMAN).
ROMAN_PARTS = {"I": 1, "II": 2, "III": 3, "IV": 4, "1V": 4, "1": 1, "2": 2, "3": 3, "4": 4, "11": 2, "111": 3, "L": 1}

# Plan or fact: the basis of an amount. «план», «прогноз» are plan (the default).
BASIS: list[tuple[str, re.Pattern]] = [
    ("fact", _rx(r"\bфакт\w*|\bисполнен\w*|\bосвоен\w*|\bкассов\w*|\bвыполнен\w*|\bпрофинансирован\w*")),
    ("plan", _rx(r"\bплан\w*|\bпрогноз\w*|\bпредусмотрен\w*|\bутвержден\w*|\bлимит\w*")),
]
# A total over the sources or the years: «Всего», «Итого», «Объем финансирования – всего».
TOTAL = _rx(r"(?<![\w])(?:всего|итого|общ\w*\s+объ[её]м|сумма)(?![\w])")

# Funding sources: the spec's vocabulary, first match wins.
SOURCES: list[tuple[str, re.Pattern]] = [
    ("extrabudgetary", _rx(r"внебюджетн\w*")),
    ("federal_budget", _rx(r"федеральн\w*\s+бюджет|бюджет\w*\s+российской\s+федерации|(?-i:\bФБ\b)")),
    ("local_budget", _rx(r"местн\w*\s+бюджет|муниципальн\w*\s+бюджет|бюджет\w*\s+(?:муниципальн|город|район|округ|поселени)"
                         r"|(?-i:\bМБ\b)")),
    ("regional_budget", _rx(
        r"краев\w*\s+бюджет|областн\w*\s+бюджет|региональн\w*\s+бюджет|республиканск\w*\s+бюджет|окружн\w*\s+бюджет"
        r"|бюджет\w*\s+(?:[А-ЯЁ]\w+\s+)+(?:кра[яюе]|област[иь]|республик[иа]|округ\w*)|бюджет\w*\s+республик"
        r"|бюджет\w*\s+субъект|(?-i:\b[ОК]Б\b)")),
    ("fund_grant", _rx(r"грант\w*|средств\w*\s+фонда|\bфонд\w*")),
    ("own_funds", _rx(r"собственн\w*\s+средств")),
    ("other", _rx(r"ин\w*\s+источник|привлеченн\w*|спонсор\w*|благотворит\w*|прочи\w*\s+источник|средств\w*\s+организаци")),
]

# The words the source names are made of, for reading a label OCR misspelt («краезой оюджет»).
SOURCE_WORDS = ["внебюджетные", "федеральный", "местный", "муниципальный", "бюджет", "бюджета", "краевой",
                "областной", "региональный", "республиканский", "окружной", "грант", "средства", "фонда",
                "собственные", "источники", "привлеченные"]

# Scale words before «руб.», and the scale of the amounts a heading, a caption or a title
# states with them: «тыс. рублей», «млн руб.».
SCALE_WORDS = {"тыс": Decimal(1000), "млн": Decimal(1_000_000), "млрд": Decimal(1_000_000_000)}
SCALES: list[tuple[Decimal, re.Pattern]] = [(factor, _rx(word + r"\w*\.?\s*руб")) for word, factor in SCALE_WORDS.items()]

# --------------------------------------------------------------------------- rows

# «Итого по задаче 2», «Всего по подпрограмме 1», «Итого по разделу II»: a section's subtotal.
SUBTOTAL_ROW = _rx(r"^\s*(?:итого|всего)\s*(?:,\s*)?(?:по|за)\s+(?:задач\w*|раздел\w*|подпрограмм\w*|направлени\w*"
                   r"|блок\w*|цел\w*|пункт\w*|основн\w*\s+мероприяти\w*)\s*(?:№\s*)?([IVXLC]+|\d{1,2}(?:\.\d{1,2})*)\b")
# A document total: «Итого», «ВСЕГО по комплексу мер», «Итого по программе».
TOTAL_ROW = _rx(r"^\s*(?:итого|всего)\b")
# «всего, в том числе:» as a row under a measure: the amount before the split by source.
SPLIT_TOTAL_ROW = _rx(r"^\s*(?:всего|итого)\s*[,:]?\s*(?:в\s+том\s+числе|в\s+т\.\s*ч\.|из\s+них)")
# The words that open a task or section heading.
SECTION_WORD = r"(?:задача|раздел|подпрограмма|направление)"
# A task or section heading.
TASK_ROW = _rx(r"^\s*" + SECTION_WORD + r"\s*№?\s*(\d{1,2}|[IVXLC]+)\s*[.:)]?\s*(.*)$")
# A share of the amounts above («Доля гранта Фонда … (%)»): derived, not an amount.
SHARE_ROW = _rx(r"^\s*доля\b|%\s*\)?\s*$")
# A row that names a year only: «2019 г.», «2019 год», «2019».
YEAR_ONLY = _rx(r"^\s*((?:19|20)\d{2})\s*(?:г\.?|год\w*)?\s*\.?\s*$")

# --------------------------------------------------------------------------- cells

# A dash, an «x» or «х»: the cell says there is no value.
NO_VALUE = _rx(r"^\s*(?:[-–—−xXхХ×]+|н/д|нет)?\s*$")
# An indicator's empty cell: «нет» there is the answer of a yes/no indicator, not a blank.
NO_INDICATOR_VALUE = _rx(r"^\s*(?:[-–—−xXхХ×]+|н/д)?\s*$")
# Words that split a total into its parts: «в том числе», «в т.ч.», «из них», «включая».
# OCR drops spaces, puts specks between the words («в том, числе») and reads «из» as «мз»
SPLIT_WORDS = _rx(r"(?<![\w])(?:в\s*том[\s,.`'’]*числе|в\s+т\.\s*ч\.?|[им]з\s+них|включая)(?![\w]):?")

# --------------------------------------------------------------------------- dates

# Month names by stem («августа», «Август»), and as dates print them (the genitive), for
# reading an OCR'd name that is off by a letter.
MONTHS = {"январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8, "сентябр": 9,
          "октябр": 10, "ноябр": 11, "декабр": 12}
MONTH_FORMS = {"января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7, "августа": 8,
               "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12}

# --------------------------------------------------------------------------- OCR

# Letters OCR (or a typist) puts for digits: read as digits inside any number («5О0 000», «l00»).
DIGIT_LOOKALIKES = {"О": "0", "о": "0", "O": "0", "o": "0", "З": "3", "з": "3", "б": "6", "l": "1", "I": "1", "|": "1"}
# …and also inside a row code, where only digits can stand («1.Б.», «S.2», «В.1»).
CODE_DIGIT_LOOKALIKES = DIGIT_LOOKALIKES | {"Б": "6", "S": "5", "s": "5", "В": "8", "Ч": "4"}
# The letters of each, for character classes.
DIGIT_LOOKALIKE_LETTERS = re.escape("".join(DIGIT_LOOKALIKES))
CODE_DIGIT_LOOKALIKE_LETTERS = re.escape("".join(CODE_DIGIT_LOOKALIKES))
# Lower-case letters Tesseract's Russian model reads for one another on a blurred low-resolution
# scan (a stroke lost or joined): «краезой» for «краевой», «помошь» for «помощь», «детея» for «детей».
OCR_LETTER_CONFUSIONS = ["вз", "йя", "им", "ин", "нм", "иц", "шщ", "гт", "сг", "её", "бо", "ао", "ос", "лп", "дл",
                         "кх", "ьъ", "ув"]
# One-letter prepositions and conjunctions that OCR runs into the next word («втом числе»).
ONE_LETTER_WORDS = "вскоиуя"
# Letters no word begins with, nor a list numbers its items with: alone, they are a speck misread.
NEVER_ALONE_LETTERS = "ъыьЪЫЬ"

# --------------------------------------------------------------------------- organisations

# Legal forms of state and municipal institutions, as a grammar of their initials: the
# level (федеральное, краевое …), the owner, the financing, then the kind of institution:
# «ГБУ», «МКУ», «КГБУСО», «ФГБОУ», «МАДОУ», «ГБПОУ», «ОГКУ» are all of this shape.
INSTITUTION_LEVELS = {"Ф": "федеральное", "К": "краевое", "О": "областное", "Р": "республиканское"}
INSTITUTION_OWNERS = {"Г": "государственное", "М": "муниципальное"}
INSTITUTION_FINANCING = {"Б": "бюджетное", "К": "казенное", "А": "автономное"}
INSTITUTION_KINDS = {
    "У": "учреждение", "УЗ": "учреждение здравоохранения", "УК": "учреждение культуры",
    "УСО": "учреждение социального обслуживания", "УСОН": "учреждение социального обслуживания населения",
    "УДО": "учреждение дополнительного образования", "ОУ": "образовательное учреждение",
    "ДОУ": "дошкольное образовательное учреждение", "ПОУ": "профессиональное образовательное учреждение",
}
# Legal forms of other organisations.
ORGANISATION_FORMS = {
    "АНО": "автономная некоммерческая организация", "ООО": "общество с ограниченной ответственностью",
    "РОО": "региональная общественная организация", "БФ": "благотворительный фонд",
}


def _alternatives(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


INSTITUTION_FORM = (f"(?:{_alternatives(INSTITUTION_LEVELS)})?(?:{_alternatives(INSTITUTION_OWNERS)})"
                    f"(?:{_alternatives(INSTITUTION_FINANCING)})(?:{_alternatives(INSTITUTION_KINDS)})")
# A legal form standing as a word of its own («ГБУ КО …», «… «Доверие» АНО …»).
LEGAL_FORM = re.compile(rf"(?<![А-ЯЁа-яё])(?:{INSTITUTION_FORM}|{_alternatives(ORGANISATION_FORMS)})(?![А-ЯЁа-яё])")
INSTITUTION = re.compile(rf"(?<![А-ЯЁа-яё]){INSTITUTION_FORM}(?![А-ЯЁа-яё])")


def legal_form_words(form: str) -> str | None:
    """A legal form's words in the nominative: «КГБУСО» → «краевое государственное бюджетное
    учреждение социального обслуживания», «АНО» → «автономная некоммерческая организация»."""
    if form in ORGANISATION_FORMS:
        return ORGANISATION_FORMS[form]
    for level in ("", *INSTITUTION_LEVELS):
        rest = form[len(level):] if form.startswith(level) else None
        if rest and len(rest) > 2 and rest[0] in INSTITUTION_OWNERS and rest[1] in INSTITUTION_FINANCING \
                and rest[2:] in INSTITUTION_KINDS:
            words = [INSTITUTION_LEVELS.get(level), INSTITUTION_OWNERS[rest[0]], INSTITUTION_FINANCING[rest[1]],
                     INSTITUTION_KINDS[rest[2:]]]
            return " ".join(w for w in words if w)
    return None



# Ministries' short forms («Минздрав», «Минсоцзащита», «Минобрнауки») by the stem of their
# lemma after «мин», with the field each names as the full name prints it. A short form
# is matched in any case through its lemma, so a stem stands for every form.
MINISTRY_FIELDS = {
    "соцзащит": "социальной защиты", "трудсоцзащит": "труда и социальной защиты",
    "соцразвит": "социального развития", "соцполитик": "социальной политики",
    "труд": "труда", "здрав": "здравоохранения", "образован": "образования", "обрнаук": "образования и науки",
    "просвещен": "просвещения", "культур": "культуры", "спорт": "спорта", "молодеж": "молодежной политики",
    "природ": "природных ресурсов и экологии", "экономразвит": "экономического развития", "фин": "финансов",
    "строй": "строительства", "цифр": "цифрового развития", "сельхоз": "сельского хозяйства",
    "юст": "юстиции", "транс": "транспорта", "энерго": "энергетики", "промторг": "промышленности и торговли",
    "имуществ": "имущественных отношений", "тур": "туризма", "жкх": "жилищно-коммунального хозяйства",
}
# The federal ministries whose field their short form does not spell out in full.
FEDERAL_MINISTRY_FIELDS = {
    "труд": "труда и социальной защиты", "обрнаук": "науки и высшего образования",
    "цифр": "цифрового развития, связи и массовых коммуникаций",
    "строй": "строительства и жилищно-коммунального хозяйства", "имуществ": "имущественных отношений",
}
# A short form's region said without naming it: the document's own («минздрав края»).
OWN_REGION = _rx(r"^(?:края|области|республики|округа|автономного\s+округа)$")
# The federal level after a short form («Минтруд России»), and in a body's name.
FEDERAL = _rx(r"^(?:России|РФ|Российской\s+Федерации)$")
FEDERAL_NAME = _rx(r"(?:\bРоссии|\bРФ|Российской\s+Федерации)\s*$")
# Certification stamps and marks on a copy: never an issuer, a title or a signatory.
# Words that join one executor to the next in a cell («минтруд … совместно с ГБУ …»): the
# executors are split before the second, and the words belong to neither.
JOINED_WITH = _rx(r"\s+(?:совместно\s+с|во\s+взаимодействии\s+с|с\s+участием|при\s+участии|а\s+также|и|с)\s*$")
CERTIFICATION_MARK = _rx(r"^\s*(?:копия\s+верна|верно\b|подлинник\s+подписан|документ\s+подписан\s+электронн\w*\s+подпис"
                         r"|сведения\s+о\s+сертификате|сертификат\b|владелец\b|действителен\b|подпись\b)")
# A person's name as a signature prints it: «И.В. Коноватов», «Коноватов И.В.».
PERSON = re.compile(r"^(?:[А-ЯЁ]\.\s?){1,2}\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?$|^[А-ЯЁ][а-яё]+\s(?:[А-ЯЁ]\.\s?){1,2}$")
# People a target group is made of: the head of a group stated in a sentence names one of them.
PEOPLE = _rx(r"(?<![\w-])(?:сем[ьеи]|дет[иейям]|ребен|родител|граждан|человек|инвалид|подрост|несовершеннолет|"
             r"женщин|матер|отц|выпускник|добровол|волонт|пенсионер|молод[её]ж|студент|школьник|учащ|воспитанник|"
             r"сирот|лиц\b|лиц[аам])")

# Indicators: a target printed with a bound («не менее 85») and the yes/no answers of a «да/нет» indicator.
VALUE_BOUNDS: list[tuple[str, re.Pattern]] = [
    ("at_least", _rx(r"^(?:не\s+менее|не\s+ниже|не\s+меньше|от|≥|>=)\s*")),
    ("at_most", _rx(r"^(?:не\s+более|не\s+выше|не\s+больше|до|≤|<=)\s*")),
    ("above", _rx(r"^(?:более|свыше|выше|больше|>)\s*")),
    ("below", _rx(r"^(?:менее|ниже|меньше|<)\s*")),
]
YES_NO = {"да": 1, "нет": 0}

# Federal bodies by their full name (nominative), with the other names and abbreviations
# orders print for them. Their regional branches («Отделение СФР по Алтайскому краю»,
# «ГУ МВД России по …») are one body per region, and the federal body is their parent.
FEDERAL_BODIES: dict[str, tuple[str, ...]] = {
    "Фонд пенсионного и социального страхования Российской Федерации": (
        "СФР", "Социальный фонд России", "Социальный фонд Российской Федерации", "Соцфонд России"),
    "Пенсионный фонд Российской Федерации": ("ПФР", "ПФ РФ", "Пенсионный фонд России"),
    "Фонд социального страхования Российской Федерации": ("ФСС", "ФСС РФ", "ФСС России"),
    "Министерство внутренних дел Российской Федерации": ("МВД", "МВД России", "МВД РФ"),
    "Министерство Российской Федерации по делам гражданской обороны, чрезвычайным ситуациям и ликвидации "
    "последствий стихийных бедствий": ("МЧС", "МЧС России"),
    "Федеральная служба исполнения наказаний": ("ФСИН", "ФСИН России"),
    "Федеральная налоговая служба": ("ФНС", "ФНС России"),
    "Федеральная служба судебных приставов": ("ФССП", "ФССП России"),
    "Федеральная служба по надзору в сфере защиты прав потребителей и благополучия человека": (
        "Роспотребнадзор",),
    "Федеральная служба государственной статистики": ("Росстат",),
    "Федеральная служба по труду и занятости": ("Роструд",),
    "Федеральная служба государственной регистрации, кадастра и картографии": ("Росреестр",),
    "Следственный комитет Российской Федерации": ("СК России", "СКР"),
    "Прокуратура Российской Федерации": ("Генеральная прокуратура Российской Федерации",),
}
# The words that make a body a federal body's branch in a territory, before its name
# («Отделение …», «Главное управление …») or glued to its abbreviation («ОСФР», «ГУ МВД»).
BRANCH = _rx(r"^(?:(?:главн\w+\s+|межрегиональн\w+\s+)?управлени\w*|отделени\w*|филиал\w*|"
             r"территориальн\w+\s+орган\w*|(?:межмуниципальн\w+\s+)?отдел\w*)\s+")
BRANCH_INITIALS = ("ГУ", "УМВД", "ОМВД", "У", "О")  # «ОСФР» = отделение СФР, «УФНС» = управление ФНС
