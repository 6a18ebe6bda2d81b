"""What authors do to courses: create, edit with revisions, order, publish, attach files.
Learners only ever see what was published. Services flush; the view commits."""
from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import func, select

from courses.models import Course, Lesson, LessonAsset, LessonRevision, Section
from courses.services import set_lesson_body, touch_course
from courses.uploads import check_upload, store
from lms.content import SLUG_RE
from lms.database import utcnow
from lms.extensions import db
from lms.models import AuditEntry, User
from lms.services import audit
from lms.text import fold, nfc


class AuthoringError(ValueError):
    """A change the rules refuse; the message says why."""


def slugify(text: str) -> str:
    """A URL name from a Vietnamese title: "Bảng tính cơ bản" → "bang-tinh-co-ban"."""
    words = "".join(ch if ch.isalnum() else " " for ch in fold(text)).split()
    return "-".join(words)[:100] or "khoa-hoc"


def all_courses() -> list[Course]:
    """Every course, drafts included, for authors."""
    return list(db.session.scalars(select(Course).order_by(Course.position, Course.title)))


def create_course(*, title: str, summary: str, modules: list[str], level: str, audience: str, author: User,
                  slug: str | None = None) -> Course:
    """A new, unpublished course."""
    slug = slug or slugify(title)
    if not SLUG_RE.match(slug):
        raise AuthoringError("Tên đường dẫn chỉ gồm chữ thường không dấu, số và dấu gạch ngang.")
    if db.session.scalar(select(Course).where(Course.slug == slug)):
        raise AuthoringError("Đã có khóa học dùng tên đường dẫn này.")
    course = Course(slug=slug, title=nfc(title), summary=nfc(summary), modules=modules, level=level,
                    audience=audience, published=False,
                    position=(db.session.scalar(select(func.max(Course.position))) or 0) + 10)
    db.session.add(course)
    db.session.flush()
    audit("course.create", f"course:{course.id}", {"title": course.title}, actor=author)
    return course


def update_course(course: Course, *, author: User, **fields) -> None:
    """Change a course's description fields, recording what changed."""
    changed = {}
    for name, value in fields.items():
        value = nfc(value) if isinstance(value, str) else value
        if getattr(course, name) != value:
            changed[name] = {"before": getattr(course, name), "after": value}
            setattr(course, name, value)
    if changed:
        db.session.flush()
        touch_course(course.id)
        audit("course.update", f"course:{course.id}", changed, actor=author)


def set_published(course: Course, published: bool, author: User) -> None:
    """Publish or withdraw a course; a course needs a published lesson to be published."""
    if published and not any(lesson.published for lesson in course.lessons):
        raise AuthoringError("Cần ít nhất một bài học đã xuất bản.")
    if course.published != published:
        course.published = published
        db.session.flush()
        touch_course(course.id)
        audit("course.publish" if published else "course.unpublish", f"course:{course.id}", {}, actor=author)


def add_section(course: Course, title: str, author: User) -> Section:
    """A new section at the end of the course."""
    title = nfc(title)
    if not title:
        raise AuthoringError("Cần tên phần.")
    section = Section(title=title, position=len(course.sections) + 1)
    course.sections.append(section)
    db.session.flush()
    touch_course(course.id)
    audit("course.section", f"course:{course.id}", {"title": title}, actor=author)
    return section


def create_lesson(course: Course, title: str, author: User, section: Section | None = None) -> Lesson:
    """A new, unpublished lesson at the end of the course, with its first revision."""
    title = nfc(title)
    if not title:
        raise AuthoringError("Cần tên bài học.")
    base = slugify(title)
    slug, n = base, 2
    existing = {lesson.slug for lesson in course.lessons}
    while slug in existing:
        slug, n = f"{base}-{n}", n + 1
    lesson = Lesson(slug=slug, title=title, position=len(course.lessons) + 1, modules=list(course.modules),
                    published=False, section=section)
    course.lessons.append(lesson)
    db.session.flush()
    audit("lesson.create", f"course:{course.id}", {"lesson": lesson.title}, actor=author)
    touch_course(course.id)
    save_revision(lesson, title=title, body_md="", note="Tạo bài học", author=author)
    return lesson


