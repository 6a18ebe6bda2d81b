"""The mock certification exam: the official shape, unofficial and unlimited.

A mock draws a theory form over IU01–IU06 (``MOCK_QUESTIONS_PER_MODULE`` active questions of each
module, fewer where the bank has fewer) and one practical task of IU03–IU05, on one clock
(``MOCK_THEORY_MINUTES`` plus the task's own minutes). The theory part is an ordinary attempt
(the quiz pages save, submit and grade it; a practice-kind quiz, so it never counts and never
flags bank items); the practical file is graded at once. The result is given per module with the
courses, guides and practice tasks to study where a module is below the pass mark.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from lms.database import utcnow
from lms.extensions import db
from lms.models import User
from lms.services import audit
from practical import services
from practical.models import MockExam, PracticalSubmission, Purpose
from practical.services import PracticalError
from practical.tasks import Task
from quizzes.models import Attempt, AttemptQuestion, Question, QuestionStatus, QuestionType, Quiz, QuizKind
from quizzes.services import finalise_if_expired, module_scores

MOCK_MODULES = ("IU01", "IU02", "IU03", "IU04", "IU05", "IU06")
PRACTICAL_MODULES = ("IU03", "IU04", "IU05")
MOCK_QUIZ_SLUG = "thi-thu-chung-chi-cntt-co-ban"
PASS_MARK = 5.0  # out of 10, per module, as the exam's parts
_DRAWN_TYPES = tuple(t for t in QuestionType if t.auto_graded)  # the machine grades the whole mock
_SHUFFLED_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE)


def _questions_per_module() -> int:
    return _whole(services.setting("MOCK_QUESTIONS_PER_MODULE"), 5, 1, 50)


def _theory_minutes() -> int:
    return _whole(services.setting("MOCK_THEORY_MINUTES"), 30, 1, 240)


def _whole(value, default: int, low: int, high: int) -> int:
    """A whole-number setting within [low, high]; the default for anything else (a typo in the
    environment must not stop the mock)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def mock_quiz() -> Quiz:
    """The quiz every mock attempt belongs to (created on first use)."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == MOCK_QUIZ_SLUG))
    if quiz is None:
        quiz = Quiz(slug=MOCK_QUIZ_SLUG, title="Thi thử chứng chỉ ứng dụng CNTT cơ bản", kind=QuizKind.PRACTICE,
                    shuffle=True, pass_mark=Decimal("5.00"))
        db.session.add(quiz)
        db.session.flush()
    return quiz


def mocks_of(user: User) -> list[MockExam]:
    """The person's mocks, newest first."""
    return list(db.session.scalars(select(MockExam).where(MockExam.user_id == user.id)
                                   .order_by(MockExam.id.desc()).limit(50)))


def running(mock: MockExam, now: datetime | None = None) -> bool:
    """True while the mock's clock runs (the practical file may still be handed in)."""
    return (now or utcnow()) <= mock.deadline


def start_mock(user: User, rng: random.Random | None = None, now: datetime | None = None) -> MockExam:
    """Resume the person's running mock or draw a new one. Raises ``PracticalError``
    (``empty-bank``: no active question in IU01–IU06; ``no-task``: no practical task)."""
    now = now or utcnow()
    current = next(iter(mocks_of(user)), None)
    if current is not None and running(current, now) and not current.attempt.finished:
        return current
    rng = rng or random.SystemRandom()
    chosen: list[int] = []
    for module in MOCK_MODULES:
        pool = list(db.session.scalars(select(Question.id).where(
            Question.is_current.is_(True), Question.status == QuestionStatus.ACTIVE,
            Question.module_code == module, Question.qtype.in_(_DRAWN_TYPES)).order_by(Question.id)))
        chosen.extend(rng.sample(pool, min(len(pool), _questions_per_module())))
    if not chosen:
        raise PracticalError("empty-bank")
    tasks = sorted(services.tasks_for_modules(list(PRACTICAL_MODULES)), key=lambda t: t.slug)
    if not tasks:
        raise PracticalError("no-task")
    task = rng.choice(tasks)
    rng.shuffle(chosen)
    quiz = mock_quiz()
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(chosen)))}
    number = (db.session.scalar(select(func.count(Attempt.id)).where(
        Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)) or 0) + 1
    deadline = now + timedelta(minutes=_theory_minutes() + task.minutes)
    attempt = Attempt(quiz=quiz, user_id=user.id, number=number, started_at=now, deadline=deadline)
    for position, question_id in enumerate(chosen, start=1):
        option_ids = [o.id for o in questions[question_id].options]
        if questions[question_id].qtype in _SHUFFLED_TYPES:
            rng.shuffle(option_ids)
        attempt.slots.append(AttemptQuestion(question_id=question_id, position=position, option_order=option_ids))
    db.session.add(attempt)
    mock = MockExam(user_id=user.id, attempt=attempt, task_slug=task.slug, started_at=now, deadline=deadline)
    db.session.add(mock)
    db.session.flush()
    audit("practical.mock_start", f"mock_exam:{mock.id}", {"questions": len(chosen), "task": task.slug}, actor=user)
    return mock


