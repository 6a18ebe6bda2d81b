"""Course views: catalogue, course page, lesson page, enrolment."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courses import bp
from courses import services
from lms.auth import EmptyForm
from lms.extensions import db


@bp.route("/courses")
def catalogue():
    """Every published course."""
    return render_template("courses/catalogue.html", courses=services.published_courses())


@bp.route("/courses/<slug>")
def course(slug: str):
    """A course's description, lessons and the learner's progress."""
    course = services.get_published_course(slug) or abort(404)
    progress = viewed = enrolment = None
    if current_user.is_authenticated:
        enrolment = services.get_enrolment(current_user, course)
        progress = services.course_progress(current_user, course)
        viewed = services.viewed_lesson_ids(current_user, course)
    return render_template("courses/course.html", course=course, progress=progress, viewed=viewed or set(),
                           enrolment=enrolment, form=EmptyForm())


@bp.route("/courses/<slug>/enrol", methods=["POST"])
@login_required
def enrol(slug: str):
    """Join a course."""
    course = services.get_published_course(slug) or abort(404)
    if EmptyForm().validate_on_submit():
        services.enrol(current_user, course)
        db.session.commit()
        flash(_("Bạn đã ghi danh vào khóa học."), "success")
    return redirect(url_for("courses.course", slug=slug))


@bp.route("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    """Read a lesson; reading it records progress."""
    course = services.get_published_course(slug) or abort(404)
    lesson = services.get_lesson(course, lesson_slug) or abort(404)
    services.record_lesson_view(current_user, lesson)
    db.session.commit()
    lessons = course.lessons
    index = lessons.index(lesson)
    previous_lesson = lessons[index - 1] if index > 0 else None
    next_lesson = lessons[index + 1] if index + 1 < len(lessons) else None
    return render_template("courses/lesson.html", course=course, lesson=lesson,
                           previous_lesson=previous_lesson, next_lesson=next_lesson,
                           progress=services.course_progress(current_user, course))


def dashboard_panel(user) -> str | None:
    """The dashboard's "my courses" panel."""
    rows = [(e, services.course_progress(user, e.course)) for e in services.enrolments_of(user)]
    return render_template("courses/_dashboard_panel.html", rows=rows)
