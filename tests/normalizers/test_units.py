import pytest

from normalizers.units import correct_unit


@pytest.mark.parametrize("printed,expected", [
    ("чедовек", "человек"),      # OCR misread
    ("Единиц", "Единиц"),        # already right, capital kept
    ("единнц", "единиц"),
    ("да/нет", "да/нет"),
    ("семей в год", "семей в год"),  # not in the vocabulary: as printed
])
def test_correct_unit(printed, expected):
    assert correct_unit(printed) == expected
