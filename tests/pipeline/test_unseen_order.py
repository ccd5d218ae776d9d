"""An order of the same family from a region the corpus does not have parses with no
code change: everything is recognised by what headers and text say."""
from pathlib import Path
from decimal import Decimal

import pytest

from pipeline.stages import extract

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "altai_order.txt"


@pytest.fixture(scope="module")
def doc():
    return extract(FIXTURE)


def test_header(doc):
    h = doc.header
    assert (h.doc_type, h.doc_number, str(h.doc_date)) == ("распоряжение", "290-р", "2023-08-22")
    assert (h.region, h.region_code, h.period_start, h.period_end) == ("Алтайский край", "RU-ALT", 2023, 2024)
    assert h.title.startswith("Комплекс мер по поддержке семей с детьми")


def test_sections_number_measures_and_short_forms_resolve(doc):
    assert [(m.code, m.task_code) for m in doc.measures] == [("1.1", "1"), ("1.2", "1"), ("2.1", "2")]
    assert doc.measures[1].executors == ["Министерство социальной защиты Алтайского края"]
    assert "КГБУСО «Краевой кризисный центр для женщин»" in doc.measures[0].executors


def test_funding_in_thousands_with_split_and_totals(doc):
    rows = {(f.measure_code, f.year, f.source): f.amount_rub for f in doc.funding}
    assert rows[("1.1", None, "all")] == Decimal("1500000")
    assert rows[("1.1", None, "regional_budget")] == Decimal("500000")
    assert rows[("1.1", None, "fund_grant")] == Decimal("1000000")
    assert rows[("1.2", 2023, "regional_budget")] == Decimal("150000")
    assert rows[(None, 2024, "all")] == Decimal("950000")
    # 700 + 800 = 1 500 holds; the totals row agrees with the measures
    assert not [i for i in doc.issues if i.kind == "sum_mismatch"]


def test_indicators_and_target_groups(doc):
    assert [(i.code, i.unit, i.base_value, [(v.period, v.value) for v in i.values]) for i in doc.indicators] == [
        ("1", "семей", "100", [("2023", "150"), ("2024", "200")]),
        ("2", "%", "10.5", [("2023", "12"), ("2024", "15")]),
    ]
    assert [(g.title, g.count) for g in doc.target_groups] == [
        ("семьи с детьми, находящиеся в трудной жизненной ситуации", 1200),
        ("специалисты органов системы профилактики", None),
    ]


