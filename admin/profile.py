"""The self-service profile (``/account``): one's name, e-mail, telephone and language; the link
to change one's password (``auth.change_password``, with the password policy); one's signed-in
browsers and devices, with "sign out the others"."""
from __future__ import annotations

import re

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from admin import profile_bp
from admin.routes import error_message
from admin.services import AdminError, clean_email, clean_name
from lms import accounts
from lms.forms import EmptyForm, Form
from lms.services import audit
from lms.web import never_cached

PHONE_RE = re.compile(r"^[0-9+()\-. ]{6,32}$")


class ProfileForm(Form):
    """What a person may change about themselves."""

    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(), Length(max=255)])
    email = StringField(_l("Thư điện tử"), validators=[Optional(), Length(max=255)])
    phone = StringField(_l("Số điện thoại"), validators=[Optional(), Length(max=32)])
    locale = SelectField(_l("Ngôn ngữ giao diện và thư"), choices=[("vi", "Tiếng Việt"), ("en", "English")],
                         validate_choice=True)

    def validate_phone(self, field) -> None:
        """Digits, spaces and + ( ) - . only."""
        from wtforms.validators import ValidationError

        if field.data and not PHONE_RE.match(field.data.strip()):
            raise ValidationError(_("Số điện thoại chỉ gồm chữ số, dấu cách và các dấu + ( ) - ."))


@profile_bp.route("/account", methods=["GET", "POST"])
@login_required
@never_cached
def profile():
    """One's own details and signed-in devices."""
    user = accounts.current_account()
    form = ProfileForm(obj=user)
    if not form.is_submitted():
        form.locale.data = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    if form.validate_on_submit():
        try:
            after = {"full_name": clean_name(form.full_name.data), "email": clean_email(form.email.data, user),
                     "phone": (form.phone.data or "").strip() or None, "locale": form.locale.data}
        except AdminError as error:
            flash(error_message(error), "error")
        else:
            before = {"full_name": user.full_name, "email": user.email, "phone": user.phone, "locale": user.locale}
            changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
            if changes:
                user.set_full_name(after["full_name"])
                user.email, user.phone, user.locale = after["email"], after["phone"], after["locale"]
                session["locale"] = after["locale"]
                audit("account.profile", f"user:{user.id}", {"changes": changes}, actor=user)
            flash(_("Đã lưu thông tin của bạn.") if changes else _("Không có gì thay đổi."), "success")
            return redirect(url_for("profile.profile"))
    current = accounts.current_login_session(user)
    return render_template("admin/profile.html", form=form, person=user, sessions=accounts.live_sessions(user),
                           current_session_id=current.id if current else None, button=EmptyForm())


@profile_bp.route("/account/sessions/sign-out-others", methods=["POST"])
@login_required
def sign_out_others():
    """End every session of one's account except this browser's."""
    form = EmptyForm()
    if form.validate_on_submit():
        user = accounts.current_account()
        ended = accounts.end_sessions(user, "signed-out-by-owner", keep=accounts.current_login_session(user))
        audit("account.sign_out_others", f"user:{user.id}", {"sessions_ended": ended}, actor=user)
        flash(_("Đã đăng xuất %(n)s phiên khác.", n=ended), "success")
    return redirect(url_for("profile.profile"))
