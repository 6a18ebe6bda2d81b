"""Signing in and out, and choosing the interface language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from lms.database import utcnow
from lms.extensions import db, limiter
from lms.models import User
from lms.services import find_user_by_login

bp = Blueprint("auth", __name__)

# A real Argon2 hash of a random string: checking against it costs the same time as a real
# account, so response time does not tell whether a username exists.
_TIMING_DUMMY = User(password_hash="")


class LoginForm(FlaskForm):
    """Username (or e-mail) and password."""

    login = StringField(_l("Tên đăng nhập hoặc thư điện tử"), validators=[DataRequired(), Length(max=255)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này"))


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for POST-only buttons."""


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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    """Sign in. One message for every failure, so accounts cannot be enumerated."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = find_user_by_login(form.login.data)
        if user is None:
            if not _TIMING_DUMMY.password_hash:
                _TIMING_DUMMY.set_password("timing-equaliser")
            _TIMING_DUMMY.check_password(form.password.data)
        if user is not None and user.active and user.check_password(form.password.data):
            session.clear()  # a fresh session on login: no fixation
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            return redirect(safe_next_url(request.args.get("next")) or url_for("main.dashboard"))
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Sign out (POST with CSRF, so no other site can sign a person out)."""
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("main.index"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the interface language and go back to the page the person was on."""
    form = EmptyForm()
    if form.validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))
