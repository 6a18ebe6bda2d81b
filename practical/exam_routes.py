"""The practical part of certification exams.

Candidates hand in their file while their exam attempt runs (the server's deadline); the file is
graded at once and its result kept, but the candidate sees only a receipt (name, time,
fingerprint) until the board approves the exam's results; then the page shows the file's result
check by check, with the examiners' decisions counted. Examiners of
the session's unit choose the task, read every candidate's rubric result and override a check with
a reason; the machine's verdict stays beside theirs.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectField

from lms import officefile
from lms.extensions import db
from lms.forms import Form
from lms.models import Role
from lms.permissions import load, permitted, role_required
from lms.web import body_limit, never_cached
from practical import bp, exams, services
from practical.forms import OfficeUploadForm, OverrideForm
from practical.models import PracticalSubmission
from practical.routes import FORMAT_NAMES, UPLOAD_BODY_LIMIT, brief_html, language
from practical.services import PracticalError
from quizzes.models import ExamCandidate, ExamSession


def refusal_message(code: str) -> str:
    """Why a practical operation was refused, said to a person."""
    messages = {
        "approved": _("Kết quả kỳ thi đã được phê duyệt; mọi thay đổi điểm phải qua phúc khảo."),
        "no-practical": _("Kỳ thi này không có phần thực hành."),
        "unknown-task": _("Không có bài thực hành này."),
        "submissions-exist": _("Đã có thí sinh nộp bài thực hành: không đổi được đề nữa."),
        "no-task": _("Kỳ thi chưa có đề thực hành. Vui lòng báo giám thị."),
        "not-started": _("Phần thực hành mở khi bạn bắt đầu làm bài thi."),
        "time-over": _("Đã hết giờ làm bài: không nhận thêm tệp."),
        "unknown-check": _("Không có yêu cầu này trong bảng tiêu chí."),
        "reason": _("Hãy ghi lý do."),
    }
    return messages.get(code, _("Không thực hiện được thao tác."))


class TaskChoiceForm(Form):
    """The examiners' choice of the session's practical task."""

    task_slug = SelectField(_l("Bài thực hành"), choices=[])


def _session(session_id: int, action: str = "manage") -> ExamSession:
    """The session if the current examiner (``manage``) or board chair too (``view``) may act on it; else 404."""
    return load(ExamSession, action, ExamSession.id == session_id)


def _own_candidate(session_id: int) -> ExamCandidate:
    """The signed-in person's place on the session's list (404 for anyone else, administrators too)."""
    return load(ExamCandidate, "take", ExamCandidate.session_id == session_id,
                ExamCandidate.user_id == current_user.id)


# Candidates ---------------------------------------------------------------------------------------


def _render_candidate(candidate: ExamCandidate, form: OfficeUploadForm, refused: str | None = None,
                      status: int = 200):
    state = exams.candidate_state(candidate.session, candidate)
    # The file's result is released with the exam's: once the board has approved the result list.
    released = services.result_of(state.latest) if state.latest and candidate.session.approved else None
    return render_template("practical/exam_candidate.html", session=candidate.session, candidate=candidate,
                           state=state, form=form, refused=refused, format_names=FORMAT_NAMES,
                           released=released, language=language(), on_ten=exams.on_ten,
                           brief=brief_html(state.task) if state.task and state.refusal != "not-started" else None,
                           refusal=refusal_message(state.refusal) if state.refusal else None), status


@bp.route("/my-exams/<int:session_id>/practical", methods=["GET"])
@login_required
@never_cached
def exam_candidate_page(session_id: int):
    """The candidate's practical part: the task, the upload, the receipt of the file handed in."""
    return _render_candidate(_own_candidate(session_id), OfficeUploadForm())


@bp.route("/my-exams/<int:session_id>/practical", methods=["POST"])
@login_required
@never_cached
@body_limit(UPLOAD_BODY_LIMIT)
def exam_candidate_submit(session_id: int):
    """Hand in the practical file (again, until the deadline: the latest counts)."""
    candidate = _own_candidate(session_id)
    form = OfficeUploadForm()
    if not form.validate_on_submit():
        return _render_candidate(candidate, form, status=400)
    upload = form.document.data
    try:
        exams.submit_for_exam(candidate.session, candidate, upload.read(officefile.DEFAULT_LIMITS.max_upload + 1),
                              upload.filename or "")
    except officefile.OfficeFileError as error:
        return _render_candidate(candidate, OfficeUploadForm(formdata=None), officefile.error_message(error), 422)
    except PracticalError as error:
        return _render_candidate(candidate, OfficeUploadForm(formdata=None), refusal_message(error.code), 409)
    flash(_("Đã nhận tệp bài thực hành. Kết quả được công bố cùng kết quả kỳ thi sau khi hội đồng phê duyệt."),
          "success")
    return redirect(url_for("practical.exam_candidate_page", session_id=session_id), 303)


