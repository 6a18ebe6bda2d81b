"""Course operations: catalogue, enrolment, progress. They flush; callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, literal, or_, select, update

from lms.markdown import render_markdown
from courses.models import Assignment, Course, Enrolment, Guide, Lesson, LessonView
from courses.signals import course_assigned, lesson_viewed
from lms.database import utcnow
from lms.extensions import db
from lms.models import Agency, User
from lms.text import fold


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


def published_courses(*, module: str | None = None, level: str | None = None, audience: str | None = None,
                      text: str | None = None) -> list[Course]:
    """Courses learners can see, in catalogue order, optionally filtered (text ignores diacritics)."""
    courses = db.session.scalars(
        select(Course).where(Course.published.is_(True)).order_by(Course.position, Course.title))
    wanted = fold(text or "").split()
    result = []
    for course in courses:
        if module and module not in (course.modules or []):
            continue
        if level and course.level != level:
            continue
        if audience and course.audience not in (audience, "all"):
            continue
        if wanted and not all(word in fold(f"{course.title} {course.summary}") for word in wanted):
            continue
        result.append(course)
    return result


def taught_modules() -> set[str]:
    """The framework modules at least one published course teaches."""
    return {code for modules in db.session.scalars(select(Course.modules).where(Course.published.is_(True)))
            for code in (modules or [])}


def guides_for_module(module: str) -> list[Guide]:
    """Published guides tagged with ``module``, in reading order (self-study where no course teaches it)."""
    return [guide for guide in published_guides() if module in (guide.modules or [])]


def lessons_by_section(lessons: list[Lesson]) -> list[tuple[object, list[Lesson]]]:
    """Consecutive lessons grouped under their section (None for lessons outside any section)."""
    groups: list[tuple[object, list[Lesson]]] = []
    for lesson in lessons:
        if groups and groups[-1][0] is lesson.section:
            groups[-1][1].append(lesson)
        else:
            groups.append((lesson.section, [lesson]))
    return groups


def visible_lessons(course: Course) -> list[Lesson]:
    """The lessons learners see: published ones, in order."""
    return [lesson for lesson in course.lessons if lesson.published]


def touch_course(course_id: int) -> None:
    """Record that what the course page shows changed (its lessons, sections or quizzes).

    Every service that changes a course's parts calls it; the course page's ETag is made of
    ``content_version``, so browsers fetch the page again. A Core statement, so it works from
    any kind of write and never races with another request's increment.
    """
    db.session.execute(update(Course).where(Course.id == course_id)
                       .values(content_version=Course.content_version + 1, updated_at=utcnow())
                       .execution_options(synchronize_session=False))


def get_published_course(slug: str) -> Course | None:
    """The published course with ``slug``, or None."""
    return db.session.scalar(select(Course).where(Course.slug == slug, Course.published.is_(True)))


def get_lesson(course: Course, lesson_slug: str) -> Lesson | None:
    """The published lesson ``lesson_slug`` of ``course``, or None."""
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug,
                                                  Lesson.published.is_(True)))


def set_lesson_body(lesson: Lesson, markdown: str, assets=()) -> None:
    """Store a lesson's Markdown together with its sanitised HTML.

    Images and links that name one of the lesson's uploaded files (``![Màn hình](buoc-1.png)``)
    point to that file.
    """
    lesson.body_md = markdown
    files = {asset.original_name: f"/media/{asset.stored_name}" for asset in assets}
    lesson.body_html = render_markdown(markdown, files=files)


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
    total = db.session.scalar(select(func.count(Lesson.id)).where(
        Lesson.course_id == course.id, Lesson.published.is_(True))) or 0
    viewed = db.session.scalar(
        select(func.count(LessonView.id)).join(Lesson, Lesson.id == LessonView.lesson_id)
        .where(Lesson.course_id == course.id, Lesson.published.is_(True), LessonView.user_id == user.id)) or 0
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


def assign(course: Course, *, agency: Agency, by: User, due_on=None, user: User | None = None,
           position: str | None = None) -> Assignment:
    """Assign a course to one person (``user``, in ``agency``), to everyone in ``agency`` and its
    units, or to everyone holding ``position`` there. The caller checked ``agency`` is in scope."""
    from lms.services import audit
    from lms.text import nfc

    if user is not None and position:
        raise ValueError("assign to a person or to a position, not both")
    assignment = Assignment(course=course, user_id=user.id if user else None, agency_id=agency.id,
                            position=nfc(position) or None if position else None, due_on=due_on, assigned_by_id=by.id)
    db.session.add(assignment)
    db.session.flush()
    audit("course.assign", f"course:{course.id}", {"user": user.username if user else None,
                                                   "agency": agency.code, "position": assignment.position,
                                                   "due_on": due_on.isoformat() if due_on else None}, actor=by)
    course_assigned.send(assignment)
    return assignment


def assignments_for(user: User) -> list[tuple[Course, object]]:
    """Courses assigned to the person (directly, to their agency subtree, or to their position
    there), earliest due first."""
    path = user.agency.path if user.agency is not None else None
    clauses = [Assignment.user_id == user.id]
    if path is not None:
        clauses.append(and_(Assignment.user_id.is_(None),
                            literal(path).startswith(Agency.path)))
    candidates = db.session.scalars(
        select(Assignment).join(Course).join(Agency, Agency.id == Assignment.agency_id)
        .where(Course.published.is_(True), or_(*clauses)))
    position = fold(user.position or "")
    found: dict[int, tuple[Course, date | None]] = {}
    for assignment in candidates:
        if assignment.user_id is None and assignment.position and fold(assignment.position) != position:
            continue
        due = assignment.due_on
        current = found.get(assignment.course_id)
        if current is None or (due and (current[1] is None or due < current[1])):
            found[assignment.course_id] = (assignment.course, due)
    return sorted(found.values(), key=lambda pair: (pair[1] is None, pair[1] or 0, pair[0].title))
