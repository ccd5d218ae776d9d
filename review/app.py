"""The review web app: the queue of issues, a document beside its page image, edits
stored as corrections, and the audit of who changed what.

Server-rendered pages (Jinja2, autoescaped) with a little plain JavaScript for the
keyboard. Every form carries the session's CSRF token; every change needs a
signed-in reviewer; sessions expire after `session_minutes`.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware.sessions import SessionMiddleware

from models import db
from pipeline import corrections
from pipeline.errors import CorrectionError, UsageError
from pipeline.settings import Settings
from pipeline.store import (
    SEVERITY, IssueFilter, count_issues, list_issues, open_database, severity_rank, write_transaction,
)
from review import auth
from review.views import document_view, page_image

HERE = Path(__file__).parent
PAGE_SIZE = 50
_CSP = ("default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class SignInRequired(Exception):
    """The request needs a signed-in account (or a higher role)."""

    def __init__(self, status: int = 401):
        self.status = status


def create_app(settings: Settings) -> FastAPI:
    """The app on the database and folders of `settings`."""
    app = FastAPI(title="Orders review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sessions = open_database(settings.database_url)
    app.state.pages_dir = settings.processed_dir / "pages"
    app.add_middleware(SessionMiddleware, secret_key=auth.secret_key(settings.secret_key, settings.processed_dir),
                       session_cookie="orders_review", max_age=settings.session_minutes * 60, same_site="strict")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.middleware("http")(_security_headers)
    app.exception_handler(SignInRequired)(_sign_in_required)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters.update(when=_when, plain=_plain_amount)
    _add_routes(app, templates)
    return app


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _plain_amount(amount: Decimal | None) -> str:
    """1028000.00 → «1028000», 0.50 → «0,50»: as a reviewer types it."""
    if amount is None:
        return ""
    return f"{amount:.2f}".removesuffix(".00").replace(".", ",")


async def _security_headers(request: Request, call_next) -> Response:
    response = await call_next(request)
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


async def _sign_in_required(request: Request, exc: SignInRequired) -> Response:
    if request.method == "GET" and exc.status == 401:
        return RedirectResponse("/login?" + urlencode({"next": request.url.path + _query(request)}), status_code=303)
    message = "sign in first" if exc.status == 401 else "your role may not do this"
    return HTMLResponse(f"<!doctype html><title>Refused</title><p>{message}</p>", status_code=exc.status)


def _query(request: Request) -> str:
    return f"?{request.url.query}" if request.url.query else ""


# --------------------------------------------------------------------------- request helpers

def _sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions


def _csrf(request: Request) -> str:
    """The session's CSRF token, made on first use (also for the sign-in form)."""
    if "csrf" not in request.session:
        request.session["csrf"] = auth.new_csrf_token()
    return request.session["csrf"]


def _account(request: Request, role: str = "viewer") -> db.Account:
    """The signed-in account, if it has at least `role`."""
    name = request.session.get("account")
    with _sessions(request)() as session:
        account = session.scalar(select(db.Account).where(db.Account.name == name)) if name else None
    if account is None:
        raise SignInRequired(401)
    if not auth.may(account, role):
        raise SignInRequired(403)
    return account


async def _form(request: Request, role: str) -> tuple[db.Account, dict]:
    """A posted form from an account with `role`, its CSRF token checked."""
    account = _account(request, role)
    form = await request.form()
    if not auth.csrf_ok(request.session.get("csrf"), form.get("csrf_token")):
        raise SignInRequired(403)
    return account, form


