"""The public ND30 checker: a page (no account) and a JSON API.

Someone uploads a .docx/.odt administrative document and gets its deviations from Nghị định
30/2020 Appendix I, each with where it is and how to fix it, and the elements the checker could
not recognise ("không nhận ra"). Nothing is stored. Both faces share one rate limit per address
(``RATELIMIT_ND30``), and a refused file gets the sentence of ``lms.officefile.error_message``.
"""
from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

from flask import abort, jsonify, render_template, request, send_file
from flask_babel import force_locale
from flask_babel import gettext as _

from lms import officefile
from lms.errors import render_error, wants_json
from lms.extensions import csrf, limiter
from lms.transactions import roll_back_request
from lms.web import body_limit
from practical import bp, nd30, services
from practical.forms import OfficeUploadForm

# A little above the largest accepted file, for the multipart envelope and the form's fields.
UPLOAD_BODY_LIMIT = officefile.DEFAULT_LIMITS.max_upload + 256 * 1024
SAMPLES_DIR = Path(__file__).resolve().parents[1] / "content" / "practical" / "nd30"
# The files offered for download: a compliant example of two document types and a template to fill in.
SAMPLES = {
    "vi-du-cong-van.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "vi-du-quyet-dinh.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "mau-cong-van.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "mau-cong-van.odt": "application/vnd.oasis.opendocument.text",
}
API_LANGUAGES = ("vi", "en")


def nd30_limit() -> str:
    """Checks per address (Flask-Limiter notation): the instance's ``RATELIMIT_ND30``, else the
    environment's, else 20 a minute (a check reads a whole document: it is not free)."""
    return services.setting("RATELIMIT_ND30") or "20 per minute"


# One budget for the page and the API: a client cannot double its checks by switching faces.
_shared_limit = limiter.shared_limit(nd30_limit, scope="nd30-check", methods=["POST"])


def report_view(report: nd30.Report) -> dict:
    """The report as the page and the API show it: texts in the reader's language, deviations in
    the order of the document's elements, every element with its status."""
    order = {name: index for index, name in enumerate(nd30.ELEMENTS)}
    deviations = sorted(report.deviations, key=lambda d: (order.get(d.element, len(order)), d.where.paragraph or 0))
    return {
        "kind": report.kind,
        "document_type": report.document_type,
        "estimated_pages": round(report.estimated_pages, 2),
        "compliant": not report.deviations,
        "deviations": [{
            "code": d.code, "element": d.element, "element_name": str(nd30.ELEMENT_NAMES.get(d.element, d.element)),
            "where": d.where.to_dict(), "where_text": nd30.describe_where(d.where),
            "message": d.message, "fix": d.fix, "params": d.params} for d in deviations],
        "elements": [{"element": name, "name": str(nd30.ELEMENT_NAMES.get(name, name)), "status": status,
                      "status_name": str(nd30.STATUS_NAMES.get(status, status))}
                     for name, status in sorted(report.elements.items(), key=lambda item: order.get(item[0], 99))],
        "unrecognised": report.unrecognised,
    }


@bp.route("/nd30", methods=["GET"])
def nd30_page():
    """The checker's page: what it checks, the upload form, the samples to download."""
    return render_template("practical/nd30.html", form=OfficeUploadForm(), samples=SAMPLES, result=None, refused=None)


@bp.route("/nd30", methods=["POST"])
@body_limit(UPLOAD_BODY_LIMIT)
@_shared_limit
def nd30_check():
    """Check the uploaded document and show its deviations on the same page."""
    form = OfficeUploadForm()
    if not form.validate_on_submit():
        return render_template("practical/nd30.html", form=form, samples=SAMPLES, result=None, refused=None), 400
    upload = form.document.data
    try:
        report = nd30.check(upload.read(officefile.DEFAULT_LIMITS.max_upload + 1), upload.filename or "")
    except officefile.OfficeFileError as error:
        return render_template("practical/nd30.html", form=OfficeUploadForm(formdata=None), samples=SAMPLES,
                               result=None, refused=officefile.error_message(error)), 422
    return render_template("practical/nd30.html", form=OfficeUploadForm(formdata=None), samples=SAMPLES,
                           result=report_view(report), filename=upload.filename or "", refused=None)


@bp.route("/nd30/samples/<name>")
def nd30_sample(name: str):
    """A compliant example or the template, as a download."""
    if name not in SAMPLES:
        abort(404)
    return send_file(SAMPLES_DIR / name, mimetype=SAMPLES[name], as_attachment=True, download_name=name,
                     max_age=3600)


@bp.route("/api/v1/nd30/check", methods=["POST"])
@csrf.exempt  # no account, nothing stored: a cross-site post gains nothing a direct one does not
@body_limit(UPLOAD_BODY_LIMIT)
@_shared_limit
def api_nd30_check():
    """JSON: POST a multipart ``file`` → the deviations (``?lang=en`` for English texts).

    Errors are ``{"error": {"code", "message", "status", "title"}}`` with a stable ``code``:
    ``no-file`` (400), ``too-large`` (413), ``rate-limited`` (429) or the refusal's code from
    ``lms.officefile`` (422: ``legacy-format``, ``macro``, ``encrypted``, ``corrupt``…).
    """
    language = request.args.get("lang", "")
    if language and language not in API_LANGUAGES:
        return render_error(400, _("Ngôn ngữ không được hỗ trợ: chỉ có vi hoặc en."), error_code="language")
    with force_locale(language) if language else nullcontext():
        upload = request.files.get("file")  # a body over the limit is a 413 (``refused_request``)
        if upload is None or not upload.filename:
            return render_error(400, _("Hãy gửi tệp văn bản (.docx hoặc .odt) trong trường \"file\"."),
                                error_code="no-file")
        try:
            report = nd30.check(upload.read(officefile.DEFAULT_LIMITS.max_upload + 1), upload.filename)
        except officefile.OfficeFileError as error:
            return render_error(422, officefile.error_message(error), error_code=error.code)
        return jsonify(report_view(report))


@bp.errorhandler(413)
@bp.errorhandler(429)
def refused_request(error):
    """A body over the limit or a client over the rate: the API says so with a stable code, the
    page in the site's style. (Both are raised before the view runs, when the body is read or
    the limit is counted, so the view cannot answer them itself.)"""
    roll_back_request()
    code = {413: "too-large", 429: "rate-limited"}[error.code]
    return render_error(error.code, error_code=code if wants_json() else None)
