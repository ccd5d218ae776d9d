"""One regression test per review-queue bug found by trying the product as a new user:
a dismissal must stay with the check a reviewer dismissed, and an issue's address
(its id) must hold across re-extraction. On a small order whose printed total can
break two sums at once: its years against its whole period, the measures against it."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from models import db
from models.records import ExtractedDocument, FundingRow, Measure
from pipeline.stages import validate_document
from store import corrections
from store.database import write_transaction
from store.save import save_document


def _order(total: int, years: tuple[int, int] = (150, 160)) -> ExtractedDocument:
    """Measures 1.1 (100) and 1.2 (200) and a printed total: `years` for 2022 and 2023, `total` for the whole."""
    amounts = [("1.1", None, 100), ("1.2", None, 200), (None, 2022, years[0]), (None, 2023, years[1]),
               (None, None, total)]
    return ExtractedDocument(
        source_file="order.txt", format="text", page_count=1,
        measures=[Measure(code, None, f"Мероприятие {code}") for code in ("1.1", "1.2")],
        funding=[FundingRow(code, year, "all", "Всего", Decimal(amount)) for code, year, amount in amounts])


def _save(sessions, doc: ExtractedDocument, version: str) -> int:
    return save_document(sessions, validate_document(doc), fingerprint=version * 64, source_path="order.txt", pipeline_version="test",
                         force=True).document_id


def _issues(sessions, document_id: int) -> list[tuple[str | None, str, str]]:
    with sessions() as session:
        return [(x.rule, x.status, x.detail) for x in session.get(db.Document, document_id).issues]


def test_a_dismissal_stays_with_its_check_when_another_check_of_the_same_amount_stops_failing(sessions):
    """Both sums of «funding total · all · all» failed; the second was dismissed. When the
    first held again, the dismissal moved to the first's key (#1) and the dismissed check
    came back open."""
    first = _save(sessions, _order(total=400), "1")  # years 310 ≠ 400; measures 300 ≠ 400
    with write_transaction(sessions) as session:
        measures = next(x for x in session.get(db.Document, first).issues if x.rule == "measures")
        corrections.dismiss_issue(session, measures, author="anna", reason="the total counts a grant twice")

    again = _save(sessions, _order(total=310), "2")  # the years hold now; the measures still do not

    assert [(rule, status) for rule, status, _ in _issues(sessions, again)] == [("measures", "dismissed")]


def test_an_issue_raised_by_revalidation_keeps_its_id_across_re_extraction(sessions):
    """A mismatch a correction caused got a new id at every `ingest --force`, so a page
    opened before it named no issue any longer."""
    document_id = _save(sessions, _order(total=300, years=(150, 150)), "1")  # every sum holds
    with write_transaction(sessions) as session:
        corrections.correct(session, session.get(db.Document, document_id), "funding", "1.1 all all", "amount", "150",
                            author="anna")
    with sessions() as session:
        raised = session.scalar(select(db.Issue).where(db.Issue.rule == "measures"))

    again = _save(sessions, _order(total=300, years=(150, 150)), "2")

    with sessions() as session:
        kept = session.scalar(select(db.Issue).where(db.Issue.document_id == again, db.Issue.rule == "measures"))
    assert (kept.id, kept.status, kept.detail) == (raised.id, "open", raised.detail)


def test_a_document_whose_corrections_raise_an_issue_needs_review_after_re_extraction(sessions):
    """The re-applied correction raised its mismatch again, but the document was stored
    as «ok»: the new issue's status was still unset when the document's was decided."""
    document_id = _save(sessions, _order(total=300, years=(150, 150)), "1")
    with write_transaction(sessions) as session:
        corrections.correct(session, session.get(db.Document, document_id), "funding", "1.1 all all", "amount", "150",
                            author="anna")

    again = _save(sessions, _order(total=300, years=(150, 150)), "2")

    with sessions() as session:
        assert session.get(db.Document, again).status == "needs_review"