def test_letters_inside_numbers_are_flagged(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace("150 краевой бюджет\t150 краевой бюджет", "15О краевой бюджет\t150 краевой бюджет")
    text = text.replace("семей\t100\t150\t200", "семей\t100\tl50\t200")
    garbled = tmp_path / "garbled.txt"
    garbled.write_text(text, encoding="utf-8")
    issues = {(i.kind, i.where) for i in extract(garbled).issues}
    assert ("ocr_suspect", "funding 1.2") in issues
    assert ("ocr_suspect", "indicator 1") in issues


def test_amounts_stated_in_prose_are_checked_against_the_tables(tmp_path):
    sentence = ("Общий объем финансирования Комплекса мер – 1 800 000 рублей, из них в 2023 году – 850 000 рублей, "
                "в 2024 году – 900 000 рублей.\n\n")
    text = FIXTURE.read_text(encoding="utf-8").replace("Целевые группы:", sentence + "Целевые группы:")
    stated = tmp_path / "stated.txt"
    stated.write_text(text, encoding="utf-8")
    doc = extract(stated)
    assert [(year, amount) for year, amount, _ in doc.stated_amounts] == [
        (None, Decimal("1800000")), (2023, Decimal("850000")), (2024, Decimal("900000"))]
    mismatches = [i.detail for i in doc.issues if i.kind == "sum_mismatch"]
    assert len(mismatches) == 1 and "900 000 for 2024" in mismatches[0] and "950 000" in mismatches[0]


def test_an_executor_that_is_no_organisation_goes_to_review(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace(
        "управление Алтайского края по труду и занятости населения", "все желающие")
    path = tmp_path / "unresolved.txt"
    path.write_text(text, encoding="utf-8")
    issues = [(i.kind, i.where) for i in extract(path).issues if i.kind == "unresolved_org"]
    assert issues == [("unresolved_org", "measure 2.1")]


def test_by_agreement_is_a_flag_not_part_of_the_name(doc):
    measure = doc.measures[2]
    assert measure.executors == ["Управление Алтайского края по труду и занятости населения"]
    assert measure.by_agreement == measure.executors
    assert doc.measures[0].by_agreement == []


def test_whole_period_deadline_takes_the_document_period(tmp_path):
    text = FIXTURE.read_text(encoding="utf-8").replace("\t2024 г.\t", "\tв течение всего срока реализации\t")
    path = tmp_path / "whole.txt"
    path.write_text(text, encoding="utf-8")
    measure = extract(path).measures[2]
    assert (str(measure.deadline_start), str(measure.deadline_end)) == ("2023-01-01", "2024-12-31")


def test_a_signature_set_out_by_tabs_after_the_table(tmp_path):
    """«Министр<tab>О.В. Кравцова» after a blank line under the table is the signature,
    not the rest of the table's last row."""
    order = tmp_path / "order.txt"
    order.write_text("МИНИСТЕРСТВО ОБРАЗОВАНИЯ САРАТОВСКОЙ ОБЛАСТИ\nПРИКАЗ\nот 21.01.2025 № 112\n\n"
                     "Комплекс мер по поддержке семей на 2025-2026 годы\n\n"
                     "№ п/п\tНаименование мероприятия\tСрок исполнения\tИсполнители\n"
                     "1.1\tПроведение семинара\t2025 год\tМинздраву Пермского края\n"
                     "1.2\tИздание памяток\t2026 год\tМинтрудом России\n\nМинистр\tО.В. Кравцова\n", encoding="utf-8")
    doc = extract(order).to_export()
    assert [(s["name"], s["position"]) for s in doc["signatories"]] == [("О.В. Кравцова", "Министр")]
    assert [m["executors"] for m in doc["measures"]] == [
        ["Министерство здравоохранения Пермского края"], ["Министерство труда и социальной защиты Российской Федерации"]]
    assert not doc["issues"]


def test_a_municipal_order_lies_in_its_citys_region_whatever_bodies_it_lists(tmp_path):
    """The bodies of other regions an order names never outweigh its own heading."""
    order = tmp_path / "municipal.txt"
    order.write_text(
        "Администрация города Кунгура постановляет:\n\n"
        "Комплекс мер по поддержке семей с детьми на 2024–2025 годы\n\n"
        "Мероприятия реализуются во взаимодействии с Минздравом Тверской области и Минтрудом Тверской области.\n\n"
        "№ п/п\tНаименование мероприятия\tСрок исполнения\tИсполнители\n"
        "1.\tПроведение семинара\t2024 год\tМинздрав Тверской области\n", encoding="utf-8")
    header = extract(order).header
    assert (header.region_code, header.municipality) == ("RU-PER", "Город Кунгур")


def test_a_district_order_lies_where_its_centre_does_and_asks_a_reviewer(tmp_path):
    order = tmp_path / "district.txt"
    order.write_text(
        "Администрация Кунгурского муниципального округа постановляет:\n\n"
        "Комплекс мер по поддержке семей с детьми на 2024–2025 годы\n\n"
        "№ п/п\tНаименование мероприятия\tСрок исполнения\tИсполнители\n"
        "1.\tПроведение семинара\t2024 год\tУправление образования администрации округа\n", encoding="utf-8")
    doc = extract(order)
    assert (doc.header.region_code, doc.header.municipality) == ("RU-PER", "Кунгурский муниципальный округ")
    assert [i.where for i in doc.issues if i.kind == "missing_value"] == ["document region"]


def test_an_order_that_names_no_place_asks_for_its_region(tmp_path):
    order = tmp_path / "nowhere.txt"
    order.write_text("ПРИКАЗ\n\nот 01.02.2024 № 5\n\nКомплекс мер по поддержке семей с детьми на 2024–2025 годы\n\n"
                     "№ п/п\tНаименование мероприятия\tСрок исполнения\n1.\tПроведение семинара\t2024 год\n",
                     encoding="utf-8")
    doc = extract(order)
    assert doc.header.region_code is None
    assert [i.where for i in doc.issues if i.kind == "missing_value"] == ["document region"]
