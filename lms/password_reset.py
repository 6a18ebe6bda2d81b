"""Forgotten password: a link by e-mail that sets a new password once.

The link carries a token signed with the site's key (itsdangerous) holding the account id and a
fingerprint of the current password hash. It expires after ``PASSWORD_RESET_MAX_AGE`` seconds
and works once: setting the password changes the hash, so the fingerprint no longer matches (and
so does any other link sent before). The request page answers the same whether or not the
account exists, and is rate-limited per client address and per login name.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from lms import accounts
from lms.auth import password_policy_message
from lms.extensions import db, limiter
from lms.forms import Form
from lms.mail import queue_for_user, site_link
from lms.models import User
from lms.services import audit, find_user_by_login
from lms.text import fold
from lms.web import no_store

bp = Blueprint("password", __name__)
SALT = "lms.password-reset"


class ForgotPasswordForm(Form):
    """The username or e-mail address of the account."""

    login = StringField(_l("Tên đăng nhập hoặc thư điện tử"), validators=[DataRequired(), Length(max=255)])


class ResetPasswordForm(Form):
    """The new password, twice."""

    new = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(), EqualTo("new", message=_l("Hai lần nhập mật khẩu mới không khớp."))])


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    # A digest of the current hash, not the hash itself: the token is signed, not encrypted.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def make_token(user: User) -> str:
    """A reset token for the account as it is now (it stops working once the password changes)."""
    return _serializer().dumps([user.id, _fingerprint(user)])


def user_for_token(token: str) -> User | None:
    """The active account a token was made for, if it is unexpired, unaltered and unused."""
    try:
        user_id, fingerprint = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or _fingerprint(user) != fingerprint:
        return None
    return user


def send_reset_link(user: User) -> None:
    """Queue the e-mail with a fresh reset link to the account's address (the caller commits)."""
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    queue_for_user(user, "password_reset", template="mail/password_reset.txt",
                   subject=lambda: _("Đặt lại mật khẩu của anh/chị"),
                   context={"link": site_link("password.reset", token=make_token(user)), "minutes": minutes,
                            "forgot_url": site_link("password.forgot")},
                   sensitive=True)


def _login_name_key() -> str:
    """Flask-Limiter key: the login name asked for, folded (so case and accents do not matter)."""
    return "reset-login:" + fold(request.form.get("login", "")).strip()[:100]


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PASSWORD_RESET_ADDRESS"], methods=["POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_PASSWORD_RESET_LOGIN"], methods=["POST"],
               key_func=_login_name_key)
def forgot():
    """Ask for a reset link. The answer is the same whether or not the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        name = form.login.data
        user = find_user_by_login(name)
        known = user is not None and user.active and bool(user.email)
        if known:
            send_reset_link(user)
        audit("auth.password_reset_requested", accounts.login_subject(name),
              {"ip": request.remote_addr, "known": known}, actor=None)
        flash(_("Nếu tài khoản này có địa chỉ thư điện tử, chúng tôi vừa gửi đến đó một liên kết để đặt lại "
                "mật khẩu. Liên kết có hiệu lực trong %(minutes)s phút và chỉ dùng được một lần.",
                minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60), "info")
        return redirect(url_for("password.forgot"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Set a new password from an e-mailed link; every login session of the account ends."""
    user = user_for_token(token) if len(token) <= 512 else None
    if user is None:
        return no_store(current_app.make_response((render_template("auth/reset_invalid.html"), 400)))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            ended = accounts.change_password(user, form.new.data, reason="password-reset")
        except accounts.AccountError as error:
            form.new.errors.append(password_policy_message(error))
        else:
            audit("auth.password_reset", f"user:{user.id}", {"sessions_ended": ended, "ip": request.remote_addr},
                  actor=user)
            flash(_("Đã đặt mật khẩu mới. Mọi phiên đăng nhập cũ của tài khoản đã kết thúc; "
                    "anh/chị hãy đăng nhập bằng mật khẩu mới."), "success")
            return redirect(url_for("auth.login"))
    return no_store(current_app.make_response(render_template("auth/reset.html", form=form, user=user)))
