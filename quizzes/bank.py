"""The question bank: categories, GIFT import and export, versions. Services flush only."""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, select, update

from lms.extensions import db
from lms.models import User
from lms.services import module_codes
from lms.text import fold
from quizzes.analysis import Flag, ItemAnalysis, ResponseRecord, analyse_items
from quizzes.excel import ParsedRow
from quizzes.gift import GiftAnswer, GiftError, GiftMatch, GiftQuestion, parse_gift, write_gift
from quizzes.models import (Attempt, AttemptAnswer, AttemptQuestion, Question, QuestionCategory, QuestionOption,
                            QuestionStatus, QuestionType, Quiz, QuizItem, QuizKind)

DIFFICULTIES = ("easy", "medium", "hard")
# Difficulty tags authors may write in Vietnamese ([tag:dễ], [tag:trung bình], [tag:khó]), compared
# without diacritics, case or spacing; the bank stores and exports Moodle's easy/medium/hard.
_DIFFICULTY_TAGS = {**{d: d for d in DIFFICULTIES}, "de": "easy", "trungbinh": "medium", "kho": "hard"}


def difficulty_of(tags: Collection[str]) -> str:
    """The difficulty a question's tags name ("medium" when none does)."""
    named = {_DIFFICULTY_TAGS.get("".join(fold(tag).split()).replace("-", "")) for tag in tags}
    return next((d for d in DIFFICULTIES if d in named), "medium")
_MODULE_RE = re.compile(r"\bIU(0[1-9]|1[0-5])\b")


