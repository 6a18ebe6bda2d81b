"""Account administration: find, create, edit, grant and withdraw roles, deactivate, reset a
password, end sessions. Every operation is audited and flushes; the request or command commits.

Scope: an administrator acts only on accounts of the agencies their admin grants cover
(``lms.permissions``: the User policy's ``manage`` action, administrators only), may place an
account only in such an agency, and may grant a role only over such an agency. Granting a role
over every agency, or an account outside every agency, needs an administrator of everything.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from lms import accounts
from lms.extensions import db
from lms.models import Agency, Role, RoleGrant, User
from lms.permissions import Scope, scope_of, scoped
from lms.services import audit, create_user
from lms.text import fold, nfc

# Letters and digits that cannot be mistaken for one another when read aloud or copied by hand.
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
GRANTABLE_ROLES = (Role.AUTHOR, Role.EXAMINER, Role.BOARD_CHAIR, Role.HR, Role.ADMIN)


class AdminError(Exception):
    """A refused administrative operation; ``code`` names the rule, ``params`` fill its message."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


def admin_scope(actor: User) -> Scope:
    """The agencies ``actor`` administers."""
    return scope_of(actor, Role.ADMIN)


def check_agency(actor: User, agency: Agency | None) -> None:
    """Refuse an agency (None: no agency, or every agency) the administrator does not cover."""
    if not admin_scope(actor).covers(agency):
        raise AdminError("agency-out-of-scope")


def check_manageable(actor: User, user: User) -> None:
    """Refuse to act on an account holding an administrator grant wider than ``actor``'s own
    (a department's administrator does not lock out or reset the province's)."""
    scope = admin_scope(actor)
    if any(grant.role == Role.ADMIN and not scope.covers(grant.agency) for grant in user.grants):
        raise AdminError("account-outranks")


def temporary_password() -> str:
    """A random password to hand to a person, read out or copied: 3 groups of 4 characters."""
    while True:
        raw = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(12))
        candidate = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        try:
            accounts.check_password_policy(candidate)
        except accounts.AccountError:  # pragma: no cover (vanishingly rare: a common word by chance)
            continue
        return candidate


@dataclass(frozen=True)
class AccountFilter:
    """What the account list is narrowed to."""

    text: str = ""
    role: Role | None = None
    agency_id: int | None = None
    active: bool | None = None


def accounts_query(actor: User, criteria: AccountFilter) -> Select:
    """Accounts ``actor`` administers matching ``criteria``, by name. The text matches the name
    without diacritics or case ("nguyen thi huong" finds "Nguyễn Thị Hương"), the username, the
    e-mail or the employee code; an agency includes its subtree."""
    query = scoped(User, "manage", actor=actor)
    text = fold(criteria.text).strip()
    if text:
        like = f"%{text}%"
        query = query.where(or_(User.full_name_folded.like(like), User.username.like(like),
                                func.lower(User.email).like(like), func.lower(User.employee_code).like(like)))
    if criteria.role is not None:
        query = query.where(User.id.in_(select(RoleGrant.user_id).where(RoleGrant.role == criteria.role)))
    if criteria.agency_id is not None:
        agency = db.session.get(Agency, criteria.agency_id)
        if agency is None:
            query = query.where(User.id.is_(None))
        else:
            query = query.where(User.agency_id.in_(select(Agency.id).where(Agency.path.startswith(agency.path))))
    if criteria.active is not None:
        query = query.where(User.active.is_(criteria.active))
    return query.order_by(User.full_name_folded, User.id)


def clean_email(email: str | None, user: User | None = None) -> str | None:
    """A lower-cased e-mail address (None when empty); refused when malformed or another account's."""
    email = (email or "").strip().lower() or None
    if email is None:
        return None
    if len(email) > 255 or not EMAIL_RE.match(email):
        raise AdminError("email-invalid")
    taken = db.session.scalar(select(User.id).where(func.lower(User.email) == email))
    if taken is not None and (user is None or taken != user.id):
        raise AdminError("email-taken")
    return email


def clean_name(full_name: str) -> str:
    """A person's name in NFC with single spaces; refused when empty or too long."""
    name = " ".join(nfc(full_name or "").split())
    if not name:
        raise AdminError("name-required")
    if len(name) > 255:
        raise AdminError("name-too-long")
    return name


def _clean_employee_code(code: str | None, user: User | None = None) -> str | None:
    code = (code or "").strip() or None
    if code is None:
        return None
    if len(code) > 32:
        raise AdminError("employee-code-too-long")
    taken = db.session.scalar(select(User.id).where(User.employee_code == code))
    if taken is not None and (user is None or taken != user.id):
        raise AdminError("employee-code-taken")
    return code


