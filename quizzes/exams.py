"""Certification exam sessions: scheduling, candidates, per-candidate forms drawn from a
blueprint, marking, the board's approval and re-marks. Services flush; callers commit."""
from __future__ import annotations

import hmac
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from lms.database import utcnow
from lms.extensions import db
from lms.models import Agency, CompetencyStandard, User
from lms.permissions import scoped
from lms.services import audit
from lms.text import nfc
from quizzes.models import (Attempt, AttemptAnswer, AttemptQuestion, BlueprintRule, ExamCandidate, ExamSession, Question,
                            QuestionStatus, QuestionType, Quiz, QuizKind, Remark, Reveal)
from quizzes.services import QuizError, module_scores
from quizzes.signals import attempt_graded
from quizzes.signals import candidates_added, results_released

TWO_PLACES = Decimal("0.01")
# What an exam may choose: its key is never shown while candidates may still be answering.
EXAM_REVEALS = (Reveal.NEVER.value, Reveal.AFTER_CLOSE.value, Reveal.AFTER_APPROVAL.value)
DRAWABLE_TYPES = tuple(t for t in QuestionType if t is not QuestionType.DESCRIPTION)


@dataclass(frozen=True)
class RuleSpec:
    """One line of a blueprint as an examiner writes it."""

    module_code: str
    count: int
    difficulty: str | None = None


def create_session(*, title: str, opens_at: datetime, closes_at: datetime, time_limit_minutes: int,
                   agency: Agency | None, level: str = "basic", modules: list[str] | None = None,
                   access_code: str | None = None, has_practical: bool = True,
                   theory_weight: Decimal = Decimal("1.00"), practical_weight: Decimal = Decimal("1.00"),
                   theory_pass_mark: Decimal = Decimal("5.00"), practical_pass_mark: Decimal = Decimal("5.00"),
                   created_by: User | None = None, reveal: str | None = None,
                   pass_mark_reason: str | None = None) -> ExamSession:
    """Schedule a session (its exam quiz is created with it). ``reveal`` says when candidates may
    see the key (a ``Reveal`` value for an exam: never, after the session closes, after approval);
    None keeps the safe default (never).

    The standard's practice is enforced: a pass mark is 0 < mark ≤ 10, and one below 5/10 needs
    ``pass_mark_reason`` (recorded); a basic-level session assesses all the basic modules (IU01–
    IU06, given or not); an advanced one names the advanced modules (IU07–IU15) it assesses."""
    modules = check_modules(level, modules)
    pass_mark_reason = check_pass_marks((theory_pass_mark, practical_pass_mark if has_practical else None),
                                        pass_mark_reason)
    if closes_at <= opens_at:
        raise QuizError("window", "the session must close after it opens")
    if not 1 <= time_limit_minutes <= 600:
        raise QuizError("time-limit", "the time limit must be 1–600 minutes")
    if reveal is not None and reveal not in EXAM_REVEALS:
        raise QuizError("reveal")
    quiz = Quiz(title=nfc(title), kind=QuizKind.EXAM, pass_mark=theory_pass_mark, shuffle=True,
                time_limit_minutes=time_limit_minutes, reveal=reveal)
    session = ExamSession(title=nfc(title), quiz=quiz, agency_id=agency.id if agency else None, level=level,
                          modules=modules, opens_at=opens_at, pass_mark_reason=pass_mark_reason, closes_at=closes_at,
                          access_code=(access_code or "").strip() or None, time_limit_minutes=time_limit_minutes,
                          has_practical=has_practical, theory_weight=theory_weight,
                          practical_weight=practical_weight, theory_pass_mark=theory_pass_mark,
                          practical_pass_mark=practical_pass_mark,
                          created_by_id=created_by.id if created_by else None)
    db.session.add(session)
    db.session.flush()
    audit("exam.create", f"exam_session:{session.id}", {"title": session.title}, actor=created_by)
    return session


DEFAULT_PASS_MARK = Decimal("5.00")


def standard_modules() -> tuple[list[str], list[str]]:
    """The framework's basic modules (all required) and advanced modules, from its data."""
    rules = {standard.code: standard.rule for standard in db.session.scalars(select(CompetencyStandard))}
    basic = list(rules.get("BASIC", {}).get("requires_all", [])) or [f"IU0{n}" for n in range(1, 7)]
    advanced = list(rules.get("ADVANCED", {}).get("of", [])) or [f"IU{n:02d}" for n in range(7, 16)]
    return basic, advanced


