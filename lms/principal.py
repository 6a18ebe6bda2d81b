"""Who is signed in, without loading the ``User`` object, for the busiest views.

Flask-Login's ``current_user`` loads the full account through the ORM (about 0.3 ms of Python
per request, more than the rest of an autosave). The autosave API and the course page only
need the account's id, whether it is active, its roles and its language. ``principal()``
answers that with one small query, making the same decisions Flask-Login makes:

* the account id comes from the session (``_user_id``), and the session must pass strong
  session protection (its ``_id`` matches this request's address and browser);
* the account must exist and be active (Flask-Login treats an inactive account as signed out).

Whenever the answer is not that plain — no account in the session but a remember cookie, a
session that fails protection, an unknown or inactive account, or a user Flask-Login already
loaded in this request — it defers to ``current_user`` itself, so Flask-Login keeps doing
what it does there (clearing a hijacked session, restoring from the remember cookie).
Everything else in the request may still use ``current_user`` as usual.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request, session
from flask_login import current_user
from sqlalchemy import bindparam, select

from lms import fastsql
from lms.models import Role, RoleGrant, User


@dataclass(frozen=True)
class Principal:
    """The signed-in account: id, roles (values, always with "learner") and preferred language."""

    id: int
    roles: frozenset[str]
    locale: str | None


_user, _grant = User.__table__, RoleGrant.__table__
_ACCOUNT = fastsql.Statement(
    select(_user.c.id, _user.c.active, _user.c.locale, _grant.c.role)
    .select_from(_user.outerjoin(_grant, _grant.c.user_id == _user.c.id))
    .where(_user.c.id == bindparam("user_id")))

_UNKNOWN = object()


def may_be_signed_in() -> bool:
    """False when the request certainly has no signed-in account: no account in the session and
    no remember cookie (so nothing needs loading to know the visitor is anonymous)."""
    return "_user_id" in session or \
        current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def principal() -> Principal | None:
    """The request's signed-in account, or None for an anonymous visitor (computed once per request)."""
    found = g.get("_lms_principal", _UNKNOWN)
    if found is _UNKNOWN:
        found = g._lms_principal = _find()
    return found


def _find() -> Principal | None:
    if "_login_user" not in g:
        user_id = session.get("_user_id")
        if user_id is None and not may_be_signed_in():
            return None
        if isinstance(user_id, str) and user_id.isdigit() and _protected_session_matches():
            rows = _ACCOUNT.all(user_id=int(user_id))
            if rows and rows[0].active:
                roles = {Role.LEARNER.value} | {Role(row.role).value for row in rows if row.role is not None}
                return Principal(id=rows[0].id, roles=frozenset(roles), locale=rows[0].locale)
    return _from_flask_login()


def adopt_principal(account_id: int, roles: frozenset[str], locale: str | None) -> None:
    """Record the request's account, read by the caller's own query from an id that
    ``session_account_id`` returned and found active (so ``principal()`` needs no query)."""
    g._lms_principal = Principal(id=account_id, roles=frozenset({Role.LEARNER.value} | set(roles)), locale=locale)


def session_account_id() -> int | None:
    """The account id the session holds, when it passes session protection and Flask-Login has
    not loaded a user in this request; None otherwise (then ask ``principal()``).

    This is a claim, not a sign-in: the caller must itself check, in the query it runs anyway,
    that the account exists and is active (see the autosave API).
    """
    if "_login_user" in g or "_lms_principal" in g:
        return None
    user_id = session.get("_user_id")
    if isinstance(user_id, str) and user_id.isdigit() and _protected_session_matches():
        return int(user_id)
    return None


def _protected_session_matches() -> bool:
    manager = current_app.login_manager
    mode = current_app.config.get("SESSION_PROTECTION", manager.session_protection)
    return not mode or session.get("_id") == manager._session_identifier_generator()


def _from_flask_login() -> Principal | None:
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return None
    return Principal(id=int(user.get_id()), roles=frozenset(role.value for role in user.roles),
                     locale=getattr(user, "locale", None))

