"""Scans through real Tesseract: grid recovery, orientation, clean-up, images and
the guards on bad images. Each page read here takes a few seconds."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extractors.ocr.cleanup import (clean_ocr_text, mend_group_separators, mend_misread_words, regroup_number,
                                    without_closing_speck)
from extractors.ocr.page import read_page_image
from extractors.ocr.scan import read_image, render_pdf_page
from extractors.pdf_reader import read_pdf
from extractors.ocr.scan import ocr_pdf_pages
from models.layout import Paragraph, Table
from models.errors import CorruptFileError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def page_image() -> Image.Image:
    return render_pdf_page(FIXTURES / "measures_page1.scan.pdf", 1)


def _table(page) -> Table:
    return next(b for b in page.blocks if isinstance(b, Table))


def _words(page) -> str:
    texts = [b.text for b in page.blocks if isinstance(b, Paragraph)]
    texts += [c.text for b in page.blocks if isinstance(b, Table) for c in b.cells]
    return " ".join(texts)


def test_scanned_table_grid_and_cells(page_image):
    page = read_page_image(page_image, 1)
    table = _table(page)
    header = table.grid()[0]
    assert table.n_cols == 8
    assert header[5] is header[7] and "финансирования" in header[5].text  # spanning header cell
    codes = [row[0].text for row in table.grid()]
    assert "1.1." in codes and "1.2." in codes
    assert all(c.confidence is None or 0 <= c.confidence <= 1 for c in table.cells)
    assert all(c.bbox is not None for c in table.cells)


@pytest.mark.parametrize("turn", [Image.Transpose.ROTATE_180, Image.Transpose.ROTATE_90])
def test_turned_pages_are_read_upright(page_image, turn):
    page = read_page_image(page_image.transpose(turn), 1)
    assert "Мероприятие" in _words(page)


def test_blank_page_gives_no_blocks():
    assert read_page_image(Image.new("L", (2480, 3508), 255), 1).blocks == []


def test_scanned_pdf_routes_to_ocr():
    layout = read_pdf(FIXTURES / "tasks_only.scan.pdf", ocr_pages=ocr_pdf_pages)
    assert layout.format == "scan"
    assert "Задача 1" in _words(layout.pages[0])


def test_multipage_tiff(tmp_path, page_image):
    path = tmp_path / "order.tiff"
    small = page_image.reduce(2)
    small.save(path, save_all=True, append_images=[Image.new("L", small.size, 255)])
    layout = read_image(path)
    assert [p.number for p in layout.pages] == [1, 2] and layout.format == "image"


def test_giant_image_is_refused(tmp_path):
    path = tmp_path / "bomb.png"
    Image.new("1", (10000, 10000), 1).save(path)
    with pytest.raises(CorruptFileError, match="bomb.png"):
        read_image(path)


def test_not_an_image(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"not a jpeg at all")
    with pytest.raises(CorruptFileError, match="photo.jpg"):
        read_image(path)


@pytest.mark.parametrize("read,expected", [
    ("1 5О0 000", "1 500 000"),      # letter О inside a number
    ("З00 000 краевой бюджет", "300 000 краевой бюджет"),
    ("0\n|", "0"),                    # a ruling stroke read as «|»
    ("6 .", "6"),
    ("о.", "0"),                      # a zero alone in a cell read as the letter о
    ("0.", "0"),                      # a speck beside a zero: no code is 0
    ("2016г", "2016 г."),             # the year abbreviation's space and dot lost in the blur
    ("2016-2017 гг", "2016-2017 гг."),
    ("до 2020 г, далее", "до 2020 г., далее"),
    ("в 2016 году", "в 2016 году"),   # a word, not the abbreviation
    ("„3.7.2", "3.7.2"),  # a speck before a code
    ("ГБУ «Центр помощи детям» {по согласованию)", "ГБУ «Центр помощи детям» (по согласованию)"),
    ("в течение всего срока реализации Программы {ежемесячно}", "в течение всего срока реализации Программы (ежемесячно)"),
    ("9.}", "9.}"),  # a garbled code: its numbering mends it
    ("Ш квартал 2025 г.", "III квартал 2025 г."),
    ("И полугодие 2026 года", "II полугодие 2026 года"),
    ("ТУ кв. 2021", "IV кв. 2021"),
    ("ГУ квартал 2025 г.", "IV квартал 2025 г."),
    ("Г квартал 2024 года", "I квартал 2024 года"),
    ("Иные источники", "Иные источники"),
    ("И кв. 2020", "II кв. 2020"),
    (".0", "0"),
    ("0,5", "0,5"),
    ("воспитанников детских. домов", "воспитанников детских домов"),  # a speck after a word
    ("творческих.\nспособностей", "творческих\nспособностей"),
    ("4 тыс. руб. в месяц", "4 тыс. руб. в месяц"),  # abbreviations keep their points
    ("в с. Барятино", "в с. Барятино"),
    ("Центр «Паруса надежды »", "Центр «Паруса надежды»"),
    ("2020-2021 Г.Г.", "2020-2021 г.г."),  # the abbreviation read as a capital
    ("до 2020 Г.", "до 2020 г."),
    ("2016-2017 ГГ.", "2016-2017 гг."),
    ("2020 Год", "2020 Год"),  # a word
    ("0,5", "0,5"),
    ("Министерство образования", "Министерство образования"),
    ("помощи малоимущим семьям ь", "помощи малоимущим семьям"),  # a speck read as a letter no word is
    ("Ы\nсемьи", "семьи"),
    ("внутриотраслевого_ взаимодействия", "внутриотраслевого взаимодействия"),
    ("подпись______", "подпись______"),  # a blank to fill in
    ("пункт б", "пункт б"),  # a list's letter
])
def test_ocr_cleanup(read, expected):
    assert clean_ocr_text(read) == expected


@pytest.mark.parametrize("read,expected", [
    ("1500 000", "1 500 000"),  # a thin space OCR lost
    ("2000 000", "2 000 000"),
    ("5 781841", "5 781 841"),
    ("1500 000,50", "1 500 000,50"),
    ("1 500 000", "1 500 000"),  # grouped as printed
    ("23424", "23424"),  # printed without groups, or one lost: not told apart
    ("2016 2017", "2016 2017"),  # two years
    ("35 31", "35 31"),  # two short numbers
    ("0 5", "0 5"),
    ("3 048 7202 915 060", "3 048 7202 915 060"),  # two amounts side by side, never one of 14 digits
    ("1 000 0002 000 000", "1 000 0002 000 000"),
    ("1709 100, в том числе 165 500 краевой бюджет; 1543 600 средства Фонда",
     "1 709 100, в том числе 165 500 краевой бюджет; 1 543 600 средства Фонда"),  # amounts in text
    ("1500 000 руб.", "1 500 000 руб."),
    ("в 2024 300 семей", "в 2024 300 семей"),  # a year, then a number
    ("в 2024 300 000 руб.", "в 2024 300 000 руб."),
    ("в 2016-2017 гг. 4 500", "в 2016-2017 гг. 4 500"),
])
def test_regroup_number(read, expected):
    assert regroup_number(read) == expected


@pytest.mark.parametrize("read,expected", [
    ("2.000 000", "2 000 000"),  # a speck in a group's space
    ("2:000 000", "2 000 000"),
    ("1 000.000", "1 000 000"),
    ("1. 000 000", "1 000 000"),
    ("3 000 000.", "3 000 000"),  # a speck after the number
    ("300 000,", "300 000"),
    ("3 000 000-", "3 000 000"),  # a ruling's remnant after it
    ("2 000 000 –", "2 000 000"),
    ("2016-2017", "2016-2017"),  # a range
    ("2.000.000", "2.000.000"),  # grouped by dots as printed
    ("31.12.2019", "31.12.2019"),
    ("1 000,000", "1 000,000"),  # a decimal comma
    ("1 500 000,50", "1 500 000,50"),
    ("600.", "600."),  # an item number, perhaps
    ("2.000 000 руб.", "2.000 000 руб."),  # not a number alone
])
def test_mend_group_separators(read, expected):
    assert mend_group_separators(read) == expected


@pytest.mark.parametrize("read,expected", [
    ("2016-2017 гг.,", "2016-2017 гг."),
    ("1.2.,", "1.2."),
    ("до 1 июля 2025 г. ,", "до 1 июля 2025 г."),
    ("2016-2017 гг.", "2016-2017 гг."),
    ("г. Калуга, г. Обнинск,", "г. Калуга, г. Обнинск,"),  # no point before it: as read
    ("1,5", "1,5"),
])
def test_without_closing_speck(read, expected):
    assert without_closing_speck(read) == expected


@pytest.mark.parametrize("read,expected", [
    ("300 000 краезой бюджет", "300 000 краевой бюджет"),  # в read as з
    ("оказание социальной помошь", "оказание социальной помощь"),
    ("для детея и родителея", "для детей и родителей"),
    ("Вадача 4. Внедрение", "Задача 4. Внедрение"),
    ("Министёрство труда", "Министерство труда"),
    ("1 709 100, втом числе 165 500", "1 709 100, в том числе 165 500"),  # a one-letter word run in
    ("сопрозождения семей в Мешовском районе", "сопровождения семей в Мещовском районе"),
    ("психолого-педагогической", "психолого-педагогической"),  # a compound's parts are no words alone
    ("с. Муромцево", "с. Муромцево"),  # a place the dictionary lacks; its neighbour is a surname only
    ("ГБУ АО «Плесецкий ЦССУ»", "ГБУ АО «Плесецкий ЦССУ»"),  # capitals: an abbreviation
    ("Иволгинский район", "Иволгинский район"),  # capitalised: never split
    ("кабинет", "кабинет"),
    # two words one letter away: the one that agrees with the noun after it
    ("50 520 краевоя бюджет", "50 520 краевой бюджет"),  # not «краевая»
    ("создание правовоя основы", "создание правовой основы"),  # not «правовая»
    ("за счет краевоя субсидии", "за счет краевой субсидии"),  # «краевая» agrees too, in another case
    ("краевоя", "краевоя"),  # no noun after it: left as read
])
def test_mend_misread_words(read, expected):
    assert mend_misread_words(read) == expected


def test_prose_is_read_where_the_ink_is_and_placed_on_the_page():
    """Only the inked part of a page whose tables are blanked is read; the words keep
    their place on the page."""
    from PIL import ImageDraw, ImageFont

    from extractors.ocr.page import read_prose
    from tests.generated.scans import FONT_PATH

    image = Image.new("L", (2480, 3508), 255)
    ImageDraw.Draw(image).text((300, 3000), "Приказ министерства", fill=0, font=ImageFont.truetype(FONT_PATH, 60))
    words = read_prose(np.array(image))
    first = next(w for w in words if w.text == "Приказ")
    assert abs(first.x0 - 300) < 30 and abs(first.y0 - 3015) < 40
    assert read_prose(np.full((3508, 2480), 255, np.uint8)) == []



def test_a_cell_is_no_surer_than_its_least_sure_number():
    """«291 838 средства Фонда» with its number read at 60 and its words at 95: the sure
    words around a misread digit do not make the cell sure (on generated cells with a blot
    over the number, wrong amounts stored as sure went from 8 of 32 to 3)."""
    from extractors.ocr.page import Reading

    assert Reading("291 838 средства Фонда", 0.83, 0.60).cell_confidence() == 0.60
    assert Reading("291 838", 0.70, 0.90).cell_confidence() == 0.70
    assert Reading("средства Фонда", 0.95).cell_confidence() == 0.95
