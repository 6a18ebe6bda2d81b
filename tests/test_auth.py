"""Login, logout, safe redirects, no user enumeration, cookie flags, CSRF."""
from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import csrf_token_from, login


def test_login_and_logout(client, users):
    response = login(client, "learner")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert "Nguyễn Thị Hương" in client.get("/dashboard").get_data(as_text=True)
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_login_by_email_is_case_insensitive(client, users):
    assert login(client, users["learner"].email.upper()).status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(client, users):
    wrong_password = login(client, "learner", "not-the-password")
    unknown_user = login(client, "nobody-here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 200
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_user.get_data(as_text=True)


def test_inactive_account_cannot_log_in(client, db, users):
    users["learner"].active = False
    db.session.commit()
    assert login(client, "learner").status_code == 200


def test_login_without_csrf_token_is_refused(client, users):
    response = client.post("/login", data={"login": "learner", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize("target,expected", [
    ("/courses", "/courses"),
    ("https://evil.example/phish", "/dashboard"),
    ("//evil.example/phish", "/dashboard"),
    ("/\\evil.example", "/dashboard"),
    ("javascript:alert(1)", "/dashboard"),
])
def test_next_redirect_stays_on_this_site(client, users, target, expected):
    page = client.get("/login", query_string={"next": target})
    token = csrf_token_from(page.get_data(as_text=True))
    response = client.post("/login", query_string={"next": target},
                           data={"login": "learner", "password": factories.PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_session_cookie_is_httponly_and_samesite(client, users):
    response = login(client, "learner")
    cookies = [v for k, v in response.headers.items() if k == "Set-Cookie"]
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_passwords_are_stored_as_argon2_hashes(db, users):
    assert users["learner"].password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in users["learner"].password_hash


def test_login_attempts_are_rate_limited(app, client, users):
    app.config["RATELIMIT_LOGIN"] = "3 per minute"
    try:
        codes = [login(client, "learner", "wrong").status_code for _ in range(4)]
    finally:
        app.config["RATELIMIT_LOGIN"] = "1000 per minute"
    assert codes[:3] == [200, 200, 200]
    assert codes[3] == 429


def test_security_headers(client, db):
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
