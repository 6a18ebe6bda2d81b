"""Factories: build test data through the product's own services, with sensible defaults."""
from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from courses.models import Course, Lesson
from courses.services import set_lesson_body
from lms.extensions import db
from lms.models import Agency, Role, User
from lms.services import create_user, get_or_create_agency, grant_role
from quizzes.models import Question, QuestionOption, Quiz, QuizItem, QuizKind

PASSWORD = "Mật-khẩu-thử-2026"
_sequence = itertools.count(1)


def agency(code: str = "000.00.00.H41", name: str = "Ủy ban nhân dân tỉnh Nghệ An") -> Agency:
    """An agency (its parent must exist, as in real data)."""
    return get_or_create_agency(code, name)


def user(full_name: str = "Nguyễn Thị Hương", *, role: Role | None = None, scope: Agency | None = None,
         agency_: Agency | None = None, **fields) -> User:
    """An account with the test password; ``role`` is granted over ``scope`` (everything if None)."""
    n = next(_sequence)
    fields.setdefault("date_of_birth", date(1982, 3, 12))
    fields.setdefault("place_of_birth", "Nghệ An")
    fields.setdefault("position", "Chuyên viên")
    person = create_user(fields.pop("username", f"user{n}"), PASSWORD, full_name, agency=agency_,
                         email=fields.pop("email", f"user{n}@example.gov.vn"), **fields)
    if role is not None:
        grant_role(person, role, scope)
    return person


def course(title: str = "Thư điện tử công vụ", lessons: int = 2, published: bool = True,
           modules: list[str] | None = None) -> Course:
    """A course with ``lessons`` short lessons."""
    n = next(_sequence)
    result = Course(slug=f"khoa-hoc-{n}", title=title, summary="Tóm tắt khóa học.", published=published,
                    modules=modules or ["IU06"])
    for position in range(1, lessons + 1):
        lesson = Lesson(slug=f"bai-{position}", title=f"Bài {position}", position=position, modules=result.modules)
        set_lesson_body(lesson, f"## Bài {position}\n\nNội dung bài học số {position}.")
        result.lessons.append(lesson)
    db.session.add(result)
    db.session.flush()
    return result


def question(text: str = "Câu hỏi?", module: str = "IU01", options: list[tuple[str, float]] | None = None,
             explanation: str = "Giải thích.") -> Question:
    """A single-choice question; the first option is right unless ``options`` says otherwise."""
    options = options or [("Đúng", 1.0), ("Sai 1", 0.0), ("Sai 2", 0.0), ("Sai 3", 0.0)]
    result = Question(name=f"q{next(_sequence)}", module_code=module, text=text, explanation=explanation)
    for position, (option_text, fraction) in enumerate(options):
        result.options.append(QuestionOption(position=position, text=option_text, fraction=fraction,
                                             feedback=f"Phản hồi cho {option_text}"))
    db.session.add(result)
    db.session.flush()
    return result


def quiz(course_: Course | None = None, questions: int = 4, pass_mark: str = "5.00",
         max_attempts: int | None = None, shuffle: bool = True) -> Quiz:
    """A course quiz with ``questions`` fresh questions."""
    result = Quiz(title="Bài kiểm tra", kind=QuizKind.COURSE, course_id=course_.id if course_ else None,
                  pass_mark=Decimal(pass_mark), max_attempts=max_attempts, shuffle=shuffle)
    for position in range(1, questions + 1):
        result.items.append(QuizItem(question=question(f"Câu hỏi số {position}?"), position=position))
    db.session.add(result)
    db.session.flush()
    return result


def correct_option_id(q: Question) -> int:
    """The id of the option that earns full credit."""
    return next(o.id for o in q.options if o.fraction == 1.0)


def wrong_option_id(q: Question) -> int:
    """The id of an option that earns nothing."""
    return next(o.id for o in q.options if o.fraction == 0.0)
