"""Certificates: issuance, PDF rendering, public verification."""
from flask import Blueprint, Flask

bp = Blueprint("certificates", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint, the dashboard panel and the listeners that issue certificates."""
    from certificates import routes  # noqa: F401  (attaches the views to bp)
    from certificates import listeners
    from lms.main import add_dashboard_panel

    app.register_blueprint(bp)
    add_dashboard_panel(app, routes.dashboard_panel)
    listeners.connect()
