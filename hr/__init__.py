"""HR: staff records, IT-skill requirements as data, a person's standing with its evidence,
staff import and export, compliance per unit, and review rounds (recruitment, promotion).

What HR had before (the certificate register, bulk checks, course assignment) stays in
``certificates`` and ``courses``; these pages link to it.
"""
from flask import Blueprint, Flask

bp = Blueprint("hr", __name__, url_prefix="/hr", template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint, the scope policies, the listener that keeps stored standings true,
    the commands, navigation and demo data."""
    from flask_babel import lazy_gettext as _l

    from hr import access, routes, standing_store  # noqa: F401  (routes attach the views to bp)
    from hr.api import api_bp
    from hr.cli import hr_cli
    from hr.demo import load_demo_hr
    from lms.main import add_demo_loader, add_nav_entry

    access.register()
    standing_store.connect()
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(hr_cli)
    add_nav_entry(app, "hr.staff_list", _l("Nhân sự"), ("hr",))
    add_demo_loader(app, "HR staff records, evidence and a promotion round", load_demo_hr)
