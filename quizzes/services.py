"""Quiz operations: starting, answering, grading. They flush; callers commit."""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select, update

from lms.database import utcnow
from lms.extensions import db
from lms.models import User
from quizzes.models import Attempt, AttemptAnswer, Question, Quiz, QuizKind
from quizzes.signals import attempt_graded


class QuizError(Exception):
    """A request the quiz rules refuse; the message is shown to the person."""


def get_quiz(quiz_id: int) -> Quiz | None:
    """The quiz with ``quiz_id``."""
    return db.session.get(Quiz, quiz_id)


def final_quiz_of_course(course_id: int) -> Quiz | None:
    """The graded quiz that completes a course (its first course quiz)."""
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course_id, Quiz.kind == QuizKind.COURSE)
                             .order_by(Quiz.id))


def attempts_of(user: User, quiz: Quiz) -> list[Attempt]:
    """The person's attempts at ``quiz``, oldest first."""
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)
                                   .order_by(Attempt.number)))


def open_attempt(user: User, quiz: Quiz) -> Attempt | None:
    """The person's unfinished attempt at ``quiz``, if any."""
    return db.session.scalar(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_(None)))


def start_attempt(user: User, quiz: Quiz, rng: random.Random | None = None) -> Attempt:
    """Resume the open attempt or start a new one, freezing questions and option order."""
    attempt = open_attempt(user, quiz)
    if attempt is not None:
        return attempt
    used = db.session.scalar(select(func.count(Attempt.id)).where(
        Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)) or 0
    if quiz.max_attempts is not None and used >= quiz.max_attempts:
        raise QuizError("no-attempts-left")
    if not quiz.items:
        raise QuizError("empty-quiz")
    rng = rng or random.SystemRandom()
    items = list(quiz.items)
    if quiz.shuffle:
        rng.shuffle(items)
    form = []
    for item in items:
        option_ids = [o.id for o in item.question.options]
        if quiz.shuffle:
            rng.shuffle(option_ids)
        form.append({"question_id": item.question_id, "option_ids": option_ids})
    attempt = Attempt(quiz=quiz, user_id=user.id, number=used + 1, form=form)
    db.session.add(attempt)
    db.session.flush()
    return attempt


def questions_of(attempt: Attempt) -> list[tuple[Question, list]]:
    """The attempt's questions with their options, in the frozen order shown to the candidate."""
    ids = [entry["question_id"] for entry in attempt.form]
    by_id = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(ids)))}
    result = []
    for entry in attempt.form:
        question = by_id[entry["question_id"]]
        options = {o.id: o for o in question.options}
        result.append((question, [options[i] for i in entry["option_ids"] if i in options]))
    return result


def submit_attempt(attempt: Attempt, choices: dict[int, int | None]) -> Attempt:
    """Record the chosen options and grade the attempt. Submitting twice grades once.

    ``choices`` maps question id to option id (None = unanswered). A question or option
    that is not part of this attempt's frozen form is refused with ``QuizError``.
    """
    if attempt.finished:
        return attempt
    allowed = {entry["question_id"]: set(entry["option_ids"]) for entry in attempt.form}
    for question_id, option_id in choices.items():
        if question_id not in allowed:
            raise QuizError("unknown-question")
        if option_id is not None and option_id not in allowed[question_id]:
            raise QuizError("unknown-option")
    # Claim the attempt with a conditional update, so that two simultaneous submits (a double
    # click, two tabs) grade it exactly once: only the request that flips the row goes on.
    claimed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(attempt)
    if claimed != 1:
        return attempt
    questions = {q.id: q for q, _options in questions_of(attempt)}
    existing = {a.question_id: a for a in attempt.answers}
    total = Decimal(0)
    for question_id in allowed:
        option_id = choices.get(question_id)
        credit = 0.0
        if option_id is not None:
            option = next(o for o in questions[question_id].options if o.id == option_id)
            credit = max(0.0, min(1.0, option.fraction))
        answer = existing.get(question_id) or AttemptAnswer(question_id=question_id)
        answer.option_id, answer.credit = option_id, credit
        if answer not in attempt.answers:
            attempt.answers.append(answer)
        total += Decimal(str(credit))
    attempt.score = (total * 10 / len(allowed)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    attempt.passed = attempt.score >= attempt.quiz.pass_mark
    db.session.flush()
    attempt_graded.send(attempt)
    return attempt


def has_passed(user: User, quiz: Quiz) -> Attempt | None:
    """The person's best passing attempt at ``quiz``, or None."""
    return db.session.scalar(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.quiz_id == quiz.id, Attempt.passed.is_(True))
        .order_by(Attempt.score.desc(), Attempt.submitted_at))
