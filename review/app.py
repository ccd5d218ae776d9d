"""The review web app: the queue of issues, a document beside its page image, edits
stored as corrections, and the audit of who changed what.

Server-rendered pages (Jinja2, autoescaped) with a little plain JavaScript for the
keyboard. Every form carries the session's CSRF token; every change needs a
signed-in reviewer; sessions expire after `session_minutes`.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from models import db
from store import corrections
from models.errors import CorrectionError, UsageError
from models.settings import Settings
from store.database import open_database, write_transaction
from store.issues import SEVERITY, IssueFilter, count_issues, list_issues, severity_rank
from review import auth, browse, forms
from review.forms import BadRequest
from review.views import (
    SECTIONS, correction_message, document_view, issue_changes, issue_states, page_image, shown_value,
    value_label,
)

HERE = Path(__file__).parent
PAGE_SIZE = 50
log = logging.getLogger("orders.review")
CSRF_REFUSED = "the form has expired or did not come from this site; reload the page and try again"
_CSP = ("default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# plotly.js styles its charts by inline style attributes; scripts stay 'self' only, and the
# browse page's data is escaped text inside an attribute.
_CSP_CHARTS = _CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "img-src 'self'", "img-src 'self' data:")


class SignInRequired(Exception):
    """The request needs a signed-in account (or a higher role)."""

    def __init__(self, status: int = 401):
        self.status = status


def create_app(settings: Settings) -> FastAPI:
    """The app on the database and folders of `settings`."""
    app = FastAPI(title="Orders review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.sessions = open_database(settings.database_url)
    app.state.pages_dir = settings.processed_dir / "pages"
    app.state.sign_ins = auth.SignIns(settings)  # sign-in throttle and session lifetime
    app.add_middleware(SessionMiddleware, secret_key=auth.secret_key(settings.secret_key, settings.processed_dir),
                       session_cookie="orders_review", max_age=settings.session_minutes * 60, same_site="strict",
                       https_only=settings.session_cookie_secure)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.middleware("http")(_limit_body)
    app.middleware("http")(_security_headers)  # added last: outermost, so every response has the headers
    app.exception_handler(SignInRequired)(_sign_in_required)
    app.exception_handler(BadRequest)(_bad_request)
    app.exception_handler(RequestValidationError)(_invalid_request)
    app.exception_handler(StarletteHTTPException)(_http_error)
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.filters.update(when=_when, plain=_plain_amount, grouped=_grouped_amount)
    templates.env.globals.update(value_label=value_label, shown_value=shown_value)
    app.state.templates = templates
    for add_routes in (_add_sign_in_routes, _add_queue_routes, _add_document_routes, _add_issue_routes,
                       _add_organization_routes, _add_audit_routes, _add_browse_routes):
        add_routes(app)
    return app


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _grouped_amount(amount: Decimal) -> str:
    """1425000.50 → «1 425 000,50», 9876350.00 → «9 876 350»: as a reader reads it."""
    return f"{amount:,.2f}".removesuffix(".00").replace(",", "\u00a0").replace(".", ",")


def _plain_amount(amount: Decimal | None) -> str:
    """1028000.00 → «1028000», 0.50 → «0,50»: as a reviewer types it."""
    if amount is None:
        return ""
    return f"{amount:.2f}".removesuffix(".00").replace(".", ",")


async def _security_headers(request: Request, call_next) -> Response:
    try:
        response = await call_next(request)
    except Exception:  # logged with its traceback; the reviewer gets a page with the same headers as any other
        log.exception("%s %s failed", request.method, request.url.path)
        response = _error_page(request, 500, "Something went wrong",
                               "The server could not answer this request; nothing was saved. The error is in "
                               "the server's log.")
    response.headers["Content-Security-Policy"] = _CSP_CHARTS if request.url.path == "/browse" else _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "public, max-age=86400"  # the same for everyone, revalidated by ETag
    response.headers.setdefault("Cache-Control", "no-store")
    return response


async def _limit_body(request: Request, call_next) -> Response:
    """Refuse an oversized body before reading it."""
    length = request.headers.get("content-length", "0")
    if not length.isdecimal() or int(length) > forms.MAX_BODY_BYTES:
        return _error_page(request, 413, "Too large", f"A form may send at most {forms.MAX_BODY_BYTES // 1024} KiB.")
    return await call_next(request)


def _error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, "error.html", {"request": request, "title": title, "message": message, "account": None,
                                "flash": None, "csrf_token": ""}, status_code=status)


async def _sign_in_required(request: Request, exc: SignInRequired) -> Response:
    if request.method == "GET" and exc.status == 401:
        return RedirectResponse("/login?" + urlencode({"next": request.url.path + _query(request)}), status_code=303)
    if exc.status == 401:
        return _error_page(request, 401, "Sign in first", "Sign in to do this; your session may have ended.")
    return _error_page(request, 403, "Not allowed", "Your role may not do this.")


async def _bad_request(request: Request, exc: BadRequest) -> Response:
    titles = {403: "Refused", 404: "Not found", 413: "Too large"}
    return _error_page(request, exc.status, titles.get(exc.status, "Bad request"), exc.message)


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """A parameter of the wrong kind: anonymous callers are asked to sign in first,
    signed-in ones told which parameter is wrong."""
    try:
        _account(request)
    except SignInRequired as refused:
        return await _sign_in_required(request, refused)
    names = ", ".join(str(e["loc"][-1]) for e in exc.errors())
    return _error_page(request, 400, "Bad request", f"these parts of the address are not valid: {names}")


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    messages = {404: "There is no such page.", 405: "This address does not take that kind of request."}
    return _error_page(request, exc.status_code, "Not found" if exc.status_code == 404 else "Refused",
                       messages.get(exc.status_code, str(exc.detail)))


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
    """The signed-in account, if it has at least `role`. Its session must be live in
    the database (not signed out, revoked or expired) and the account not disabled:
    a signed cookie alone is not enough."""
    account = request.app.state.sign_ins.account(_sessions(request), request.session.get("session"))
    if account is None:
        raise SignInRequired(401)
    if not auth.may(account, role):
        raise SignInRequired(403)
    return account


async def _form(request: Request, role: str) -> tuple[db.Account, dict]:
    """A posted form from an account with `role`, its CSRF token checked."""
    # In a worker thread: the session check may write (and wait for SQLite's write lock).
    account = await run_in_threadpool(_account, request, role)
    form = await request.form()
    if not auth.csrf_ok(request.session.get("csrf"), form.get("csrf_token")):
        raise BadRequest(CSRF_REFUSED, status=403)
    return account, form


def _flash(request: Request, message: str, error: bool = False) -> None:
    # The session travels in a cookie, which browsers drop past 4 KiB: keep the message short.
    request.session["flash"] = {"message": message if len(message) <= 600 else message[:599] + "…", "error": error}


def _back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _safe_next(url: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    return url if url and url.startswith("/") and not url.startswith("//") else "/queue"


# --------------------------------------------------------------------------- routes

def render(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    """Template `name` with the request's CSRF token, flash message and account."""
    context.update(request=request, csrf_token=_csrf(request), flash=request.session.pop("flash", None),
                   account=context.get("account"))
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


