"""Course operations: catalogue, enrolment, progress. They flush; callers commit."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from lms.markdown import render_markdown
from courses.models import Course, Enrolment, Guide, Lesson, LessonView
from courses.signals import lesson_viewed
from lms.database import utcnow
from lms.extensions import db
from lms.models import User


@dataclass(frozen=True)
class Progress:
    """How far a person is through a course's lessons."""

    viewed: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.viewed >= self.total

    @property
    def percent(self) -> int:
        return round(100 * self.viewed / self.total) if self.total else 0


def published_courses() -> list[Course]:
    """Courses learners can see, in catalogue order."""
    return list(db.session.scalars(
        select(Course).where(Course.published.is_(True)).order_by(Course.position, Course.title)))


def get_published_course(slug: str) -> Course | None:
    """The published course with ``slug``, or None."""
    return db.session.scalar(select(Course).where(Course.slug == slug, Course.published.is_(True)))


def get_lesson(course: Course, lesson_slug: str) -> Lesson | None:
    """The lesson ``lesson_slug`` of ``course``, or None."""
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug))


def set_lesson_body(lesson: Lesson, markdown: str) -> None:
    """Store a lesson's Markdown together with its sanitised HTML."""
    lesson.body_md = markdown
    lesson.body_html = render_markdown(markdown)


def get_enrolment(user: User, course: Course) -> Enrolment | None:
    """The person's enrolment in the course, if any."""
    return db.session.scalar(
        select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.course_id == course.id))


def enrol(user: User, course: Course) -> Enrolment:
    """Enrol ``user`` in ``course`` (idempotent)."""
    enrolment = get_enrolment(user, course)
    if enrolment is None:
        enrolment = Enrolment(user_id=user.id, course=course)
        db.session.add(enrolment)
        db.session.flush()
    return enrolment


def record_lesson_view(user: User, lesson: Lesson) -> None:
    """Mark the lesson read, enrol the reader if needed and remember where they are."""
    enrolment = enrol(user, lesson.course)
    enrolment.last_lesson_id = lesson.id
    view = db.session.scalar(
        select(LessonView).where(LessonView.user_id == user.id, LessonView.lesson_id == lesson.id))
    if view is None:
        db.session.add(LessonView(user_id=user.id, lesson_id=lesson.id))
    else:
        view.last_viewed_at = utcnow()
    db.session.flush()
    lesson_viewed.send(user, lesson=lesson)


def course_progress(user: User, course: Course) -> Progress:
    """Lessons of ``course`` the person has read, out of all of them."""
    total = db.session.scalar(select(func.count(Lesson.id)).where(Lesson.course_id == course.id)) or 0
    viewed = db.session.scalar(
        select(func.count(LessonView.id)).join(Lesson, Lesson.id == LessonView.lesson_id)
        .where(Lesson.course_id == course.id, LessonView.user_id == user.id)) or 0
    return Progress(viewed=viewed, total=total)


def viewed_lesson_ids(user: User, course: Course) -> set[int]:
    """Ids of the lessons of ``course`` the person has read."""
    return set(db.session.scalars(
        select(LessonView.lesson_id).join(Lesson, Lesson.id == LessonView.lesson_id)
        .where(Lesson.course_id == course.id, LessonView.user_id == user.id)))


def mark_completed(user: User, course: Course) -> None:
    """Record that the person completed the course (first time only)."""
    enrolment = enrol(user, course)
    if enrolment.completed_at is None:
        enrolment.completed_at = utcnow()
        db.session.flush()


def enrolments_of(user: User) -> list[Enrolment]:
    """The person's enrolments, most recent first."""
    return list(db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.enrolled_at.desc())))


def published_guides() -> list[Guide]:
    """Public guides in reading order."""
    return list(db.session.scalars(select(Guide).where(Guide.published.is_(True)).order_by(Guide.position, Guide.title)))


def get_published_guide(slug: str) -> Guide | None:
    """The published guide with ``slug``."""
    return db.session.scalar(select(Guide).where(Guide.slug == slug, Guide.published.is_(True)))


def record_guide_vote(guide: Guide, helpful: bool) -> None:
    """Count one "was this helpful?" answer (atomic increment in the database)."""
    column = Guide.helpful_yes if helpful else Guide.helpful_no
    db.session.execute(update(Guide).where(Guide.id == guide.id).values({column.key: column + 1}))
