"""Every protected route refuses anonymous visitors and people without the right role."""
from __future__ import annotations

import pytest

from tests import factories

# (method, url template) of every route that needs a signed-in person. The template may use
# {course}, {lesson}, {quiz}, {attempt} and {code}; the fixture below fills them in.
SIGNED_IN_ROUTES = [
    ("GET", "/dashboard"),
    ("GET", "/courses/{course}/lessons/{lesson}"),
    ("POST", "/courses/{course}/enrol"),
    ("GET", "/quizzes/{quiz}"),
    ("POST", "/quizzes/{quiz}/start"),
    ("GET", "/attempts/{attempt}"),
    ("POST", "/attempts/{attempt}"),
    ("GET", "/attempts/{attempt}/result"),
    ("GET", "/certificates/{code}.pdf"),
    ("POST", "/logout"),
]


@pytest.fixture()
def objects(db, users):
    """A course, quiz, someone else's finished attempt and certificate, to aim at."""
    from courses.services import record_lesson_view
    from quizzes.services import start_attempt, submit_attempt
    from certificates.models import Certificate
    from sqlalchemy import select

    course = factories.course(lessons=1)
    quiz = factories.quiz(course, questions=1)
    owner = factories.user("Đỗ Minh Ân", username="owner")
    record_lesson_view(owner, course.lessons[0])
    attempt = start_attempt(owner, quiz)
    submit_attempt(attempt, {quiz.items[0].question_id: {"option": factories.correct_option_id(quiz.items[0].question)}})
    certificate = db.session.scalar(select(Certificate))
    db.session.commit()
    return {"course": course.slug, "lesson": course.lessons[0].slug, "quiz": quiz.id, "attempt": attempt.id,
            "code": certificate.code}


@pytest.mark.parametrize(("method", "url"), SIGNED_IN_ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, objects, method, url):
    response = client.open(url.format(**objects), method=method)
    if method == "POST":
        # No session, so no CSRF token: refused before the view runs; nothing happens.
        assert response.status_code in (302, 400)
    else:
        assert response.status_code == 302
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("url", ["/attempts/{attempt}", "/attempts/{attempt}/result", "/certificates/{code}.pdf"])
def test_other_peoples_attempts_and_certificates_are_not_found(logged_in, objects, url):
    client = logged_in("learner")
    assert client.get(url.format(**objects)).status_code == 404


@pytest.mark.parametrize("role", ["author", "examiner", "hr"])
def test_staff_roles_without_admin_cannot_download_someone_elses_certificate(logged_in, objects, role):
    client = logged_in(role)
    assert client.get("/certificates/{code}.pdf".format(**objects)).status_code == 404


def test_admin_may_download_any_certificate(logged_in, objects):
    assert logged_in("admin").get("/certificates/{code}.pdf".format(**objects)).status_code == 200


def test_role_required_refuses_wrong_role_with_403(app, users):
    """The one permission decorator: login for anonymous visitors, 403 for a missing role."""
    from lms.accounts import sign_in
    from werkzeug.exceptions import Forbidden

    from lms.models import Role
    from lms.permissions import role_required

    @role_required(Role.HR)
    def hr_only():
        return "secret HR report"

    with app.test_request_context("/hr-report"):
        response = hr_only()
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    with app.test_request_context("/hr-report"):
        sign_in(users["learner"])
        with pytest.raises(Forbidden):
            hr_only()
    with app.test_request_context("/hr-report"):
        sign_in(users["hr"])
        assert hr_only() == "secret HR report"


def test_agency_scope_covers_the_subtree_only(db, province):
    from lms.models import Role
    from lms.permissions import can_act_on_agency

    department = factories.agency("000.00.01.H41", "Sở Nội vụ")
    other_department = factories.agency("000.00.02.H41", "Sở Khoa học và Công nghệ")
    unit = factories.agency("000.01.01.H41", "Phòng Tổ chức")
    officer = factories.user("Phạm Quốc Bảo", role=Role.HR, scope=department)
    assert can_act_on_agency(officer, Role.HR, department)
    assert can_act_on_agency(officer, Role.HR, unit)
    assert not can_act_on_agency(officer, Role.HR, other_department)
    assert not can_act_on_agency(officer, Role.HR, province)
    assert not can_act_on_agency(officer, Role.EXAMINER, unit)
