"""PAdES signing of certificate PDFs: pyHanko and poppler's pdfsig both accept an untouched
signed PDF and both reject it once one byte of the signed content has changed."""
from __future__ import annotations

import io
import shutil
import stat
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from certificates.signing import (
    IssuerCredentials,
    create_demo_issuer,
    load_credentials,
    sign_pdf,
    validate_pdf,
)

FONT = Path(__file__).resolve().parents[1] / "lms" / "static" / "fonts" / "NotoSerif-Regular.ttf"
HOLDER = "Nguyễn Thị Hương"
ISSUER = "Sở Thông tin và Truyền thông Nghệ An"
# The text position in the page content stream; the tampering test moves it by one point.
POSITION = b"72 720 Tm"
PDFSIG = shutil.which("pdfsig")
PDFSIG_VALID = "Signature Validation: Signature is Valid."


def _certificate_pdf() -> bytes:
    """A one-page PDF with the holder's name in the shipped Vietnamese-capable font.

    Page compression is off so the content stream can be located and altered in the test.
    """
    pdfmetrics.registerFont(TTFont("NotoSerif", FONT))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=0)
    canvas.setTitle("Giấy chứng nhận")
    canvas.setFont("NotoSerif", 14)
    canvas.drawString(72, 720, HOLDER)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _pdfsig(pdf: bytes, directory: Path, name: str) -> str:
    if PDFSIG is None:
        pytest.skip("pdfsig is missing: apt-get install poppler-utils")
    path = directory / name
    path.write_bytes(pdf)
    completed = subprocess.run(
        [PDFSIG, str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    return completed.stdout + completed.stderr


@pytest.fixture(scope="module")
def issuer_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("issuer")
    create_demo_issuer(directory, ISSUER, "Ủy ban nhân dân tỉnh Nghệ An")
    return directory


@pytest.fixture(scope="module")
def credentials(issuer_dir) -> IssuerCredentials:
    return load_credentials(
        key_path=issuer_dir / "issuer-key.pem", cert_path=issuer_dir / "issuer-cert.pem"
    )


@pytest.fixture(scope="module")
def unsigned_pdf() -> bytes:
    return _certificate_pdf()


@pytest.fixture(scope="module")
def signed_pdf(unsigned_pdf, credentials) -> bytes:
    return sign_pdf(unsigned_pdf, credentials, reason="Cấp chứng chỉ kỹ năng CNTT", location="Nghệ An")


@pytest.fixture(scope="module")
def tampered_pdf(unsigned_pdf, signed_pdf) -> bytes:
    """The signed PDF with one byte of the page content stream changed (720 -> 721)."""
    assert signed_pdf.count(POSITION) == 1
    offset = signed_pdf.index(POSITION) + len(b"72 72")
    assert offset < len(unsigned_pdf)  # in the original revision: signed, far from /Contents
    tampered = bytearray(signed_pdf)
    tampered[offset] = ord("1")
    return bytes(tampered)


def test_demo_issuer_certificate(issuer_dir, credentials):
    key_path, cert_path = issuer_dir / "issuer-key.pem", issuer_dir / "issuer-cert.pem"
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    certificate = credentials.certificate
    assert certificate.subject == certificate.issuer
    assert certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == ISSUER
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3660)
    assert certificate.not_valid_before_utc <= datetime.now(timezone.utc)

    before = key_path.read_bytes(), cert_path.read_bytes()
    assert create_demo_issuer(issuer_dir, "Another name", "Another organisation") == (key_path, cert_path)
    assert (key_path.read_bytes(), cert_path.read_bytes()) == before


def test_pkcs12_gives_the_same_credentials_as_pem(tmp_path, credentials):
    pfx = tmp_path / "issuer.p12"
    pfx.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"issuer",
            credentials.private_key,
            credentials.certificate,
            None,
            serialization.BestAvailableEncryption(b"mat-khau"),
        )
    )
    from_pkcs12 = load_credentials(pkcs12_path=pfx, pkcs12_password="mat-khau")
    assert from_pkcs12.certificate == credentials.certificate
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    assert from_pkcs12.private_key.public_key().public_bytes(*spki) == (
        credentials.private_key.public_key().public_bytes(*spki)
    )
    with pytest.raises(ValueError):
        load_credentials(pkcs12_path=pfx, pkcs12_password="sai-mat-khau")


