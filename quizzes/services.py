"""Attempts: starting, saving answers, submitting, grading. They flush; callers commit.

The server is the only authority. An attempt's questions, option order and deadline are
fixed when it starts; every answer is saved as it changes, with a sequence number so that
retries are harmless and late, older saves are refused; at submit or at the deadline the
attempt is graded on exactly what was saved.
"""
from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import and_, bindparam, false, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from lms.database import rows_changed, utcnow
from lms.extensions import db
from lms.models import User
from quizzes.grading import InvalidResponse, grade, validate_response
from quizzes.models import (Attempt, AttemptAnswer, AttemptQuestion, Question, QuestionOption, QuestionType,
                             Quiz, QuizKind)
from quizzes.signals import attempt_graded

TWO_PLACES = Decimal("0.01")


class QuizError(Exception):
    """A request the quiz rules refuse; ``code`` names the rule for the caller."""

    def __init__(self, code: str, message: str = "", **params):
        super().__init__(message or code)
        self.code = code
        self.params = params  # what the view needs to say it in the reader's language


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
    now = utcnow()
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    attempt = Attempt(quiz=quiz, user_id=user.id, number=used + 1, started_at=now, deadline=deadline)
    for position, (question, options) in enumerate(arrange(quiz, rng or random.SystemRandom()), start=1):
        attempt.slots.append(AttemptQuestion(question_id=question.id, position=position,
                                             option_order=[option.id for option in options]))
    db.session.add(attempt)
    db.session.flush()
    return attempt


# Choices are shuffled; true/false keeps "Đúng" before "Sai", and the other types list no choices.
_SHUFFLED_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE)


def arrange(quiz: Quiz, rng: random.Random) -> list[tuple[Question, list[QuestionOption]]]:
    """The quiz's asked questions with their options, in the order one sitting shows them.

    Where ``quiz.shuffle`` says so, the questions and the options of choice questions are put
    in ``rng``'s order (authors tend to write the right answer first); otherwise the order the
    author gave. The same ``rng`` state gives the same order.
    """
    arranged = [(item.question, list(item.question.options)) for item in quiz.asked_items]
    if quiz.shuffle:
        rng.shuffle(arranged)
        for question, options in arranged:
            if question.qtype in _SHUFFLED_TYPES:
                rng.shuffle(options)
    return arranged


SELF_CHECK_SEED = re.compile(r"[0-9a-f]{16}")


def new_self_check_seed() -> str:
    """A fresh seed for one visit to a self-check: the page carries it in the form, so the
    result shows the questions and options in the order the visitor answered them."""
    return secrets.token_hex(8)


def self_check_questions(quiz: Quiz, seed: str) -> list[tuple[Question, list[QuestionOption]]]:
    """The self-check's questions and options in the order of the visit named by ``seed``.

    Nothing is stored (a self-check needs no account): the order is derived from the seed and
    the quiz, the same on the page and on its result. ``ValueError`` for a seed that is not
    one ``new_self_check_seed`` makes.
    """
    if not SELF_CHECK_SEED.fullmatch(seed or ""):
        raise ValueError("malformed self-check seed")
    # A string seed is hashed by SHA-512 (random's version 2): the same in every process.
    return arrange(quiz, random.Random(f"self-check:{quiz.id}:{seed}"))


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


def _refuse_if_closed(attempt, now: datetime) -> None:
    """Raise ``"finished"`` or ``"timeout"`` for an attempt (or a row with its columns) no longer open."""
    if attempt.submitted_at is not None:
        raise QuizError("timeout" if attempt.finished_reason == "timeout" else "finished")
    if attempt.deadline is not None and now > attempt.deadline:
        raise QuizError("timeout")


# Sequence numbers are the client's milliseconds since the attempt began (quizzes/static/attempt.js).
MAX_SEQ = 2**31 - 1
_attempt, _slot, _answer = Attempt.__table__, AttemptQuestion.__table__, AttemptAnswer.__table__


