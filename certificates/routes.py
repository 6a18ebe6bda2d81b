"""Certificate views: the holder's documents, public verification (code, QR, PDF upload),
the JSON API, HR's bulk check, the register, revocation and reissue, issuance jobs."""
from __future__ import annotations

import csv
import io
import re

from flask import (Response, abort, current_app, flash, jsonify, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from certificates import badges, bp, codes, credentials, documents, services
from certificates.forms import BulkCheckForm, BulkRevokeForm, PdfUploadForm, RevokeForm
from certificates.models import Certificate, CertificateKind, CertificateStatus, Issuer, ModuleAttainment
from lms.auth import EmptyForm
from lms.errors import render_error
from lms.extensions import db, limiter
from lms.jobs import Job, create_job
from lms.web import MAX_ID, int_arg, never_cached, not_modified, page_etag, revalidated
from lms.models import Role
from lms.permissions import load, permitted, role_required
from quizzes.models import ExamSession

MAX_PDF_BYTES = 10 * 1024 * 1024


def _verify_limit() -> str:
    return current_app.config["RATELIMIT_VERIFY"]


@bp.route("/certificates/<code>.pdf")
@never_cached
@login_required
def download(code: str):
    """The signed certificate PDF, for its holder (and staff)."""
    certificate = services.certificate_for(code, "view")
    if certificate.status is not CertificateStatus.VALID:
        # A revoked or replaced certificate is not handed out as a valid document: the page as
        # issued, stamped across, unsigned. The register keeps the original.
        from certificates.stamp import stamped_pdf

        suffix = "da-thu-hoi" if certificate.status is CertificateStatus.REVOKED else "da-duoc-thay-the"
        return Response(stamped_pdf(documents.unsigned_pdf(certificate), certificate), mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{certificate.serial}-{suffix}.pdf"'})
    try:
        pdf = documents.signed_pdf(certificate)
    except documents.SigningNotConfigured:
        current_app.logger.error("certificate signing is not configured")
        abort(503)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{certificate.serial}.pdf"'})


@bp.route("/certificates/<code>")
@never_cached
@login_required
def view(code: str):
    """The accessible HTML version of a certificate, with the same facts as the PDF."""
    certificate = services.certificate_for(code, "view")
    return render_template("certificates/view.html", certificate=certificate, face=documents.face_of(certificate),
                           facts=services.public_facts(certificate), form=RevokeForm(),
                           can_manage=permitted(certificate, "revoke"))


@bp.route("/certificates/<code>/badge.jwt")
@never_cached
@login_required
def badge(code: str):
    """The certificate as an Open Badges 3.0 credential signed as a JWT: EdDSA, or RS256 with
    ``?alg=RS256`` (the algorithm every Open Badges verifier must accept) where an RSA key is set."""
    certificate = services.certificate_for(code, "view")
    algorithm = request.args.get("alg", badges.JWS_ALGORITHM)
    if algorithm not in (badges.JWS_ALGORITHM, badges.RSA_ALGORITHM):
        abort(400)
    try:
        token = credentials.badge_jwt(certificate, algorithm)
    except credentials.KeysNotConfigured:
        abort(404 if algorithm == badges.RSA_ALGORITHM else 503)
    suffix = "-rs256" if algorithm == badges.RSA_ALGORITHM else ""
    return Response(token, mimetype="application/jwt",
                    headers={"Content-Disposition": f'attachment; filename="{certificate.serial}{suffix}.jwt"'})


def _public_json(document: dict, max_age: int = 3600) -> Response:
    """A public JSON document (a key, a profile, an achievement) that caches may keep a while."""
    response = jsonify(document)
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response


def _json_not_found() -> tuple[Response, int]:
    return jsonify({"error": {"status": 404, "code": "not_found", "message": _("Không tìm thấy.")}}), 404


@bp.route("/.well-known/jwks.json")
def jwks():
    """The public keys that verify the site's badge credentials."""
    document = credentials.published_keys()
    if not document["keys"]:
        abort(404)
    return _public_json(document)


@bp.route("/keys/<thumbprint>")
def credential_key(thumbprint: str):
    """One public key as a JWK: where a credential's ``kid`` leads."""
    jwk = credentials.public_jwk(thumbprint[:64])
    return _public_json(jwk) if jwk is not None else _json_not_found()


@bp.route("/issuers/<code>")
def issuer_profile(code: str):
    """An issuer's Open Badges profile: where a credential's ``issuer.id`` leads."""
    issuer = db.session.scalar(select(Issuer).where(Issuer.code == code[:32]))
    return _public_json(credentials.issuer_profile(issuer)) if issuer is not None else _json_not_found()


@bp.route("/achievements/<kind>")
def achievement(kind: str):
    """What a kind of IT-skill certificate attests: where a credential's ``achievement.id`` leads."""
    if kind not in (CertificateKind.IT_BASIC.value, CertificateKind.IT_ADVANCED.value):
        return _json_not_found()
    return _public_json(credentials.achievement(CertificateKind(kind)))


@bp.route("/achievements/course_completion/<int:course_id>")
def course_achievement(course_id: int):
    """What completing a course attests (for a published course, or one whose certificates exist)."""
    from courses.models import Course

    course = db.session.get(Course, course_id)
    issued = course is not None and db.session.scalar(
        select(Certificate.id).where(Certificate.course_id == course.id).limit(1)) is not None
    if course is None or not (course.published or issued):
        return _json_not_found()
    return _public_json(credentials.achievement(CertificateKind.COURSE_COMPLETION, course.title, course.id))


@bp.route("/issuers/<code>/status/<int:number>")
@limiter.limit(_verify_limit)
def status_list(code: str, number: int):
    """The issuer's revocation list (Bitstring Status List) as a signed credential (JWT): where a
    credential's ``credentialStatus`` leads. Read from the register on every request."""
    issuer = db.session.scalar(select(Issuer).where(Issuer.code == code[:32]))
    if issuer is None or number > MAX_ID // badges.STATUS_LIST_SIZE:
        return _json_not_found()
    algorithm = request.args.get("alg", badges.JWS_ALGORITHM)
    if algorithm not in (badges.JWS_ALGORITHM, badges.RSA_ALGORITHM):
        abort(400)
    try:
        token = credentials.status_list_jwt(issuer, number, algorithm)
    except credentials.KeysNotConfigured:
        return _json_not_found()
    response = Response(token, mimetype="application/jwt")
    response.cache_control.no_cache = True  # a revocation must show at the next fetch
    return response


@bp.route("/verify", methods=["GET"])
@limiter.limit(_verify_limit)
def verify():
    """Type a code to check a certificate."""
    raw = (request.args.get("code") or "").strip()[:64]
    if raw:
        code = codes.normalise(raw)
        if code is not None:
            return redirect(url_for("certificates.verify_code", code=code))
        return _invalid_code_page(raw)
    return render_template("certificates/verify_form.html", code="", invalid=None, upload=PdfUploadForm())


def code_problem_message(problem: str) -> str:
    """What a lookup says about a code that cannot be one (``codes.problem``): the same words on
    the verification page, in the JSON API and in HR's bulk check."""
    if problem == "checksum":
        return _("Mã có ký tự gõ nhầm: ký tự kiểm tra (ký tự cuối) không khớp với các ký tự trước. "
                 "Vui lòng đối chiếu từng ký tự với mã in trên giấy chứng nhận.")
    return _("Mã không đúng định dạng: mã tra cứu gồm 17 chữ và số, ví dụ 7K3M-Q9XD-2F4H-WC8N-R.")


def _invalid_code_page(raw: str):
    """The lookup form again, saying what is wrong with ``raw`` (400)."""
    return render_template("certificates/verify_form.html", code=raw,
                           invalid=code_problem_message(codes.problem(raw) or "format"), upload=PdfUploadForm()), 400


@bp.route("/verify/<code>")
@limiter.limit(_verify_limit)
def verify_code(code: str):
    """Public verification page: status and the facts HR needs.

    The facts are read from the database on every request (a revoked certificate shows as
    revoked at once, in every worker); a browser that holds the page for the same facts gets
    304 (ETag made of them).
    """
    if codes.problem(code) is not None:
        return _invalid_code_page(code[:64])  # a typo is said as a typo, not as "not found"
    found = services.verification_facts(code)
    if found is None:
        return render_template("certificates/verify_unknown.html", code=code[:64]), 404
    services.count_verification(found.certificate_id)
    tag = page_etag("verify", found.key)
    if request.if_none_match.contains(tag):
        return not_modified(tag)
    return revalidated(make_response(render_template("certificates/verify.html", facts=found.facts)), tag)


@bp.route("/verify/pdf", methods=["POST"])
@limiter.limit(_verify_limit)
def verify_pdf():
    """Check an uploaded PDF: is the signature valid, and does the content match the register?"""
    form = PdfUploadForm()
    if not form.validate_on_submit():
        return render_template("certificates/verify_form.html", code="", invalid=False, upload=form), 400
    data = form.document.data.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES:
        abort(413)
    if not data.startswith(b"%PDF-"):
        form.document.errors.append(_("Tệp này không phải PDF."))
        return render_template("certificates/verify_form.html", code="", invalid=False, upload=form), 400
    try:
        check = documents.check_uploaded_pdf(data)
    except documents.SigningNotConfigured:
        abort(503)
    if check.certificate is not None:
        services.count_verification(check.certificate)
    return render_template("certificates/verify_pdf.html", check=check,
                           facts=services.public_facts(check.certificate) if check.certificate else None)


@bp.route("/api/v1/certificates/<code>")
@limiter.limit(_verify_limit)
def api_certificate(code: str):
    """JSON verification: the same facts as the page."""
    problem = codes.problem(code)
    if problem is not None:
        return render_error(400, code_problem_message(problem), error_code=problem)
    found = services.verification_facts(code)
    if found is None:
        return render_error(404, _("Không có chứng chỉ nào với mã này."), error_code="not_found")
    services.count_verification(found.certificate_id)
    return jsonify(found.facts)


def _identifiers_from_upload(storage) -> list[str]:
    """The first column of an uploaded CSV/TXT/XLSX file."""
    data = storage.read(5 * 1024 * 1024 + 1)
    if len(data) > 5 * 1024 * 1024:
        abort(413)
    if storage.filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
            raise ValueError(_("Không đọc được tệp Excel.")) from error
        return [str(row[0]).strip() if row and row[0] is not None else "" for row in sheet.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(_("Tệp CSV phải là văn bản UTF-8.")) from error
    return [row[0] if row else "" for row in csv.reader(io.StringIO(text))]


def bulk_status_names() -> dict[str, str]:
    """A bulk check row's status in words (the page and the Excel file say the same)."""
    from certificates.exports import status_names

    return status_names()


def _first_filled(lines: list[str], offset: int) -> int:
    """The 1-based number (after ``offset`` lines) of the first non-blank line of ``lines``."""
    return offset + next((number for number, line in enumerate(lines, start=1) if line.strip()), 1)


@bp.route("/hr/verify", methods=["GET", "POST"])
@role_required(Role.HR)
def bulk_verify():
    """HR: check a pile of codes or serials at once; table on screen and an Excel file."""
    form = BulkCheckForm()
    rows = None
    if form.validate_on_submit():
        identifiers = (form.identifiers.data or "").splitlines()
        # The first line of the pasted list and of the file may be a column heading.
        header_lines = {_first_filled(identifiers, 0)}
        if form.document.data:
            try:
                uploaded = _identifiers_from_upload(form.document.data)
            except ValueError as error:
                form.document.errors.append(str(error))
                return render_template("certificates/bulk_verify.html", form=form, rows=None,
                                       status_names=bulk_status_names()), 400
            header_lines.add(_first_filled(uploaded, len(identifiers)))
            identifiers += uploaded
        rows = services.bulk_check(identifiers, header_lines=header_lines)
        if request.form.get("format") == "xlsx":
            from certificates.exports import bulk_check_xlsx

            return Response(bulk_check_xlsx(rows), mimetype="application/vnd.openxmlformats-officedocument."
                                                              "spreadsheetml.sheet",
                            headers={"Content-Disposition": 'attachment; filename="kiem-tra-chung-chi.xlsx"'})
    return render_template("certificates/bulk_verify.html", form=form, rows=rows, status_names=bulk_status_names())


@bp.route("/register")
@never_cached
@role_required(Role.HR, Role.EXAMINER)
def register():
    """The issuance register (sổ gốc): search and filter; export to Excel."""
    # "2026", "năm 2026" or "Năm: 2026" all mean the year 2026; anything else is said on the page.
    year_text = (request.args.get("year") or "").strip()
    year_found = re.search(r"\b(19|20)\d{2}\b", year_text)
    year = int(year_found.group(0)) if year_found else None
    year_error = bool(year_text) and year is None
    issuer_id = int_arg("issuer", minimum=1, maximum=MAX_ID)
    kind = request.args.get("kind") or None
    status = request.args.get("status") or None
    if kind not in (None, *[k.value for k in CertificateKind]) or \
            status not in (None, *[s.value for s in CertificateStatus]):
        abort(400)
    text = (request.args.get("q") or "").strip()[:100] or None
    query = services.register_query(issuer_id=issuer_id, year=year, kind=kind, status=status, text=text)
    if request.args.get("format") == "xlsx":
        from certificates.exports import register_xlsx

        return Response(register_xlsx(list(db.session.scalars(query))),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": 'attachment; filename="so-goc-cap-chung-chi.xlsx"'})
    page = int_arg("page", 1, maximum=100_000) or 1
    entries = list(db.session.scalars(query.limit(101).offset((page - 1) * 100)))
    return render_template("certificates/register.html", entries=entries[:100], has_more=len(entries) > 100,
                           page=page, issuers=list(db.session.scalars(select(Issuer))), kinds=CertificateKind,
                           statuses=CertificateStatus, args=request.args, year_error=year_error)


@bp.route("/certificates/<code>/revoke", methods=["POST"])
@role_required(Role.EXAMINER)
def revoke(code: str):
    """Revoke one certificate with the decision number and reason."""
    certificate = services.certificate_for(code, "revoke")
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Cần số quyết định và lý do."), "error")
    elif request.form.get("confirmed") != "1":
        # Revocation cannot be undone: show what is revoked, under which decision, and ask again.
        return render_template("certificates/revoke_confirm.html", certificate=certificate, form=form,
                               facts=services.public_facts(certificate))
    else:
        services.revoke([certificate], reason=form.reason.data, decision=form.decision.data, by=current_user,
                        void_attainments=form.void_attainments.data)
        flash(_("Đã thu hồi chứng chỉ %(serial)s.", serial=certificate.serial), "success")
    return redirect(url_for("certificates.view", code=certificate.code))


@bp.route("/certificates/<code>/reissue", methods=["POST"])
@role_required(Role.EXAMINER)
def reissue(code: str):
    """Replace a certificate (e.g. signed by the wrong official); the old one is superseded."""
    certificate = services.certificate_for(code, "reissue")
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Cần số quyết định và lý do."), "error")
        return redirect(url_for("certificates.view", code=certificate.code))
    try:
        replacement = services.reissue(certificate, reason=form.reason.data, decision=form.decision.data,
                                       by=current_user)
    except services.CertificateError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("certificates.view", code=certificate.code))
    flash(_("Đã cấp lại: số hiệu mới %(serial)s.", serial=replacement.serial), "success")
    return redirect(url_for("certificates.view", code=replacement.code))


@bp.route("/certificates/revoke", methods=["GET", "POST"])
@role_required(Role.EXAMINER)
def bulk_revoke():
    """Revoke many certificates under one decision; all or none."""
    form = BulkRevokeForm()
    if form.validate_on_submit():
        found, missing = [], []
        for line, raw in enumerate(form.identifiers.data.splitlines(), start=1):
            if raw.strip():
                certificate = services.find_by_code_or_serial(raw, "revoke")  # only those in the actor's scope
                (found.append(certificate) if certificate else missing.append(f"{line}: {raw.strip()}"))
        if missing:
            flash(_("Không thu hồi chứng chỉ nào vì không tìm thấy: %(list)s", list="; ".join(missing[:20])), "error")
        elif request.form.get("confirmed") != "1":
            # As for one certificate: show every certificate and the decision, and ask again.
            return render_template("certificates/bulk_revoke_confirm.html", form=form, certificates=found)
        else:
            changed = services.revoke(found, reason=form.reason.data, decision=form.decision.data, by=current_user,
                                      void_attainments=form.void_attainments.data)
            flash(_("Đã thu hồi %(n)s chứng chỉ theo quyết định %(d)s.", n=changed, d=form.decision.data), "success")
            return redirect(url_for("certificates.register", status="revoked"))
    return render_template("certificates/bulk_revoke.html", form=form)


@bp.route("/exams/<int:session_id>/issue", methods=["POST"])
@role_required(Role.EXAMINER)
def issue_session(session_id: int):
    """Start bulk issuance for an approved session as a job; the page shows its progress."""
    session = load(ExamSession, "manage", ExamSession.id == session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not session.approved:
        flash(_("Hội đồng chưa phê duyệt danh sách kết quả."), "error")
        return redirect(url_for("quizzes.exam_results", session_id=session.id))
    job = create_job(f"Cấp chứng chỉ: {session.title}", "certificates.jobs:issue_session_job",
                     {"session_id": session.id}, created_by=current_user)
    return redirect(url_for("certificates.job_status", job_id=job.id))


@bp.route("/jobs/<int:job_id>")
@login_required
def job_status(job_id: int):
    """A job's progress (HTML page that refreshes, or JSON for scripts)."""
    job = load(Job, "view", Job.id == job_id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"id": job.id, "status": job.status, "done": job.done, "total": job.total,
                        "percent": job.percent, "message": job.message, "result": job.result})
    return render_template("certificates/job.html", job=job, title=job_title(job),
                           step=job_step(job), skip_reasons=skip_reason_names())


def skip_reason_names() -> dict[str, str]:
    """Why a candidate got no certificate from a session, in the reader's language."""
    return {"absent": _("Vắng thi"), "marks-missing": _("Còn thiếu điểm"), "not-passed": _("Không đạt"),
            "already-issued": _("Đã được cấp chứng chỉ từ kỳ thi này"),
            "standard-not-met": _("Chưa đủ điều kiện của chuẩn (cần chuẩn cơ bản và đủ mô-đun nâng cao)")}


def job_title(job: Job) -> str:
    """The job's name in the reader's language (the stored name is the one it was given)."""
    if job.target == "certificates.jobs:issue_session_job":
        session = db.session.get(ExamSession, job.arguments.get("session_id", 0))
        return _("Cấp chứng chỉ: %(title)s", title=session.title) if session else _("Cấp chứng chỉ")
    return job.name


def job_step(job: Job) -> str:
    """What the job is doing, or why it failed, in the reader's language.

    Steps are recorded as codes; a failure's own text is for the log (it may be a developer's
    English), so the page says that it failed and what to do.
    """
    if job.status == "failed":
        return _("Công việc bị lỗi và đã dừng. Những gì đã làm xong vẫn được giữ; hãy thử lại hoặc báo quản trị viên.")
    steps = {"signing": _("Ký số và lưu tệp PDF"), "Ký số và lưu tệp PDF": _("Ký số và lưu tệp PDF")}
    return steps.get(job.message, job.message)


def dashboard_panel(user) -> str | None:
    """The dashboard's "my certificates" panel: module attainments, and what the person still
    needs for the IT skill standard, each missing module linked to the courses that teach it."""
    attainments = list(db.session.scalars(select(ModuleAttainment).where(
        ModuleAttainment.user_id == user.id, ModuleAttainment.void.is_(False)).order_by(ModuleAttainment.module_code)))
    from courses.services import published_courses, taught_modules

    return render_template("certificates/_dashboard_panel.html", certificates=services.certificates_of(user),
                           attainments=attainments, display_code=codes.display,
                           standing=services.standing([a.module_code for a in attainments]),
                           taught=taught_modules(), advanced_courses=bool(published_courses(level="advanced")))


def exam_result_actions(session: ExamSession):
    """The "issue certificates" button shown on an approved session's result list."""
    from markupsafe import Markup

    if not session.approved or session.level == "none":
        return ""
    return Markup(render_template("certificates/_issue_button.html", session=session, form=EmptyForm()))


def exam_certificate_links(session: ExamSession, user) -> str:
    """On the candidate's exam pages: the certificate this session gave them, once issued, with
    its download and its public verification link."""
    from markupsafe import Markup

    certificate = db.session.scalar(select(Certificate).where(Certificate.exam_session_id == session.id,
                                                              Certificate.holder_id == user.id)
                                    .order_by(Certificate.issued_at.desc()))
    if certificate is None:
        return ""
    current = certificate.superseded_by or certificate
    from lms.mail import site_link

    return Markup(render_template("certificates/_exam_certificate.html", certificate=current,
                                  display_code=codes.display,
                                  verify_link=site_link("certificates.verify_code", code=current.code)))
