"""The order's header read from its opening paragraphs, however a reader grouped its lines."""
from __future__ import annotations


import pytest

from pipeline.parse.prose import find_title, parse_header, parse_signatories, parse_stated_target_groups


@pytest.mark.parametrize("paragraphs", [
    ["МИНИСТЕРСТВО СОЦИАЛЬНОГО РАЗВИТИЯ ТУЛЬСКОЙ ОБЛАСТИ", "ПРИКАЗ", "от 14.03.2025 № 42"],
    # a scan's reader joined the centred heading to the issuer above it
    ["МИНИСТЕРСТВО СОЦИАЛЬНОГО РАЗВИТИЯ ТУЛЬСКОЙ ОБЛАСТИ\nПРИКАЗ", "от 14.03.2025 № 42"],
    ["МИНИСТЕРСТВО СОЦИАЛЬНОГО РАЗВИТИЯ ТУЛЬСКОЙ ОБЛАСТИ\nПРИКАЗ\nот 14.03.2025 № 42"],
])
def test_act_heading_on_a_line_of_its_own(paragraphs):
    header = parse_header(paragraphs + ["Об утверждении комплекса мер на 2025–2026 годы"])
    assert (header.doc_type, header.doc_number, str(header.doc_date)) == ("приказ", "42", "2025-03-14")
    assert header.issuers == ["Министерство социального развития Тульской области"]  # normal case


def test_act_heading_and_number_as_a_scan_prints_them():
    """A speck after «ПРИКАЗ» and the day, and spaces OCR put inside a number printed alone."""
    header = parse_header(["Министерство культуры Калужской области", "ПРИКАЗ.", "Об утверждении комплекса мер",
                           "5: августа 2020", "1070-17/1301 -7/869/958"])
    assert (header.doc_type, header.doc_number, str(header.doc_date)) == ("приказ", "1070-17/1301-7/869/958",
                                                                           "2020-08-05")


@pytest.mark.parametrize(("paragraphs", "expected"), [
    # a one-line title, as legal databases print the act
    (["Постановление Правительства Тверской области от 14.03.2019 № 212-пп"],
     ("постановление", "212-пп", "2019-03-14", ["Правительство Тверской области"])),
    # the appendix stamp only, over several lines
    (["Приложение", "к постановлению Правительства", "Тверской области", "от 14.03.2019 № 212-пп"],
     ("постановление", "212-пп", "2019-03-14", ["Правительство Тверской области"])),
    (["Приложение № 2 к распоряжению Администрации Плесецкого муниципального округа от 01.02.2024 № 15-ра"],
     ("распоряжение", "15-ра", "2024-02-01", ["Администрация Плесецкого муниципального округа"])),
    # the approval stamp
    (["УТВЕРЖДЕН", "приказом министерства социальной политики Красноярского края", "от 5 августа 2020 г. № 77"],
     ("приказ", "77", "2020-08-05", ["Министерство социальной политики Красноярского края"])),
    # a stamp with no date or number, the heading below it after a speck read as a quote
    (["УТВЕРЖДЕНЫ", "приказом министерства труда и", "социальной защиты населения", "Ставропольского края",
      "„МЕРОПРИЯТИЯ", "и прогнозируемые объемы финансирования комплекса мер"],
     ("приказ", None, "None", ["Министерство труда и социальной защиты населения Ставропольского края"])),
    # the enacting formula only
    (["В целях поддержки семей с детьми Администрация города Твери постановляет:", "1. Утвердить программу."],
     ("постановление", None, "None", ["Администрация города Твери"])),
    (["В соответствии с законом Министерство культуры Пермского края П Р И К А З Ы В А Е Т:"],
     ("приказ", None, "None", ["Министерство культуры Пермского края"])),
])
def test_the_act_from_wherever_it_is_printed(paragraphs, expected):
    header = parse_header(paragraphs + ["Комплекс мер по поддержке семей на 2025–2026 годы"])
    assert (header.doc_type, header.doc_number, str(header.doc_date), header.issuers) == expected


def test_a_sentence_about_an_act_names_no_act():
    header = parse_header(["Постановление вступает в силу со дня его официального опубликования."])
    assert (header.doc_type, header.issuers) == (None, [])


