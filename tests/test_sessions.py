"""Sessions end when they should; passwords follow the policy; sign-in failures slow down one
login name, not an office."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms import accounts
from lms.database import utcnow
from lms.models import AuditEntry, LoginSession
from tests import factories
from tests.conftest import csrf_token_from, post_form


def _sign_in(client, username: str, *, remember: bool = False, password: str = factories.PASSWORD):
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    data = {"login": username, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def _cookie(client, name: str) -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def test_a_session_cookie_copied_before_logout_no_longer_signs_in(app, client, users):
    assert _sign_in(client, "learner").status_code == 302
    stolen = _cookie(client, "session")
    post_form(client, "/dashboard", "/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/dashboard").status_code == 302  # to the login page


def test_a_remember_token_replayed_alone_after_logout_is_refused(app, client, users):
    assert _sign_in(client, "learner", remember=True).status_code == 302
    remember = _cookie(client, "remember_token")
    assert remember
    # Before logout the remember cookie alone signs in (the browser was closed and reopened).
    reopened = app.test_client()
    reopened.set_cookie("remember_token", remember)
    assert reopened.get("/dashboard").status_code == 200
    post_form(client, "/dashboard", "/logout")
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert replay.get("/dashboard").status_code == 302


def test_the_remember_period_is_configurable_and_short(app, client, users):
    response = _sign_in(client, "learner", remember=True)
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("remember_token="))
    expires = next(part for part in cookie.split("; ") if part.startswith("Expires="))
    from email.utils import parsedate_to_datetime

    lifetime = parsedate_to_datetime(expires.split("=", 1)[1]) - utcnow()
    assert timedelta(days=6) < lifetime <= timedelta(days=7, minutes=1)
    session = app.extensions["sqlalchemy"].session.scalar(select(LoginSession).order_by(LoginSession.id.desc()))
    assert session.remember and timedelta(days=6) < session.expires_at - utcnow() <= timedelta(days=7)


def test_an_expired_login_session_signs_no_one_in(app, client, db, users):
    _sign_in(client, "learner")
    session = db.session.scalar(select(LoginSession))
    session.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(app, client, db, users):
    phone = app.test_client()
    _sign_in(phone, "learner", remember=True)
    _sign_in(client, "learner")
    new_password = "Hoa sen nở giữa hồ 2026"
    response = post_form(client, "/account/password", "/account/password", {
        "current": factories.PASSWORD, "new": new_password, "confirm": new_password})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # still signed in here
    assert phone.get("/dashboard").status_code == 302  # the phone's session ended
    remember_only = app.test_client()
    remember_only.set_cookie("remember_token", _cookie(phone, "remember_token") or "")
    assert remember_only.get("/dashboard").status_code == 302
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.password_change")) is not None
    post_form(client, "/dashboard", "/logout")
    assert _sign_in(client, "learner", password=new_password).status_code == 302


@pytest.mark.parametrize(("new", "message"), [
    ("ngan", "ít nhất 10 ký tự"),
    ("1234567890", "quá phổ biến"),
    ("matkhau2026", "quá phổ biến"),
    ("Password123", "quá phổ biến"),
    ("learner-2026-abc", "tên đăng nhập hay họ tên"),
    ("NguyenThiHuong99", "tên đăng nhập hay họ tên"),
    ("huong nguyen thi 1", "tên đăng nhập hay họ tên"),
])
def test_the_password_policy_explains_each_refusal_in_vietnamese(client, db, users, new, message):
    _sign_in(client, "learner")
    response = post_form(client, "/account/password", "/account/password", {
        "current": factories.PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    db.session.refresh(users["learner"])
    assert users["learner"].check_password(factories.PASSWORD)  # unchanged


def test_the_current_password_is_required_to_change_it(client, db, users):
    _sign_in(client, "learner")
    response = post_form(client, "/account/password", "/account/password", {
        "current": "not-it", "new": "Hoa sen nở giữa hồ 2026", "confirm": "Hoa sen nở giữa hồ 2026"})
    assert "Mật khẩu hiện tại không đúng." in response.get_data(as_text=True)


def test_the_cli_refuses_a_weak_password(app, db):
    result = app.test_cli_runner().invoke(args=["users", "create", "weak", "--name", "Đỗ Văn Yếu",
                                                "--password", "1234567890"])
    assert result.exit_code != 0 and "phổ biến" in result.output


def test_deactivation_ends_every_session(app, client, db, users):
    _sign_in(client, "learner", remember=True)
    users["learner"].active = False
    accounts.end_sessions(users["learner"], "deactivated")
    db.session.commit()
    assert client.get("/dashboard").status_code == 302
    assert db.session.scalar(select(LoginSession)).ended_reason == "deactivated"


def test_a_temporary_password_must_be_changed_before_anything_else(client, db, users):
    users["learner"].must_change_password = True
    db.session.commit()
    response = _sign_in(client, "learner")
    assert response.headers["Location"] == "/account/password"
    assert client.get("/courses").headers["Location"] == "/account/password"
    new_password = "Mây trắng bay qua đỉnh núi"
    post_form(client, "/account/password", "/account/password",
              {"current": factories.PASSWORD, "new": new_password, "confirm": new_password})
    assert client.get("/courses").status_code == 200


def test_repeated_failures_slow_down_that_login_name_only(app, client, db, users, monkeypatch):
    app.config["LOGIN_BACKOFF_AFTER"] = 3
    try:
        for _ in range(3):
            assert _sign_in(client, "learner", password="wrong").status_code == 200
        slowed = _sign_in(client, "learner")  # even the right password waits
        assert slowed.status_code == 429 and "thử lại sau" in slowed.get_data(as_text=True)
        # Someone else at the same office address signs in normally.
        assert _sign_in(app.test_client(), "author").status_code == 302
        # An unknown name is slowed down exactly the same (nothing tells which names exist).
        for _ in range(3):
            _sign_in(client, "no-such-person", password="wrong")
        assert _sign_in(client, "no-such-person", password="wrong").status_code == 429
        # It is a delay, not a lock: once the wait is over the right password works. (The audit
        # log is append-only, so the clock moves forward rather than the entries back.)
        later = utcnow() + timedelta(minutes=20)
        monkeypatch.setattr("lms.auth.utcnow", lambda: later)
        monkeypatch.setattr("lms.accounts.utcnow", lambda: later)
        assert _sign_in(client, "learner").status_code == 302
    finally:
        app.config["LOGIN_BACKOFF_AFTER"] = 5


def test_failed_and_successful_sign_ins_and_logouts_are_audited(client, db, users):
    _sign_in(client, "learner", password="wrong")
    _sign_in(client, "learner")
    post_form(client, "/dashboard", "/logout")
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("auth."))
                                      .order_by(AuditEntry.id)))
    assert [e.action for e in entries] == ["auth.login_failed", "auth.login", "auth.logout"]
    assert all(e.origin == "127.0.0.1" for e in entries)  # from where
    assert entries[2].actor_id == users["learner"].id and entries[0].actor_id is None
    assert "wrong" not in str(entries[0].details)


def test_account_creation_and_grants_are_audited_from_the_command_line(app, db):
    result = app.test_cli_runner().invoke(args=["users", "create", "tuan", "--name", "Lý Văn Tuấn",
                                                "--password", "Sông Lam chảy mãi 2026", "--role", "hr"])
    assert result.exit_code == 0, result.output
    entries = {e.action: e for e in db.session.scalars(select(AuditEntry))}
    assert entries["account.create"].origin == "cli" and entries["account.create"].details["username"] == "tuan"
    assert entries["account.grant"].details == {"role": "hr", "scope": "*"}


def test_successful_sign_ins_do_not_count_against_an_office_address(app, users):
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    try:
        statuses = [_sign_in(app.test_client(), "learner").status_code for _ in range(6)]
    finally:
        app.config["RATELIMIT_LOGIN"] = "1000 per minute"
    assert statuses == [302] * 6


def test_trusted_proxies_decide_the_client_address(tmp_path, monkeypatch):
    from flask import request

    from lms import create_app

    monkeypatch.setenv("TRUSTED_PROXIES", "1")
    proxied = create_app({"LMS_ENV": "testing", "SECRET_KEY": "x",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    seen = {}

    @proxied.route("/whoami")
    def whoami():
        seen["address"] = request.remote_addr
        return "ok"

    proxied.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"},
                              environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert seen["address"] == "203.0.113.7"
    monkeypatch.setenv("TRUSTED_PROXIES", "0")
    direct = create_app({"LMS_ENV": "testing", "SECRET_KEY": "x",
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.sqlite3'}"})

    @direct.route("/whoami")
    def whoami_direct():
        seen["address"] = request.remote_addr
        return "ok"

    direct.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"},
                             environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert seen["address"] == "10.0.0.2"  # a forged header from a client is not believed
