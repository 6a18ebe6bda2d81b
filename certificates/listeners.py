"""React to course and quiz events by issuing completion certificates."""
from __future__ import annotations

from courses.models import Course
from courses.signals import lesson_viewed
from lms.extensions import db
from quizzes.signals import attempt_graded


def _on_attempt_graded(attempt, **extra) -> None:
    from certificates.services import issue_course_certificate_if_complete
    from lms.models import User

    if attempt.score is None or attempt.quiz.course_id is None:
        return  # with "average" grading, a failed attempt can still not complete; the service decides
    course = db.session.get(Course, attempt.quiz.course_id)
    user = db.session.get(User, attempt.user_id)
    if course is not None and user is not None:
        issue_course_certificate_if_complete(user, course)


def _on_lesson_viewed(user, lesson, **extra) -> None:
    from certificates.services import issue_course_certificate_if_complete

    issue_course_certificate_if_complete(user, lesson.course)


def connect() -> None:
    """Subscribe to the signals (blinker ignores a second subscription of the same function)."""
    attempt_graded.connect(_on_attempt_graded)
    lesson_viewed.connect(_on_lesson_viewed)
