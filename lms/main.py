"""Home page, the personal dashboard, and the hooks features use to add to them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, render_template
from flask_login import current_user, login_required
from markupsafe import Markup

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


def add_demo_loader(app: Flask, name: str, loader: Callable[[], None]) -> None:
    """Let a feature add demo data to ``flask demo load`` (loaders run in registration order)."""
    app.extensions.setdefault("lms.demo_loaders", []).append((name, loader))


def add_content_loader(app: Flask, name: str, loader: Callable[[object], None]) -> None:
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
@login_required
def dashboard():
    """A person's own page: what to continue, results and certificates."""
    panels = [panel(current_user) for panel in current_app.extensions.get("lms.dashboard_panels", [])]
    return render_template("dashboard.html", panels=[Markup(p) for p in panels if p])


@bp.route("/healthz")
def healthz():
    """Liveness probe for the load balancer (no database access)."""
    return {"status": "ok"}
