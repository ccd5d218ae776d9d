"""Accounts of the review page: passwords hashed with scrypt, roles, CSRF tokens.

Roles: a viewer reads; a reviewer also corrects; an admin also merges organisations.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models import db
from pipeline.errors import UsageError

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
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is shorter than {MIN_PASSWORD} characters")
    if not name.strip() or len(name) > 64:
        raise UsageError("an account name needs 1 to 64 characters")
    try:
        with sessions.begin() as session:
            session.add(db.Account(name=name.strip(), role=role, password_hash=hash_password(password)))
    except IntegrityError:
        raise UsageError(f"an account named «{name}» exists already") from None


def authenticate(session: Session, name: str, password: str) -> db.Account | None:
    """The account if the name and password match, else None."""
    account = session.scalar(select(db.Account).where(db.Account.name == name))
    if account is None:
        check_password(password, _dummy_hash())  # the same work either way: no hint that the name exists
        return None
    return account if check_password(password, account.password_hash) else None


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(8))


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
