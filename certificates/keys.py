"""Issuers' signing keys uploaded as PKCS#12: checked, test-signed, stored encrypted, rotated.

An upload is accepted only when the file opens with its password and holds a key and its
certificate; the key matches the certificate; the certificate is valid today and allowed to sign
(key usage digitalSignature or nonRepudiation, where the extension is present); each certificate
of the chain as given is issued by the next; and a test PDF signed with it is validated by
pyHanko against the chain's root. The private key is then kept only encrypted (Fernet, with the
``SIGNING_KEY_ENCRYPTION_KEY`` of the environment), the new key becomes the issuer's active one
and the previous one is retired, never deleted: its certificate stays among the trust roots, so
every certificate signed before the rotation is still verified.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from flask import current_app
from sqlalchemy import select

from certificates.models import Issuer, IssuerKey
from certificates.signing import IssuerCredentials, sign_pdf, validate_pdf
from lms.database import utcnow
from lms.extensions import db
from lms.models import User
from lms.services import audit

MAX_PKCS12_BYTES = 256 * 1024


class KeyUploadError(Exception):
    """An uploaded PKCS#12 refused; ``code`` names the check that failed."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


def _fernet() -> Fernet:
    secret = current_app.config.get("SIGNING_KEY_ENCRYPTION_KEY")
    if not secret:
        raise KeyUploadError("no-encryption-key")
    try:
        return Fernet(secret)
    except (ValueError, TypeError) as error:
        raise KeyUploadError("bad-encryption-key") from error


def generate_encryption_key() -> str:
    """A new value for ``SIGNING_KEY_ENCRYPTION_KEY`` (``flask admin new-encryption-key``)."""
    return Fernet.generate_key().decode()


def _public_der(key) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _test_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, "Test signature / Chu ky thu")
    page.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class CheckedKey:
    """A PKCS#12 that passed every check."""

    credentials: IssuerCredentials
    fingerprint: str
    subject: str
    not_before: datetime
    not_after: datetime


def check_pkcs12(data: bytes, password: str, *, now: datetime | None = None) -> CheckedKey:
    """Open and check an uploaded PKCS#12 (see the module's description); raise ``KeyUploadError``."""
    if not data:
        raise KeyUploadError("empty")
    if len(data) > MAX_PKCS12_BYTES:
        raise KeyUploadError("too-large")
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except ValueError as error:  # a wrong password and a damaged file look alike to the loader
        raise KeyUploadError("wrong-password-or-damaged") from error
    if key is None or certificate is None:
        raise KeyUploadError("incomplete")
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)):
        raise KeyUploadError("key-type")
    if _public_der(key.public_key()) != _public_der(certificate.public_key()):
        raise KeyUploadError("key-mismatch")
    now = now or datetime.now(timezone.utc)
    if certificate.not_valid_before_utc > now:
        raise KeyUploadError("not-yet-valid", since=certificate.not_valid_before_utc)
    if certificate.not_valid_after_utc <= now:
        raise KeyUploadError("expired", until=certificate.not_valid_after_utc)
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise KeyUploadError("key-usage")
    chain = tuple(extra or ())
    for lower, upper in zip((certificate, *chain), chain, strict=False):
        try:
            lower.verify_directly_issued_by(upper)
        except (ValueError, TypeError, InvalidSignature) as error:
            raise KeyUploadError("chain-broken") from error
    credentials = IssuerCredentials(key, certificate, chain)
    root = chain[-1] if chain else certificate
    try:
        signed = sign_pdf(_test_pdf(), credentials, reason="Kiểm tra khóa", location="")
    except Exception as error:  # pyHanko's signing errors are many kinds; any of them refuses the key
        raise KeyUploadError("test-signature-failed") from error
    report = validate_pdf(signed, [root])
    if not report.ok:
        raise KeyUploadError("test-signature-failed", reason=report.error or "")
    fingerprint = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()
    return CheckedKey(credentials, fingerprint, certificate.subject.rfc4514_string()[:512],
                      certificate.not_valid_before_utc, certificate.not_valid_after_utc)


def upload_key(issuer: Issuer, data: bytes, password: str, actor: User | None) -> IssuerKey:
    """Check the PKCS#12, store it encrypted as the issuer's active key, retire the previous
    one (kept for verification); audited. Raises ``KeyUploadError``."""
    fernet = _fernet()
    checked = check_pkcs12(data, password)
    if db.session.scalar(select(IssuerKey.id).where(IssuerKey.fingerprint == checked.fingerprint)) is not None:
        raise KeyUploadError("already-uploaded")
    credentials = checked.credentials
    key_der = credentials.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption())
    retired = []
    for old in db.session.scalars(select(IssuerKey).where(IssuerKey.issuer_id == issuer.id, IssuerKey.active.is_(True))):
        old.active, old.retired_at = False, utcnow()
        retired.append(old.fingerprint)
    db.session.flush()  # the partial unique index allows one active key: retire first
    pem = serialization.Encoding.PEM
    stored = IssuerKey(issuer_id=issuer.id, fingerprint=checked.fingerprint, subject=checked.subject,
                       not_before=checked.not_before, not_after=checked.not_after,
                       certificate_pem=credentials.certificate.public_bytes(pem).decode(),
                       chain_pem="".join(c.public_bytes(pem).decode() for c in credentials.chain),
                       encrypted_key=fernet.encrypt(key_der).decode(), active=True,
                       uploaded_by_id=actor.id if actor else None)
    db.session.add(stored)
    db.session.flush()
    audit("issuer.key_upload", f"issuer:{issuer.id}",
          {"fingerprint": checked.fingerprint, "subject": checked.subject,
           "not_after": checked.not_after.isoformat(), "retired": retired}, actor=actor)
    return stored


def active_key(issuer_id: int | None = None) -> IssuerKey | None:
    """The active uploaded key of ``issuer_id`` (of any issuer when None), or None."""
    query = select(IssuerKey).where(IssuerKey.active.is_(True)).order_by(IssuerKey.uploaded_at.desc())
    if issuer_id is not None:
        query = query.where(IssuerKey.issuer_id == issuer_id)
    return db.session.scalar(query.limit(1))


def load_stored(stored: IssuerKey) -> IssuerCredentials:
    """Decrypt a stored key into signing credentials (cached per process by fingerprint)."""
    cache = current_app.extensions.setdefault("certificates.stored_credentials", {})
    if stored.fingerprint in cache:
        return cache[stored.fingerprint]
    try:
        key_der = _fernet().decrypt(stored.encrypted_key.encode())
    except InvalidToken as error:
        raise KeyUploadError("bad-encryption-key") from error
    key = serialization.load_der_private_key(key_der, password=None)
    # Only these key types are accepted at upload, so any other stored key means a damaged row.
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)):
        raise KeyUploadError("key-type")
    certificate = x509.load_pem_x509_certificate(stored.certificate_pem.encode())
    chain = tuple(x509.load_pem_x509_certificates(stored.chain_pem.encode())) if stored.chain_pem.strip() else ()
    loaded = IssuerCredentials(key, certificate, chain)
    cache[stored.fingerprint] = loaded
    return loaded


def stored_roots() -> list[x509.Certificate]:
    """The trust root of every key ever uploaded (active and retired), so that certificates
    signed before a rotation still verify."""
    roots = []
    for stored in db.session.scalars(select(IssuerKey).order_by(IssuerKey.id)):
        chain = x509.load_pem_x509_certificates(stored.chain_pem.encode()) if stored.chain_pem.strip() else []
        roots.append(chain[-1] if chain else x509.load_pem_x509_certificate(stored.certificate_pem.encode()))
    return roots
