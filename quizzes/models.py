"""Question bank, quizzes, attempts and answers."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, CheckConstraint, Date, Float, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import UTCDateTime, str_enum, utcnow
from lms.extensions import Model
from lms.models import Agency, User


class QuestionType(str, enum.Enum):
    """The kinds of question the bank holds (the same names as quizzes.gift uses)."""

    SINGLE_CHOICE = "single_choice"
    MULTIPLE_RESPONSE = "multiple_response"
    TRUE_FALSE = "true_false"
    SHORT_ANSWER = "short_answer"
    NUMERICAL = "numerical"
    MATCHING = "matching"
    ESSAY = "essay"  # marked by a person
    DESCRIPTION = "description"  # text only, no answer, no marks

    @property
    def graded(self) -> bool:
        """False for descriptions, which carry no marks."""
        return self is not QuestionType.DESCRIPTION

    @property
    def auto_graded(self) -> bool:
        """False where a person must mark the answer (essays) or there is none."""
        return self not in (QuestionType.ESSAY, QuestionType.DESCRIPTION)


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


class Reveal(str, enum.Enum):
    """When an attempt's review (the answers, the key, the explanations) is shown to its taker.

    ``AT_ONCE`` also lets a practice question be checked while answering. A certification exam's
    verdict (score, pass) is never shown before the board approves the result list, whatever this says.
    """

    AT_ONCE = "at_once"
    AFTER_ATTEMPT = "after_attempt"
    AFTER_CLOSE = "after_close"  # after the exam session closes
    AFTER_APPROVAL = "after_approval"  # after the board approves the session's result list
    NEVER = "never"


#: The safe default per kind: practice teaches at once, a course quiz after the attempt, and a
#: certification exam never shows its key (the bank's questions are asked again in later sessions).
DEFAULT_REVEAL = {QuizKind.PRACTICE: Reveal.AT_ONCE, QuizKind.COURSE: Reveal.AFTER_ATTEMPT,
                  QuizKind.EXAM: Reveal.NEVER}


class QuestionCategory(Model):
    """A bank or category of questions; ``path`` is the full name ("IU01/Phần cứng")."""

    __tablename__ = "question_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(512), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class Question(Model):
    """One version of a question, tagged with the framework module it assesses.

    Versions of the same question share ``family_id`` (the id of the first version); only
    one is current. Editing a question that attempts have used adds a version, so that every
    attempt keeps exactly the text and options it showed.
    """

    __tablename__ = "question"
    __table_args__ = (
        UniqueConstraint("family_id", "version"),
        # One current version per question family.
        Index("uq_question_current_family", "family_id", unique=True,
              sqlite_where=text("is_current = 1"), postgresql_where=text("is_current")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    family_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(default=True, index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("question_category.id", ondelete="SET NULL"),
                                                    index=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    idnumber: Mapped[str] = mapped_column(String(100), default="")
    module_code: Mapped[str] = mapped_column(ForeignKey("competency_module.code"), index=True)
    topic: Mapped[str] = mapped_column(String(255), default="")
    qtype: Mapped[QuestionType] = mapped_column(str_enum(QuestionType), default=QuestionType.SINGLE_CHOICE)
    difficulty: Mapped[str] = mapped_column(String(16), default="medium")
    status: Mapped[QuestionStatus] = mapped_column(str_enum(QuestionStatus), default=QuestionStatus.ACTIVE)
    text: Mapped[str] = mapped_column(Text)
    text_format: Mapped[str] = mapped_column(String(16), default="moodle")
    explanation: Mapped[str] = mapped_column(Text, default="")
    # The explanation's own GIFT format ("" = the question's), kept as Moodle keeps it.
    explanation_format: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # Short answers: Moodle compares without case by default; Vietnamese marks matter by default.
    case_sensitive: Mapped[bool] = mapped_column(default=False)
    ignore_diacritics: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    category: Mapped[QuestionCategory | None] = relationship()

    options: Mapped[list[QuestionOption]] = relationship(
        back_populates="question", order_by="QuestionOption.position", cascade="all, delete-orphan",
        lazy="selectin",
    )


class QuestionOption(Model):
    """An answer of a question; ``fraction`` is the credit it earns (1.0 = full marks).

    Per type: choices and true/false ("true"/"false") are options; short answers are the
    accepted texts; numerical answers keep the value in ``text`` with ``tolerance`` or a
    ``min_value``..``max_value`` range; matching pairs keep the left side in ``text`` and
    the right side in ``match_text`` (an empty ``text`` is a distractor on the right).
    """

    __tablename__ = "question_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    fraction: Mapped[float] = mapped_column(Float, default=0.0)
    feedback: Mapped[str] = mapped_column(Text, default="")
    tolerance: Mapped[float | None] = mapped_column(Float)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    match_text: Mapped[str | None] = mapped_column(Text)
    # The answer's (or matching item's) and the feedback's own GIFT formats ("" = the question's).
    text_format: Mapped[str] = mapped_column(String(16), default="", server_default="")
    feedback_format: Mapped[str] = mapped_column(String(16), default="", server_default="")

    question: Mapped[Question] = relationship(back_populates="options")


class Quiz(Model):
    """A set of questions with a pass mark (out of 10)."""

    __tablename__ = "quiz"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable name for quizzes loaded from content files (so reloading updates, not duplicates).
    slug: Mapped[str | None] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[QuizKind] = mapped_column(str_enum(QuizKind), default=QuizKind.COURSE)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"), index=True)
    # Public self-check quizzes (on guides) need no account; their results are never official.
    public: Mapped[bool] = mapped_column(default=False)
    pass_mark: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("5.00"))
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    # How several attempts make the quiz's grade: highest, last or average.
    grading_method: Mapped[str] = mapped_column(String(16), default="highest")
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer)
    shuffle: Mapped[bool] = mapped_column(default=True)
    # When the review is shown (a Reveal value); None = the kind's default (DEFAULT_REVEAL).
    reveal: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[QuizItem]] = relationship(
        back_populates="quiz", order_by="QuizItem.position", cascade="all, delete-orphan")

    @property
    def reveal_policy(self) -> Reveal:
        """The review's timing: the quiz's own setting, or its kind's safe default."""
        if self.reveal in {reveal.value for reveal in Reveal}:
            return Reveal(self.reveal)
        return DEFAULT_REVEAL[self.kind]

    @property
    def asked_items(self) -> list[QuizItem]:
        """The items new attempts ask: those whose question is active. A retired (or draft)
        question stays listed for the attempts that showed it, but is no longer asked."""
        return [item for item in self.items if item.question.status is QuestionStatus.ACTIVE]


