"""Signing in and out: server-side login sessions, the one definition of the signed-in account,
sign-in throttling and the password policy. Services flush; the request or command commits.

A login session is a row (``LoginSession``) holding a hash of a random secret; Flask-Login keeps
"<account id>:<secret>" in the signed session cookie and, with "remember me", in the remember
cookie (``User.get_id``). ``load_user`` — Flask-Login's ``user_loader``, the only place that
decides who is signed in — accepts it only while the row is neither ended nor expired and the
account is active. So logging out, changing a password, deactivation and "sign out everywhere"
end the cookies at once, wherever they were copied to.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app, has_request_context, request
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import lazyload

from lms.database import rows_changed, utcnow
from lms.extensions import db
from lms.models import AuditEntry, LoginSession, User
from lms.text import fold
from lms.web import MAX_ID

# Last seen is written at most this often per session: an "active sessions" list, not a write per page.
LAST_SEEN_EVERY = timedelta(minutes=5)


class AccountError(Exception):
    """A refused account operation; ``code`` names the rule, ``params`` fill its message."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _client() -> tuple[str, str]:
    if not has_request_context():
        return "", ""
    return (request.remote_addr or "")[:64], (request.user_agent.string or "")[:255]


def sign_in(user: User, *, remember: bool = False) -> LoginSession:
    """Start a login session for ``user`` in this browser (Flask-Login's ``login_user``)."""
    config = current_app.config
    token = secrets.token_urlsafe(32)
    now = utcnow()
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["LOGIN_SESSION_LIFETIME"]
    ip_address, user_agent = _client()
    login = LoginSession(user_id=user.id, token_hash=_hash(token), remember=remember, created_at=now,
                         last_seen_at=now, expires_at=now + lifetime, ip_address=ip_address,
                         user_agent=user_agent)
    db.session.add(login)
    db.session.flush()
    user.login_token = token
    user.last_login_at = now
    login_user(user, remember=remember, duration=config["REMEMBER_COOKIE_DURATION"])
    return login


# Built once: the statement is the same on every request, only its parameters change. The role
# grants are not joined in: most requests (autosave, a learner's pages) never ask for them, and
# those that do load them with one query when ``User.grants`` is first read.
_LIVE_LOGIN = (
    select(User, LoginSession).join(LoginSession, LoginSession.user_id == User.id)
    .options(lazyload(User.grants))
    .where(User.id == bindparam("user_id"), User.active.is_(True),
           LoginSession.token_hash == bindparam("token_hash"), LoginSession.ended_at.is_(None),
           LoginSession.expires_at > bindparam("now")))


def load_user(value: str) -> User | None:
    """Flask-Login's ``user_loader``: the active account of a live login session, or None.

    One query reads the account and the session. The session's last-seen time is moved
    forward at most every ``LAST_SEEN_EVERY`` (written by the request's commit).
    """
    user_id, _, token = (value or "").partition(":")
    if not (user_id.isdigit() and len(user_id) <= 10 and int(user_id) <= MAX_ID and token):
        return None
    now = utcnow()
    row = db.session.execute(_LIVE_LOGIN, {"user_id": int(user_id), "token_hash": _hash(token), "now": now}).first()
    if row is None:
        return None
    user, login = row
    user.login_token = token
    if now - login.last_seen_at > LAST_SEEN_EVERY:
        login.last_seen_at = now
    return user


def current_account() -> User:
    """The signed-in account as the ORM object itself (not Flask-Login's proxy), for services
    that store it; read from the session's identity map, where ``load_user`` put it."""
    user = db.session.get(User, int(current_user.get_id().partition(":")[0]))
    if user is None:
        raise RuntimeError("current_account() outside a signed-in request")
    return user


def current_login_session(user: User) -> LoginSession | None:
    """The login session ``user`` was loaded for in this request."""
    if not user.login_token:
        return None
    return db.session.scalar(select(LoginSession).where(LoginSession.token_hash == _hash(user.login_token)))


def sign_out(user: User) -> None:
    """End this browser's login session (its cookies stop working everywhere) and sign out."""
    login = current_login_session(user)
    if login is not None and login.ended_at is None:
        login.ended_at, login.ended_reason = utcnow(), "logout"
    db.session.flush()
    logout_user()


