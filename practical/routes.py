"""Practice tasks in courses: a learner opens a task (brief, starting file, formats, time), hands in
a file and reads per-check feedback at once; and the template hooks other features' pages call."""
from __future__ import annotations

from flask import Flask, abort, current_app, redirect, render_template, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from lms import officefile
from lms.markdown import render_markdown
from lms.permissions import load
from lms.web import body_limit, never_cached
from practical import bp, services
from practical.forms import OfficeUploadForm
from practical.models import PracticalSubmission, Purpose
from practical.tasks import Task

UPLOAD_BODY_LIMIT = officefile.DEFAULT_LIMITS.max_upload + 256 * 1024
FORMAT_NAMES = {"docx": "Word (.docx)", "odt": "LibreOffice Writer (.odt)", "xlsx": "Excel (.xlsx)",
                "ods": "LibreOffice Calc (.ods)", "pptx": "PowerPoint (.pptx)", "odp": "LibreOffice Impress (.odp)"}


def _task_or_404(slug: str) -> Task:
    found = services.task(slug[:160])
    if found is None:
        abort(404)
    return found


def language() -> str:
    """The reader's language for the rubric's own explanations ("vi" or "en")."""
    return "en" if str(get_locale()).startswith("en") else "vi"


def brief_html(task: Task) -> Markup:
    """The task's brief through the site's Markdown pipeline (sanitised); the starting file's name
    in a link becomes its download address."""
    files = {}
    if task.starting_file is not None:
        files[task.starting_file.name] = url_for("practical.starting_file", slug=task.slug)
    return Markup(render_markdown(task.brief, files))  # noqa: S704  (render_markdown sanitises with nh3)


@bp.route("/practice")
@login_required
def practice_list():
    """Every practice task, by module."""
    by_module: dict[str, list[Task]] = {}
    for task in sorted(services.tasks().values(), key=lambda t: (t.module, t.title)):
        by_module.setdefault(task.module, []).append(task)
    # The mock certification exam is another feature's (``mock``): linked when it is installed.
    mock_url = url_for("mock.home") if "mock.home" in current_app.view_functions else None
    return render_template("practical/practice_list.html", by_module=by_module, mock_url=mock_url)


def _render_task(task: Task, form: OfficeUploadForm, refused: str | None = None, status: int = 200):
    history = services.submissions_of(current_user, task.slug)
    return render_template("practical/task.html", task=task, brief=brief_html(task), form=form, refused=refused,
                           history=history, format_names=FORMAT_NAMES), status


@bp.route("/practice/<slug>", methods=["GET"])
@login_required
def task(slug: str):
    """A task: brief, starting file, accepted formats, time allowance, the upload form and the
    learner's earlier attempts."""
    return _render_task(_task_or_404(slug), OfficeUploadForm())


@bp.route("/practice/<slug>", methods=["POST"])
@login_required
@body_limit(UPLOAD_BODY_LIMIT)
def task_submit(slug: str):
    """Hand in a file: graded at once, kept with its result, then its feedback is shown."""
    task = _task_or_404(slug)
    form = OfficeUploadForm()
    if not form.validate_on_submit():
        return _render_task(task, form, status=400)
    upload = form.document.data
    data = upload.read(officefile.DEFAULT_LIMITS.max_upload + 1)
    try:
        submission = services.submit(current_user, task, data, upload.filename or "")
    except officefile.OfficeFileError as error:
        return _render_task(task, OfficeUploadForm(formdata=None), officefile.error_message(error), 422)
    return redirect(url_for("practical.submission", submission_id=submission.id), 303)


@bp.route("/practice/<slug>/starting-file")
@login_required
def starting_file(slug: str):
    """The file the task starts from, as a download."""
    task = _task_or_404(slug)
    if task.starting_file is None:
        abort(404)
    return send_file(task.starting_file, as_attachment=True, download_name=task.starting_file.name, max_age=3600)


@bp.route("/practice/submissions/<int:submission_id>")
@login_required
@never_cached
def submission(submission_id: int):
    """Feedback on one practice file, check by check: passed or not, points, where, what was
    found and the rubric's explanation in the reader's language. The author's alone."""
    found = load(PracticalSubmission, "view", PracticalSubmission.id == submission_id,
                 PracticalSubmission.purpose == Purpose.PRACTICE)
    task = services.task(found.task_slug)
    return render_template("practical/feedback.html", submission=found, task=task,
                           result=services.result_of(found), language=language())


def register_template_hooks(app: Flask) -> None:
    """Template globals other features' pages call when they exist (``is defined`` in the page)."""

    def course_practical_tasks(course) -> list[Task]:
        """The practice tasks of a course's framework modules (IU03 documents, IU04 spreadsheets…)."""
        return services.tasks_for_modules(list(getattr(course, "modules", None) or []))

    def exam_practical_task(session) -> Task | None:
        """The practical task an exam session sets (None: none chosen, or no practical part)."""
        from practical.exams import exam_task

        return exam_task(session)

    app.add_template_global(course_practical_tasks, "course_practical_tasks")
    app.jinja_env.globals["practical_home_card"] = True  # the home page shows the ND30 checker's card
    app.add_template_global(exam_practical_task, "exam_practical_task")
