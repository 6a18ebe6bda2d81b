"""Certificates: issuance, PDF rendering, public verification."""
from flask import Blueprint, Flask

bp = Blueprint("certificates", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint, the dashboard panel and the listeners that issue certificates."""
    from certificates import exam_list_routes, routes  # noqa: F401  (attaches the views to bp)
    from certificates import listeners
    from certificates.demo import load_demo_certificates
    from flask_babel import lazy_gettext as _l

    from lms.main import add_nav_entry, add_dashboard_panel, add_demo_loader

    from certificates.cli import certificates_cli

    app.register_blueprint(bp)
    from certificates import access

    access.register()
    app.cli.add_command(certificates_cli)
    # The exam result list (quizzes) offers issuance without quizzes knowing certificates.
    app.add_template_global(routes.exam_result_actions, "exam_result_actions")
    app.add_template_global(exam_list_routes.exam_list_links, "exam_list_links")
    app.add_template_global(routes.exam_certificate_links, "exam_certificate_links")
    add_dashboard_panel(app, routes.dashboard_panel)
    add_nav_entry(app, "certificates.register", _l("Sổ gốc"), ("examiner", "hr"))
    add_nav_entry(app, "certificates.bulk_verify", _l("Kiểm tra hàng loạt"), ("hr",))
    add_demo_loader(app, "IT-skill exam and certificates", load_demo_certificates)
    listeners.connect()
