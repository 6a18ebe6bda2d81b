"""Signing in and out, changing one's password, and choosing the interface language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (Blueprint, Response, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_url
from lms.forms import EmptyForm, Form
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from lms import accounts
from lms.database import utcnow
from lms.extensions import limiter
from lms.models import User
from lms.services import audit, find_user_by_login

bp = Blueprint("auth", __name__)

# A real Argon2 hash of a random string: checking against it costs the same time as a real
# account, so response time does not tell whether a username exists.
_TIMING_DUMMY = User(password_hash="")


class LoginForm(Form):
    """Username (or e-mail) and password."""

    login = StringField(_l("Tên đăng nhập hoặc thư điện tử"), validators=[DataRequired(), Length(max=255)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"))


class PasswordChangeForm(Form):
    """The current password, and the new one twice."""

    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        DataRequired(), EqualTo("new", message=_l("Hai lần nhập mật khẩu mới không khớp."))])


def password_policy_message(error: accounts.AccountError) -> str:
    """The person's-language explanation of a password the policy refuses."""
    messages = {
        "password-too-short": _("Mật khẩu cần ít nhất %(n)s ký tự.", n=accounts.MIN_PASSWORD_LENGTH),
        "password-too-long": _("Mật khẩu quá dài."),
        "password-common": _("Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác, "
                             "ví dụ một câu ngắn dễ nhớ."),
        "password-personal": _("Mật khẩu không được chứa tên đăng nhập hay họ tên của bạn."),
    }
    return messages.get(error.code, _("Mật khẩu không hợp lệ."))


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _failed_sign_in(response: Response) -> bool:
    """Only failed sign-ins count against the client address's limit (a success redirects)."""
    return response.status_code != 302


def unauthorized():
    """Flask-Login's answer to a visitor who must sign in: the login page (coming back here
    afterwards), or a JSON 401 for the API, whose clients cannot follow a redirect to a form."""
    from lms.errors import render_error, wants_json

    if wants_json():
        return render_error(401, error_code="signed-out")
    flash(_("Vui lòng đăng nhập để tiếp tục."), "info")
    here = request.full_path if request.query_string else request.path
    return redirect(login_url("auth.login", next_url=here))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed_sign_in)
def login():
    """Sign in. One message for every failure, so accounts cannot be enumerated."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        name = form.login.data
        now = utcnow()
        wait = accounts.throttle_for(name).seconds_left(now)
        if wait:
            flash(_("Đã nhập sai nhiều lần. Vui lòng thử lại sau %(seconds)s giây.", seconds=wait), "error")
            return render_template("auth/login.html", form=form), 429
        user = find_user_by_login(name)
        if user is None:
            if not _TIMING_DUMMY.password_hash:
                _TIMING_DUMMY.set_password("timing-equaliser")
            _TIMING_DUMMY.check_password(form.password.data)
        if user is not None and user.active and user.check_password(form.password.data):
            session.clear()  # a fresh session on login: no fixation
            accounts.sign_in(user, remember=form.remember.data)
            if user.locale in current_app.config["LANGUAGES"]:
                session["locale"] = user.locale
            audit("auth.login", accounts.login_subject(name), {"user": user.id, "ip": request.remote_addr},
                  actor=user)
            if user.must_change_password:
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.dashboard"))
        audit("auth.login_failed", accounts.login_subject(name),
              {"ip": request.remote_addr, "known": user is not None}, actor=None)
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with CSRF, so no other site can sign a person out). This browser's login
    session ends: its cookies, wherever copied, no longer sign anyone in."""
    form = EmptyForm()
    if form.validate_on_submit():
        user = accounts.current_account()
        audit("auth.logout", f"user:{user.id}", actor=user)
        accounts.sign_out(user)
        session.clear()
        flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("main.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (the current one is required); other sessions end."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = accounts.current_account()
        if not user.check_password(form.current.data):
            form.current.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            try:
                ended = accounts.change_password(user, form.new.data, keep=accounts.current_login_session(user))
            except accounts.AccountError as error:
                form.new.errors.append(password_policy_message(error))
            else:
                audit("auth.password_change", f"user:{user.id}", {"sessions_ended": ended}, actor=user)
                flash(_("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc."), "success")
                return redirect(url_for("main.dashboard"))
    return render_template("auth/password.html", form=form, forced=current_user.must_change_password)


@bp.before_app_request
def require_new_password():
    """Someone signed in with a temporary password chooses a new one before anything else."""
    if request.endpoint in (None, "static", "auth.change_password", "auth.logout", "auth.set_language") \
            or not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if request.path.startswith("/api/"):
        return None  # JSON clients get the page's answer when the person navigates
    return redirect(url_for("auth.change_password"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the interface language and go back to the page the person was on."""
    form = EmptyForm()
    if form.validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