def _answer_upsert(dialect_insert):
    """One statement that stores an answer, or replaces the stored one when ``seq`` is newer.

    Its source row exists only while the attempt is open (not submitted, deadline not passed),
    belongs to ``user_id`` and asks that question, so a save can never land in a closed or
    foreign attempt, whatever ran before it. On PostgreSQL the attempt row is read ``FOR SHARE``:
    a submit (which claims the attempt with an UPDATE before grading) either waits for this save
    and grades it, or committed first, and then this save stores nothing. SQLite runs one
    writing transaction at a time, which gives the same order.
    """
    source = (
        select(_attempt.c.id, _slot.c.question_id,
               bindparam("response", type_=_answer.c.response.type), bindparam("seq", type_=_answer.c.seq.type),
               bindparam("saved_at", type_=_answer.c.saved_at.type), false())
        .select_from(_attempt.join(_slot, _slot.c.attempt_id == _attempt.c.id))
        .where(_attempt.c.id == bindparam("attempt_id"), _attempt.c.user_id == bindparam("user_id"),
               _slot.c.question_id == bindparam("question_id"), _attempt.c.submitted_at.is_(None),
               or_(_attempt.c.deadline.is_(None), _attempt.c.deadline >= bindparam("saved_at")))
        .with_for_update(read=True, of=_attempt))
    statement = dialect_insert(_answer).from_select(
        [_answer.c.attempt_id, _answer.c.question_id, _answer.c.response, _answer.c.seq, _answer.c.saved_at,
         _answer.c.needs_marking], source)
    # SQLAlchemy keeps an UPDATE's row count by itself; an INSERT's must be asked for, or some
    # drivers (psycopg) report -1 once the cursor is closed.
    return statement.on_conflict_do_update(
        index_elements=[_answer.c.attempt_id, _answer.c.question_id],
        set_={"response": statement.excluded.response, "seq": statement.excluded.seq,
              "saved_at": statement.excluded.saved_at},
        where=_answer.c.seq < statement.excluded.seq).execution_options(preserve_rowcount=True)


_ANSWER_UPSERT = {"sqlite": _answer_upsert(sqlite_insert), "postgresql": _answer_upsert(postgresql_insert)}


# The save's first read, built once (only its parameters change): the attempt's owner and state,
# and the question if the attempt asks it (None otherwise), with its options to validate the answer.
_ATTEMPT_AND_QUESTION = (
    select(Attempt.user_id, Attempt.submitted_at, Attempt.finished_reason, Attempt.deadline, Question)
    .select_from(Attempt)
    .outerjoin(AttemptQuestion, and_(AttemptQuestion.attempt_id == Attempt.id,
                                     AttemptQuestion.question_id == bindparam("question_id")))
    .outerjoin(Question, Question.id == AttemptQuestion.question_id)
    .options(joinedload(Question.options))
    .where(Attempt.id == bindparam("attempt_id")))


def _store(attempt_id: int, user_id: int, question_id: int, response: dict | None, seq: int, now: datetime) -> bool:
    """Run the conditional upsert on the request's session; True when it stored the answer."""
    statement = _ANSWER_UPSERT[db.session.get_bind().dialect.name]
    stored = rows_changed(db.session, statement, {"attempt_id": attempt_id, "user_id": user_id,
                                                  "question_id": question_id, "response": response, "seq": seq,
                                                  "saved_at": now})
    return stored == 1


