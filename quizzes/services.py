"""Attempts: starting, saving answers, submitting, grading. They flush; callers commit.

The server is the only authority. An attempt's questions, option order and deadline are
fixed when it starts; every answer is saved as it changes, with a sequence number so that
retries are harmless and late, older saves are refused; at submit or at the deadline the
attempt is graded on exactly what was saved.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from sqlalchemy import and_, bindparam, false, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from lms import fastsql
from lms.database import utcnow
from lms.extensions import db
from lms.models import User
from quizzes.grading import InvalidResponse, grade, validate_response
from quizzes.models import (Attempt, AttemptAnswer, AttemptQuestion, Question, QuestionOption, QuestionType, Quiz,
                             QuizKind)
from quizzes.signals import attempt_graded

TWO_PLACES = Decimal("0.01")


class QuizError(Exception):
    """A request the quiz rules refuse; ``code`` names the rule for the caller."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code


@dataclass(frozen=True)
class SaveResult:
    """What a save did: ``stored`` is False for a harmless repeat of the same save."""

    seq: int
    stored: bool
    saved_at: datetime


def get_quiz(quiz_id: int) -> Quiz | None:
    """The quiz with ``quiz_id``."""
    return db.session.get(Quiz, quiz_id)


def get_quiz_by_slug(slug: str) -> Quiz | None:
    """The quiz loaded from content under ``slug``."""
    return db.session.scalar(select(Quiz).where(Quiz.slug == slug))


def final_quiz_of_course(course_id: int) -> Quiz | None:
    """The graded quiz that completes a course (its first course quiz)."""
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course_id, Quiz.kind == QuizKind.COURSE)
                             .order_by(Quiz.id))


def practice_quizzes_of_course(course_id: int) -> list[Quiz]:
    """The course's practice quizzes."""
    return list(db.session.scalars(select(Quiz).where(Quiz.course_id == course_id, Quiz.kind == QuizKind.PRACTICE)
                                   .order_by(Quiz.id)))


def attempts_of(user: User, quiz: Quiz) -> list[Attempt]:
    """The person's attempts at ``quiz``, oldest first."""
    return list(db.session.scalars(select(Attempt).where(Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)
                                   .order_by(Attempt.number)))


def open_attempt(user: User, quiz: Quiz) -> Attempt | None:
    """The person's unfinished attempt at ``quiz``, if any (finalised first if its time is up)."""
    attempt = db.session.scalar(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_(None)))
    if attempt is not None and finalise_if_expired(attempt):
        return None
    return attempt


def start_attempt(user: User, quiz: Quiz, rng: random.Random | None = None) -> Attempt:
    """Resume the open attempt or start a new one, freezing questions, option order and deadline."""
    attempt = open_attempt(user, quiz)
    if attempt is not None:
        return attempt
    used = db.session.scalar(select(func.count(Attempt.id)).where(
        Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)) or 0
    if quiz.kind is not QuizKind.PRACTICE and quiz.max_attempts is not None and used >= quiz.max_attempts:
        raise QuizError("no-attempts-left")
    items = quiz.asked_items
    if not items:
        raise QuizError("empty-quiz")
    rng = rng or random.SystemRandom()
    if quiz.shuffle:
        rng.shuffle(items)
    now = utcnow()
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    attempt = Attempt(quiz=quiz, user_id=user.id, number=used + 1, started_at=now, deadline=deadline)
    for position, item in enumerate(items, start=1):
        option_ids = [o.id for o in item.question.options]
        if quiz.shuffle and item.question.qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE):
            rng.shuffle(option_ids)
        attempt.slots.append(AttemptQuestion(question_id=item.question_id, position=position, option_order=option_ids))
    db.session.add(attempt)
    db.session.flush()
    return attempt


def questions_of(attempt: Attempt) -> list[tuple[Question, list]]:
    """The attempt's questions with their options, in the frozen order shown to the candidate."""
    result = []
    slots = db.session.scalars(select(AttemptQuestion).where(AttemptQuestion.attempt_id == attempt.id)
                               .order_by(AttemptQuestion.position)
                               .options(selectinload(AttemptQuestion.question).selectinload(Question.options)))
    for slot in slots:
        options = {o.id: o for o in slot.question.options}
        ordered = [options[i] for i in slot.option_order if i in options]
        result.append((slot.question, ordered))
    return result


