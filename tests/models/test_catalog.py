"""Every table, view and column a researcher can read is described (models/catalog.py)."""
from models.catalog import TABLES, describe
from pipeline.research import exportable


def test_every_exported_table_and_column_has_a_description():
    undescribed = [f"{name}.{column.name}" for name, query in exportable().items()
                   for column in query.selected_columns if not describe(name, column.name)]
    assert undescribed == []
    assert set(TABLES) == set(exportable())


def test_a_table_may_say_what_its_own_column_means():
    assert describe("document", "period_start") == "First year of the programme's period"
    assert describe("indicator_facts", "period_start") == "First day of the value's period"