def save_answer(attempt_id: int, user_id: int, question_id: object, raw_response: dict | None,
                seq: object) -> SaveResult:
    """Save one answer of ``user_id``'s attempt, idempotently: the one autosave path.

    ``seq`` is the client's increasing sequence number. Saving the same ``seq`` again with the
    same response is a harmless retry (``stored`` False); a ``seq`` not newer than the stored
    one is refused (``"stale"``), as is any save after submit or past the deadline
    (``"finished"``/``"timeout"``), an answer to a question the attempt does not ask
    (``"unknown-question"``) or an invalid one (``"invalid-response"``). An attempt that is not
    ``user_id``'s is ``"not-owner"``, whatever else is wrong. The caller's transaction commits it.
    ``question_id`` and ``seq`` may be anything a JSON body holds: they are checked here.
    """
    plausible_id = isinstance(question_id, int) and not isinstance(question_id, bool) and 0 < question_id <= MAX_SEQ
    row = db.session.execute(_ATTEMPT_AND_QUESTION, {
        "attempt_id": attempt_id, "question_id": question_id if plausible_id else -1}).unique().first()
    if row is None or row.user_id != user_id:
        raise QuizError("not-owner")  # someone else's attempt stays unrevealed, whatever else was sent
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq <= MAX_SEQ:
        raise QuizError("invalid-seq")
    now = utcnow()
    _refuse_if_closed(row, now)
    if row.Question is None:
        raise QuizError("unknown-question")
    try:
        response = validate_response(row.Question, raw_response)
    except InvalidResponse as error:
        raise QuizError("invalid-response", str(error)) from error
    asked_id = row.Question.id  # the same id as question_id, now known to be one the attempt asks
    if _store(attempt_id, user_id, asked_id, response, seq, now):
        return SaveResult(seq=seq, stored=True, saved_at=now)
    # Not stored: the attempt closed since the first read, or an answer as new is stored.
    stored = db.session.execute(select(AttemptAnswer.seq, AttemptAnswer.response, AttemptAnswer.saved_at).where(
        AttemptAnswer.attempt_id == attempt_id, AttemptAnswer.question_id == asked_id)).first()
    if stored is not None and stored.seq == seq and stored.response == response:
        return SaveResult(seq=seq, stored=False, saved_at=stored.saved_at)
    _refuse_if_closed(db.session.execute(select(Attempt.submitted_at, Attempt.finished_reason, Attempt.deadline)
                                         .where(Attempt.id == attempt_id)).one(), now)
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
    e.g. from another tab or the autosave of a page that reloaded since: each field is saved
    by the same conditional upsert as an autosave, with the sequence number after the one seen.
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
        seen = page_seen or {}
        for question_id, response in cleaned.items():
            if response is None:
                continue  # a blank field never erases a saved answer
            # The same guard as every save: the page's answer is one step newer than the saved
            # answer it showed (``page_seen``), so it replaces that answer or fills a blank one,
            # never an answer saved since the page was shown (another tab, a reloaded page).
            _store(attempt.id, attempt.user_id, question_id, response, seen.get(question_id, 0) + 1, now)
    return _finalise(attempt, reason, now)


def _finalise(attempt: Attempt, reason: str, now: datetime) -> Attempt:
    # Claim the attempt with a conditional update so that two simultaneous finishes (a double
    # click, two tabs, the sweep) grade it exactly once: only the request that flips the row goes on.
    claimed = rows_changed(db.session,
        update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now, finished_reason=reason).execution_options(synchronize_session=False))
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


def mark_answer(answer: AttemptAnswer, credit: float, by: User | None = None) -> Attempt:
    """A person's mark for an essay (credit 0..1), recording who (``by``) and when; when nothing
    else waits, the attempt gets its score."""
    if not 0.0 <= credit <= 1.0:
        raise QuizError("invalid-mark")
    answer.credit, answer.needs_marking = credit, False
    answer.marked_by_id, answer.marked_at = (by.id if by is not None else None), utcnow()
    attempt = answer.attempt
    recompute_score(attempt)
    db.session.flush()
    if by is not None:
        from lms.services import audit

        audit("quiz.mark", f"attempt_answer:{answer.id}", {"credit": credit}, actor=by)
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
        return max(finished, key=lambda a: a.score or Decimal(0))
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
    # True/false keys stay "true"/"false" here: the view words them in the reader's language.
    key = correct_answer_text(question)
    return {"question_id": question_id, "qtype": question.qtype.value, "answered": response is not None,
            "credit": result.credit,
            "needs_marking": result.needs_marking, "feedback": feedback_for(question, response),
            "explanation": question.explanation, "correct": key}