def check_modules(level: str, modules: list[str] | None) -> list[str]:
    """The session's modules as the level requires them (see ``create_session``)."""
    modules = list(dict.fromkeys(code.strip().upper() for code in (modules or []) if code.strip()))
    basic, advanced = standard_modules()
    if level == "basic":
        if modules and sorted(modules) != sorted(basic):
            raise QuizError("basic-modules")
        return basic
    if level == "advanced":
        if not modules or not set(modules) <= set(advanced):
            raise QuizError("advanced-modules")
    return modules


def check_pass_marks(marks, reason: str | None) -> str | None:
    """Refuse a pass mark outside 0 < mark ≤ 10, or one below the default without a reason."""
    reason = nfc(reason or "").strip() or None
    lowered = False
    for mark in marks:
        if mark is None:
            continue
        if not Decimal(0) < mark <= Decimal(10):
            raise QuizError("pass-mark")
        lowered = lowered or mark < DEFAULT_PASS_MARK
    if lowered and reason is None:
        raise QuizError("pass-mark-reason")
    return reason if lowered else None


def _pool(rule: RuleSpec | BlueprintRule):
    query = select(Question.id).where(Question.is_current.is_(True), Question.status == QuestionStatus.ACTIVE,
                                      Question.module_code == rule.module_code, Question.qtype.in_(DRAWABLE_TYPES))
    if rule.difficulty:
        query = query.where(Question.difficulty == rule.difficulty)
    return query


def draw_form(rules: Sequence[RuleSpec | BlueprintRule], rng: random.Random) -> list[AttemptQuestion]:
    """One candidate's form: for each rule, ``count`` distinct active questions of its module (and
    difficulty) drawn at random, the whole shuffled, choices in a shuffled order; raises
    ``not-enough`` when the bank cannot fill a rule."""
    chosen: list[int] = []
    for rule in rules:
        pool = [qid for qid in db.session.scalars(_pool(rule)) if qid not in chosen]
        if len(pool) < rule.count:
            raise QuizError("not-enough")
        chosen.extend(rng.sample(pool, rule.count))
    rng.shuffle(chosen)
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(chosen)))}
    slots = []
    for position, question_id in enumerate(chosen, start=1):
        option_ids = [o.id for o in questions[question_id].options]
        if questions[question_id].qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE):
            rng.shuffle(option_ids)
        slots.append(AttemptQuestion(question_id=question_id, position=position, option_order=option_ids))
    return slots


def set_blueprint(session: ExamSession, rules: list[RuleSpec]) -> None:
    """Replace the blueprint; every rule must be satisfiable from the active bank."""
    if session.approved:
        raise QuizError("approved")
    if not rules:
        raise QuizError("empty-blueprint", "the blueprint needs at least one rule")
    needed: dict[tuple[str, str | None], int] = {}
    for rule in rules:
        if rule.count < 1:
            raise QuizError("count", module=rule.module_code)
        if session.modules and rule.module_code not in session.modules:
            raise QuizError("module-outside", module=rule.module_code, modules=", ".join(session.modules))
        key = (rule.module_code, rule.difficulty)
        needed[key] = needed.get(key, 0) + rule.count
    for (module, difficulty), count in needed.items():
        available = db.session.scalar(select(func.count()).select_from(
            _pool(RuleSpec(module, count, difficulty)).subquery())) or 0
        if available < count:
            raise QuizError("not-enough", f"{module}: {count} > {available}", module=module,
                            difficulty=difficulty or "", need=count, have=available)
    before = [f"{r.module_code} {r.difficulty or ''} {r.count}".replace("  ", " ") for r in session.rules]
    session.rules = [BlueprintRule(module_code=r.module_code, difficulty=r.difficulty, count=r.count) for r in rules]
    db.session.flush()
    after = [f"{r.module_code} {r.difficulty or ''} {r.count}".replace("  ", " ") for r in session.rules]
    audit("exam.blueprint", f"exam_session:{session.id}", {"before": before, "after": after})


def find_people(identifiers: list[str], by: User | None = None) -> tuple[list[User], list[tuple[int, str]]]:
    """Resolve usernames, e-mails or employee codes (one per line) among active accounts — those
    the examiner ``by`` may put on a candidate list (their scope), or any for a command (None);
    unknown ones are (line, text)."""
    people, unknown, seen = [], [], set()
    for line_number, raw in enumerate(identifiers, start=1):
        text = raw.strip()
        if not text:
            continue
        query = select(User).where(User.active.is_(True), (func.lower(User.username) == text.lower())
                                   | (func.lower(User.email) == text.lower()) | (User.employee_code == text))
        user = db.session.scalar(scoped(User, "enrol", query, actor=by) if by is not None else query)
        if user is None:
            unknown.append((line_number, text))
        elif user.id not in seen:
            seen.add(user.id)
            people.append(user)
    return people, unknown


