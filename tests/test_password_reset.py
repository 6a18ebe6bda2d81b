"""Forgotten password: the same answer whether or not the account exists, rate limits per address
and per login name, a link that works once and not for long, the policy, every session ended."""
from __future__ import annotations

import re

from sqlalchemy import select

from lms.accounts import live_sessions
from lms.mail import SCRUBBED, MailMessage, send_queued
from lms.models import AuditEntry, User
from tests import factories
from tests.conftest import csrf_token_from, login, post_form
from tests.matrix import signed_in_client

NEW_PASSWORD = "Mùa thu Hà Nội 2026 rất đẹp"


def _ask(client, name: str):
    return post_form(client, "/password/forgot", "/password/forgot", {"login": name})


def _link(db) -> str:
    """The reset link in the last password-reset message (read before it is sent and wiped)."""
    message = db.session.scalar(select(MailMessage).where(MailMessage.kind == "password_reset")
                                .order_by(MailMessage.id.desc()))
    match = re.search(r"http://127\.0\.0\.1:5000(/password/reset/\S+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def test_the_login_page_links_to_the_forgotten_password_page(client, db):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in page and "Quên mật khẩu?" in page
    assert "Gửi liên kết đặt lại mật khẩu" in client.get("/password/forgot").get_data(as_text=True)


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client, db, users):
    known = _ask(client, "learner")
    known_page = client.get(known.headers["Location"]).get_data(as_text=True)
    unknown = _ask(client, "khong-co-ai")
    unknown_page = client.get(unknown.headers["Location"]).get_data(as_text=True)
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"] == "/password/forgot"
    strip = re.compile(r'name="csrf_token"[^>]*>')
    assert strip.sub("", known_page) == strip.sub("", unknown_page)
    assert "Nếu tài khoản này có địa chỉ thư điện tử" in known_page
    messages = list(db.session.scalars(select(MailMessage)))
    assert [(m.kind, m.to_address) for m in messages] == [("password_reset", users["learner"].email)]
    assert messages[0].sensitive and messages[0].locale == "vi"
    requested = list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "auth.password_reset_requested").order_by(AuditEntry.id)))
    assert [entry.details["known"] for entry in requested] == [True, False]


def test_the_link_sets_a_new_password_once_and_ends_every_session(client, db, users):
    learner = users["learner"]
    elsewhere = signed_in_client(client.application, learner)  # signed in on another device
    assert elsewhere.get("/dashboard").status_code == 200
    _ask(client, learner.email.upper())  # by e-mail address, in any case
    link = _link(db)
    page = client.get(link)
    assert page.status_code == 200 and "no-store" in page.headers["Cache-Control"]
    assert "Tài khoản: learner" in page.get_data(as_text=True)
    weak = client.post(link, data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                   "new": "matkhau123", "confirm": "matkhau123"})
    assert weak.status_code == 200 and "quá phổ biến" in weak.get_data(as_text=True)  # the policy applies
    done = post_form(client, link, link, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert elsewhere.get("/dashboard").status_code == 302, "the other device is signed out"
    assert live_sessions(db.session.get(User, learner.id)) == []
    assert login(client, "learner").status_code == 200  # the old password no longer works
    assert login(client, "learner", NEW_PASSWORD).status_code == 302
    again = client.get(link)
    assert again.status_code == 400 and "Liên kết không còn hiệu lực" in again.get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.password_reset"))
    assert entry.subject == f"user:{learner.id}" and entry.details["sessions_ended"] >= 1


def test_an_earlier_link_dies_with_the_password_it_was_made_for(client, db, users):
    _ask(client, "learner")
    first = _link(db)
    _ask(client, "learner")
    second = _link(db)
    post_form(client, second, second, {"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get(first).status_code == 400


def test_an_expired_or_altered_link_is_refused(client, db, users, monkeypatch):
    _ask(client, "learner")
    link = _link(db)
    assert client.get(link[:-2] + ("aa" if not link.endswith("aa") else "bb")).status_code == 400
    assert client.get("/password/reset/" + "x" * 600).status_code == 400
    monkeypatch.setitem(client.application.config, "PASSWORD_RESET_MAX_AGE", -1)
    assert client.get(link).status_code == 400
    monkeypatch.setitem(client.application.config, "PASSWORD_RESET_MAX_AGE", 3600)
    assert client.get(link).status_code == 200


def test_an_inactive_account_or_one_without_e_mail_gets_nothing(client, db, users):
    factories.user("Trần Thị Bình", username="binh", email=None)
    users["hr"].active = False
    for name in ("binh", "hr"):
        assert _ask(client, name).status_code == 302
    assert db.session.scalar(select(MailMessage)) is None


def test_requests_are_limited_per_login_name_and_per_address(client, db, users, monkeypatch):
    # Three per login name (folded: case and accents do not make it another name) …
    for name in ("learner", "LEARNER", "lèarner"):
        assert _ask(client, name).status_code == 302
    assert _ask(client, "Learner").status_code == 429
    # … and twenty answered per client address, whatever the names.
    answers = [_ask(client, f"ai-do-{n}").status_code for n in range(20)]
    assert answers == [302] * 17 + [429] * 3
    # "lèarner" is no account (usernames are matched exactly), but counts as the same name.
    assert len(list(db.session.scalars(select(MailMessage)))) == 2


def test_the_reset_message_is_wiped_once_sent_and_never_shown(client, db, users):
    _ask(client, "learner")
    message = db.session.scalar(select(MailMessage))
    assert send_queued() == {"sent": 1}
    db.session.refresh(message)
    assert message.status == "sent" and message.body_text == SCRUBBED and message.body_html is None
    assert login(client, "admin").status_code == 302
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "nội dung không được hiển thị" in page and "/password/reset/" not in page
    assert client.get(f"/admin/outbox/{message.id}/message.eml").status_code == 404