class ImportError_(ValueError):
    """An import refused as a whole; ``errors`` lists (line, message) pairs (messages translate when shown)."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__("; ".join(f"line {line}: {message}" for line, message in errors))


@dataclass
class ImportReport:
    """What an import created, by question type."""

    counts: Counter = field(default_factory=Counter)
    questions: list[Question] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def get_or_create_category(path: str) -> QuestionCategory:
    """The category with this path ("IU01" or "Ngân hàng/IU01"), created if missing."""
    path = "/".join(part.strip() for part in (path or "Mặc định").split("/") if part.strip()) or "Mặc định"
    category = db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == path))
    if category is None:
        category = QuestionCategory(path=path[:512])
        db.session.add(category)
        db.session.flush()
    return category


def _module_of(gift: GiftQuestion, known: set[str]) -> str | None:
    for tag in gift.tags:
        if tag.upper() in known:
            return tag.upper()
    match = _MODULE_RE.search(gift.category or "")
    return match.group(0) if match and match.group(0) in known else None


def _options_from(gift: GiftQuestion) -> list[QuestionOption]:
    if gift.qtype == "matching":
        return [QuestionOption(position=i, text=m.left, match_text=m.right, fraction=1.0 if m.left else 0.0,
                               text_format=m.left_format) for i, m in enumerate(gift.matches)]
    return [QuestionOption(position=i, text=a.text, fraction=a.fraction, feedback=a.feedback,
                           tolerance=a.tolerance, min_value=a.min, max_value=a.max, text_format=a.text_format,
                           feedback_format=a.feedback_format)
            for i, a in enumerate(gift.answers)]


def _apply(question: Question, gift: GiftQuestion) -> None:
    """Copy the wording, type and marking rules of ``gift`` onto ``question``."""
    tags = {t.lower() for t in gift.tags}
    question.name, question.idnumber = gift.name, gift.idnumber
    question.qtype = QuestionType(gift.qtype)
    question.difficulty = difficulty_of(tags)
    question.text, question.text_format, question.explanation = gift.text, gift.text_format, gift.general_feedback
    question.explanation_format = gift.general_feedback_format
    question.case_sensitive = "case-sensitive" in tags
    question.ignore_diacritics = "ignore-diacritics" in tags


def question_from_gift(gift: GiftQuestion, *, module_code: str, category: QuestionCategory | None,
                       author: User | None = None) -> Question:
    """A new (unsaved) question built from a parsed GIFT question."""
    question = Question(module_code=module_code, category=category, status=QuestionStatus.ACTIVE,
                        created_by_id=author.id if author else None)
    _apply(question, gift)
    question.options = _options_from(gift)
    return question


def import_gift(text: str, *, default_category: str | None = None, default_module: str | None = None,
                author: User | None = None, file_categories: bool = True) -> ImportReport:
    """Import every question of a GIFT text, or none of them.

    Each question needs a framework module: a tag (``[tag:IU03]``), a category naming one,
    or ``default_module`` for files from elsewhere that carry none (Moodle's own files).
    Questions go into their ``$CATEGORY``, else ``default_category``, else their module's;
    with ``file_categories=False`` the file's ``$CATEGORY`` lines are ignored for placing
    them (Moodle's "get category from file" unticked), so that a bank can be copied into
    a new category. Raises ``GiftError`` for a malformed file and ``ImportError_`` listing
    every question without a module; nothing is added to the session in either case.
    """
    parsed = parse_gift(text)
    known = set(module_codes())
    errors = []
    if default_module is not None and default_module not in known:
        raise ImportError_([(0, _l("không có mô-đun %(module)s trong khung kỹ năng (IU01–IU15)",
                                   module=default_module))])
    placed: list[tuple[GiftQuestion, str]] = []
    for gift in parsed:
        module = _module_of(gift, known) or default_module
        if module is None:
            errors.append((gift.line, _l("câu hỏi chưa gắn mô-đun khung kỹ năng: thêm thẻ như [tag:IU01] "
                                         "hoặc đặt vào danh mục IU01")))
        else:
            placed.append((gift, module))
    if errors:
        raise ImportError_(errors)
    entries = [(gift, module, (gift.category if file_categories else "") or default_category or module, "")
               for gift, module in placed]
    return _add_questions(entries, author)


def import_parsed(rows: Sequence[ParsedRow], *, default_category: str | None = None,
                  author: User | None = None) -> ImportReport:
    """Import the questions read from an Excel sheet (``excel.parse_question_sheet``), or none.

    Each question goes into ``default_category``, else its module's, and keeps the sheet's
    topic. Raises ``ImportError_`` with the Excel rows of modules the framework lacks.
    """
    known = set(module_codes())
    errors = [(row.row, _l("không có mô-đun %(module)s trong khung kỹ năng (IU01–IU15)", module=row.module))
              for row in rows if row.module not in known]
    # "Mã câu" names a question in the bank: a sheet that repeats one already there is refused
    # (it would add a second question under the same code, and the bank could no longer go out
    # as one sheet). To change a question, edit it in the bank, where its versions are kept.
    existing = names_in_bank({row.question.name for row in rows if row.question.name})
    errors += [(row.row, _l("Mã câu «%(name)s» đã có trong ngân hàng (danh mục «%(category)s»); đặt mã khác, "
                            "hoặc sửa câu hỏi đó ngay trong ngân hàng", name=row.question.name,
                            category=existing[row.question.name.casefold()]))
               for row in rows if row.question.name and row.question.name.casefold() in existing]
    if errors:
        raise ImportError_(sorted(errors, key=lambda error: error[0]))
    return _add_questions([(row.question, row.module, default_category or row.module, row.topic) for row in rows],
                          author)


def names_in_bank(names: Collection[str]) -> dict[str, str]:
    """Of ``names``, those a current question of the bank already bears (compared without case),
    each with that question's category path."""
    folded = {name.casefold() for name in names}
    if not folded:
        return {}
    # Compared in Python: SQLite's lower() leaves Vietnamese capitals (Â, Ư...) as they are.
    rows = db.session.execute(select(Question.name, QuestionCategory.path).outerjoin(QuestionCategory)
                              .where(Question.is_current.is_(True), Question.name != ""))
    return {name.casefold(): path or "" for name, path in rows if name.casefold() in folded}


def _add_questions(entries: Sequence[tuple[GiftQuestion, str, str, str]], author: User | None) -> ImportReport:
    """Add (question, module, category path, topic) entries as first versions of new questions."""
    report = ImportReport()
    by_path: dict[str, QuestionCategory] = {}
    for gift, module, path, topic in entries:
        if path not in by_path:
            by_path[path] = get_or_create_category(path)
        question = question_from_gift(gift, module_code=module, category=by_path[path], author=author)
        question.topic = topic
        db.session.add(question)
        report.questions.append(question)
        report.counts[gift.qtype] += 1
    db.session.flush()
    for question in report.questions:
        question.family_id = question.id
    db.session.flush()
    return report


def gift_from_question(question: Question) -> GiftQuestion:
    """The GIFT form of a stored question (module and difficulty become tags)."""
    tags = [question.module_code, question.difficulty]
    if question.case_sensitive:
        tags.append("case-sensitive")
    if question.ignore_diacritics:
        tags.append("ignore-diacritics")
    gift = GiftQuestion(qtype=question.qtype.value, name=question.name, text=question.text,
                        text_format=question.text_format, general_feedback=question.explanation,
                        category=question.category.path if question.category else "", tags=tags,
                        idnumber=question.idnumber, general_feedback_format=question.explanation_format or "")
    if question.qtype is QuestionType.MATCHING:
        gift.matches = [GiftMatch(left=o.text, right=o.match_text or "", left_format=o.text_format or "")
                        for o in question.options]
    else:
        gift.answers = [GiftAnswer(text=o.text, fraction=o.fraction, feedback=o.feedback, tolerance=o.tolerance,
                                   min=o.min_value, max=o.max_value, text_format=o.text_format or "",
                                   feedback_format=o.feedback_format or "") for o in question.options]
    return gift


def current_questions(category_path: str | None = None) -> list[Question]:
    """Current versions of the bank's questions (of one category and its children if given)."""
    query = select(Question).where(Question.is_current.is_(True)).order_by(Question.category_id, Question.id)
    if category_path:
        query = query.join(QuestionCategory).where(
            (QuestionCategory.path == category_path) | QuestionCategory.path.startswith(category_path + "/"))
    return list(db.session.scalars(query))


def export_gift(questions: list[Question]) -> str:
    """GIFT text for ``questions``, grouped by category."""
    ordered = sorted(questions, key=lambda q: ((q.category.path if q.category else ""), q.id))
    return write_gift([gift_from_question(q) for q in ordered])


def is_used(question: Question) -> bool:
    """True once any attempt has shown this version (its wording is then frozen)."""
    return db.session.scalar(select(AttemptQuestion.id).where(AttemptQuestion.question_id == question.id)
                             .limit(1)) is not None


def revise_question(question: Question, changes: GiftQuestion, author: User | None = None) -> Question:
    """Apply an edit. An unused question changes in place; a used one gets a new version.

    Quizzes that held the old version hold the new one afterwards; attempts keep the old one.
    """
    if not is_used(question):
        _apply(question, changes)
        question.options = _options_from(changes)
        db.session.flush()
        return question
    successor = question_from_gift(changes, module_code=question.module_code, category=question.category,
                                   author=author)
    successor.family_id = question.family_id or question.id
    successor.version = question.version + 1
    successor.topic = question.topic
    question.is_current = False
    db.session.add(successor)
    db.session.flush()
    db.session.execute(update(QuizItem).where(QuizItem.question_id == question.id)
                       .values(question_id=successor.id).execution_options(synchronize_session=False))
    return successor


def _family(question: Question) -> ColumnElement[bool]:
    # A first version saved without a family id (older rows, test factories) is its own family.
    family = question.family_id or question.id
    return (Question.family_id == family) | (Question.id == family)


def history(question: Question) -> list[Question]:
    """Every version of the question, newest first."""
    return list(db.session.scalars(select(Question).where(_family(question)).order_by(Question.version.desc())))


def current_version(question: Question) -> Question:
    """The current version of the question's family (the question itself when it is current)."""
    if question.is_current:
        return question
    return db.session.scalar(select(Question).where(_family(question), Question.is_current.is_(True))) or question


def attempt_count(question: Question) -> int:
    """How many attempts have shown this version."""
    return db.session.scalar(select(func.count(AttemptQuestion.id))
                             .where(AttemptQuestion.question_id == question.id)) or 0


def authors_of(questions: Sequence[Question]) -> dict[int, User]:
    """The people who wrote these question versions, by user id."""
    ids = {q.created_by_id for q in questions if q.created_by_id is not None}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


class EditOutcome(StrEnum):
    """What an author's edit did to the bank."""

    UNCHANGED = "unchanged"
    CHANGED = "changed"  # an unused question, changed in place
    NEW_VERSION = "new_version"  # a used question, succeeded by a new version


def edit_question(question: Question, changes: GiftQuestion,
                  author: User | None = None) -> tuple[Question, EditOutcome]:
    """Apply an author's edit written as one GIFT question; return the current version and what happened.

    The text's ``$CATEGORY`` is ignored (the question stays in its category); a module tag
    (``[tag:IU03]``) moves the question to that module, and without one it keeps its own.
    An edit that says exactly what the question already says changes nothing; any other
    goes through ``revise_question`` (in place if unused, as a new version if used), and
    the question keeps its status and topic.
    """
    module = _module_of(replace(changes, category=""), set(module_codes())) or question.module_code
    tags = {t.lower() for t in changes.tags}
    # The edit in the form gift_from_question writes: tags it does not store are dropped.
    normalised = replace(changes, category=question.category.path if question.category else "",
                         tags=[module, difficulty_of(tags),
                               *(t for t in ("case-sensitive", "ignore-diacritics") if t in tags)])
    if normalised == gift_from_question(question):
        return question, EditOutcome.UNCHANGED
    result = revise_question(question, changes, author)
    result.module_code, result.status = module, question.status
    db.session.flush()
    return result, EditOutcome.CHANGED if result is question else EditOutcome.NEW_VERSION


def set_status(question: Question, status: QuestionStatus) -> None:
    """Retire the current version (it is never drawn again; attempts keep it) or make it active again."""
    if not question.is_current:
        raise ValueError("only the current version of a question has a status that matters")
    question.status = status
    db.session.flush()


# --------------------------------------------------------------------------- the bank list


@dataclass(frozen=True)
class BankFilter:
    """What the bank list is narrowed to; None (or "" for the text) means any."""

    category: QuestionCategory | None = None
    module: str | None = None
    qtype: QuestionType | None = None
    status: QuestionStatus | None = None
    difficulty: str | None = None
    text: str = ""


@dataclass(frozen=True)
class BankPage:
    """One page of current questions and how many match in all."""

    questions: list[Question]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the matches fill (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))


def categories() -> list[QuestionCategory]:
    """Every category, by path."""
    return list(db.session.scalars(select(QuestionCategory).order_by(QuestionCategory.path)))


def _folded(text: str) -> str:
    return " ".join(fold(text).split())


def search_questions(filters: BankFilter, page: int = 1, per_page: int = 50) -> BankPage:
    """Current questions matching ``filters`` (a category includes its subcategories), by module then id.

    The text search ignores case, diacritics and spacing (``lms.text.fold``) over the name,
    topic and text. It runs in Python over what the other filters leave, because SQLite and
    PostgreSQL share no accent-folding function and the bank keeps no folded column; only
    ids and texts are read for it, and whole questions for the page shown.
    """
    query = select(Question.id).where(Question.is_current.is_(True))
    if filters.category is not None:
        path = filters.category.path
        query = query.join(QuestionCategory, QuestionCategory.id == Question.category_id).where(
            (QuestionCategory.path == path) | QuestionCategory.path.startswith(path + "/", autoescape=True))
    for column, value in ((Question.module_code, filters.module), (Question.qtype, filters.qtype),
                          (Question.status, filters.status), (Question.difficulty, filters.difficulty)):
        if value is not None:
            query = query.where(column == value)
    query = query.order_by(Question.module_code, Question.id)
    needle = _folded(filters.text)
    if needle:
        rows = db.session.execute(query.add_columns(Question.name, Question.topic, Question.text))
        ids = [row.id for row in rows if needle in _folded(f"{row.name} {row.topic} {row.text}")]
    else:
        ids = list(db.session.scalars(query))
    page = min(max(1, page), max(1, math.ceil(len(ids) / per_page)))
    shown = ids[(page - 1) * per_page:page * per_page]
    loaded = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(shown)))}
    return BankPage([loaded[i] for i in shown], len(ids), page, per_page)


