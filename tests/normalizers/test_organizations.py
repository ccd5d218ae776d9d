"""Executor cells, organisation index and kinds (normalizers/organizations.py, normalizers/inflect.py)."""
from __future__ import annotations

import pytest

from normalizers.inflect import case_variants, to_nominative
from normalizers.organizations import (FederalIdentity, OrganizationIndex, classify_kind, common_name,
                                      federal_identity, executor_names, ministry_field,
                                      ministry_mentions, strip_notes, with_own_region_named)
from tests.generated.vocabulary import MINISTRY_SHORT_FORMS

MINSOC = "Министерство труда и социальной защиты населения Ставропольского края"
DEFINING_TEXT = f"{MINSOC} (далее – минсоцзащиты края) обеспечивает координацию"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("минсоцзащиты края, минобразования края", ["минсоцзащиты края", "минобразования края"]),
        ("министерство образования Калужской области (по согласованию)",
         ["министерство образования Калужской области"]),
        ("УМВД России по Калужской области (по согласованию), органы местного самоуправления (по согласованию)",
         ["УМВД России по Калужской области", "органы местного самоуправления"]),
        ("ГБУ КО «Центр «Доверие» ГБУ КО Центр «Ровесник»", ["ГБУ КО «Центр «Доверие»", "ГБУ КО Центр «Ровесник»"]),
        ("отдел культуры, туризма и социального развития", ["отдел культуры, туризма и социального развития"]),
        ("министерство здравоохранения края;\nминистерство культуры края",
         ["министерство здравоохранения края", "министерство культуры края"]),
        ("1. Министерство труда\nи социальной защиты края", ["Министерство труда и социальной защиты края"]),
        ("", []),
        # a name printed without its closing quote ends at «;»
        ("ГБУ «Центр социальной помощи семье и детям; Министерство здравоохранения края",
         ["ГБУ «Центр социальной помощи семье и детям", "Министерство здравоохранения края"]),
    ],
)
def test_executor_names(cell, expected):
    assert executor_names(cell) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("министерство культуры края (по согласованию)", "министерство культуры края"),
        ("1. министерство культуры края;", "министерство культуры края"),
        (f"{MINSOC} (далее – минсоцзащиты края)", MINSOC),
    ],
)
def test_strip_notes(name, expected):
    assert strip_notes(name) == expected


def _index() -> OrganizationIndex:
    index = OrganizationIndex(DEFINING_TEXT, region_code="RU-STA")
    index.learn_definitions([DEFINING_TEXT])
    return index


def test_index_learns_definition_and_resolves_short_form():
    index = _index()
    assert index.definitions == {"минсоцзащитыкрая": MINSOC}
    assert index.add("минсоцзащиты края") == MINSOC
    assert index.add("минсоцзащиты края (по согласованию)") == MINSOC
    assert index.resolve("Минсоцзащиты  края") == MINSOC
    assert index.resolve("министерство обороны") is None


def test_index_puts_new_names_in_nominative_and_lists_organizations():
    index = _index()
    assert index.add("министерством образования края") == "Министерство образования края"
    orgs = {o.name: o for o in index.organizations()}
    assert set(orgs) == {MINSOC, "Министерство образования края"}
    assert orgs[MINSOC].kind == "ministry"
    assert orgs[MINSOC].region_code == "RU-STA"
    assert "минсоцзащиты края" in orgs[MINSOC].aliases
    assert "министерством образования края" in orgs["Министерство образования края"].aliases


def test_collect_aliases_finds_inflected_forms_in_text():
    text = "Министерством культуры края проводится работа. Отчёт министерству культуры края."
    index = OrganizationIndex(text)
    name = index.add("министерство культуры края")
    index.collect_aliases()
    assert {"Министерством культуры края", "министерству культуры края"} <= index.aliases[name]


@pytest.mark.parametrize(
    ("phrase", "from_case", "expected"),
    [
        ("министерством труда и социальной защиты Калужской области", None,
         "министерство труда и социальной защиты Калужской области"),
        ("администрации Плесецкого муниципального округа", "gent", "администрация Плесецкого муниципального округа"),
        ("органами местного самоуправления", None, "органы местного самоуправления"),
        ("Министерство финансов края", None, "Министерство финансов края"),
        ("УМВД России", None, "УМВД России"),
    ],
)
def test_to_nominative(phrase, from_case, expected):
    assert to_nominative(phrase, from_case) == expected


def test_case_variants():
    assert case_variants("министерство культуры края") == {
        "министерство культуры края", "министерства культуры края", "министерству культуры края",
        "министерством культуры края", "министерстве культуры края",
    }


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Министерство труда и социальной защиты Калужской области", "ministry"),
        ("минсоцзащиты края", "ministry"),
        ("ГБУ КО «Центр «Доверие»", "institution"),
        ("организации соцобслуживания края", "group"),
        ("органы местного самоуправления", "group"),
        ("Фонд поддержки детей, находящихся в трудной жизненной ситуации", "fund"),
        ("Правительство Калужской области", "government"),
        ("Администрация Плесецкого муниципального округа", "government"),
        ("УМВД России по Калужской области", "federal_body"),
        ("АНО «Дом»", "ngo"),
        ("Что-то", "other"),
    ],
)
def test_classify_kind(name, kind):
    assert classify_kind(name) == kind


