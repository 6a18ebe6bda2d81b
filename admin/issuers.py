"""Certificate issuers: their details, emblem, numbering patterns and signing key (PKCS#12).

Issuers are not placed in agencies: administrators of everything only. The key checks, the
encryption at rest and the rotation are ``certificates.keys``'s.
"""
from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from admin import bp
from admin.services import admin_scope
from certificates import keys
from certificates.models import Issuer, IssuerKey
from lms.accounts import current_account
from lms.extensions import db
from lms.forms import Form
from lms.models import Role
from lms.permissions import role_required
from lms.services import audit
from lms.transactions import writes
from lms.timefmt import format_date
from lms.web import body_limit

PATTERN_FIELD = re.compile(r"\{([^{}]*)\}")
PATTERN_NAMES = {"code", "symbol", "year", "number"}
MAX_EMBLEM_BYTES = 1024 * 1024


def check_pattern(pattern: str) -> None:
    """Refuse a numbering pattern that names an unknown field, lacks ``{number}`` (numbers must
    differ) or cannot be formatted; raises ``ValueError`` with a message for the reader."""
    names = []
    for field in PATTERN_FIELD.findall(pattern.replace("{{", "").replace("}}", "")):
        name, _sep, _spec = field.partition(":")
        if name not in PATTERN_NAMES:
            raise ValueError(_("Trường không hợp lệ: {%(name)s}. Chỉ dùng {code}, {symbol}, {year}, {number}.",
                               name=name))
        names.append(name)
    if "number" not in names:
        raise ValueError(_("Mẫu cần có {number} (số thứ tự) để các số không trùng nhau."))
    try:
        pattern.format(code="TTCDS", symbol="CB", year=2026, number=1)
    except (KeyError, ValueError, IndexError) as error:
        raise ValueError(_("Mẫu không định dạng được: %(error)s", error=str(error))) from error


