"""What an attempt's taker may see, and when: the verdict (score, pass) and the review (their
answers with the key, the feedback and the explanations).

One place decides for the result page and the JSON API alike, so that the API never reveals
more than the page. A certification exam shows only when it was submitted until the exam board
has approved the result list; then the official result (theory, practical, total, pass, modules),
and its key only if the quiz's own setting says so (by default never).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from lms.database import utcnow
from lms.extensions import db
from quizzes.models import Attempt, ExamCandidate, ExamSession, Quiz, QuizKind, Reveal


def session_of_quiz(quiz: Quiz) -> ExamSession | None:
    """The exam session whose form ``quiz`` is (None for practice and course quizzes)."""
    if quiz.kind is not QuizKind.EXAM:
        return None
    return db.session.scalar(select(ExamSession).where(ExamSession.quiz_id == quiz.id))


def candidate_of_attempt(attempt: Attempt) -> ExamCandidate | None:
    """The candidate whose exam attempt this is."""
    return db.session.scalar(select(ExamCandidate).where(ExamCandidate.attempt_id == attempt.id))


def review_open(quiz: Quiz, session: ExamSession | None, finished: bool, now: datetime | None = None) -> bool:
    """Whether the review (answers, key, explanations) of a finished attempt may be shown now."""
    if not finished:
        return False
    policy = quiz.reveal_policy
    now = now or utcnow()
    if session is not None and policy in (Reveal.AT_ONCE, Reveal.AFTER_ATTEMPT):
        # An exam's key is never shown while other candidates may still be answering the same
        # questions: "at once" and "after the attempt" wait for the session to close.
        policy = Reveal.AFTER_CLOSE
    if policy in (Reveal.AT_ONCE, Reveal.AFTER_ATTEMPT):
        return True
    # Without a session there is nothing to close or approve: the safe reading is "not yet".
    if policy is Reveal.AFTER_CLOSE:
        return session is not None and (now > session.closes_at or session.approved)
    if policy is Reveal.AFTER_APPROVAL:
        return session is not None and session.approved
    return False


def may_check_while_answering(quiz: Quiz) -> bool:
    """Practice-style checking of one answer while the attempt runs (never for an exam)."""
    return quiz.kind is not QuizKind.EXAM and quiz.reveal_policy is Reveal.AT_ONCE


@dataclass(frozen=True)
class Official:
    """A candidate's official exam result, as the approved list has it."""

    theory: Decimal | None
    practical: Decimal | None
    total: Decimal | None
    passed: bool | None
    has_practical: bool
    modules: list[str]  # modules attained (those the session certifies, when passed)
    approved_at: datetime
    decision_number: str | None


@dataclass(frozen=True)
class Disclosure:
    """What the taker of ``attempt`` sees now."""

    attempt: Attempt
    session: ExamSession | None
    verdict: bool  # score and pass/fail
    review: bool  # answers with key, feedback and explanations
    official: Official | None  # exams after approval

    @property
    def is_exam(self) -> bool:
        return self.session is not None

    def as_json(self) -> dict:
        """The same facts as the page, for ``GET /api/v1/attempts/<id>/result``."""
        attempt = self.attempt
        data: dict = {"attempt_id": attempt.id, "kind": attempt.quiz.kind.value,
                      "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
                      "finished_reason": attempt.finished_reason, "verdict_released": self.verdict,
                      "review_released": self.review}
        if self.verdict and not self.is_exam:
            data["score"] = f"{attempt.score:.2f}" if attempt.score is not None else None
            data["passed"] = attempt.passed
            data["pass_mark"] = f"{attempt.quiz.pass_mark:.2f}"
        if self.official is not None:
            official = self.official

            def text(value):
                return f"{value:.2f}" if value is not None else None

            data["official"] = {"theory": text(official.theory), "practical": text(official.practical),
                                "total": text(official.total), "passed": official.passed,
                                "modules_attained": official.modules,
                                "approved_at": official.approved_at.isoformat(),
                                "decision_number": official.decision_number}
        return data


def disclose(attempt: Attempt, now: datetime | None = None) -> Disclosure:
    """What the attempt's taker may see now (see the module's description)."""
    session = session_of_quiz(attempt.quiz)
    official = None
    if session is None:
        # An exam's form whose session is gone keeps its verdict to itself, as before approval.
        verdict = attempt.finished and attempt.quiz.kind is not QuizKind.EXAM
    else:
        verdict = attempt.finished and session.approved
        candidate = candidate_of_attempt(attempt) if verdict else None
        if candidate is not None and session.approved_at is not None:  # a verdict implies approval
            official = Official(theory=candidate.theory_score, practical=candidate.practical_score,
                                total=candidate.total_score, passed=candidate.passed,
                                has_practical=session.has_practical,
                                modules=list(session.modules) if candidate.passed else [],
                                approved_at=session.approved_at, decision_number=session.decision_number)
    return Disclosure(attempt=attempt, session=session, verdict=verdict,
                      review=review_open(attempt.quiz, session, attempt.finished, now), official=official)