class QuizItem(Model):
    """A question's place in a quiz."""

    __tablename__ = "quiz_item"
    __table_args__ = (UniqueConstraint("quiz_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    quiz: Mapped[Quiz] = relationship(back_populates="items")
    question: Mapped[Question] = relationship()


class Attempt(Model):
    """One sitting of a quiz. Its questions and their order are frozen when it starts.

    The server is the only clock: ``deadline`` is fixed at the start (None = untimed), and
    answers arriving after it are refused. ``finished_reason`` says whether the candidate
    submitted or time ran out.
    """

    __tablename__ = "attempt"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id", "number"),
                      CheckConstraint("score IS NULL OR (score >= 0 AND score <= 10)", name="score_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="RESTRICT"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    finished_reason: Mapped[str | None] = mapped_column(String(16))  # submitted | timeout
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # out of 10
    passed: Mapped[bool | None] = mapped_column()

    quiz: Mapped[Quiz] = relationship()
    # Loaded on first use, not with every attempt: an autosave touches one slot and one answer.
    slots: Mapped[list[AttemptQuestion]] = relationship(
        back_populates="attempt", order_by="AttemptQuestion.position", cascade="all, delete-orphan")
    answers: Mapped[list[AttemptAnswer]] = relationship(back_populates="attempt", cascade="all, delete-orphan")

    @property
    def finished(self) -> bool:
        return self.submitted_at is not None


class AttemptQuestion(Model):
    """A question version as placed in one attempt, with the option order shown."""

    __tablename__ = "attempt_question"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    option_order: Mapped[list[int]] = mapped_column(JSON, default=list)

    attempt: Mapped[Attempt] = relationship(back_populates="slots")
    question: Mapped[Question] = relationship(lazy="joined")


class AttemptAnswer(Model):
    """A candidate's answer to one question of an attempt, as validated JSON.

    ``response`` per type: ``{"option": id}``, ``{"options": [ids]}``, ``{"text": "..."}``,
    ``{"pairs": {"<left option id>": "<right text>"}}``. ``credit`` is the fraction earned
    (None until graded, and for essays until a person marks them).
    """

    __tablename__ = "attempt_answer"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),
                      CheckConstraint("seq >= 0", name="seq_not_negative"),
                      CheckConstraint("credit IS NULL OR (credit >= 0 AND credit <= 1)", name="credit_range"))

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="RESTRICT"))
    response: Mapped[dict | None] = mapped_column(JSON)
    # The client's sequence number of the save that wrote this answer: a retry of the same
    # save is recognised, an older save arriving late is refused.
    seq: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    credit: Mapped[float | None] = mapped_column(Float)
    needs_marking: Mapped[bool] = mapped_column(default=False)
    # Who marked it by hand (an essay) and when; None for automatic grading.
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class ExamSession(Model):
    """A proctored certification exam: window, candidates, blueprint, time, parts and pass marks.

    Each candidate's attempt belongs to the session's exam quiz but draws its own form from
    the blueprint. Scores are out of 10 per part; a candidate passes when every part reaches
    its pass mark. Once the board approves the result list it is final; later changes are
    re-marks (``Remark``) with who, when, why, before and after.
    """

    __tablename__ = "exam_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="RESTRICT"), unique=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"), index=True)
    level: Mapped[str] = mapped_column(String(16), default="basic")  # basic | advanced | none
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)  # modules this exam certifies
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    access_code: Mapped[str | None] = mapped_column(String(32))
    # Told to candidates in their invitation: where to sit the exam and what to bring.
    place: Mapped[str | None] = mapped_column(String(255))
    what_to_bring: Mapped[str | None] = mapped_column(Text)
    time_limit_minutes: Mapped[int] = mapped_column(Integer, default=30)
    has_practical: Mapped[bool] = mapped_column(default=True)
    theory_weight: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("1.00"))
    practical_weight: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("1.00"))
    theory_pass_mark: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("5.00"))
    practical_pass_mark: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("5.00"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The exam board (hội đồng thi): one "Họ tên — nhiệm vụ" per entry, printed on the result list.
    board_members: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    # The board's approval decision (số quyết định, ngày quyết định).
    decision_number: Mapped[str | None] = mapped_column(String(64))
    decision_date: Mapped[date | None] = mapped_column(Date)
    # Why a pass mark is lower than the standard's 5/10 (required when it is).
    pass_mark_reason: Mapped[str | None] = mapped_column(Text)

    quiz: Mapped[Quiz] = relationship()
    agency: Mapped[Agency | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    rules: Mapped[list[BlueprintRule]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="BlueprintRule.id")
    candidates: Mapped[list[ExamCandidate]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="ExamCandidate.id")

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    @property
    def question_count(self) -> int:
        return sum(rule.count for rule in self.rules)


class BlueprintRule(Model):
    """Draw ``count`` active questions of a module (and difficulty, if given) for every candidate."""

    __tablename__ = "blueprint_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id", ondelete="CASCADE"), index=True)
    module_code: Mapped[str] = mapped_column(ForeignKey("competency_module.code"))
    difficulty: Mapped[str | None] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(Integer)

    session: Mapped[ExamSession] = relationship(back_populates="rules")