def create_account(actor: User, *, username: str, full_name: str, email: str | None = None,
                   agency: Agency | None = None, position: str | None = None,
                   employee_code: str | None = None) -> tuple[User, str]:
    """Create an account with a temporary password the person must change at first sign-in;
    returns the account and the temporary password (shown once, never stored in clear)."""
    check_agency(actor, agency)
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise AdminError("username-invalid")
    if db.session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AdminError("username-taken")
    name = clean_name(full_name)
    email = clean_email(email)
    employee_code = _clean_employee_code(employee_code)
    password = temporary_password()
    user = create_user(username, None, name, email=email, agency=agency, position=position,
                       employee_code=employee_code, by=actor)
    user.set_temporary_password(password)
    db.session.flush()
    return user, password


def update_account(actor: User, user: User, *, full_name: str, email: str | None, agency: Agency | None,
                   position: str | None = None, employee_code: str | None = None) -> dict:
    """Change an account's details; returns (and audits) what changed, before and after."""
    check_manageable(actor, user)
    check_agency(actor, agency)
    name = clean_name(full_name)
    after = {"full_name": name, "email": clean_email(email, user),
             "agency": agency.code if agency else None, "position": nfc(position or "").strip() or None,
             "employee_code": _clean_employee_code(employee_code, user)}
    before = {"full_name": user.full_name, "email": user.email, "agency": user.agency.code if user.agency else None,
              "position": user.position, "employee_code": user.employee_code}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return {}
    user.set_full_name(name)
    user.email = after["email"]
    user.agency = agency
    user.position = after["position"]
    user.employee_code = after["employee_code"]
    db.session.flush()
    audit("account.update", f"user:{user.id}", {"changes": changes}, actor=actor)
    return changes


def add_grant(actor: User, user: User, role: Role, agency: Agency | None) -> RoleGrant:
    """Give ``user`` ``role`` over ``agency``'s subtree (every agency when None), within the
    administrator's own scope."""
    if role not in GRANTABLE_ROLES:
        raise AdminError("role-invalid")
    check_agency(actor, agency)
    for grant in user.grants:
        if grant.role == role and grant.agency_id == (agency.id if agency else None):
            raise AdminError("grant-exists")
    grant = RoleGrant(user=user, role=role, agency=agency)
    db.session.add(grant)
    db.session.flush()
    audit("account.grant", f"user:{user.id}", {"role": role.value, "scope": agency.code if agency else "*"},
          actor=actor)
    return grant


def remove_grant(actor: User, user: User, grant: RoleGrant) -> None:
    """Withdraw a role grant the administrator's scope covers; an administrator cannot withdraw
    their own last administrator grant (no one would be left to give it back)."""
    if grant.user_id != user.id:
        raise AdminError("grant-missing")
    check_agency(actor, grant.agency)
    if user.id != actor.id:
        check_manageable(actor, user)
    if user.id == actor.id and grant.role == Role.ADMIN and \
            sum(1 for g in user.grants if g.role == Role.ADMIN) == 1:
        raise AdminError("own-last-admin")
    details = {"role": grant.role.value, "scope": grant.agency.code if grant.agency else "*"}
    user.grants.remove(grant)
    db.session.flush()
    audit("account.revoke", f"user:{user.id}", details, actor=actor)


def deactivate(actor: User, user: User, reason: str = "") -> int:
    """Close an account: it can no longer sign in and its sessions end now; returns how many ended."""
    if user.id == actor.id:
        raise AdminError("own-account")
    check_manageable(actor, user)
    if not user.active:
        raise AdminError("already-inactive")
    user.active = False
    ended = accounts.end_sessions(user, "deactivated")
    audit("account.deactivate", f"user:{user.id}", {"sessions_ended": ended}, note=reason or None, actor=actor)
    return ended


def reactivate(actor: User, user: User) -> None:
    """Open a closed account again (the password is unchanged)."""
    check_manageable(actor, user)
    if user.active:
        raise AdminError("already-active")
    user.active = True
    db.session.flush()
    audit("account.reactivate", f"user:{user.id}", actor=actor)


def reset_password(actor: User, user: User) -> str:
    """Give the account a temporary password, which the person must change at next sign-in;
    every session of the account ends. Returns the temporary password (shown once)."""
    check_manageable(actor, user)
    password = temporary_password()
    user.set_temporary_password(password)
    ended = accounts.end_sessions(user, "password-reset")
    db.session.flush()
    audit("account.password_reset", f"user:{user.id}", {"sessions_ended": ended}, actor=actor)
    return password


def sign_out_everywhere(actor: User, user: User) -> int:
    """End every live login session of ``user``; returns how many ended."""
    check_manageable(actor, user)
    ended = accounts.end_sessions(user, "signed-out-by-admin")
    audit("account.sign_out_everywhere", f"user:{user.id}", {"sessions_ended": ended}, actor=actor)
    return ended


def send_reset_link(actor: User, user: User) -> None:
    """E-mail the person a single-use link to choose their own password (the forgotten-password
    message of ``lms.password_reset``): no password passes through the administrator's hands."""
    check_manageable(actor, user)
    if not user.email:
        raise AdminError("no-email")
    if not user.active:
        raise AdminError("already-inactive")
    from lms.password_reset import send_reset_link as queue_link

    queue_link(user)
    audit("account.reset_link_sent", f"user:{user.id}", {"to": user.email}, actor=actor)