def _add_browse_routes(app: FastAPI) -> None:
    """The browse page (review/browse.py) for every signed-in account, and the plotly.js it draws with."""

    @app.get("/browse", response_class=HTMLResponse)
    def browse_page(request: Request, region: str = "", year: str = "", source: str = ""):
        account = _account(request)
        which = browse.BrowseFilter(region.strip()[:16] or None, forms.optional_year(year),
                                    source.strip()[:32] or None)
        with _sessions(request)() as session:
            shown = browse.totals(session, which)
            return render(request, "browse.html", account=account, which=which, totals=shown,
                           facets=browse.facets(session), charts=browse.charts(session, which, shown))

    @app.get("/browse/plotly.js")
    def plotly_js() -> Response:
        return Response(browse.plotly_js(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


def _add_sign_in_routes(app: FastAPI) -> None:
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
            raise BadRequest(CSRF_REFUSED, status=403)
        address = request.client.host if request.client else "unknown"
        try:
            token = await request.app.state.sign_ins.sign_in(_sessions(request), form.get("name", ""),
                                                             form.get("password", ""), address)
        except auth.SignInRefused as refused:
            return render(request, "login.html", status=refused.status, next=_safe_next(form.get("next")),
                          error=refused.message)
        request.session.clear()  # a new session on sign-in: no fixation
        request.session.update(session=token, csrf=auth.new_csrf_token())
        return _back(_safe_next(form.get("next")))

    @app.post("/logout")
    async def logout(request: Request):
        await _form(request, "viewer")
        # Revoked in the database: a copy of the cookie taken before now is refused too.
        await run_in_threadpool(auth.end_session, _sessions(request), request.session.get("session"))
        request.session.clear()
        return _back("/login")


def _add_queue_routes(app: FastAPI) -> None:
    @app.get("/queue", response_class=HTMLResponse)
    def queue(request: Request, status: str = "open", document: str = "", region: str = "", kind: str = "",
              q: str = "", page: str = "1"):
        account = _account(request)
        which = IssueFilter(status or None, document or None, region or None, kind or None,
                            forms.text({"q": q}, "q").strip() or None)
        common = dict(account=account, which=which, choices=_queue_choices(request),
                      can_edit=auth.may(account, "reviewer"),
                      paging=lambda n: urlencode({**request.query_params, "page": n}))
        try:
            total = count_issues(_sessions(request), which)
        except UsageError as exc:
            return render(request, "queue.html", status=400, error=str(exc), issues=[], total=0, page=1, pages=1,
                          **common)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(forms.page_number(page), pages)
        issues = list_issues(_sessions(request), which, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        return render(request, "queue.html", issues=issues, total=total, page=page, pages=pages, **common)


def _add_document_routes(app: FastAPI) -> None:
    def document(request: Request, template: str, document_id: str, issue: str, section: str | None,
                 **context) -> HTMLResponse:
        account = _account(request)
        number = forms.row_id(document_id, "document")
        with _sessions(request)() as session:
            view = document_view(session, number, forms.optional_id(issue, "issue"), request.app.state.pages_dir,
                                 section=section)
            if view is None:
                raise BadRequest(f"there is no document {number}", status=404)
            return render(request, template, account=account, view=view, can_edit=auth.may(account, "reviewer"),
                          next_issue=_next_issue(session, view.issue), sections=SECTIONS, **context)

    @app.get("/documents/{document_id}", response_class=HTMLResponse)
    def document_page(request: Request, document_id: str, issue: str = "", open: str = ""):
        return document(request, "document.html", document_id, issue, open or None)

    @app.get("/documents/{document_id}/sections/{name}", response_class=HTMLResponse)
    def document_section(request: Request, document_id: str, name: str, issue: str = ""):
        """One section of a document page, loaded when the reviewer opens it."""
        _account(request)  # before saying anything about the address
        if name not in SECTIONS:
            raise BadRequest(f"a document page has no section «{name[:40]}»", status=404)
        return document(request, "section.html", document_id, issue, name)

    @app.get("/documents/{document_id}/pages/{page}.jpg")
    def page_jpeg(request: Request, document_id: str, page: str):
        _account(request)
        with _sessions(request)() as session:
            document = session.get(db.Document, forms.row_id(document_id, "document"))
            path = page_image(request.app.state.pages_dir, document, forms.row_id(page, "page")) if document else None
        if path is None:
            raise BadRequest("there is no such page image", status=404)
        # Cached by the reviewer's browser only: the page images are not public.
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})

    @app.post("/documents/{document_id}/corrections")
    async def add_correction(request: Request, document_id: str):
        account, form = await _form(request, "reviewer")
        number = forms.row_id(document_id, "document")
        entity, key, field = (forms.text(form, name) or "" for name in ("entity", "key", "field"))
        value, comment = _typed_value(form, field), forms.text(form, "comment")
        back = _document_url(number, forms.optional_id(form.get("issue"), "issue"), form.get("section"),
                             form.get("anchor"))

        def save(session: Session) -> tuple[str, str]:
            document = _row(session, db.Document, number, "document")
            before = issue_states(document.issues)
            done = corrections.correct(session, document, entity, key, field, value, author=account.name,
                                       comment=comment)
            return correction_message(done, value_label(entity, key, field), before, document.issues), back

        typed = f"; the value you typed was «{shown_value(field, value)}»" if value else ""
        return _change(request, save, back, explain=lambda reason: f"not saved: {reason}{typed}")


def _add_issue_routes(app: FastAPI) -> None:
    @app.post("/issues/dismiss")
    async def dismiss_many(request: Request):
        """Dismiss the issues ticked in the queue, all with one reason."""
        account, form = await _form(request, "reviewer")
        ids = list(dict.fromkeys(forms.row_id(value, "issue") for value in form.getlist("issue")))
        if not ids or len(ids) > forms.MAX_BULK:
            raise BadRequest(f"tick 1 to {forms.MAX_BULK} issues to dismiss")
        back, reason = _safe_next(form.get("back")), forms.text(form, "reason") or ""

        def dismiss_all(session: Session) -> tuple[str, str]:
            issues = [_row(session, db.Issue, issue_id, "issue") for issue_id in ids]
            # one another reviewer dismissed meanwhile is left as it is, not a reason to dismiss none
            todo = [issue for issue in issues if issue.status != "dismissed"]
            for issue in todo:
                corrections.dismiss_issue(session, issue, author=account.name, reason=reason)
            already = len(issues) - len(todo)
            return f"{len(todo)} issue(s) dismissed" + (f", {already} dismissed already" if already else ""), back

        return _change(request, dismiss_all, back, explain=lambda reason: f"nothing dismissed: {reason}")

    @app.post("/issues/{issue_id}/dismiss")
    async def dismiss(request: Request, issue_id: str):
        account, form = await _form(request, "reviewer")
        number, reason = forms.row_id(issue_id, "issue"), forms.text(form, "reason") or ""

        def dismiss_one(session: Session) -> tuple[str, str]:
            issue = _row(session, db.Issue, number, "issue")
            corrections.dismiss_issue(session, issue, author=account.name, reason=reason)
            following = _next_issue(session, issue)
            return (f"issue dismissed: {issue.kind} · {issue.place.label}",
                    _document_url(following.document_id, following.id) if following else "/queue")

        return _change(request, dismiss_one, _safe_next(form.get("back")))

    @app.post("/issues/{issue_id}/reopen")
    async def reopen(request: Request, issue_id: str):
        """Undo a dismissal: the issue is open again, the dismissal kept in the history as reverted."""
        account, form = await _form(request, "reviewer")
        number = forms.row_id(issue_id, "issue")

        def reopen_one(session: Session) -> tuple[str, str]:
            issue = _row(session, db.Issue, number, "issue")
            corrections.reopen_issue(session, issue, author=account.name)
            return f"issue reopened: {issue.kind} · {issue.place.label}", _document_url(issue.document_id, number)

        return _change(request, reopen_one, _safe_next(form.get("back")))

    @app.post("/corrections/{correction_id}/revert")
    async def revert(request: Request, correction_id: str):
        account, form = await _form(request, "reviewer")
        number = forms.row_id(correction_id, "correction")
        back = _safe_next(form.get("back"))

        def undo(session: Session) -> tuple[str, str]:
            correction = _row(session, db.Correction, number, "correction")
            before = issue_states(corrections.issues_of(session, correction))
            corrections.revert(session, correction, author=account.name)
            after = corrections.issues_of(session, correction)  # re-validation may have added issues
            return "; ".join([f"correction {number} reverted", *issue_changes(before, after)]), back

        return _change(request, undo, back)


def _add_organization_routes(app: FastAPI) -> None:
    @app.get("/organizations", response_class=HTMLResponse)
    def organizations(request: Request, q: str = "", region: str = "", page: str = "1"):
        account = _account(request)
        q = (forms.text({"q": q}, "q") or "").strip()
        query = select(db.Organization).order_by(db.Organization.name)
        if q:  # any case, Cyrillic too; % and _ are letters here, not wildcards
            query = query.where(db.Organization.name.icontains(q, autoescape=True))
        if region:
            query = query.where(db.Organization.region_code == region[:16])
        number = forms.page_number(page)
        with _sessions(request)() as session:
            rows = session.scalars(query.limit(PAGE_SIZE * 2).offset((number - 1) * PAGE_SIZE * 2)).all()
            links = {org.id: _link_count(session, org.id) for org in rows}
            return render(request, "organizations.html", account=account, rows=rows, links=links, q=q,
                          region=region[:16], page=number, can_merge=auth.may(account, "admin"))

    @app.post("/organizations/merge")
    async def merge(request: Request):
        account, form = await _form(request, "admin")
        back, comment = _safe_next(form.get("back")), forms.text(form, "comment")

        def merge_two(session: Session) -> tuple[str, str]:
            drop, keep = (_row(session, db.Organization, forms.row_id(form.get(f), "organisation №"),
                               "organisation №") for f in ("drop", "keep"))
            corrections.merge_organizations(session, drop, keep, author=account.name, comment=comment)
            return f"«{drop.name}» merged into «{keep.name}»", back

        return _change(request, merge_two, back)

    @app.post("/documents/{document_id}/organizations/{organization_id}/split")
    async def split(request: Request, document_id: str, organization_id: str):
        account, form = await _form(request, "reviewer")
        number = forms.row_id(document_id, "document")
        back = _document_url(number, section="organizations", anchor="organizations")
        name, comment = forms.text(form, "name") or "", forms.text(form, "comment")

        def split_one(session: Session) -> tuple[str, str]:
            document = _row(session, db.Document, number, "document")
            org = _row(session, db.Organization, forms.row_id(organization_id, "organisation"), "organisation")
            corrections.split_organization(session, org, document, name, author=account.name, comment=comment)
            return "saved: in this document it is now another organisation", back

        return _change(request, split_one, back)


def _add_audit_routes(app: FastAPI) -> None:
    @app.get("/audit", response_class=HTMLResponse)
    def audit(request: Request, act: str = "", page: str = "1"):
        account = _account(request)
        query = select(db.Correction).order_by(db.Correction.created_at.desc(), db.Correction.id.desc())
        if act:
            query = query.where(db.Correction.act_key == act)
        number = forms.page_number(page)
        with _sessions(request)() as session:
            rows = session.scalars(query.limit(PAGE_SIZE * 4).offset((number - 1) * PAGE_SIZE * 4)).all()
            acts = select(db.Correction.act_key).where(db.Correction.act_key != "").distinct()
            files: dict[str, list[db.Document]] = {}  # the stored files of each corrected act, to name and link it
            for document in session.scalars(select(db.Document).where(db.Document.act_key.in_(acts))
                                            .order_by(db.Document.source_key)):
                files.setdefault(document.act_key, []).append(document)
            return render(request, "audit.html", account=account, rows=rows, acts=sorted(session.scalars(acts)),
                          act=act, files=files, page=number)


def _change(request: Request, work: Callable[[Session], tuple[str, str]], back: str,
            explain: Callable[[str], str] = str) -> RedirectResponse:
    """Run a reviewer's change in one write transaction. `work` returns the message
    and where to go; a CorrectionError (or a form id that names nothing) stores
    nothing and is shown, worded by `explain`, on `back`."""
    try:
        with write_transaction(_sessions(request)) as session:
            message, url = work(session)
    except (CorrectionError, BadRequest) as exc:
        _flash(request, explain(exc.message), error=True)
        return _back(back)
    _flash(request, message)
    return _back(url)


def _row(session: Session, model: type[db.Base], row_id: int, what: str):
    """The row, or a CorrectionError the page shows («there is no issue 7»)."""
    row = session.get(model, row_id)
    if row is None:
        raise CorrectionError(f"there is no {what} {row_id} (any longer)")
    return row


def _typed_value(form, field: str) -> str | None:
    """The value a reviewer typed; executors come as one field each and are kept as a JSON list."""
    if field != "executors":
        return forms.text(form, "value")
    names = [forms.text({"name": n}, "name") for n in form.getlist("executor")]
    if len(names) > forms.MAX_EXECUTORS:
        raise BadRequest(f"a measure has at most {forms.MAX_EXECUTORS} executors")
    return json.dumps(names, ensure_ascii=False)


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


def _document_url(document_id: int, issue: int | None = None, section: str | None = None,
                  anchor: str | None = None) -> str:
    """The document page, at an issue, with a section shown in full, scrolled to an anchor."""
    query = urlencode({k: v for k, v in (("issue", issue), ("open", section if section in SECTIONS else None)) if v})
    fragment = f"#{anchor}" if anchor and re.fullmatch(r"[A-Za-z][\w.-]{0,63}", anchor) else ""
    return f"/documents/{document_id}" + (f"?{query}" if query else "") + fragment


def _next_issue(session: Session, issue: db.Issue | None) -> db.Issue | None:
    """The open issue to go on with: the next of the same document first, then the queue's order."""
    query = select(db.Issue).where(db.Issue.status == "open")
    if issue is not None:
        query = query.where(db.Issue.id != issue.id).order_by(db.Issue.document_id != issue.document_id)
    return session.scalars(query.order_by(severity_rank(), db.Issue.document_id, db.Issue.position).limit(1)).first()