def _flash(request: Request, message: str, error: bool = False) -> None:
    request.session["flash"] = {"message": message, "error": error}


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(url: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    return url if url and url.startswith("/") and not url.startswith("//") else "/queue"


# --------------------------------------------------------------------------- routes

def _add_routes(app: FastAPI, templates: Jinja2Templates) -> None:
    def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        context.update(request=request, csrf_token=_csrf(request), flash=request.session.pop("flash", None),
                       account=context.get("account"))
        return templates.TemplateResponse(request, name, context, status_code=status)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return _back("/queue")

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str | None = None):
        return render(request, "login.html", next=_safe_next(next))

    @app.post("/login")
    async def login(request: Request):
        form = await request.form()
        if not auth.csrf_ok(request.session.get("csrf"), form.get("csrf_token")):
            raise SignInRequired(403)
        with _sessions(request)() as session:
            account = auth.authenticate(session, form.get("name", ""), form.get("password", ""))
        if account is None:
            return render(request, "login.html", status=401, next=_safe_next(form.get("next")),
                          error="wrong name or password")
        request.session.clear()  # a new session on sign-in: no fixation
        request.session.update(account=account.name, csrf=auth.new_csrf_token())
        return _back(_safe_next(form.get("next")))

    @app.post("/logout")
    async def logout(request: Request):
        await _form(request, "viewer")
        request.session.clear()
        return _back("/login")

    @app.get("/queue", response_class=HTMLResponse)
    def queue(request: Request, status: str = "open", document: str = "", region: str = "", kind: str = "",
              page: int = 1):
        account = _account(request)
        which = IssueFilter(status or None, document or None, region or None, kind or None)
        try:
            total = count_issues(_sessions(request), which)
        except UsageError as exc:
            return render(request, "queue.html", status=400, account=account, error=str(exc), issues=[],
                          total=0, page=1, pages=1, which=which, choices=_queue_choices(request))
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, page), pages)
        issues = list_issues(_sessions(request), which, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        return render(request, "queue.html", account=account, issues=issues, total=total, page=page, pages=pages,
                      which=which, choices=_queue_choices(request),
                      paging=lambda n: urlencode({**request.query_params, "page": n}))

    @app.get("/documents/{document_id}", response_class=HTMLResponse)
    def document_page(request: Request, document_id: int, issue: int | None = None):
        account = _account(request)
        with _sessions(request)() as session:
            view = document_view(session, document_id, issue, request.app.state.pages_dir)
            if view is None:
                return render(request, "missing.html", status=404, account=account, what=f"document {document_id}")
            next_issue = _next_issue(session, view.issue)
            return render(request, "document.html", account=account, view=view, next_issue=next_issue,
                          can_edit=auth.may(account, "reviewer"))

    @app.get("/documents/{document_id}/pages/{page}.jpg")
    def page_jpeg(request: Request, document_id: int, page: int):
        _account(request)
        with _sessions(request)() as session:
            document = session.get(db.Document, document_id)
            path = page_image(request.app.state.pages_dir, document, page) if document else None
        if path is None:
            return Response(status_code=404)
        return FileResponse(path, media_type="image/jpeg")

    @app.post("/documents/{document_id}/corrections")
    async def add_correction(request: Request, document_id: int):
        account, form = await _form(request, "reviewer")
        value = json.dumps(form.getlist("executor"), ensure_ascii=False) if form.get("field") == "executors" \
            else form.get("value")
        back = _document_url(document_id, form.get("issue"), form.get("anchor"))
        try:
            with write_transaction(_sessions(request)) as session:
                document = _row(session, db.Document, document_id, "document")
                corrections.correct(session, document, form.get("entity", ""), form.get("key", ""),
                                    form.get("field", ""), value, author=account.name, comment=form.get("comment"))
                outcome = _issue_outcome(session, form.get("issue"))
        except CorrectionError as exc:
            _flash(request, exc.message, error=True)
            return _back(back)
        _flash(request, "saved" + (f"; {outcome}" if outcome else ""))
        return _back(back)

    @app.post("/issues/{issue_id}/dismiss")
    async def dismiss(request: Request, issue_id: int):
        account, form = await _form(request, "reviewer")
        try:
            with write_transaction(_sessions(request)) as session:
                issue = _row(session, db.Issue, issue_id, "issue")
                corrections.dismiss_issue(session, issue, author=account.name, reason=form.get("reason", ""))
                following = _next_issue(session, issue)
        except CorrectionError as exc:
            _flash(request, exc.message, error=True)
            return _back(_safe_next(form.get("back")))
        _flash(request, "issue dismissed")
        return _back(_document_url(following.document_id, following.id) if following else "/queue")

    @app.post("/corrections/{correction_id}/revert")
    async def revert(request: Request, correction_id: int):
        account, form = await _form(request, "reviewer")
        try:
            with write_transaction(_sessions(request)) as session:
                corrections.revert(session, _row(session, db.Correction, correction_id, "correction"),
                                   author=account.name)
        except CorrectionError as exc:
            _flash(request, exc.message, error=True)
        else:
            _flash(request, f"correction {correction_id} reverted")
        return _back(_safe_next(form.get("back")))

    @app.get("/organizations", response_class=HTMLResponse)
    def organizations(request: Request, q: str = "", region: str = "", page: int = 1):
        account = _account(request)
        query = select(db.Organization).order_by(db.Organization.name)
        if q:
            query = query.where(db.Organization.name.ilike(f"%{q}%"))
        if region:
            query = query.where(db.Organization.region_code == region)
        page = max(1, page)
        with _sessions(request)() as session:
            rows = session.scalars(query.limit(PAGE_SIZE * 2).offset((page - 1) * PAGE_SIZE * 2)).all()
            links = {org.id: _link_count(session, org.id) for org in rows}
            return render(request, "organizations.html", account=account, rows=rows, links=links, q=q,
                          region=region, page=page, can_merge=auth.may(account, "admin"))

    @app.post("/organizations/merge")
    async def merge(request: Request):
        account, form = await _form(request, "admin")
        try:
            with write_transaction(_sessions(request)) as session:
                drop, keep = (_row(session, db.Organization, _int(form.get(f)), "organisation №")
                              for f in ("drop", "keep"))
                corrections.merge_organizations(session, drop, keep, author=account.name,
                                                comment=form.get("comment"))
                message = f"«{drop.name}» merged into «{keep.name}»"
        except CorrectionError as exc:
            _flash(request, exc.message, error=True)
        else:
            _flash(request, message)
        return _back(_safe_next(form.get("back")))

    @app.post("/documents/{document_id}/organizations/{organization_id}/split")
    async def split(request: Request, document_id: int, organization_id: int):
        account, form = await _form(request, "reviewer")
        try:
            with write_transaction(_sessions(request)) as session:
                document = _row(session, db.Document, document_id, "document")
                org = _row(session, db.Organization, organization_id, "organisation")
                corrections.split_organization(session, org, document, form.get("name", ""), author=account.name,
                                               comment=form.get("comment"))
        except CorrectionError as exc:
            _flash(request, exc.message, error=True)
        else:
            _flash(request, "saved: in this document it is now another organisation")
        return _back(_document_url(document_id, anchor="organizations"))

    @app.get("/audit", response_class=HTMLResponse)
    def audit(request: Request, document: str = "", page: int = 1):
        account = _account(request)
        query = select(db.Correction).order_by(db.Correction.created_at.desc(), db.Correction.id.desc())
        if document:
            query = query.where(db.Correction.source_file == document)
        with _sessions(request)() as session:
            rows = session.scalars(query.limit(PAGE_SIZE * 4).offset((max(1, page) - 1) * PAGE_SIZE * 4)).all()
            files = session.scalars(select(db.Correction.source_file).distinct().order_by(db.Correction.source_file))
            documents = {d.source_file: d.id for d in session.scalars(select(db.Document))}
            return render(request, "audit.html", account=account, rows=rows, files=list(files), document=document,
                          documents=documents, page=max(1, page))


def _row(session: Session, model: type[db.Base], row_id: int, what: str):
    """The row, or a CorrectionError the page shows («there is no issue 7»)."""
    row = session.get(model, row_id)
    if row is None:
        raise CorrectionError(f"there is no {what} {row_id}")
    return row


def _int(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() else 0


def _link_count(session: Session, organization_id: int) -> int:
    """How many documents name the organisation."""
    return session.scalar(select(func.count(db.DocumentOrganization.document_id.distinct())).where(
        db.DocumentOrganization.organization_id == organization_id))


def _queue_choices(request: Request) -> dict:
    with _sessions(request)() as session:
        return {
            "statuses": db.ISSUE_STATUSES,
            "kinds": SEVERITY,
            "documents": list(session.scalars(select(db.Document.source_file).order_by(db.Document.source_file))),
            "regions": list(session.scalars(select(db.Document.region_code).where(
                db.Document.region_code.is_not(None)).distinct().order_by(db.Document.region_code))),
        }


def _document_url(document_id: int, issue: int | str | None = None, anchor: str | None = None) -> str:
    query = f"?issue={int(issue)}" if issue and str(issue).isdigit() else ""
    return f"/documents/{document_id}{query}" + (f"#{anchor}" if anchor and anchor.isidentifier() else "")


def _issue_outcome(session: Session, issue_id: str | None) -> str | None:
    """What the edit did to the issue the reviewer came for."""
    issue = session.get(db.Issue, int(issue_id)) if issue_id and issue_id.isdigit() else None
    if issue is None:
        return None
    if issue.status != "open":
        return f"the issue is {issue.status}"
    return "the issue is still open"


def _next_issue(session: Session, issue: db.Issue | None) -> db.Issue | None:
    """The open issue to go on with: the next of the same document first, then the queue's order."""
    query = select(db.Issue).where(db.Issue.status == "open")
    if issue is not None:
        query = query.where(db.Issue.id != issue.id).order_by(db.Issue.document_id != issue.document_id)
    return session.scalars(query.order_by(severity_rank(), db.Issue.document_id, db.Issue.position).limit(1)).first()
