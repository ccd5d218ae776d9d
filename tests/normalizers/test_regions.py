"""Tests for normalizers.regions: the table of subjects and finding them in text."""
import re

import pytest

from normalizers.regions import (REGIONS, Region, city_mentions, find_city, find_district_centre, find_region,
                                find_regions, region_by_code)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("на территории Калужской области", "RU-KLU"),
        ("министерство труда и социальной защиты населения Ставропольского края", "RU-STA"),
        ("Правительство Алтайского края", "RU-ALT"),
        ("ПРАВИТЕЛЬСТВО АЛТАЙСКОГО КРАЯ", "RU-ALT"),
        ("в Ставропольском крае", "RU-STA"),
        ("Плесецкого муниципального округа Архангельской области", "RU-ARK"),
        ("Главы Республики Башкортостан", "RU-BA"),
        ("в Республике Татарстан", "RU-TA"),
        ("Ханты-Мансийского автономного округа – Югры", "RU-KHM"),
        ("Департамент здравоохранения Югры", "RU-KHM"),
        ("Правительства г. Москвы", "RU-MOW"),
        ("Комитет по социальной политике Санкт-Петербурга", "RU-SPE"),
        ("в городе Севастополе", "RU-SEV"),
        ("Кабинет Министров Чувашской Республики", "RU-CU"),
        ("Министерство просвещения Кабардино-Балкарской Республики", "RU-KB"),
        ("Правительство Еврейской автономной области", "RU-YEV"),
        ("Администрация Ненецкого автономного округа", "RU-NEN"),
        ("Губернатор Ямало-Ненецкого автономного округа", "RU-YAN"),
        ("Губернатор Ямало - Ненецкого автономного округа", "RU-YAN"),
        ("Чукотским автономным округом", "RU-CHU"),
        ("Правительство Республики Саха (Якутия)", "RU-SA"),
        ("Министерство образования Республики Северная Осетия-Алания", "RU-SE"),
        ("Главы Республики Марий Эл", "RU-ME"),
        ("Правительство Республики Коми", "RU-KO"),
        ("в Республике Адыгея", "RU-AD"),
        ("Правительства Республики Алтай", "RU-AL"),
        ("Совета министров Республики Крым", "RU-CR"),
        ("Правительство Донецкой Народной Республики", "RU-DPR"),
        ("Луганской Народной Республикой", "RU-LPR"),
        ("на территории Запорожской области", "RU-ZPR"),
        ("Правительство Херсонской области", "RU-KHE"),
        ("Губернатора Кемеровской области – Кузбасса", "RU-KEM"),
        ("в Новосибирской области", "RU-NVS"),
        ("Министерство социального развития Московской области", "RU-MOS"),
        ("Правительство Нижегородской области", "RU-NIZ"),
        ("Правительство Свердловской\nобласти", "RU-SVE"),
        ("с Ростовской областью", "RU-ROS"),
        ("Краснодарскому краю", "RU-KDA"),
        ("Красноярским краем", "RU-KYA"),
        ("Приморского края", "RU-PRI"),
        ("Хабаровском крае", "RU-KHA"),
        ("Глава Чеченской Республики", "RU-CE"),
        ("в Удмуртской Республике", "RU-UD"),
        ("Республики Тыва", "RU-TY"),
        ("в Республике Карелия", "RU-KR"),
        # customary initialisms, as printed
        ("минтруд и соцразвития НСО", "RU-NVS"),
        ("Департамент социального развития ХМАО – Югры", "RU-KHM"),
        ("Правительство ЯНАО", "RU-YAN"),
        ("в КБР", "RU-KB"),
    ],
)
def test_finds_region_in_any_case(text, code):
    assert find_region(text) == region_by_code(code)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Правительство Российской Федерации",
        "Калужский областной центр",
        "краевой бюджет и областной бюджет",
        "Республика",
        "Конституция Республики",
        "Республики Беларусь",
        "Ставропольский",  # an adjective without its noun
        "Московский государственный университет",
        "Санкт-Петербургский государственный университет",
        "Севастопольский",
        "Плесецкого муниципального округа",
        "НАО «Центр развития»",  # непубличное акционерное общество, not the Nenets okrug
        "нсо",  # initialisms count in capitals only
    ],
)
def test_no_region(text):
    assert find_region(text) is None


def test_every_canonical_name_is_found():
    for region in REGIONS:
        assert find_region(region.name) == region, region.name


def test_nenets_inside_yamalo_nenets_is_not_counted():
    found = find_regions("Ямало-Ненецкого автономного округа")
    assert found == [(region_by_code("RU-YAN"), 1)]


def test_most_mentioned_region_wins():
    text = (
        "г. Москва, ул. Ильинка. Правительство Калужской области. "
        "Министерство Калужской области; по Калужской области."
    )
    assert find_region(text) == region_by_code("RU-KLU")
    assert find_regions(text) == [(region_by_code("RU-KLU"), 3), (region_by_code("RU-MOW"), 1)]


def test_tie_goes_to_earliest_mention():
    text = "Тульской области и Рязанской области; Рязанской области и Тульской области"
    assert find_region(text) == region_by_code("RU-TUL")


def test_dash_tail_is_one_mention():
    assert find_regions("Ханты-Мансийского автономного округа — Югры") == [
        (region_by_code("RU-KHM"), 1)
    ]