@dataclass(frozen=True)
class RowProblem:
    """Why one line of a candidate list cannot be added: ``code`` is unknown, empty or name-mismatch."""

    line: int
    text: str
    code: str
    found_name: str = ""


def check_candidate_rows(rows, by: User | None = None) -> tuple[list[User], list[RowProblem]]:
    """Resolve a file's rows (``candidate_files.CandidateRow``): the people found, and each
    problem with its line (an unknown identifier, an empty one, a name that is not the account's)."""
    from lms.text import fold

    people, problems, seen = [], [], set()
    for row in rows:
        if not row.identifier:
            problems.append(RowProblem(row.line, row.name, "empty"))
            continue
        found, unknown = find_people([row.identifier], by)
        if unknown:
            problems.append(RowProblem(row.line, row.identifier, "unknown"))
            continue
        person = found[0]
        if row.name and fold(row.name).lower().split() != fold(person.full_name).lower().split():
            problems.append(RowProblem(row.line, f"{row.identifier} — {row.name}", "name-mismatch",
                                       person.full_name))
            continue
        if person.id not in seen:
            seen.add(person.id)
            people.append(person)
    return people, problems


def add_people(session: ExamSession, people: list[User], by: User | None = None) -> int:
    """Put people (already resolved) on the list; those listed already are left as they are."""
    if session.approved:
        raise QuizError("approved")
    listed = {c.user_id for c in session.candidates}
    new = [person for person in people if person.id not in listed]
    for person in new:
        session.candidates.append(ExamCandidate(user_id=person.id))
    db.session.flush()
    if new:
        audit("exam.candidates", f"exam_session:{session.id}", {"added": [person.id for person in new]}, actor=by)
    candidates_added.send(session, user_ids=[person.id for person in new])
    return len(new)


def add_candidates(session: ExamSession, identifiers: list[str], by: User | None = None) -> int:
    """Add people to the list, all or none: unknown identifiers raise with their line numbers."""
    if session.approved:
        raise QuizError("approved")
    people, unknown = find_people(identifiers, by)
    if unknown:
        raise QuizError("unknown-people", "; ".join(f"dòng {line}: {text}" for line, text in unknown))
    return add_people(session, people, by)


def candidate_of(session: ExamSession, user: User) -> ExamCandidate | None:
    """The person's place on the session's list."""
    return db.session.scalar(select(ExamCandidate).where(
        ExamCandidate.session_id == session.id, ExamCandidate.user_id == user.id))


def sessions_of_candidate(user: User) -> list[tuple[ExamSession, ExamCandidate]]:
    """Sessions the person is listed for, newest first."""
    rows = db.session.execute(select(ExamSession, ExamCandidate).join(ExamCandidate)
                              .where(ExamCandidate.user_id == user.id).order_by(ExamSession.opens_at.desc()))
    return [(row[0], row[1]) for row in rows]


def start_exam(session: ExamSession, user: User, access_code: str | None,
               rng: random.Random | None = None, now: datetime | None = None) -> Attempt:
    """Start (or resume) the candidate's attempt, drawing a fresh shuffled form from the blueprint."""
    now = now or utcnow()
    candidate = candidate_of(session, user)
    if candidate is None:
        raise QuizError("not-a-candidate")
    if candidate.attempt is not None:
        return candidate.attempt  # resume: same form, same deadline
    if session.approved:
        raise QuizError("absent")  # the approved list says "vắng thi": too late to start
    if now < session.opens_at or now > session.closes_at:
        raise QuizError("outside-window")
    if session.access_code and not hmac.compare_digest((access_code or "").strip().encode(),
                                                       session.access_code.encode()):
        raise QuizError("access-code")
    if not session.rules:
        raise QuizError("empty-blueprint")
    deadline = now + timedelta(minutes=session.time_limit_minutes + candidate.extra_minutes)
    attempt = Attempt(quiz=session.quiz, user_id=user.id, number=1, started_at=now, deadline=deadline)
    attempt.slots.extend(draw_form(session.rules, rng or random.SystemRandom()))
    db.session.add(attempt)
    candidate.attempt = attempt
    db.session.flush()
    return attempt


