"""The question bank: categories, GIFT import and export, versions. Services flush only."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select, update

from lms.extensions import db
from lms.models import User
from lms.services import module_codes
from quizzes.gift import GiftAnswer, GiftError, GiftMatch, GiftQuestion, parse_gift, write_gift
from quizzes.models import (AttemptQuestion, Question, QuestionCategory, QuestionOption, QuestionStatus,
                            QuestionType, QuizItem)

DIFFICULTIES = ("easy", "medium", "hard")
_MODULE_RE = re.compile(r"\bIU(0[1-9]|1[0-5])\b")


class ImportError_(ValueError):
    """An import refused as a whole; ``errors`` lists (line, message) pairs."""

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
        return [QuestionOption(position=i, text=m.left, match_text=m.right, fraction=1.0 if m.left else 0.0)
                for i, m in enumerate(gift.matches)]
    return [QuestionOption(position=i, text=a.text, fraction=a.fraction, feedback=a.feedback,
                           tolerance=a.tolerance, min_value=a.min, max_value=a.max)
            for i, a in enumerate(gift.answers)]


def _apply(question: Question, gift: GiftQuestion) -> None:
    """Copy the wording, type and marking rules of ``gift`` onto ``question``."""
    tags = {t.lower() for t in gift.tags}
    question.name, question.idnumber = gift.name, gift.idnumber
    question.qtype = QuestionType(gift.qtype)
    question.difficulty = next((d for d in DIFFICULTIES if d in tags), "medium")
    question.text, question.text_format, question.explanation = gift.text, gift.text_format, gift.general_feedback
    question.case_sensitive = "case-sensitive" in tags
    question.ignore_diacritics = "ignore-diacritics" in tags


def question_from_gift(gift: GiftQuestion, *, module_code: str, category: QuestionCategory,
                       author: User | None = None) -> Question:
    """A new (unsaved) question built from a parsed GIFT question."""
    question = Question(module_code=module_code, category=category, status=QuestionStatus.ACTIVE,
                        created_by_id=author.id if author else None)
    _apply(question, gift)
    question.options = _options_from(gift)
    return question


def import_gift(text: str, *, default_category: str | None = None, default_module: str | None = None,
                author: User | None = None) -> ImportReport:
    """Import every question of a GIFT text, or none of them.

    Each question needs a framework module: a tag (``[tag:IU03]``), a category naming one,
    or ``default_module`` for files from elsewhere that carry none (Moodle's own files).
    Raises ``GiftError`` for a malformed file and ``ImportError_`` listing every question
    without a module; nothing is added to the session in either case.
    """
    parsed = parse_gift(text)
    known = set(module_codes())
    errors = []
    modules = []
    if default_module is not None and default_module not in known:
        raise ImportError_([(0, f"unknown framework module {default_module}")])
    for gift in parsed:
        module = _module_of(gift, known) or default_module
        if module is None:
            errors.append((gift.line, "no framework module: add a tag such as [tag:IU01] or a category IU01"))
        modules.append(module)
    if errors:
        raise ImportError_(errors)
    report = ImportReport()
    categories: dict[str, QuestionCategory] = {}
    for gift, module in zip(parsed, modules):
        path = gift.category or default_category or module
        if path not in categories:
            categories[path] = get_or_create_category(path)
        question = question_from_gift(gift, module_code=module, category=categories[path], author=author)
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
                        idnumber=question.idnumber)
    if question.qtype is QuestionType.MATCHING:
        gift.matches = [GiftMatch(left=o.text, right=o.match_text or "") for o in question.options]
    else:
        gift.answers = [GiftAnswer(text=o.text, fraction=o.fraction, feedback=o.feedback, tolerance=o.tolerance,
                                   min=o.min_value, max=o.max_value) for o in question.options]
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


def history(question: Question) -> list[Question]:
    """Every version of the question, newest first."""
    family = question.family_id or question.id
    return list(db.session.scalars(select(Question).where(Question.family_id == family)
                                   .order_by(Question.version.desc())))


__all__ = ["GiftError", "ImportError_", "ImportReport", "export_gift", "import_gift", "revise_question",
           "history", "current_questions", "get_or_create_category", "gift_from_question"]