_TAG_RE = re.compile(r"<[^>]*>")


def question_label(question: Question, length: int = 80) -> str:
    """A one-line label for lists and reports: the name, then the start of the text."""
    text = " ".join(_TAG_RE.sub(" ", question.text).split())
    if len(text) > length:
        text = text[:length - 1].rstrip() + "…"
    return f"{question.name} — {text}" if question.name else text


# --------------------------------------------------------------------------- item analysis

#: Quiz kinds whose statistics flag questions in the bank list. Practice quizzes are left
#: out: they are retaken at will and never count, so their numbers say little of a question.
FLAGGED_KINDS = (QuizKind.EXAM, QuizKind.COURSE)
_CHOICE_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE, QuestionType.TRUE_FALSE)


class QuizAnalysis(NamedTuple):
    """A quiz's item analysis, with a label and the version of each question it covers."""

    analysis: ItemAnalysis
    labels: dict[int, str]
    questions: dict[int, Question]


@dataclass(frozen=True)
class QuizFlags:
    """The flags one quiz's item analysis raises on a question."""

    quiz: Quiz
    flags: tuple[Flag, ...]


def _option_key(question: Question) -> list[tuple[int, bool]]:
    # A multiple-response question shares its marks among its right options (50 % + 50 %), so
    # there an option is right when it earns credit; elsewhere only a full-credit option is.
    if question.qtype is QuestionType.MULTIPLE_RESPONSE:
        return [(option.id, option.fraction > 0) for option in question.options]
    return [(option.id, option.fraction >= 1.0) for option in question.options]


