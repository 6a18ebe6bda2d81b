"""Administration (``/admin``): accounts, roles and scopes, the audit log, site settings; and
the self-service profile (``/account``) every signed-in person has.

Administrators are scoped like everyone else: an admin grant limited to an agency manages only
the accounts of that subtree (``lms.permissions``).
"""
from flask import Blueprint, Flask

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
profile_bp = Blueprint("profile", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the administration and profile pages, the navigation entry and the commands."""
    from flask_babel import lazy_gettext as _l

    from admin import audit, import_routes, issuers, profile, routes, settings  # noqa: F401  (the modules attach the views to the blueprints)
    from admin.cli import admin_cli
    from lms.main import add_nav_entry

    app.register_blueprint(bp)
    app.register_blueprint(profile_bp)
    app.cli.add_command(admin_cli)
    add_nav_entry(app, "admin.home", _l("Quản trị"), ("admin",))
    add_nav_entry(app, "profile.profile", _l("Tài khoản của tôi"))
