"""HR's pages: staff list and search, a person's standing and evidence, requirements."""
from __future__ import annotations

import os
import re
import secrets
from datetime import date
from types import SimpleNamespace

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import func, select

from hr import agencies as agency_changes
from hr import bp, compliance, evidence, rounds, services, standing
from hr.forms import (ApplicantForm, AssessmentForm, CandidatesForm, DecisionForm, ExternalCertificateForm, ExternalStatusForm, ImportForm,
                      RoundForm, StaffForm, WithdrawForm)
from hr.models import (AgencyAssessment, ExternalCertificate, Gender, Requirement, ReviewRound, RoundCandidate,
                       RoundSubmission, StaffRecord, StaffStatus)
from certificates import codes
from lms.extensions import db, limiter
from lms.forms import EmptyForm
from lms.jobs import Job, create_job
from lms.models import Agency, Role
from lms.permissions import agencies_in_scope, load, permitted, role_required, scoped
from lms.timefmt import local_today
from lms.transactions import roll_back_request
from lms.web import MAX_ID, body_limit, int_arg, never_cached

PAGE_SIZE = 50


def error_message(error: services.HRError) -> str:
    """An HR error in the reader's language."""
    messages = {
        "duplicate-code": _("Mã cán bộ %(code)s đã có trong danh sách.", code=error.params.get("code", "")),
        "effective-before-period": _("Ngày hiệu lực phải từ %(date)s trở đi (ngày của lần thay đổi trước).",
                                     date=error.params.get("date", "")),
        "scan-size": _("Bản quét trống hoặc lớn hơn 10 MB."),
        "scan-type": _("Bản quét phải là tệp PDF, PNG hoặc JPG."),
        "already-withdrawn": _("Đánh giá này đã được thu hồi."),
        "round-closed": _("Đợt xét đã khóa; không thay đổi được."),
        "not-check": _("Chỉ ghi quyết định cho dòng cần kiểm tra."),
        "agency-out-of-scope": _("Cả hai đơn vị phải thuộc phạm vi anh/chị quản lý."),
        "merge-into-itself": _("Không hợp nhất một đơn vị vào chính nó hoặc vào đơn vị trực thuộc nó."),
        "agency-inactive": _("Đơn vị này đã ngừng hoạt động."),
        "decision-needed": _("Cần số quyết định."),
        "applicant-name": _("Nhập họ và tên người dự tuyển (tối đa 255 ký tự)."),
        "applicant-birth": _("Nhập ngày sinh hợp lệ của người dự tuyển (không ở tương lai)."),
        "applicant-number": _("Số CCCD hoặc số hồ sơ dài tối đa 32 ký tự."),
        "applicant-duplicate": _("%(name)s đã có trong đợt xét này.", name=error.params.get("name", "")),
        "applicant-too-many": _("Mỗi người nộp tối đa %(codes)s mã và %(pdfs)s tệp PDF.",
                                codes=error.params.get("codes", ""), pdfs=error.params.get("pdfs", "")),
        "applicant-code": _("Không tìm thấy chứng chỉ nào của hệ thống với mã hoặc số hiệu: %(codes)s. "
                            "Không có gì được lưu.", codes=error.params.get("codes", "")),
        "applicant-code-typo": _("Mã có ký tự gõ nhầm (ký tự kiểm tra, ký tự cuối, không khớp): %(codes)s. "
                                 "Vui lòng đối chiếu với mã in trên chứng chỉ. Không có gì được lưu.",
                                 codes=error.params.get("codes", "")),
        "pdf-size": _("Tệp %(file)s trống hoặc lớn hơn 10 MB. Không có gì được lưu.", file=error.params.get("file", "")),
        "pdf-type": _("Tệp %(file)s không phải PDF. Không có gì được lưu.", file=error.params.get("file", "")),
        "pdf-not-ours": _("Tệp %(file)s không phải chứng chỉ có chữ ký số của hệ thống này. Không có gì được lưu.",
                          file=error.params.get("file", "")),
        "pdf-altered": _("Tệp %(file)s đã bị sửa đổi sau khi ký hoặc không khớp với sổ gốc. Không có gì được lưu.",
                         file=error.params.get("file", "")),
        "pdf-unavailable": _("Chưa cấu hình khóa ký chứng chỉ nên chưa kiểm tra được tệp PDF. Không có gì được lưu."),
        "decision-too-long": _("Số quyết định dài quá 64 ký tự."),
        "effective-needed": _("Cần ngày có hiệu lực."),
        "effective-future": _("Ngày có hiệu lực không được ở tương lai: ghi thay đổi khi quyết định đã có hiệu lực."),
        "effective-invalid": _("Ngày có hiệu lực không hợp lệ."),
        "effective-before-change": _("Ngày có hiệu lực phải từ %(date)s trở đi (ngày của lần thay đổi trước của đơn vị).",
                                     date=error.params.get("date", "")),
        "name-needed": _("Cần tên đơn vị."),
        "name-too-long": _("Tên đơn vị dài quá 255 ký tự."),
        "same-name": _("Tên mới trùng với tên hiện tại."),
        "unit-out-of-scope": _("Đơn vị này không thuộc phạm vi anh/chị quản lý."),
        "parent-out-of-scope": _("Đơn vị cấp trên phải thuộc phạm vi anh/chị quản lý."),
        "parent-needed": _("Chọn đơn vị cấp trên."),
        "parent-inactive": _("Đơn vị cấp trên đã ngừng hoạt động."),
        "target-inactive": _("Đơn vị nhận đã ngừng hoạt động."),
        "code-format": _("Mã định danh phải theo dạng V1V2V3.Z1Z2.Y1Y2.Xnn (QCVN 102:2016), ví dụ 000.01.05.H41."),
        "code-parent": _("Theo mã định danh, đơn vị %(code)s không trực thuộc đơn vị có mã %(parent)s; hãy chọn đúng "
                         "đơn vị cấp trên hoặc sửa mã.", code=error.params.get("code", ""),
                         parent=error.params.get("parent", "")),
        "code-taken": _("Mã định danh %(code)s đã có.", code=error.params.get("code", "")),
        "move-into-itself": _("Không chuyển một đơn vị vào chính nó hoặc vào đơn vị trực thuộc nó."),
        "same-parent": _("Đơn vị đã trực thuộc đơn vị cấp trên này."),
        "has-staff": _("Đơn vị còn %(n)s người đang công tác hoặc tạm nghỉ: hãy chuyển họ sang đơn vị khác (hoặc "
                       "hợp nhất đơn vị) trước khi giải thể.", n=error.params.get("n", 0)),
        "has-units": _("Đơn vị còn %(n)s đơn vị trực thuộc đang hoạt động: hãy chuyển hoặc giải thể các đơn vị đó "
                       "trước.", n=error.params.get("n", 0)),
    }
    return messages.get(error.code, _("Không thực hiện được thao tác."))


def status_names() -> dict[str, str]:
    """A staff record's status in words."""
    return {"working": _("Đang công tác"), "on_leave": _("Tạm nghỉ"), "retired": _("Đã nghỉ hưu"),
            "transferred": _("Đã chuyển công tác")}


def evidence_status_names() -> dict[str, str]:
    """A piece of evidence's status in words."""
    return {"valid": _("Có hiệu lực"), "pending": _("Chưa kiểm tra"), "revoked": _("Đã thu hồi"),
            "superseded": _("Đã được cấp lại"), "expired": _("Hết hiệu lực"), "void": _("Bị hủy kết quả"),
            "rejected": _("Không công nhận"), "withdrawn": _("Đã thu hồi đánh giá"),
            "mismatch": _("Người được cấp không khớp với người dự tuyển")}


