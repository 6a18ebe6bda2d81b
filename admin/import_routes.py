"""Account import pages: template, upload and preview, confirm (all or nothing)."""
from __future__ import annotations

import secrets
from io import BytesIO
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from admin import bp, importing
from admin.routes import error_message
from admin.services import AdminError
from lms.accounts import current_account
from lms.forms import Form
from lms.models import Role
from lms.permissions import role_required
from lms.services import audit
from lms.transactions import roll_back_request
from lms.web import body_limit, never_cached

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "account_import"


class UploadForm(Form):
    """The file to import."""

    file = FileField(_l("Tệp CSV hoặc Excel (.xlsx)"), validators=[FileRequired()])


class ConfirmForm(Form):
    """Carry out the previewed import (the file waits on the server under ``token``)."""

    token = HiddenField()


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "account-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str) -> tuple[Path, str] | None:
    """The waiting file of this browser's preview, and its original name (None if none)."""
    waiting = session.get(SESSION_KEY) or {}
    if not token or waiting.get("token") != token or not token.isalnum():
        return None
    path = _folder() / f"{token}.upload"
    return (path, waiting.get("name", "")) if path.is_file() else None


@bp.route("/accounts/import/template.xlsx")
@role_required(Role.ADMIN)
def import_template():
    """The Excel template (headings, examples, a sheet explaining each column)."""
    return send_file(BytesIO(importing.template_xlsx()), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name="mau-nhap-tai-khoan.xlsx")


@bp.route("/accounts/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@body_limit(importing.MAX_BYTES + 64 * 1024)
@never_cached
def import_accounts():
    """Upload a file: every row is checked and the result previewed; nothing is written yet."""
    actor = current_account()
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("admin/import.html", form=form, planned=None, problems=[], confirm=None,
                               column_title=importing.column_title), 400 if request.method == "POST" else 200
    upload = form.file.data
    data = upload.read(importing.MAX_BYTES + 1)
    try:
        rows = importing.read_table(data, upload.filename or "")
    except importing.ImportFileError as error:
        form.file.errors.append(error.message)
        return render_template("admin/import.html", form=form, planned=None, problems=[], confirm=None,
                               column_title=importing.column_title), 400
    planned, problems = importing.plan(actor, rows)
    confirm = None
    if not problems:
        token = secrets.token_hex(16)
        (_folder() / f"{token}.upload").write_bytes(data)
        session[SESSION_KEY] = {"token": token, "name": (upload.filename or "")[-120:]}
        confirm = ConfirmForm(token=token)
    return render_template("admin/import.html", form=UploadForm(formdata=None), planned=planned, problems=problems,
                           confirm=confirm, column_title=importing.column_title, filename=upload.filename)


@bp.route("/accounts/import/confirm", methods=["POST"])
@role_required(Role.ADMIN)
@never_cached
def import_confirm():
    """Carry out the previewed import, all or nothing (checked again: the data may have changed)."""
    actor = current_account()
    form = ConfirmForm()
    stored = _stored(form.token.data or "") if form.validate_on_submit() else None
    if stored is None:
        flash(_("Không tìm thấy tệp đã xem trước; hãy tải tệp lên lại."), "error")
        return redirect(url_for("admin.import_accounts"))
    path, name = stored
    rows = importing.read_table(path.read_bytes(), name)
    planned, problems = importing.plan(actor, rows)
    if problems:
        return render_template("admin/import.html", form=UploadForm(formdata=None), planned=planned,
                               problems=problems, confirm=None, column_title=importing.column_title), 409
    try:
        done = importing.apply(actor, planned)
    except AdminError as error:
        roll_back_request()
        flash(error_message(error), "error")
        return redirect(url_for("admin.import_accounts"))
    audit("account.import", f"file:{name}", {"created": sum(1 for _u, p in done if p),
                                            "updated": sum(1 for _u, p in done if not p),
                                            "accounts": [user.id for user, _p in done]}, actor=actor)
    path.unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)
    return render_template("admin/import_done.html", done=done)
