"""Certificate documents: the PDF (rendered, signed, stored), the check of an uploaded PDF,
and the Open Badges credential. Keys come from configuration and are loaded once."""
from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from flask import Flask, current_app

from certificates import codes
from certificates.badges import (build_credential, generate_ed25519_key, jwks, key_id, load_ed25519_key,
                                 sign_credential_jwt)
from certificates.models import Certificate, CertificateKind
from certificates.pdf import CertificateFace, IssuerLayout, render_certificate
from certificates.signing import (IssuerCredentials, SignatureReport, create_demo_issuer, load_credentials, sign_pdf,
                                  validate_pdf)
from lms.timefmt import local

TITLES = {
    CertificateKind.COURSE_COMPLETION: ("GIẤY CHỨNG NHẬN", "Hoàn thành khóa học"),
    CertificateKind.IT_BASIC: ("CHỨNG CHỈ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN", "Chuẩn kỹ năng sử dụng CNTT cơ bản"),
    CertificateKind.IT_ADVANCED: ("CHỨNG CHỈ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN", "Chuẩn kỹ năng sử dụng CNTT nâng cao"),
}
_CODE_IN_TEXT = re.compile(r"Mã tra cứu:\s*([0-9A-Z]{4}(?:-[0-9A-Z]{1,4}){4})")


class SigningNotConfigured(RuntimeError):
    """No issuer key is configured, so no certificate can be signed."""


def verify_url_for(certificate: Certificate) -> str:
    """The absolute public verification URL printed in the certificate's QR code.

    Built from the URL map directly, so that jobs and commands (no request) get it too.
    """
    path = current_app.url_map.bind("localhost").build("certificates.verify_code", {"code": certificate.code})
    return f"{current_app.config['SITE_URL']}{path}"


