"""PAdES signatures on certificate PDFs, made and checked with pyHanko, offline.

The issuer's key and certificate are loaded once (``load_credentials``) and the resulting
``IssuerCredentials`` is reused for every PDF: it carries a ready pyHanko signer, so a
signature costs one PDF incremental update and one raw signing operation.

Signing never touches the network: no timestamp server, no revocation fetching, and the
signature level is PAdES B-B. The default key for a demo issuer is ECDSA P-256, which is much
cheaper to sign with than RSA and which poppler (``pdfsig``) and Adobe Reader verify.
"""
from __future__ import annotations

import asyncio
import io
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cached_property
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError, get_pyca_cryptography_hash
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

IssuerPrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey

KEY_TYPES = ("ecdsa-p256", "ed25519", "rsa-2048", "rsa-3072")
"""Key types ``create_demo_issuer`` can make. ECDSA P-256 is the fast default that every
validator tried accepts (pyHanko, poppler's ``pdfsig``). Ed25519 signs as fast and pyHanko
validates it, but poppler 22 (NSS) reports such signatures as corrupted, so use it only where
the readers are known to support it. RSA is there for consumers that still expect it."""

DEMO_VALIDITY = timedelta(days=3653)


@dataclass(frozen=True)
class IssuerCredentials:
    """The issuer's private key, its X.509 certificate and the certificates above it.

    Build it once with :func:`load_credentials` and keep it (e.g. in ``app.extensions``):
    the pyHanko signer is built on first use and reused by every :func:`sign_pdf` call.
    """

    private_key: IssuerPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    @cached_property
    def signer(self) -> _LoadedKeySigner:
        """The pyHanko signer for these credentials, built once."""
        return _LoadedKeySigner(self.private_key, self.certificate, self.chain)


class _LoadedKeySigner(SimpleSigner):
    """A pyHanko ``SimpleSigner`` that signs with an already parsed key object.

    ``SimpleSigner.sign_raw`` re-parses the DER private key on every call (costly for RSA,
    whose keys are checked on load), and without ``bytes_reserved`` pyHanko builds and signs a
    whole dummy CMS object for every PDF to size the placeholder. Keeping the parsed key, and
    measuring the placeholder once per signer, leaves one CMS object and one raw signature
    per PDF.
    """

    def __init__(
        self,
        private_key: IssuerPrivateKey,
        certificate: x509.Certificate,
        chain: tuple[x509.Certificate, ...],
    ) -> None:
        super().__init__(
            signing_cert=_to_asn1_cert(certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                private_key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs([_to_asn1_cert(c) for c in chain]),
        )
        self._private_key = private_key
        self._max_signature_size = _max_signature_size(private_key)
        # CMS with Ed25519 must use SHA-512 (RFC 8419); SHA-256 suits P-256 and RSA.
        self.digest_algorithm = (
            "sha512" if isinstance(private_key, ed25519.Ed25519PrivateKey) else "sha256"
        )

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            # Only the length matters to the size estimate; the bytes are never embedded.
            return bytes(self._max_signature_size)
        return self.sign_raw(data, digest_algorithm)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        key = self._private_key
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return key.sign(data)
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(hash_algorithm))
        # prefer_pss is off, so pyHanko announces RSA PKCS#1 v1.5 in the CMS object.
        return key.sign(data, padding.PKCS1v15(), hash_algorithm)

    @cached_property
    def bytes_reserved(self) -> int:
        """Room for the CMS object in the PDF, in hex digits, measured once by a dry run.

        The CMS object's size does not depend on the document (same certificates, same
        attributes, fixed-width times), and the dry run uses the largest signature size.
        """
        dummy = asyncio.run(
            self.async_sign(
                bytes(get_pyca_cryptography_hash(self.digest_algorithm).digest_size),
                self.digest_algorithm,
                dry_run=True,
                use_pades=True,
                signed_attr_settings=PdfCMSSignedAttributes(
                    signing_time=datetime.now(timezone.utc)
                ),
            )
        )
        hex_digits = 2 * len(dummy.dump())
        # The same 50% safety margin pyHanko adds to its own per-document estimate.
        return hex_digits + 2 * (hex_digits // 4)


def _max_signature_size(private_key: IssuerPrivateKey) -> int:
    if isinstance(private_key, rsa.RSAPrivateKey):
        return (private_key.key_size + 7) // 8
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        # DER SEQUENCE of two INTEGERs, each possibly one byte longer for its sign bit.
        coordinate = (private_key.curve.key_size + 7) // 8 + 1
        return 2 * (coordinate + 2) + 3
    return 64


def _to_asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _check_key(private_key: object, certificate: x509.Certificate) -> IssuerPrivateKey:
    """Fail at load time, not at the first signature, on an unusable or mismatched key."""
    if not isinstance(
        private_key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)
    ):
        raise ValueError(f"unsupported issuer key type: {type(private_key).__name__}")
    raw = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if private_key.public_key().public_bytes(*raw) != certificate.public_key().public_bytes(*raw):
        raise ValueError("the issuer private key does not match the issuer certificate")
    return private_key


