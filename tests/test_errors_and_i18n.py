"""Error pages in the site's style, no 500 on bad input, Vietnamese first with English."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_token_from, login


def test_404_page_is_styled_and_vietnamese(client, db):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Không tìm thấy trang" in body and "site.css" in body


def test_403_page(app, client, users):
    from lms.accounts import sign_in
    from lms.errors import render_error

    with app.test_request_context("/"):
        sign_in(users["learner"])
        body, status = render_error(403)
    assert status == 403 and "Không có quyền truy cập" in body


def test_413_page_for_oversized_upload(app, client, db):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = client.post("/login", data={"login": "x" * 5000, "password": "y"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    assert response.status_code == 413
    assert "Tệp tải lên quá lớn" in response.get_data(as_text=True)


def test_500_page_hides_the_error_and_keeps_the_style(app, client, db, monkeypatch):
    from courses import services

    def broken():
        raise RuntimeError("database on fire")

    monkeypatch.setattr(services, "published_courses", broken)
    app.testing = False
    try:
        response = client.get("/courses")
    finally:
        app.testing = True
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Đã có lỗi xảy ra" in body and "database on fire" not in body


def test_api_errors_are_json(client, db):
    response = client.get("/api/v1/certificates/7K3M-Q9XD-2F4H-WC8N-R")  # a well-formed code nobody holds
    assert response.status_code == 404
    assert response.is_json and response.json["error"]["status"] == 404
    malformed = client.get("/api/v1/certificates/KHONG-CO")  # not a code at all: said so, as JSON
    assert malformed.status_code == 400 and malformed.json["error"]["code"] == "format"


@pytest.mark.parametrize("url", [
    "/verify/%00%01",
    "/verify/" + "A" * 5000,
    "/verify?code=%3Cscript%3Ealert(1)%3C/script%3E",
    "/courses/%E2%80%AE",
    "/quizzes/99999999999999999999",
    "/quizzes/2147483648",
    "/attempts/-1",
])
@pytest.mark.parametrize("who", [None, "learner", "examiner", "admin"])
def test_bad_input_never_gives_500(client, db, logged_in, url, who):
    """Anonymous (a redirect to sign in) and signed in, so that the views themselves are reached."""
    if who is not None:
        logged_in(who)
    response = client.get(url)
    assert 300 <= response.status_code < 500  # a redirect to sign in, or a 4xx; never a 500
    if who is not None:
        assert response.status_code != 302 or "/login" not in response.headers["Location"]
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_tampered_quiz_answers_are_refused_and_change_nothing(client, db, users):
    from sqlalchemy import select

    from quizzes.models import Attempt
    from tests import factories
    from tests.conftest import post_form

    course = factories.course(lessons=1)
    quiz = factories.quiz(course, questions=2)
    other = factories.quiz(None, questions=1)
    db.session.commit()
    login(client, "learner")
    started = post_form(client, f"/quizzes/{quiz.id}", f"/quizzes/{quiz.id}/start")
    attempt_url = started.headers["Location"]
    token = csrf_token_from(client.get(attempt_url).get_data(as_text=True))
    q1 = quiz.items[0].question
    foreign_option = factories.correct_option_id(other.items[0].question)
    for value in [str(foreign_option), "abc", "-5", "1e9"]:
        response = client.post(attempt_url, data={"csrf_token": token, f"q{q1.id}": value})
        assert response.status_code == 400
    attempt = db.session.scalar(select(Attempt))
    assert attempt.submitted_at is None and attempt.answers == []


def test_vietnamese_is_the_default_and_english_is_one_click_away(client, db):
    home = client.get("/").get_data(as_text=True)
    assert 'lang="vi"' in home and "Xem các khóa học" in home
    token = csrf_token_from(home)
    response = client.post("/language/en", data={"csrf_token": token, "next": "/courses"})
    assert response.status_code == 302 and response.headers["Location"] == "/courses"
    english = client.get("/").get_data(as_text=True)
    assert 'lang="en"' in english and "Browse courses" in english and "Xem các khóa học" not in english
    token = csrf_token_from(english)
    client.post("/language/vi", data={"csrf_token": token})
    assert "Xem các khóa học" in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_unknown_languages_and_external_next(client, db):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    response = client.post("/language/xx", data={"csrf_token": token, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert 'lang="vi"' in client.get("/").get_data(as_text=True)


def test_english_catalogue_translates_every_message():
    """Every visible string has an English translation (none left empty or fuzzy), in the kernel's
    catalogue and in each feature package's own."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1]
    catalogues = sorted(root.glob("*/translations/en/LC_MESSAGES/messages.po"))
    assert root / "lms/translations/en/LC_MESSAGES/messages.po" in catalogues
    missing = []
    for po in catalogues:
        with po.open("rb") as handle:
            catalog = read_po(handle)
        missing += [(po.parts[-5], m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []
