"""The exam board's printed lists (attendance, results) for examiners and the board's chair of
the session's unit; linked from the session's pages through a template global."""
from __future__ import annotations

from flask import Response, render_template
from markupsafe import Markup

from certificates import bp, exam_lists
from lms.models import Role
from lms.permissions import load, role_required
from lms.web import never_cached
from quizzes.models import ExamSession

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _session(session_id: int) -> ExamSession:
    return load(ExamSession, "view", ExamSession.id == session_id)


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/exams/<int:session_id>/attendance.pdf")
@never_cached
@role_required(Role.EXAMINER, Role.BOARD_CHAIR)
def exam_attendance_pdf(session_id: int):
    """The attendance list to print and have each candidate sign."""
    session = _session(session_id)
    return _download(exam_lists.attendance_pdf(session), "application/pdf", f"danh-sach-du-thi-{session.id}.pdf")


@bp.route("/exams/<int:session_id>/results.pdf")
@never_cached
@role_required(Role.EXAMINER, Role.BOARD_CHAIR)
def exam_results_pdf(session_id: int):
    """The result list with the board's members and the approval decision (a draft before it)."""
    session = _session(session_id)
    return _download(exam_lists.results_pdf(session), "application/pdf", f"ket-qua-thi-{session.id}.pdf")


@bp.route("/exams/<int:session_id>/results.xlsx")
@never_cached
@role_required(Role.EXAMINER, Role.BOARD_CHAIR)
def exam_results_xlsx(session_id: int):
    """The result list as a spreadsheet."""
    session = _session(session_id)
    return _download(exam_lists.results_xlsx(session), XLSX, f"ket-qua-thi-{session.id}.xlsx")


def exam_list_links(session: ExamSession) -> Markup:
    """Links to the printable lists, shown on the session's pages."""
    return Markup(render_template("certificates/_exam_list_links.html", session=session))
