"""Certificate views: the holder's download, public verification, the JSON API."""
from __future__ import annotations

from flask import (Response, abort, current_app, jsonify, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required

from certificates import bp, codes, services
from certificates.pdf import render_certificate_pdf
from lms.extensions import db, limiter
from lms.models import Role


def _verify_limit() -> str:
    return current_app.config["RATELIMIT_VERIFY"]


def verify_url_for(certificate) -> str:
    """The absolute public verification URL printed in the certificate's QR code."""
    return f"{current_app.config['SITE_URL']}{url_for('certificates.verify_code', code=certificate.code)}"


@bp.route("/certificates/<code>.pdf")
@login_required
def download(code: str):
    """The certificate PDF, for its holder (and administrators)."""
    certificate = services.find_by_code(code)
    if certificate is None or (certificate.holder_id != current_user.id and not current_user.has_role(Role.ADMIN)):
        abort(404)
    pdf = render_certificate_pdf(certificate, verify_url_for(certificate), current_app.config["CERTIFICATE_FONT_DIR"])
    filename = f"{certificate.serial}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/verify", methods=["GET"])
@limiter.limit(_verify_limit)
def verify():
    """Type a code to check a certificate."""
    raw = (request.args.get("code") or "").strip()
    if raw:
        code = codes.normalise(raw)
        if code is not None:
            return redirect(url_for("certificates.verify_code", code=code))
        return render_template("certificates/verify_form.html", code=raw, invalid=True), 400
    return render_template("certificates/verify_form.html", code="", invalid=False)


@bp.route("/verify/<code>")
@limiter.limit(_verify_limit)
def verify_code(code: str):
    """Public verification page: status and the facts HR needs."""
    certificate = services.find_by_code(code)
    if certificate is None:
        return render_template("certificates/verify_unknown.html", code=code), 404
    services.count_verification(certificate)
    db.session.commit()
    return render_template("certificates/verify.html", facts=services.public_facts(certificate))


@bp.route("/api/v1/certificates/<code>")
@limiter.limit(_verify_limit)
def api_certificate(code: str):
    """JSON verification: the same facts as the page."""
    certificate = services.find_by_code(code)
    if certificate is None:
        return jsonify({"error": {"status": 404, "message": "not found"}}), 404
    services.count_verification(certificate)
    db.session.commit()
    return jsonify(services.public_facts(certificate))


def dashboard_panel(user) -> str | None:
    """The dashboard's "my certificates" panel."""
    return render_template("certificates/_dashboard_panel.html", certificates=services.certificates_of(user),
                           display_code=codes.display)