class ExamCandidate(Model):
    """A person on a session's candidate list, with their attempt and results."""

    __tablename__ = "exam_candidate"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        *(CheckConstraint(f"{column} IS NULL OR ({column} >= 0 AND {column} <= 10)", name=f"{column}_range")
          for column in ("theory_score", "practical_score", "total_score")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("exam_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="RESTRICT"), index=True)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id", ondelete="SET NULL"), unique=True)
    theory_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    practical_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    total_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    module_scores: Mapped[dict] = mapped_column(JSON, default=dict)  # {"IU01": 8.0, ...} out of 10
    passed: Mapped[bool | None] = mapped_column()
    # Who entered the practical mark, and when.
    practical_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    practical_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[ExamSession] = relationship(back_populates="candidates")
    user: Mapped[User] = relationship(lazy="joined", foreign_keys=[user_id])
    practical_by: Mapped[User | None] = relationship(foreign_keys=[practical_by_id])
    attempt: Mapped[Attempt | None] = relationship()
    remarks: Mapped[list[Remark]] = relationship(back_populates="candidate", order_by="Remark.at")


class Remark(Model):
    """A re-mark (phúc khảo) after approval: who, when, why, before and after."""

    __tablename__ = "remark"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("exam_candidate.id", ondelete="RESTRICT"), index=True)
    part: Mapped[str] = mapped_column(String(16))  # theory | practical
    before: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    after: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    reason: Mapped[str] = mapped_column(Text)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped[ExamCandidate] = relationship(back_populates="remarks")
    by: Mapped[User | None] = relationship()
