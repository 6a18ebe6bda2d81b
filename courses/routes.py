"""Course views: catalogue, course page, lesson page, enrolment."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from flask import (abort, current_app, flash, redirect, render_template, request, send_from_directory, session,
                   url_for)
from sqlalchemy import select
from flask_babel import gettext as _
from flask_login import current_user, login_required

from courses import bp
from courses import services
from lms.auth import EmptyForm
from lms.content import MODULE_RE
from lms.extensions import db, limiter
from lms.models import Role
from lms.pagecache import page_cache
from lms.principal import adopt_principal, principal, session_account_id
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
    return render_template("courses/catalogue.html", courses=courses, args=request.args, modules=module_codes())


@bp.route("/courses/<slug>")
def course(slug: str):
    """A course's description, lessons and the learner's progress.

    Every request reads whether the course is published and its version (``updated_at``,
    moved by any change to the course, its sections, lessons or quizzes) and, for a signed-in
    learner, their enrolment and the lessons they have read; the page rendered from exactly
    those inputs is reused (``lms.pagecache``: per worker, keyed by them, by the account and
    its roles, the language and the path, and never older than a minute).
    """
    account_id = session_account_id()
    page = services.course_page_state(slug, account_id) if account_id is not None else None
    if page is not None and page.account is not None:
        # One query read the course, the learner's progress and the signed-in account.
        adopt_principal(page.account.id, page.account.roles, page.account.locale)
        found, state = page.course, page.learner
    elif (account := principal()) is None:  # no active account in the session: Flask-Login agrees
        found, state = (page.course if page is not None else services.published_course_version(slug)), None
    else:  # signed in some other way Flask-Login knows (the remember cookie)
        page = services.course_page_state(slug, account.id)
        found, state = page.course, page.learner
    if found is None:
        abort(404)
    course_id, version = found[0], found[1]
    return page_cache("courses.course", size=512, max_age=60.0).page(
        ("course", course_id, version, state), lambda: _render_course(slug, state))


def _render_course(slug: str, state: services.LearnerState | None) -> str:
    """The course page for a visitor in ``state`` (None: not signed in)."""
    course = services.get_published_course(slug) or abort(404)
    progress = enrolment = None
    viewed: set[int] = set()
    lessons = services.visible_lessons(course)
    if state is not None:
        viewed = set(state.viewed)
        published = {lesson.id for lesson in lessons}
        progress = services.Progress(viewed=len(viewed & published), total=len(published))
        if state.enrolled:
            last = next((lesson for lesson in course.lessons if lesson.id == state.last_lesson_id), None)
            if last is None and state.last_lesson_id is not None:
                last = db.session.get(services.Lesson, state.last_lesson_id)
            enrolment = SimpleNamespace(last_lesson=last)
    return render_template("courses/course.html", course=course, progress=progress, viewed=viewed,
                           enrolment=enrolment, form=EmptyForm(), groups=services.lessons_by_section(lessons))


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
    return send_from_directory(current_app.config["MEDIA_DIR"], asset.stored_name, mimetype=asset.content_type,
                               as_attachment=asset.kind == "attachment", download_name=asset.original_name,
                               max_age=86400)


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
        db.session.commit()
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