def test_a_key_that_does_not_match_the_certificate_is_refused(tmp_path, issuer_dir):
    other_key, _ = create_demo_issuer(tmp_path, "Other", "Other organisation")
    with pytest.raises(ValueError, match="does not match"):
        load_credentials(key_path=other_key, cert_path=issuer_dir / "issuer-cert.pem")
    with pytest.raises(ValueError):
        load_credentials(key_path=other_key)


def test_signed_pdf_validates_with_pyhanko(signed_pdf, credentials):
    report = validate_pdf(signed_pdf, [credentials.certificate])
    assert report.signed and report.intact and report.valid and report.trusted and report.ok
    assert report.error is None
    assert report.signer_name == ISSUER
    assert report.field_name == "Signature1"
    assert report.signing_time is not None
    assert abs(datetime.now(timezone.utc) - report.signing_time) < timedelta(minutes=10)

    signature = PdfFileReader(io.BytesIO(signed_pdf)).embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES, not adbe.pkcs7
    assert signature.sig_object["/Reason"] == "Cấp chứng chỉ kỹ năng CNTT"
    assert signature.sig_object["/Location"] == "Nghệ An"


def test_signing_appends_and_keeps_the_text(unsigned_pdf, signed_pdf):
    assert signed_pdf.startswith(unsigned_pdf)  # an incremental update: original bytes intact
    assert HOLDER in _text(unsigned_pdf)
    assert _text(signed_pdf) == _text(unsigned_pdf)


def test_one_changed_byte_fails_pyhanko_validation(tampered_pdf, credentials):
    assert HOLDER in _text(tampered_pdf)  # still a readable PDF: only the content changed
    report = validate_pdf(tampered_pdf, [credentials.certificate])
    assert report.signed
    assert not report.intact
    assert not report.ok


def test_content_changed_in_a_later_revision_fails(signed_pdf, credentials):
    """Nothing in the signed bytes changes, but an appended update replaces the page text."""
    writer = PdfWriter(io.BytesIO(signed_pdf), incremental=True)
    page = writer.pages[0]
    content = ContentStream(None, writer)
    content.set_data(b"BT /F2+0 14 Tf 72 720 Td (forged) Tj ET")
    page.replace_contents(content)
    output = io.BytesIO()
    writer.write(output)
    modified = output.getvalue()
    assert modified.startswith(signed_pdf)

    report = validate_pdf(modified, [credentials.certificate])
    assert report.valid  # the signature over the first revision is still correct ...
    assert not report.intact  # ... but it no longer covers the document
    assert not report.ok


def test_another_root_is_not_trusted(tmp_path, signed_pdf):
    _, other_cert = create_demo_issuer(tmp_path, "Other", "Other organisation")
    root = x509.load_pem_x509_certificate(other_cert.read_bytes())
    report = validate_pdf(signed_pdf, [root])
    assert report.intact and report.valid
    assert not report.trusted
    assert not report.ok


def test_an_unsigned_pdf_is_reported_as_unsigned(unsigned_pdf, credentials):
    report = validate_pdf(unsigned_pdf, [credentials.certificate])
    assert not report.signed and not report.ok
    assert report.error == "the PDF is not signed"
    garbage = validate_pdf(b"not a PDF", [credentials.certificate])
    assert not garbage.signed and not garbage.ok and garbage.error


@pytest.mark.parametrize("key_type", ["ed25519", "rsa-2048", "rsa-3072"])
def test_other_key_types_sign_too(tmp_path, unsigned_pdf, key_type):
    key_path, cert_path = create_demo_issuer(tmp_path, ISSUER, "UBND", key_type=key_type)
    credentials = load_credentials(key_path=key_path, cert_path=cert_path)
    signed = sign_pdf(unsigned_pdf, credentials, reason="Cấp chứng chỉ", location="Nghệ An")
    assert validate_pdf(signed, [credentials.certificate]).ok


def test_unknown_key_type_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown key type"):
        create_demo_issuer(tmp_path, ISSUER, "UBND", key_type="dsa-1024")


def test_pdfsig_accepts_the_signed_pdf(tmp_path, signed_pdf):
    output = _pdfsig(signed_pdf, tmp_path, "signed.pdf")
    assert PDFSIG_VALID in output, output
    assert "Signature Type: ETSI.CAdES.detached" in output, output
    assert "Total document signed" in output, output


def test_pdfsig_rejects_the_tampered_pdf(tmp_path, tampered_pdf):
    output = _pdfsig(tampered_pdf, tmp_path, "tampered.pdf")
    assert "Signature Validation:" in output, output
    assert PDFSIG_VALID not in output, output
