"""Certificate issuers in the administration: details, emblem, numbering patterns, and the
signing key uploaded as PKCS#12 (checked, test-signed, encrypted at rest, rotated with old
certificates still verifiable)."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from PIL import Image
from sqlalchemy import select

from certificates import documents, keys, services
from certificates.models import IssuerKey
from lms.extensions import db as _db
from lms.models import AuditEntry
from tests.conftest import login, post_form
from tests.test_certificates import basic_session  # noqa: F401  (a fixture: an approved exam session)

PASSWORD = "mật khẩu tệp p12"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(key, common_name: str, *, issuer_key=None, issuer_name: str | None = None,
                 days: tuple[int, int] = (-1, 365), signing: bool = True, ca: bool = False) -> x509.Certificate:
    now = datetime.now(timezone.utc)
    return (x509.CertificateBuilder().subject_name(_name(common_name))
            .issuer_name(_name(issuer_name or common_name)).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + timedelta(days=days[0])).not_valid_after(now + timedelta(days=days[1]))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=signing, content_commitment=signing,
                                         key_encipherment=not signing, data_encipherment=False, key_agreement=False,
                                         key_cert_sign=ca, crl_sign=False, encipher_only=False, decipher_only=False),
                           critical=True)
            .sign(issuer_key or key, hashes.SHA256()))


def _p12(key, certificate, chain=(), password: str = PASSWORD) -> bytes:
    return pkcs12.serialize_key_and_certificates(b"issuer", key, certificate, list(chain) or None,
                                                 serialization.BestAvailableEncryption(password.encode()))


def _good_p12(common_name: str = "Trung tâm Chuyển đổi số (khóa mới)") -> bytes:
    """A key with a certificate issued by a CA, and the CA in the chain."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate(ca_key, "CA thử", ca=True, days=(-1, 3650))
    key = ec.generate_private_key(ec.SECP256R1())
    return _p12(key, _certificate(key, common_name, issuer_key=ca_key, issuer_name="CA thử"), [ca])


@pytest.fixture()
def encryption_key(app, monkeypatch):
    secret = Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "SIGNING_KEY_ENCRYPTION_KEY", secret)
    return secret


@pytest.fixture()
def issuer(db):
    found = services.default_issuer()
    db.session.commit()
    return found


def _upload_key(client, issuer_id: int, data: bytes, password: str = PASSWORD):
    page = f"/admin/issuers/{issuer_id}"
    post_form(client, page, f"{page}/key", {"key-file": (io.BytesIO(data), "khoa.p12"), "key-password": password},
              content_type="multipart/form-data")
    return client.get(page).get_data(as_text=True)


# ----------------------------------------------------------------------------- the key

def test_a_good_pkcs12_is_checked_test_signed_and_stored_encrypted(client, users, issuer, encryption_key):
    login(client, "admin")
    page = _upload_key(client, issuer.id, _good_p12())
    assert "Đã nhận khóa ký mới" in page and "Đang dùng" in page
    stored = _db.session.scalar(select(IssuerKey).where(IssuerKey.issuer_id == issuer.id))
    assert stored.active and "CA" not in stored.subject and stored.chain_pem.startswith("-----BEGIN CERTIFICATE")
    assert "PRIVATE KEY" not in stored.encrypted_key
    key_der = Fernet(encryption_key).decrypt(stored.encrypted_key.encode())
    key = serialization.load_der_private_key(key_der, None)
    assert key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) \
        == x509.load_pem_x509_certificate(stored.certificate_pem.encode()).public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "issuer.key_upload"))
    assert entry.details["fingerprint"] == stored.fingerprint and PASSWORD not in str(entry.details)


@pytest.mark.parametrize(("case", "message"), [
    ("wrong-password", "sai mật khẩu"),
    ("expired", "đã hết hạn"),
    ("not-yet-valid", "chưa đến ngày có hiệu lực"),
    ("mismatch", "không khớp"),
    ("usage", "không được phép dùng để ký"),
    ("chain", "không liền mạch"),
    ("garbage", "sai mật khẩu"),
])
def test_bad_pkcs12_files_are_refused_and_nothing_changes(client, users, issuer, encryption_key, case, message,
                                                          monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    other = ec.generate_private_key(ec.SECP256R1())
    if case == "wrong-password":
        data, password = _good_p12(), "không phải mật khẩu này"
    elif case == "expired":
        data, password = _p12(key, _certificate(key, "Hết hạn", days=(-400, -1))), PASSWORD
    elif case == "not-yet-valid":
        data, password = _p12(key, _certificate(key, "Chưa hiệu lực", days=(5, 400))), PASSWORD
    elif case == "mismatch":
        # cryptography (and openssl) will not write a PKCS#12 whose key and certificate differ, but
        # other tools do: the loader is made to return such a pair, as it would read one.
        mismatched = (key, _certificate(other, "Khóa khác"), [])
        monkeypatch.setattr(keys.pkcs12, "load_key_and_certificates", lambda data, password: mismatched)
        data, password = b"a PKCS#12 from another tool", PASSWORD
    elif case == "usage":
        data, password = _p12(key, _certificate(key, "Chỉ mã hóa", signing=False)), PASSWORD
    elif case == "chain":
        stranger = _certificate(other, "CA lạ", ca=True)
        data, password = _p12(key, _certificate(key, "Có chuỗi sai", issuer_name="CA lạ"), [stranger]), PASSWORD
    else:
        data, password = b"\x30\x82 not a pkcs12 file", PASSWORD
    login(client, "admin")
    page = _upload_key(client, issuer.id, data, password)
    assert message in page
    assert _db.session.scalar(select(IssuerKey)) is None
    refused = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "issuer.key_refused"))
    assert refused is not None