@pytest.mark.parametrize("name,kind", [
    ("ГКУ ЦЗН Боровского района", "institution"),           # legal form before the district
    ("Кременковский ОСЗН МР «Жуковский район»", "municipal_body"),
    ("Общественные организации и заинтересованные лица", "group"),
    ("Социально ориентированные некоммерческие организации", "group"),
    ("Калужская областная общественная организация работников социальных служб", "ngo"),
])
def test_kind_rules_in_their_order(name, kind):
    assert classify_kind(name) == kind


@pytest.mark.parametrize("known,short,expected", [
    # never defined, no such ministry named in the document: the field in the document's region
    ([], "минздрав края", "Министерство здравоохранения Алтайского края"),
    ([], "Минсоцзащиты", "Министерство социальной защиты Алтайского края"),
    # the document names the ministry of that field in full: the short form is that ministry
    (["Министерство труда и социальной защиты Алтайского края"], "минсоцзащиты края",
     "Министерство труда и социальной защиты Алтайского края"),
    # a ministry of two fields, its region by its initials
    (["Министерство труда и социального развития Новосибирской области"], "минтруд и соцразвития НСО",
     "Министерство труда и социального развития Новосибирской области"),
    ([], "минтруда и соцразвития края", "Министерство труда и социального развития Алтайского края"),
    ([], "Минкультуры и спорта Пермского края", "Министерство культуры и спорта Пермского края"),
])
def test_undefined_ministry_abbreviations(known, short, expected):
    index = OrganizationIndex("", "RU-ALT")
    for name in known:
        index.add(name)
    assert index.add(short) == expected


REGIONS_GENITIVE = ["Тверской области", "Пермского края", "Республики Коми", "Ханты-Мансийского автономного округа – Югры"]


@pytest.mark.parametrize(("field_", "short"), [(f, s) for f, forms in MINISTRY_SHORT_FORMS.items() for s in dict.fromkeys(forms)])
@pytest.mark.parametrize("region", REGIONS_GENITIVE)
def test_ministry_short_form_in_any_case_with_any_region(field_, short, region):
    index = OrganizationIndex("", "RU-KLU")  # the document's own region is another one
    assert index.add(f"{short} {region}") == f"Министерство {field_} {region}"


@pytest.mark.parametrize(("short", "name"), [
    ("Минтруд России", "Министерство труда и социальной защиты Российской Федерации"),
    ("Минтруда РФ", "Министерство труда и социальной защиты Российской Федерации"),
    ("Минздраву Российской Федерации", "Министерство здравоохранения Российской Федерации"),
    ("Минпросвещения России", "Министерство просвещения Российской Федерации"),
])
def test_federal_ministry_short_form(short, name):
    index = OrganizationIndex("", "RU-KLU")
    assert index.add(short) == name
    (organization,) = index.organizations()
    assert (organization.kind, organization.region_code) == ("federal_body", None)


def test_a_ministry_of_another_region_is_in_that_region():
    index = OrganizationIndex("", "RU-PER")
    index.add("Минсоцзащитой Тверской области")
    assert [o.region_code for o in index.organizations()] == ["RU-TVE"]


@pytest.mark.parametrize("word", ["Министерство", "Минимальный", "Минск", "минута"])
def test_words_that_are_no_ministry_short_form(word):
    assert ministry_field(word) is None


@pytest.mark.parametrize(("printed", "nominative"), [
    ("Социально ориентированными некоммерческими организациями",
     "Социально ориентированные некоммерческие организации"),
    ("Тверской области", "Тверская область"),
])
def test_plural_group_executors_and_regions_go_to_the_nominative(printed, nominative):
    assert to_nominative(printed, "ablt" if printed.endswith("ями") else "gent") == nominative


@pytest.mark.parametrize(("cell", "expected"), [
    # a digital PDF runs a cell's names together; a new body starts after a closing quote
    ("ОСЗН администрации МР «Мещовский район» ОСЗН администрации МР «Мосальский район»",
     ["ОСЗН администрации МР «Мещовский район»", "ОСЗН администрации МР «Мосальский район»"]),
    ("ОСЗН администрации МР «Износковский район» Управление социальной защиты города Калуги",
     ["ОСЗН администрации МР «Износковский район»", "Управление социальной защиты города Калуги"]),
    ("Кременковский ОСЗН МР «Жуковский район»", ["Кременковский ОСЗН МР «Жуковский район»"]),
    # the words that join the next body belong to neither
    ("минтруду и соцразвития НСО совместно с ГБУ НСО «Центр помощи семье»",
     ["минтруду и соцразвития НСО", "ГБУ НСО «Центр помощи семье»"]),
    ("Министерство образования Калужской области с участием ГБУ КО «Центр «Семья»»",
     ["Министерство образования Калужской области", "ГБУ КО «Центр «Семья»»"]),
    # words hyphenated at a line end inside the cell
    ("Органы местного самоуправле-ния Пермско- го края;\nМинистерство культу-\nры Пермского края",
     ["Органы местного самоуправления Пермского края", "Министерство культуры Пермского края"]),
])
def test_executor_names_run_together_or_hyphenated(cell, expected):
    assert executor_names(cell) == expected


