"""What caches may keep, and uploads checked before they are read into memory."""
from __future__ import annotations

import io

from sqlalchemy import select

from certificates.models import Certificate
from courses.models import LessonAsset
from courses.services import record_lesson_view
from quizzes.services import start_attempt, submit_attempt
from tests import factories
from tests.conftest import login, post_form

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def test_personal_pages_are_never_stored_by_any_cache(client, db, users):
    course = factories.course(lessons=1)
    quiz = factories.quiz(course, questions=1)
    learner = users["learner"]
    record_lesson_view(learner, course.lessons[0])
    done = start_attempt(learner, quiz)
    question = quiz.items[0].question
    submit_attempt(done, {question.id: {"option": factories.correct_option_id(question)}})
    open_attempt = start_attempt(learner, quiz)
    code = db.session.scalar(select(Certificate.code))
    db.session.commit()
    login(client, "learner")
    for url in ("/dashboard", f"/attempts/{open_attempt.id}", f"/attempts/{done.id}/result", "/my-exams",
                f"/certificates/{code}", f"/certificates/{code}.pdf", f"/certificates/{code}/badge.jwt"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_lesson_files_are_private_to_the_browser(client, db, users):
    course = factories.course(lessons=1)
    db.session.commit()
    login(client, "author")
    lesson = course.lessons[0]
    post_form(client, f"/author/lessons/{lesson.id}", f"/author/lessons/{lesson.id}/files",
              {"kind": "image", "file": (io.BytesIO(PNG), "hinh.png")}, content_type="multipart/form-data")
    asset = db.session.scalar(select(LessonAsset))
    response = client.get(f"/media/{asset.stored_name}")
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]


def test_a_video_larger_than_the_site_wide_limit_is_accepted_where_videos_are(app, client, db, users):
    """The upload view raises the body limit before anything reads the body (CSRF check, form)."""
    course = factories.course(lessons=1)
    db.session.commit()
    login(client, "author")
    lesson = course.lessons[0]
    video = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * (app.config["MAX_CONTENT_LENGTH"] + 1024 * 1024)
    response = post_form(client, f"/author/lessons/{lesson.id}", f"/author/lessons/{lesson.id}/files",
                         {"kind": "video", "file": (io.BytesIO(video), "huong-dan.mp4")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(LessonAsset.size)) == len(video)
    # Elsewhere the site-wide limit still applies, chunked or not.
    too_big = client.post("/login", data={"login": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    assert too_big.status_code == 413


def test_a_chunked_body_larger_than_the_api_accepts_is_refused(client, db, users):
    """The autosave API takes 64 KiB; a body without Content-Length is counted as it is read."""
    login(client, "learner")
    token_page = client.get("/dashboard").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(token_page)

    body = b'{"pad": "' + b"x" * 200_000 + b'"}'
    response = client.post("/api/v1/attempts/1/answers", input_stream=io.BytesIO(body),
                           headers={"Content-Type": "application/json", "X-CSRFToken": token,
                                    "Transfer-Encoding": "chunked"},
                           # No length announced: the body is counted as it is read.
                           environ_overrides={"CONTENT_LENGTH": "", "wsgi.input_terminated": True})
    assert response.status_code == 413 and response.is_json