def end_sessions(user: User, reason: str, *, keep: LoginSession | None = None) -> int:
    """End every live login session of ``user`` (but ``keep``); returns how many ended."""
    query = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(LoginSession.id != keep.id)
    return rows_changed(db.session, query.values(ended_at=utcnow(), ended_reason=reason)
                        .execution_options(synchronize_session=False))


def live_sessions(user: User) -> list[LoginSession]:
    """The account's login sessions that still sign someone in, most recently used first."""
    return list(db.session.scalars(select(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None), LoginSession.expires_at > utcnow())
        .order_by(LoginSession.last_seen_at.desc())))


# ----------------------------------------------------------------------------- throttling

@dataclass(frozen=True)
class Throttle:
    """How many recent failures a login name has and until when the next try must wait."""

    failures: int
    wait_until: datetime | None

    def seconds_left(self, now: datetime) -> int:
        """Whole seconds still to wait (0: a try is allowed now)."""
        if self.wait_until is None or now >= self.wait_until:
            return 0
        return int((self.wait_until - now).total_seconds()) + 1


def login_subject(login: str) -> str:
    """The audit subject failures of a login name are counted under (existing account or not)."""
    return "login:" + fold(login or "").strip()[:100]


def throttle_for(login: str) -> Throttle:
    """Exponential backoff per login name, from the audit log's failed sign-ins since the last success.

    The first ``LOGIN_BACKOFF_AFTER`` failures within a day cost nothing; each further one doubles
    the wait before the next try (1 s, 2 s, 4 s, … up to ``LOGIN_BACKOFF_MAX`` seconds). It is a
    delay, never a lock: a victim whose name an attacker types can still sign in after the wait,
    and it is counted per login name whether the account exists or not, so it tells nothing.
    """
    config = current_app.config
    subject = login_subject(login)
    now = utcnow()
    since = now - timedelta(days=1)
    last_success = db.session.scalar(select(func.max(AuditEntry.at)).where(
        AuditEntry.subject == subject, AuditEntry.action == "auth.login", AuditEntry.at > since))
    if last_success is not None:
        since = last_success
    failures, last_failure = db.session.execute(select(func.count(), func.max(AuditEntry.at)).where(
        AuditEntry.subject == subject, AuditEntry.action == "auth.login_failed", AuditEntry.at > since)).one()
    free = int(config["LOGIN_BACKOFF_AFTER"])
    if failures < free or last_failure is None:
        return Throttle(failures, None)
    wait = min(2 ** (failures - free), int(config["LOGIN_BACKOFF_MAX"]))
    return Throttle(failures, last_failure + timedelta(seconds=wait))


# ----------------------------------------------------------------------------- password policy

COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "data" / "common-passwords.txt"
MIN_PASSWORD_LENGTH = 10


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


_common: frozenset[str] | None = None


def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, folded to letters and digits (read once)."""
    global _common
    if _common is None:
        lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
        _common = frozenset(_letters_and_digits(line) for line in lines if line.strip() and not line.startswith("#"))
    return _common


def check_password_policy(password: str, *, username: str = "", full_name: str = "",
                          others: Iterable[str] = ()) -> None:
    """Raise ``AccountError`` unless ``password`` may be used: at least ``MIN_PASSWORD_LENGTH``
    characters, not a common password, not built on the username or the person's name (compared
    without diacritics, case, spaces or punctuation), not only one repeated character."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError("password-too-short", minimum=MIN_PASSWORD_LENGTH)
    if len(password) > 1024:
        raise AccountError("password-too-long")
    bare = _letters_and_digits(password)
    if len(set(password)) <= 2 or bare in common_passwords() or bare.rstrip("0123456789") in common_passwords():
        raise AccountError("password-common")
    for personal in (username, full_name, *others):
        folded = _letters_and_digits(personal or "")
        if len(folded) >= 3 and folded in bare:
            raise AccountError("password-personal")
        words = [word for word in (_letters_and_digits(w) for w in fold(personal or "").split()) if word]
        if len(words) > 1 and all(word in bare for word in words):  # the name's words in any order
            raise AccountError("password-personal")


def change_password(user: User, new_password: str, *, keep: LoginSession | None = None,
                    reason: str = "password-change") -> int:
    """Set a new password (policy checked) and end every other login session of the account."""
    check_password_policy(new_password, username=user.username, full_name=user.full_name,
                          others=[user.email or ""])
    user.set_password(new_password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    db.session.flush()
    return end_sessions(user, reason, keep=keep)

