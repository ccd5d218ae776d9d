"""Accounts: scrypt password hashes, roles, refusals, sessions kept in the database and
the sign-in throttle (review/auth.py)."""
from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline import cli
from models.errors import UsageError
from store.database import open_database, write_transaction
from review.auth import (
    LoginThrottle, SignInRefused, add_account, authenticate, change_password, check_password, end_session,
    hash_password, may, session_account, set_disabled, start_session,
)
from models import db
from tests.review.conftest import ROOT


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


# --------------------------------------------------------------------------- sessions in the database

def _signed_in(sessions, name: str = "anna") -> str:
    """A live session of a new reviewer `name`; its token."""
    add_account(sessions, name, "reviewer", "anna-secret-1")
    with sessions() as session:
        account = session.scalar(select(db.Account).where(db.Account.name == name))
    return start_session(sessions, account, minutes=60)


def test_a_session_ends_when_signed_out_and_others_stay(sessions):
    token = _signed_in(sessions)
    other = start_session(sessions, _named(sessions, "anna"), minutes=60)

    assert session_account(sessions, token, 60).name == "anna"
    end_session(sessions, token)

    assert session_account(sessions, token, 60) is None
    assert session_account(sessions, other, 60).name == "anna"
    assert session_account(sessions, "a token never issued", 60) is None
    assert session_account(sessions, None, 60) is None


def test_a_password_change_and_disabling_end_every_session(sessions):
    first, second = _signed_in(sessions), start_session(sessions, _named(sessions, "anna"), minutes=60)

    assert change_password(sessions, "anna", "a new secret 1") == 2
    assert session_account(sessions, first, 60) is None and session_account(sessions, second, 60) is None
    with sessions() as session:
        assert authenticate(session, "anna", "a new secret 1").name == "anna"
        assert authenticate(session, "anna", "anna-secret-1") is None

    third = start_session(sessions, _named(sessions, "anna"), minutes=60)
    assert set_disabled(sessions, "anna", True) == 1
    assert session_account(sessions, third, 60) is None
    set_disabled(sessions, "anna", False)
    assert session_account(sessions, third, 60) is None  # enabling again revives no session


def test_only_the_hash_of_the_token_is_stored_and_an_expired_session_is_refused(sessions):
    token = _signed_in(sessions)
    with write_transaction(sessions) as session:
        row = session.scalar(select(db.AccountSession))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
        row.expires_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)

    assert session_account(sessions, token, 60) is None


def test_unknown_names_and_short_passwords_are_refused(sessions):
    _signed_in(sessions)

    for call in (lambda: set_disabled(sessions, "nobody", True), lambda: change_password(sessions, "nobody", "x" * 12)):
        with pytest.raises(UsageError, match="there is no account named «nobody»"):
            call()
    with pytest.raises(UsageError, match="shorter than 10 characters"):
        change_password(sessions, "anna", "short")


def _named(sessions, name: str) -> db.Account:
    with sessions() as session:
        return session.scalar(select(db.Account).where(db.Account.name == name))


# --------------------------------------------------------------------------- the sign-in throttle

