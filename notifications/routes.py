"""The administrators' outbox: every message, its state and error; a failed one can be sent again."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.extensions import db
from lms.forms import EmptyForm
from lms.mail import FAILED, STATUSES, MailMessage, requeue
from lms.models import Role
from lms.permissions import role_required
from lms.services import audit
from lms.web import int_arg
from notifications import bp

PAGE_SIZE = 50


def status_label(status: str) -> str:
    """A message's state in the reader's language."""
    return {"queued": _("Đang chờ gửi"), "sending": _("Đang gửi"), "sent": _("Đã gửi"),
            "failed": _("Gửi không được")}.get(status, status)


def kind_label(kind: str) -> str:
    """What a message is about, in the reader's language."""
    return {"certificate_issued": _("Cấp chứng chỉ"), "exam_invitation": _("Giấy mời dự thi"),
            "exam_result": _("Kết quả thi"), "course_assigned": _("Giao khóa học"),
            "due_soon": _("Sắp đến hạn"), "overdue": _("Quá hạn"), "password_reset": _("Đặt lại mật khẩu"),
            "test": _("Thư thử")}.get(kind, kind)


def _administrator_of_everything(view):
    """Messages go to people of every agency: an administrator limited to some agencies does not
    read the whole outbox (403)."""
    from functools import wraps

    from flask_login import current_user

    from lms.permissions import scope_of

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not scope_of(current_user, Role.ADMIN).everything:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.app_template_global()
def outbox_labels() -> dict:
    """Labels the outbox templates use."""
    return {"status": status_label, "kind": kind_label}


@bp.route("/admin/outbox")
@role_required(Role.ADMIN)
@_administrator_of_everything
def outbox():
    """Messages newest first, filtered by state and by address."""
    page = int_arg("page", 1, maximum=100_000)
    status = request.args.get("status", "")
    address = (request.args.get("to") or "").strip()[:255]
    query = select(MailMessage).order_by(MailMessage.id.desc())
    if status in STATUSES:
        query = query.where(MailMessage.status == status)
    if address:
        query = query.where(func.lower(MailMessage.to_address).contains(address.lower()))
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    counts = dict(db.session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status)).all())
    args = {key: value for key, value in (("status", status if status in STATUSES else ""), ("to", address)) if value}
    return render_template("mailbox/outbox.html", messages=rows[:PAGE_SIZE], has_more=len(rows) > PAGE_SIZE,
                           page=page, counts=counts, statuses=STATUSES, args=args,
                           backend=current_app.config.get("MAIL_BACKEND"),
                           folder=current_app.config.get("MAIL_OUTBOX_DIR"))


def _message(message_id: int) -> MailMessage:
    message = db.session.get(MailMessage, message_id)
    if message is None:
        abort(404)
    return message


@bp.route("/admin/outbox/<int:message_id>")
@role_required(Role.ADMIN)
@_administrator_of_everything
def message(message_id: int):
    """One message: to whom, when, what became of it, and its text (unless it holds a secret)."""
    found = _message(message_id)
    return render_template("mailbox/message.html", message=found, form=EmptyForm(),
                           can_retry=found.status == FAILED and not (found.sensitive and found.body_html is None),
                           has_file=_eml_path(found) is not None)


def _eml_path(message: MailMessage) -> Path | None:
    if not message.eml_name or message.sensitive:
        return None
    path = Path(current_app.config["MAIL_OUTBOX_DIR"]) / message.eml_name
    return path if path.is_file() else None


@bp.route("/admin/outbox/<int:message_id>/message.eml")
@role_required(Role.ADMIN)
@_administrator_of_everything
def eml(message_id: int):
    """The .eml file the development backend wrote (not for messages holding a secret)."""
    path = _eml_path(_message(message_id))
    if path is None:
        abort(404)
    return send_file(path, mimetype="message/rfc822", as_attachment=True, download_name=path.name)


@bp.route("/admin/outbox/<int:message_id>/retry", methods=["POST"])
@role_required(Role.ADMIN)
@_administrator_of_everything
def retry(message_id: int):
    """Send a failed message again (a fresh round of attempts, in the background)."""
    found = _message(message_id)
    form = EmptyForm()
    if form.validate_on_submit():
        if requeue(found):
            audit("mail.retry", f"mail_message:{found.id}", {"to": found.to_address, "kind": found.kind})
            flash(_("Thư đã được đưa lại vào hàng đợi gửi."), "success")
        else:
            flash(_("Thư này không gửi lại được."), "error")
    return redirect(url_for("mailbox.message", message_id=found.id))
