"""Abbreviations in organisation names spelled out (normalizers/abbreviations.py)."""
from __future__ import annotations

import pytest

from normalizers.abbreviations import region_initials, spell_out


@pytest.mark.parametrize(
    ("name", "region_code", "expected"),
    [
        ("ГБУ КО Центр «Ровесник»", "RU-KLU",
         "государственное бюджетное учреждение калужской области центр «ровесник»"),
        ("государственное бюджетное учреждение Калужской области Центр «Ровесник»", "RU-KLU",
         "государственное бюджетное учреждение калужской области центр «ровесник»"),
        # «КО» names the region only where the order was issued in a region with those initials
        ("ГБУ КО «Радуга»", "RU-ALT", "государственное бюджетное учреждение ко «радуга»"),
        ("КГБУСО «Краевой кризисный центр для мужчин»", "RU-ALT",
         "краевое государственное бюджетное учреждение социального обслуживания «краевой кризисный центр для мужчин»"),
        ("ГКУ ЦЗН г. Калуга", "RU-KLU", "государственное казенное учреждение центр занятости населения г. калуга"),
        ("ОСЗН Управы муниципального района «Брягинский район»", "RU-KLU",
         "отдел социальной защиты населения управы муниципального района «брягинский район»"),
        ("МКДН и ЗП", None, "муниципальная комиссия по делам несовершеннолетних и защите их прав"),
        ("МКДНиЗП", None, "муниципальная комиссия по делам несовершеннолетних и защите их прав"),
        ("СО НКО", None, "социально ориентированные некоммерческие организации"),
        # abbreviations inside a quoted name are part of that name
        ("Ассоциация «НКО Алтая»", None, "ассоциация «нко алтая»"),
        # a word that merely starts with capitals is not an abbreviation
        ("ГБУЗЫ района", None, "гбузы района"),
    ],
)
def test_spell_out(name, region_code, expected):
    assert spell_out(name, region_code) == expected


@pytest.mark.parametrize(
    ("region_code", "expected"),
    [("RU-KLU", ("КО", "Калужской области")), ("RU-ALT", ("АК", "Алтайского края")), (None, None)],
)
def test_region_initials(region_code, expected):
    assert region_initials(region_code) == expected