@pytest.mark.parametrize("mark", ["КОПИЯ ВЕРНА", "Верно", "Подлинник подписан", "Документ подписан электронной подписью"])
def test_certification_marks_are_never_issuers_titles_or_signatories(mark):
    paragraphs = [mark, "МИНИСТЕРСТВО КУЛЬТУРЫ ПЕРМСКОГО КРАЯ", "ПРИКАЗ", "от 14.03.2025 № 42",
                  "Об утверждении комплекса мер на 2025–2026 годы", "Министр", "И.В. Петров", mark]
    header = parse_header(paragraphs)
    assert header.issuers == ["Министерство культуры Пермского края"]
    assert [(s.name, s.position) for s in parse_signatories(paragraphs)] == [("И.В. Петров", "Министр")]


def test_the_enacting_formula_names_the_issuer_a_bare_heading_does_not():
    header = parse_header(["ПОСТАНОВЛЕНИЕ", "от 12.11.2024 № 1043",
                           "В целях поддержки семей Администрация города Сургута постановляет:"])
    assert (header.doc_type, header.doc_number, header.issuers) == ("постановление", "1043",
                                                                    ["Администрация города Сургута"])


@pytest.mark.parametrize(("line", "signatory"), [
    ("Министр\tО.В. Кравцова", ("О.В. Кравцова", "Министр")),
    ("Глава города        И.П. Сидоров", ("И.П. Сидоров", "Глава города")),
    ("Министр А.В. Ремизова", ("А.В. Ремизова", "Министр")),  # one space, as OCR joins the two columns
    ("Первый заместитель министра Ремизова А.В.", ("Ремизова А.В.", "Первый заместитель министра")),
])
def test_a_signature_on_one_line(line, signatory):
    assert [(s.name, s.position) for s in parse_signatories(["1. Контроль оставляю за собой.", line])] == [signatory]


@pytest.mark.parametrize("line", ["Руководитель рабочей группы – И.И. Иванов",
                                  "Директор центра назначен приказом от 12.03.2024 № 5 И.И. Иванов"])
def test_a_line_naming_a_person_in_the_text_is_no_signature(line):
    assert parse_signatories(["1. Утвердить состав рабочей группы.", line]) == []


@pytest.mark.parametrize(("sentence", "groups"), [
    ("Реализация комплекса мер позволит охватить не менее 312 семей, находящихся в трудной жизненной ситуации, "
     "в том числе детей-инвалидов – 120.",
     [("семьи, находящиеся в трудной жизненной ситуации", 312), ("дети-инвалиды", 120)]),
    ("Помощь получат 40 многодетных семей.", [("многодетные семьи", 40)]),
    ("В мероприятиях примут участие 1 500 детей из малоимущих семей; из них детей-сирот — 35.",
     [("дети из малоимущих семей", 1500), ("дети-сироты", 35)]),
    # an adjective standing for people declines as one
    ("Реализация комплекса мер позволит охватить 90 несовершеннолетних, состоящих на профилактическом учете.",
     [("несовершеннолетние, состоящие на профилактическом учете", 90)]),
    # counts of anything but people are no target group
    ("Мероприятиями планируется охватить 15 муниципальных районов области.", []),
    ("Объем финансирования, в том числе: 2020 год – 100 000 рублей.", []),
])
def test_target_groups_stated_in_a_sentence(sentence, groups):
    assert [(g.title, g.count) for g in parse_stated_target_groups([sentence])] == groups


@pytest.mark.parametrize(("lines", "title"), [
    # a region's name broken over two lines, in either place
    (["Комплекс мер по поддержке семей на территории Республики", "Карелия на 2020–2021 годы"],
     "Комплекс мер по поддержке семей на территории Республики Карелия на 2020–2021 годы"),
    (["Комплекс мер по поддержке семей на территории", "Тверской", "области на 2019–2020 годы"],
     "Комплекс мер по поддержке семей на территории Тверской области на 2019–2020 годы"),
    # a quote still open, a title in capitals, a word in an oblique case
    (["Комплекс мер в муниципальном образовании «Город", "Чита» на 2024–2025 годы"],
     "Комплекс мер в муниципальном образовании «Город Чита» на 2024–2025 годы"),
    (["КОМПЛЕКС МЕР ПО ПОДДЕРЖКЕ СЕМЕЙ НА ТЕРРИТОРИИ", "СТАВРОПОЛЬСКОГО КРАЯ", "НА 2022–2023 ГОДЫ"],
     "Комплекс мер по поддержке семей на территории Ставропольского края на 2022–2023 годы"),
    (["Комплекс мер по поддержке семей на территории", "Пермского края на 2022–2023 годы"],
     "Комплекс мер по поддержке семей на территории Пермского края на 2022–2023 годы"),
    # a title that has reached its years ends; so does one before a sentence or a footnote
    (["Комплекс мер по поддержке семей на 2022–2023 годы", "Пермского края"],
     "Комплекс мер по поддержке семей на 2022–2023 годы"),
    (["Комплекс мер по поддержке семей", "Министерство образования обеспечивает координацию."],
     "Комплекс мер по поддержке семей"),
    (["Комплекс мер по поддержке семей", "* Мероприятия по согласованию с исполнителями."],
     "Комплекс мер по поддержке семей"),
])
def test_a_title_runs_across_all_its_lines(lines, title):
    assert find_title(lines) == title