def latest_revision(lesson: Lesson) -> LessonRevision | None:
    """The newest saved version (draft or published)."""
    return lesson.revisions[0] if lesson.revisions else None


def save_revision(lesson: Lesson, *, title: str, body_md: str, note: str, author: User) -> LessonRevision:
    """Save a new version; learners keep seeing the published one until it is published."""
    title, body_md = nfc(title), nfc(body_md)
    if not title:
        raise AuthoringError("Cần tên bài học.")
    if len(body_md) > 200_000:
        raise AuthoringError("Bài học quá dài (tối đa 200.000 ký tự).")
    number = (db.session.scalar(select(func.max(LessonRevision.number)).where(LessonRevision.lesson_id == lesson.id))
              or 0) + 1
    revision = LessonRevision(lesson=lesson, number=number, title=title, body_md=body_md, note=nfc(note)[:255],
                              author_id=author.id, author_name=author.full_name)
    db.session.add(revision)
    db.session.flush()
    db.session.refresh(lesson, ["revisions"])
    return revision


def publish_revision(revision: LessonRevision, author: User) -> None:
    """Make this version the one learners see, and index it for search."""
    from courses.search import index_document

    lesson = revision.lesson
    lesson.title = revision.title
    set_lesson_body(lesson, revision.body_md, assets=lesson.assets)
    lesson.published = True
    revision.published_at = utcnow()
    db.session.flush()
    touch_course(lesson.course_id)
    index_document("lesson", lesson.id, f"/courses/{lesson.course.slug}/lessons/{lesson.slug}", lesson.title,
                   lesson.body_md)
    audit("lesson.publish", f"course:{lesson.course_id}", {"lesson": lesson.title, "revision": revision.number},
          actor=author)


def move_lesson(lesson: Lesson, direction: int, author: User) -> None:
    """Move a lesson one place up (-1) or down (+1)."""
    lessons = list(lesson.course.lessons)
    index = lessons.index(lesson)
    target = index + direction
    if not 0 <= target < len(lessons):
        return
    lessons[index], lessons[target] = lessons[target], lessons[index]
    for position, item in enumerate(lessons, start=1):
        item.position = position
    db.session.flush()
    touch_course(lesson.course_id)
    audit("lesson.move", f"course:{lesson.course_id}", {"lesson": lesson.title, "to": target + 1}, actor=author)


def attach_file(lesson: Lesson, kind: str, filename: str, data: bytes, author: User) -> LessonAsset:
    """Check and store an uploaded file for a lesson (raises UploadError when refused)."""
    extension, content_type = check_upload(kind, filename, data)
    directory = current_app.config["MEDIA_DIR"]
    from pathlib import Path

    stored, digest = store(Path(directory), extension, data)
    asset = LessonAsset(lesson=lesson, kind=kind, original_name=nfc(filename)[:255], stored_name=stored,
                        content_type=content_type, size=len(data), sha256=digest, uploaded_by_id=author.id)
    db.session.add(asset)
    db.session.flush()
    audit("lesson.upload", f"course:{lesson.course_id}", {"lesson": lesson.title, "file": asset.original_name},
          actor=author)
    return asset


def history(course: Course) -> list[dict]:
    """Who changed what in a course, newest first: course changes and lesson revisions."""
    entries: list[dict[str, Any]] = [{"at": e.at, "who": e.actor_id, "action": e.action, "details": e.details}
               for e in db.session.scalars(select(AuditEntry).where(AuditEntry.subject == f"course:{course.id}"))]
    names = {u.id: u.full_name for u in db.session.scalars(
        select(User).where(User.id.in_({e["who"] for e in entries if e["who"]})))}
    for entry in entries:
        entry["who"] = names.get(entry["who"], "")
    for lesson in course.lessons:
        for revision in lesson.revisions:
            entries.append({"at": revision.created_at, "who": revision.author_name, "action": "lesson.revision",
                            "details": {"lesson": revision.title, "revision": revision.number, "note": revision.note}})
    return sorted(entries, key=lambda e: e["at"], reverse=True)