def test_without_an_encryption_key_no_key_is_accepted(client, users, issuer, app, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_KEY_ENCRYPTION_KEY", "")
    login(client, "admin")
    assert "SIGNING_KEY_ENCRYPTION_KEY" in _upload_key(client, issuer.id, _good_p12())
    assert _db.session.scalar(select(IssuerKey)) is None


def test_rotation_signs_new_certificates_with_the_new_key_and_old_ones_stay_verifiable(
        app, db, users, basic_session, encryption_key):  # noqa: F811
    services.issue_for_session(basic_session.id)
    first, second = services.certificates_of(users["learner"])[0], services.certificates_of(users["author"])[0]
    old_pdf = documents.signed_pdf(first)  # signed with the configured key
    db.session.commit()
    issuer = first.issuer
    keys.upload_key(issuer, _good_p12("Khóa thứ hai"), PASSWORD, users["admin"])
    db.session.commit()
    assert documents.credentials(issuer_id=issuer.id).certificate.subject.rfc4514_string().startswith("CN=Khóa thứ hai")
    new_pdf = documents.signed_pdf(second)
    db.session.commit()
    assert documents.check_uploaded_pdf(old_pdf).genuine
    assert documents.check_uploaded_pdf(new_pdf).genuine
    # A third key retires the second; what it signed is still verified.
    keys.upload_key(issuer, _good_p12("Khóa thứ ba"), PASSWORD, users["admin"])
    db.session.commit()
    assert documents.check_uploaded_pdf(new_pdf).genuine
    assert documents.check_uploaded_pdf(old_pdf).genuine
    stored = list(db.session.scalars(select(IssuerKey).order_by(IssuerKey.id)))
    assert [k.active for k in stored] == [False, True] and stored[0].retired_at is not None
    assert documents.signed_pdf(second) == new_pdf  # an issued PDF is not signed again


# ----------------------------------------------------------------------------- details

def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_issuer_details_patterns_and_emblem(client, users, issuer):
    login(client, "admin")
    page = f"/admin/issuers/{issuer.id}"
    data = {"name": "Trung tâm Chuyển đổi số tỉnh Nghệ An", "parent_name": "Sở Khoa học và Công nghệ",
            "issue_place": "Vinh", "signer_title": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "signer_name": "Trần Thị Lan",
            "serial_pattern": "{code}-{symbol}-{year}-{number:05d}", "register_pattern": "{number:05d}/{year}/{symbol}"}
    response = post_form(client, page, page, {**data, "emblem": (io.BytesIO(_png()), "bieu-trung.png")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    _db.session.refresh(issuer)
    assert issuer.issue_place == "Vinh" and issuer.signer_name == "Trần Thị Lan"
    assert issuer.serial_pattern == "{code}-{symbol}-{year}-{number:05d}"
    assert issuer.emblem_path.startswith("issuers/") and issuer.emblem_path.endswith(".png")
    assert Path(documents.emblem_file(issuer.emblem_path)).read_bytes() == _png()
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "issuer.update"))
    for bad, why in (("{symbol}-{year}", "{number}"), ("{number:06d}-{holder}", "Trường không hợp lệ"),
                     ("{number:zz}", "không định dạng được"), ("{number.__class__}", "Trường không hợp lệ")):
        html = post_form(client, page, page, {**data, "serial_pattern": bad}).get_data(as_text=True)
        assert why in html, bad
    html = post_form(client, page, page, {**data, "emblem": (io.BytesIO(b"GIF89a..."), "x.gif")},
                     content_type="multipart/form-data").get_data(as_text=True)
    assert "PNG hoặc JPEG" in html
    _db.session.refresh(issuer)
    assert issuer.serial_pattern == "{code}-{symbol}-{year}-{number:05d}"


def test_issuers_are_for_administrators_of_everything(client, users, issuer, db, province):
    from lms.models import Role
    from tests import factories

    factories.user("Quản Trị Sở", username="admin_so", role=Role.ADMIN, scope=province, agency_=province)
    db.session.commit()
    login(client, "admin_so")
    assert client.get("/admin/issuers").status_code == 403
    assert client.get(f"/admin/issuers/{issuer.id}").status_code == 403


def test_cli_uploads_a_key_and_refuses_a_bad_one(app, db, users, issuer, encryption_key, tmp_path):
    good, expired = tmp_path / "good.p12", tmp_path / "expired.p12"
    good.write_bytes(_good_p12())
    key = ec.generate_private_key(ec.SECP256R1())
    expired.write_bytes(_p12(key, _certificate(key, "Hết hạn", days=(-400, -1))))
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["admin", "issuer-key", issuer.code, str(expired), "--password", PASSWORD])
    assert refused.exit_code != 0 and "expired" in refused.output
    done = runner.invoke(args=["admin", "issuer-key", issuer.code, str(good), "--password", PASSWORD])
    assert done.exit_code == 0, done.output
    db.session.expire_all()
    assert db.session.scalar(select(IssuerKey).where(IssuerKey.active.is_(True))) is not None


def test_editing_an_issuer_keeps_issued_pdfs_verifiable(app, db, users, basic_session):  # noqa: F811
    services.issue_for_session(basic_session.id)
    certificate = services.certificates_of(users["learner"])[0]
    pdf = documents.signed_pdf(certificate)
    db.session.commit()
    issuer = certificate.issuer
    issuer.parent_name = "Ủy ban nhân dân tỉnh Nghệ An"  # the drawing of today differs
    issuer.emblem_path = None
    db.session.commit()
    assert not pdf.startswith(documents.unsigned_pdf(certificate))
    assert documents.check_uploaded_pdf(pdf).genuine
    tampered = pdf.replace(b"/Producer", b"/Producez", 1)
    assert not documents.check_uploaded_pdf(tampered).genuine
