"""The self-service profile (/account): details, language, password change, signed-in sessions."""
from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db as _db
from lms.models import AuditEntry, LoginSession
from tests.conftest import login, post_form


def test_profile_shows_and_saves_own_details(client, users):
    login(client, "learner")
    page = client.get("/account")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Nguyễn Thị Hương" in page.get_data(as_text=True)
    response = post_form(client, "/account", "/account", {
        "full_name": "Nguyễn Thị Hương Giang", "email": "Giang@Example.gov.vn", "phone": "0238 3 844 555",
        "locale": "en"})
    assert response.status_code == 302
    person = users["learner"]
    _db.session.refresh(person)
    assert person.full_name == "Nguyễn Thị Hương Giang" and person.full_name_folded == "nguyen thi huong giang"
    assert person.email == "giang@example.gov.vn" and person.phone == "0238 3 844 555" and person.locale == "en"
    assert "My account" in client.get("/account").get_data(as_text=True)  # the chosen language applies
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.profile"))
    assert entry.details["changes"]["phone"] == [None, "0238 3 844 555"]


def test_profile_refuses_bad_input_and_changes_nothing(client, users):
    login(client, "learner")
    taken = users["hr"].email
    page = post_form(client, "/account", "/account", {"full_name": "Nguyễn Thị Hương", "email": taken,
                                                        "locale": "vi"}).get_data(as_text=True)
    assert "Địa chỉ thư điện tử này đã thuộc tài khoản khác." in page
    page = post_form(client, "/account", "/account", {"full_name": "Nguyễn Thị Hương", "phone": "gọi tôi",
                                                        "locale": "vi"}).get_data(as_text=True)
    assert "Số điện thoại chỉ gồm chữ số" in page
    assert post_form(client, "/account", "/account", {"full_name": "", "locale": "xx"}).status_code == 200
    person = users["learner"]
    _db.session.refresh(person)
    assert person.email != taken and person.phone is None and person.full_name == "Nguyễn Thị Hương"


def test_profile_is_for_signed_in_people_only(client, users):
    assert client.get("/account").status_code == 302


def test_sessions_are_listed_and_the_others_can_be_signed_out(app, client, users):
    other = app.test_client()
    login(other, "learner")
    login(client, "learner")
    page = client.get("/account").get_data(as_text=True)
    assert "Phiên này" in page and "Đăng xuất các phiên khác" in page
    post_form(client, "/account", "/account/sessions/sign-out-others")
    assert other.get("/dashboard").status_code == 302  # the other browser is signed out
    assert client.get("/dashboard").status_code == 200  # this one is not
    live = _db.session.scalars(select(LoginSession).where(LoginSession.user_id == users["learner"].id,
                                                          LoginSession.ended_at.is_(None))).all()
    assert len(live) == 1
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.sign_out_others"))
    assert entry.details["sessions_ended"] == 1


def test_password_change_from_the_profile_keeps_the_policy(client, users):
    login(client, "learner")
    assert 'href="/account/password"' in client.get("/account").get_data(as_text=True)
    page = post_form(client, "/account/password", "/account/password",
                     {"current": "Mật-khẩu-thử-2026", "new": "password123", "confirm": "password123"}
                     ).get_data(as_text=True)
    assert "quá phổ biến" in page
    page = post_form(client, "/account/password", "/account/password",
                     {"current": "sai", "new": "một câu dài để nhớ 2026", "confirm": "một câu dài để nhớ 2026"}
                     ).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in page