def _chosen(response: dict | None) -> tuple[int, ...]:
    if not response:
        return ()
    if "option" in response:
        return (response["option"],)
    return tuple(response.get("options", ()))


@dataclass
class _Responses:
    """Response records of finished attempts, by quiz, with the question versions they answer."""

    records: dict[int, list[ResponseRecord]] = field(default_factory=dict)
    # quiz id -> question id -> Counter of the number of graded questions of the attempts showing it
    sizes: dict[int, dict[int, Counter[int]]] = field(default_factory=dict)
    questions: dict[int, Question] = field(default_factory=dict)

    def analyse(self, quiz_id: int) -> ItemAnalysis:
        """The item analysis of one quiz's records."""
        # Attempt.score is out of 10 with every graded question worth the same, so a question
        # carries 10 / (graded questions of the attempt). Should a quiz have changed size between
        # attempts, the commonest size stands for all: a slightly wrong weight only shifts the
        # "rest of the quiz" score of the few attempts of another size.
        weights = {question_id: 10 / sizes.most_common(1)[0][0]
                   for question_id, sizes in self.sizes.get(quiz_id, {}).items()}
        options = {question_id: _option_key(question) for question_id, question in self.questions.items()
                   if question.qtype in _CHOICE_TYPES}
        return analyse_items(self.records.get(quiz_id, []), options, weights=weights)


