"""Course views: catalogue, course page, lesson page, enrolment."""
from __future__ import annotations

from pathlib import Path

from flask import (abort, current_app, flash, make_response, redirect, render_template, request, send_from_directory,
                   session, url_for)
from sqlalchemy import select
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courses import bp
from courses import services
from lms.auth import EmptyForm
from lms.content import MODULE_RE
from lms.extensions import db, limiter
from lms.models import Role
from lms.web import not_modified, page_etag, revalidated
from lms.services import module_codes
from lms.timefmt import local_today


@bp.route("/courses")
def catalogue():
    """Published courses with search and filters (module, level, audience)."""
    module = request.args.get("module") or None
    level = request.args.get("level") or None
    audience = request.args.get("audience") or None
    if (module and not MODULE_RE.match(module)) or level not in (None, "basic", "advanced") \
            or audience not in (None, "civil_servant", "citizen"):
        abort(400)
    text = (request.args.get("q") or "").strip()[:100]
    courses = services.published_courses(module=module, level=level, audience=audience, text=text)
    # Nothing found for a module: say whether any course teaches it at all, and point to the
    # self-study guides instead of leaving an empty page.
    untaught = bool(module) and not courses and module not in services.taught_modules()
    guides = services.guides_for_module(module) if module and not courses else []
    return render_template("courses/catalogue.html", courses=courses, args=request.args, modules=module_codes(),
                           untaught=untaught, guides=guides)


@bp.route("/courses/<slug>")
def course(slug: str):
    """A course's description, lessons and, for a signed-in learner, their progress.

    An anonymous visitor's page depends only on the course's content version, the language and
    the visitor's own CSRF token (in the language form): it carries an ETag made of those, and a
    browser that already has it gets 304 without the page being rendered again.
    """
    found = services.get_published_course(slug) or abort(404)
    if not current_user.is_authenticated:
        tag = page_etag("course", found.id, found.content_version)
        if request.if_none_match.contains(tag):
            return not_modified(tag)
        response = make_response(_render_course(found, None))
        return revalidated(response, tag)
    return _render_course(found, current_user)


def _render_course(course, user) -> str:
    """The course page for ``user`` (None: not signed in)."""
    lessons = services.visible_lessons(course)
    progress = enrolment = None
    viewed: set[int] = set()
    if user is not None:
        viewed = services.viewed_lesson_ids(user, course)
        published = {lesson.id for lesson in lessons}
        progress = services.Progress(viewed=len(viewed & published), total=len(published))
        enrolment = services.get_enrolment(user, course)
    return render_template("courses/course.html", course=course, progress=progress, viewed=viewed,
                           enrolment=enrolment, form=EmptyForm(), groups=services.lessons_by_section(lessons))


@bp.route("/courses/<slug>/enrol", methods=["POST"])
@login_required
def enrol(slug: str):
    """Join a course."""
    course = services.get_published_course(slug) or abort(404)
    if EmptyForm().validate_on_submit():
        services.enrol(current_user, course)
        flash(_("Bạn đã ghi danh vào khóa học."), "success")
    return redirect(url_for("courses.course", slug=slug))


@bp.route("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    """Read a lesson; reading it records progress."""
    course = services.get_published_course(slug) or abort(404)
    lesson = services.get_lesson(course, lesson_slug) or abort(404)
    services.record_lesson_view(current_user, lesson)
    lessons = services.visible_lessons(course)
    index = lessons.index(lesson)
    previous_lesson = lessons[index - 1] if index > 0 else None
    next_lesson = lessons[index + 1] if index + 1 < len(lessons) else None
    return render_template("courses/lesson.html", course=course, lesson=lesson,
                           previous_lesson=previous_lesson, next_lesson=next_lesson,
                           progress=services.course_progress(current_user, course))


def dashboard_panel(user) -> str | None:
    """The dashboard's "my courses" panel: assigned courses with due dates, then enrolments."""
    rows = [(e, services.course_progress(user, e.course)) for e in services.enrolments_of(user)]
    completed = {e.course_id for e, _progress in rows if e.completed_at}
    assigned = [(course, due) for course, due in services.assignments_for(user) if course.id not in completed]
    return render_template("courses/_dashboard_panel.html", rows=rows, assigned=assigned, today=local_today())


@bp.route("/media/<name>")
@login_required
def media(name: str):
    """A lesson's uploaded file (images inline, attachments as downloads)."""
    from courses.models import LessonAsset

    asset = db.session.scalar(select(LessonAsset).where(LessonAsset.stored_name == name))
    if asset is None or not asset.lesson.published or not asset.lesson.course.published:
        if asset is None or not current_user.has_role(Role.AUTHOR):
            abort(404)
    response = send_from_directory(current_app.config["MEDIA_DIR"], asset.stored_name,
                                   mimetype=asset.content_type, as_attachment=asset.kind == "attachment",
                                   download_name=asset.original_name, max_age=86400)
    # Signed-in material: the browser may keep it, a shared cache (a proxy) may not.
    response.cache_control.public = False
    response.cache_control.private = True
    return response


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


@bp.route("/guides/media/<name>")
def guide_media(name: str):
    """An illustration of a public guide (checked when the content was loaded)."""
    return send_from_directory(Path(current_app.config["MEDIA_DIR"]) / "guides", name, max_age=86400)


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
        session["guide_votes"] = [*votes, slug][-50:]
    flash(_("Cảm ơn bạn đã góp ý!"), "success")
    return redirect(url_for("courses.guide", slug=slug) + "#feedback")


@bp.route("/search")
def search():
    """Search guides and lessons, ignoring diacritics; titles rank first, matches are marked.

    From the guides area (``area=guides``, sent by the search box on the guides page) the
    citizen's guides come first, and lessons and courses, written for civil servants and read
    after signing in, are listed apart under their own heading.
    """
    from courses.search import search as run_search

    query = (request.args.get("q") or "").strip()[:200]
    area = "guides" if request.args.get("area") == "guides" else ""
    if area:
        guides = run_search(query, kinds={"guide"}) if query else []
        lessons = run_search(query, kinds={"lesson", "course"}, limit=10) if query else []
        return render_template("courses/search.html", query=query, area=area, guides=guides, lessons=lessons,
                               hits=guides + lessons)
    hits = run_search(query, kinds={"guide", "lesson", "course"}) if query else []
    return render_template("courses/search.html", query=query, area=area, hits=hits)
