"""The mock exam's rules: its blueprint, starting a sitting, and its result per module."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from courses.models import Course, Guide
from courses.services import guides_for_module, published_courses
from lms.database import utcnow
from lms.extensions import db
from lms.models import User
from quizzes.exams import RuleSpec, draw_form
from quizzes.models import Attempt, Quiz, QuizKind
from quizzes.services import QuizError, module_scores, open_attempt

MOCK_SLUG = "thi-thu-chuan-co-ban"
BASIC_MODULES = ("IU01", "IU02", "IU03", "IU04", "IU05", "IU06")
QUESTIONS_PER_MODULE = 5  # 30 questions: the common shape of the theory part (25–40 questions)
TIME_LIMIT_MINUTES = 30  # and its common time limit (30–45 minutes)
PASS_MARK = Decimal("5.00")  # each part ≥ 5/10, as the standard's practice has it
BLUEPRINT = [RuleSpec(module_code=code, count=QUESTIONS_PER_MODULE) for code in BASIC_MODULES]
# The practical part draws one task of a module examined by practical work.
PRACTICAL_MODULES = ("IU03", "IU04", "IU05")


def mock_quiz() -> Quiz:
    """The quiz every mock sitting belongs to (created the first time someone sits it)."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == MOCK_SLUG))
    if quiz is None:
        quiz = Quiz(slug=MOCK_SLUG, title="Thi thử sát hạch chuẩn kỹ năng CNTT cơ bản",
                    description="Không chính thức, làm bao nhiêu lần cũng được.", kind=QuizKind.PRACTICE,
                    pass_mark=PASS_MARK, time_limit_minutes=TIME_LIMIT_MINUTES, shuffle=True)
        db.session.add(quiz)
        db.session.flush()
    return quiz


def sittings_of(user: User) -> list[Attempt]:
    """The person's mock sittings, newest first."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == MOCK_SLUG))
    if quiz is None:
        return []
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)
                                   .order_by(Attempt.number.desc())))


def start_sitting(user: User, rng: random.Random | None = None) -> Attempt:
    """Resume the person's unfinished sitting, or draw a fresh form from the blueprint: a new set
    of questions every time (raises ``not-enough`` when the bank cannot fill a module)."""
    quiz = mock_quiz()
    current = open_attempt(user, quiz)
    if current is not None:
        return current
    number = len(sittings_of(user)) + 1
    now = utcnow()
    attempt = Attempt(quiz=quiz, user_id=user.id, number=number, started_at=now,
                      deadline=now + timedelta(minutes=TIME_LIMIT_MINUTES))
    attempt.slots.extend(draw_form(BLUEPRINT, rng or random.SystemRandom()))
    db.session.add(attempt)
    db.session.flush()
    return attempt


@dataclass(frozen=True)
class ModuleResult:
    """One module's part of a sitting: its score out of 10, and what to study when it fell short."""

    code: str
    score: float
    passed: bool
    courses: list[Course]
    guides: list[Guide]


def result_by_module(attempt: Attempt) -> list[ModuleResult]:
    """Every basic module's score in the sitting, with the courses (or, where none teaches it, the
    guides) to study for each module below the pass mark."""
    if attempt.quiz.slug != MOCK_SLUG or not attempt.finished:
        raise QuizError("not-a-finished-mock")
    scores = module_scores(attempt)
    results = []
    for code in BASIC_MODULES:
        score = scores.get(code, 0.0)
        passed = Decimal(str(score)) >= PASS_MARK
        courses = [] if passed else published_courses(module=code)
        guides = [] if passed or courses else guides_for_module(code)
        results.append(ModuleResult(code, score, passed, courses, guides))
    return results


def practical_task_for(attempt: Attempt) -> str | None:
    """The slug of the practice task offered as the sitting's practical part (the same one for the
    whole sitting), or None when no task is installed."""
    from practical.services import tasks as installed_tasks

    tasks = sorted(slug for slug, task in installed_tasks().items() if task.module in PRACTICAL_MODULES)
    if not tasks:
        return None
    return tasks[attempt.id % len(tasks)]
