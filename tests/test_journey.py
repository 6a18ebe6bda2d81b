"""The thin slice end to end: lesson → quiz → certificate PDF → public verification."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from certificates.models import Certificate
from tests import factories
from tests.conftest import csrf_token_from, post_form


def _answer_all(client, attempt_url: str, quiz, correct: bool = True):
    page = client.get(attempt_url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(html)}
    for item in quiz.items:
        q = item.question
        data[f"q{q.id}"] = str(factories.correct_option_id(q) if correct else factories.wrong_option_id(q))
    return client.post(attempt_url, data=data)


def test_learner_reads_passes_downloads_and_anyone_verifies(app, db, client, users, logged_in):
    from certificates.counting import counter_for

    counter_for(app).flush()  # lookups counted by earlier tests, whose rows are gone
    holder = factories.user("Nguyễn Thị Hương", username="huong", agency_=users["learner"].agency,
                            place_of_birth="Nghệ An")
    course = factories.course("Nhập môn thư điện tử công vụ", lessons=2, modules=["IU06", "IU14"])
    quiz = factories.quiz(course, questions=3, pass_mark="7.00")
    db.session.commit()

    from tests.conftest import login
    assert login(client, "huong").status_code == 302

    course_page = client.get(f"/courses/{course.slug}")
    assert course_page.status_code == 200
    assert "Nhập môn thư điện tử công vụ" in course_page.get_data(as_text=True)
    for lesson in course.lessons:
        page = client.get(f"/courses/{course.slug}/lessons/{lesson.slug}")
        assert page.status_code == 200
        assert f"Nội dung bài học số {lesson.position}" in page.get_data(as_text=True)

    started = post_form(client, f"/quizzes/{quiz.id}", f"/quizzes/{quiz.id}/start")
    assert started.status_code == 302
    attempt_url = started.headers["Location"]
    submitted = _answer_all(client, attempt_url, quiz, correct=True)
    assert submitted.status_code == 302
    result = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert "10,00/10" in result

    certificate = db.session.scalar(select(Certificate).where(Certificate.holder_id == holder.id))
    assert certificate is not None and certificate.title == "Nhập môn thư điện tử công vụ"

    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"/certificates/{certificate.code}.pdf" in dashboard

    pdf_response = client.get(f"/certificates/{certificate.code}.pdf")
    assert pdf_response.status_code == 200
    assert pdf_response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_response.data)).pages)
    assert "Nguyễn Thị Hương" in text  # every diacritic exact
    assert "12/03/1982" in text
    assert "Nhập môn thư điện tử công vụ" in text
    assert certificate.serial in text
    verify_url = f"http://127.0.0.1:5000/verify/{certificate.code}"
    assert verify_url in text

    anonymous = app.test_client()  # a second browser: no cookies
    verify_page = anonymous.get(f"/verify/{certificate.code}")
    assert verify_page.status_code == 200
    body = verify_page.get_data(as_text=True)
    assert "Chứng chỉ hợp lệ" in body and "Nguyễn Thị Hương" in body
    assert "12/03/1982" not in body and "**/**/1982" in body  # date of birth partly masked

    api = anonymous.get(f"/api/v1/certificates/{certificate.code}")
    assert api.status_code == 200
    assert api.json["valid"] is True and api.json["status"] == "valid"
    assert api.json["holder_name"] == "Nguyễn Thị Hương"
    assert api.json["serial"] == certificate.serial
    counter_for(app).flush()  # lookups are counted in memory and written in batches
    db.session.commit()  # end the test's read transaction: the next read sees the counts
    db.session.refresh(certificate)
    assert certificate.verification_count == 2


def test_certificate_pdf_is_deterministic_signed_and_points_to_verification(app, db, users):
    """Same register entry, same document; the signed PDF validates; the QR's URL is the verify page."""
    from certificates import documents
    from certificates.signing import validate_pdf
    from courses.services import record_lesson_view
    from quizzes.services import start_attempt, submit_attempt

    course = factories.course()
    quiz = factories.quiz(course, questions=1)
    learner = users["learner"]
    for lesson in course.lessons:
        record_lesson_view(learner, lesson)
    attempt = start_attempt(learner, quiz)
    submit_attempt(attempt, {quiz.items[0].question_id: {"option": factories.correct_option_id(quiz.items[0].question)}})
    certificate = db.session.scalar(select(Certificate))
    with app.test_request_context():
        url = documents.verify_url_for(certificate)
        first, second = documents.unsigned_pdf(certificate), documents.unsigned_pdf(certificate)
        signed = documents.signed_pdf(certificate)
        report = validate_pdf(signed, documents.trust_roots())
    assert url == f"http://127.0.0.1:5000/verify/{certificate.code}"
    assert first == second and re.match(rb"%PDF-1\.\d", first)
    assert signed.startswith(first)  # the signature is an incremental update of the rendered document
    assert report.ok, report


def test_failing_the_quiz_issues_no_certificate(db, client, users):
    course = factories.course(lessons=1)
    quiz = factories.quiz(course, questions=2, pass_mark="5.00")
    db.session.commit()
    from tests.conftest import login
    login(client, "learner")
    client.get(f"/courses/{course.slug}/lessons/{course.lessons[0].slug}")
    started = post_form(client, f"/quizzes/{quiz.id}", f"/quizzes/{quiz.id}/start")
    response = _answer_all(client, started.headers["Location"], quiz, correct=False)
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0,00/10" in result and "Bạn chưa đạt" in result
    assert db.session.scalar(select(Certificate)) is None


def test_certificate_waits_for_unread_lessons(db, client, users):
    """Passing the quiz before reading every lesson issues the certificate at the last lesson."""
    course = factories.course(lessons=2)
    quiz = factories.quiz(course, questions=1)
    db.session.commit()
    from tests.conftest import login
    login(client, "learner")
    client.get(f"/courses/{course.slug}/lessons/{course.lessons[0].slug}")
    started = post_form(client, f"/quizzes/{quiz.id}", f"/quizzes/{quiz.id}/start")
    _answer_all(client, started.headers["Location"], quiz, correct=True)
    assert db.session.scalar(select(Certificate)) is None
    client.get(f"/courses/{course.slug}/lessons/{course.lessons[1].slug}")
    assert db.session.scalar(select(Certificate)) is not None
