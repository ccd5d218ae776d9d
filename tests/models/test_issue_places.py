"""Typed issue places (models/records.py): how the export names them, and the natural
keys reviewers' dismissals are filed under."""
from __future__ import annotations

import pytest

from models.records import IssuePlace, ReviewIssue, issue_keys


@pytest.mark.parametrize(("place", "where"), [
    (IssuePlace("funding", "4.2", "regional_budget", "2021"), "funding 4.2"),
    (IssuePlace("funding", None, "all", "all"), "funding total"),
    (IssuePlace("task", "2", "all", "2021-Q1"), "task 2"),
    (IssuePlace("measure", "3.6", "code"), "measure 3.6"),
    (IssuePlace("indicator", "7", "value", "2020-Q1"), "indicator 7"),
    (IssuePlace("document", field="region"), "document region"),
    (IssuePlace("document"), "document"),
    (IssuePlace("page", "4"), "page 4"),
    (IssuePlace("table", "2"), "table 2"),
])
def test_the_export_names_a_place_as_the_spec_does(place, where):
    assert place.where == where


@pytest.mark.parametrize(("amount", "place"), [
    (("4.2", None, "fund_grant", 2021), IssuePlace("funding", "4.2", "fund_grant", "2021")),
    ((None, "2", "all", 2019, "2019-Q1", "fact"), IssuePlace("task", "2", "all", "2019-Q1 fact")),
    ((None, None, "own_funds", None), IssuePlace("funding", None, "own_funds", "all")),
])
def test_an_amount_is_placed_by_its_row_source_and_period(amount, place):
    assert IssuePlace.of_amount(*amount) == place


def test_the_natural_key_leaves_out_the_wording_and_numbers_repeats():
    place = IssuePlace("funding", "4.3", "all", "all")
    first = [ReviewIssue("sum_mismatch", place, "years add up to 9 803 500"),
             ReviewIssue("sum_mismatch", place, "sources add up to 9 803 500"),
             ReviewIssue("unresolved_org", IssuePlace("measure", "1", "executors"), "?", subject="ООО «Ромашка»"),
             ReviewIssue("unresolved_org", IssuePlace("measure", "1", "executors"), "?", subject="ИП Петров")]
    reworded = [ReviewIssue(x.kind, x.place, "reworded: " + x.detail, subject=x.subject) for x in first]

    keys = issue_keys(first)

    assert keys == issue_keys(reworded)
    assert keys[:2] == ["sum_mismatch|funding|4.3|all|all||", "sum_mismatch|funding|4.3|all|all||#2"]
    assert len(set(keys)) == 4


def test_two_sums_broken_at_one_amount_are_told_apart_by_their_rule():
    """The printed total's years and the sum over measures both check «funding total ·
    all · all»: which one a dismissal names must not depend on the other still failing."""
    total = IssuePlace("funding", None, "all", "all")
    years = ReviewIssue("sum_mismatch", total, "years", rule="years")
    measures = ReviewIssue("sum_mismatch", total, "measures", rule="measures")

    assert issue_keys([years, measures])[1] == issue_keys([measures])[0]


@pytest.mark.parametrize(("place", "label"), [
    (IssuePlace("funding", "4.2", "regional_budget", "2021"), "funding 4.2 · regional_budget · 2021"),
    (IssuePlace("indicator", "7", "base_value"), "indicator 7 · base_value"),
    (IssuePlace("document", field="region"), "document region"),
    (IssuePlace("page", "3"), "page 3"),
])
def test_people_read_a_place_in_full(place, label):
    assert place.label == label
