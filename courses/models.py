"""Courses, lessons, enrolments and lesson progress."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import UTCDateTime, utcnow
from lms.extensions import db


class Course(db.Model):
    """A course: lessons to read, and usually a final quiz."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    description_md: Mapped[str] = mapped_column(Text, default="")
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)  # framework module codes
    level: Mapped[str] = mapped_column(String(16), default="basic")
    audience: Mapped[str] = mapped_column(String(32), default="civil_servant")
    position: Mapped[int] = mapped_column(Integer, default=0)
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan"
    )


class Lesson(db.Model):
    """One lesson of a course, written in Markdown and rendered to sanitised HTML."""

    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("course_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer, default=0)
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised on save

    course: Mapped[Course] = relationship(back_populates="lessons")


class Enrolment(db.Model):
    """A person taking a course."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship()
    last_lesson: Mapped[Lesson | None] = relationship()


class LessonView(db.Model):
    """That a person has read a lesson (first and latest time)."""

    __tablename__ = "lesson_view"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Guide(db.Model):
    """A public self-learning guide: citizens read it without an account."""

    __tablename__ = "guide"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str] = mapped_column(Text, default="")
    body_md: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    audience: Mapped[str] = mapped_column(String(32), default="citizen")
    position: Mapped[int] = mapped_column(Integer, default=0)
    published: Mapped[bool] = mapped_column(default=True)
    helpful_yes: Mapped[int] = mapped_column(Integer, default=0)
    helpful_no: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
