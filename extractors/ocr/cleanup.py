"""Domain-aware clean-up of OCR'd text: what Tesseract gets wrong in these orders.

- stray strokes and specks read as `|`, `.`, `,`, a quote or a letter no word is (`ь`)
  standing alone, or as one underscore stuck to a word, or before a
  list's dash or a number (`„3.7.2`, `.0`), and the backtick and the opening single quote
  anywhere (no Russian text prints them);
- letters read for digits inside numbers (`О`→0, `З`→3, `б`→6, `l`→1): only where
  the token is otherwise a number, so words keep their letters;
- a word one misread letter away from exactly one word of the language («краезой» →
  «краевой»), or run into a one-letter word before it («втом» → «в том»): `mend_misread_words`;
- a curly bracket read for a round one; a quarter's Roman numeral read as Cyrillic capitals
  («Ш квартал» → «III квартал», `lexicon.OCR_ROMAN`);
- a speck read as a full stop after a whole word, before a lower-case one («детских. домов»),
  and a space read inside quotes («надежды »»);
- a year's abbreviation that lost its space or its dot (`2016г` → `2016 г.`), or was read
  as a capital (`2020-2021 Г.Г.` → `2020-2021 г.г.`);
- a cell's number whose digit groups OCR split unevenly (a thin space lost or seen
  twice: `1500 000`, `5 781841`) is grouped by thousands again;
- a speck after a cell's closing point, read as a comma (`2016-2017 гг.,`), is dropped
  (`without_closing_speck`);
- a speck read in a digit group's space or after the number (`2.000 000`, `3 000 000.`),
  or a ruling's remnant read as a dash after it (`3 000 000-`), is dropped (`mend_group_separators`).
"""
from __future__ import annotations

import re

from normalizers import lexicon
from normalizers.money import group_digits
from normalizers.inflect import modifies
from normalizers.text import is_common_word, is_full_word, is_known_word

# A speck before a line is read as a low or curly quote, a degree sign or a tick.
_STRAY = re.compile(r"(?:(?<=\s)|^)[|.,:;'`_~‚„’‘“”°˚·\"]+(?=\s|$)")
_STRAY_BEFORE_DASH = re.compile(r"^[‚„’‘`'°˚·]+(?=[-–—]\s)")
# A speck read before a cell's number or code: no number starts with a point (Russian print writes «0,5»).
_STRAY_BEFORE_NUMBER = re.compile(r"^[.,:;‚„’‘`'°˚·]+(?=\d)")
_LOOKALIKES = str.maketrans(lexicon.DIGIT_LOOKALIKES)
# A token of digits with look-alike letters among them («1О0», «50О 000»).
_NUMBERISH = re.compile(rf"(?<![\wА-Яа-яЁё])(?=[\d{lexicon.DIGIT_LOOKALIKE_LETTERS}]*\d)"
                        rf"[\d{lexicon.DIGIT_LOOKALIKE_LETTERS}]{{2,}}(?![\wА-Яа-яЁё])")


# A cell holding only a zero read as a letter («о») or with a speck beside it («0.»): no code is 0.
_LONE_ZERO = re.compile(r"^[оОoO0][.,]$|^[оОoO]$")


_NOT_RUSSIAN_PRINT = str.maketrans("", "", "`‘")  # no Russian text prints these: specks read as marks
# A letter standing alone that no word is («семьям ь»), or one underscore stuck to a word
# («внутриотраслевого_»): print uses underscores only in runs, for a blank to fill in.
_SPECK_AS_LETTER = re.compile(rf"(?:(?<=\s)|^)[{lexicon.NEVER_ALONE_LETTERS}](?=\s|$)"
                              r"|(?<=[А-Яа-яЁё])_(?![_\w])|(?<![_\w])_(?=[А-Яа-яЁё])")
# No Russian order prints curly brackets: a blurred round one is read as one («{по согласованию)»).
_ROUND_BRACKETS = str.maketrans("{", "(")
_CLOSING_BRACKET = re.compile(r"(?<=[А-Яа-яЁё»])}")  # after a word; «9.}» is a garbled code, mended by its numbering