def _pattern_validator(form, field) -> None:
    try:
        check_pattern(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from error


class IssuerForm(Form):
    """What an administrator may change about an issuer."""

    name = StringField(_l("Tên đơn vị cấp"), validators=[DataRequired(), Length(max=255)])
    parent_name = StringField(_l("Cơ quan chủ quản"), validators=[Optional(), Length(max=255)])
    issue_place = StringField(_l("Nơi cấp (địa danh)"), validators=[DataRequired(), Length(max=128)])
    signer_title = TextAreaField(_l("Chức danh người ký (có thể hai dòng)"), validators=[DataRequired(), Length(max=255)])
    signer_name = StringField(_l("Họ tên người ký"), validators=[DataRequired(), Length(max=255)])
    serial_pattern = StringField(_l("Mẫu số hiệu"), validators=[DataRequired(), Length(max=128), _pattern_validator])
    register_pattern = StringField(_l("Mẫu số vào sổ"), validators=[DataRequired(), Length(max=128), _pattern_validator])
    attach_pdf_to_email = BooleanField(_l("Gửi kèm tệp PDF đã ký trong thư báo cấp chứng chỉ"))
    emblem = FileField(_l("Biểu trưng (PNG hoặc JPEG, tối đa 1 MB)"))


class KeyForm(Form):
    """A PKCS#12 file (.p12/.pfx) and its password."""

    file = FileField(_l("Tệp khóa và chứng thư số (PKCS#12: .p12, .pfx)"))
    password = PasswordField(_l("Mật khẩu của tệp"), validators=[Length(max=1024)])


def key_error_message(error: keys.KeyUploadError) -> str:
    """The reader's-language reason an uploaded key was refused."""
    from lms.timefmt import format_datetime

    def when(name: str) -> str:
        value = error.params.get(name)  # the params are typed loosely; these two are datetimes
        return format_datetime(value) if isinstance(value, datetime) else ""

    messages = {
        "empty": _("Chưa chọn tệp."),
        "too-large": _("Tệp quá lớn cho một tệp PKCS#12."),
        "wrong-password-or-damaged": _("Không mở được tệp: sai mật khẩu, hoặc tệp không phải PKCS#12."),
        "incomplete": _("Tệp không chứa đủ khóa bí mật và chứng thư số."),
        "key-type": _("Loại khóa không được hỗ trợ (chỉ RSA, ECDSA, Ed25519)."),
        "key-mismatch": _("Khóa bí mật không khớp với chứng thư số."),
        "not-yet-valid": _("Chứng thư số chưa đến ngày có hiệu lực (%(when)s).",
                           when=when("since")),
        "expired": _("Chứng thư số đã hết hạn (%(when)s).", when=when("until")),
        "key-usage": _("Chứng thư số không được phép dùng để ký (thiếu digitalSignature/nonRepudiation)."),
        "chain-broken": _("Chuỗi chứng thư trong tệp không liền mạch: một chứng thư không do chứng thư kế tiếp cấp."),
        "test-signature-failed": _("Ký thử và kiểm tra chữ ký thử không thành công."),
        "already-uploaded": _("Chứng thư số này đã được tải lên trước đây."),
        "no-encryption-key": _("Máy chủ chưa cấu hình SIGNING_KEY_ENCRYPTION_KEY nên không thể lưu khóa an toàn."),
        "bad-encryption-key": _("SIGNING_KEY_ENCRYPTION_KEY của máy chủ không hợp lệ."),
    }
    return messages.get(error.code, _("Không nhận được tệp khóa."))


def _require_everything():
    actor = current_account()
    if not admin_scope(actor).everything:
        abort(403)  # issuers belong to no agency: administrators of everything only
    return actor


def _issuer(issuer_id: int) -> Issuer:
    issuer = db.session.get(Issuer, issuer_id)
    if issuer is None:
        abort(404)
    return issuer


def save_emblem(data: bytes) -> str:
    """Check an emblem image (PNG or JPEG, within bounds) and store it under a name made from its
    content (the PDF renderer reads an emblem once per path); returns its path under ``MEDIA_DIR``."""
    if len(data) > MAX_EMBLEM_BYTES:
        raise ValueError(_("Ảnh quá lớn (tối đa 1 MB)."))
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValueError(_("Không đọc được ảnh; hãy dùng tệp PNG hoặc JPEG.")) from error
    if kind not in ("PNG", "JPEG"):
        raise ValueError(_("Chỉ nhận ảnh PNG hoặc JPEG."))
    if width > 3000 or height > 3000:
        raise ValueError(_("Ảnh quá lớn (tối đa 3000 × 3000 điểm ảnh)."))
    folder = Path(current_app.config["MEDIA_DIR"]) / "issuers"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"emblem-{hashlib.sha256(data).hexdigest()[:24]}.{'png' if kind == 'PNG' else 'jpg'}"
    (folder / name).write_bytes(data)
    return f"issuers/{name}"  # relative to MEDIA_DIR (``certificates.documents.emblem_file``)


@bp.route("/issuers")
@writes
@role_required(Role.ADMIN)
def issuers():
    """Every issuer, with its active signing key. The issuer the configuration names is created
    here if no certificate has created it yet, so that it can be set up before the first issue."""
    _require_everything()
    from certificates.services import default_issuer

    default_issuer()
    rows = list(db.session.scalars(select(Issuer).order_by(Issuer.name)))
    return render_template("admin/issuers.html", issuers=rows, active={i.id: keys.active_key(i.id) for i in rows})


@bp.route("/issuers/<int:issuer_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
@body_limit(MAX_EMBLEM_BYTES + 64 * 1024)
def issuer(issuer_id: int):
    """Edit an issuer; upload its emblem."""
    actor = _require_everything()
    found = _issuer(issuer_id)
    form = IssuerForm(obj=found)
    if form.validate_on_submit():
        emblem_path = found.emblem_path
        upload = form.emblem.data
        error = None
        if upload and getattr(upload, "filename", ""):
            try:
                emblem_path = save_emblem(upload.read(MAX_EMBLEM_BYTES + 1))
            except ValueError as problem:
                error = str(problem)
                form.emblem.errors = [error]
        if error is None:
            fields = ("name", "parent_name", "issue_place", "signer_title", "signer_name", "serial_pattern",
                      "register_pattern", "attach_pdf_to_email")
            after = {name: (getattr(form, name).data.strip() if isinstance(getattr(form, name).data, str)
                            else getattr(form, name).data) for name in fields}
            after["parent_name"] = after["parent_name"] or None
            after["emblem_path"] = emblem_path
            changes = {name: [getattr(found, name), value] for name, value in after.items()
                       if getattr(found, name) != value}
            for name, value in after.items():
                setattr(found, name, value)
            if changes:
                audit("issuer.update", f"issuer:{found.id}", {"changes": changes}, actor=actor)
            flash(_("Đã lưu thông tin đơn vị cấp.") if changes else _("Không có gì thay đổi."), "success")
            return redirect(url_for("admin.issuer", issuer_id=found.id))
    stored = list(db.session.scalars(select(IssuerKey).where(IssuerKey.issuer_id == found.id)
                                     .order_by(IssuerKey.uploaded_at.desc())))
    return render_template("admin/issuer.html", issuer=found, form=form, key_form=KeyForm(prefix="key"), keys=stored)


@bp.route("/issuers/<int:issuer_id>/key", methods=["POST"])
@role_required(Role.ADMIN)
@body_limit(keys.MAX_PKCS12_BYTES + 64 * 1024)
def issuer_key(issuer_id: int):
    """Upload a new signing key and certificate (PKCS#12): checked, test-signed, stored
    encrypted; it replaces the active one, which stays for verification."""
    actor = _require_everything()
    found = _issuer(issuer_id)
    form = KeyForm(prefix="key")
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(keys.MAX_PKCS12_BYTES + 1) if upload and getattr(upload, "filename", "") else b""
        try:
            stored = keys.upload_key(found, data, form.password.data or "", actor)
        except keys.KeyUploadError as error:
            audit("issuer.key_refused", f"issuer:{found.id}", {"reason": error.code}, actor=actor)
            flash(key_error_message(error), "error")
        else:
            flash(_("Đã nhận khóa ký mới (%(subject)s, hiệu lực đến %(until)s). Chứng chỉ cấp từ nay được ký bằng "
                    "khóa này; các chứng chỉ đã cấp vẫn kiểm tra được.", subject=stored.subject,
                    until=format_date(stored.not_after)), "success")
    return redirect(url_for("admin.issuer", issuer_id=found.id))
