"""Reviewers' corrections (store/corrections.py): applied, re-validated, re-applied
after re-extraction, kept when their value is gone, reverted."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from models import db
from models.records import FundingRow, IssuePlace, ReviewIssue
from store import corrections
from models.errors import CorrectionError
from pipeline.stages import extract, validate_document
from store.database import write_transaction
from store.load import load_document
from store.save import save_document
from tests.conftest import build_document

ROOT = Path(__file__).resolve().parents[2]
ORDER = ROOT / "data" / "raw" / "text" / "000_de2bdb5f24b93b6d.txt"  # prints 1 028 for 1 028 000 in 4.2, 2020
KEY = "4.2 2020 all"


@pytest.fixture(scope="module")
def extracted():
    return extract(ORDER)


def save(sessions, doc, force=False):
    digest = hashlib.sha256(ORDER.read_bytes()).hexdigest()
    return save_document(sessions, doc, fingerprint=digest, source_path=str(ORDER), pipeline_version="test",
                         force=force)


@pytest.fixture
def stored(sessions, extracted):
    return save(sessions, extracted).document_id


def correct(sessions, document_id, entity, key, field, value, comment=None):
    with write_transaction(sessions) as session:
        document = session.get(db.Document, document_id)
        return corrections.correct(session, document, entity, key, field, value, author="anna", comment=comment).id


def issues_at(sessions, where: str) -> list[tuple[str, str]]:
    with sessions() as session:
        rows = session.scalars(select(db.Issue).order_by(db.Issue.position))
        return [(row.status, row.detail) for row in rows if row.where == where]


def amount(sessions, document_id, measure_code="4.2", year=2020, source="all") -> Decimal:
    with sessions() as session:
        doc = load_document(session, document_id)
    return next(f.amount_rub for f in doc.funding
                if (f.measure_code, f.year, f.source) == (measure_code, year, source))


def test_correcting_the_amount_closes_the_mismatches_it_caused(sessions, stored):
    assert [s for s, _ in issues_at(sessions, "funding 4.2")] == ["open", "open"]

    correct(sessions, stored, "funding", KEY, "amount", "1 028 000", comment="OCR dropped a group")

    assert amount(sessions, stored) == Decimal("1028000")
    assert [s for s, _ in issues_at(sessions, "funding 4.2")] == ["closed", "closed"]
    with sessions() as session:
        row = session.scalar(select(db.Correction))
    assert (row.entity, row.entity_key, row.field) == ("funding", KEY, "amount")
    assert (row.old_value, row.new_value, row.extracted) == ("1028.00", "1028000.00", {ORDER.name: "1028.00"})
    assert (row.author, row.comment, row.status, row.orphaned) == ("anna", "OCR dropped a group", "active", False)


def test_a_wrong_correction_shows_the_mismatch_that_remains(sessions, stored):
    correct(sessions, stored, "funding", KEY, "amount", "1 028 500")

    # the same issues (same kind and place), with the figures in force
    assert issues_at(sessions, "funding 4.2") == [("open", detail) for detail in [
        "2020: sources 128 000 + 900 000 + 0 = 1 028 000 ≠ row amount 1 028 500",
        "all: 2020: 1 028 500 + 2021: 1 680 000 = 2 708 500 ≠ Всего 2 708 000",
    ]]


def test_re_extraction_keeps_every_correction_applied(sessions, stored, extracted):
    correct(sessions, stored, "funding", KEY, "amount", "1028000")
    correct(sessions, stored, "measure", "4.2", "title", "Исправленное <название> & «кавычки»")
    with sessions() as session:
        issue = session.scalar(select(db.Issue).where(db.Issue.kind == "missing_value"))
    with write_transaction(sessions) as session:
        corrections.dismiss_issue(session, session.get(db.Issue, issue.id), author="anna", reason="empty in the original")

    again = save(sessions, extract(ORDER), force=True)

    assert again.outcome == "replaced"
    assert amount(sessions, again.document_id) == Decimal("1028000")
    with sessions() as session:
        doc = load_document(session, again.document_id)
        dismissed = session.scalar(select(db.Issue.status).where(db.Issue.kind == "missing_value"))
    assert next(m.title for m in doc.measures if m.code == "4.2") == "Исправленное <название> & «кавычки»"
    assert [s for s, _ in issues_at(sessions, "funding 4.2")] == ["closed", "closed"]
    assert dismissed == "dismissed"


def test_a_reworded_issue_keeps_its_dismissal(sessions):
    """Dismissals name an issue by its kind and typed place, never by the wording of its detail."""
    def order_saying(detail: str):
        doc = extract(ORDER)
        doc.issues.append(ReviewIssue("ocr_suspect", IssuePlace("measure", "4.2", "code"), detail))
        return doc

    first = save(sessions, order_saying("code printed as «4,2»"))
    with write_transaction(sessions) as session:
        issue = session.get(db.Document, first.document_id).issues[-1]
        corrections.dismiss_issue(session, issue, author="anna", reason="the original prints it so")

    again = save(sessions, order_saying("the code «4,2» reads as 4.2"), force=True)

    with sessions() as session:
        issue = session.get(db.Document, again.document_id).issues[-1]
        assert (issue.detail, issue.status) == ("the code «4,2» reads as 4.2", "dismissed")


def test_a_correction_whose_value_is_gone_is_kept_and_flagged(sessions, stored, extracted):
    correct(sessions, stored, "funding", KEY, "amount", "1028000")
    without = extract(ORDER)
    without.funding = [f for f in without.funding if f.measure_code != "4.2"]

    save(sessions, without, force=True)
    with sessions() as session:
        row = session.scalar(select(db.Correction))
    assert (row.status, row.orphaned, row.new_value) == ("active", True, "1028000.00")

    again = save(sessions, extract(ORDER), force=True)  # the value is back: so is the correction
    with sessions() as session:
        assert session.scalar(select(db.Correction.orphaned)) is False
    assert amount(sessions, again.document_id) == Decimal("1028000")


def test_revert_restores_the_previous_value_and_its_issues(sessions, stored):
    first = correct(sessions, stored, "funding", KEY, "amount", "1 028 500")
    second = correct(sessions, stored, "funding", KEY, "amount", "1 028 000")

    with write_transaction(sessions) as session:
        corrections.revert(session, session.get(db.Correction, second), author="boris")
    assert amount(sessions, stored) == Decimal("1028500")

    with write_transaction(sessions) as session:
        corrections.revert(session, session.get(db.Correction, first), author="boris")
    assert amount(sessions, stored) == Decimal("1028")
    assert [s for s, _ in issues_at(sessions, "funding 4.2")][:2] == ["open", "open"]
    with sessions() as session:
        reverted = session.get(db.Correction, first)
        assert (reverted.status, reverted.reverted_by) == ("reverted", "boris")


@pytest.mark.parametrize(
    ("entity", "key", "field", "value", "message"),
    [
        ("funding", KEY, "amount", "около миллиона", "is not an amount"),
        ("funding", "9.9 2020 all", "amount", "1", "has no funding «9.9 2020 all»"),
        ("measure", "4.2", "colour", "red", "measure.colour cannot be corrected"),
        ("document", "", "doc_date", "вчера", "is not a date"),
    ],
)
def test_bad_corrections_are_refused_and_nothing_is_stored(sessions, stored, entity, key, field, value, message):
    with pytest.raises(CorrectionError, match=message):
        correct(sessions, stored, entity, key, field, value)
    with sessions() as session:
        assert session.scalar(select(db.Correction)) is None
    assert amount(sessions, stored) == Decimal("1028")


def test_an_executor_correction_links_a_registry_organisation_or_a_new_one(sessions, stored):
    with sessions() as session:
        doc = load_document(session, stored)
    before = next(m.executors for m in doc.measures if m.code == "4.2")
    names = f'["{before[0]}", "Фонд поддержки детей, находящихся в трудной жизненной ситуации"]'

    correct(sessions, stored, "measure", "4.2", "executors", names)

    with sessions() as session:
        doc = load_document(session, stored)
        fund = session.scalar(select(db.Organization).where(db.Organization.name.like("Фонд поддержки%")))
    assert next(m.executors for m in doc.measures if m.code == "4.2") == [
        before[0], "Фонд поддержки детей, находящихся в трудной жизненной ситуации"]
    assert fund.kind == "fund"


TEXTS = sorted((ROOT / "data" / "raw" / "text").glob("*.txt"))


def test_re_ingesting_every_document_keeps_all_corrections_applied(sessions):
    def store_all(force: bool) -> list[int]:
        return [save_document(sessions, extract(path), fingerprint=hashlib.sha256(path.read_bytes()).hexdigest(),
                              source_path=str(path), pipeline_version="test", force=force).document_id
                for path in TEXTS]

    for document_id in store_all(force=False):
        with write_transaction(sessions) as session:
            document = session.get(db.Document, document_id)
            edits = []
            if document.measures:
                edits.append(("measure", document.measures[0].code, "title", document.measures[0].title + " (испр.)"))
            if document.indicators and document.indicators[0].values:
                indicator = document.indicators[0]
                edits.append(("indicator_value", corrections.indicator_value_key(indicator, indicator.values[0]),
                              "value", "42"))
            if document.funding:
                edits.append(("funding", corrections.funding_key(document.funding[-1]), "amount", "12 345,67"))
            if document.tasks:
                edits.append(("task", document.tasks[0].code, "title", "Задача, уточнённая проверяющим"))
            for entity, key, field, value in edits:
                corrections.correct(session, document, entity, key, field, value, author="anna")
            if document.issues:
                corrections.dismiss_issue(session, document.issues[0], author="anna", reason="checked")

    store_all(force=True)

    with sessions() as session:
        made = session.scalars(select(db.Correction)).all()
        applied = []
        for c in made:
            target = corrections.FIELDS[(c.entity, c.field)]
            for document in corrections.documents_of(session, c.act_key):
                row = target.rows(document).get(c.entity_key)
                applied.append(row is not None and target.read(row) == c.new_value and not c.orphaned)
    assert len(made) >= 2 * len(TEXTS) and all(applied)


# ------------------------------------------------------------------ organisations merged and split

VARIANT = "Краевой кризисный центр для мужчин"  # how a second document names the centre


def save_version(sessions, doc, version="v1", force=False):
    return save_document(sessions, doc, fingerprint=hashlib.sha256((doc.source_file + version).encode()).hexdigest(),
                         source_path=doc.source_file, pipeline_version="test", force=force)


def registry(sessions) -> dict[str, list[str]]:
    """Registry names → the files whose executors link to them."""
    with sessions() as session:
        out = {}
        for org in session.scalars(select(db.Organization)):
            files = session.scalars(
                select(db.Document.source_file).join(db.Measure).join(db.MeasureExecutor)
                .where(db.MeasureExecutor.organization_id == org.id).distinct().order_by(db.Document.source_file))
            out[org.name] = list(files)
        return out


@pytest.fixture
def two_documents(sessions, make_document):
    first, second = make_document("001_altai.docx"), make_document("002_altai.docx")
    centre = first.organizations[2].name
    second.organizations[2].name = VARIANT
    for measure in second.measures:
        measure.executors = [VARIANT if name == centre else name for name in measure.executors]
    save_version(sessions, first)
    save_version(sessions, second)
    return first, second, centre


def organization(session, name) -> db.Organization:
    return session.scalar(select(db.Organization).where(db.Organization.name == name))


def test_merged_organisations_stay_one_across_re_ingests_until_reverted(sessions, two_documents):
    first, second, centre = two_documents
    assert registry(sessions)[VARIANT] == ["002_altai.docx"]
    with write_transaction(sessions) as session:
        merge = corrections.merge_organizations(session, organization(session, VARIANT),
                                                organization(session, centre), author="root").id

    assert VARIANT not in registry(sessions)
    assert registry(sessions)[centre] == ["001_altai.docx", "002_altai.docx"]
    with sessions() as session:
        assert VARIANT in {a.alias for a in organization(session, centre).aliases}

    save_version(sessions, second, version="v2")  # a new version registers the variant again
    assert VARIANT not in registry(sessions)

    with write_transaction(sessions) as session:
        corrections.revert(session, session.get(db.Correction, merge), author="root")
    assert registry(sessions)[VARIANT] == ["002_altai.docx"]
    assert registry(sessions)[centre] == ["001_altai.docx"]


def test_a_split_moves_one_documents_links_and_is_re_applied(sessions, two_documents):
    first, second, centre = two_documents
    ministry, other = first.organizations[1].name, "Министерство образования и науки Алтайского края"
    with write_transaction(sessions) as session:
        document = session.scalar(select(db.Document).where(db.Document.source_file == "001_altai.docx"))
        split = corrections.split_organization(session, organization(session, ministry), document, other,
                                               author="anna").id

    assert registry(sessions)[other] == ["001_altai.docx"]
    assert registry(sessions)[ministry] == ["002_altai.docx"]

    save_version(sessions, first, version="v2")
    assert registry(sessions)[other] == ["001_altai.docx"]

    with write_transaction(sessions) as session:
        corrections.revert(session, session.get(db.Correction, split), author="anna")
    assert registry(sessions)[ministry] == ["001_altai.docx", "002_altai.docx"]
    assert registry(sessions)[other] == []


# --------------------------------------------------------------------------- task, period, basis

def quarterly(source_file: str = "quarters.docx"):
    """The sample document with plan and fact amounts of 1.2's grant in 2023 by quarter,
    whose planned fourth quarter is misread (0.30 for 0.20), and a subtotal of task 1."""
    doc = build_document(source_file)
    doc.issues = []
    grant = ("1.2", 2023, "fund_grant", "грант Фонда")
    plan = {"Q1": "0.10", "Q2": "0.10", "Q3": "0.10", "Q4": "0.30"}
    doc.funding += [FundingRow(*grant, Decimal(v), period=f"2023-{q}") for q, v in plan.items()]
    doc.funding += [FundingRow(*grant, Decimal("0.40"), basis="fact"),
                    *(FundingRow(*grant, Decimal("0.10"), period=f"2023-Q{q}", basis="fact") for q in range(1, 5)),
                    FundingRow(None, 2023, "fund_grant", "Итого по задаче 1", Decimal("0.50"), task_code="1")]
    return validate_document(doc)  # as an extraction does


def save_quarterly(sessions, doc, version="v1"):
    return save_document(sessions, doc, fingerprint=hashlib.sha256(version.encode()).hexdigest(),
                         source_path=doc.source_file, pipeline_version="test").document_id


def grant_2023(sessions, document_id) -> dict[str, Decimal]:
    with sessions() as session:
        doc = load_document(session, document_id)
    return {f.value_key(): f.amount_rub for f in doc.funding if f.source == "fund_grant" and f.year == 2023}


def test_amounts_that_differ_only_in_period_basis_or_task_are_corrected_apart(sessions):
    stored = save_quarterly(sessions, quarterly())
    before = grant_2023(sessions, stored)
    mismatch = "fund_grant 2023: Q1: 0,10 + Q2: 0,10 + Q3: 0,10 + Q4: 0,30 = 0,60 ≠ year amount 0,50"
    assert issues_at(sessions, "funding 1.2") == [("open", mismatch)]  # the fact quarters add up

    correct(sessions, stored, "funding", "1.2 2023-Q4 fund_grant", "amount", "0,20")
    correct(sessions, stored, "funding", "1.2 2023-Q1 fund_grant fact", "amount", "0,15")
    correct(sessions, stored, "funding", "task:1 2023 fund_grant", "amount", "0,55")

    after = grant_2023(sessions, stored)
    changed = {key: after[key] for key in after if after[key] != before[key]}
    assert changed == {"1.2 2023-Q4 fund_grant": Decimal("0.20"), "1.2 2023-Q1 fund_grant fact": Decimal("0.15"),
                       "task:1 2023 fund_grant": Decimal("0.55")}
    assert issues_at(sessions, "funding 1.2") == [
        ("closed", mismatch),
        ("open", "fund_grant 2023 fact: Q1: 0,15 + Q2: 0,10 + Q3: 0,10 + Q4: 0,10 = 0,45 ≠ year amount 0,40")]
    assert issues_at(sessions, "task 1") == [
        ("open", "fund_grant 2023: sum over the measures of task 1 0,50 ≠ printed subtotal 0,55")]
    with sessions() as session:
        issue = session.scalar(select(db.Issue).where(db.Issue.entity == "task", db.Issue.code == "1"))
        keys = session.scalars(select(db.Correction.entity_key).order_by(db.Correction.id)).all()
    assert issue.value == ("funding", "task:1 2023 fund_grant", "amount")
    assert keys == ["1.2 2023-Q4 fund_grant", "1.2 2023-Q1 fund_grant fact", "task:1 2023 fund_grant"]


def test_corrections_of_a_quarter_or_a_fact_find_their_row_again_after_re_extraction(sessions):
    stored = save_quarterly(sessions, quarterly())
    correct(sessions, stored, "funding", "1.2 2023-Q4 fund_grant", "amount", "0,20")
    fact = correct(sessions, stored, "funding", "1.2 2023 fund_grant fact", "amount", "0,45")
    before = grant_2023(sessions, stored)

    again = save_quarterly(sessions, quarterly(), version="v2")  # new bytes of the same file: re-extracted

    assert again == stored
    assert grant_2023(sessions, again) == before
    assert before["1.2 2023 fund_grant"] == Decimal("0.50")  # the plan's year: never touched
    assert [s for s, _ in issues_at(sessions, "funding 1.2")] == ["closed", "open"]  # fact quarters 0,40 ≠ 0,45

    with write_transaction(sessions) as session:
        corrections.revert(session, session.get(db.Correction, fact), author="boris")
    assert grant_2023(sessions, stored)["1.2 2023 fund_grant fact"] == Decimal("0.40")
    assert [s for s, _ in issues_at(sessions, "funding 1.2")] == ["closed", "closed"]