def latest_submission(mock: MockExam) -> PracticalSubmission | None:
    """The mock's practical file that counts (the latest)."""
    return db.session.scalar(select(PracticalSubmission).where(PracticalSubmission.mock_id == mock.id)
                             .order_by(PracticalSubmission.id.desc()).limit(1))


def submit_practical(mock: MockExam, user: User, data: bytes, filename: str,
                     now: datetime | None = None) -> PracticalSubmission:
    """Grade and keep the mock's practical file; refused (``time-over``) once the clock has run out."""
    if not running(mock, now):
        raise PracticalError("time-over")
    task = services.task(mock.task_slug)
    if task is None:
        raise PracticalError("no-task")
    return services.submit(user, task, data, filename, purpose=Purpose.MOCK, mock_id=mock.id)


@dataclass
class ModuleResult:
    """One module's line in a mock's result: its scores out of 10 and what to study if below the mark."""

    module: str
    theory: float | None = None
    practical: float | None = None
    courses: list = field(default_factory=list)
    guides: list = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Every part of the module present reaches the pass mark."""
        parts = [score for score in (self.theory, self.practical) if score is not None]
        return bool(parts) and all(score >= PASS_MARK for score in parts)


@dataclass
class MockResult:
    """A mock's result: finished or not, the theory and practical scores and the modules."""

    finished: bool
    theory: float | None
    practical: float | None
    modules: list[ModuleResult]
    submission: PracticalSubmission | None

    @property
    def passed(self) -> bool:
        """As the exam: both parts at least 5 out of 10."""
        return self.theory is not None and self.practical is not None and \
            self.theory >= PASS_MARK and self.practical >= PASS_MARK


def result(mock: MockExam, now: datetime | None = None) -> MockResult:
    """The mock's result (the theory attempt is closed first if its time ran out)."""
    from courses.services import guides_for_module, published_courses

    attempt = mock.attempt
    finalise_if_expired(attempt)
    submission = latest_submission(mock)
    practical = float(submission.score / submission.max_score * 10) if submission and submission.max_score else None
    if submission is None and not running(mock, now) and attempt.finished:
        practical = 0.0  # the time ran out without a file: the practical part scores nothing
    finished = attempt.finished and (submission is not None or not running(mock, now))
    by_module = module_scores(attempt) if attempt.finished else {}
    task = services.task(mock.task_slug)
    modules = []
    for module in MOCK_MODULES:
        line = ModuleResult(module=module, theory=by_module.get(module))
        if task is not None and task.module == module:
            line.practical = practical
        if line.theory is None and line.practical is None:
            continue
        if not line.passed:
            line.courses = published_courses(module=module)
            line.guides = guides_for_module(module) if not line.courses else []
            line.tasks = services.tasks_for_modules([module])
        modules.append(line)
    return MockResult(finished=finished, theory=float(attempt.score) if attempt.score is not None else None,
                      practical=practical, modules=modules, submission=submission)
