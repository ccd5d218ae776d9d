from decimal import Decimal

import pytest

from normalizers.units import correct_unit, read_indicator_value


@pytest.mark.parametrize("printed,expected", [
    ("чедовек", "человек"),      # OCR misread
    ("Единиц", "Единиц"),        # already right, capital kept
    ("единнц", "единиц"),
    ("да/нет", "да/нет"),
    ("семей в год", "семей в год"),  # not in the vocabulary: as printed
])
def test_correct_unit(printed, expected):
    assert correct_unit(printed) == expected


@pytest.mark.parametrize("printed,number,unit,bound", [
    ("85", "85", None, None),
    ("85,5", "85.5", None, None),               # a decimal comma
    ("14.3", "14.3", None, None),
    ("1 100", "1100", None, None),              # thousands grouped by a space
    ("1\u00a0100,25", "1100.25", None, None),   # … by a no-break space
    ("74%", "74", "%", None),                   # the unit printed in the cell
    ("100 %", "100", "%", None),
    ("не менее 85", "85", None, "at_least"),
    ("Не ниже 70,5 %", "70.5", "%", "at_least"),
    ("не более 3", "3", None, "at_most"),
    ("до 5", "5", None, "at_most"),
    ("свыше 1000", "1000", None, "above"),
    ("менее 10", "10", None, "below"),
    ("да", "1", None, None),                    # a yes/no indicator
    ("Нет", "0", None, None),
])
def test_an_indicator_value_is_read_as_a_number(printed, number, unit, bound):
    assert read_indicator_value(printed) == (Decimal(number), unit, bound)


@pytest.mark.parametrize("printed", ["10-15", "по плану", "5 из 7", "1/2", "", "85 (оценка)", "1 00"])
def test_a_value_that_is_not_one_number_has_none(printed):
    """Ranges, words and fractions are kept as printed, never guessed."""
    assert read_indicator_value(printed).number is None