def _responses(attempts: Select, question_ids: Collection[int] | None = None) -> _Responses:
    """The records of the finished, fully marked attempts whose ids ``attempts`` selects.

    Only ``question_ids`` are read when given. An unanswered question has credit None, as
    ``quizzes.analysis`` expects; descriptions carry no marks and have no record.
    """
    finished = attempts.where(Attempt.submitted_at.is_not(None), Attempt.score.is_not(None))
    totals = {row.id: (row.quiz_id, float(row.score)) for row in db.session.execute(
        select(Attempt.id, Attempt.quiz_id, Attempt.score).where(Attempt.id.in_(finished)))}
    graded_counts = dict(db.session.execute(
        select(AttemptQuestion.attempt_id, func.count()).join(Question, Question.id == AttemptQuestion.question_id)
        .where(AttemptQuestion.attempt_id.in_(finished), Question.qtype != QuestionType.DESCRIPTION)
        .group_by(AttemptQuestion.attempt_id)).all())
    slots = select(AttemptQuestion.attempt_id, AttemptQuestion.question_id).where(
        AttemptQuestion.attempt_id.in_(finished))
    answers = select(AttemptAnswer.attempt_id, AttemptAnswer.question_id, AttemptAnswer.response,
                     AttemptAnswer.credit).where(AttemptAnswer.attempt_id.in_(finished))
    if question_ids is not None:
        slots = slots.where(AttemptQuestion.question_id.in_(question_ids))
        answers = answers.where(AttemptAnswer.question_id.in_(question_ids))
    slot_rows = db.session.execute(slots).all()
    answered = {(row.attempt_id, row.question_id): (row.response, row.credit) for row in db.session.execute(answers)}
    result = _Responses()
    result.questions = {q.id: q for q in db.session.scalars(
        select(Question).where(Question.id.in_({question_id for _, question_id in slot_rows})))}
    for attempt_id, question_id in slot_rows:
        # An attempt finished between these reads is skipped rather than half counted.
        if attempt_id not in totals or attempt_id not in graded_counts \
                or not result.questions[question_id].qtype.graded:
            continue
        quiz_id, total = totals[attempt_id]
        response, credit = answered.get((attempt_id, question_id), (None, None))
        result.records.setdefault(quiz_id, []).append(ResponseRecord(
            attempt_id=attempt_id, question_id=question_id, credit=None if response is None else credit,
            chosen_option_ids=_chosen(response), total_score=total))
        result.sizes.setdefault(quiz_id, {}).setdefault(question_id, Counter())[graded_counts[attempt_id]] += 1
    return result


