"""The mock certification exam's pages: start one (as many as wanted), take the practical part
beside the theory attempt, read the result per module with what to study."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms import officefile
from lms.extensions import db
from lms.forms import EmptyForm
from lms.permissions import load
from lms.transactions import writes
from lms.web import body_limit, never_cached
from practical import bp, mock, services
from practical.exam_routes import refusal_message
from practical.forms import OfficeUploadForm
from practical.models import MockExam
from practical.routes import FORMAT_NAMES, UPLOAD_BODY_LIMIT, brief_html, language
from practical.services import PracticalError


@bp.route("/mock-exam", methods=["GET"])
@writes  # reading a result closes a theory attempt whose time ran out (it is graded then)
@login_required
def mock_home():
    """What the mock is, the start button and the person's earlier mocks."""
    mocks = mock.mocks_of(current_user)
    return render_template("practical/mock_home.html", form=EmptyForm(), mocks=mocks[:10],
                           results={m.id: mock.result(m) for m in mocks[:10]}, modules=mock.MOCK_MODULES)


@bp.route("/mock-exam", methods=["POST"])
@login_required
def mock_start():
    """Start a mock (or resume the one whose clock is running)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        started = mock.start_mock(current_user)
    except PracticalError as error:
        db.session.rollback()
        flash(_("Ngân hàng câu hỏi chưa có câu nào cho IU01–IU06.") if error.code == "empty-bank"
              else refusal_message(error.code), "error")
        return redirect(url_for("practical.mock_home"), 303)
    return redirect(url_for("practical.mock_page", mock_id=started.id), 303)


def _own(mock_id: int) -> MockExam:
    return load(MockExam, "view", MockExam.id == mock_id)


def _render(found: MockExam, form: OfficeUploadForm, refused: str | None = None, status: int = 200):
    task = services.task(found.task_slug)
    outcome = mock.result(found)
    return render_template("practical/mock.html", mock=found, task=task, brief=brief_html(task) if task else None,
                           running=mock.running(found), outcome=outcome, form=form, refused=refused,
                           format_names=FORMAT_NAMES, language=language(),
                           feedback=services.result_of(outcome.submission) if outcome.submission else None), status


@bp.route("/mock-exam/<int:mock_id>", methods=["GET"])
@writes  # as above
@login_required
@never_cached
def mock_page(mock_id: int):
    """A mock: the clock, the theory part's link, the practical task and upload, the result."""
    return _render(_own(mock_id), OfficeUploadForm())


@bp.route("/mock-exam/<int:mock_id>/practical", methods=["POST"])
@login_required
@never_cached
@body_limit(UPLOAD_BODY_LIMIT)
def mock_submit(mock_id: int):
    """Hand in the mock's practical file (graded at once; the latest counts)."""
    found = _own(mock_id)
    form = OfficeUploadForm()
    if not form.validate_on_submit():
        return _render(found, form, status=400)
    upload = form.document.data
    try:
        mock.submit_practical(found, current_user, upload.read(officefile.DEFAULT_LIMITS.max_upload + 1),
                              upload.filename or "")
    except officefile.OfficeFileError as error:
        return _render(found, OfficeUploadForm(formdata=None), officefile.error_message(error), 422)
    except PracticalError as error:
        return _render(found, OfficeUploadForm(formdata=None), refusal_message(error.code), 409)
    return redirect(url_for("practical.mock_page", mock_id=found.id) + "#ket-qua", 303)


@bp.route("/mock-exam/<int:mock_id>/starting-file")
@login_required
def mock_starting_file(mock_id: int):
    """The mock's practical task's starting file."""
    task = services.task(_own(mock_id).task_slug)
    if task is None or task.starting_file is None:
        abort(404)
    return send_file(task.starting_file, as_attachment=True, download_name=task.starting_file.name)