def set_extra_time(candidate: ExamCandidate, minutes: int, by: User | None = None) -> None:
    """Give a candidate extra minutes (e.g. a disability); moves a running deadline too."""
    if not 0 <= minutes <= 240:
        raise QuizError("extra-time", "extra time must be 0–240 minutes")
    if minutes != candidate.extra_minutes:
        audit("exam.extra_time", f"exam_candidate:{candidate.id}",
              {"before": candidate.extra_minutes, "after": minutes}, actor=by)
    change = minutes - candidate.extra_minutes
    candidate.extra_minutes = minutes
    attempt = candidate.attempt
    if attempt is not None and not attempt.finished and attempt.deadline is not None:
        attempt.deadline = attempt.deadline + timedelta(minutes=change)
    db.session.flush()


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def update_result(candidate: ExamCandidate) -> None:
    """Recompute a candidate's total and pass/fail from the parts' scores."""
    session = candidate.session
    theory, practical = candidate.theory_score, candidate.practical_score
    if theory is None or (session.has_practical and practical is None):
        candidate.total_score, candidate.passed = None, None
        return
    if session.has_practical and practical is not None:  # always present here (checked above)
        weights = session.theory_weight + session.practical_weight
        candidate.total_score = _round((theory * session.theory_weight + practical * session.practical_weight)
                                       / weights)
        candidate.passed = theory >= session.theory_pass_mark and practical >= session.practical_pass_mark
    else:
        candidate.total_score = theory
        candidate.passed = theory >= session.theory_pass_mark


def record_theory(attempt: Attempt) -> None:
    """Copy a graded exam attempt's scores onto its candidate (the attempt_graded listener)."""
    candidate = db.session.scalar(select(ExamCandidate).where(ExamCandidate.attempt_id == attempt.id))
    if candidate is None or attempt.score is None or candidate.session.approved:
        return
    candidate.theory_score = attempt.score
    candidate.module_scores = module_scores(attempt)
    update_result(candidate)
    db.session.flush()


def set_practical_score(candidate: ExamCandidate, score: Decimal, marker: User) -> None:
    """The marking board's practical score (0–10) before approval."""
    if candidate.session.approved:
        raise QuizError("approved")
    if not candidate.session.has_practical:
        raise QuizError("no-practical")
    if not Decimal(0) <= score <= Decimal(10):
        raise QuizError("invalid-mark", "scores are 0–10")
    candidate.practical_score = _round(score)
    candidate.practical_by_id, candidate.practical_at = marker.id, utcnow()
    update_result(candidate)
    db.session.flush()
    audit("exam.practical", f"exam_candidate:{candidate.id}", {"score": str(candidate.practical_score)}, actor=marker)


@dataclass(frozen=True)
class MissingMark:
    """A mark the result list still lacks: ``what`` is answering (not submitted yet), essay or practical."""

    candidate: ExamCandidate
    what: str
    count: int = 1


def missing_marks(session: ExamSession) -> list[MissingMark]:
    """Marks still missing before the list can be approved (absent candidates need none)."""
    missing = []
    for candidate in session.candidates:
        attempt = candidate.attempt
        if attempt is None:
            continue  # vắng thi
        if not attempt.finished:
            missing.append(MissingMark(candidate, "answering"))
            continue
        essays = sum(1 for answer in attempt.answers if answer.needs_marking)
        if essays:
            missing.append(MissingMark(candidate, "essay", essays))
        if session.has_practical and candidate.practical_score is None:
            missing.append(MissingMark(candidate, "practical"))
    return missing


def approve(session: ExamSession, approver: User, decision_number: str | None = None,
            decision_date: date | None = None) -> None:
    """The exam board's chair approves the result list under a decision (number and date);
    afterwards results are final and released to the candidates.

    Refused to the examiner who prepared the session (separation of duties), without a decision
    number and date, and while any mark is missing (``missing_marks``).
    """
    if session.approved:
        return
    if session.created_by_id is not None and approver.id == session.created_by_id:
        raise QuizError("preparer", "the examiner who prepared the session cannot approve its results")
    decision_number = nfc(decision_number or "").strip()
    if not decision_number or decision_date is None:
        raise QuizError("decision", "approval needs the decision number and date")
    pending = missing_marks(session)
    if pending:
        raise QuizError("unmarked", f"{len(pending)} marks are missing", count=len(pending))
    session.approved_at, session.approved_by_id = utcnow(), approver.id
    session.decision_number, session.decision_date = decision_number[:64], decision_date
    db.session.flush()
    audit("exam.approve", f"exam_session:{session.id}",
          {"passed": sum(1 for c in session.candidates if c.passed), "decision": session.decision_number,
           "decision_date": decision_date.isoformat()}, actor=approver)
    results_released.send(session)


