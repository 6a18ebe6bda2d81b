"""Who may see and act on exam sessions, candidates and attempts (registered with ``lms.permissions``)."""
from __future__ import annotations

from sqlalchemy import select

from lms.models import Role
from lms.permissions import Policy, register_policy
from quizzes.models import Attempt, ExamCandidate, ExamSession


def _session_agency_of_attempt():
    return (select(ExamSession.agency_id).where(ExamSession.quiz_id == Attempt.quiz_id)
            .correlate(Attempt).scalar_subquery())


def _session_agency_of_candidate():
    return (select(ExamSession.agency_id).where(ExamSession.id == ExamCandidate.session_id)
            .correlate(ExamCandidate).scalar_subquery())


def register() -> None:
    """An exam session belongs to its centre's unit: examiners there prepare and run it, the exam
    board's chair there approves its results. A candidate sees their own place on the list; an
    attempt is its taker's, and examiners of the session's unit mark it."""
    register_policy(ExamSession, Policy(
        agencies=lambda: [ExamSession.agency_id],
        actions={"view": (Role.EXAMINER, Role.BOARD_CHAIR), "manage": (Role.EXAMINER,),
                 "approve": (Role.BOARD_CHAIR,)}))
    register_policy(ExamCandidate, Policy(
        agencies=lambda: [_session_agency_of_candidate()],
        actions={"view": (Role.EXAMINER, Role.BOARD_CHAIR), "manage": (Role.EXAMINER,)},
        owner=lambda: ExamCandidate.user_id, owner_actions=frozenset({"view", "take"})))
    register_policy(Attempt, Policy(
        agencies=lambda: [_session_agency_of_attempt()],
        actions={"mark": (Role.EXAMINER,)},
        owner=lambda: Attempt.user_id, owner_actions=frozenset({"take", "view"})))
