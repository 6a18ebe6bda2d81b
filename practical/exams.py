"""The practical part of a certification exam: the task a session sets, the candidate's file graded
when it is handed in (its result not shown to the candidate: results are released after the board
approves them), and the examiners' overrides, which recompute the candidate's practical score.

The practical score of a candidate is the latest submission's score on 10 (``score / max × 10``),
written to ``ExamCandidate.practical_score`` through ``quizzes.exams.update_result`` so the total
and pass/fail follow. After approval nothing here changes a score: a change is then a re-mark
(phúc khảo) on the exam's results page, with its own record.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from lms.database import utcnow
from lms.extensions import db
from lms.models import User
from lms.services import audit
from lms.text import name_sort_key
from practical import services
from practical.models import ExamPracticalTask, PracticalSubmission, Purpose
from practical.services import PracticalError
from practical.tasks import Task
from quizzes import exams as quiz_exams
from quizzes.models import ExamCandidate, ExamSession

TEN = Decimal(10)
TWO_PLACES = Decimal("0.01")


def exam_task(session: ExamSession) -> Task | None:
    """The practical task the session sets, or None (not chosen yet, or no practical part)."""
    if not session.has_practical:
        return None
    row = db.session.get(ExamPracticalTask, session.id)
    return services.task(row.task_slug) if row is not None else None


def set_exam_task(session: ExamSession, slug: str, by: User) -> None:
    """Choose the session's practical task. Refused (``PracticalError``) after approval
    (``approved``), for a session without a practical part (``no-practical``), for an unknown
    task (``unknown-task``) and once a candidate has handed in a file (``submissions-exist``:
    every candidate answers the same task)."""
    if session.approved:
        raise PracticalError("approved")
    if not session.has_practical:
        raise PracticalError("no-practical")
    if services.task(slug) is None:
        raise PracticalError("unknown-task")
    row = db.session.get(ExamPracticalTask, session.id)
    if row is not None and row.task_slug == slug:
        return
    if db.session.scalar(_session_submissions(session).limit(1)) is not None:
        raise PracticalError("submissions-exist")
    before = row.task_slug if row is not None else None
    if row is None:
        row = ExamPracticalTask(session_id=session.id, task_slug=slug, set_by_id=by.id)
        db.session.add(row)
    else:
        row.task_slug, row.set_by_id, row.set_at = slug, by.id, utcnow()
    db.session.flush()
    audit("practical.exam_task", f"exam_session:{session.id}", {"before": before, "after": slug}, actor=by)


def _session_submissions(session: ExamSession):
    return select(PracticalSubmission.id).join(
        ExamCandidate, ExamCandidate.id == PracticalSubmission.candidate_id).where(
        ExamCandidate.session_id == session.id, PracticalSubmission.purpose == Purpose.EXAM)


def session_rows(session: ExamSession) -> list[tuple[ExamCandidate, PracticalSubmission | None]]:
    """Each candidate of the session with the file that counts (or None), by name."""
    rows = [(candidate, latest_submission(candidate)) for candidate in session.candidates]
    return sorted(rows, key=lambda row: name_sort_key(row[0].user.full_name))


def latest_submission(candidate: ExamCandidate) -> PracticalSubmission | None:
    """The file that counts: the candidate's latest for the exam."""
    return db.session.scalar(select(PracticalSubmission).where(
        PracticalSubmission.candidate_id == candidate.id, PracticalSubmission.purpose == Purpose.EXAM)
        .order_by(PracticalSubmission.id.desc()).limit(1))


def submissions_of_candidate(candidate: ExamCandidate) -> list[PracticalSubmission]:
    """Every file the candidate handed in for the exam, newest first."""
    return list(db.session.scalars(select(PracticalSubmission).where(
        PracticalSubmission.candidate_id == candidate.id, PracticalSubmission.purpose == Purpose.EXAM)
        .order_by(PracticalSubmission.id.desc())))


@dataclass(frozen=True)
class CandidateState:
    """Where a candidate stands in the practical part: may they hand in a file now, and if not why."""

    task: Task | None
    latest: PracticalSubmission | None
    refusal: str | None  # None when a file may be handed in now
    deadline: datetime | None


def candidate_state(session: ExamSession, candidate: ExamCandidate, now: datetime | None = None) -> CandidateState:
    """What the candidate's practical page shows."""
    now = now or utcnow()
    task = exam_task(session)
    attempt = candidate.attempt
    deadline = attempt.deadline if attempt is not None else None
    refusal = None
    if session.approved:
        refusal = "approved"
    elif task is None:
        refusal = "no-task"
    elif attempt is None:
        refusal = "not-started"
    elif deadline is not None and now > deadline:
        refusal = "time-over"
    return CandidateState(task=task, latest=latest_submission(candidate), refusal=refusal, deadline=deadline)


def submit_for_exam(session: ExamSession, candidate: ExamCandidate, data: bytes, filename: str,
                    now: datetime | None = None) -> PracticalSubmission:
    """Grade and keep the candidate's file, and make it their practical score. Raises
    ``PracticalError`` (``approved``, ``no-task``, ``not-started``: the practical part opens with
    the exam, ``time-over``: the server's deadline of the exam attempt has passed) or
    ``OfficeFileError`` (nothing kept)."""
    state = candidate_state(session, candidate, now)
    if state.refusal is not None or state.task is None:  # no refusal means there is a task
        raise PracticalError(state.refusal or "no-task")
    submission = services.submit(candidate.user, state.task, data, filename, purpose=Purpose.EXAM,
                                 candidate_id=candidate.id)
    _record(candidate, submission)
    return submission


def override(session: ExamSession, submission: PracticalSubmission, check_id: str, passed: bool | None,
             reason: str, by: User) -> None:
    """An examiner's decision on one check of a candidate's file (before approval); the
    candidate's practical score follows when the file is the one that counts."""
    if session.approved:
        raise PracticalError("approved")
    services.override_check(submission, check_id, passed, reason, by)
    if submission.candidate_id is None:
        raise ValueError(f"submission {submission.id} was not handed in for an exam")
    candidate = db.session.get_one(ExamCandidate, submission.candidate_id)
    latest = latest_submission(candidate)
    if latest is not None and latest.id == submission.id:
        _record(candidate, submission, by)


def on_ten(submission: PracticalSubmission) -> Decimal:
    """The submission's score out of 10 (the scale of exam parts)."""
    if not submission.max_score:
        return Decimal(0)
    return (Decimal(submission.score) * TEN / Decimal(submission.max_score)).quantize(TWO_PLACES, ROUND_HALF_UP)


def _record(candidate: ExamCandidate, submission: PracticalSubmission, by: User | None = None) -> None:
    """Make ``submission`` the candidate's practical mark: who entered it is the examiner whose
    override changed it, or no one (the machine graded the file as it arrived)."""
    candidate.practical_score = on_ten(submission)
    candidate.practical_by_id, candidate.practical_at = (by.id if by else None), utcnow()
    quiz_exams.update_result(candidate)
    db.session.flush()