@pytest.mark.parametrize(("lines", "signatory"), [
    (["Министр образования Тверской области", "И.И. Петров"],
     ("И.И. Петров", "Министр", "Министерство образования Тверской области")),
    (["И.о. министра здравоохранения Пермского края", "А.А. Сидорова"],
     ("А.А. Сидорова", "И.о. министра", "Министерство здравоохранения Пермского края")),
    (["Начальник управления образования администрации города Твери", "В.В. Котов"],
     ("В.В. Котов", "Начальник", "Управление образования администрации города Твери")),
    # the body printed above the position is the body; a position naming no body stays whole
    (["Министерство культуры Калужской области", "Министр", "П.А. Суслов"],
     ("П.А. Суслов", "Министр", "Министерство культуры Калужской области")),
    (["Губернатор Тверской области", "И.М. Руденко"], ("И.М. Руденко", "Губернатор Тверской области", None)),
    # nor does one naming a body by its kind alone
    (["Начальник департамента", "С.С. Сидоров"], ("С.С. Сидоров", "Начальник департамента", None)),
    (["Начальник отдела С.С. Сидоров"], ("С.С. Сидоров", "Начальник отдела", None)),
    (["Руководитель управления", "Т.Т. Тихонова"], ("Т.Т. Тихонова", "Руководитель управления", None)),
    # the order's last clause above a bare position is no body
    (["3. Контроль за исполнением настоящего приказа оставляю за собой.", "Министр\tИ.И. Иванов"],
     ("И.И. Иванов", "Министр", None)),
])
def test_a_signature_gives_the_position_and_the_body_it_heads(lines, signatory):
    assert [(s.name, s.position, s.organization) for s in parse_signatories(lines)] == [signatory]


def test_a_blank_date_and_number_line_above_an_enacting_formula_is_the_acts():
    """No «ПОСТАНОВЛЕНИЕ» heading: the act comes from the formula, its date and number from the line above
    the title; a law quoted in the preamble is no issuer."""
    header = parse_header([
        "от 20.02.2024 № 415", "Об утверждении комплекса мер по поддержке молодых семей",
        "В соответствии с Федеральным законом от 06.10.2003 № 131-ФЗ «Об общих принципах организации местного "
        "самоуправления в Российской Федерации», руководствуясь Уставом города, Администрация города Сызрани "
        "постановляет:"])
    assert (header.doc_type, header.doc_number, str(header.doc_date), header.issuers) == (
        "постановление", "415", "2024-02-20", ["Администрация города Сызрани"])


@pytest.mark.parametrize("lines", [
    ["Министр социальной защиты населения", "Курганской области\tЛ.Н. Кравцова"],
    ["Министр социальной защиты", "населения Курганской области", "Л.Н. Кравцова"],
])
def test_a_position_wrapped_over_two_lines(lines):
    assert [(s.position, s.organization) for s in parse_signatories(lines)] == [
        ("Министр", "Министерство социальной защиты населения Курганской области")]


def test_a_part_of_a_group_counted_before_its_name():
    groups = parse_stated_target_groups(["Комплекс позволит охватить 2000 семей с детьми, в том числе 400 многодетных семей."])
    assert [(g.title, g.count) for g in groups] == [("семьи с детьми", 2000), ("многодетные семьи", 400)]


@pytest.mark.parametrize(("subject", "period"), [
    ("Об утверждении плана мероприятий на 2025 год", (2025, 2025)),
    ("Об утверждении комплекса мер на 2025-2026 годы", (2025, 2026)),
    ("Об утверждении комплекса мер", (None, None)),
])
def test_the_period_is_the_programme_s_years_of_one_year_or_more(subject, period):
    """Its years may stand in the act's subject line alone, or be one year."""
    header = parse_header(["ПРАВИТЕЛЬСТВО НОВОСИБИРСКОЙ ОБЛАСТИ", "ПОСТАНОВЛЕНИЕ", "от 12.03.2025 № 45",
                           subject, "1. Утвердить прилагаемый план мероприятий.", "План мероприятий"])
    assert (header.period_start, header.period_end) == period
