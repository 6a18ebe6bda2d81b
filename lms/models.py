"""Kernel models: agencies, users and their roles, the competency framework, the audit log."""
from __future__ import annotations

import enum
import re
from datetime import date, datetime

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint, event, false
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from lms.database import UTCDateTime, str_enum, utcnow
from lms.extensions import Model
from lms.text import fold, name_sort_key

_DEFAULT_HASHER = PasswordHasher()  # argon2-cffi's defaults (Argon2id, RFC 9106 low-memory profile)
# The test suite signs in thousands of times: it may ask for argon2-cffi's profile made for tests.
_CHEAPEST_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)


# Temporary passwords the site generates (12 random characters from 55, about 69 bits) cannot be
# guessed whatever the hash's cost, so a light Argon2id keeps an import of hundreds of accounts quick;
# the first sign-in re-hashes with the default cost (``check_password``) and then asks for a new
# password anyway.
_TEMPORARY_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_PROFILE") == "cheapest":
        if not current_app.testing:
            raise RuntimeError("the cheapest password hashing is for tests only")
        return _CHEAPEST_HASHER
    return _DEFAULT_HASHER


class Role(str, enum.Enum):
    """What a person may do. Learners need no grant: every active account is a learner."""

    LEARNER = "learner"
    AUTHOR = "author"
    EXAMINER = "examiner"
    BOARD_CHAIR = "board_chair"  # chair of an exam board: approves result lists (not their preparer)
    HR = "hr"
    ADMIN = "admin"


# QCVN 102:2016/BTTTT: V1V2V3.Z1Z2.Y1Y2.Xnn, read right to left (X = ministry G / province H).
AGENCY_CODE_RE = re.compile(r"^(?P<v>\d{3})\.(?P<z>\d{2})\.(?P<y>\d{2})\.(?P<x>[GH]\d{2})$")


def agency_code_level(code: str) -> int:
    """Return the level (1–4) of an agency identifier code, or raise ``ValueError``.

    ``000.00.00.H41`` is level 1 (the province), ``000.00.05.H41`` level 2,
    ``000.03.05.H41`` level 3 and ``012.03.05.H41`` level 4. A lower part may only be set
    when every part above it is set.
    """
    match = AGENCY_CODE_RE.match(code or "")
    if not match:
        raise ValueError("not in the format V1V2V3.Z1Z2.Y1Y2.Xnn")
    v, z, y = match["v"] != "000", match["z"] != "00", match["y"] != "00"
    if (v and not z) or (z and not y):
        raise ValueError("a lower level is set while a higher one is 00")
    return 1 + y + z + v


def agency_parent_code(code: str) -> str | None:
    """The code of the unit directly above ``code`` (None for a level-1 unit)."""
    level = agency_code_level(code)
    v, z, y, x = code.split(".")
    if level == 1:
        return None
    if level == 2:
        return f"000.00.00.{x}"
    if level == 3:
        return f"000.00.{y}.{x}"
    return f"000.{z}.{y}.{x}"


