"""E-mail to the people the platform serves: the messages (certificate issued, exam invitation,
result released, course assigned, due-date reminders), the listeners that send them on other
features' signals, the daily reminder command, and the administrators' outbox page.

The sending itself (queue, retries, SMTP or the development .eml folder) is the kernel's
``lms.mail``; this package decides who hears about what, in which words.
"""
from flask import Blueprint, Flask

bp = Blueprint("mailbox", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the outbox pages, the listeners, the certificate attachment and the commands."""
    from flask_babel import lazy_gettext as _l

    from lms.mail import register_attachment_source
    from lms.main import add_demo_loader, add_nav_entry
    from notifications import listeners, routes  # noqa: F401  (routes attach the views to bp)
    from notifications.cli import notifications_cli
    from notifications.messages import certificate_pdf_attachment, demo_issuer_attaches_pdf

    app.register_blueprint(bp)
    app.cli.add_command(notifications_cli)
    register_attachment_source(app, "certificate-pdf", certificate_pdf_attachment)
    add_nav_entry(app, "mailbox.outbox", _l("Thư đi"), ("admin",))
    add_demo_loader(app, "certificates e-mailed with their PDF", demo_issuer_attaches_pdf)
    listeners.connect()