def outcome_names() -> dict[str, str]:
    """A standing's outcome in words."""
    return {"meets": _("Đạt yêu cầu"), "not_met": _("Chưa đạt yêu cầu"), "check": _("Cần kiểm tra"),
            "unknown": _("Chưa có yêu cầu cho ngạch này")}


def source_names() -> dict[str, str]:
    """Where a piece of evidence comes from, in words."""
    return {"product": _("Kết quả thi, chứng chỉ trên hệ thống"), "external": _("Chứng chỉ của đơn vị khác"),
            "assessment": _("Đánh giá của cơ quan")}


def level_names() -> dict[str, str]:
    """A requirement level in words."""
    return {"none": _("Các mô-đun nêu tên"), "basic": _("Chuẩn cơ bản"), "advanced": _("Chuẩn nâng cao")}


def _helpers() -> dict:
    return {"status_names": status_names(), "evidence_status_names": evidence_status_names(),
            "outcome_names": outcome_names(), "source_names": source_names(), "level_names": level_names()}


@bp.route("/")
@never_cached
@role_required(Role.HR)
def staff_list():
    """Staff records in the officer's scope: search by name (with or without diacritics), employee
    code or date of birth; Vietnamese name order."""
    text = (request.args.get("q") or "").strip()[:100]
    status = request.args.get("status") or None
    if status not in (None, *[s.value for s in StaffStatus]):
        abort(400)
    agency_id = int_arg("agency", minimum=1, maximum=MAX_ID)
    agencies = agencies_in_scope(current_user, Role.HR)
    if agency_id and agency_id not in {a.id for a in agencies}:
        agency_id = None
    page = int_arg("page", 1, maximum=100_000) or 1
    ordered = services.ordered_ids(services.staff_query(text, agency_id=agency_id, status=status))
    shown_ids = ordered[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    found = {r.id: r for r in db.session.scalars(select(StaffRecord).where(StaffRecord.id.in_(shown_ids)))} \
        if shown_ids else {}
    return render_template("hr/staff_list.html", records=[found[i] for i in shown_ids], total=len(ordered),
                           page=page, has_more=len(ordered) > page * PAGE_SIZE, args=request.args,
                           agencies=agencies, **_helpers())


def _fill_choices(form: StaffForm, record: StaffRecord | None = None) -> None:
    form.agency.choices = [(a.id, f"{a.name} ({a.code})") for a in agencies_in_scope(current_user, Role.HR)]
    ranks = [(r.code, f"{r.name} ({r.code})") for r in standing.rank_requirements()]
    if record is not None and record.rank_code and record.rank_code not in {code for code, _label in ranks}:
        ranks.append((record.rank_code, f"{record.rank_name or ''} ({record.rank_code})"))  # imported, no requirement
    form.rank_code.choices = [("", "—"), *ranks]


def _data_from(form: StaffForm, record: StaffRecord | None = None) -> services.StaffData:
    agency = db.session.get_one(Agency, form.agency.data)  # a choice of the form, so it exists
    rank: Requirement | SimpleNamespace | None = next((r for r in standing.rank_requirements() if r.code == form.rank_code.data), None)
    if rank is None and record is not None and form.rank_code.data and form.rank_code.data == record.rank_code:
        rank = SimpleNamespace(code=record.rank_code, name=record.rank_name)
    return services.StaffData(
        employee_code=form.employee_code.data, full_name=form.full_name.data, date_of_birth=form.date_of_birth.data,
        agency=agency, place_of_birth=form.place_of_birth.data, gender=Gender(form.gender.data) if form.gender.data else None,
        position=form.position.data or "", rank_code=rank.code if rank else None, rank_name=rank.name if rank else None,
        status=StaffStatus(form.status.data))


@bp.route("/staff/new", methods=["GET", "POST"])
@role_required(Role.HR)
def staff_new():
    """Add one staff record."""
    form = StaffForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            record = services.create_staff(_data_from(form), by=current_user, effective=form.effective.data)
        except services.HRError as error:
            form.employee_code.errors.append(error_message(error))
        else:
            flash(_("Đã thêm hồ sơ %(name)s.", name=record.full_name), "success")
            return redirect(url_for("hr.person", staff_id=record.id))
    return render_template("hr/staff_form.html", form=form, record=None), 400 if form.errors else 200


@bp.route("/staff/<int:staff_id>/edit", methods=["GET", "POST"])
@role_required(Role.HR)
def staff_edit(staff_id: int):
    """Change a staff record; agency, position and rank changes are kept in the history."""
    record = load(StaffRecord, "manage", StaffRecord.id == staff_id)
    form = StaffForm(obj=record if request.method == "GET" else None)
    _fill_choices(form, record)
    if request.method == "GET":
        form.agency.data, form.status.data = record.agency_id, record.status.value
        form.gender.data = record.gender.value if record.gender else ""
        form.rank_code.data = record.rank_code or ""
    form.employee_code.data = record.employee_code  # the key never changes here
    if form.validate_on_submit():
        try:
            changed = services.update_staff(record, _data_from(form, record), by=current_user,
                                            effective=form.effective.data,
                                            note=form.note.data)
        except services.HRError as error:
            roll_back_request()
            form.effective.errors.append(error_message(error))
        else:
            flash(_("Đã lưu thay đổi.") if changed else _("Không có gì thay đổi."), "success")
            return redirect(url_for("hr.person", staff_id=record.id))
    return render_template("hr/staff_form.html", form=form, record=record), 400 if form.errors else 200


@bp.route("/staff/<int:staff_id>")
@never_cached
@role_required(Role.HR)
def person(staff_id: int):
    """One person: standing against the current rank and position and against a target rank,
    missing modules with courses, every piece of evidence, history."""
    record = load(StaffRecord, "view", StaffRecord.id == staff_id)
    ranks = standing.rank_requirements()
    target = request.args.get("target") or None
    if target is not None and target not in {r.code for r in ranks}:
        abort(400)
    items = standing.evidence_for([record])[record.id]
    index = standing.RequirementIndex()
    current = standing.judge(index.current(record), items)
    wanted = standing.judge(index.rank(target), items) if target else None
    from courses.services import taught_modules

    return render_template("hr/person.html", record=record, current=current, wanted=wanted, target=target,
                           ranks=ranks, evidence=items, taught=taught_modules(),
                           sessions=upcoming_sessions({*current.missing, *(wanted.missing if wanted else [])}),
                           can_manage=permitted(record, "manage"), external_form=ExternalCertificateForm(),
                           assessment_form=AssessmentForm(), status_form=ExternalStatusForm(),
                           withdraw_form=WithdrawForm(), externals={e.id: e for e in db.session.scalars(
                               select(ExternalCertificate).where(ExternalCertificate.staff_id == record.id))},
                           assessments={a.id: a for a in db.session.scalars(
                               select(AgencyAssessment).where(AgencyAssessment.staff_id == record.id))},
                           **_helpers())


def upcoming_sessions(modules: set[str]) -> dict[str, list]:
    """Module code -> exam sessions not yet closed that examine it (the way to close a gap)."""
    if not modules:
        return {}
    from lms.database import utcnow
    from quizzes.models import ExamSession

    found: dict[str, list] = {}
    for session in db.session.scalars(select(ExamSession).where(ExamSession.closes_at > utcnow())
                                      .order_by(ExamSession.opens_at).limit(100)):
        for module in set(session.modules or []) & modules:
            found.setdefault(module, []).append(session)
    return found


@bp.route("/staff/<int:staff_id>/external", methods=["GET", "POST"])
@body_limit(evidence.MAX_SCAN_BYTES + 64 * 1024)
@role_required(Role.HR)
def external_add(staff_id: int):
    """Record a certificate from another centre, its check and an optional scan."""
    record = load(StaffRecord, "manage", StaffRecord.id == staff_id)
    form = ExternalCertificateForm()
    if form.validate_on_submit():
        scan = None
        if form.scan.data:
            scan = (form.scan.data.filename or "scan", form.scan.data.read(evidence.MAX_SCAN_BYTES + 1))
        try:
            evidence.add_external(
                record, issuer=form.issuer.data, serial=form.serial.data, issued_on=form.issued_on.data,
                level=form.level.data, modules=form.modules.data or [], valid_until=form.valid_until.data,
                status=form.status.data, checked_by=form.checked_by.data, check_method=form.check_method.data,
                checked_on=form.checked_on.data, note=form.note.data, scan=scan, by=current_user)
        except services.HRError as error:
            form.scan.errors.append(error_message(error))
        else:
            flash(_("Đã ghi chứng chỉ %(serial)s.", serial=form.serial.data.strip()), "success")
            return redirect(url_for("hr.person", staff_id=record.id))
    return render_template("hr/external_form.html", form=form, record=record), 400 if form.errors else 200


def _external(record: StaffRecord, external_id: int) -> ExternalCertificate:
    external = db.session.get(ExternalCertificate, external_id)
    if external is None or external.staff_id != record.id:
        abort(404)
    return external


@bp.route("/staff/<int:staff_id>/external/<int:external_id>/status", methods=["POST"])
@role_required(Role.HR)
def external_status(staff_id: int, external_id: int):
    """Record a new check of an external certificate (verified, rejected, revoked by its issuer)."""
    record = load(StaffRecord, "manage", StaffRecord.id == staff_id)
    external = _external(record, external_id)
    form = ExternalStatusForm()
    if form.validate_on_submit():
        evidence.set_external_status(external, form.status.data, checked_by=form.checked_by.data,
                                     check_method=form.check_method.data, checked_on=local_today(), by=current_user)
        flash(_("Đã cập nhật kết quả kiểm tra chứng chỉ %(serial)s.", serial=external.serial), "success")
    else:
        flash(_("Ghi người kiểm tra và cách kiểm tra."), "error")
    return redirect(url_for("hr.person", staff_id=record.id))


@bp.route("/staff/<int:staff_id>/external/<int:external_id>/scan")
@never_cached
@role_required(Role.HR)
def external_scan(staff_id: int, external_id: int):
    """The uploaded scan of an external certificate."""
    record = load(StaffRecord, "view", StaffRecord.id == staff_id)
    external = _external(record, external_id)
    if not external.scan_stored or not os.path.exists(os.path.join(evidence.scan_folder(), external.scan_stored)):
        abort(404)
    return send_from_directory(evidence.scan_folder(), external.scan_stored, as_attachment=True,
                               download_name=external.scan_name or external.scan_stored)


@bp.route("/staff/<int:staff_id>/assessment", methods=["GET", "POST"])
@role_required(Role.HR)
def assessment_add(staff_id: int):
    """Record the employing agency's assessment (dated decision by a named officer)."""
    record = load(StaffRecord, "manage", StaffRecord.id == staff_id)
    form = AssessmentForm()
    if form.validate_on_submit():
        evidence.add_assessment(record, level=form.level.data, modules=form.modules.data or [],
                                decision_number=form.decision_number.data, decided_on=form.decided_on.data,
                                officer_name=form.officer_name.data, officer_title=form.officer_title.data,
                                note=form.note.data, by=current_user)
        flash(_("Đã ghi đánh giá theo quyết định %(d)s.", d=form.decision_number.data.strip()), "success")
        return redirect(url_for("hr.person", staff_id=record.id))
    return render_template("hr/assessment_form.html", form=form, record=record), 400 if form.errors else 200


@bp.route("/staff/<int:staff_id>/assessment/<int:assessment_id>/withdraw", methods=["POST"])
@role_required(Role.HR)
def assessment_withdraw(staff_id: int, assessment_id: int):
    """Withdraw an agency assessment (it stops counting at once)."""
    record = load(StaffRecord, "manage", StaffRecord.id == staff_id)
    assessment = db.session.get(AgencyAssessment, assessment_id)
    if assessment is None or assessment.staff_id != record.id:
        abort(404)
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Cần ghi lý do thu hồi."), "error")
    else:
        try:
            evidence.withdraw_assessment(assessment, form.reason.data, current_user)
        except services.HRError as error:
            flash(error_message(error), "error")
        else:
            flash(_("Đã thu hồi đánh giá %(d)s.", d=assessment.decision_number), "success")
    return redirect(url_for("hr.person", staff_id=record.id))


@bp.route("/requirements")
@role_required(Role.HR)
def requirements():
    """The IT-skill requirements of ranks and positions (data: ``flask hr load-requirements``;
    administrators edit them here)."""
    from hr.forms import RequirementForm

    return render_template("hr/requirements.html", rows=standing.all_requirements(), form=RequirementForm(),
                           can_edit=current_user.has_role(Role.ADMIN), **_helpers())


@bp.route("/requirements/save", methods=["POST"])
@role_required(Role.ADMIN)
def requirement_save():
    """Administrators: change a requirement (``id``) or add a position's requirement (``name``)."""
    from hr.forms import RequirementForm
    from hr.models import Requirement

    form = RequirementForm()
    requirement_id = request.form.get("id", "")
    requirement = None
    if requirement_id:
        if not requirement_id.isdigit() or int(requirement_id) > MAX_ID:
            abort(400)
        requirement = db.session.get(Requirement, int(requirement_id))
        if requirement is None:
            abort(404)
    if not form.validate_on_submit() or (requirement is None and not (form.name.data or "").strip()):
        flash(_("Yêu cầu chưa lưu: %(e)s", e=" ".join(e for errors in form.errors.values() for e in errors)
                or _("cần tên vị trí việc làm.")), "error")
    else:
        saved = standing.save_requirement(requirement, level=form.level.data, modules=form.modules.data or [],
                                          max_age_years=form.max_age_years.data, name=form.name.data,
                                          by=current_user)
        flash(_("Đã lưu yêu cầu của %(n)s.", n=saved.name), "success")
    return redirect(url_for("hr.requirements"))


# ----------------------------------------------------------------------------- import and export

TOKEN = re.compile(r"^[0-9a-f]{32}$")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_path(token: str) -> tuple[str, str] | None:
    """The stored upload with ``token``, if the current officer made it (or is an administrator):
    (path, original extension), or None."""
    if not TOKEN.match(token):
        return None
    folder = evidence.private_folder("imports")
    try:
        with open(os.path.join(folder, f"{token}.owner"), encoding="ascii") as handle:
            owner = int(handle.read().strip() or 0)
    except (OSError, ValueError):
        return None
    if owner != current_user.id and not current_user.has_role(Role.ADMIN):
        return None
    for extension in ("xlsx", "csv"):
        path = os.path.join(folder, f"{token}.{extension}")
        if os.path.exists(path):
            return path, extension
    return None


def store_upload(data: bytes, extension: str, owner_id: int) -> tuple[str, str]:
    """Keep an uploaded list for its preview and its import: (token, path)."""
    token = secrets.token_hex(16)
    folder = evidence.private_folder("imports")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{token}.{extension}")
    with open(path, "wb") as handle:
        handle.write(data)
    with open(os.path.join(folder, f"{token}.owner"), "w", encoding="ascii") as handle:
        handle.write(str(owner_id))
    return token, path


def _problems_page(problems, status: int = 400):
    from hr.importer import problem_message

    rows = [{**(p if isinstance(p, dict) else p.__dict__), "message": problem_message(p)} for p in problems]
    return render_template("hr/import.html", form=ImportForm(), problems=rows), status


@bp.route("/import", methods=["GET", "POST"])
@body_limit(25 * 1024 * 1024)
@role_required(Role.HR)
def import_staff():
    """Upload a staff list (CSV or Excel); small files are previewed at once, large ones in a job."""
    from hr import importer

    form = ImportForm()
    if request.method == "GET":
        return render_template("hr/import.html", form=form, problems=None)
    if not form.validate_on_submit() or not form.document.data:
        if not form.document.errors:
            form.document.errors.append(_("Chọn tệp danh sách."))
        return render_template("hr/import.html", form=form, problems=None), 400
    upload = form.document.data
    extension = "xlsx" if (upload.filename or "").lower().endswith(".xlsx") else "csv"
    data = upload.read()
    token, path = store_upload(data, extension, current_user.id)
    if len(data) > current_app.config.get("HR_IMPORT_SYNC_BYTES", 300_000):
        job = create_job("Kiểm tra danh sách cán bộ", "hr.jobs:preview_import_job",
                         {"path": path, "filename": f"upload.{extension}", "user_id": current_user.id},
                         created_by=current_user)
        return redirect(url_for("hr.import_job", job_id=job.id, token=token))
    try:
        rows = importer.parse(data, f"upload.{extension}", current_user)
        summary = importer.plan(rows, current_user).summary()
    except importer.ImportRefused as refused:
        return _problems_page(refused.problems)
    return render_template("hr/import_preview.html", summary=summary, token=token, form=EmptyForm())


@bp.route("/import/<token>/apply", methods=["POST"])
@role_required(Role.HR)
def import_apply(token: str):
    """Write the previewed list: every row or none (large files as a job)."""
    from hr import importer

    found = _upload_path(token)
    if found is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    path, extension = found
    if os.path.getsize(path) > current_app.config.get("HR_IMPORT_SYNC_BYTES", 300_000):
        job = create_job("Nhập danh sách cán bộ", "hr.jobs:apply_import_job",
                         {"path": path, "filename": f"upload.{extension}", "user_id": current_user.id},
                         created_by=current_user)
        return redirect(url_for("hr.import_job", job_id=job.id, token=token))
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        counts = importer.apply(importer.plan(importer.parse(data, f"upload.{extension}", current_user), current_user),
                                current_user)
    except importer.ImportRefused as refused:
        roll_back_request()
        return _problems_page(refused.problems)
    flash(_("Đã nhập danh sách: %(new)s hồ sơ mới, %(changed)s hồ sơ thay đổi, %(same)s hồ sơ giữ nguyên.",
            new=counts["new"], changed=counts["changed"], same=counts["unchanged"]), "success")
    return redirect(url_for("hr.staff_list"))


@bp.route("/import/jobs/<int:job_id>")
@never_cached
@role_required(Role.HR)
def import_job(job_id: int):
    """A staff import job: its progress, then the preview, the problems or what was written."""
    job = load(Job, "view", Job.id == job_id)
    if job.target not in ("hr.jobs:preview_import_job", "hr.jobs:apply_import_job"):
        abort(404)
    token = request.args.get("token", "")
    result = job.result or {}
    if job.status == "done" and "problems" in result:
        return _problems_page(result["problems"], 200)
    if job.status == "done" and "preview" in result and TOKEN.match(token):
        return render_template("hr/import_preview.html", summary=result["preview"], token=token, form=EmptyForm())
    return render_template("hr/import_job.html", job=job, result=result)


@bp.route("/import/template.xlsx")
@role_required(Role.HR)
def import_template():
    """The import template (headings, an example row, a guide sheet)."""
    from hr.importer import template_xlsx

    return Response(template_xlsx(), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="mau-danh-sach-can-bo.xlsx"'})


@bp.route("/export")
@role_required(Role.HR)
def export_staff():
    """The staff list in scope (filtered as the list page) with the import's columns: Excel or CSV."""
    from hr.importer import export_csv, export_xlsx

    status = request.args.get("status") or None
    if status not in (None, *[s.value for s in StaffStatus]):
        abort(400)
    agency_id = int_arg("agency", minimum=1, maximum=MAX_ID)
    records = services.in_vietnamese_order(list(db.session.scalars(
        services.staff_query(request.args.get("q"), agency_id=agency_id, status=status))))
    if request.args.get("format") == "csv":
        return Response(export_csv(records), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="danh-sach-can-bo.csv"'})
    return Response(export_xlsx(records), mimetype=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="danh-sach-can-bo.xlsx"'})


# ----------------------------------------------------------------------------- compliance

def _as_of() -> date:
    """The report's day: ``as_of`` (dd/mm/yyyy or yyyy-mm-dd, not in the future), today by default."""
    raw = (request.args.get("as_of") or "").strip()
    if not raw:
        return local_today()
    day = services.parse_vn_date(raw)
    if day is None or day > local_today() or day.year < 1900:
        abort(400)
    return day


def _scoped_agency_arg(name: str = "agency") -> int | None:
    agency_id = int_arg(name, minimum=1, maximum=MAX_ID)
    if agency_id and agency_id not in {a.id for a in agencies_in_scope(current_user, Role.HR)}:
        abort(404)
    return agency_id


def _rank_arg() -> str | None:
    rank = request.args.get("rank") or None
    if rank is not None and rank not in {r.code for r in standing.rank_requirements()}:
        abort(400)
    return rank


def _position_arg() -> str | None:
    position = (request.args.get("position") or "").strip()
    if len(position) > 255:
        abort(400)
    return position or None


def measure_labels() -> dict[str, str]:
    """Column names of the compliance report."""
    return {"basic": _("Chuẩn cơ bản"), "advanced": _("Chuẩn nâng cao"),
            "requirement": _("Đạt yêu cầu của ngạch, vị trí"), "title": _("Tỷ lệ đáp ứng chuẩn kỹ năng CNTT, tính đến"),
            "code": _("Mã đơn vị"), "unit": _("Đơn vị"), "headcount": _("Số người"), "total": _("Toàn bộ phạm vi"),
            "overdue": _("Có khóa học bắt buộc quá hạn"), **{m: m for m in compliance.MODULES}}


def figure_cells(row: compliance.UnitRow, href: str, decimal_comma: bool) -> Markup:
    """A report row's figures as table cells, each linking to the people behind it: built here
    in one piece (a province's page has 1,500 rows × 18 figures; per-cell template work took
    seconds)."""
    link = str(escape(href))  # the only text that comes from the request; the rest are codes and numbers
    return Markup("".join(f'<td><a href="{link}&amp;measure={measure}">{number}</a><br>'
                          f'<span class="muted">{share}%</span></td>'
                          for measure, number, share in row.figures(decimal_comma)))


@bp.route("/compliance")
@never_cached
@role_required(Role.HR)
def compliance_report():
    """Compliance per unit of the officer's subtree on a day, with a chart, drill-downs and Excel."""
    as_of, agency_id, rank, position = _as_of(), _scoped_agency_arg(), _rank_arg(), _position_arg()
    result = compliance.report(current_user, as_of, agency_id=agency_id, rank_code=rank, position=position)
    # Units are named as they were on the day (a unit renamed or moved since shows its old name, parent).
    units = agency_changes.units_on([row.agency.id for row in result.rows if row.agency], as_of)
    names = {unit: name for unit, (name, _parent) in units.items()}
    overdue = compliance.overdue_counts(result, compliance.overdue_courses(lambda: result.total.people, as_of))
    if request.args.get("format") == "xlsx":
        data = compliance.add_overdue_sheet(compliance.export_xlsx(result, measure_labels(), names), result, overdue,
                                            measure_labels())
        return Response(data, mimetype=XLSX,
                        headers={"Content-Disposition": 'attachment; filename="ty-le-dap-ung-chuan-cntt.xlsx"'})
    return render_template("hr/compliance.html", report=result, labels=measure_labels(), overdue=overdue,
                           measures=compliance.measures(), modules=compliance.MODULES, args=request.args,
                           agencies=agencies_in_scope(current_user, Role.HR), ranks=standing.rank_requirements(),
                           positions=compliance.positions(current_user), as_of_text=as_of.strftime("%d/%m/%Y"),
                           units=units, figure_cells=figure_cells)


@bp.route("/compliance/trend")
@never_cached
@role_required(Role.HR)
def compliance_trend():
    """Month by month over the last twelve months: the share meeting the standards."""
    as_of, agency_id, rank, position = _as_of(), _scoped_agency_arg(), _rank_arg(), _position_arg()
    points = compliance.trend(current_user, as_of, agency_id=agency_id, rank_code=rank, position=position)
    return render_template("hr/compliance_trend.html", points=points, args=request.args,
                           as_of_text=as_of.strftime("%d/%m/%Y"))


@bp.route("/compliance/people")
@never_cached
@role_required(Role.HR)
def compliance_people():
    """The people behind one number of the compliance report."""
    as_of, agency_id, rank, position = _as_of(), _scoped_agency_arg(), _rank_arg(), _position_arg()
    measure = request.args.get("measure", "basic")
    if measure == "overdue":
        return _overdue_people(as_of, agency_id, rank, position)
    if measure not in compliance.measures():
        abort(400)
    met = request.args.get("met", "1") == "1"
    exact = request.args.get("exact") == "1"
    people = compliance.drill(current_user, as_of, measure, met, agency_id=agency_id, exact=exact, rank_code=rank,
                              position=position)
    unit = db.session.get(Agency, agency_id) if agency_id else None
    agencies = {a.id: a for a in db.session.scalars(select(Agency).where(
        Agency.id.in_({p.agency_id for p in people})))} if people else {}
    # The units' names on the report's day (before a rename, the old name).
    names = agency_changes.names_on({*agencies, *([unit.id] if unit else [])}, as_of)
    label = measure_labels()[measure]
    title = (_("Đạt: %(m)s", m=label) if met else _("Chưa đạt: %(m)s", m=label)) + \
        (f" — {names.get(unit.id, unit.name)}" if unit else "") + f" — {as_of.strftime('%d/%m/%Y')}"
    if request.args.get("format") == "xlsx":
        return Response(compliance.people_xlsx(people, agencies, title, [
            _("Mã cán bộ"), _("Họ và tên"), _("Đơn vị"), _("Vị trí việc làm"), _("Ngạch")], names), mimetype=XLSX,
            headers={"Content-Disposition": 'attachment; filename="danh-sach-theo-chi-tieu.xlsx"'})
    return render_template("hr/compliance_people.html", people=people, agencies=agencies, title=title,
                           args=request.args, names=names)


def _overdue_people(as_of: date, agency_id: int | None, rank: str | None, position: str | None):
    """The people with an overdue mandatory course, and which courses (page or Excel)."""
    pairs = compliance.overdue_people(current_user, as_of, agency_id=agency_id, exact=request.args.get("exact") == "1",
                                      rank_code=rank, position=position)
    unit = db.session.get(Agency, agency_id) if agency_id else None
    agencies = {a.id: a for a in db.session.scalars(select(Agency).where(
        Agency.id.in_({p.agency_id for p, _courses in pairs})))} if pairs else {}
    title = _("Có khóa học bắt buộc quá hạn") + (f" — {unit.name}" if unit else "") + f" — {as_of.strftime('%d/%m/%Y')}"
    if request.args.get("format") == "xlsx":
        return Response(compliance.overdue_xlsx(pairs, agencies, title, [
            _("Mã cán bộ"), _("Họ và tên"), _("Đơn vị"), _("Vị trí việc làm"), _("Tài khoản"), _("Khóa học"),
            _("Hạn hoàn thành")], _("Chưa có tài khoản")), mimetype=XLSX,
            headers={"Content-Disposition": 'attachment; filename="khoa-hoc-qua-han.xlsx"'})
    return render_template("hr/compliance_overdue.html", pairs=pairs, agencies=agencies, title=title,
                           args=request.args)


# ----------------------------------------------------------------------------- review rounds

def round_words() -> dict[str, str]:
    """Outcomes and changes of a round's rows in words."""
    words = {**outcome_names(), "meets": _("Đạt"), "not_met": _("Không đạt"), "check": _("Cần kiểm tra"),
             "applicant": _("Người dự tuyển bên ngoài")}
    return words


def mismatch_text(detail: str) -> str:
    """Why a submitted certificate's holder is not the applicant (``hr.rounds.applicant_evidence``)."""
    differs, _sep, rest = detail.partition("|")
    name, _sep, born = rest.partition("|")
    if differs == "name":
        return _("Chứng chỉ cấp cho %(name)s: họ tên khác người dự tuyển.", name=name)
    if differs == "birth":
        return _("Chứng chỉ ghi ngày sinh %(born)s: khác ngày sinh người dự tuyển.", born=born or "—")
    return _("Chứng chỉ cấp cho %(name)s, sinh ngày %(born)s: khác cả họ tên và ngày sinh người dự tuyển.",
             name=name, born=born or "—")


def change_text(change: str) -> str:
    """One change since a round was closed, in words."""
    kind, *parts = change.split(":")
    words, statuses = round_words(), evidence_status_names()
    if kind == "outcome":
        return _("Kết quả đổi từ %(old)s thành %(new)s", old=words.get(parts[0], parts[0]),
                 new=words.get(parts[1], parts[1]))
    label, old, new = ":".join(parts[:-2]), parts[-2], parts[-1]
    if not old:
        return _("Minh chứng mới: %(label)s (%(new)s)", label=label, new=statuses.get(new, new))
    return _("%(label)s: %(old)s → %(new)s", label=label, old=statuses.get(old, old), new=statuses.get(new, new))


def _round_form() -> RoundForm:
    form = RoundForm()
    form.target_rank_code.choices = [(r.code, f"{r.name} ({r.code})") for r in standing.rank_requirements()]
    form.agency.choices = [(a.id, f"{a.name} ({a.code})") for a in agencies_in_scope(current_user, Role.HR)]
    return form


@bp.route("/rounds")
@never_cached
@role_required(Role.HR)
def rounds_list():
    """Review rounds of the officer's subtree, newest first, and the form for a new one."""
    found = list(db.session.scalars(scoped(ReviewRound, "view", select(ReviewRound)
                                           .order_by(ReviewRound.round_date.desc(), ReviewRound.id.desc()))))
    return render_template("hr/rounds.html", rounds=found, form=_round_form(),
                           ranks={r.code: r for r in standing.rank_requirements()})


@bp.route("/rounds/new", methods=["POST"])
@role_required(Role.HR)
def round_new():
    """Create a review round."""
    form = _round_form()
    if not form.validate_on_submit():
        found = list(db.session.scalars(scoped(ReviewRound, "view", select(ReviewRound))))
        return render_template("hr/rounds.html", rounds=found, form=form,
                               ranks={r.code: r for r in standing.rank_requirements()}), 400
    review = rounds.create_round(title=form.title.data, kind=form.kind.data, target_rank_code=form.target_rank_code.data,
                                 round_date=form.round_date.data, agency=db.session.get(Agency, form.agency.data),
                                 by=current_user)
    flash(_("Đã tạo đợt xét %(t)s.", t=review.title), "success")
    return redirect(url_for("hr.round_detail", round_id=review.id))


@bp.route("/rounds/<int:round_id>")
@never_cached
@role_required(Role.HR)
def round_detail(round_id: int):
    """A round's table: meets / does not meet / needs checking, with reasons; Excel export."""
    review = load(ReviewRound, "view", ReviewRound.id == round_id)
    rows = rounds.lines(review)
    if request.args.get("format") == "xlsx":
        words = {**round_words(), **{c: change_text(c) for line in rows for c in line.changes}}
        headers = [_("Mã cán bộ"), _("Họ và tên"), _("Ngày sinh"), _("Đơn vị"), _("Ngạch hiện tại"), _("Kết quả"),
                   _("Còn thiếu"), _("Ghi chú quyết định"), _("Thay đổi sau khi khóa")]
        return Response(rounds.export_xlsx(review, rows, words, headers), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="dot-xet-{review.id}.xlsx"'})
    if request.args.get("format") == "pdf":
        words = {**round_words(), **{c: change_text(c) for line in rows for c in line.changes}}
        return Response(rounds.pdf_list(review, rows, words, review.agency.name), mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="dot-xet-{review.id}.pdf"'})
    need = standing.RequirementIndex().rank(review.target_rank_code)
    counts = {key: sum(1 for line in rows if (line.frozen["outcome"] if line.frozen else line.outcome) == key)
              for key in ("meets", "not_met", "check", "unknown")}
    return render_template("hr/round.html", review=review, rows=rows, need=need, counts=counts,
                           can_manage=permitted(review, "manage"), candidates_form=CandidatesForm(),
                           decision_form=DecisionForm(), close_form=EmptyForm(), words=round_words(),
                           change_text=change_text, applicant_form=ApplicantForm(), mismatch_text=mismatch_text,
                           submissions=_submissions(rows), **_helpers())


def _submissions(rows: list[rounds.Line]) -> dict[int, list[RoundSubmission]]:
    """Candidate id -> the certificates an applicant submitted (one query for the whole table)."""
    ids = [line.candidate.id for line in rows if line.candidate.is_applicant]
    found: dict[int, list[RoundSubmission]] = {i: [] for i in ids}
    if ids:
        for submission in db.session.scalars(select(RoundSubmission).where(RoundSubmission.candidate_id.in_(ids))
                                             .order_by(RoundSubmission.id)):
            found[submission.candidate_id].append(submission)
    return found


@bp.route("/rounds/<int:round_id>/candidates", methods=["POST"])
@body_limit(10 * 1024 * 1024)
@role_required(Role.HR)
def round_candidates(round_id: int):
    """Add candidates by employee code (records in the officer's scope)."""
    review = load(ReviewRound, "manage", ReviewRound.id == round_id)
    form = CandidatesForm()
    codes_given: list[str] = []
    if form.validate_on_submit():
        codes_given = (form.codes.data or "").splitlines()
        if form.document.data:
            from hr.importer import ImportRefused, first_column, problem_message

            upload = form.document.data
            try:
                codes_given += first_column(upload.read(), upload.filename or "list.csv")
            except ImportRefused as refused:
                flash(problem_message(refused.problems[0]), "error")
                return redirect(url_for("hr.round_detail", round_id=review.id))
    if not any(code.strip() for code in codes_given):
        flash(_("Nhập ít nhất một mã cán bộ."), "error")
    else:
        try:
            added, missing = rounds.add_candidates(review, codes_given, current_user)
        except services.HRError as error:
            flash(error_message(error), "error")
        else:
            flash(_("Đã thêm %(n)s người vào đợt xét.", n=added), "success")
            if missing:
                flash(_("Không tìm thấy trong phạm vi: %(codes)s", codes=", ".join(missing[:50])), "error")
    return redirect(url_for("hr.round_detail", round_id=review.id))


@bp.route("/rounds/<int:round_id>/applicants", methods=["POST"])
@body_limit(rounds.MAX_PDFS * 10 * 1024 * 1024 + 1024 * 1024)
@role_required(Role.HR)
def round_applicant(round_id: int):
    """Add an external applicant with the certificates they submitted (codes and/or signed PDFs);
    any problem stores nothing."""
    review = load(ReviewRound, "manage", ReviewRound.id == round_id)
    form = ApplicantForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("hr.round_detail", round_id=review.id))
    uploads = [(upload.filename or "chung-chi.pdf", upload.read(evidence.MAX_SCAN_BYTES + 1))
               for upload in (form.pdfs.data or []) if upload and upload.filename]
    try:
        candidate = rounds.add_applicant(
            review, full_name=form.full_name.data or "", date_of_birth=form.date_of_birth.data,
            applicant_number=form.applicant_number.data, codes=(form.certificate_codes.data or "").splitlines(),
            pdfs=uploads, by=current_user)
    except services.HRError as error:
        roll_back_request()
        flash(error_message(error), "error")
    else:
        flash(_("Đã thêm người dự tuyển %(name)s với %(n)s chứng chỉ.", name=candidate.full_name,
                n=len(candidate.submissions)), "success")
    return redirect(url_for("hr.round_detail", round_id=review.id))


@bp.route("/rounds/<int:round_id>/submissions/<int:submission_id>.pdf")
@never_cached
@role_required(Role.HR)
def round_submission_pdf(round_id: int, submission_id: int):
    """The PDF an applicant submitted, as HR uploaded it (officers who may see the round)."""
    review = load(ReviewRound, "view", ReviewRound.id == round_id)
    submission = db.session.get(RoundSubmission, submission_id)
    if submission is None or submission.candidate.round_id != review.id or not submission.pdf_stored:
        abort(404)
    return send_from_directory(evidence.scan_folder(), submission.pdf_stored, mimetype="application/pdf",
                               as_attachment=True, download_name=f"chung-chi-{submission.id}.pdf")


@bp.route("/rounds/<int:round_id>/candidates/<int:candidate_id>/decision", methods=["POST"])
@role_required(Role.HR)
def round_decision(round_id: int, candidate_id: int):
    """HR's decision on a row that needs checking."""
    review = load(ReviewRound, "manage", ReviewRound.id == round_id)
    candidate = db.session.get(RoundCandidate, candidate_id)
    if candidate is None or candidate.round_id != review.id:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Chọn quyết định và ghi lý do."), "error")
    else:
        try:
            rounds.decide(review, candidate, form.decision.data, form.note.data, current_user)
        except services.HRError as error:
            flash(error_message(error), "error")
        else:
            flash(_("Đã ghi quyết định cho %(name)s.", name=candidate.full_name), "success")
    return redirect(url_for("hr.round_detail", round_id=review.id))


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@role_required(Role.HR)
def round_close(round_id: int):
    """Close the round: its table is frozen."""
    review = load(ReviewRound, "manage", ReviewRound.id == round_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        rounds.close(review, current_user)
    except services.HRError as error:
        flash(error_message(error), "error")
    else:
        flash(_("Đã khóa đợt xét; kết quả được lưu lại như hôm nay."), "success")
    return redirect(url_for("hr.round_detail", round_id=review.id))


# ----------------------------------------------------------------------------- confirmation slips

@bp.route("/staff/<int:staff_id>/slip", methods=["POST"])
@role_required(Role.HR)
def slip_issue(staff_id: int):
    """Issue a signed "phiếu xác nhận" of the person's standing today (current or target rank)."""
    from certificates.documents import SigningNotConfigured
    from hr import slip as slips

    record = load(StaffRecord, "view", StaffRecord.id == staff_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    target = request.form.get("target") or None
    if target is not None and target not in {r.code for r in standing.rank_requirements()}:
        abort(400)
    issued = slips.create_slip(record, target, current_user)
    try:
        slips.signed_pdf(issued)
    except SigningNotConfigured:
        roll_back_request()
        flash(_("Chưa cấu hình khóa ký số của đơn vị nên chưa in được phiếu; báo quản trị viên."), "error")
        return redirect(url_for("hr.person", staff_id=record.id))
    return redirect(url_for("hr.slip_download", code=issued.code))


@bp.route("/slips/<code>.pdf")
@never_cached
@role_required(Role.HR)
def slip_download(code: str):
    """The signed slip (HR officers of the person's unit)."""
    from hr import slip as slips
    from hr.models import StandingSlip

    found = load(StandingSlip, "view", StandingSlip.code == (codes.normalise(code) or "-"))
    return Response(slips.signed_pdf(found), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="phieu-xac-nhan-{found.code}.pdf"'})


@bp.route("/slips/<code>")
@limiter.limit(lambda: current_app.config.get("RATELIMIT_VERIFY", "60 per minute"))
def slip_verify(code: str):
    """Public check of a slip by its code: what it states, and whether it still holds today."""
    from hr import slip as slips
    from hr.models import StandingSlip

    found = db.session.scalar(select(StandingSlip).where(StandingSlip.code == (codes.normalise(code) or "-")))
    if found is None:
        return render_template("hr/slip_verify.html", slip=None, code=code[:64]), 404
    return render_template("hr/slip_verify.html", slip=found, holds=slips.still_holds(found),
                           display=codes.display, **_helpers())


# ----------------------------------------------------------------------------- API keys

@bp.route("/api-keys", methods=["GET", "POST"])
@never_cached
@role_required(Role.HR)
def api_keys():
    """Keys of the agencies' HR systems in scope: create (the key is shown once), list, revoke."""
    from hr import api
    from hr.forms import ApiKeyForm
    from hr.models import ApiKey

    form = ApiKeyForm()
    form.agency.choices = [(a.id, f"{a.name} ({a.code})") for a in agencies_in_scope(current_user, Role.HR)]
    shown = None
    if request.method == "POST":
        if form.validate_on_submit():
            row, shown = api.create_key(db.session.get(Agency, form.agency.data), form.name.data, current_user)
        else:
            return render_template("hr/api_keys.html", form=form, keys=[], shown=None), 400
    keys = list(db.session.scalars(scoped(ApiKey, "manage", select(ApiKey).order_by(ApiKey.created_at.desc()))))
    return render_template("hr/api_keys.html", form=form, keys=keys, shown=shown, revoke_form=EmptyForm())


@bp.route("/api-keys/<int:key_id>/revoke", methods=["POST"])
@role_required(Role.HR)
def api_key_revoke(key_id: int):
    """Revoke a key: it stops working at once."""
    from hr import api
    from hr.models import ApiKey

    row = load(ApiKey, "manage", ApiKey.id == key_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    api.revoke_key(row, current_user)
    flash(_("Đã thu hồi khóa %(p)s….", p=row.prefix), "success")
    return redirect(url_for("hr.api_keys"))


# ----------------------------------------------------------------------------- agencies

def agency_change_words() -> dict[str, str]:
    """The kinds of agency change in words."""
    return {"create": _("Thành lập"), "rename": _("Đổi tên"), "move": _("Chuyển đơn vị cấp trên"),
            "dissolve": _("Giải thể"), "merge": _("Hợp nhất")}


def _unit_label(agency: Agency) -> str:
    return f"{agency.name} ({agency.code})"


def _confirm(title: str, facts: list[tuple[str, str]], warning: str, action: str, fields: dict[str, str],
             button: str, cancel: str) -> str:
    """The confirmation step of an agency change: what will change, and the same form again with
    ``confirmed=1`` (nothing is stored until it is sent)."""
    return render_template("hr/agency_confirm.html", title=title, facts=facts, warning=warning, action=action,
                           fields=fields, button=button, cancel=cancel)


@bp.route("/agencies", methods=["GET", "POST"])
@never_cached
@role_required(Role.HR)
def agencies():
    """The units in scope, their latest changes, and the merge of one unit into another (with a
    confirmation step)."""
    from hr.forms import MergeForm

    units = agencies_in_scope(current_user, Role.HR)
    form = MergeForm()
    form.source.choices = [(a.id, _unit_label(a)) for a in units if a.active]
    form.target.choices = [(a.id, _unit_label(a)) for a in units if a.active]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            source, target = db.session.get(Agency, form.source.data), db.session.get(Agency, form.target.data)
            try:
                if request.form.get("confirmed") != "1":
                    agency_changes.plan_merge(source, target, effective=form.effective.data,
                                              decision=form.decision.data, by=current_user)
                    # A merge cannot be undone: say what moves, under which decision, and ask again.
                    assert source is not None and target is not None  # plan_merge refuses a missing unit
                    return _confirm(
                        _("Xác nhận hợp nhất đơn vị"),
                        [(_("Đơn vị được hợp nhất"), _unit_label(source)), (_("Hợp nhất vào"), _unit_label(target)),
                         (_("Ngày có hiệu lực"), form.effective.data.strftime("%d/%m/%Y")),
                         (_("Số quyết định"), form.decision.data)],
                        _("Hồ sơ cán bộ, tài khoản và chứng chỉ của đơn vị được hợp nhất chuyển sang đơn vị mới; "
                          "đơn vị cũ ngừng hoạt động. Không thể hoàn tác."),
                        url_for("hr.agencies"),
                        {"source": str(source.id), "target": str(target.id),
                         "effective": form.effective.data.isoformat(), "decision": form.decision.data},
                        _("Xác nhận hợp nhất"), url_for("hr.agencies"))
                change = agency_changes.merge(source, target, effective=form.effective.data,
                                              decision=form.decision.data, by=current_user)
            except services.HRError as error:
                roll_back_request()
                form.source.errors.append(error_message(error))
                status = 400
            else:
                assert change.target is not None  # a merge names the unit merged into
                flash(_("Đã hợp nhất %(a)s vào %(b)s: %(n)s hồ sơ cán bộ chuyển sang.", a=change.agency.name,
                        b=change.target.name, n=change.moved["staff"]), "success")
                return redirect(url_for("hr.agencies"))
        else:
            status = 400
    changes = list(db.session.scalars(agency_changes.changes_query(current_user).limit(10)))
    return render_template("hr/agencies.html", units=units, form=form, changes=changes,
                           at=agency_changes.names_at_changes(changes), kinds=agency_change_words(),
                           parents={a.id: a for a in units}), status


@bp.route("/agencies/changes")
@never_cached
@role_required(Role.HR)
def agency_changes_log():
    """Every change of the units in scope, newest first, with its decision and effective date."""
    changes = list(db.session.scalars(agency_changes.changes_query(current_user)))
    return render_template("hr/agency_changes.html", changes=changes, kinds=agency_change_words(),
                           at=agency_changes.names_at_changes(changes))


@bp.route("/agencies/new", methods=["GET", "POST"])
@never_cached
@role_required(Role.HR)
def agency_new():
    """Create a unit under a parent in scope (with a confirmation step)."""
    from hr.forms import AgencyCreateForm

    form = AgencyCreateForm()
    form.parent.choices = [(a.id, _unit_label(a)) for a in agencies_in_scope(current_user, Role.HR) if a.active]
    if request.method == "POST" and form.validate_on_submit():
        parent = db.session.get(Agency, form.parent.data)
        try:
            planned = agency_changes.plan_create(parent, form.code.data, form.name.data, effective=form.effective.data,
                                                 decision=form.decision.data, by=current_user)
            if request.form.get("confirmed") != "1":
                assert planned.parent is not None and planned.code is not None  # checked by the plan
                return _confirm(
                    _("Xác nhận thành lập đơn vị"),
                    [(_("Mã định danh"), planned.code), (_("Tên đơn vị"), planned.name or ""),
                     (_("Trực thuộc"), _unit_label(planned.parent)),
                     (_("Ngày có hiệu lực"), planned.effective.strftime("%d/%m/%Y")),
                     (_("Số quyết định"), planned.decision)],
                    _("Đơn vị mới được ghi vào danh mục và nhật ký thay đổi."), url_for("hr.agency_new"),
                    {"parent": str(planned.parent.id), "code": planned.code, "name": planned.name or "",
                     "effective": planned.effective.isoformat(), "decision": planned.decision},
                    _("Xác nhận thành lập"), url_for("hr.agencies"))
            change = agency_changes.create(parent, form.code.data, form.name.data, effective=form.effective.data,
                                           decision=form.decision.data, by=current_user)
        except services.HRError as error:
            roll_back_request()
            field = {"code-format": form.code, "code-parent": form.code, "code-taken": form.code,
                     "name-needed": form.name, "name-too-long": form.name, "decision-needed": form.decision,
                     "decision-too-long": form.decision}.get(error.code)
            (field or (form.effective if error.code.startswith("effective") else form.parent)).errors.append(
                error_message(error))
        else:
            flash(_("Đã thành lập %(a)s.", a=change.agency.name), "success")
            return redirect(url_for("hr.agency_detail", agency_id=change.agency_id))
    return render_template("hr/agency_new.html", form=form), 400 if form.errors else 200


def _change_form(agency: Agency):
    from hr.forms import AgencyChangeForm

    form = AgencyChangeForm()
    # New parents: active units in scope outside this unit's own subtree.
    form.parent.choices = [(0, "—"), *((a.id, _unit_label(a)) for a in agencies_in_scope(current_user, Role.HR)
                                      if a.active and not a.is_within(agency) and a.id != agency.parent_id)]
    return form


def _agency_page(agency: Agency, form, status: int = 200):
    from hr.models import AgencyChange

    history = list(db.session.scalars(select(AgencyChange).where(
        (AgencyChange.agency_id == agency.id) | (AgencyChange.target_id == agency.id))
        .order_by(AgencyChange.effective_on.desc(), AgencyChange.id.desc())))
    units = list(db.session.scalars(select(Agency).where(Agency.parent_id == agency.id).order_by(Agency.code)))
    people = db.session.scalar(select(func.count()).select_from(StaffRecord).where(
        StaffRecord.agency_id == agency.id, StaffRecord.status.in_((StaffStatus.WORKING, StaffStatus.ON_LEAVE))))
    return render_template("hr/agency.html", agency=agency, form=form, history=history, units=units, people=people,
                           kinds=agency_change_words(), at=agency_changes.names_at_changes(history)), status


@bp.route("/agencies/<int:agency_id>")
@never_cached
@role_required(Role.HR)
def agency_detail(agency_id: int):
    """One unit: its facts, its changes, and the form to rename, move or dissolve it."""
    agency = load(Agency, "reorganise", Agency.id == agency_id)
    return _agency_page(agency, _change_form(agency))


@bp.route("/agencies/<int:agency_id>/change", methods=["POST"])
@role_required(Role.HR)
def agency_change(agency_id: int):
    """Rename, move or dissolve one unit in scope, from a date under a decision (with a
    confirmation step)."""
    agency = load(Agency, "reorganise", Agency.id == agency_id)
    form = _change_form(agency)
    if not form.validate_on_submit():
        return _agency_page(agency, form, 400)
    kind, effective, decision = form.kind.data, form.effective.data, form.decision.data
    parent = db.session.get(Agency, form.parent.data) if kind == "move" and form.parent.data else None
    try:
        if kind == "rename":
            planned = agency_changes.plan_rename(agency, form.name.data, effective=effective, decision=decision,
                                                 by=current_user)
        elif kind == "move":
            planned = agency_changes.plan_move(agency, parent, effective=effective, decision=decision, by=current_user)
        else:
            planned = agency_changes.plan_dissolve(agency, effective=effective, decision=decision, by=current_user)
        if request.form.get("confirmed") != "1":
            facts = [(_("Đơn vị"), _unit_label(agency)), (_("Thay đổi"), agency_change_words()[kind])]
            if kind == "rename":
                facts += [(_("Tên hiện tại"), agency.name), (_("Tên mới"), planned.name or "")]
                warning = _("Báo cáo tính đến ngày trước ngày hiệu lực vẫn hiện tên cũ.")
            elif kind == "move":
                assert planned.parent is not None  # checked by the plan
                facts += [(_("Đơn vị cấp trên hiện tại"), _unit_label(agency.parent) if agency.parent else "—"),
                          (_("Đơn vị cấp trên mới"), _unit_label(planned.parent))]
                warning = _("Các đơn vị trực thuộc chuyển theo. Mã định danh của đơn vị giữ nguyên.")
            else:
                warning = _("Đơn vị ngừng hoạt động nhưng vẫn còn trong lịch sử công tác và báo cáo các ngày trước.")
            facts += [(_("Ngày có hiệu lực"), planned.effective.strftime("%d/%m/%Y")),
                      (_("Số quyết định"), planned.decision)]
            return _confirm(_("Xác nhận thay đổi đơn vị"), facts, warning,
                            url_for("hr.agency_change", agency_id=agency.id),
                            {"kind": kind, "name": planned.name or "", "parent": str(parent.id) if parent else "",
                             "effective": planned.effective.isoformat(), "decision": planned.decision},
                            _("Xác nhận"), url_for("hr.agency_detail", agency_id=agency.id))
        if kind == "rename":
            agency_changes.rename(agency, form.name.data, effective=effective, decision=decision, by=current_user)
        elif kind == "move":
            agency_changes.move(agency, parent, effective=effective, decision=decision, by=current_user)
        else:
            agency_changes.dissolve(agency, effective=effective, decision=decision, by=current_user)
    except services.HRError as error:
        roll_back_request()
        agency = load(Agency, "reorganise", Agency.id == agency_id)
        form.kind.errors = [*form.kind.errors, error_message(error)]
        return _agency_page(agency, form, 400)
    flash({"rename": _("Đã đổi tên đơn vị."), "move": _("Đã chuyển đơn vị."),
           "dissolve": _("Đã giải thể đơn vị.")}[kind], "success")
    return redirect(url_for("hr.agency_detail", agency_id=agency.id))
