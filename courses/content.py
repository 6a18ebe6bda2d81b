"""Load courses, lessons and public guides from ``content/`` (see content/FORMAT.md)."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app

from sqlalchemy import select

from courses.models import Course, Guide, Lesson, Section
from courses.search import index_document
from courses.services import set_lesson_body, touch_course
from courses.uploads import UploadError, check_upload, upload_error_message
from lms.content import (ContentError, Document, Problem, module_list, optional_int, read_document, require_slug,
                         require_text)
from lms.extensions import db
from lms.markdown import render_markdown

LEVELS = {"basic", "advanced"}
AUDIENCES = {"civil_servant", "citizen", "all"}


@dataclass
class CourseSource:
    """A course directory read from disk, checked but not stored."""

    doc: Document
    slug: str
    lessons: list[tuple[Document, str]] = field(default_factory=list)


def _read_courses(root: Path, problems: list[Problem]) -> list[CourseSource]:
    sources = []
    for folder in sorted(p for p in (root / "courses").glob("*") if p.is_dir()):
        course_file = folder / "course.md"
        if not course_file.exists():
            problems.append(Problem(folder, 0, "a course folder needs course.md"))
            continue
        doc = read_document(course_file, problems)
        if doc is None:
            continue
        slug = require_slug(doc, problems)
        if slug and slug != folder.name:
            problems.append(Problem(course_file, 1, f"slug '{slug}' differs from the folder name '{folder.name}'"))
        require_text(doc, "title", problems)
        module_list(doc, problems)
        if doc.meta.get("level", "basic") not in LEVELS:
            problems.append(Problem(course_file, 1, "'level' must be basic or advanced"))
        if doc.meta.get("audience", "civil_servant") not in AUDIENCES:
            problems.append(Problem(course_file, 1, "'audience' must be civil_servant, citizen or all"))
        source = CourseSource(doc=doc, slug=slug)
        lesson_files = sorted((folder / "lessons").glob("*.md"))
        if not lesson_files:
            problems.append(Problem(course_file, 1, "the course has no lessons (lessons/NN-slug.md)"))
        seen = set()
        for lesson_file in lesson_files:
            lesson = read_document(lesson_file, problems)
            if lesson is None:
                continue
            lesson_slug = require_slug(lesson, problems)
            if lesson_slug in seen:
                problems.append(Problem(lesson_file, 1, f"another lesson of this course is also '{lesson_slug}'"))
            seen.add(lesson_slug)
            require_text(lesson, "title", problems)
            module_list(lesson, problems, required=False)
            optional_int(lesson, "minutes", 10, problems)
            source.lessons.append((lesson, lesson_slug))
        sources.append(source)
    return sources


_IMAGE_REF = re.compile(r"!\[[^\]]*\]\((images/[^)\s]+)\)")


def _check_images(doc: Document, problems: list[Problem]) -> None:
    """Every image a guide shows must exist beside it and be a real image file."""
    for match in _IMAGE_REF.finditer(doc.body):
        reference = match.group(1)
        line = doc.body.count("\n", 0, match.start()) + 1
        path = (doc.path.parent / reference).resolve()
        if path.parent != (doc.path.parent / "images").resolve() or not path.is_file():
            problems.append(Problem(doc.path, line, f"image {reference} not found in images/"))
            continue
        try:
            check_upload("image", path.name, path.read_bytes())
        except UploadError as error:
            problems.append(Problem(doc.path, line, f"image {reference}: {upload_error_message(error)}"))


def _read_guides(root: Path, problems: list[Problem]) -> list[tuple[Document, str]]:
    guides, seen = [], set()
    for path in sorted((root / "guides").glob("*.md")):
        doc = read_document(path, problems)
        if doc is None:
            continue
        _check_images(doc, problems)
        slug = require_slug(doc, problems)
        if slug in seen:
            problems.append(Problem(path, 1, f"another guide is also '{slug}'"))
        seen.add(slug)
        require_text(doc, "title", problems)
        require_text(doc, "summary", problems, max_length=500)
        module_list(doc, problems)
        optional_int(doc, "order", 0, problems)
        guides.append((doc, slug))
    return guides


def load_course_content(root: Path) -> None:
    """Create or update every course, lesson and guide under ``root``; flush only.

    Raises ``ContentError`` with every problem found before anything is written.
    """
    problems: list[Problem] = []
    courses = _read_courses(root, problems)
    guides = _read_guides(root, problems)
    if problems:
        raise ContentError(problems)
    for source in courses:
        _store_course(source)
    for doc, slug in guides:
        _store_guide(doc, slug)
    db.session.flush()


def _store_course(source: CourseSource) -> Course:
    meta = source.doc.meta
    course = db.session.scalar(select(Course).where(Course.slug == source.slug)) or Course(slug=source.slug)
    db.session.add(course)
    course.title, course.summary = meta["title"].strip(), str(meta.get("summary", "")).strip()
    course.description_md = source.doc.body
    course.modules, course.level = list(meta["modules"]), meta.get("level", "basic")
    course.audience, course.position = meta.get("audience", "civil_servant"), int(meta.get("order", 0))
    course.published = bool(meta.get("published", True))
    existing = {lesson.slug: lesson for lesson in course.lessons}
    sections = {section.title: section for section in course.sections}
    wanted_sections: list[Any] = []
    wanted = []
    for position, (doc, slug) in enumerate(source.lessons, start=1):
        lesson = existing.get(slug) or Lesson(slug=slug)
        section_title = str(doc.meta.get("section") or "").strip()
        if section_title:
            section = sections.get(section_title) or Section(title=section_title)
            sections[section_title] = section
            if section not in wanted_sections:
                section.position = len(wanted_sections) + 1
                wanted_sections.append(section)
            lesson.section = section
        else:
            lesson.section = None
        lesson.published = True
        lesson.title, lesson.position = doc.meta["title"].strip(), position
        lesson.minutes = int(doc.meta.get("minutes", 10))
        lesson.modules = list(doc.meta.get("modules") or course.modules)
        set_lesson_body(lesson, doc.body)
        wanted.append(lesson)
    course.lessons = wanted  # lessons removed from the folder are removed from the course
    course.sections = wanted_sections
    db.session.flush()
    touch_course(course.id)
    # Paths mirror the routes in courses/routes.py (a test opens every indexed URL).
    index_document("course", course.id, f"/courses/{course.slug}", course.title,
                   f"{course.summary}\n\n{course.description_md}")
    for lesson in course.lessons:
        index_document("lesson", lesson.id, f"/courses/{course.slug}/lessons/{lesson.slug}", lesson.title,
                       lesson.body_md)
    return course


def _publish_guide_images(doc: Document) -> dict[str, str]:
    """Copy a guide's images to the media folder; map each reference to its public URL."""
    target = Path(current_app.config["MEDIA_DIR"]) / "guides"
    target.mkdir(parents=True, exist_ok=True)
    files = {}
    for reference in set(_IMAGE_REF.findall(doc.body)):
        source = doc.path.parent / reference
        data = source.read_bytes()
        destination = target / source.name
        if not destination.exists() or destination.read_bytes() != data:
            shutil.copyfile(source, destination)
        files[reference] = f"/guides/media/{source.name}"
    return files


def _store_guide(doc: Document, slug: str) -> Guide:
    guide = db.session.scalar(select(Guide).where(Guide.slug == slug)) or Guide(slug=slug)
    db.session.add(guide)
    guide.title, guide.summary = doc.meta["title"].strip(), doc.meta["summary"].strip()
    guide.body_md, guide.body_html = doc.body, render_markdown(doc.body, files=_publish_guide_images(doc))
    guide.modules, guide.audience = list(doc.meta["modules"]), doc.meta.get("audience", "citizen")
    guide.position, guide.published = int(doc.meta.get("order", 0)), bool(doc.meta.get("published", True))
    db.session.flush()
    index_document("guide", guide.id, f"/guides/{guide.slug}", guide.title, f"{guide.summary}\n\n{guide.body_md}")
    return guide