@bp.route("/my-exams/<int:session_id>/practical/starting-file")
@login_required
def exam_starting_file(session_id: int):
    """The exam task's starting file, once the candidate's attempt has started."""
    candidate = _own_candidate(session_id)
    state = exams.candidate_state(candidate.session, candidate)
    if state.task is None or state.task.starting_file is None or candidate.attempt is None:
        abort(404)
    return send_file(state.task.starting_file, as_attachment=True, download_name=state.task.starting_file.name)


# Examiners ----------------------------------------------------------------------------------------


@bp.route("/exams/<int:session_id>/practical", methods=["GET"])
@role_required(Role.EXAMINER, Role.BOARD_CHAIR)
@never_cached
def exam_overview(session_id: int):
    """The session's practical part: its task and each candidate's file and score (the board's
    chair reads it before approving; examiners choose the task)."""
    session = _session(session_id, "view")
    form = TaskChoiceForm()
    form.task_slug.choices = [(t.slug, f"{t.module} · {t.title}")
                              for t in sorted(services.tasks().values(), key=lambda t: (t.module, t.title))]
    task = exams.exam_task(session)
    if task is not None:
        form.task_slug.data = task.slug
    return render_template("practical/exam_overview.html", session=session, task=task, form=form,
                           rows=exams.session_rows(session), on_ten=exams.on_ten,
                           may_manage=permitted(session, "manage"))


@bp.route("/exams/<int:session_id>/practical/task", methods=["POST"])
@role_required(Role.EXAMINER)
def exam_set_task(session_id: int):
    """Choose (or change, before any file is handed in) the session's practical task."""
    session = _session(session_id)
    form = TaskChoiceForm()
    form.task_slug.choices = [(slug, slug) for slug in services.tasks()]
    if not form.validate_on_submit():
        flash(_("Hãy chọn một bài thực hành."), "error")
    else:
        try:
            exams.set_exam_task(session, form.task_slug.data, current_user)
        except PracticalError as error:
            db.session.rollback()
            flash(refusal_message(error.code), "error")
        else:
            flash(_("Đã lưu đề thực hành."), "success")
    return redirect(url_for("practical.exam_overview", session_id=session.id), 303)


def _candidate(session: ExamSession, candidate_id: int) -> ExamCandidate:
    candidate = db.session.get(ExamCandidate, candidate_id)
    if candidate is None or candidate.session_id != session.id:
        abort(404)
    return candidate


@bp.route("/exams/<int:session_id>/practical/candidates/<int:candidate_id>")
@role_required(Role.EXAMINER, Role.BOARD_CHAIR)
@never_cached
def exam_candidate_result(session_id: int, candidate_id: int):
    """One candidate's rubric result, check by check, with the override forms (examiners) and the history."""
    session = _session(session_id, "view")
    candidate = _candidate(session, candidate_id)
    submissions = exams.submissions_of_candidate(candidate)
    latest = submissions[0] if submissions else None
    return render_template("practical/exam_result.html", session=session, candidate=candidate, latest=latest,
                           submissions=submissions, result=services.result_of(latest) if latest else None,
                           task=services.task(latest.task_slug) if latest else exams.exam_task(session),
                           form=OverrideForm(formdata=None), language=language(), on_ten=exams.on_ten,
                           may_override=latest is not None and permitted(latest, "override"))


def _exam_submission(session: ExamSession, submission_id: int, action: str) -> PracticalSubmission:
    """A file handed in for ``session``, through the submission's own policy (the session's unit)."""
    return load(PracticalSubmission, action, PracticalSubmission.id == submission_id,
                PracticalSubmission.candidate_id.in_(
                    select(ExamCandidate.id).where(ExamCandidate.session_id == session.id)))


@bp.route("/exams/<int:session_id>/practical/submissions/<int:submission_id>/override", methods=["POST"])
@role_required(Role.EXAMINER)
def exam_override(session_id: int, submission_id: int):
    """An examiner's decision on one check: pass, fail, or back to the machine's verdict, with a reason."""
    session = _session(session_id)
    submission = _exam_submission(session, submission_id, "override")
    form = OverrideForm()
    check_id = (form.check_id.data or "")[:80]
    target = url_for("practical.exam_candidate_result", session_id=session.id, candidate_id=submission.candidate_id)
    if not form.validate_on_submit():
        flash(_("Hãy chọn kết luận và ghi lý do."), "error")
        return redirect(target, 303)
    passed = {"pass": True, "fail": False}.get(form.verdict.data)
    try:
        exams.override(session, submission, check_id, passed, form.reason.data, current_user)
    except PracticalError as error:
        db.session.rollback()
        flash(refusal_message(error.code), "error")
    else:
        flash(_("Đã lưu kết luận của giám khảo; điểm đã được tính lại."), "success")
    return redirect(f"{target}#check-{check_id}", 303)


@bp.route("/exams/<int:session_id>/practical/submissions/<int:submission_id>/file")
@role_required(Role.EXAMINER, Role.BOARD_CHAIR)
@never_cached
def exam_submission_file(session_id: int, submission_id: int):
    """The file as the candidate handed it in (to open it when deciding on a check)."""
    session = _session(session_id, "view")
    submission = _exam_submission(session, submission_id, "review")
    path = services.stored_path(submission)
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=submission.filename)
