"""Question bank, quizzes, attempts and answers."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Enum, Float, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import UTCDateTime, utcnow
from lms.extensions import db


def _enum(cls):
    return Enum(cls, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])


class QuestionType(str, enum.Enum):
    """The kinds of question the bank holds."""

    SINGLE_CHOICE = "single_choice"


class QuestionStatus(str, enum.Enum):
    """Only active questions are drawn into quizzes."""

    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class QuizKind(str, enum.Enum):
    """Practice never counts; a course quiz completes a course; an exam certifies."""

    PRACTICE = "practice"
    COURSE = "course"
    EXAM = "exam"


class Question(db.Model):
    """A question, tagged with the framework module it assesses."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    module_code: Mapped[str] = mapped_column(ForeignKey("competency_module.code"), index=True)
    qtype: Mapped[QuestionType] = mapped_column(_enum(QuestionType), default=QuestionType.SINGLE_CHOICE)
    difficulty: Mapped[str] = mapped_column(String(16), default="medium")
    status: Mapped[QuestionStatus] = mapped_column(_enum(QuestionStatus), default=QuestionStatus.ACTIVE)
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="QuestionOption.position", cascade="all, delete-orphan",
        lazy="selectin",
    )


class QuestionOption(db.Model):
    """An answer option; ``fraction`` is the credit it earns (1.0 for the right one)."""

    __tablename__ = "question_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    fraction: Mapped[float] = mapped_column(Float, default=0.0)
    feedback: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[Question] = relationship(back_populates="options")


class Quiz(db.Model):
    """A set of questions with a pass mark (out of 10)."""

    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    kind: Mapped[QuizKind] = mapped_column(_enum(QuizKind), default=QuizKind.COURSE)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"), index=True)
    pass_mark: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("5.00"))
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    shuffle: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[QuizItem]] = relationship(
        back_populates="quiz", order_by="QuizItem.position", cascade="all, delete-orphan")


class QuizItem(db.Model):
    """A question's place in a quiz."""

    __tablename__ = "quiz_item"
    __table_args__ = (UniqueConstraint("quiz_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    quiz: Mapped[Quiz] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()


class Attempt(db.Model):
    """One sitting of a quiz. ``form`` freezes the questions and option order shown."""

    __tablename__ = "attempt"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    # [{"question_id": 3, "option_ids": [9, 7, 8]}, ...] in the order shown to the candidate
    form: Mapped[list[dict]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # out of 10
    passed: Mapped[bool | None] = mapped_column()

    quiz: Mapped[Quiz] = relationship()
    answers: Mapped[list[AttemptAnswer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", lazy="selectin")

    @property
    def finished(self) -> bool:
        return self.submitted_at is not None


class AttemptAnswer(db.Model):
    """The option a candidate chose for one question of an attempt."""

    __tablename__ = "attempt_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"))
    option_id: Mapped[int | None] = mapped_column(ForeignKey("question_option.id", ondelete="RESTRICT"))
    credit: Mapped[float | None] = mapped_column(Float)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
