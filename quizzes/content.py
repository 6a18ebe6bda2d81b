"""Load the question bank, practice quizzes, guide self-checks and course final quizzes
from ``content/`` (GIFT files). Questions are matched by category and name, so reloading
updates them in place (or adds a version if attempts used them) instead of duplicating."""
from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select

from courses.models import Course, Guide
from courses.services import touch_course
from lms.content import ContentError, Problem, read_document
from lms.extensions import db
from lms.services import module_codes
from quizzes import bank
from quizzes.gift import GiftError, GiftQuestion, parse_gift
from quizzes.models import Question, QuestionCategory, QuestionStatus, QuestionType, Quiz, QuizItem, QuizKind

FINAL_QUIZ_SIZE = 10
FINAL_QUIZ_PASS_MARK = Decimal("7.00")
FINAL_QUIZ_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE, QuestionType.TRUE_FALSE)


def _parse(path: Path, problems: list[Problem]) -> list[GiftQuestion]:
    try:
        questions = parse_gift(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        problems.append(Problem(path, 1, f"not UTF-8 text (byte {error.start})"))
        return []
    except GiftError as error:
        problems.append(Problem(path, error.line, error.message))
        return []
    known, names = set(module_codes()), set()
    for question in questions:
        if not question.name:
            problems.append(Problem(path, question.line, "every question needs a name (::name::)"))
        elif question.name in names:
            problems.append(Problem(path, question.line, f"another question in this file is also named '{question.name}'"))
        names.add(question.name)
        if not any(tag.upper() in known for tag in question.tags):
            problems.append(Problem(path, question.line, "no framework module tag such as [tag:IU01]"))
    return questions


def _module(gift: GiftQuestion) -> str:
    known = set(module_codes())
    return next(tag.upper() for tag in gift.tags if tag.upper() in known)


def _sync_category(path: str, gifts: list[GiftQuestion]) -> list[Question]:
    """Make the category hold exactly ``gifts`` (by name); return their current versions in order."""
    category = bank.get_or_create_category(path)
    current = {q.name: q for q in db.session.scalars(select(Question).where(
        Question.category_id == category.id, Question.is_current.is_(True)))}
    result = []
    for gift in gifts:
        gift.category = path
        existing = current.pop(gift.name, None)
        if existing is None:
            question = bank.question_from_gift(gift, module_code=_module(gift), category=category)
            db.session.add(question)
            db.session.flush()
            question.family_id = question.id
        elif bank.gift_from_question(existing) != _normalised(gift, existing):
            question = bank.revise_question(existing, gift)
            question.module_code = _module(gift)
            question.status = QuestionStatus.ACTIVE
        else:
            question = existing
            question.status = QuestionStatus.ACTIVE
        result.append(question)
    for leftover in current.values():  # removed from the file: kept for history, never drawn again
        leftover.status = QuestionStatus.RETIRED
    db.session.flush()
    return result


def _normalised(gift: GiftQuestion, existing: Question) -> GiftQuestion:
    """``gift`` with its tags in the form gift_from_question writes, for comparison."""
    tags = {t.lower() for t in gift.tags}
    difficulty = bank.difficulty_of(tags)
    extra = [t for t in ("case-sensitive", "ignore-diacritics") if t in tags]
    return GiftQuestion(qtype=gift.qtype, name=gift.name, text=gift.text, text_format=gift.text_format,
                        answers=gift.answers, matches=gift.matches, general_feedback=gift.general_feedback,
                        general_feedback_format=gift.general_feedback_format,
                        category=gift.category, tags=[_module(gift), difficulty, *extra], idnumber=gift.idnumber)


def _set_items(quiz: Quiz, questions: list[Question]) -> None:
    """Give ``quiz`` exactly these questions in this order, reusing rows (no unique clashes)."""
    existing = {item.question_id: item for item in quiz.items}
    items = []
    for position, question in enumerate(questions, start=1):
        item = existing.pop(question.id, None) or QuizItem(question=question)
        item.position = position
        items.append(item)
    quiz.items = items


def _quiz(slug: str) -> Quiz:
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == slug))
    if quiz is None:
        quiz = Quiz(slug=slug, title=slug)
        db.session.add(quiz)
    return quiz


def _final_quiz_questions(course: Course, size: int) -> list[Question]:
    """A stable selection from the bank for the course's modules (same course → same questions)."""
    candidates = list(db.session.scalars(
        select(Question).join(QuestionCategory).where(
            Question.is_current.is_(True), Question.status == QuestionStatus.ACTIVE,
            Question.module_code.in_(course.modules), Question.qtype.in_(FINAL_QUIZ_TYPES),
            QuestionCategory.path.in_(course.modules))))
    candidates.sort(key=lambda q: hashlib.sha256(f"{course.slug}:{q.name}".encode()).hexdigest())
    return candidates[:size]


