"""Course views: catalogue, course page, lesson page, enrolment."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courses import bp
from courses import services
from lms.auth import EmptyForm
from lms.extensions import db, limiter


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


@bp.route("/guides")
def guides():
    """Public self-learning guides for citizens and officials (no account needed)."""
    return render_template("courses/guides.html", guides=services.published_guides())


@bp.route("/guides/<slug>")
def guide(slug: str):
    """One guide, readable on a phone and printable, with a "was this helpful?" question."""
    guide = services.get_published_guide(slug) or abort(404)
    voted = slug in session.get("guide_votes", [])
    return render_template("courses/guide.html", guide=guide, voted=voted, form=EmptyForm())


@bp.route("/guides/<slug>/vote", methods=["POST"])
@limiter.limit("20 per hour", methods=["POST"])
def guide_vote(slug: str):
    """Record "was this helpful?" once per browser session."""
    guide = services.get_published_guide(slug) or abort(404)
    answer = request.form.get("helpful")
    if not EmptyForm().validate_on_submit() or answer not in ("yes", "no"):
        abort(400)
    votes = session.get("guide_votes", [])
    if slug not in votes:
        services.record_guide_vote(guide, answer == "yes")
        db.session.commit()
        session["guide_votes"] = [*votes, slug][-50:]
    flash(_("Cảm ơn bạn đã góp ý!"), "success")
    return redirect(url_for("courses.guide", slug=slug) + "#feedback")


@bp.route("/search")
def search():
    """Search guides and lessons, ignoring diacritics; titles rank first, matches are marked."""
    from courses.search import search as run_search

    query = (request.args.get("q") or "").strip()[:200]
    hits = run_search(query, kinds={"guide", "lesson", "course"}) if query else []
    return render_template("courses/search.html", query=query, hits=hits)
