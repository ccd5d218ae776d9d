"""Accounts: scrypt password hashes, roles, refusals (review/auth.py)."""
from __future__ import annotations

import pytest

from pipeline.errors import UsageError
from pipeline.store import open_database
from review.auth import add_account, check_password, hash_password, may
from models import db


def test_password_hash_is_salted_scrypt_and_checks():
    first, second = hash_password("correct horse"), hash_password("correct horse")

    assert first.startswith("scrypt$32768$8$1$") and first != second
    assert check_password("correct horse", first) and check_password("correct horse", second)
    assert not check_password("correct horse!", first)
    assert not check_password("correct horse", "md5$abc")


@pytest.mark.parametrize(
    ("name", "role", "password", "message"),
    [
        ("eve", "owner", "long enough pw", "unknown role «owner»"),
        ("eve", "viewer", "short", "shorter than 10 characters"),
        ("anna", "viewer", "long enough pw", "an account named «anna» exists already"),
        ("", "viewer", "long enough pw", "1 to 64 characters"),
    ],
)
def test_bad_accounts_are_refused(review_settings, name, role, password, message):
    with pytest.raises(UsageError, match=message):
        add_account(open_database(review_settings.database_url), name, role, password)


def test_roles_are_ranked():
    viewer, reviewer, admin = (db.Account(name=r, role=r, password_hash="") for r in ("viewer", "reviewer", "admin"))
    assert may(viewer, "viewer") and not may(viewer, "reviewer")
    assert may(reviewer, "reviewer") and not may(reviewer, "admin")
    assert may(admin, "reviewer") and not may(None, "viewer")