def _score(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def face_of(certificate: Certificate) -> CertificateFace:
    """What the certificate's PDF shows, worded from the register entry."""
    title, subtitle = TITLES[certificate.kind]
    if certificate.kind is CertificateKind.COURSE_COMPLETION:
        lines = ["Đã hoàn thành khóa học", certificate.title]
        result = f"Điểm bài kiểm tra cuối khóa: {_score(certificate.score)}/10" if certificate.score is not None else None
    else:
        lines = [f"Đạt {subtitle[0].lower()}{subtitle[1:]}", f"Các mô-đun: {', '.join(certificate.modules)}"]
        parts = []
        if certificate.score is not None:
            parts.append(f"Điểm lý thuyết: {_score(certificate.score)}")
        if certificate.practical_score is not None:
            parts.append(f"Điểm thực hành: {_score(certificate.practical_score)}")
        if certificate.exam_date is not None:
            parts.append(f"Ngày thi: {certificate.exam_date:%d/%m/%Y}")
        result = " — ".join(parts) or None
    return CertificateFace(
        title=title, subtitle=subtitle, holder_name=certificate.holder_name,
        date_of_birth=certificate.holder_date_of_birth, place_of_birth=certificate.holder_place_of_birth,
        agency=certificate.holder_agency, achievement_lines=lines, result_line=result, serial=certificate.serial,
        register_number=certificate.register_number, code_display=codes.display(certificate.code),
        verify_url=verify_url_for(certificate), issued_on=local(certificate.issued_at).date())


@lru_cache(maxsize=32)
def _layout(issuer_name: str, parent_name: str | None, signer_title: str, signer_name: str, issue_place: str,
            emblem_path: str | None, font_dir: str) -> IssuerLayout:
    return IssuerLayout(issuer_name=issuer_name, parent_name=parent_name, signer_title=signer_title,
                        signer_name=signer_name, issue_place=issue_place,
                        emblem_path=Path(emblem_path) if emblem_path else None, font_dir=Path(font_dir))


def emblem_file(path: str | None) -> str | None:
    """Where an issuer's emblem is: an absolute path as configured, or a path relative to
    ``MEDIA_DIR`` for an emblem uploaded in the administration (it moves with the media files
    in a backup and restore)."""
    if not path:
        return None
    if Path(path).is_absolute():
        return path
    return str(Path(current_app.config["MEDIA_DIR"]) / path)


def layout_of(certificate: Certificate) -> IssuerLayout:
    """The issuer's layout as it was at issue (the signer printed is the one recorded)."""
    return _layout(certificate.issuer_name, certificate.issuer.parent_name if certificate.issuer else None,
                   certificate.signer_title, certificate.signer_name, certificate.issue_place,
                   emblem_file(certificate.issuer.emblem_path) if certificate.issuer else None,
                   current_app.config["CERTIFICATE_FONT_DIR"])


def unsigned_pdf(certificate: Certificate) -> bytes:
    """The certificate drawn from its register entry (the same entry always gives the same bytes)."""
    return render_certificate(face_of(certificate), layout_of(certificate))


def credentials(app: Flask | None = None, issuer_id: int | None = None) -> IssuerCredentials:
    """The issuer's signing key and certificate: the active key an administrator uploaded for
    the issuer (``certificates.keys``), else the configured one."""
    from certificates.keys import active_key, load_stored

    stored = active_key(issuer_id)
    if stored is not None:
        return load_stored(stored)
    return configured_credentials(app)


def configured_credentials(app: Flask | None = None) -> IssuerCredentials:
    """The signing key and certificate named by configuration, loaded once per process."""
    app = app or current_app
    cached = app.extensions.get("certificates.credentials")
    if cached is not None:
        return cached
    config = app.config
    if config.get("CERTIFICATE_SIGNING_PKCS12"):
        loaded = load_credentials(pkcs12_path=Path(config["CERTIFICATE_SIGNING_PKCS12"]),
                                  pkcs12_password=(config.get("CERTIFICATE_SIGNING_PASSWORD") or "").encode() or None)
    elif config.get("CERTIFICATE_SIGNING_KEY") and config.get("CERTIFICATE_SIGNING_CERT"):
        password = config.get("CERTIFICATE_SIGNING_PASSWORD")
        loaded = load_credentials(key_path=Path(config["CERTIFICATE_SIGNING_KEY"]),
                                  cert_path=Path(config["CERTIFICATE_SIGNING_CERT"]),
                                  key_password=password.encode() if password else None)
    else:
        raise SigningNotConfigured("set CERTIFICATE_SIGNING_KEY and CERTIFICATE_SIGNING_CERT (PEM) or "
                                   "CERTIFICATE_SIGNING_PKCS12; `make run` creates a demo issuer")
    app.extensions["certificates.credentials"] = loaded
    return loaded


def trust_roots() -> list[x509.Certificate]:
    """Certificates a signed PDF may chain to: the root of every key ever uploaded (retired ones
    too: certificates signed before a rotation stay verifiable) and the configured key's root."""
    from certificates.keys import stored_roots

    roots = stored_roots()
    try:
        configured = configured_credentials()
    except SigningNotConfigured:
        if not roots:
            raise
    else:
        roots.append(configured.chain[-1] if configured.chain else configured.certificate)
    return roots


def signed_pdf(certificate: Certificate) -> bytes:
    """The signed PDF, kept on disk after the first signing (and re-signed if the file is gone)."""
    storage = Path(current_app.config["CERTIFICATE_STORAGE_DIR"])
    path = storage / f"{certificate.code}.pdf"
    if path.exists() and certificate.pdf_sha256 and \
            hashlib.sha256(data := path.read_bytes()).hexdigest() == certificate.pdf_sha256:
        return data
    document = sign_pdf(unsigned_pdf(certificate), credentials(issuer_id=certificate.issuer_id), reason=f"Cấp {certificate.serial}",
                        location=certificate.issue_place)
    storage.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(document)
    temporary.replace(path)  # atomic: a reader never sees half a file
    certificate.pdf_sha256 = hashlib.sha256(document).hexdigest()
    return document


@dataclass(frozen=True)
class UploadCheck:
    """What checking an uploaded PDF found."""

    signature: SignatureReport
    certificate: Certificate | None
    content_matches: bool

    @property
    def genuine(self) -> bool:
        return self.signature.ok and self.certificate is not None and self.content_matches


def check_uploaded_pdf(data: bytes) -> UploadCheck:
    """Is this PDF signed by us, unchanged, and does its content match the register?

    The signature is validated offline against the issuer's root. The code printed on the
    certificate finds the register entry; the PDF's signed revision must equal the document
    the register entry renders to, byte for byte (rendering is deterministic).
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    report = validate_pdf(data, trust_roots())
    certificate = None
    try:
        text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages[:2])
    except (PdfReadError, ValueError, KeyError, TypeError):
        text = ""
    match = _CODE_IN_TEXT.search(text)
    if match:
        from certificates.services import find_by_code

        certificate = find_by_code(match.group(1))
    matches = False
    if certificate is not None:
        # The very file the register stored when it signed (an issuer's emblem or parent body may
        # have been edited since, and the drawing with them), else the drawing of today.
        matches = (certificate.pdf_sha256 is not None and hashlib.sha256(data).hexdigest() == certificate.pdf_sha256) \
            or data.startswith(unsigned_pdf(certificate))
    return UploadCheck(signature=report, certificate=certificate, content_matches=matches)


# ----------------------------------------------------------------------------- Open Badges

def badge_key(app: Flask | None = None):
    """The Ed25519 key that signs credentials (path from configuration)."""
    app = app or current_app
    cached = app.extensions.get("certificates.badge_key")
    if cached is None:
        path = app.config.get("CERTIFICATE_BADGE_KEY")
        if not path:
            raise SigningNotConfigured("set CERTIFICATE_BADGE_KEY (an Ed25519 PEM file)")
        cached = load_ed25519_key(Path(path))
        app.extensions["certificates.badge_key"] = cached
    return cached


def jwks_url() -> str:
    """Where the site publishes its public keys."""
    return f"{current_app.config['SITE_URL']}/.well-known/jwks.json"


def published_keys() -> dict:
    """The JSON Web Key Set of the badge signing key."""
    key = badge_key()
    return jwks({key_id(jwks_url(), key): key})


def badge_jwt(certificate: Certificate) -> str:
    """The certificate as a signed Open Badges 3.0 credential (compact JWT)."""
    site = current_app.config["SITE_URL"]
    title, subtitle = TITLES[certificate.kind]
    achievement = certificate.title if certificate.kind is CertificateKind.COURSE_COMPLETION else subtitle
    result = None
    if certificate.score is not None:
        result = f"{certificate.score:.2f}/10"
    credential = build_credential(
        credential_id=verify_url_for(certificate), issuer_id=f"{site}/issuers/{certificate.issuer.code}",
        issuer_name=certificate.issuer_name, holder_name=certificate.holder_name,
        achievement_id=f"{site}/achievements/{certificate.kind.value}"
                       + (f"/{certificate.course_id}" if certificate.course_id else ""),
        achievement_name=f"{title.capitalize()}: {achievement}",
        achievement_description=f"{subtitle} — {certificate.title}",
        criteria=("Học hết các bài và đạt bài kiểm tra cuối khóa." if certificate.kind is CertificateKind.COURSE_COMPLETION
                  else f"Đạt kỳ thi các mô-đun {', '.join(certificate.modules)} theo Thông tư 03/2014/TT-BTTTT."),
        issued_at=certificate.issued_at, result=result)
    key = badge_key()
    return sign_credential_jwt(credential, key, key_id(jwks_url(), key))


def create_demo_keys(directory: Path, organisation: str) -> dict[str, str]:
    """A self-signed demo issuer and badge key (idempotent); returns the configuration to use."""
    key_path, cert_path = create_demo_issuer(directory, "Trung tâm Chuyển đổi số (demo)", organisation)
    badge_path = directory / "badge-ed25519.pem"
    generate_ed25519_key(badge_path)
    return {"CERTIFICATE_SIGNING_KEY": str(key_path), "CERTIFICATE_SIGNING_CERT": str(cert_path),
            "CERTIFICATE_BADGE_KEY": str(badge_path)}
