"""Authors' pages: courses (drafts too), sections, lessons with preview and versions, files,
publishing, history; and assigning courses to people, agencies or positions."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from courses import authoring, bp, services
from courses.forms import AssignForm, CourseForm, LessonForm, TitleForm, UploadForm
from courses.models import Course, Lesson, LessonRevision
from courses.uploads import LARGEST_UPLOAD, UploadError, upload_error_message
from lms.auth import EmptyForm
from lms.extensions import db
from lms.markdown import render_markdown
from lms.models import Role, User
from lms.permissions import agencies_in_scope, role_required, scoped
from lms.web import body_limit


def _course(course_id: int) -> Course:
    return db.session.get(Course, course_id) or abort(404)


def _lesson(lesson_id: int) -> Lesson:
    return db.session.get(Lesson, lesson_id) or abort(404)


@bp.route("/author/courses")
@role_required(Role.AUTHOR)
def author_courses():
    """Every course, published or not."""
    return render_template("courses/author/list.html", courses=authoring.all_courses(), form=CourseForm())


@bp.route("/author/courses/new", methods=["POST"])
@role_required(Role.AUTHOR)
def author_course_new():
    """Create an unpublished course."""
    form = CourseForm()
    if not form.validate_on_submit():
        return render_template("courses/author/list.html", courses=authoring.all_courses(), form=form), 400
    try:
        course = authoring.create_course(title=form.title.data, summary=form.summary.data or "",
                                         modules=form.module_list(), level=form.level.data,
                                         audience=form.audience.data, author=current_user)
    except authoring.AuthoringError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("courses.author_courses"))
    course.description_md = form.description_md.data or ""
    return redirect(url_for("courses.author_course", course_id=course.id))


@bp.route("/author/courses/<int:course_id>", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def author_course(course_id: int):
    """Edit a course's description; see its sections and lessons; publish or withdraw."""
    course = _course(course_id)
    form = CourseForm(obj=course) if request.method == "GET" else CourseForm()
    if request.method == "GET":
        form.modules.data = ", ".join(course.modules)
    elif form.validate_on_submit():
        authoring.update_course(course, author=current_user, title=form.title.data, summary=form.summary.data or "",
                                description_md=form.description_md.data or "", modules=form.module_list(),
                                level=form.level.data, audience=form.audience.data)
        flash(_("Đã lưu."), "success")
        return redirect(url_for("courses.author_course", course_id=course.id))
    return render_template("courses/author/course.html", course=course, form=form, title_form=TitleForm(),
                           action=EmptyForm())


@bp.route("/author/courses/<int:course_id>/publish", methods=["POST"])
@role_required(Role.AUTHOR)
def author_course_publish(course_id: int):
    """Publish (or withdraw, with ?off=1) a course."""
    course = _course(course_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        authoring.set_published(course, request.args.get("off") != "1", current_user)
    except authoring.AuthoringError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("Khóa học đã được xuất bản.") if course.published else _("Đã ngừng xuất bản khóa học."), "success")
    return redirect(url_for("courses.author_course", course_id=course.id))


@bp.route("/author/courses/<int:course_id>/sections", methods=["POST"])
@role_required(Role.AUTHOR)
def author_section_new(course_id: int):
    """Add a section."""
    course = _course(course_id)
    form = TitleForm()
    if form.validate_on_submit():
        authoring.add_section(course, form.title.data, current_user)
    else:
        flash(_("Cần tên phần."), "error")
    return redirect(url_for("courses.author_course", course_id=course.id))


@bp.route("/author/courses/<int:course_id>/lessons", methods=["POST"])
@role_required(Role.AUTHOR)
def author_lesson_new(course_id: int):
    """Add a lesson (unpublished until its first version is published)."""
    course = _course(course_id)
    form = TitleForm()
    if not form.validate_on_submit():
        flash(_("Cần tên bài học."), "error")
        return redirect(url_for("courses.author_course", course_id=course.id))
    lesson = authoring.create_lesson(course, form.title.data, current_user)
    return redirect(url_for("courses.author_lesson", lesson_id=lesson.id))


@bp.route("/author/lessons/<int:lesson_id>/move", methods=["POST"])
@role_required(Role.AUTHOR)
def author_lesson_move(lesson_id: int):
    """Move a lesson up or down."""
    lesson = _lesson(lesson_id)
    if not EmptyForm().validate_on_submit() or request.args.get("direction") not in ("up", "down"):
        abort(400)
    authoring.move_lesson(lesson, -1 if request.args["direction"] == "up" else 1, current_user)
    return redirect(url_for("courses.author_course", course_id=lesson.course_id) + "#lessons")


