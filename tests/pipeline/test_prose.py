"""The order's header read from its opening paragraphs, however a reader grouped its lines."""
from __future__ import annotations

import pytest

from pipeline.parse.prose import parse_header


@pytest.mark.parametrize("paragraphs", [
    ["МИНИСТЕРСТВО СОЦИАЛЬНОГО РАЗВИТИЯ ТУЛЬСКОЙ ОБЛАСТИ", "ПРИКАЗ", "от 14.03.2025 № 42"],
    # a scan's reader joined the centred heading to the issuer above it
    ["МИНИСТЕРСТВО СОЦИАЛЬНОГО РАЗВИТИЯ ТУЛЬСКОЙ ОБЛАСТИ\nПРИКАЗ", "от 14.03.2025 № 42"],
    ["МИНИСТЕРСТВО СОЦИАЛЬНОГО РАЗВИТИЯ ТУЛЬСКОЙ ОБЛАСТИ\nПРИКАЗ\nот 14.03.2025 № 42"],
])
def test_act_heading_on_a_line_of_its_own(paragraphs):
    header = parse_header(paragraphs + ["Об утверждении комплекса мер на 2025–2026 годы"])
    assert (header.doc_type, header.doc_number, str(header.doc_date)) == ("приказ", "42", "2025-03-14")
    assert header.issuers == ["МИНИСТЕРСТВО СОЦИАЛЬНОГО РАЗВИТИЯ ТУЛЬСКОЙ ОБЛАСТИ"]


def test_act_heading_and_number_as_a_scan_prints_them():
    """A speck after «ПРИКАЗ» and the day, and spaces OCR put inside a number printed alone."""
    header = parse_header(["Министерство культуры Калужской области", "ПРИКАЗ.", "Об утверждении комплекса мер",
                           "5: августа 2020", "1070-17/1301 -7/869/958"])
    assert (header.doc_type, header.doc_number, str(header.doc_date)) == ("приказ", "1070-17/1301-7/869/958",
                                                                           "2020-08-05")