# «Ш квартал», «И полугодие»: a quarter's or half-year's Roman numeral read as Cyrillic capitals.
_ROMAN_PART = re.compile(rf"(?<![\w])(ТУ|ГУ|ІУ|Ш|И|П|Н|Г|І)(?=\s*-?\s*(?:{lexicon.QUARTER_WORD}|{lexicon.HALF_WORD}))")
# «2016г», «2016-2017 гг»: the year abbreviation with the space before it or its dot lost.
_YEAR_ABBREVIATION = re.compile(r"(?<!\d)(\d{4})\s?(гг?)\.?(?=[\s,;:)]|$)")
# «2020-2021 Г.Г.»: the abbreviation is lower case; a blurred «г» is read as the capital.
_YEAR_ABBREVIATION_CAPITAL = re.compile(r"(?<=\d{4} )(?:Г\.){1,2}(?=[\s,;:)]|$)|(?<=\d{4} )ГГ\.")


def clean_ocr_text(text: str) -> str:
    """Remove stray strokes and specks, read look-alike letters inside numbers as digits,
    mend misread words, and print the year abbreviation after a year as it is always
    printed («2016 г.»): the module's list, in order."""
    text = _STRAY.sub("", _SPECK_AS_LETTER.sub("", text.translate(_NOT_RUSSIAN_PRINT).translate(_ROUND_BRACKETS)))
    text = _CLOSING_BRACKET.sub(")", text)
    text = _ROMAN_PART.sub(lambda m: m.group(1).translate(lexicon.OCR_ROMAN), text)
    text = _STRAY_BEFORE_NUMBER.sub("", _STRAY_BEFORE_DASH.sub("", text))
    text = _NUMBERISH.sub(lambda m: m.group(0).translate(_LOOKALIKES), text)
    text = _YEAR_ABBREVIATION_CAPITAL.sub(lambda m: m.group(0).lower(), text)
    text = _YEAR_ABBREVIATION.sub(r"\1 \2.", text)
    text = mend_misread_words(re.sub(r"[ \t]+", " ", text).strip())
    text = _POINT_BEFORE_LOWER_CASE.sub(lambda m: m.group(1) if is_full_word(m.group(1)) else m.group(0), text)
    text = _SPACE_INSIDE_QUOTES.sub(lambda m: m.group(0).strip(), text)
    return "0" if _LONE_ZERO.match(text) else text


# «детских. домов»: a sentence never goes on in lower case; an abbreviation («тыс. руб.») may.
_POINT_BEFORE_LOWER_CASE = re.compile(r"(?<![А-Яа-яЁё])([А-Яа-яЁё]{2,})\.(?=\s[а-яё])")
_SPACE_INSIDE_QUOTES = re.compile(r"«\s+|\s+»")


# Each letter → the letters it is read for, both ways.
_CONFUSED = {letter: {b if letter == a else a for a, b in lexicon.OCR_LETTER_CONFUSIONS if letter in (a, b)}
             for pair in lexicon.OCR_LETTER_CONFUSIONS for letter in pair}
# A whole word of four letters or more: not a part of a hyphenated compound («психолого-»), where
# the parts are no words of their own, nor an abbreviation in capitals.
_WORD = re.compile(r"(?<![-А-Яа-яЁё])[А-Яа-яЁё]{4,}(?![-А-Яа-яЁё])")
_SHORTEST_MENDED = 5  # letters: a shorter word is one letter away from too many others


def mend_misread_words(text: str) -> str:
    """Each word the dictionary does not know, mended when exactly one word it knows is one
    confused letter away (`lexicon.OCR_LETTER_CONFUSIONS`), or exactly one of them agrees with
    the noun after it («краевоя бюджет»: «краевой», not «краевая»); a lower-case one split
    when it is a one-letter word run into a known word. Names and abbreviations the
    dictionary lacks have no such neighbour, and are left as read."""
    return _WORD.sub(lambda m: _mended_word(m.group(0), _word_after(text, m.end())), text)


_NEXT_WORD = re.compile(r"\s+([А-Яа-яЁё]+)")


def _word_after(text: str, end: int) -> str | None:
    m = _NEXT_WORD.match(text, end)
    return m.group(1) if m else None


