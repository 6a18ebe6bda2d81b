"""The one place that decides who may do what.

Views declare what they need with ``@role_required``; services ask ``can_act_on_agency``
before touching an object that belongs to an agency. Objects outside a person's scope are
reported as missing (404), so that their existence is not revealed.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from lms.models import Agency, Role, User


def role_required(*roles: Role):
    """Decorate a view: anonymous visitors go to login, people without any of ``roles`` get 403.

    Administrators pass every role check.
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


def can_act_on_agency(user: User, role: Role, agency: Agency | None) -> bool:
    """True when ``user`` holds ``role`` (or is an administrator) over ``agency``, directly or
    through a parent unit."""
    for grant in user.grants:
        if grant.role not in (role, Role.ADMIN):
            continue
        if grant.agency is None:
            return True
        if agency is not None and agency.is_within(grant.agency):
            return True
    return False


def require_agency_scope(role: Role, agency: Agency | None) -> None:
    """Abort with 404 unless the current user holds ``role`` over ``agency``."""
    if not current_user.is_authenticated or not can_act_on_agency(current_user, role, agency):
        abort(404)


def agencies_in_scope(user: User, role: Role) -> list[Agency]:
    """Every agency ``user`` may act on with ``role`` (or as an administrator), ordered by code."""
    from sqlalchemy import or_, select

    from lms.extensions import db

    grants = [g for g in user.grants if g.role in (role, Role.ADMIN)]
    if not grants:
        return []
    query = select(Agency).order_by(Agency.code)
    if all(g.agency is not None for g in grants):
        query = query.where(or_(*(Agency.path.startswith(g.agency.path) for g in grants)))
    return list(db.session.scalars(query))
