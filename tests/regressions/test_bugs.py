"""One regression test per bug found by trying the product as a new user, each named
after it, on an order of the kind that showed it (tests/fixtures/regressions/): an
order that prints its funding by year only, with bounded and yes/no indicator values,
deadlines by month and quarter, and a signature after the last numbered clause."""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.research import run_query
from pipeline.stages import extract
from store.save import save_document

ORDER = Path(__file__).resolve().parents[1] / "fixtures" / "regressions" / "yearly_columns_order.txt"


@pytest.fixture(scope="module")
def order():
    return extract(ORDER)


def test_bounded_indicator_values_keep_their_words(order):
    """«не менее 85» was stored as «неменее85», with no number and no bound."""
    values = [v.value for i in order.indicators for v in i.values]
    assert {"не менее 85", "не менее 90", "не более 60"} <= set(values)


def test_a_yes_no_base_value_of_net_is_kept(order):
    """A base value «нет» was stored as empty."""
    assert "нет" in [i.base_value for i in order.indicators]


def test_deadlines_by_month_and_quarter_cover_that_month_or_quarter(order):
    """«март 2024 г.» and «II квартал 2024 г.» covered the whole of 2024."""
    bounds = {m.deadline: (m.deadline_start, m.deadline_end) for m in order.measures}
    assert bounds["март 2024 г."] == (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert bounds["II квартал 2024 г."] == (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    assert bounds["июнь-август 2025 г."] == (dt.date(2025, 6, 1), dt.date(2025, 8, 31))


def test_the_last_numbered_clause_is_not_the_signatorys_body(order):
    """«3. Контроль за исполнением … оставляю за собой.» was stored as the signatory's organisation."""
    assert [(s.name, s.position, s.organization) for s in order.signatories] == [("И.И. Иванов", "Министр", None)]


def test_an_order_printed_by_year_only_has_its_whole_period_total(sessions, order):
    """Without a «Всего» column the order had no whole-period totals and dropped out of
    every whole-period question; its total is the one its text states (3 425 000,50)."""
    save_document(sessions, order, fingerprint=hashlib.sha256(ORDER.read_bytes()).hexdigest(),
                  source_path=str(ORDER), pipeline_version="test")
    whole = run_query(sessions, "SELECT source, amount, printed FROM document_totals "
                                "WHERE year IS NULL AND period IS NULL AND basis = 'plan'").rows
    amounts = {source: Decimal(str(amount)).quantize(Decimal("0.01")) for source, amount, _ in whole}
    assert amounts["all"] == Decimal("3425000.50")
    assert [amount for year, amount, _ in order.stated_amounts if year is None] == [Decimal("3425000.50")]
    assert not any(printed for _, _, printed in whole)  # derived, and marked so


@pytest.mark.parametrize("line", ["12.03.2024\t№ 45-п", "12 марта 2024 г.\t№ 45-п", "от 12.03.2024\t\t№ 45-п"])
def test_the_acts_date_and_number_set_out_with_a_tab_are_read(tmp_path, line):
    """A blank's «12.03.2024 <tab> № 45-п» (a row of two cells in a text conversion) left
    the act without number and date, so its files no longer shared corrections."""
    text = ORDER.read_text(encoding="utf-8").replace("от 12.03.2024 № 45-п", line, 1)
    assert line in text
    (tmp_path / ORDER.name).write_text(text, encoding="utf-8")

    header = extract(tmp_path / ORDER.name).header

    assert (header.doc_number, header.doc_date) == ("45-п", dt.date(2024, 3, 12))


def test_a_total_whose_label_announces_a_source_is_the_total_not_that_source(tmp_path):
    """«всего, в том числе федеральный бюджет» beside «500 000, в том числе 200 000 федеральный
    бюджет»: the 500 000 and the year amounts were stored as federal money, beside the 200 000
    federal, with no issue."""
    order = tmp_path / "order.txt"
    order.write_text(
        "МИНИСТЕРСТВО СОЦИАЛЬНОЙ ЗАЩИТЫ ТВЕРСКОЙ ОБЛАСТИ\nПРИКАЗ\nот 12.03.2024 № 45-п\n\n"
        "Комплекс мер по поддержке семей с детьми на 2024–2025 годы\n\n"
        "№ п/п\tНаименование мероприятия\tСрок исполнения\tИсполнители\n"
        "1.1.\tОрганизация летнего отдыха детей\t2024–2025 годы\tминистерство социальной защиты\n\n"
        "Финансирование комплекса мер\n\n"
        "№ п/п\tИсточник финансирования\tВсего, руб.\t2024 год\t2025 год\n"
        "1.1.\tвсего, в том числе федеральный бюджет\t500 000, в том числе 200 000 федеральный бюджет"
        "\t250 000\t250 000\n", encoding="utf-8")

    rows = {(f.year, f.source): f.amount_rub for f in extract(order).funding}

    assert rows == {(None, "all"): Decimal("500000"), (None, "federal_budget"): Decimal("200000"),
                    (2024, "all"): Decimal("250000"), (2025, "all"): Decimal("250000")}