class Agency(Model):
    """A state agency or unit; agencies form a tree of any depth."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), index=True)
    # Materialised path of ids ("/1/4/9/"): scope checks and subtree reports in one indexed query.
    path: Mapped[str] = mapped_column(String(512), index=True, default="/")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    parent: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Agency]] = relationship(back_populates="parent", order_by="Agency.code")

    def is_within(self, other: Agency) -> bool:
        """True when this agency is ``other`` or lies below it."""
        return self.path.startswith(other.path)

    def __repr__(self) -> str:
        return f"<Agency {self.code} {self.name}>"


class User(UserMixin, Model):
    """A person with an account. Names are stored in NFC; a folded copy serves search."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(255))
    full_name_folded: Mapped[str] = mapped_column(String(255), index=True, default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    place_of_birth: Mapped[str | None] = mapped_column(String(255))
    employee_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    position: Mapped[str | None] = mapped_column(String(255))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"), index=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    # A telephone number the person gives on their profile (free text: extensions, "0238 …").
    phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A temporary password (set by an administrator, or at import) must be changed at next sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency | None] = relationship()
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The secret of the login session this object was loaded for (``lms.accounts``); not stored.
    login_token = None  # type: str | None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: the account id and the
        secret of one server-side login session, so ending that session ends the cookie too
        (Flask-Login's "alternative tokens")."""
        if not self.login_token:
            raise RuntimeError("get_id() of an account that was not signed in through lms.accounts")
        return f"{self.id}:{self.login_token}"

    def set_password(self, password: str) -> None:
        """Hash ``password`` with Argon2id and keep only the hash."""
        self.password_hash = _hasher().hash(password)

    def set_temporary_password(self, password: str) -> None:
        """Keep the hash of a password the site generated at random (never one a person chose) and
        require a new one at next sign-in."""
        hasher = _TEMPORARY_HASHER if _hasher() is _DEFAULT_HASHER else _hasher()
        self.password_hash = hasher.hash(password)
        self.must_change_password = True

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches; upgrades the hash if its parameters are outdated."""
        try:
            _hasher().verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if _hasher().check_needs_rehash(self.password_hash):
            self.set_password(password)
        return True

    def set_full_name(self, name: str) -> None:
        """Store the name and its folded search form together so they never disagree."""
        from lms.text import nfc

        self.full_name = nfc(name)
        self.full_name_folded = fold(self.full_name)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def roles(self) -> set[Role]:
        """Every role this person holds; everyone is a learner."""
        return {Role.LEARNER} | {g.role for g in self.grants}

    def has_role(self, *roles: Role) -> bool:
        """True when the person holds at least one of ``roles``."""
        return bool(self.roles & set(roles))

    def scope_agencies(self, role: Role) -> list[Agency | None]:
        """The agencies a role grant covers (None stands for every agency)."""
        return [g.agency for g in self.grants if g.role == role]

    @property
    def sort_key(self) -> tuple:
        """Vietnamese order: given name, middle names, family name."""
        return name_sort_key(self.full_name)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class LoginSession(Model):
    """One signed-in browser: ended by logging out, by a password change, by deactivation or by
    "sign out everywhere"; an ended or expired session's cookies no longer sign anyone in.

    Only a hash of the session's secret is stored: a copy of the database signs no one in.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ip_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_reason: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship()


class RoleGrant(Model):
    """A role given to a user, limited to an agency subtree (or everything when agency is None)."""

    __tablename__ = "role_grant"
    __table_args__ = (UniqueConstraint("user_id", "role", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, length=16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))

    user: Mapped[User] = relationship(back_populates="grants")
    agency: Mapped[Agency | None] = relationship(lazy="joined")


class CompetencyModule(Model):
    """A module of the IT skill standard (IU01–IU15), loaded from the framework file."""

    __tablename__ = "competency_module"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    level: Mapped[str] = mapped_column(String(16))  # basic | advanced
    title_vi: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, default=0)


class CompetencyStandard(Model):
    """A rule over modules (basic: all six; advanced: basic plus three), as data."""

    __tablename__ = "competency_standard"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    title_vi: Mapped[str] = mapped_column(String(255))
    title_en: Mapped[str] = mapped_column(String(255))
    rule: Mapped[dict] = mapped_column(JSON)


class AuditEntry(Model):
    """Who did what to which record, and when. Never updated, never deleted."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(128), index=True)  # e.g. "certificate:42"
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    # Where it came from: the client's address for a request, "cli" for a command, "job" for a job.
    origin: Mapped[str | None] = mapped_column(String(64))


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove an audit entry (the log is append-only)."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changing_audit_entries(mapper, connection, target) -> None:
    raise AppendOnlyError("audit entries are never updated or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_audit_changes(state) -> None:
    """ORM ``update(AuditEntry)`` / ``delete(AuditEntry)`` statements are refused too (the
    database's triggers refuse the rest, see the administration migration)."""
    if (state.is_update or state.is_delete) and any(
            mapper.class_ is AuditEntry for mapper in state.all_mappers):
        raise AppendOnlyError("audit entries are never updated or deleted")
