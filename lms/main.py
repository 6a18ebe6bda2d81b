"""Home page, the personal dashboard, and the hooks features use to add to them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify, render_template
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from lms.web import never_cached

bp = Blueprint("main", __name__)

DashboardPanel = Callable[[object], Markup | str | None]


def add_dashboard_panel(app: Flask, panel: DashboardPanel) -> None:
    """Let a feature add a panel to the dashboard: ``panel(user)`` returns HTML or None."""
    app.extensions.setdefault("lms.dashboard_panels", []).append(panel)


@dataclass(frozen=True)
class NavEntry:
    """A link in the site's main navigation, shown to signed-in people holding one of ``roles``
    (administrators see every entry; an empty ``roles`` means everyone signed in)."""

    endpoint: str
    label: object  # a lazy gettext string
    roles: frozenset[str]


def add_nav_entry(app: Flask, endpoint: str, label: object, roles: tuple[str, ...] = ()) -> None:
    """Let a feature add a link to the main navigation for people with one of ``roles``."""
    app.extensions.setdefault("lms.nav_entries", []).append(NavEntry(endpoint, label, frozenset(roles)))


def nav_entries() -> list[NavEntry]:
    """The navigation links the current visitor may follow (none for anonymous visitors)."""
    if not current_user.is_authenticated:
        return []
    held = {role.value for role in current_user.roles}
    return [entry for entry in current_app.extensions.get("lms.nav_entries", [])
            if not entry.roles or "admin" in held or entry.roles & held]


def site_globals() -> dict:
    """What every page's layout needs besides the account: the language, the site's name, the
    organisation and the contact (site settings where an administrator set them, else config)."""
    from flask_babel import get_locale

    from lms.settings import setting

    return {"current_locale": str(get_locale()), "languages": current_app.config["LANGUAGES"],
            "site_name": setting("site_name"), "organisation_name": setting("organisation"),
            "site_contact": setting("contact")}


def add_demo_loader(app: Flask, name: str, loader: Callable[[], object]) -> None:
    """Let a feature add demo data to ``flask demo load`` (loaders run in registration order)."""
    app.extensions.setdefault("lms.demo_loaders", []).append((name, loader))


def add_content_loader(app: Flask, name: str, loader: Callable[[Path], object]) -> None:
    """Let a feature load its part of ``content/`` in ``flask content load``.

    ``loader(root)`` reads files under ``root`` and raises ``lms.content.ContentError``
    listing every problem; loaders run in registration order within one transaction.
    """
    app.extensions.setdefault("lms.content_loaders", []).append((name, loader))


@bp.route("/")
def index():
    """The public home page: what the site is, and the three things visitors come to do."""
    return render_template("index.html")


@bp.route("/dashboard")
@never_cached
@login_required
def dashboard():
    """A person's own page: what to continue, results and certificates."""
    panels = [panel(current_user) for panel in current_app.extensions.get("lms.dashboard_panels", [])]
    return render_template("dashboard.html", panels=[Markup(p) for p in panels if p])


@bp.route("/healthz")
def healthz():
    """Liveness probe: the process answers (no database access; restart it only if this fails)."""
    return {"status": "ok"}


@bp.route("/readyz")
def readyz():
    """Readiness probe: 200 when the database (and Redis, when configured) answer; 503 with
    Retry-After and which one failed otherwise, so a load balancer sends no users here meanwhile."""
    from sqlalchemy import text

    from lms.extensions import db

    checks: dict[str, str] = {}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except SQLAlchemyError as error:
        current_app.logger.warning("readiness: database unavailable: %s", error)
        checks["database"] = "unavailable"
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from redis.exceptions import RedisError

        try:
            Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except RedisError as error:
            current_app.logger.warning("readiness: Redis unavailable: %s", error)
            checks["redis"] = "unavailable"
    ready = all(value == "ok" for value in checks.values())
    response = jsonify({"status": "ok" if ready else "unavailable", "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    if not ready:
        response.headers["Retry-After"] = "30"
    return response
