"""Invariants the code relies on are constraints in the schema: a race or a script cannot break them."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from certificates import services as certificate_services
from certificates.models import Certificate
from courses.services import record_lesson_view
from quizzes.models import Question
from quizzes.services import start_attempt, submit_attempt
from tests import factories


def _refused(db, statement: str, parameters: dict) -> bool:
    try:
        with db.session.begin_nested():
            db.session.execute(text(statement), parameters)
    except IntegrityError:
        return True
    return False


def test_answers_and_scores_stay_within_their_ranges(db, users):
    quiz = factories.quiz(questions=1)
    attempt = start_attempt(users["learner"], quiz)
    question = quiz.items[0].question
    db.session.flush()
    insert = ("INSERT INTO attempt_answer (attempt_id, question_id, response, seq, saved_at, credit, needs_marking) "
              "VALUES (:a, :q, NULL, :seq, CURRENT_TIMESTAMP, :credit, :no)")
    assert _refused(db, insert, {"a": attempt.id, "q": question.id, "seq": -1, "credit": None, "no": False})
    assert _refused(db, insert, {"a": attempt.id, "q": question.id, "seq": 1, "credit": 1.5, "no": False})
    assert not _refused(db, insert, {"a": attempt.id, "q": question.id, "seq": 1, "credit": 0.5, "no": False})
    assert _refused(db, "UPDATE attempt SET score = 11 WHERE id = :a", {"a": attempt.id})


def test_one_current_version_per_question_family(db):
    question = factories.question()
    question.family_id = question.id
    db.session.flush()
    twin = Question(name="twin", module_code="IU01", text="?", family_id=question.id, version=2, is_current=True)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_one_valid_completion_certificate_per_holder_and_course(db, users, monkeypatch):
    course = factories.course(lessons=1)
    quiz = factories.quiz(course, questions=1)
    learner = users["learner"]
    record_lesson_view(learner, course.lessons[0])
    attempt = start_attempt(learner, quiz)
    question = quiz.items[0].question
    submit_attempt(attempt, {question.id: {"option": factories.correct_option_id(question)}})
    first = certificate_services.course_certificate_of(learner, course)
    assert first is not None
    # A second request that passed the "already issued?" check at the same moment (two tabs):
    # the schema refuses the second certificate and the service returns the one that exists.
    real_check = certificate_services.course_certificate_of
    checks = []

    def racing_check(user, course_):
        checks.append(course_.id)
        return None if len(checks) == 1 else real_check(user, course_)

    monkeypatch.setattr(certificate_services, "course_certificate_of", racing_check)
    again = certificate_services.issue_course_certificate_if_complete(learner, course)
    assert again is not None and again.id == first.id and len(checks) == 2
    count = db.session.scalar(select(func.count()).select_from(Certificate).where(Certificate.course_id == course.id))
    assert count == 1
