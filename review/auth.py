"""Accounts of the review page: passwords hashed with scrypt, roles, sessions kept in
the database, throttled sign-ins, CSRF tokens.

Roles: a viewer reads; a reviewer also corrects; an admin also merges organisations.
A signed cookie carries a random session token; the database keeps its SHA-256, so
signing out, a password change or disabling an account ends sessions at once.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import math
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import anyio.to_thread
from anyio import CapacityLimiter
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models import db
from models.errors import UsageError
from models.settings import Settings
from store.database import write_transaction

# scrypt cost: 2**15 × 8 × 128 bytes = 32 MiB and ~0.1 s per check on this hardware.
_N, _R, _P = 2**15, 8, 1
ROLE_RANK = {role: rank for rank, role in enumerate(db.ACCOUNT_ROLES)}  # viewer < reviewer < admin
MIN_PASSWORD = 10


def hash_password(password: str) -> str:
    """«scrypt$N$r$p$salt$hash», salt and hash in base64."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=64 * 1024 * 1024)
    return "$".join(["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(digest)])


def check_password(password: str, stored: str) -> bool:
    """Does `password` match the stored hash (compared in constant time)?"""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         maxmem=64 * 1024 * 1024)
    return hmac.compare_digest(got, base64.b64decode(digest))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def add_account(sessions: sessionmaker[Session], name: str, role: str, password: str) -> None:
    """Create an account; refuses an unknown role, a short password or a taken name."""
    if role not in ROLE_RANK:
        raise UsageError(f"unknown role «{role}»; use one of {', '.join(db.ACCOUNT_ROLES)}")
    _check_password_rules(password)
    if not name.strip() or len(name) > 64:
        raise UsageError("an account name needs 1 to 64 characters")
    try:
        with sessions.begin() as session:
            session.add(db.Account(name=name.strip(), role=role, password_hash=hash_password(password)))
    except IntegrityError:
        raise UsageError(f"an account named «{name}» exists already") from None


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is shorter than {MIN_PASSWORD} characters")


@dataclass(frozen=True)
class AccountSummary:
    """One line of `orders users list`."""

    name: str
    role: str
    disabled: bool
    created_at: dt.datetime  # in UTC
    active_sessions: int


def list_accounts(sessions: sessionmaker[Session]) -> list[AccountSummary]:
    """Every account by name, with how many of its sessions are live now."""
    live = (select(db.AccountSession.account_id, func.count().label("n"))
            .where(*_live_session(_utc_now())).group_by(db.AccountSession.account_id).subquery())
    query = (select(db.Account, func.coalesce(live.c.n, 0)).outerjoin(live, live.c.account_id == db.Account.id)
             .order_by(db.Account.name))
    with sessions() as session:
        return [AccountSummary(a.name, a.role, a.disabled, _as_utc(a.created_at), n)
                for a, n in session.execute(query)]


def _as_utc(moment: dt.datetime) -> dt.datetime:
    """SQLite gives stored UTC times back without a zone, PostgreSQL in the connection's zone."""
    return moment.replace(tzinfo=dt.timezone.utc) if moment.tzinfo is None else moment.astimezone(dt.timezone.utc)


def change_password(sessions: sessionmaker[Session], name: str, password: str) -> int:
    """Give the account a new password and end all its sessions (whoever knew the old
    password may be signed in); returns how many were ended."""
    _check_password_rules(password)
    new_hash = hash_password(password)  # before the transaction: no write lock held while hashing
    with write_transaction(sessions) as session:
        account = _account_named(session, name)
        account.password_hash = new_hash
        return _revoke_all(session, account.id)


def set_disabled(sessions: sessionmaker[Session], name: str, disabled: bool) -> int:
    """Disable (or enable again) an account; disabling ends all its sessions.
    Returns how many sessions were ended."""
    with write_transaction(sessions) as session:
        account = _account_named(session, name)
        account.disabled = disabled
        return _revoke_all(session, account.id) if disabled else 0


def _account_named(session: Session, name: str) -> db.Account:
    account = session.scalar(select(db.Account).where(db.Account.name == name))
    if account is None:
        raise UsageError(f"there is no account named «{name}»; `orders users list` shows them")
    return account


def authenticate(session: Session, name: str, password: str) -> db.Account | None:
    """The account if the name and password match, else None (also for a disabled
    account: the caller tells it apart, so that only the right password learns it)."""
    account = session.scalar(select(db.Account).where(db.Account.name == name))
    if account is None:
        check_password(password, _dummy_hash())  # the same work either way: no hint that the name exists
        return None
    return account if check_password(password, account.password_hash) else None


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(8))