def _slot_question(attempt: Attempt, question_id: int) -> Question:
    """The question if it is part of the attempt (one indexed lookup, not the whole form)."""
    question = db.session.scalar(select(Question).join(AttemptQuestion, AttemptQuestion.question_id == Question.id)
                                 .where(AttemptQuestion.attempt_id == attempt.id,
                                        AttemptQuestion.question_id == question_id))
    if question is None:
        raise QuizError("unknown-question")
    return question


def _refuse_if_closed(attempt: Attempt, now: datetime) -> None:
    if attempt.finished:
        raise QuizError("timeout" if attempt.finished_reason == "timeout" else "finished")
    if attempt.deadline is not None and now > attempt.deadline:
        raise QuizError("timeout")


def save_answer(attempt: Attempt, question_id: int, raw_response: dict | None, seq: int) -> SaveResult:
    """Save one answer, idempotently.

    ``seq`` is the client's increasing sequence number for this attempt. Saving the same
    ``seq`` again with the same response is a harmless retry; a ``seq`` older than the one
    stored for the question is a stale write and is refused (``QuizError("stale")``), as is
    any save after submit or past the deadline (``"finished"`` / ``"timeout"``).
    """
    now = utcnow()
    _refuse_if_closed(attempt, now)
    question = _slot_question(attempt, question_id)
    try:
        response = validate_response(question, raw_response)
    except InvalidResponse as error:
        raise QuizError("invalid-response", str(error)) from error
    existing = db.session.scalar(select(AttemptAnswer).where(
        AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.question_id == question_id))
    if existing is not None:
        if seq == existing.seq and existing.response == response:
            return SaveResult(seq=seq, stored=False, saved_at=existing.saved_at)
        # Conditional update: of two racing saves only the newer sequence number can win.
        changed = db.session.execute(
            update(AttemptAnswer).where(AttemptAnswer.id == existing.id, AttemptAnswer.seq < seq)
            .values(response=response, seq=seq, saved_at=now).execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            raise QuizError("stale")
        return SaveResult(seq=seq, stored=True, saved_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(AttemptAnswer(attempt_id=attempt.id, question_id=question_id, response=response,
                                         seq=seq, saved_at=now))
    except IntegrityError:
        # Another request inserted the first answer to this question at the same moment.
        return save_answer(attempt, question_id, raw_response, seq)
    return SaveResult(seq=seq, stored=True, saved_at=now)


# ----------------------------------------------------------------------------- autosave, fast path
# The autosave API runs for every click of every candidate; it reads and writes through
# ``lms.fastsql`` (Core statements on a pooled DBAPI connection, no ORM). A question that an
# attempt has shown never changes again (an edit makes a new version), so each worker keeps
# what validating an answer to it needs (its type and options) after first reading it
# (``_QUESTIONS``). A save is then one statement: an upsert whose source row exists only while
# the attempt is open, belongs to the signed-in account, that account is active and the attempt
# asks that very question (same creation time as remembered). Anything else changes no row, and
# then (rarely) the reason is looked up. ``save_answer`` above is the same rule for callers that
# hold an ORM attempt in a transaction.

_attempt, _slot, _question, _option, _answer = (Attempt.__table__, AttemptQuestion.__table__, Question.__table__,
                                                QuestionOption.__table__, AttemptAnswer.__table__)
_owner = User.__table__
_ANSWER_SLOT = fastsql.Statement(
    select(_attempt.c.user_id, _owner.c.active.label("owner_active"), _attempt.c.submitted_at,
           _attempt.c.finished_reason, _attempt.c.deadline,
           _question.c.id.label("question_id"), _question.c.qtype, _question.c.created_at.label("question_created_at"),
           _option.c.id.label("option_id"), _option.c.text.label("option_text"), _option.c.match_text)
    .select_from(_attempt
                 .join(_owner, _owner.c.id == _attempt.c.user_id)
                 .outerjoin(_slot, and_(_slot.c.attempt_id == _attempt.c.id,
                                        _slot.c.question_id == bindparam("question_id")))
                 .outerjoin(_question, _question.c.id == _slot.c.question_id)
                 .outerjoin(_option, _option.c.question_id == _question.c.id))
    .where(_attempt.c.id == bindparam("attempt_id"))
    .order_by(_option.c.position, _option.c.id))
_STORED_ANSWER = fastsql.Statement(
    select(_answer.c.seq, _answer.c.response, _answer.c.saved_at)
    .where(_answer.c.attempt_id == bindparam("attempt_id"), _answer.c.question_id == bindparam("question_id")))


def _upsert(dialect_insert):
    """Store the answer if the attempt is open, its owner's and asks the question, or overwrite
    the stored one if this ``seq`` is newer.

    The attempt row is read ``FOR SHARE`` on PostgreSQL: a submit (which claims the attempt with
    an UPDATE before grading) either waits for this save to commit and grades it, or has
    committed first, and then this save finds the attempt closed. SQLite runs one writer at a
    time, which gives the same order.
    """
    source = (
        select(_attempt.c.id, _question.c.id,
               bindparam("response", type_=_answer.c.response.type), bindparam("seq", type_=_answer.c.seq.type),
               bindparam("saved_at", type_=_answer.c.saved_at.type), false())
        .select_from(_attempt.join(_owner, _owner.c.id == _attempt.c.user_id)
                     .join(_slot, _slot.c.attempt_id == _attempt.c.id)
                     .join(_question, _question.c.id == _slot.c.question_id))
        .where(_attempt.c.id == bindparam("attempt_id"), _attempt.c.user_id == bindparam("user_id"),
               _slot.c.question_id == bindparam("question_id"),
               _question.c.created_at == bindparam("question_created_at", type_=_question.c.created_at.type),
               _owner.c.active.is_(True), _attempt.c.submitted_at.is_(None),
               or_(_attempt.c.deadline.is_(None), _attempt.c.deadline >= bindparam("saved_at")))
        .with_for_update(read=True, of=_attempt))
    statement = dialect_insert(_answer).from_select(
        [_answer.c.attempt_id, _answer.c.question_id, _answer.c.response, _answer.c.seq, _answer.c.saved_at,
         _answer.c.needs_marking], source)
    return fastsql.Statement(statement.on_conflict_do_update(
        index_elements=[_answer.c.attempt_id, _answer.c.question_id],
        set_={"response": statement.excluded.response, "seq": statement.excluded.seq,
              "saved_at": statement.excluded.saved_at},
        where=_answer.c.seq < statement.excluded.seq))


_UPSERT_ANSWER = {"sqlite": _upsert(sqlite_insert), "postgresql": _upsert(postgresql_insert)}


@dataclass(frozen=True)
class AnswerSlot:
    """An attempt as the autosave sees it, with the asked question (None if not in the attempt)."""

    attempt_id: int
    user_id: int
    owner_active: bool
    submitted_at: datetime | None
    finished_reason: str | None
    deadline: datetime | None
    question: SimpleNamespace | None  # id, qtype, created_at and options: what ``validate_response`` reads

    @property
    def finished(self) -> bool:
        return self.submitted_at is not None


class _QuestionMemo:
    """Per-process memo of shown questions (type and options) by database and question id (bounded)."""

    limit = 20_000

    def __init__(self) -> None:
        self.questions: dict[tuple, SimpleNamespace] = {}

    def get(self, key: tuple) -> SimpleNamespace | None:
        return self.questions.get(key)

    def put(self, key: tuple, question: SimpleNamespace) -> None:
        if len(self.questions) >= self.limit:
            self.questions.clear()  # refilled by one look-up per question
        self.questions[key] = question

    def clear(self) -> None:
        self.questions.clear()


_QUESTIONS = _QuestionMemo()
_UNCHECKED = object()


def answer_slot(attempt_id: int, question_id: int) -> AnswerSlot | None:
    """The attempt and its question ``question_id`` with the question's options (one query); None: no attempt."""
    rows = _ANSWER_SLOT.all(attempt_id=attempt_id, question_id=question_id)
    if not rows:
        return None
    first = rows[0]
    question = None
    if first.question_id is not None:
        question = SimpleNamespace(
            id=first.question_id, qtype=QuestionType(first.qtype), created_at=first.question_created_at,
            options=[SimpleNamespace(id=row.option_id, text=row.option_text, match_text=row.match_text)
                     for row in rows if row.option_id is not None])
        # Shown by an attempt, so frozen: remember it for the next save of any attempt.
        _QUESTIONS.put((db.engine.url, question.id), question)
    return AnswerSlot(attempt_id, first.user_id, bool(first.owner_active), first.submitted_at,
                      first.finished_reason, first.deadline, question)


def check_owner(attempt_id: int, account_id: int) -> None:
    """Raise ``QuizError("not-owner")`` unless the attempt exists and belongs to the active ``account_id``."""
    slot = answer_slot(attempt_id, 0)
    if slot is None or slot.user_id != account_id or not slot.owner_active:
        raise QuizError("not-owner")


def store_answer(attempt_id: int, account_id: int, question_id: int, raw_response: dict | None,
                 seq: int) -> SaveResult:
    """``save_answer`` on the fast path for the signed-in ``account_id``: validate, then upsert
    (committed before this returns).

    The same rules: refused after submit or past the deadline (``"finished"``/``"timeout"``),
    for a question not in the attempt or an invalid response; a repeat of the stored save is
    harmless (``stored`` False); a ``seq`` not newer than the stored one is ``"stale"``. An
    attempt that is not the active account's is ``"not-owner"``, whatever else is wrong.
    """
    question = _QUESTIONS.get((db.engine.url, question_id))
    response = _accepted_by(question, raw_response)
    if response is _UNCHECKED:  # not remembered, or refused by the memo: the database decides
        slot = answer_slot(attempt_id, question_id)
        if slot is None or slot.user_id != account_id or not slot.owner_active:
            raise QuizError("not-owner")  # someone else's attempt stays a 404, whatever was sent
        if slot.question is None:
            raise QuizError("unknown-question")
        question = slot.question
        try:
            response = validate_response(question, raw_response)
        except InvalidResponse as error:
            raise QuizError("invalid-response", str(error)) from error
    now = utcnow()
    # One statement in autocommit mode (``fastsql.connection``): committed when it returns.
    with fastsql.durable_write():
        changed = _UPSERT_ANSWER[db.engine.dialect.name].execute(
            attempt_id=attempt_id, user_id=account_id, question_id=question_id,
            question_created_at=question.created_at, response=response, seq=seq, saved_at=now)
    if changed == 1:
        return SaveResult(seq=seq, stored=True, saved_at=now)
    return _why_not_stored(attempt_id, account_id, question, raw_response, response, seq, now)


def _accepted_by(question: SimpleNamespace | None, raw_response: dict | None):
    """The response validated against a remembered ``question``, or ``_UNCHECKED`` when there is
    none or it refuses the response (a memo may predate a rebuilt database: only a fresh look
    refuses)."""
    if question is None:
        return _UNCHECKED
    try:
        return validate_response(question, raw_response)
    except InvalidResponse:
        return _UNCHECKED


def _why_not_stored(attempt_id: int, account_id: int, question, raw_response, response, seq: int,
                    now: datetime) -> SaveResult:
    slot = answer_slot(attempt_id, question.id)
    if slot is None or slot.user_id != account_id or not slot.owner_active:
        raise QuizError("not-owner")
    if slot.question is None:
        raise QuizError("unknown-question")
    if slot.question.created_at != question.created_at:
        # Not the question this process remembered (a database restored or rebuilt under it);
        # ``answer_slot`` has remembered the real one: validate against it and save again.
        return store_answer(attempt_id, account_id, question.id, raw_response, seq)
    _refuse_if_closed(slot, now)
    stored = _STORED_ANSWER.first(attempt_id=attempt_id, question_id=question.id)
    if stored is not None and stored.seq == seq and stored.response == response:
        return SaveResult(seq=seq, stored=False, saved_at=stored.saved_at)
    raise QuizError("stale")


def saved_responses(attempt: Attempt) -> dict[int, dict | None]:
    """Question id → saved response (what the page shows when the candidate comes back)."""
    return {answer.question_id: answer.response for answer in attempt.answers}


def submit_attempt(attempt: Attempt, responses: dict[int, dict | None] | None = None,
                   reason: str = "submitted", page_seen: dict[int, int] | None = None) -> Attempt:
    """Finish the attempt and grade what is saved. Submitting twice grades once.

    ``responses`` (question id → raw response), when given, are saved first, as a page
    submit without JavaScript does; they are validated like any save and refused whole if
    one is invalid. A submitted page never loses a saved answer: a blank field leaves the
    saved answer alone, and so does a field whose saved answer changed after the page was
    shown (``page_seen`` holds the sequence number of each saved answer the page showed),
    e.g. from another tab or the autosave of a page that reloaded since.
    """
    if attempt.finished:
        return attempt
    now = utcnow()
    if responses:
        if attempt.deadline is not None and now > attempt.deadline:
            return finalise_if_expired(attempt) or attempt
        questions = {slot.question_id: slot.question for slot in attempt.slots}
        cleaned = {}
        for question_id, raw in responses.items():
            if question_id not in questions:
                raise QuizError("unknown-question")
            try:
                cleaned[question_id] = validate_response(questions[question_id], raw)
            except InvalidResponse as error:
                raise QuizError("invalid-response", str(error)) from error
        stored = {a.question_id: a for a in attempt.answers}
        seen = page_seen or {}
        for question_id, response in cleaned.items():
            answer = stored.get(question_id)
            if response is None:
                continue  # a blank field never erases a saved answer
            if answer is None:
                attempt.answers.append(AttemptAnswer(question_id=question_id, response=response,
                                                     seq=0, saved_at=now))
            elif answer.seq <= seen.get(question_id, 0) and answer.response != response:
                answer.response, answer.saved_at = response, now
        db.session.flush()
    return _finalise(attempt, reason, now)


def _finalise(attempt: Attempt, reason: str, now: datetime) -> Attempt:
    # Claim the attempt with a conditional update so that two simultaneous finishes (a double
    # click, two tabs, the sweep) grade it exactly once: only the request that flips the row goes on.
    claimed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now, finished_reason=reason).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(attempt)
    if claimed != 1:
        return attempt
    # Grade what is stored now: answers saved before the claim (which waited for them) count,
    # even if this session had read the attempt's answers earlier.
    db.session.expire(attempt, ["answers"])
    _grade(attempt)
    db.session.flush()
    attempt_graded.send(attempt)
    return attempt


def _grade(attempt: Attempt) -> None:
    stored = {a.question_id: a for a in attempt.answers}
    for slot in attempt.slots:
        question = slot.question
        if not question.qtype.graded:
            continue
        answer = stored.get(question.id)
        if answer is None:
            answer = AttemptAnswer(question_id=question.id, response=None, seq=0)
            attempt.answers.append(answer)
        result = grade(question, answer.response)
        answer.credit, answer.needs_marking = result.credit, result.needs_marking
    recompute_score(attempt)


def recompute_score(attempt: Attempt) -> None:
    """Score out of 10 (two decimals) from the answers' credits; None while any awaits marking."""
    answers = {a.question_id: a for a in attempt.answers}
    graded = [slot.question for slot in attempt.slots if slot.question.qtype.graded]
    if any(answers[q.id].needs_marking for q in graded if q.id in answers):
        attempt.score, attempt.passed = None, None
        return
    total = sum((Decimal(str(answers[q.id].credit or 0.0)) for q in graded if q.id in answers), Decimal(0))
    attempt.score = (total * 10 / len(graded)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP) if graded \
        else Decimal("0.00")
    attempt.passed = attempt.score >= attempt.quiz.pass_mark


def mark_answer(answer: AttemptAnswer, credit: float) -> Attempt:
    """A person's mark for an essay (credit 0..1); when nothing else waits, the attempt gets its score."""
    if not 0.0 <= credit <= 1.0:
        raise QuizError("invalid-mark")
    answer.credit, answer.needs_marking = credit, False
    attempt = answer.attempt
    recompute_score(attempt)
    db.session.flush()
    if attempt.score is not None:
        attempt_graded.send(attempt)
    return attempt


def module_scores(attempt: Attempt) -> dict[str, float]:
    """Score out of 10 per framework module, from the answers' credits."""
    answers = {a.question_id: a for a in attempt.answers}
    totals: dict[str, list[float]] = {}
    for slot in attempt.slots:
        question = slot.question
        if question.qtype.graded:
            answer = answers.get(question.id)
            totals.setdefault(question.module_code, []).append((answer.credit or 0.0) if answer else 0.0)
    return {module: round(10 * sum(values) / len(values), 2) for module, values in sorted(totals.items())}


def finalise_if_expired(attempt: Attempt) -> Attempt | None:
    """If the attempt's deadline has passed, finish it with what was saved; return it, else None."""
    if attempt.finished or attempt.deadline is None:
        return None
    now = utcnow()
    if now <= attempt.deadline:
        return None
    return _finalise(attempt, "timeout", now)


def sweep_expired_attempts(now: datetime | None = None) -> int:
    """Finish every attempt whose deadline has passed (the periodic sweep); return how many."""
    now = now or utcnow()
    expired = list(db.session.scalars(select(Attempt).where(
        Attempt.submitted_at.is_(None), Attempt.deadline.is_not(None), Attempt.deadline < now)))
    for attempt in expired:
        _finalise(attempt, "timeout", now)
    return len(expired)


GRADING_METHODS = ("highest", "last", "average")


def quiz_grade(user: User, quiz: Quiz) -> Decimal | None:
    """The person's grade for the quiz by its grading method (None before any graded attempt)."""
    scores = [a.score for a in attempts_of(user, quiz) if a.finished and a.score is not None]
    if not scores:
        return None
    if quiz.grading_method == "last":
        return scores[-1]
    if quiz.grading_method == "average":
        return (sum(scores, Decimal(0)) / len(scores)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    return max(scores)


def has_passed(user: User, quiz: Quiz) -> Attempt | None:
    """The attempt that shows the person passed ``quiz`` by its grading method, or None.

    With "highest" that is the best passing attempt; with "last" the last attempt if it
    passed; with "average" the latest attempt, when the average reaches the pass mark.
    """
    grade = quiz_grade(user, quiz)
    if grade is None or grade < quiz.pass_mark:
        return None
    finished = [a for a in attempts_of(user, quiz) if a.finished and a.score is not None]
    if quiz.grading_method == "highest":
        return max(finished, key=lambda a: a.score)
    return finished[-1]


@dataclass(frozen=True)
class UnofficialResult:
    """A self-check's outcome: never stored, never official."""

    score: Decimal
    responses: dict[int, dict | None]
    credits: dict[int, float | None]


def grade_unofficial(quiz: Quiz, raw_responses: dict[int, dict | None]) -> UnofficialResult:
    """Grade a public self-check in memory (nothing is written to the database)."""
    responses, credits = {}, {}
    total, counted = Decimal(0), 0
    for item in quiz.asked_items:
        question = item.question
        try:
            response = validate_response(question, raw_responses.get(question.id))
        except InvalidResponse as error:
            raise QuizError("invalid-response", str(error)) from error
        responses[question.id] = response
        result = grade(question, response)
        credits[question.id] = result.credit
        if question.qtype.auto_graded:
            counted += 1
            total += Decimal(str(result.credit or 0.0))
    score = (total * 10 / counted).quantize(TWO_PLACES, rounding=ROUND_HALF_UP) if counted else Decimal("0.00")
    return UnofficialResult(score=score, responses=responses, credits=credits)


def check_practice_answer(attempt: Attempt, question_id: int) -> dict:
    """The verdict on a practice question's saved answer: credit, feedback, explanation, key."""
    from quizzes.grading import correct_answer_text, feedback_for

    question = _slot_question(attempt, question_id)
    saved = db.session.scalar(select(AttemptAnswer).where(
        AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.question_id == question_id))
    response = saved.response if saved else None
    result = grade(question, response)
    key = correct_answer_text(question)
    if question.qtype is QuestionType.TRUE_FALSE:
        key = ["Đúng" if text == "true" else "Sai" for text in key]
    return {"question_id": question_id, "answered": response is not None, "credit": result.credit,
            "needs_marking": result.needs_marking, "feedback": feedback_for(question, response),
            "explanation": question.explanation, "correct": key}