def _password(value: str | bytes | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


def load_credentials(
    pkcs12_path: str | Path | None = None,
    pkcs12_password: str | bytes | None = None,
    key_path: str | Path | None = None,
    cert_path: str | Path | None = None,
    key_password: str | bytes | None = None,
) -> IssuerCredentials:
    """Load the issuer's key and certificate from a PKCS#12 file or from PEM files.

    Give either ``pkcs12_path`` (with ``pkcs12_password`` if it is encrypted) or both
    ``key_path`` and ``cert_path``. A PEM certificate file may hold the issuer certificate
    followed by its chain. Raises ``ValueError`` when the material is missing, unreadable,
    of an unsupported type, or when key and certificate do not belong together.
    """
    if pkcs12_path is not None:
        if key_path is not None or cert_path is not None:
            raise ValueError("give either a PKCS#12 file or PEM key and certificate, not both")
        key, certificate, extra = pkcs12.load_key_and_certificates(
            Path(pkcs12_path).read_bytes(), _password(pkcs12_password)
        )
        if key is None or certificate is None:
            raise ValueError(f"{pkcs12_path} holds no private key and certificate")
        return IssuerCredentials(_check_key(key, certificate), certificate, tuple(extra))
    if key_path is None or cert_path is None:
        raise ValueError("issuer credentials need a PKCS#12 file or both a PEM key and certificate")
    certificates = x509.load_pem_x509_certificates(Path(cert_path).read_bytes())
    key = serialization.load_pem_private_key(
        Path(key_path).read_bytes(), password=_password(key_password)
    )
    return IssuerCredentials(
        _check_key(key, certificates[0]), certificates[0], tuple(certificates[1:])
    )


def _new_private_key(key_type: str) -> IssuerPrivateKey:
    if key_type == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if key_type == "rsa-2048":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "rsa-3072":
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    raise ValueError(f"unknown key type {key_type!r}; choose one of {', '.join(KEY_TYPES)}")


def create_demo_issuer(
    directory: Path, common_name: str, organisation: str, key_type: str = "ecdsa-p256"
) -> tuple[Path, Path]:
    """Create a self-signed demo issuer certificate and key as PEM files in ``directory``.

    Returns ``(key_path, cert_path)``, named ``issuer-key.pem`` and ``issuer-cert.pem``. When
    both files already exist nothing is changed, so ``make run`` can call this every time.
    The key file is written unencrypted with mode 0600; the certificate is valid for ten
    years and allowed digital signatures and non-repudiation (what PDF validators ask for).
    """
    directory = Path(directory)
    key_path = directory / "issuer-key.pem"
    cert_path = directory / "issuer-cert.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path

    private_key = _new_private_key(key_type)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.now(timezone.utc)
    public_key = private_key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        # Backdated a little so a clock slightly behind still accepts a fresh certificate.
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + DEMO_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,  # self-signed: it signs itself, as a trust root
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(
            private_key,
            None if isinstance(private_key, ed25519.Ed25519PrivateKey) else hashes.SHA256(),
        )
    )

    directory.mkdir(parents=True, exist_ok=True)
    key_pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Created with 0600 from the start, so the key is never readable by others, not even briefly.
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(key_pem)
    os.chmod(key_path, 0o600)  # O_CREAT's mode does not apply to a file that already existed
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def sign_pdf(
    pdf_bytes: bytes,
    credentials: IssuerCredentials,
    *,
    reason: str,
    location: str,
    field_name: str = "Signature1",
) -> bytes:
    """Return ``pdf_bytes`` with an invisible PAdES B-B signature appended.

    The signature is an incremental update, so the original bytes, and hence the text a PDF
    reader extracts, are unchanged. Nothing is fetched over the network.
    """
    signer = credentials.signer
    metadata = PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm=signer.digest_algorithm,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    output = io.BytesIO()
    PdfSigner(metadata, signer=signer).sign_pdf(
        writer, bytes_reserved=signer.bytes_reserved, output=output
    )
    return output.getvalue()


@dataclass(frozen=True)
class SignatureReport:
    """What :func:`validate_pdf` found about a PDF's (last) signature.

    ``intact``: the signed bytes are unchanged *and* the signature covers the whole file, so
    nothing was appended after signing. ``valid``: the signature value verifies against the
    signer's public key. ``trusted``: the signer's certificate chains to one of the given roots.
    """

    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    signer_name: str | None = None
    signing_time: datetime | None = None
    field_name: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """True only when the signature is intact, valid and trusted."""
        return self.signed and self.intact and self.valid and self.trusted


def validate_pdf(pdf_bytes: bytes, trust_roots: list[x509.Certificate]) -> SignatureReport:
    """Check the last signature of ``pdf_bytes`` with pyHanko against ``trust_roots``, offline.

    An unsigned or unreadable PDF gives a report with everything false and ``error`` saying
    why, rather than an exception, so callers can show the outcome as it is.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError) as exc:
        return SignatureReport(signed=False, error=f"unreadable PDF: {exc}")
    if not signatures:
        return SignatureReport(signed=False, error="the PDF is not signed")

    # Only the last signature can cover the whole file; earlier ones cover earlier revisions.
    embedded = signatures[-1]
    context = ValidationContext(
        trust_roots=[_to_asn1_cert(root) for root in trust_roots],
        allow_fetching=False,
        # No network here: nothing can be fetched, so missing revocation data must not fail.
        revocation_mode="soft-fail",
    )
    try:
        status = validate_pdf_signature(embedded, signer_validation_context=context)
    except (SignatureValidationError, SigningError, PdfError, ValueError) as exc:
        return SignatureReport(signed=True, field_name=embedded.field_name, error=str(exc))
    return SignatureReport(
        signed=True,
        intact=status.intact and status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        valid=status.valid,
        trusted=status.trusted,
        signer_name=status.signing_cert.subject.native.get("common_name"),
        signing_time=status.signer_reported_dt,
        field_name=embedded.field_name,
    )
