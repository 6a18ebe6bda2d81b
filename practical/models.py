"""Practical submissions (an uploaded office file and the machine's verdict) and examiners'
overrides of single checks.

A submission keeps the machine's result as it was graded (``machine_result``, the JSON of
``practical.grading.GradeResult``) and never changes it; examiners' decisions are rows of
``CheckOverride`` beside it, the latest per check counting, and ``score`` is recomputed from both.
"""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import UTCDateTime, str_enum, utcnow
from lms.extensions import Model
from lms.models import User


class Purpose(str, enum.Enum):
    """Why the file was handed in: practice (feedback at once) or an exam (shown after approval)."""

    PRACTICE = "practice"
    EXAM = "exam"


class PracticalSubmission(Model):
    """One file handed in for a practical task, graded when it arrived."""

    __tablename__ = "practical_submission"
    __table_args__ = (
        CheckConstraint("purpose <> 'exam' OR candidate_id IS NOT NULL", name="exam_has_candidate"),
        CheckConstraint("score >= 0 AND score <= max_score AND machine_score >= 0 AND machine_score <= max_score",
                        name="scores_in_range"),
        Index("ix_practical_submission_user_task", "user_id", "task_slug"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    task_slug: Mapped[str] = mapped_column(String(160))
    purpose: Mapped[Purpose] = mapped_column(str_enum(Purpose), default=Purpose.PRACTICE)
    # The exam candidate this file answers (exam submissions); the record of an exam outlives edits.
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("exam_candidate.id", ondelete="RESTRICT"),
                                                     index=True)
    filename: Mapped[str] = mapped_column(String(255))
    file_kind: Mapped[str] = mapped_column(String(8))  # docx, xlsx, …
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(80))  # the file as received, under PRACTICAL_STORAGE_DIR
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    machine_result: Mapped[dict] = mapped_column(JSON)
    machine_score: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    score: Mapped[Decimal] = mapped_column(Numeric(7, 2))  # overrides counted
    max_score: Mapped[Decimal] = mapped_column(Numeric(7, 2))

    user: Mapped[User] = relationship(lazy="joined")
    overrides: Mapped[list[CheckOverride]] = relationship(
        back_populates="submission", order_by="CheckOverride.id", cascade="all, delete-orphan")


class CheckOverride(Model):
    """An examiner's decision on one check of a submission, with the reason. Rows are never edited:
    a later decision on the same check is a new row; ``passed`` None returns the check to the
    machine's verdict."""

    __tablename__ = "practical_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("practical_submission.id", ondelete="CASCADE"),
                                               index=True)
    check_id: Mapped[str] = mapped_column(String(80))
    passed: Mapped[bool | None] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[PracticalSubmission] = relationship(back_populates="overrides")
    by: Mapped[User | None] = relationship()


class ExamPracticalTask(Model):
    """The practical task of a certification exam session, chosen by its examiners."""

    __tablename__ = "practical_exam_task"

    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id", ondelete="CASCADE"), primary_key=True)
    task_slug: Mapped[str] = mapped_column(String(160))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

