"""Exam session views: examiners schedule, list candidates, watch, mark, approve, re-mark;
candidates find their sessions and start with the access code."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import re

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.web import MAX_ID, never_cached
from lms.auth import EmptyForm
from lms.database import utcnow
from lms.extensions import db
from lms.models import Role
from lms.permissions import agencies_in_scope, load, permitted, role_required, scoped
from lms.text import name_sort_key
from lms.timefmt import LOCAL_ZONE, format_score
from quizzes import bp, disclosure, exams, services
from quizzes.forms import (ApprovalForm, BlueprintForm, BoardForm, CandidatesForm, ExamSessionForm, ExtraTimeForm,
                           RemarkForm, ScoreForm, StartExamForm)
from quizzes.candidate_files import MAX_FILE_BYTES, CandidateRow, read_candidate_file, template_xlsx
from quizzes.models import AttemptAnswer, ExamCandidate, ExamSession


def _utc(local: datetime) -> datetime:
    """A time typed in Vietnam (the form's naive value) as aware UTC."""
    return local.replace(tzinfo=LOCAL_ZONE).astimezone(timezone.utc)


def _session_for_examiner(session_id: int) -> ExamSession:
    """The session, if the current examiner's scope covers it; otherwise 404."""
    return load(ExamSession, "manage", ExamSession.id == session_id)


def _candidate(session: ExamSession, candidate_id: int) -> ExamCandidate:
    candidate = db.session.get(ExamCandidate, candidate_id)
    if candidate is None or candidate.session_id != session.id:
        abort(404)
    return candidate


@bp.route("/exams")
@role_required(Role.EXAMINER, Role.BOARD_CHAIR)
def exam_list():
    """Sessions in the examiner's scope, newest first."""
    sessions = list(db.session.scalars(scoped(ExamSession, "view").order_by(ExamSession.opens_at.desc())))
    return render_template("quizzes/exams/list.html", sessions=sessions)


@bp.route("/exams/new", methods=["GET", "POST"])
@role_required(Role.EXAMINER)
def exam_new():
    """Schedule a session."""
    form = ExamSessionForm()
    agencies = agencies_in_scope(current_user, Role.EXAMINER)
    form.agency_id.choices = [(a.id, f"{a.name} ({a.code})") for a in agencies]
    if form.validate_on_submit():
        agency = next(a for a in agencies if a.id == form.agency_id.data)
        try:
            session = exams.create_session(
                title=form.title.data, opens_at=_utc(form.opens_at.data), closes_at=_utc(form.closes_at.data),
                time_limit_minutes=form.time_limit_minutes.data, agency=agency, level=form.level.data,
                modules=form.module_list(), access_code=form.access_code.data, has_practical=form.has_practical.data,
                theory_weight=form.theory_weight.data, practical_weight=form.practical_weight.data,
                theory_pass_mark=form.theory_pass_mark.data, practical_pass_mark=form.practical_pass_mark.data,
                created_by=current_user, reveal=form.reveal.data, pass_mark_reason=form.pass_mark_reason.data)
        except services.QuizError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            flash(_("Đã tạo kỳ thi. Hãy lập ma trận đề và danh sách thí sinh."), "success")
            return redirect(url_for("quizzes.exam_detail", session_id=session.id))
    return render_template("quizzes/exams/new.html", form=form)


@bp.route("/exams/<int:session_id>")
@role_required(Role.EXAMINER)
def exam_detail(session_id: int):
    """Settings, blueprint, board, candidates and who has started or submitted."""
    return _detail_page(_session_for_examiner(session_id))


def _detail_page(session: ExamSession, candidates_form: CandidatesForm | None = None,
                 problems: list[str] | None = None, problems_in: str | None = None) -> str:
    blueprint = BlueprintForm(rules="\n".join(f"{r.module_code} {r.difficulty + ' ' if r.difficulty else ''}{r.count}"
                                               for r in session.rules))
    candidates = sorted(session.candidates, key=lambda c: name_sort_key(c.user.full_name))
    board = BoardForm(members="\n".join(session.board_members or []))
    return render_template("quizzes/exams/detail.html", session=session, blueprint=blueprint, board=board,
                           candidates_form=candidates_form or CandidatesForm(), candidates=candidates,
                           progress=exams.progress(session), extra_form=ExtraTimeForm(), form=EmptyForm(),
                           problems=problems or [], problems_in=problems_in)


@bp.route("/exams/<int:session_id>/blueprint", methods=["POST"])
@role_required(Role.EXAMINER)
def exam_blueprint(session_id: int):
    """Replace the blueprint (refused if the bank cannot supply it)."""
    session = _session_for_examiner(session_id)
    form = BlueprintForm()
    if form.validate_on_submit():
        try:
            exams.set_blueprint(session, form.parsed)
        except services.QuizError as error:
            db.session.rollback()
            flash(_("Chưa lưu ma trận đề: %(why)s", why=error_message(error)), "error")
        else:
            flash(_("Đã lưu ma trận đề: %(n)s câu mỗi thí sinh.", n=session.question_count), "success")
    else:
        flash(" ".join(str(e) for e in form.rules.errors) or _("Dữ liệu không hợp lệ."), "error")
    return redirect(url_for("quizzes.exam_detail", session_id=session.id))


def _typed_rows(text: str) -> list[CandidateRow]:
    """The rows of a typed list: "identifier" or "identifier, name" (tab or semicolon too) per line."""
    rows = []
    for line, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            parts = re.split(r"[\t,;]", raw, maxsplit=1)
            rows.append(CandidateRow(line=line, identifier=parts[0].strip(),
                                     name=parts[1].strip() if len(parts) > 1 else ""))
    return rows


def problem_message(problem: exams.RowProblem) -> str:
    """One bad line of a candidate list, in the reader's language."""
    if problem.code == "empty":
        return _("Dòng %(n)s: thiếu tên đăng nhập, thư điện tử hoặc mã cán bộ.", n=problem.line)
    if problem.code == "name-mismatch":
        return _("Dòng %(n)s: «%(text)s» — tài khoản này là của %(name)s.", n=problem.line, text=problem.text,
                 name=problem.found_name)
    return _("Dòng %(n)s: không tìm thấy «%(text)s» trong đơn vị bạn phụ trách.", n=problem.line,
             text=problem.text)


FILE_ERRORS = {"file-too-large": _l("Tệp quá lớn (tối đa 2 MB)."),
               "file-unreadable": _l("Không đọc được tệp Excel."),
               "file-encoding": _l("Tệp CSV phải là văn bản UTF-8."),
               "file-type": _l("Chỉ nhận tệp Excel (.xlsx) hoặc CSV."),
               "file-too-many-rows": _l("Tệp có quá nhiều dòng (tối đa 5.000).")}


@bp.route("/exams/<int:session_id>/candidates", methods=["POST"])
@role_required(Role.EXAMINER)
def exam_candidates(session_id: int):
    """Add candidates from a typed list or a CSV/Excel file; all or none. A list with unknown
    names comes back with each bad line named and every line kept for correction."""
    session = _session_for_examiner(session_id)
    form = CandidatesForm()
    if not form.validate_on_submit():
        return _detail_page(session, candidates_form=form), 400
    if form.document.data:
        upload = form.document.data
        try:
            rows = read_candidate_file(upload.filename or "", upload.read(MAX_FILE_BYTES + 1))
        except services.QuizError as error:
            form.document.errors = [str(FILE_ERRORS.get(error.code, FILE_ERRORS["file-unreadable"]))]
            return _detail_page(session, candidates_form=form), 400
        # The file's rows go into the box, so that the few bad lines are corrected there.
        form.people.data = "\n".join(f"{r.identifier}, {r.name}" if r.name else r.identifier for r in rows)
        source = "file"
    else:
        rows = _typed_rows(form.people.data)
        source = "typed"
    people, problems = exams.check_candidate_rows(rows, by=current_user)
    if problems:
        db.session.rollback()
        return _detail_page(session, candidates_form=form, problems=[problem_message(p) for p in problems],
                            problems_in=source), 400
    try:
        added = exams.add_people(session, people, by=current_user)
    except services.QuizError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    else:
        flash(_("Đã thêm %(n)s thí sinh.", n=added), "success")
    return redirect(url_for("quizzes.exam_detail", session_id=session.id))


@bp.route("/exams/candidates-template.xlsx")
@role_required(Role.EXAMINER)
def exam_candidates_template():
    """The Excel file to fill in with a session's candidates."""
    return Response(template_xlsx(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="mau-danh-sach-thi-sinh.xlsx"'})


@bp.route("/exams/<int:session_id>/candidates/<int:candidate_id>/extra-time", methods=["POST"])
@role_required(Role.EXAMINER)
def exam_extra_time(session_id: int, candidate_id: int):
    """Give one candidate extra time: set the total (the detail page) or add minutes (monitoring)."""
    session = _session_for_examiner(session_id)
    candidate = _candidate(session, candidate_id)
    form = ExtraTimeForm()
    adding = request.form.get("mode") == "add"
    back = url_for("quizzes.exam_monitor" if adding else "quizzes.exam_detail", session_id=session.id)
    if form.validate_on_submit():
        try:
            exams.set_extra_time(candidate, candidate.extra_minutes + form.minutes.data if adding
                                 else form.minutes.data, by=current_user)
        except services.QuizError:
            db.session.rollback()
            flash(_("Tổng thời gian cộng thêm phải từ 0 đến 240 phút."), "error")
            return redirect(back)
        flash(_("Đã cộng thời gian cho %(name)s.", name=candidate.user.full_name), "success")
    else:
        flash(_("Số phút phải từ 0 đến 240."), "error")
    return redirect(back)


@bp.route("/exams/<int:session_id>/monitor")
@never_cached
@role_required(Role.EXAMINER)
def exam_monitor(session_id: int):
    """The examiner's live view of the room: refreshes itself with a small fetch every few seconds."""
    session = _session_for_examiner(session_id)
    return render_template("quizzes/exams/monitor.html", session=session, rows=exams.monitor_rows(session),
                           form=EmptyForm())


@bp.route("/exams/<int:session_id>/monitor.json")
@never_cached
@role_required(Role.EXAMINER)
def exam_monitor_data(session_id: int):
    """What the monitoring page shows, as JSON (fetched every few seconds)."""
    session = _session_for_examiner(session_id)
    rows = exams.monitor_rows(session)
    counts = {state: sum(1 for row in rows if row["state"] == state)
              for state in ("not_started", "answering", "submitted", "absent")}
    return jsonify({"session_id": session.id, "now": utcnow().isoformat(), "counts": counts, "candidates": rows})


@bp.route("/exams/<int:session_id>/marking", methods=["GET", "POST"])
@role_required(Role.EXAMINER)
def exam_marking(session_id: int):
    """Mark essays and enter practical scores before approval."""
    session = _session_for_examiner(session_id)
    if request.method == "POST":
        if session.approved or not EmptyForm().validate_on_submit():
            abort(400)
        kind, target = request.form.get("kind"), request.form.get("target", "")
        score_form = ScoreForm()
        if not target.isdigit() or len(target) > 10 or int(target) > MAX_ID or not score_form.validate():
            flash(_("Điểm phải là số từ 0 đến 10."), "error")
            return redirect(url_for("quizzes.exam_marking", session_id=session.id))
        if kind == "essay":
            answer = db.session.get(AttemptAnswer, int(target))
            owner = db.session.scalar(select(ExamCandidate).where(ExamCandidate.attempt_id == answer.attempt_id)) \
                if answer else None
            if answer is None or owner is None or owner.session_id != session.id:
                abort(404)
            services.mark_answer(answer, float(score_form.score.data) / 10, by=current_user)
        elif kind == "practical":
            exams.set_practical_score(_candidate(session, int(target)), score_form.score.data, current_user)
        else:
            abort(400)
        flash(_("Đã lưu điểm."), "success")
        return redirect(url_for("quizzes.exam_marking", session_id=session.id))
    essays = []
    for candidate in session.candidates:
        if candidate.attempt is not None:
            questions = {slot.question_id: slot.question for slot in candidate.attempt.slots}
            essays += [(candidate, answer, questions[answer.question_id]) for answer in candidate.attempt.answers
                       if answer.needs_marking]
    candidates = sorted(session.candidates, key=lambda c: name_sort_key(c.user.full_name))
    return render_template("quizzes/exams/marking.html", session=session, essays=essays, candidates=candidates,
                           form=EmptyForm())


def _module_and_difficulty(params: dict) -> str:
    """"IU01", or "IU01 (dễ)" for a blueprint line that names a difficulty."""
    names = {"easy": _("dễ"), "medium": _("trung bình"), "hard": _("khó")}
    difficulty = names.get(params.get("difficulty") or "")
    return f"{params.get('module', '')} ({difficulty})" if difficulty else params.get("module", "")


def error_message(error: services.QuizError) -> str:
    """A refused exam action in the reader's language (services speak in codes)."""
    params = error.params
    messages = {
        "preparer": _("Người lập kỳ thi không được phê duyệt danh sách kết quả của chính kỳ thi đó."),
        "decision": _("Cần số và ngày của quyết định phê duyệt."),
        "unmarked": _("Còn %(n)s điểm chưa nhập; xem danh sách điểm còn thiếu.", n=params.get("count", "")),
        "approved": _("Danh sách kết quả đã được phê duyệt; không thể thay đổi."),
        "board-size": _("Hội đồng thi có tối đa %(n)s thành viên.", n=params.get("count", "")),
        "not-enough": _("%(module)s: cần %(need)s câu, ngân hàng chỉ có %(have)s câu đang dùng",
                        module=_module_and_difficulty(params), need=params.get("need", ""),
                        have=params.get("have", "")),
        "module-outside": _("%(module)s không thuộc các mô-đun của kỳ thi (%(modules)s).",
                            module=params.get("module", ""), modules=params.get("modules", "")),
        "count": _("%(module)s: số câu phải từ 1 trở lên.", module=params.get("module", "")),
        "empty-blueprint": _("Ma trận đề cần ít nhất một dòng."),
        "pass-mark": _("Điểm đạt phải lớn hơn 0 và không quá 10."),
        "pass-mark-reason": _("Điểm đạt thấp hơn 5/10 cần ghi lý do."),
        "basic-modules": _("Kỳ thi cấp chứng chỉ cơ bản phải đánh giá đủ các mô-đun IU01–IU06."),
        "advanced-modules": _("Kỳ thi cấp chứng chỉ nâng cao phải nêu các mô-đun nâng cao (IU07–IU15) được đánh giá."),
        "window": _("Giờ đóng phải sau giờ mở."),
        "time-limit": _("Thời gian làm bài phải từ 1 đến 600 phút."),
        "reveal": _("Kỳ thi không được công bố đáp án trước khi đóng."),
        "not-approved": _("Trước khi phê duyệt, hãy sửa điểm trực tiếp ở trang chấm thi."),
        "invalid-mark": _("Điểm phải là số từ 0 đến 10."),
        "reason": _("Phúc khảo cần ghi lý do."),
        "part": _("Phần thi không hợp lệ."),
        "no-practical": _("Kỳ thi này không có phần thực hành."),
    }
    return messages.get(error.code, _("Thao tác không thực hiện được."))


def _marks_entered(session: ExamSession) -> dict[int, list[tuple[str, object, object]]]:
    """Per candidate: the hand-made marks and who entered them (essay marks; the practical mark)."""
    from lms.models import User

    entered: dict[int, list] = {}
    names = {}
    for candidate in session.candidates:
        rows = entered.setdefault(candidate.id, [])
        if candidate.attempt is not None:
            for answer in candidate.attempt.answers:
                if answer.marked_at is not None:
                    if answer.marked_by_id not in names:
                        person = db.session.get(User, answer.marked_by_id) if answer.marked_by_id else None
                        names[answer.marked_by_id] = person.full_name if person else "—"
                    rows.append((_("Câu tự luận: %(s)s/10", s=format_score(Decimal(str(answer.credit or 0)) * 10)),
                                 names[answer.marked_by_id], answer.marked_at))
        if candidate.practical_at is not None:
            rows.append((_("Thực hành"), candidate.practical_by.full_name if candidate.practical_by else "—",
                         candidate.practical_at))
    return entered


@bp.route("/exams/<int:session_id>/results", methods=["GET"])
@role_required(Role.EXAMINER, Role.BOARD_CHAIR)
def exam_results(session_id: int):
    """The result list: marks, re-marks and who entered them, what is still missing; the board's
    chair approves it here (not the examiner who prepared the session)."""
    session = load(ExamSession, "view", ExamSession.id == session_id)
    candidates = sorted(session.candidates, key=lambda c: name_sort_key(c.user.full_name))
    may_approve = permitted(session, "approve") and current_user.id != session.created_by_id
    return render_template("quizzes/exams/results.html", session=session, candidates=candidates, form=EmptyForm(),
                           remark_form=RemarkForm(), approval_form=ApprovalForm(), may_approve=may_approve,
                           may_manage=permitted(session, "manage"), missing=exams.missing_marks(session),
                           closed=session.approved or utcnow() > session.closes_at,
                           entered=_marks_entered(session))


@bp.route("/exams/<int:session_id>/approve", methods=["POST"])
@role_required(Role.BOARD_CHAIR)
def exam_approve(session_id: int):
    """The board's chair approves the result list under a decision (number and date)."""
    session = load(ExamSession, "approve", ExamSession.id == session_id)
    form = ApprovalForm()
    if not form.validate_on_submit():
        flash(_("Cần số và ngày của quyết định phê duyệt."), "error")
        return redirect(url_for("quizzes.exam_results", session_id=session.id))
    try:
        exams.approve(session, current_user, form.decision_number.data, form.decision_date.data)
    except services.QuizError as error:
        db.session.rollback()
        flash(_("Chưa thể phê duyệt: %(why)s", why=error_message(error)), "error")
    else:
        flash(_("Đã phê duyệt danh sách kết quả. Kết quả là chính thức và đã được công bố cho thí sinh."), "success")
    return redirect(url_for("quizzes.exam_results", session_id=session.id))


@bp.route("/exams/<int:session_id>/board", methods=["POST"])
@role_required(Role.EXAMINER)
def exam_board(session_id: int):
    """Record the exam board's members."""
    session = _session_for_examiner(session_id)
    form = BoardForm()
    if form.validate_on_submit():
        try:
            exams.set_board(session, form.members.data.splitlines(), current_user)
        except services.QuizError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            flash(_("Đã lưu thành phần Hội đồng thi."), "success")
    else:
        flash(_("Cần ít nhất một thành viên."), "error")
    return redirect(url_for("quizzes.exam_detail", session_id=session.id))


@bp.route("/exams/<int:session_id>/candidates/<int:candidate_id>/remark", methods=["POST"])
@role_required(Role.EXAMINER)
def exam_remark(session_id: int, candidate_id: int):
    """Record a re-mark (phúc khảo) after approval."""
    session = _session_for_examiner(session_id)
    candidate = _candidate(session, candidate_id)
    form = RemarkForm()
    if form.validate_on_submit():
        try:
            exams.remark(candidate, form.part.data, form.score.data, form.reason.data, current_user)
        except services.QuizError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            flash(_("Đã ghi nhận phúc khảo."), "success")
    else:
        flash(_("Cần điểm từ 0 đến 10 và lý do."), "error")
    return redirect(url_for("quizzes.exam_results", session_id=session.id))


@bp.route("/my-exams")
@never_cached
@login_required
def my_exams():
    """The sessions a person is listed for."""
    return render_template("quizzes/exams/mine.html", rows=exams.sessions_of_candidate(current_user))


@bp.route("/my-exams/<int:session_id>", methods=["GET", "POST"])
@never_cached
@login_required
def my_exam(session_id: int):
    """Before the exam: what to expect; POST with the access code starts (or resumes) it."""
    session = db.session.get(ExamSession, session_id)
    candidate = exams.candidate_of(session, current_user) if session else None
    if session is None or candidate is None:
        abort(404)
    form = StartExamForm()
    if form.validate_on_submit():
        try:
            attempt = exams.start_exam(session, current_user, form.access_code.data)
        except services.QuizError as error:
            db.session.rollback()
            messages = {"access-code": _("Mã vào phòng thi không đúng."),
                        "absent": _("Danh sách kết quả đã được phê duyệt; bạn được ghi là vắng thi."),
                        "outside-window": _("Kỳ thi chưa mở hoặc đã đóng."),
                        "empty-blueprint": _("Kỳ thi chưa có đề. Vui lòng báo giám thị."),
                        "not-enough": _("Ngân hàng câu hỏi không đủ câu. Vui lòng báo giám thị.")}
            flash(messages.get(error.code, _("Không thể bắt đầu bài thi.")), "error")
        else:
            return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    shown = disclosure.disclose(candidate.attempt) if candidate.attempt is not None else None
    return render_template("quizzes/exams/start.html", session=session, candidate=candidate, form=form,
                           shown=shown)


def dashboard_panel(user) -> str | None:
    """The dashboard's "my exams" panel (only for people listed in a session)."""
    rows = exams.sessions_of_candidate(user)
    return render_template("quizzes/exams/_dashboard_panel.html", rows=rows) if rows else None