def test_ministry_short_forms_in_prose_with_the_region_after_them():
    text = ("Поручить Минздраву Пермского края обеспечить. Совместно с минсоцзащиты края и Минтрудом России. "
            "Минимальный размер пособия области не касается. Рабочая группа создается при Минприроды "
            "Ханты-Мансийского автономного округа – Югры. Отчет направляется в минтруд и соцразвития НСО.")
    assert ministry_mentions(text) == ["Минздраву Пермского края", "минсоцзащиты края", "Минтрудом России",
                                       "Минприроды Ханты-Мансийского автономного округа – Югры",
                                       "минтруд и соцразвития НСО"]


def test_a_short_form_is_the_named_ministry_of_its_own_region_only():
    """«Омской области» is inside «Томской области»: the regions are compared, not the strings."""
    index = OrganizationIndex("", "RU-KLU")
    index.add("Минэкономразвития Томской области")
    assert index.add("Минэкономразвития Омской области") == "Министерство экономического развития Омской области"


def test_group_executors_listed_in_the_instrumental_are_names_of_their_own():
    cell = "Министерство сельского хозяйства Пермского края, образовательными организациями, медицинскими организациями"
    assert executor_names(cell) == ["Министерство сельского хозяйства Пермского края",
                                    "образовательными организациями", "медицинскими организациями"]


def test_a_short_form_of_the_programme_is_no_organisation():
    """«(далее – комплекс мер)» defines the programme, not a body named before it."""
    text = ("Утвердить Комплекс мер по поддержке института семьи и отцовства в Республике Коми на 2024-2026 годы "
            "(далее – комплекс мер).")
    index = OrganizationIndex(text, "RU-KO")
    index.learn_definitions([text])
    assert index.organizations() == []


SFR = "Фонд пенсионного и социального страхования Российской Федерации"
MVD = "Министерство внутренних дел Российской Федерации"


@pytest.mark.parametrize("name,identity", [
    ("Отделение Фонда пенсионного и социального страхования Российской Федерации по Алтайскому краю",
     FederalIdentity(SFR, True)),
    ("Отделение СФР по Омской области", FederalIdentity(SFR, True)),
    ("ОСФР по Республике Татарстан", FederalIdentity(SFR, True)),         # the branch's initials glued on
    ("отделением Социального фонда России по Пермскому краю", FederalIdentity(SFR, True)),  # another name, ablt
    ("Социальный фонд России", FederalIdentity(SFR, False)),
    ("ГУ МВД России по Алтайскому краю", FederalIdentity(MVD, True)),
    ("Главное управление МВД России по Новосибирской области", FederalIdentity(MVD, True)),
    ("МВД России", FederalIdentity(MVD, False)),
    ("УФНС России по Омской области", FederalIdentity("Федеральная налоговая служба", True)),
    ("Управление Роспотребнадзора по Курской области",
     FederalIdentity("Федеральная служба по надзору в сфере защиты прав потребителей и благополучия человека", True)),
    ("Министерство образования Алтайского края", None),
    ("Управление социальной защиты населения по городу Барнаулу", None),
    ("КГБУ «Центр социальной помощи семье и детям»", None),
])
def test_federal_identity(name, identity):
    assert federal_identity(name) == identity


@pytest.mark.parametrize("names,shared", [
    (["Министерство образования Алтайского края", "Министерство образования Омской области",
      "министерство образования Республики Татарстан"], "министерство образования"),
    (["Администрация города Барнаула", "Администрация г. Омска"], "администрация"),
    (["Управление социальной защиты населения по городу Барнаулу",
      "УСЗН Курганской области"], "управление социальной защиты населения"),
    (["Отделение СФР по Алтайскому краю", "ОСФР по Омской области"], SFR.lower()),
])
def test_bodies_named_alike_in_different_regions_share_a_common_name(names, shared):
    assert {common_name(n) for n in names} == {shared}


@pytest.mark.parametrize("name,region,expected", [
    ("министерство социальной защиты населения края", "RU-ALT", "министерство социальной защиты населения Алтайского края"),
    ("министерством образования области", "RU-NVS", "министерством образования Новосибирской области"),
    ("Министерство здравоохранения Пермского края", "RU-ALT", "Министерство здравоохранения Пермского края"),  # named
    ("министерство социальной защиты населения края", None, "министерство социальной защиты населения края"),
    ("краевое государственное бюджетное учреждение", "RU-ALT", "краевое государственное бюджетное учреждение"),
])
def test_a_name_that_says_its_region_without_naming_it_gets_the_region_named(name, region, expected):
    assert with_own_region_named(name, region) == expected