def test_table_has_all_89_subjects_with_unique_iso_codes():
    codes = [region.code for region in REGIONS]
    assert len(REGIONS) == 89
    assert len(set(codes)) == 89
    assert len({region.name for region in REGIONS}) == 89
    assert all(re.fullmatch(r"RU-[A-Z]{2,3}", code) for code in codes)


def test_region_by_code():
    assert region_by_code("RU-KLU") == Region("Калужская область", "RU-KLU")
    with pytest.raises(KeyError):
        region_by_code("RU-XXX")


# A city named as one, in any case, gives its subject: pairs from every federal district.
@pytest.mark.parametrize(("text", "city", "code"), [
    ("Администрация города Твери", "Тверь", "RU-TVE"),
    ("в городе Котласе", "Котлас", "RU-ARK"),
    ("г. Нижний Новгород", "Нижний Новгород", "RU-NIZ"),
    ("администрации города Ростова-на-Дону", "Ростов-на-Дону", "RU-ROS"),
    ("городской округ город Королёв", "Королёв", "RU-MOS"),
    ("муниципальное образование «Город Калуга»", "Калуга", "RU-KLU"),
    ("г. Сургут", "Сургут", "RU-KHM"),
    ("города Норильска", "Норильск", "RU-KYA"),
    ("города Набережные Челны", "Набережные Челны", "RU-TA"),
    ("города Стерлитамака", "Стерлитамак", "RU-BA"),
    ("г. Пятигорск", "Пятигорск", "RU-STA"),
    ("города Сочи", "Сочи", "RU-KDA"),
    ("города Березники", "Березники", "RU-PER"),
    ("городе Магнитогорске", "Магнитогорск", "RU-CHE"),
    ("города Братска", "Братск", "RU-IRK"),
    ("города Находки", "Находка", "RU-PRI"),
    ("города Комсомольска-на-Амуре", "Комсомольск-на-Амуре", "RU-KHA"),
    ("г. Череповец", "Череповец", "RU-VLG"),
    ("города Великие Луки", "Великие Луки", "RU-PSK"),
    ("города Сызрани", "Сызрань", "RU-SAM"),
    ("города Энгельса", "Энгельс", "RU-SAR"),
    ("города Старый Оскол", "Старый Оскол", "RU-BEL"),
    ("города Новороссийска", "Новороссийск", "RU-KDA"),
    ("города Дербента", "Дербент", "RU-DA"),
    ("города Хасавюрта", "Хасавюрт", "RU-DA"),
    ("города Нефтеюганска", "Нефтеюганск", "RU-KHM"),
    ("города Новый Уренгой", "Новый Уренгой", "RU-YAN"),
    ("города Бийска", "Бийск", "RU-ALT"),
    ("города Новокузнецка", "Новокузнецк", "RU-KEM"),
    ("города Ухты", "Ухта", "RU-KO"),
    ("города Северодвинска", "Северодвинск", "RU-ARK"),
    ("города Балаково", "Балаково", "RU-SAR"),
    # plural names in the genitive, and in capitals
    ("администрации города Великих Лук", "Великие Луки", "RU-PSK"),
    ("ГОРОДА НАБЕРЕЖНЫХ ЧЕЛНОВ", "Набережные Челны", "RU-TA"),
    ("города Чебоксар", "Чебоксары", "RU-CU"),
    # a word after «Город» that names no city leaves the next mention to be found
    ("в муниципальном образовании «Город\nАдминистрация города Читы", "Чита", "RU-ZAB"),
])
def test_a_city_gives_its_region(text, city, code):
    found = find_city(text)
    assert found is not None and (found.name, found.region.code) == (city, code)


@pytest.mark.parametrize("text", ["в городах области", "Городской Совет депутатов", "город федерального значения"])
def test_no_city_named(text):
    assert find_city(text) is None


def test_a_city_is_named_as_the_gazetteer_names_it_whatever_spelling_matched():
    """GeoNames lists other spellings («Чебоксар», «Новокузнетск»); the city keeps its Russian name."""
    assert [find_city(t).name for t in ("г. Чебоксар", "города Новокузнецк")] == ["Чебоксары", "Новокузнецк"]


def test_city_mentions_give_where_the_name_is_printed():
    text = "муниципальное образование «город южно-сахалинск»"
    ((start, end, city),) = city_mentions(text)
    assert (text[start:end], city.name) == ("южно-сахалинск", "Южно-Сахалинск")


@pytest.mark.parametrize(("text", "centre", "code"), [
    ("Администрация Кунгурского муниципального округа", "Кунгур", "RU-PER"),
    ("Котласский район", "Котлас", "RU-ARK"),
    ("Ухтинского городского округа", "Ухта", "RU-KO"),
    ("Череповецкого муниципального района", "Череповец", "RU-VLG"),
    ("Усинского городского округа", "Усинск", "RU-KO"),
])
def test_a_district_is_placed_by_the_centre_it_is_named_after(text, centre, code):
    _, city = find_district_centre(text)
    assert (city.name, city.region.code) == (centre, code)


@pytest.mark.parametrize("text", ["Октябрьский район", "Советского района", "Центрального района"])
def test_a_district_named_as_many_are_is_not_placed(text):
    assert find_district_centre(text) is None