@bp.route("/author/lessons/<int:lesson_id>", methods=["GET", "POST"])
@role_required(Role.AUTHOR)
def author_lesson(lesson_id: int):
    """Edit with preview; "save" keeps a new version, "publish" makes it what learners see."""
    lesson = _lesson(lesson_id)
    form = LessonForm()
    form.section_id.choices = [(0, _("(Không thuộc phần nào)"))] + [(s.id, s.title) for s in lesson.course.sections]
    latest = authoring.latest_revision(lesson)
    preview = None
    if request.method == "GET":
        form.title.data = latest.title if latest else lesson.title
        form.body_md.data = latest.body_md if latest else lesson.body_md
        form.section_id.data = lesson.section_id or 0
    elif form.validate_on_submit():
        files = {a.original_name: url_for("courses.media", name=a.stored_name) for a in lesson.assets}
        action = request.form.get("action")
        if action == "preview":
            preview = render_markdown(form.body_md.data or "", files=files)
        else:
            lesson.section_id = form.section_id.data or None
            revision = authoring.save_revision(lesson, title=form.title.data, body_md=form.body_md.data or "",
                                               note=form.note.data or "", author=current_user)
            if action == "publish":
                authoring.publish_revision(revision, current_user)
            flash(_("Đã xuất bản phiên bản %(n)s.", n=revision.number) if action == "publish"
                  else _("Đã lưu phiên bản %(n)s (chưa xuất bản).", n=revision.number), "success")
            return redirect(url_for("courses.author_lesson", lesson_id=lesson.id))
    return render_template("courses/author/lesson.html", lesson=lesson, form=form, preview=preview,
                           upload=UploadForm(), latest=latest)


@bp.route("/author/lessons/<int:lesson_id>/files", methods=["POST"])
@body_limit(LARGEST_UPLOAD + 1024 * 1024)
@role_required(Role.AUTHOR)
def author_lesson_upload(lesson_id: int):
    """Attach a checked file to a lesson (videos are larger than other requests: the limit is
    raised for this view before anything reads the body)."""
    lesson = _lesson(lesson_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Chọn loại tệp và tệp cần tải lên."), "error")
        return redirect(url_for("courses.author_lesson", lesson_id=lesson.id))
    storage = form.file.data
    data = storage.read(LARGEST_UPLOAD + 1)
    try:
        asset = authoring.attach_file(lesson, form.kind.data, storage.filename or "", data, current_user)
    except UploadError as error:
        db.session.rollback()
        flash(_("Không nhận tệp: %(why)s", why=upload_error_message(error)), "error")
    else:
        flash(_("Đã tải lên %(name)s. Dùng tên này trong bài: ![mô tả](%(name)s)", name=asset.original_name), "success")
    return redirect(url_for("courses.author_lesson", lesson_id=lesson.id))


@bp.route("/author/revisions/<int:revision_id>/publish", methods=["POST"])
@role_required(Role.AUTHOR)
def author_revision_publish(revision_id: int):
    """Publish an earlier version again (roll back)."""
    revision = db.session.get(LessonRevision, revision_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    authoring.publish_revision(revision, current_user)
    flash(_("Đã xuất bản lại phiên bản %(n)s.", n=revision.number), "success")
    return redirect(url_for("courses.author_lesson", lesson_id=revision.lesson_id))


@bp.route("/author/courses/<int:course_id>/history")
@role_required(Role.AUTHOR)
def author_course_history(course_id: int):
    """Who changed what in a course."""
    course = _course(course_id)
    return render_template("courses/author/history.html", course=course, entries=authoring.history(course),
                           detail_names=history_detail_names())


def history_detail_names() -> dict[str, str]:
    """What each recorded detail of a course's history is called (the audit log keeps short keys)."""
    return {"title": _("Tên"), "summary": _("Tóm tắt"), "description_md": _("Giới thiệu"), "modules": _("Mô-đun"),
            "level": _("Trình độ"), "audience": _("Dành cho"), "lesson": _("Bài"), "revision": _("Phiên bản"),
            "note": _("Ghi chú"), "to": _("Vị trí mới"), "file": _("Tệp"), "user": _("Người được giao"),
            "agency": _("Đơn vị"), "position": _("Vị trí việc làm"), "due_on": _("Hạn hoàn thành")}


@bp.route("/courses/<slug>/assign", methods=["GET", "POST"])
@role_required(Role.HR)
def assign(slug: str):
    """HR assigns a course to a person, an agency (and its units) or a position there, with a due
    date; only people and units in the officer's own subtree."""
    course = services.get_published_course(slug) or abort(404)
    form = AssignForm()
    agencies = agencies_in_scope(current_user, Role.HR)
    form.agency_id.choices = [(agency.id, f"{agency.name} ({agency.code})") for agency in agencies]
    if form.validate_on_submit():
        value = (form.value.data or "").strip()
        agency = next(a for a in agencies if a.id == form.agency_id.data)
        person = None
        if form.target.data == "user":
            person = db.session.scalar(scoped(User, "assign", select(User).where(
                or_(User.username == value.lower(), User.employee_code == value))))
            if person is None or person.agency is None:
                form.value.errors.append(_("Không tìm thấy người này trong phạm vi của bạn."))
            else:
                agency = person.agency
        if not form.value.errors:
            services.assign(course, agency=agency, due_on=form.due_on.data, by=current_user, user=person,
                            position=value if form.target.data == "position" else None)
            flash(_("Đã giao khóa học."), "success")
            return redirect(url_for("courses.course", slug=course.slug))
    return render_template("courses/assign.html", course=course, form=form)
