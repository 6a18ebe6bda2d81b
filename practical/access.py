"""Who may see and act on practical submissions (registered with ``lms.permissions``)."""
from __future__ import annotations

from sqlalchemy import select

from lms.models import Role
from lms.permissions import Policy, register_policy
from practical.models import PracticalSubmission
from quizzes.models import ExamCandidate, ExamSession


def _exam_agency_of_submission():
    return (select(ExamSession.agency_id).join(ExamCandidate, ExamCandidate.session_id == ExamSession.id)
            .where(ExamCandidate.id == PracticalSubmission.candidate_id)
            .correlate(PracticalSubmission).scalar_subquery())


def register() -> None:
    """A submission for an exam lies in the exam session's unit: its examiners review it and
    override checks, the board's chair there reads it. A practice submission lies in no unit: its
    author alone sees its feedback (``view`` is an owner's action only, not even administrators')."""
    register_policy(PracticalSubmission, Policy(
        agencies=lambda: [_exam_agency_of_submission()],
        actions={"review": (Role.EXAMINER, Role.BOARD_CHAIR), "override": (Role.EXAMINER,)},
        owner=lambda: PracticalSubmission.user_id, owner_actions=frozenset({"view"})))
