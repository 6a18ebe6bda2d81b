"""Kernel domain operations. They flush; the request, command or job that calls them commits."""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from lms.extensions import db
from lms.models import (
    Agency,
    AuditEntry,
    CompetencyModule,
    CompetencyStandard,
    Role,
    RoleGrant,
    User,
    agency_code_level,
    agency_parent_code,
)
from lms.text import nfc

FRAMEWORK_FILE = Path(__file__).resolve().parent / "data" / "tt03-2014.json"


def audit(action: str, subject: str, details: dict | None = None, note: str | None = None,
          actor: User | None = None, origin: str | None = None) -> AuditEntry:
    """Record an action in the audit log: who (the signed-in person unless ``actor`` is given),
    when, from where (the client's address in a request, else ``origin`` or "cli"), what
    (``action`` on ``subject``, with ``details``: before/after values where something changed)."""
    if actor is None and has_request_context() and getattr(current_user, "is_authenticated", False):
        actor = current_user
    if origin is None:
        origin = (request.remote_addr or "")[:64] if has_request_context() else "cli"
    entry = AuditEntry(action=action, subject=subject, details=details or {}, note=note,
                       actor_id=actor.id if actor else None, origin=origin)
    db.session.add(entry)
    db.session.flush()
    return entry


def load_framework(path: Path = FRAMEWORK_FILE) -> int:
    """Insert or update the competency modules and standards from the framework JSON.

    Idempotent: running it twice leaves the same rows. Returns how many modules it holds.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    for position, item in enumerate(data["modules"], start=1):
        module = db.session.get(CompetencyModule, item["code"]) or CompetencyModule(code=item["code"])
        module.level = item["level"]
        module.title_vi = nfc(item["title_vi"])
        module.title_en = item["title_en"]
        module.position = position
        db.session.add(module)
    for item in data["standards"]:
        standard = db.session.get(CompetencyStandard, item["code"]) or CompetencyStandard(code=item["code"])
        standard.title_vi = nfc(item["title_vi"])
        standard.title_en = item["title_en"]
        standard.rule = {k: v for k, v in item.items() if k not in {"code", "title_vi", "title_en"}}
        db.session.add(standard)
    db.session.flush()
    return len(data["modules"])


@lru_cache(maxsize=1)
def _framework_titles() -> dict[str, tuple[str, str]]:
    """Module code -> (Vietnamese title, English title), read once from the framework file.

    The file ships with the code and the database rows are loaded from it, so the titles change
    only with a new release (a restart): no page pays a query for them.
    """
    data = json.loads(FRAMEWORK_FILE.read_text(encoding="utf-8"))
    return {item["code"]: (nfc(item["title_vi"]), item["title_en"]) for item in data["modules"]}


def module_title(code: str, locale: str = "vi") -> str:
    """The framework module's title in ``locale`` ("vi" or "en"); "" for a code it does not hold."""
    titles = _framework_titles().get(code)
    if titles is None:
        return ""
    return titles[1] if locale == "en" else titles[0]


def module_codes() -> list[str]:
    """Codes of the loaded framework modules, in framework order."""
    return list(db.session.scalars(select(CompetencyModule.code).order_by(CompetencyModule.position)))


def get_or_create_agency(code: str, name: str) -> Agency:
    """Return the agency with ``code``, creating it under the parent its code implies.

    Raises ``ValueError`` for a malformed code or when the parent unit does not exist yet.
    """
    agency_code_level(code)
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency:
        agency.name = nfc(name)
        return agency
    parent = None
    parent_code = agency_parent_code(code)
    if parent_code:
        parent = db.session.scalar(select(Agency).where(Agency.code == parent_code))
        if parent is None:
            raise ValueError(f"parent unit {parent_code} of {code} does not exist")
    agency = Agency(code=code, name=nfc(name), parent=parent)
    db.session.add(agency)
    db.session.flush()  # the id is part of the path
    agency.path = f"{parent.path if parent else '/'}{agency.id}/"
    db.session.flush()
    return agency


def create_user(username: str, password: str | None, full_name: str, *, email: str | None = None,
                agency: Agency | None = None, position: str | None = None,
                employee_code: str | None = None, date_of_birth: date | None = None,
                place_of_birth: str | None = None, by: User | None = None) -> User:
    """Create an account with a hashed password (audited; the caller checked the password
    policy where a person chose the password; None: the caller sets one, e.g. a temporary
    password); the caller commits."""
    user = User(username=username.strip().lower(), email=email, agency=agency,
                position=nfc(position) or None, employee_code=employee_code,
                date_of_birth=date_of_birth, place_of_birth=nfc(place_of_birth) or None)
    user.set_full_name(full_name)
    if password is not None:
        user.set_password(password)
    else:
        user.password_hash = "!"  # matches no password until the caller sets one
    db.session.add(user)
    db.session.flush()
    audit("account.create", f"user:{user.id}", {"username": user.username, "agency": agency.code if agency else None},
          actor=by)
    return user


def grant_role(user: User, role: Role, agency: Agency | None = None, by: User | None = None) -> RoleGrant:
    """Give ``user`` the ``role`` over ``agency``'s subtree (every agency when None); audited."""
    for grant in user.grants:
        if grant.role == role and grant.agency_id == (agency.id if agency else None):
            return grant
    grant = RoleGrant(user=user, role=role, agency=agency)
    db.session.add(grant)
    db.session.flush()
    audit("account.grant", f"user:{user.id}", {"role": role.value, "scope": agency.code if agency else "*"},
          actor=by)
    return grant


def find_user_by_login(login: str) -> User | None:
    """The account whose username or e-mail is ``login`` (case-insensitive)."""
    login = (login or "").strip().lower()
    if not login:
        return None
    return db.session.scalar(select(User).where((User.username == login) | (User.email == login)))
