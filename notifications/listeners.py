"""React to other features' signals by telling the people concerned.

Messages are composed and queued in the transaction that caused them (a rolled-back change tells
no one); sending happens later, from the job queue. A course assigned to a whole agency or
position may concern thousands: a job (``lms.jobs``) finds and tells them after the transaction
commits, so the HR officer's page does not wait.
"""
from __future__ import annotations

from certificates.signals import certificate_issued
from courses.signals import course_assigned
from quizzes.signals import candidates_added, results_released


def _on_certificate_issued(certificate, replaces=None, **extra) -> None:
    from notifications import messages

    messages.certificate_issued(certificate, replaces)


def _on_candidates_added(session, user_ids=(), **extra) -> None:
    from lms.extensions import db
    from lms.models import User
    from notifications import messages

    for user_id in sorted(user_ids):
        person = db.session.get(User, user_id)
        if person is not None:
            messages.exam_invitation(session, person)


def _on_results_released(session, **extra) -> None:
    from notifications import messages

    for candidate in session.candidates:
        if candidate.passed is not None:
            messages.exam_result(session, candidate)


def _on_course_assigned(assignment, **extra) -> None:
    from lms.extensions import db
    from lms.jobs import create_job
    from lms.models import User
    from notifications import messages

    if assignment.user_id is not None:
        person = db.session.get(User, assignment.user_id)
        if person is not None and person in messages.assignment_recipients(assignment):
            messages.course_assigned(assignment, person)
        return
    create_job(f"Thông báo giao khóa học: {assignment.course.title}"[:255],
               "notifications.jobs:course_assigned_job", {"assignment_id": assignment.id})


def connect() -> None:
    """Subscribe to the signals (blinker ignores a second subscription of the same function)."""
    certificate_issued.connect(_on_certificate_issued)
    candidates_added.connect(_on_candidates_added)
    results_released.connect(_on_results_released)
    course_assigned.connect(_on_course_assigned)
