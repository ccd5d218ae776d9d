"""One declared mapping per entity (models/mapping.py): every field of a record is
declared once, and a record goes to a row and back unchanged."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from models import mapping, records

# What the callers of each mapping handle themselves (not a column of the row).
LEFT_TO_CALLERS = {"task": {"provenance"}, "measure": {"provenance", "by_agreement"},
                   "funding": {"provenance"}, "indicator": {"provenance"}, "indicator_value": set(),
                   "target_group": set(), "signatory": set()}
SAMPLES = {
    "task": records.Task("2", "Информирование семей"),
    "funding": records.FundingRow("4.2", 2023, "fund_grant", "грант Фонда", Decimal("1778000.50"),
                                  task_code="4", period="2023-Q1", basis="fact"),
    "indicator_value": records.IndicatorValue("2024", "не менее 85"),
    "target_group": records.TargetGroup("многодетные семьи", 400),
    "signatory": records.Signatory("И.В. Коноватов", "Министр", "Министерство образования Тверской области"),
    "measure": records.Measure("1.1", "1", "Семинар", "март 2024 г.", dt.date(2024, 3, 1), dt.date(2024, 3, 31),
                               expected_result="проведён"),
    "indicator": records.Indicator("1", "Охват семей", "%", "70", dt.date(2023, 1, 1)),
}


@pytest.mark.parametrize("name", mapping.ENTITIES)
def test_every_field_of_a_record_is_declared(name):
    assert mapping.undeclared(mapping.ENTITIES[name], LEFT_TO_CALLERS[name]) == set()


@pytest.mark.parametrize("name", SAMPLES)
def test_a_record_goes_to_a_row_and_back_unchanged(name):
    entity, record = mapping.ENTITIES[name], SAMPLES[name]
    children = {"measure": {"executors": []}, "indicator": {"values": []}}.get(name, {})
    row = entity.to_row(record, position=0, **children)
    assert entity.to_record(row, **children) == record


def test_a_funding_row_exports_what_it_sets_and_whole_roubles_as_integers():
    plain = records.FundingRow("4.2", None, "all", "Всего", Decimal("1028000.00"))
    assert mapping.FUNDING.to_export(plain) == {"measure_code": "4.2", "year": None, "source": "all",
                                                 "source_label": "Всего", "amount_rub": 1028000}
    assert mapping.FUNDING.to_export(SAMPLES["funding"])["amount_rub"] == 1778000.5
    assert {"task_code", "period", "basis"} <= mapping.FUNDING.to_export(SAMPLES["funding"]).keys()