class Clock:
    """Time that moves only when told: the throttle's window without waiting for it."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_throttle_locks_an_account_until_its_oldest_failure_is_old_enough():
    clock = Clock()
    throttle = LoginThrottle(per_account=3, per_address=100, minutes=15, clock=clock)
    for _ in range(3):
        throttle.attempt("anna", "10.0.0.1")
        clock.now += 60

    with pytest.raises(SignInRefused, match="too many failed sign-ins for this account; try again in 12 minutes") \
            as refused:
        throttle.attempt("anna", "10.0.0.2")  # another address does not help
    assert refused.value.status == 429
    throttle.attempt("bob", "10.0.0.1")  # other accounts still may

    clock.now += 12 * 60 + 1  # the first failure is 15 minutes old
    throttle.attempt("anna", "10.0.0.1")
    with pytest.raises(SignInRefused, match="try again in 1 minute$"):
        throttle.attempt("anna", "10.0.0.1")


def test_the_throttle_locks_an_address_trying_many_names():
    throttle = LoginThrottle(per_account=100, per_address=3, minutes=15, clock=Clock())
    for name in ("a", "b", "c"):
        throttle.attempt(name, "10.0.0.1")

    with pytest.raises(SignInRefused, match="too many failed sign-ins for this address; try again in 15 minutes"):
        throttle.attempt("d", "10.0.0.1")
    throttle.attempt("d", "10.0.0.2")


def test_a_right_password_forgives_the_accounts_failures_but_not_the_addresss():
    throttle = LoginThrottle(per_account=2, per_address=2, minutes=15, clock=Clock())
    throttle.attempt("anna", "10.0.0.1")
    right = throttle.attempt("anna", "10.0.0.1")
    throttle.succeeded("anna", "10.0.0.1", right)

    throttle.attempt("anna", "10.0.0.1")  # anna's slate is clean; the address keeps its first failure
    with pytest.raises(SignInRefused, match="for this address"):
        throttle.attempt("bob", "10.0.0.1")


# --------------------------------------------------------------------------- `orders users …`

def _table_rows(output: str) -> list[list[str]]:
    """The body rows of a table `orders` printed."""
    return [[cell.strip() for cell in line.strip("│").split("│")] for line in output.splitlines()
            if line.startswith("│")]


def test_users_commands_list_disable_enable_and_change_passwords(database_url):
    runner = CliRunner()

    def orders(*args: str, typed: str | None = None):
        return runner.invoke(cli.app, ["users", *args, "--db", database_url], input=typed)

    added = orders("add", "anna", "--role", "reviewer", typed="anna-secret-1\nanna-secret-1\n")
    sessions = open_database(database_url)
    start_session(sessions, _named(sessions, "anna"), minutes=60)
    listed = orders("list")
    disabled = orders("disable", "anna")
    listed_disabled = orders("list")
    enabled = orders("enable", "anna")
    start_session(sessions, _named(sessions, "anna"), minutes=60)
    changed = orders("passwd", "anna", typed="a new secret 1\na new secret 1\n")

    assert added.exit_code == 0 and "account anna (reviewer) created" in added.output
    assert listed.exit_code == 0 and listed_disabled.exit_code == 0
    [[name, role, off, created, live]] = _table_rows(listed.output)
    assert (name, role, off, live) == ("anna", "reviewer", "no", "1")
    assert dt.datetime.strptime(created, "%Y-%m-%d %H:%M")
    assert "1 account(s)" in listed.output
    assert disabled.exit_code == 0 and "account anna disabled; 1 session(s) ended" in disabled.output
    assert [row[2::2] for row in _table_rows(listed_disabled.output)] == [["yes", "0"]]
    assert enabled.exit_code == 0 and "account anna enabled" in enabled.output
    assert changed.exit_code == 0 and "password of anna changed; 1 session(s) ended" in changed.output
    assert "New password:" in changed.output and "Repeat for confirmation:" in changed.output
    assert "a new secret 1" not in changed.output  # typed, never shown
    with sessions() as session:
        assert authenticate(session, "anna", "a new secret 1") is not None
    sessions.kw["bind"].dispose()


def test_users_commands_refuse_an_unknown_name_with_exit_code_2(database_url):
    for args in (["enable", "nobody"], ["passwd", "nobody", "--password", "long enough 1"]):
        result = CliRunner().invoke(cli.app, ["users", *args, "--db", database_url])
        assert isinstance(result.exception, UsageError), result.output
        assert "there is no account named «nobody»" in str(result.exception)

    # The console entry point turns the error into one line and its exit code.
    shell = subprocess.run([sys.executable, "-m", "pipeline", "users", "disable", "nobody", "--db", database_url],
                           cwd=ROOT, capture_output=True, text=True)
    assert shell.returncode == 2, shell.stderr
    assert "error: there is no account named «nobody»" in shell.stderr
