"""The route × role × scope matrix: every endpoint of the application, how it is protected, and a
world of real objects to aim at. ``tests/test_permission_matrix.py`` requests every entry as
every actor; ``tests/test_fuzz_endpoints.py`` sends generated input to the same entries.

Adding a route? Add its entry to ``ENTRIES`` (the matrix test fails for an unclassified one).

An entry's ``Access`` says who gets through:

* ``public``: everyone (no sign-in).
* ``signed_in``: anyone signed in; anonymous visitors go to the login page (401 for the API).
* ``roles``: the page's role gate — signed-in people without any of these roles get 403.
* ``scoped``: holders of these roles reach the object only when it lies in their agency scope;
  out of scope, and for anyone else who passed the gate, it is 404 (the object is "not there").
* ``owner``: the actor who owns the object (the learner whose attempt or certificate it is)
  gets through too; anyone else without a scoped role in scope gets 404.
* Administrators (scope: the whole province) pass everything.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from PIL import Image
from sqlalchemy import select

from courses import authoring
from courses.models import Guide
from courses.services import record_lesson_view
from lms.accounts import sign_in
from lms.database import utcnow
from lms.extensions import db
from lms.jobs import create_job
from lms.models import Role
from quizzes import exams
from quizzes.models import Quiz, QuizItem, QuizKind
from quizzes.services import start_attempt, submit_attempt
from tests import factories

ACTORS = ("anonymous", "learner", "learner2", "author", "examiner_in", "examiner_out", "hr_in", "hr_out",
          "chair_in", "admin")


@dataclass(frozen=True)
class Access:
    """Who gets through (see the module's description)."""

    public: bool = False
    roles: tuple[str, ...] = ()
    scoped: tuple[str, ...] = ()
    owner: str | None = None
    only_owner: bool = False  # the owner alone (taking an attempt): not even administrators
    everywhere: tuple[str, ...] = ()  # roles that reach every object, whatever their scope
    json: bool = False  # an API endpoint: anonymous visitors get 401, not a redirect


PUBLIC = Access(public=True)
SIGNED_IN = Access()


def role(*names: str) -> Access:
    return Access(roles=names)


@dataclass(frozen=True)
class Entry:
    """One endpoint and method, the URL to request (``{placeholders}`` from the world) and its body."""

    endpoint: str
    method: str
    url: str
    access: Access
    data: dict = field(default_factory=dict)
    json: object = None


# Actor → (roles held, in scope of the world's home department?)
ACTOR_ROLES = {
    "anonymous": (set(), False), "learner": (set(), False), "learner2": (set(), False),
    "author": ({"author"}, False), "examiner_in": ({"examiner"}, True), "examiner_out": ({"examiner"}, False),
    "hr_in": ({"hr"}, True), "hr_out": ({"hr"}, False), "chair_in": ({"board_chair"}, True),
    "admin": ({"admin"}, True),
}


def expected(entry: Entry, actor: str) -> str:
    """"allowed", "login", "forbidden" or "missing" for ``actor`` requesting ``entry``."""
    access = entry.access
    if access.public:
        return "allowed"
    if actor == "anonymous":
        return "login"
    if access.only_owner:
        return "allowed" if actor == access.owner else "missing"
    held, in_scope = ACTOR_ROLES[actor]
    if "admin" in held:
        return "allowed"
    if access.roles and not held & set(access.roles):
        return "forbidden"
    if access.owner is not None and actor == access.owner:
        return "allowed"
    if held & set(access.everywhere):
        return "allowed"
    if access.scoped:
        return "allowed" if held & set(access.scoped) and in_scope else "missing"
    if access.owner is not None:
        return "missing"
    return "allowed"


EXAMINER_SESSION = Access(roles=("examiner",), scoped=("examiner",))
AUTHOR = role("author")
OWN = Access(owner="learner", only_owner=True)

ENTRIES: list[Entry] = [
    # kernel
    Entry("main.index", "GET", "/", PUBLIC),
    Entry("main.healthz", "GET", "/healthz", PUBLIC),
    Entry("main.readyz", "GET", "/readyz", PUBLIC),
    Entry("main.dashboard", "GET", "/dashboard", SIGNED_IN),
    Entry("static", "GET", "/static/css/site.css", PUBLIC),
    Entry("auth.login", "GET", "/login", PUBLIC),
    Entry("auth.login", "POST", "/login", PUBLIC, {"login": "nobody", "password": "wrong-password"}),
    Entry("auth.logout", "POST", "/logout", SIGNED_IN),
    Entry("auth.change_password", "GET", "/account/password", SIGNED_IN),
    Entry("auth.change_password", "POST", "/account/password", SIGNED_IN, {"current": "x", "new": "y", "confirm": "y"}),
    Entry("auth.set_language", "POST", "/language/en", PUBLIC, {"next": "/"}),
    # courses: learners and the public
    Entry("courses.catalogue", "GET", "/courses", PUBLIC),
    Entry("courses.course", "GET", "/courses/{course}", PUBLIC),
    Entry("courses.enrol", "POST", "/courses/{course}/enrol", SIGNED_IN),
    Entry("courses.lesson", "GET", "/courses/{course}/lessons/{lesson}", SIGNED_IN),
    Entry("courses.media", "GET", "/media/{media}", SIGNED_IN),
    Entry("courses.guides", "GET", "/guides", PUBLIC),
    Entry("courses.guide", "GET", "/guides/{guide}", PUBLIC),
    Entry("courses.guide_media", "GET", "/guides/media/{guide_media}", PUBLIC),
    Entry("courses.guide_vote", "POST", "/guides/{guide}/vote", PUBLIC, {"helpful": "yes"}),
    Entry("courses.search", "GET", "/search?q=thu", PUBLIC),
    # courses: authors and HR
    Entry("courses.author_courses", "GET", "/author/courses", AUTHOR),
    Entry("courses.author_course_new", "POST", "/author/courses/new", AUTHOR, {"title": "Khóa mới"}),
    Entry("courses.author_course", "GET", "/author/courses/{course_id}", AUTHOR),
    Entry("courses.author_course", "POST", "/author/courses/{course_id}", AUTHOR, {"title": ""}),
    Entry("courses.author_course_publish", "POST", "/author/courses/{course_id}/publish", AUTHOR,
          {"published": "1"}),
    Entry("courses.author_section_new", "POST", "/author/courses/{course_id}/sections", AUTHOR, {"title": "Phần 2"}),
    Entry("courses.author_lesson_new", "POST", "/author/courses/{course_id}/lessons", AUTHOR, {"title": "Bài mới"}),
    Entry("courses.author_lesson_move", "POST", "/author/lessons/{lesson_id}/move?direction=down", AUTHOR),
    Entry("courses.author_lesson", "GET", "/author/lessons/{lesson_id}", AUTHOR),
    Entry("courses.author_lesson", "POST", "/author/lessons/{lesson_id}", AUTHOR, {"title": ""}),
    Entry("courses.author_lesson_upload", "POST", "/author/lessons/{lesson_id}/files", AUTHOR, {"kind": "image"}),
    Entry("courses.author_revision_publish", "POST", "/author/revisions/{revision_id}/publish", AUTHOR),
    Entry("courses.author_course_history", "GET", "/author/courses/{course_id}/history", AUTHOR),
    Entry("courses.assign", "GET", "/courses/{course}/assign", role("hr")),
    Entry("courses.assign", "POST", "/courses/{course}/assign", role("hr"), {"target": "agency"}),
    # quizzes: learners
    Entry("quizzes.overview", "GET", "/quizzes/{quiz_id}", SIGNED_IN),
    Entry("quizzes.start", "POST", "/quizzes/{quiz_id}/start", SIGNED_IN),
    Entry("quizzes.attempt", "GET", "/attempts/{attempt}", OWN),
    Entry("quizzes.attempt", "POST", "/attempts/{attempt}", OWN),
    Entry("quizzes.result", "GET", "/attempts/{done}/result", OWN),
    Entry("quizzes.save_answer", "POST", "/api/v1/attempts/{attempt}/answers", Access(owner="learner", only_owner=True, json=True),
          json={"question_id": 0, "response": None, "seq": 1}),
    Entry("quizzes.check_answer", "POST", "/api/v1/attempts/{practice_attempt}/check",
          Access(owner="learner", only_owner=True, json=True), json={"question_id": 0}),
    Entry("quizzes.self_check", "GET", "/self-check/{self_check}", PUBLIC),
    Entry("quizzes.self_check", "POST", "/self-check/{self_check}", PUBLIC),
    Entry("quizzes.my_exams", "GET", "/my-exams", SIGNED_IN),
    Entry("quizzes.my_exam", "GET", "/my-exams/{session}", OWN),
    Entry("quizzes.my_exam", "POST", "/my-exams/{session}", OWN, {"access_code": "sai"}),
    Entry("quizzes.static", "GET", "/static/quizzes/attempt.js", PUBLIC),
    # quizzes: the bank (authors)
    Entry("quizzes.bank_list", "GET", "/bank", AUTHOR),
    Entry("quizzes.bank_question", "GET", "/bank/questions/{question}", AUTHOR),
    Entry("quizzes.bank_question", "POST", "/bank/questions/{question}", AUTHOR, {"text": ""}),
    Entry("quizzes.bank_retire", "POST", "/bank/questions/{question}/retire", AUTHOR),
    Entry("quizzes.bank_activate", "POST", "/bank/questions/{question}/activate", AUTHOR),
    Entry("quizzes.bank_import", "GET", "/bank/import", AUTHOR),
    Entry("quizzes.bank_import", "POST", "/bank/import", AUTHOR),
    Entry("quizzes.bank_export", "GET", "/bank/export", AUTHOR),
    Entry("quizzes.bank_template", "GET", "/bank/template.xlsx", AUTHOR),
    Entry("quizzes.quiz_analysis", "GET", "/quizzes/{exam_quiz}/analysis",
          Access(roles=("author", "examiner"), scoped=("examiner",), everywhere=("author",))),
    # quizzes: exam sessions (examiners of the session's unit)
    Entry("quizzes.exam_list", "GET", "/exams", role("examiner", "board_chair")),
    Entry("quizzes.exam_new", "GET", "/exams/new", role("examiner")),
    Entry("quizzes.exam_new", "POST", "/exams/new", role("examiner"), {"title": ""}),
    Entry("quizzes.exam_detail", "GET", "/exams/{session}", EXAMINER_SESSION),
    Entry("quizzes.exam_blueprint", "POST", "/exams/{session}/blueprint", EXAMINER_SESSION, {"rules": "IU01 1"}),
    Entry("quizzes.exam_candidates", "POST", "/exams/{session}/candidates", EXAMINER_SESSION, {"people": "learner2"}),
    Entry("quizzes.exam_extra_time", "POST", "/exams/{session}/candidates/{candidate}/extra-time", EXAMINER_SESSION,
          {"minutes": "10"}),
    Entry("quizzes.exam_marking", "GET", "/exams/{session}/marking", EXAMINER_SESSION),
    Entry("quizzes.exam_marking", "POST", "/exams/{session}/marking", EXAMINER_SESSION,
          {"kind": "practical", "target": "{candidate}", "score": "7"}),
    Entry("quizzes.exam_results", "GET", "/exams/{session}/results",
          Access(roles=("examiner", "board_chair"), scoped=("examiner", "board_chair"))),
    Entry("quizzes.exam_approve", "POST", "/exams/{session}/approve",
          Access(roles=("board_chair",), scoped=("board_chair",))),
    Entry("quizzes.exam_remark", "POST", "/exams/{session}/candidates/{candidate}/remark", EXAMINER_SESSION,
          {"part": "theory", "score": "8", "reason": "Phúc khảo"}),
    # certificates
    Entry("certificates.view", "GET", "/certificates/{code}",
          Access(owner="learner", scoped=("hr", "examiner"))),
    Entry("certificates.download", "GET", "/certificates/{code}.pdf",
          Access(owner="learner", scoped=("hr", "examiner"))),
    Entry("certificates.badge", "GET", "/certificates/{code}/badge.jwt",
          Access(owner="learner", scoped=("hr", "examiner"))),
    Entry("certificates.revoke", "POST", "/certificates/{code}/revoke", EXAMINER_SESSION,
          {"reason": "Cấp nhầm", "decision": "01/QĐ-TT"}),
    Entry("certificates.reissue", "POST", "/certificates/{code}/reissue", EXAMINER_SESSION,
          {"reason": "Ký nhầm", "decision": "02/QĐ-TT"}),
    Entry("certificates.bulk_revoke", "GET", "/certificates/revoke", role("examiner")),
    Entry("certificates.bulk_revoke", "POST", "/certificates/revoke", role("examiner"), {"identifiers": ""}),
    Entry("certificates.register", "GET", "/register", role("hr", "examiner")),
    Entry("certificates.bulk_verify", "GET", "/hr/verify", role("hr")),
    Entry("certificates.bulk_verify", "POST", "/hr/verify", role("hr"), {"identifiers": "ABC"}),
    Entry("certificates.issue_session", "POST", "/exams/{session}/issue", EXAMINER_SESSION),
    Entry("certificates.job_status", "GET", "/jobs/{job}", Access(owner="examiner_in")),
    Entry("certificates.verify", "GET", "/verify", PUBLIC),
    Entry("certificates.verify_code", "GET", "/verify/{code}", PUBLIC),
    Entry("certificates.verify_pdf", "POST", "/verify/pdf", PUBLIC),
    Entry("certificates.api_certificate", "GET", "/api/v1/certificates/{code}", PUBLIC),
    Entry("certificates.jwks", "GET", "/.well-known/jwks.json", PUBLIC),
]


# Each feature may keep its entries and its part of the world in a file of its own,
# tests/matrix_<feature>.py, defining ENTRIES (a list of Entry) and optionally
# extend_world(app, places, people), called after the core world is built and committed.
def _feature_modules():
    import importlib
    import pathlib

    folder = pathlib.Path(__file__).resolve().parent
    return [importlib.import_module(f"tests.{path.stem}") for path in sorted(folder.glob("matrix_*.py"))]


# Every POST that changes data writes an audit entry (the POST matrix test checks it for each
# permitted actor), except these, each with the reason. A feature adds its own AUDIT_EXEMPT.
AUDIT_EXEMPT: dict[str, str] = {
    "auth.set_language": "a person's own interface language",
    "courses.enrol": "a learner's own enrolment: its row records who and when",
    "courses.guide_vote": "an anonymous 'was this helpful' count",
    "quizzes.start": "a learner's own attempt: its rows record who, what and when",
    "quizzes.attempt": "a learner's own answers and submission: the attempt's rows record them",
    "quizzes.my_exam": "a candidate starting their exam: the attempt's rows record it",
}
# Tables whose rows are themselves records of activity (or caches), not data an audit must explain.
BOOKKEEPING_TABLES = {"audit_entry", "login_session", "alembic_version"}

for _module in _feature_modules():
    ENTRIES.extend(getattr(_module, "ENTRIES", []))
    AUDIT_EXEMPT.update(getattr(_module, "AUDIT_EXEMPT", {}))


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def build_world(app) -> tuple[dict, dict]:
    """Real objects in the province's home department (and people elsewhere): returns the
    placeholders for ``Entry.url`` and the actors' accounts."""
    province = factories.agency()
    home = factories.agency("000.00.01.H41", "Sở Nội vụ")
    other = factories.agency("000.00.02.H41", "Sở Khoa học và Công nghệ")
    people = {
        "learner": factories.user("Nguyễn Thị Hương", username="learner", agency_=home),
        "learner2": factories.user("Trần Văn Nam", username="learner2", agency_=home),
        "author": factories.user("Trần Văn Minh", username="author", role=Role.AUTHOR, agency_=home),
        "examiner_in": factories.user("Lê Thị Thu Hà", username="examiner_in", role=Role.EXAMINER, scope=home,
                                      agency_=home),
        "examiner_out": factories.user("Võ Văn Tâm", username="examiner_out", role=Role.EXAMINER, scope=other,
                                       agency_=other),
        "hr_in": factories.user("Phạm Quốc Bảo", username="hr_in", role=Role.HR, scope=home, agency_=home),
        "hr_out": factories.user("Đinh Thị Mai", username="hr_out", role=Role.HR, scope=other, agency_=other),
        "chair_in": factories.user("Đặng Văn Hùng", username="chair_in", role=Role.BOARD_CHAIR, scope=home,
                                   agency_=home),
        "admin": factories.user("Hoàng Đức Thắng", username="admin", role=Role.ADMIN, agency_=province),
    }
    learner = people["learner"]
    course = factories.course("Thư điện tử công vụ", lessons=2)
    lesson = course.lessons[0]
    asset = authoring.attach_file(lesson, "image", "hinh.png", _png(), people["author"])
    revision = authoring.save_revision(lesson, title=lesson.title, body_md="Nội dung mới.", note="", author=people["author"])
    quiz = factories.quiz(course, questions=2)
    practice = Quiz(title="Luyện tập", kind=QuizKind.PRACTICE, course_id=course.id)
    practice.items.append(QuizItem(question=quiz.items[0].question, position=1))
    db.session.add(practice)
    for item in course.lessons:
        record_lesson_view(learner, item)
    done = start_attempt(learner, quiz)
    submit_attempt(done, {item.question_id: {"option": factories.correct_option_id(item.question)}
                          for item in quiz.items})
    attempt = start_attempt(learner, quiz)
    practice_attempt = start_attempt(learner, practice)
    from certificates.services import course_certificate_of

    certificate = course_certificate_of(learner, course)
    guide = Guide(slug="nop-ho-so", title="Nộp hồ sơ trực tuyến", body_md="Các bước.", body_html="<p>Các bước.</p>")
    db.session.add(guide)
    self_check = Quiz(slug="huong-dan-nop-ho-so", title="Tự kiểm tra", kind=QuizKind.PRACTICE, public=True,
                      shuffle=False)
    self_check.items.append(QuizItem(question=factories.question("Câu tự kiểm tra?"), position=1))
    db.session.add(self_check)
    media_dir = app.config["MEDIA_DIR"]
    import os

    os.makedirs(os.path.join(media_dir, "guides"), exist_ok=True)
    with open(os.path.join(media_dir, "guides", "matrix-guide.png"), "wb") as handle:
        handle.write(_png())
    for module in ("IU01", "IU02"):
        factories.question(f"Câu {module}?", module=module)
    now = utcnow()
    session = exams.create_session(title="Kỳ thi thử quyền", opens_at=now - timedelta(hours=1),
                                   closes_at=now + timedelta(hours=3), time_limit_minutes=30, agency=home,
                                   level="basic", has_practical=True,
                                   created_by=people["examiner_in"])
    exams.set_blueprint(session, [exams.RuleSpec("IU01", 1), exams.RuleSpec("IU02", 1)])
    exams.add_candidates(session, ["learner"])
    candidate = exams.candidate_of(session, learner)
    exams.set_extra_time(candidate, 0)
    job = create_job("Cấp chứng chỉ", "certificates.jobs:issue_session_job", {"session_id": session.id},
                     created_by=people["examiner_in"], start=False)
    db.session.commit()
    places = {
        "course": course.slug, "lesson": lesson.slug, "course_id": course.id, "lesson_id": lesson.id,
        "revision_id": revision.id, "media": asset.stored_name, "guide": guide.slug,
        "guide_media": "matrix-guide.png", "quiz_id": quiz.id, "attempt": attempt.id, "done": done.id,
        "practice_attempt": practice_attempt.id, "self_check": self_check.slug, "session": session.id,
        "candidate": candidate.id, "question": quiz.items[0].question_id, "exam_quiz": session.quiz_id,
        "code": certificate.code, "job": job.id,
    }
    for module in _feature_modules():
        extend = getattr(module, "extend_world", None)
        if extend is not None:
            extend(app, places, people)
            db.session.commit()
    return places, people


def signed_in_client(app, user):
    """A test client signed in as ``user`` through a real login session (no password round trip)."""
    client = app.test_client()
    if user is None:
        return client
    with app.test_request_context():
        sign_in(user)
        from flask import session as flask_session

        values = dict(flask_session)
    db.session.commit()
    with client.session_transaction() as stored:
        stored.update(values)
    return client


def csrf_token(client) -> str:
    """This client's CSRF token (from a page that carries the layout's forms)."""
    from tests.conftest import csrf_token_from

    return csrf_token_from(client.get("/verify").get_data(as_text=True))


def fill(value, places: dict):
    """``value`` with ``{placeholders}`` replaced from the world."""
    if isinstance(value, str):
        return value.format(**places)
    if isinstance(value, dict):
        return {key: fill(item, places) for key, item in value.items()}
    return value


def verdict(response, entry: Entry) -> str:
    """What a response says about access: allowed, login, forbidden or missing (or error)."""
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status == 401 or (status == 302 and "/login" in response.headers.get("Location", "")):
        return "login"
    if status == 403:
        return "forbidden"
    if status == 404:
        return "missing"
    return "allowed"


__all__ = ["ACTORS", "ENTRIES", "Access", "Decimal", "Entry", "build_world", "csrf_token", "expected", "fill",
           "select", "signed_in_client", "verdict"]