def analyse_quiz(quiz: Quiz) -> QuizAnalysis:
    """The item analysis (``quizzes.analysis``) of the quiz's finished, fully marked attempts.

    Totals are ``Attempt.score`` out of 10, each question weighing 10 / (graded questions of
    the attempt); choice questions get a distractor analysis, where the right options are
    those with full credit (any credit for multiple response).
    """
    responses = _responses(select(Attempt.id).where(Attempt.quiz_id == quiz.id))
    analysis = responses.analyse(quiz.id)
    questions = {question_id: responses.questions[question_id] for question_id in analysis.questions}
    return QuizAnalysis(analysis, {question_id: question_label(q) for question_id, q in questions.items()},
                        questions)


def flags_of(questions: Sequence[Question]) -> dict[int, list[QuizFlags]]:
    """Question id -> the flags raised on that version by each exam or course quiz that used it.

    A question's statistics depend on its own responses and the attempts' totals alone, so
    only the responses to these questions are read, yet the flags are the ones the quiz's
    analysis page shows.
    """
    ids = [q.id for q in questions]
    if not ids:
        return {}
    attempts = (select(Attempt.id).join(Quiz, Quiz.id == Attempt.quiz_id).where(
        Quiz.kind.in_(FLAGGED_KINDS),
        Attempt.id.in_(select(AttemptQuestion.attempt_id).where(AttemptQuestion.question_id.in_(ids)))))
    responses = _responses(attempts, ids)
    quizzes = {quiz.id: quiz for quiz in db.session.scalars(select(Quiz).where(Quiz.id.in_(responses.records)))}
    result: dict[int, list[QuizFlags]] = {}
    for quiz_id in responses.records:
        for stats in responses.analyse(quiz_id).questions.values():
            if stats.flags:
                result.setdefault(stats.question_id, []).append(QuizFlags(quizzes[quiz_id], stats.flags))
    return result


def analysed_quizzes(limit: int = 20) -> list[tuple[Quiz, int]]:
    """The ``limit`` newest quizzes with finished, fully marked attempts, and how many: the analyses to read."""
    rows = db.session.execute(
        select(Quiz, func.count(Attempt.id)).join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.submitted_at.is_not(None), Attempt.score.is_not(None))
        .group_by(Quiz.id).order_by(Quiz.created_at.desc(), Quiz.id.desc()).limit(limit))
    return [(quiz, count) for quiz, count in rows]


__all__ = ["GiftError", "ImportError_", "ImportReport", "export_gift", "import_gift", "import_parsed",
           "revise_question", "edit_question", "EditOutcome", "set_status", "current_version", "attempt_count",
           "authors_of", "history", "current_questions", "get_or_create_category", "gift_from_question",
           "BankFilter", "BankPage", "categories", "search_questions", "question_label", "QuizAnalysis",
           "QuizFlags", "analyse_quiz", "flags_of", "analysed_quizzes", "FLAGGED_KINDS"]
