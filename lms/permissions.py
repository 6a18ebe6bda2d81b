"""The one place that decides who may see and do what.

Two questions, answered here and nowhere else:

* **Role**: may this person use a page at all? Views declare it with ``@role_required``:
  anonymous visitors go to the login page, people without the role get 403.
* **Scope**: may this person act on this object? Roles are granted over an agency subtree (or
  everything); objects belong to agencies (a person to their unit, a certificate to its holder's
  unit and the unit of the exam that issued it, an exam session to its centre…). Each feature
  registers, once, a ``Policy`` for its scoped models: which columns place a row in an agency,
  which roles may perform each action, and what the row's own person (holder, candidate) may do.
  Every list, export and lookup then goes through ``scoped`` (a query filtered to the actor's
  scope) or ``load`` (one row, or 404: an object outside a person's scope is reported missing,
  so its existence is not revealed).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import QueryableAttribute

from lms.extensions import db
from lms.models import Agency, AuditEntry, Role, User

T = TypeVar("T")
# A column that places a row (a mapped attribute such as ``Certificate.holder_agency_id``, or any
# SQL expression yielding an id).
Column = ColumnElement[Any] | QueryableAttribute[Any]


def role_required(*roles: Role):
    """Decorate a view: anonymous visitors go to login, people without any of ``roles`` get 403.

    Administrators pass every role check (their scope still applies to objects).
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles, Role.ADMIN):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


@dataclass(frozen=True)
class Scope:
    """The agencies a person may act on with some roles: everything, or some subtrees."""

    everything: bool = False
    paths: tuple[str, ...] = ()  # materialised paths of the subtrees' roots

    @property
    def empty(self) -> bool:
        """No agency at all."""
        return not self.everything and not self.paths

    def covers(self, agency: Agency | None) -> bool:
        """True when ``agency`` lies in the scope (an object of no agency: only for "everything")."""
        if self.everything:
            return True
        return agency is not None and any(agency.path.startswith(path) for path in self.paths)

    def agency_ids(self) -> Select:
        """A subquery of the ids of every agency in the scope."""
        query = select(Agency.id)
        if not self.everything:
            query = query.where(or_(false(), *(Agency.path.startswith(path) for path in self.paths)))
        return query

    def contains(self, agency_column: Column) -> ColumnElement[bool]:
        """SQL: ``agency_column`` (an agency id) lies in the scope."""
        if self.everything:
            return true()
        if not self.paths:
            return false()
        return agency_column.in_(self.agency_ids())


def scope_of(user: Any, *roles: Role) -> Scope:
    """The union of ``user``'s grants of any of ``roles`` (administrators' grants count for every role)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope()
    grants = [grant for grant in user.grants if grant.role in (*roles, Role.ADMIN)]
    if any(grant.agency is None for grant in grants):
        return Scope(everything=True)
    return Scope(paths=tuple(sorted({grant.agency.path for grant in grants})))


def can_act_on_agency(user: User, role: Role, agency: Agency | None) -> bool:
    """True when ``user`` holds ``role`` (or is an administrator) over ``agency``, directly or
    through a parent unit."""
    return scope_of(user, role).covers(agency)


def agencies_in_scope(user: User, role: Role) -> list[Agency]:
    """Every agency ``user`` may act on with ``role`` (or as an administrator), ordered by code."""
    scope = scope_of(user, role)
    if scope.empty:
        return []
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(scope.agency_ids())).order_by(Agency.code)))


@dataclass(frozen=True)
class Policy:
    """How a scoped model's rows are placed in agencies and who may do what with them.

    ``agencies`` returns the columns (agency ids) that place a row in an agency: a row is in a
    person's scope when any of them is. ``actions`` maps an action name to the roles that may
    perform it within their scope (administrators always may, within theirs; an empty tuple
    means administrators only). ``owner`` returns the column naming the row's own person, who
    may perform ``owner_actions`` on it whatever their roles.
    """

    agencies: Callable[[], Iterable[Column]]
    actions: dict[str, tuple[Role, ...]]
    owner: Callable[[], Column] | None = None
    owner_actions: frozenset[str] = field(default_factory=frozenset)


_POLICIES: dict[type, Policy] = {}


def register_policy(model: type, policy: Policy) -> None:
    """Declare (once, at start-up) how ``model``'s rows are scoped."""
    _POLICIES[model] = policy


def policy_of(model: type) -> Policy:
    """The registered policy of ``model``."""
    try:
        return _POLICIES[model]
    except KeyError:
        raise LookupError(f"no permission policy registered for {model.__name__}") from None


def _actor(actor: Any) -> Any:
    return current_user if actor is None else actor


def allowed_clause(model: type, action: str, actor: Any = None) -> ColumnElement[bool]:
    """SQL condition: a row of ``model`` on which ``actor`` may perform ``action``."""
    actor = _actor(actor)
    policy = policy_of(model)
    if action not in policy.actions and action not in policy.owner_actions:
        raise LookupError(f"{model.__name__} has no action {action!r}")
    clauses: list[ColumnElement[bool]] = []
    authenticated = getattr(actor, "is_authenticated", False)
    if authenticated and policy.owner is not None and action in policy.owner_actions:
        clauses.append(policy.owner() == actor.id)
    if authenticated and action in policy.actions:
        scope = scope_of(actor, *policy.actions[action])  # administrators' grants always count
        if scope.everything:
            return true()
        if scope.paths:
            clauses.extend(scope.contains(column) for column in policy.agencies())
    return or_(false(), *clauses)


def scoped(model: type, action: str, query: Select | None = None, actor: Any = None) -> Select:
    """``query`` (by default every row of ``model``) limited to the rows ``actor`` may ``action``."""
    query = select(model) if query is None else query
    return query.where(allowed_clause(model, action, actor))


def load(model: type[T], action: str, *criteria: ColumnElement[bool], actor: Any = None) -> T:
    """The one row of ``model`` matching ``criteria`` that ``actor`` may ``action``, or 404."""
    found = db.session.scalar(scoped(model, action, select(model).where(*criteria), actor).limit(1))
    if found is None:
        abort(404)
    return found


def permitted(obj: Any, action: str, actor: Any = None) -> bool:
    """True when ``actor`` may perform ``action`` on the loaded row ``obj`` (for showing buttons)."""
    model = type(obj)
    identity = db.inspect(obj).identity
    if identity is None:
        return False
    primary = db.inspect(model).primary_key[0]
    query = scoped(model, action, select(primary).where(primary == identity[0]), actor)
    return db.session.scalar(query.limit(1)) is not None


# ----------------------------------------------------------------------------- the kernel's own objects

register_policy(User, Policy(
    agencies=lambda: [User.agency_id],
    actions={"view": (Role.HR, Role.EXAMINER), "assign": (Role.HR,), "enrol": (Role.EXAMINER,),
             "manage": ()},  # administrators only (they pass every role)
    owner=lambda: User.id, owner_actions=frozenset({"view"})))

register_policy(Agency, Policy(
    agencies=lambda: [Agency.id],
    actions={"view": (Role.HR, Role.EXAMINER, Role.BOARD_CHAIR), "assign": (Role.HR,), "schedule": (Role.EXAMINER,),
             "reorganise": (Role.HR,), "manage": ()}))

# An audit entry belongs to its actor's agency: an administrator of a department reads what that
# department's people did (entries without an actor — failed sign-ins, commands — only everything).
register_policy(AuditEntry, Policy(
    agencies=lambda: [select(User.agency_id).where(User.id == AuditEntry.actor_id).scalar_subquery()],
    actions={"view": ()}))  # administrators only