def remark(candidate: ExamCandidate, part: str, score: Decimal, reason: str, by: User) -> Remark:
    """Re-mark a part after approval, keeping who, when, why, before and after."""
    if not candidate.session.approved:
        raise QuizError("not-approved", "before approval, change the mark directly")
    if part not in ("theory", "practical") or (part == "practical" and not candidate.session.has_practical):
        raise QuizError("part")
    if not Decimal(0) <= score <= Decimal(10):
        raise QuizError("invalid-mark", "scores are 0–10")
    reason = nfc(reason)
    if not reason:
        raise QuizError("reason", "a re-mark needs a reason")
    before = candidate.theory_score if part == "theory" else candidate.practical_score
    entry = Remark(candidate=candidate, part=part, before=before, after=_round(score), reason=reason, by_id=by.id)
    if part == "theory":
        candidate.theory_score = entry.after
    else:
        candidate.practical_score = entry.after
    update_result(candidate)
    db.session.add(entry)
    db.session.flush()
    audit("exam.remark", f"exam_candidate:{candidate.id}",
          {"part": part, "before": str(before) if before is not None else None, "after": str(entry.after)},
          note=reason, actor=by)
    return entry


MAX_BOARD_MEMBERS = 15


def set_board(session: ExamSession, lines: list[str], by: User) -> None:
    """Record the exam board's members ("Họ tên — nhiệm vụ" per line), printed on the result list."""
    if session.approved:
        raise QuizError("approved")
    members = [nfc(line).strip()[:200] for line in lines if line.strip()]
    if len(members) > MAX_BOARD_MEMBERS:
        raise QuizError("board-size", count=MAX_BOARD_MEMBERS)
    session.board_members = members
    db.session.flush()
    audit("exam.board", f"exam_session:{session.id}", {"members": members}, actor=by)


def monitor_rows(session: ExamSession, now: datetime | None = None) -> list[dict]:
    """Each candidate's state for the examiner's monitoring page: not started, answering (how many
    questions answered, the last save, time left) or submitted; absent once the list is approved."""
    from lms.text import name_sort_key
    from lms.timefmt import format_datetime

    now = now or utcnow()
    attempt_ids = [c.attempt_id for c in session.candidates if c.attempt_id is not None]
    answered: dict[int, tuple[int, datetime | None]] = {}
    asked: dict[int, int] = {}
    if attempt_ids:
        for attempt_id, count, last in db.session.execute(
                select(AttemptAnswer.attempt_id, func.count(AttemptAnswer.response), func.max(AttemptAnswer.saved_at))
                .where(AttemptAnswer.attempt_id.in_(attempt_ids), AttemptAnswer.seq > 0)
                .group_by(AttemptAnswer.attempt_id)):
            answered[attempt_id] = (count, last)
        asked = {attempt_id: count for attempt_id, count in db.session.execute(
            select(AttemptQuestion.attempt_id, func.count())
            .where(AttemptQuestion.attempt_id.in_(attempt_ids))
            .group_by(AttemptQuestion.attempt_id)).all()}
    rows = []
    for candidate in sorted(session.candidates, key=lambda c: name_sort_key(c.user.full_name)):
        attempt = candidate.attempt
        row = {"candidate_id": candidate.id, "name": candidate.user.full_name, "extra_minutes": candidate.extra_minutes,
               "answered": 0, "questions": session.question_count, "last_save": None, "last_save_text": "",
               "seconds_left": None, "submitted_at": None, "submitted_text": ""}
        if attempt is None:
            row["state"] = "absent" if session.approved or now > session.closes_at else "not_started"
        else:
            count, last_saved = answered.get(attempt.id, (0, None))
            row.update(answered=count, questions=asked.get(attempt.id, row["questions"]),
                       last_save=last_saved.isoformat() if last_saved else None,
                       last_save_text=format_datetime(last_saved))
            deadline = attempt.deadline
            if attempt.finished or (deadline is not None and now > deadline):
                row["state"] = "submitted"
                submitted = attempt.submitted_at or deadline
                row.update(submitted_at=submitted.isoformat() if submitted else None, submitted_text=format_datetime(submitted))
            else:
                row["state"] = "answering"
                row["seconds_left"] = max(0, int((deadline - now).total_seconds())) if deadline else None
        rows.append(row)
    return rows


def progress(session: ExamSession) -> dict[str, int]:
    """How many candidates have not started, are working, or have finished."""
    counts = {"listed": len(session.candidates), "started": 0, "finished": 0}
    for candidate in session.candidates:
        if candidate.attempt is not None:
            counts["started"] += 1
            counts["finished"] += candidate.attempt.finished
    return counts


def connect() -> None:
    """Keep candidates' results in step with their graded attempts."""
    attempt_graded.connect(_on_graded)


def _on_graded(attempt: Attempt, **extra) -> None:
    if attempt.quiz.kind is QuizKind.EXAM:
        record_theory(attempt)
