"""The lexicon's grammar of legal forms on the forms orders print (normalizers/lexicon.py)."""
from __future__ import annotations

import pytest

from normalizers.abbreviations import spell_out
from normalizers.lexicon import LEGAL_FORM, legal_form_words
from normalizers.organizations import classify_kind


@pytest.mark.parametrize(("form", "words"), [
    ("ГБУ", "государственное бюджетное учреждение"),
    ("МКУ", "муниципальное казенное учреждение"),
    ("ГАУ", "государственное автономное учреждение"),
    ("КГБУСО", "краевое государственное бюджетное учреждение социального обслуживания"),
    ("ГБУСОН", "государственное бюджетное учреждение социального обслуживания населения"),
    ("ОГКУ", "областное государственное казенное учреждение"),
    ("ФГБОУ", "федеральное государственное бюджетное образовательное учреждение"),
    ("МАДОУ", "муниципальное автономное дошкольное образовательное учреждение"),
    ("ГБПОУ", "государственное бюджетное профессиональное образовательное учреждение"),
    ("ГБУЗ", "государственное бюджетное учреждение здравоохранения"),
    ("МБУК", "муниципальное бюджетное учреждение культуры"),
    ("МБУДО", "муниципальное бюджетное учреждение дополнительного образования"),
    ("РГКУ", "республиканское государственное казенное учреждение"),
    ("АНО", "автономная некоммерческая организация"),
    ("РОО", "региональная общественная организация"),
])
def test_legal_form_words(form, words):
    assert LEGAL_FORM.fullmatch(form) and legal_form_words(form) == words


@pytest.mark.parametrize("word", ["МБА", "ГБ", "ОСЗН", "ГУ", "МВД", "ХБУ"])
def test_words_that_are_no_legal_form(word):
    assert not LEGAL_FORM.fullmatch(word) and legal_form_words(word) is None


def test_a_legal_form_never_listed_is_spelled_out_and_is_an_institution():
    name = "МАДОУ «Детский сад № 5 «Радуга»»"
    assert spell_out(name) == "муниципальное автономное дошкольное образовательное учреждение «детский сад № 5 «радуга»»"
    assert classify_kind(name) == "institution"