# --------------------------------------------------------------------------- sessions

def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _live_session(now: dt.datetime) -> tuple:
    """The WHERE clauses of a session that may still be used. Times are compared in
    SQL: SQLite gives them back without a time zone, PostgreSQL with one."""
    return db.AccountSession.revoked_at.is_(None), db.AccountSession.expires_at > now


def start_session(sessions: sessionmaker[Session], account: db.Account, minutes: int) -> str:
    """A new session of `account` lasting `minutes` from its last use; returns the
    token for the cookie (only its hash is stored)."""
    token, now = secrets.token_urlsafe(32), _utc_now()
    with write_transaction(sessions) as session:
        # The account's ended sessions are of no more use; dropping them keeps the table small.
        session.execute(delete(db.AccountSession).where(
            db.AccountSession.account_id == account.id,
            db.AccountSession.revoked_at.is_not(None) | (db.AccountSession.expires_at <= now)))
        session.add(db.AccountSession(account_id=account.id, token_hash=_token_hash(token), created_at=now,
                                      last_seen_at=now, expires_at=now + dt.timedelta(minutes=minutes)))
    return token


def session_account(sessions: sessionmaker[Session], token: str | None, minutes: int) -> db.Account | None:
    """The account of a live session (not signed out, revoked or expired) whose account
    is not disabled; else None. Using a session moves its expiry `minutes` on."""
    if not token:
        return None
    now = _utc_now()
    # Its expiry is moved at most once a minute: a write on every page view would be wasted work.
    stale = db.AccountSession.last_seen_at < now - dt.timedelta(minutes=1)
    query = (select(db.Account, db.AccountSession.id, stale)
             .join(db.Account, db.Account.id == db.AccountSession.account_id)
             .where(db.AccountSession.token_hash == _token_hash(token), *_live_session(now),
                    db.Account.disabled.is_(False)))
    with sessions() as session:
        found = session.execute(query).first()
    if found is None:
        return None
    account, session_id, needs_touch = found
    if needs_touch:
        with write_transaction(sessions) as session:
            session.execute(update(db.AccountSession).where(db.AccountSession.id == session_id)
                            .values(last_seen_at=now, expires_at=now + dt.timedelta(minutes=minutes)))
    return account


def end_session(sessions: sessionmaker[Session], token: str | None) -> None:
    """Sign out: the session of `token` is revoked and its cookie refused from now on."""
    if not token:
        return
    with write_transaction(sessions) as session:
        session.execute(update(db.AccountSession)
                        .where(db.AccountSession.token_hash == _token_hash(token),
                               db.AccountSession.revoked_at.is_(None))
                        .values(revoked_at=_utc_now()))


def _revoke_all(session: Session, account_id: int) -> int:
    """Revoke every live session of the account; how many there were."""
    now = _utc_now()
    result = session.execute(update(db.AccountSession)
                             .where(db.AccountSession.account_id == account_id, *_live_session(now))
                             .values(revoked_at=now))
    return result.rowcount


# --------------------------------------------------------------------------- signing in