def _mended_word(word: str, following: str | None = None) -> str:
    if word.isupper() or is_known_word(word):
        return word
    if word[0] in lexicon.ONE_LETTER_WORDS and is_common_word(word[1:]):
        return f"{word[0]} {word[1:]}"
    if len(word) < _SHORTEST_MENDED:
        return word
    near = {mended for i, letter in enumerate(word) for other in _CONFUSED.get(letter.lower(), ())
            if is_common_word(mended := word[:i] + (other.upper() if letter.isupper() else other) + word[i + 1:])}
    if len(near) > 1 and following:
        near = {mended for mended in near if modifies(mended, following)}
    return near.pop() if len(near) == 1 else word


# A whole cell of one number printed in digit groups, some of them uneven.
_SPACED_NUMBER = re.compile(r"([1-9]\d{0,3}(?: \d{1,6})+)(,\d+)?")


def regroup_number(text: str) -> str:
    """`1500 000` → `1 500 000`, `5 781841` → `5 781 841`: a number cell whose digit
    groups OCR ran together (a thin space lost) is grouped by thousands again. Two
    four-digit groups are two years, and short groups may be two numbers: left as read.
    In a cell of text, an amount that lost its first space is grouped again
    («1709 100, в том числе …» → «1 709 100, в том числе …»)."""
    m = _SPACED_NUMBER.fullmatch(text)
    groups = m.group(1).split() if m else []
    if not m or not _one_space_lost([len(g) for g in groups]):
        return _FIRST_GROUP_RUN_IN.sub(_regrouped_in_text, text)
    return group_digits("".join(groups)) + (m.group(2) or "")


def _one_space_lost(lengths: list[int]) -> bool:
    """Digit groups that one lost space explains: the first group ran into the second
    («1500 000»), or two later groups ran together («5 781841»). Anything else may be two
    numbers side by side («3 048 7202 915 060», two cells whose ruling faded) or two
    years («2016 2017»), and is left as read."""
    first, rest = lengths[0], sorted(lengths[1:])  # `_SPACED_NUMBER`: a first group of 1–4 digits, then more
    return rest == [3] * len(rest) if first == 4 else rest == [3] * (len(rest) - 1) + [6]


# An amount inside a cell's text whose first space OCR lost: four digits, then groups of three
# («1709 100, в том числе 165 500 краевой бюджет»); not right after another number's group.
_FIRST_GROUP_RUN_IN = re.compile(r"(?<![\d\w])(?<!\d )([1-9]\d{3})((?: \d{3})+)(?![\d\w])")


def _regrouped_in_text(m: re.Match) -> str:
    """The amount grouped by thousands; a year and a number after it («2024 300 000») left as read."""
    head, groups = m.group(1), m.group(2).split()
    if 1900 <= int(head) <= 2099:
        return m.group(0)
    return group_digits(head + "".join(groups))


# A speck after a cell's closing point, read as a comma: no cell ends in «.,».
_SPECK_AFTER_CLOSING_POINT = re.compile(r"(?<=\.)\s?[,‚]$")


def without_closing_speck(cell_text: str) -> str:
    """`2016-2017 гг.,` → `2016-2017 гг.`, `1.2.,` → `1.2.`: a cell's text with the speck
    after its closing point dropped."""
    return _SPECK_AFTER_CLOSING_POINT.sub("", cell_text)


# A cell of one number in digit groups, some spaces read as a speck («.», «:», «. »), maybe a
# speck after it, or a ruling's remnant read as a dash («3 000 000-»: no amount ends in one).
_SPECKLED_GROUPS = re.compile(r"([1-9]\d{0,2})((?:(?:\.\s|[.:]|\s)\d{3})+)(?:[.,:]|\s?[-–—])?")


def mend_group_separators(text: str) -> str:
    """`2.000 000` → `2 000 000`, `1 000.000` → `1 000 000`, `3 000 000.` and `3 000 000 -` →
    `3 000 000`: a cell's number grouped by spaces, with a speck read in one of its spaces or after it. A number
    grouped by dots alone («2.000.000») is left as printed; a decimal comma is never touched."""
    m = _SPECKLED_GROUPS.fullmatch(text)
    if not m or " " not in m.group(0):
        return text
    return " ".join([m.group(1), *re.findall(r"\d{3}", m.group(2))])