def load_quiz_content(root: Path) -> None:
    """Load the bank, practice quizzes, guide self-checks and final quizzes; flush only.

    Runs after the courses loader (the courses and guides exist). Raises ``ContentError``
    listing every problem before anything of its own is written.
    """
    problems: list[Problem] = []
    bank_files = {path: _parse(path, problems) for path in sorted((root / "questions").glob("*.gift"))}
    practice_files = {path: _parse(path, problems) for path in sorted((root / "courses").glob("*/practice.gift"))}
    guide_files = {path: _parse(path, problems) for path in sorted((root / "guides").glob("*.gift"))}
    final_settings = {}
    for course_file in sorted((root / "courses").glob("*/course.md")):
        doc = read_document(course_file, problems)
        if doc is None:
            continue
        try:
            pass_mark = Decimal(str(doc.meta.get("pass_mark", FINAL_QUIZ_PASS_MARK)))
            size = int(doc.meta.get("final_quiz_questions", FINAL_QUIZ_SIZE))
            if not (0 <= pass_mark <= 10) or size < 0:
                raise ValueError
        except (InvalidOperation, ValueError, TypeError):
            problems.append(Problem(course_file, 1, "'pass_mark' must be 0–10 and 'final_quiz_questions' a whole number"))
            continue
        # When the final quiz shows its key (quizzes.models.Reveal); absent = the kind's default.
        reveal = doc.meta.get("final_quiz_reveal")
        if reveal is not None and reveal not in ("at_once", "after_attempt", "never"):
            problems.append(Problem(course_file, 1, "'final_quiz_reveal' must be at_once, after_attempt or never"))
            continue
        final_settings[course_file.parent.name] = (pass_mark, size, reveal)
    if problems:
        raise ContentError(problems)

    for path, gifts in bank_files.items():
        by_category: dict[str, list[GiftQuestion]] = {}
        for gift in gifts:
            by_category.setdefault(gift.category or path.stem, []).append(gift)
        for category, members in by_category.items():
            _sync_category(category, members)

    for path, gifts in practice_files.items():
        course = db.session.scalar(select(Course).where(Course.slug == path.parent.name))
        if course is None:
            raise ContentError([Problem(path, 1, f"no course '{path.parent.name}' beside these questions")])
        questions = _sync_category(f"Khóa học/{path.parent.name}", gifts)
        quiz = _quiz(f"{path.parent.name}-luyen-tap")
        quiz.title, quiz.kind, quiz.course_id = f"Luyện tập: {course.title}", QuizKind.PRACTICE, course.id
        touch_course(course.id)
        quiz.description = "Câu hỏi luyện tập có giải thích; làm bao nhiêu lần cũng được, không tính điểm chính thức."
        quiz.shuffle, quiz.max_attempts = True, None
        _set_items(quiz, questions)

    for path, gifts in guide_files.items():
        slug = path.stem.split("-", 1)[1] if path.stem[:2].isdigit() else path.stem
        guide = db.session.scalar(select(Guide).where(Guide.slug == slug))
        if guide is None:
            raise ContentError([Problem(path, 1, f"no guide '{slug}' beside this quiz")])
        questions = _sync_category(f"Hướng dẫn/{slug}", gifts)
        quiz = _quiz(f"huong-dan-{slug}")
        # Shuffled like every other quiz: the guides' authors put the right answer first, and a
        # self-check whose first option is always right checks nothing (issue 10).
        quiz.title, quiz.kind, quiz.public, quiz.shuffle = f"Tự kiểm tra: {guide.title}", QuizKind.PRACTICE, True, True
        quiz.description = "Kết quả chỉ để bạn tự kiểm tra, không được ghi nhận chính thức."
        _set_items(quiz, questions)

    for slug, (pass_mark, size, reveal) in final_settings.items():
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        if course is None:
            raise ContentError([Problem(Path(slug), 1, f"no course '{slug}' for its final quiz")])
        questions = _final_quiz_questions(course, size)
        if not questions:
            continue
        quiz = _quiz(f"{slug}-cuoi-khoa")
        quiz.title, quiz.kind, quiz.course_id = f"Bài kiểm tra cuối khóa: {course.title}", QuizKind.COURSE, course.id
        touch_course(course.id)
        quiz.pass_mark, quiz.shuffle, quiz.max_attempts, quiz.reveal = pass_mark, True, None, reveal
        quiz.description = "Đạt bài kiểm tra này và học hết các bài để nhận giấy chứng nhận hoàn thành khóa học."
        _set_items(quiz, questions)
    db.session.flush()