class SignInRefused(Exception):
    """A sign-in the page refuses, with its HTTP status and the message to show."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class LoginThrottle:
    """Failed sign-ins per account name and per client address: once either has
    `limit` failures within the last `minutes`, further attempts are refused, without
    checking the password, until the oldest of them is `minutes` old.

    The counts live in this process's memory. That is enough for `orders review
    serve`, which runs one server process; several processes would each count on
    their own, and a restart forgets the counts.
    """

    _PRUNE_ABOVE = 10_000  # keys kept before forgotten ones are swept out

    def __init__(self, per_account: int, per_address: int, minutes: float,
                 clock: Callable[[], float] = time.monotonic):
        self._limits = {"account": per_account, "address": per_address}
        self._window = minutes * 60
        self._clock = clock
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()  # attempts may be counted from several threads

    def attempt(self, name: str, address: str) -> float:
        """Count an attempt as failed until `succeeded` says otherwise; returns its time.
        It is counted before the password is checked, so that attempts running at
        the same time cannot overrun the limit. Raises SignInRefused (429) instead
        when the account or the address has no attempts left."""
        with self._lock:
            now = self._clock()
            keys = [("account", name), ("address", address)]
            for key in keys:
                wait = self._wait(key, now)
                if wait > 0:
                    raise SignInRefused(429, f"too many failed sign-ins for this {key[0]}; "
                                             f"try again in {_minutes(wait)}")
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)
            if len(self._failures) > self._PRUNE_ABOVE:
                self._forget_old(now)
            return now

    def succeeded(self, name: str, address: str, when: float) -> None:
        """The attempt made at `when` had the right password: the account's failures are
        forgiven. Of the address only this attempt is: otherwise signing in to one's
        own account would reset the count of guesses at others."""
        with self._lock:
            self._failures.pop(("account", name), None)
            tried = self._failures.get(("address", address))
            if tried and when in tried:
                tried.remove(when)

    def _wait(self, key: tuple[str, str], now: float) -> float:
        """Seconds until `key` may try again; 0 when it may now."""
        tried = self._failures.get(key)
        if not tried:
            return 0
        while tried and tried[0] <= now - self._window:
            tried.popleft()
        if len(tried) < self._limits[key[0]]:
            return 0
        return tried[0] + self._window - now

    def _forget_old(self, now: float) -> None:
        for key in list(self._failures):
            self._wait(key, now)
            if not self._failures[key]:
                del self._failures[key]


def _minutes(seconds: float) -> str:
    count = max(1, math.ceil(seconds / 60))
    return f"{count} minute" if count == 1 else f"{count} minutes"


class SignIns:
    """How the review page signs people in: the throttle, scrypt off the event loop,
    and sessions lasting `session_minutes` from their last use."""

    # scrypt threads at once: each takes a core and 32 MiB, and one core is left to serve pages.
    HASHING_THREADS = max(1, (os.cpu_count() or 2) - 1)

    def __init__(self, settings: Settings):
        self.throttle = LoginThrottle(settings.login_failures_per_account, settings.login_failures_per_address,
                                      settings.login_lockout_minutes)
        self.session_minutes = settings.session_minutes
        self._hashing: CapacityLimiter | None = None  # made on first use: it belongs to the running event loop

    async def sign_in(self, sessions: sessionmaker[Session], name: str, password: str, address: str) -> str:
        """A new session's token for the right name and password. Raises SignInRefused:
        429 while throttled (then no password is checked), 401 for a wrong name or
        password, 403 for a disabled account. The password is checked in a worker
        thread: on the event loop, each check would stall every other request."""
        when = self.throttle.attempt(name, address)
        if self._hashing is None:
            self._hashing = CapacityLimiter(self.HASHING_THREADS)
        token = await anyio.to_thread.run_sync(self._open_session, sessions, name, password, limiter=self._hashing)
        self.throttle.succeeded(name, address, when)
        return token

    def _open_session(self, sessions: sessionmaker[Session], name: str, password: str) -> str:
        with sessions() as session:
            account = authenticate(session, name, password)
        if account is None:
            raise SignInRefused(401, "wrong name or password")
        if account.disabled:
            raise SignInRefused(403, "this account is disabled; ask an admin to enable it")
        return start_session(sessions, account, self.session_minutes)

    def account(self, sessions: sessionmaker[Session], token: str | None) -> db.Account | None:
        """The account signed in with `token`, if its session is live (see session_account)."""
        return session_account(sessions, token, self.session_minutes)


# --------------------------------------------------------------------------- roles and CSRF

def may(account: db.Account | None, role: str) -> bool:
    """Has the account at least `role`?"""
    return account is not None and ROLE_RANK[account.role] >= ROLE_RANK[role]


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str | None, sent: str | None) -> bool:
    return bool(expected) and bool(sent) and hmac.compare_digest(expected, sent)


def secret_key(configured: str | None, processed_dir: Path) -> str:
    """The key that signs session cookies: the configured one, else one made once and
    kept (readable by the owner only) beside the data, so sessions survive restarts."""
    if configured:
        return configured
    path = processed_dir / "review_secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()
