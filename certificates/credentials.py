"""The site's Open Badges credentials: which keys sign them, and the addresses a verifier follows.

Every address a credential names resolves on this site:

* ``kid`` → ``/keys/<thumbprint>``: the one public JWK that verifies it (and the JWKS at
  ``/.well-known/jwks.json`` lists every key);
* ``issuer.id`` → ``/issuers/<code>``: the issuer's ``Profile``;
* ``credentialSubject.achievement.id`` → ``/achievements/<kind>`` (or ``…/course_completion/<course
  id>``): the ``Achievement``;
* ``credentialStatus.statusListCredential`` → ``/issuers/<code>/status/<list>``: the issuer's
  Bitstring Status List of revoked credentials, signed like the credentials themselves, so that
  a revocation (or a replacement by a reissued certificate) is visible from the credential.

Credentials are signed with Ed25519 (EdDSA) by default and, where an RSA key is configured,
with RS256 on request (``?alg=RS256``): RS256 is what the Open Badges 3.0 specification requires
every verifier to accept. A certificate's place in its issuer's status list is its id (lists of
``STATUS_LIST_SIZE`` entries: list ``id // size``, index ``id % size``); certificates are public
records here (anyone holding a code can look one up), so the order of the ids hides nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from certificates import badges
from certificates.models import Certificate, CertificateKind, CertificateStatus, Issuer
from lms.database import utcnow
from lms.extensions import db

#: Achievements per kind of certificate: (title, standard), as the PDF words them.
KIND_TITLES = {
    CertificateKind.COURSE_COMPLETION: ("GIẤY CHỨNG NHẬN", "Hoàn thành khóa học"),
    CertificateKind.IT_BASIC: ("CHỨNG CHỈ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN", "Chuẩn kỹ năng sử dụng CNTT cơ bản"),
    CertificateKind.IT_ADVANCED: ("CHỨNG CHỈ ỨNG DỤNG CÔNG NGHỆ THÔNG TIN", "Chuẩn kỹ năng sử dụng CNTT nâng cao"),
}
# A revoked certificate, and one replaced by a reissued certificate, no longer stand.
NOT_STANDING = (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED)


class KeysNotConfigured(RuntimeError):
    """No key is configured for the algorithm asked for."""


@dataclass(frozen=True)
class SigningKey:
    """A key that signs credentials, its algorithm and the ``kid`` that resolves to it."""

    algorithm: str
    key: Any
    thumbprint: str


def _url(endpoint: str, **values: Any) -> str:
    """An absolute address on the site (``SITE_URL``), also outside a request (jobs, commands)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{current_app.config['SITE_URL']}{path}"


def signing_keys(app: Flask | None = None) -> dict[str, SigningKey]:
    """Algorithm → key, loaded once from ``CERTIFICATE_BADGE_KEY`` (Ed25519, required to sign at
    all) and ``CERTIFICATE_BADGE_RSA_KEY`` (RSA, optional: without it RS256 is not offered)."""
    app = app or current_app
    cached = app.extensions.get("certificates.credential_keys")
    if cached is None:
        cached = {}
        if app.config.get("CERTIFICATE_BADGE_KEY"):
            key = badges.load_ed25519_key(Path(app.config["CERTIFICATE_BADGE_KEY"]))
            cached[badges.JWS_ALGORITHM] = SigningKey(badges.JWS_ALGORITHM, key, badges.thumbprint(key))
        if app.config.get("CERTIFICATE_BADGE_RSA_KEY"):
            rsa_key = badges.load_rsa_key(Path(app.config["CERTIFICATE_BADGE_RSA_KEY"]))
            cached[badges.RSA_ALGORITHM] = SigningKey(badges.RSA_ALGORITHM, rsa_key, badges.thumbprint(rsa_key))
        app.extensions["certificates.credential_keys"] = cached
    return cached


def signing_key(algorithm: str = badges.JWS_ALGORITHM) -> SigningKey:
    """The key that signs with ``algorithm``, or ``KeysNotConfigured``."""
    found = signing_keys().get(algorithm)
    if found is None:
        raise KeysNotConfigured(algorithm)
    return found


def key_url(key: SigningKey) -> str:
    """The ``kid``: the address that answers this key's public JWK."""
    return _url("certificates.credential_key", thumbprint=key.thumbprint)


def public_jwk(thumbprint: str) -> dict[str, str] | None:
    """The public JWK whose thumbprint is ``thumbprint`` (None for a key the site does not hold)."""
    for key in signing_keys().values():
        if key.thumbprint == thumbprint:
            return badges.public_key_jwk(key.key, key_url(key))
    return None


def published_keys() -> dict:
    """The JWK Set: every signing key under its resolvable ``kid``, and the Ed25519 key also under
    the ``kid`` credentials carried before (``…/jwks.json#<thumbprint>``), so they still verify."""
    keys: dict[str, Any] = {key_url(key): key.key for key in signing_keys().values()}
    ed25519 = signing_keys().get(badges.JWS_ALGORITHM)
    if ed25519 is not None:
        keys[badges.key_id(_url("certificates.jwks"), ed25519.key)] = ed25519.key
    return badges.jwks(keys)


def issuer_url(issuer: Issuer) -> str:
    """``issuer.id``: the address of the issuer's profile."""
    return _url("certificates.issuer_profile", code=issuer.code)


def issuer_profile(issuer: Issuer) -> dict[str, Any]:
    """The issuer's Open Badges ``Profile``."""
    profile: dict[str, Any] = {"@context": [badges.VC_CONTEXT, badges.OB_CONTEXT], "id": issuer_url(issuer),
                               "type": ["Profile"], "name": issuer.name, "url": current_app.config["SITE_URL"]}
    if issuer.parent_name:
        profile["parentOrg"] = {"id": f"{issuer_url(issuer)}#parent", "type": ["Profile"], "name": issuer.parent_name}
    return profile


def achievement_url(kind: CertificateKind, course_id: int | None = None) -> str:
    """``achievement.id``: the address of what a kind of certificate (for a course) attests."""
    if kind is CertificateKind.COURSE_COMPLETION and course_id is not None:
        return _url("certificates.course_achievement", course_id=course_id)
    return _url("certificates.achievement", kind=kind.value)


def achievement(kind: CertificateKind, course_title: str | None = None, course_id: int | None = None,
                modules: list[str] | None = None) -> dict[str, Any]:
    """The Open Badges ``Achievement`` a certificate of ``kind`` (for a course) attests."""
    title, standard = KIND_TITLES[kind]
    if kind is CertificateKind.COURSE_COMPLETION:
        name = f"{title.capitalize()}: {course_title or standard}"
        description = f"{standard} — {course_title}" if course_title else standard
        criteria = "Học hết các bài và đạt bài kiểm tra cuối khóa."
    else:
        name, description = f"{title.capitalize()}: {standard}", standard
        covered = f"các mô-đun {', '.join(modules)}" if modules else "các mô-đun của chuẩn"
        criteria = f"Đạt kỳ thi {covered} theo Thông tư 03/2014/TT-BTTTT."
    return {"@context": [badges.VC_CONTEXT, badges.OB_CONTEXT], "id": achievement_url(kind, course_id),
            "type": ["Achievement"], "achievementType": "Certificate", "name": name, "description": description,
            "criteria": {"narrative": criteria}}


def status_list_url(issuer: Issuer, number: int, algorithm: str = badges.JWS_ALGORITHM) -> str:
    """The address of the issuer's status list number ``number``, signed with ``algorithm``
    (a credential signed RS256 points to the list signed RS256, for verifiers that know no other)."""
    if algorithm == badges.JWS_ALGORITHM:
        return _url("certificates.status_list", code=issuer.code, number=number)
    return _url("certificates.status_list", code=issuer.code, number=number, alg=algorithm)


def status_position(certificate: Certificate) -> tuple[int, int]:
    """(list number, index in it) of a certificate in its issuer's status lists."""
    return divmod(certificate.id, badges.STATUS_LIST_SIZE)


def _verify_url(certificate: Certificate) -> str:
    return _url("certificates.verify_code", code=certificate.code)


def badge_jwt(certificate: Certificate, algorithm: str = badges.JWS_ALGORITHM) -> str:
    """The certificate as a signed Open Badges 3.0 credential (compact JWT), with its status entry."""
    key = signing_key(algorithm)
    issuer = certificate.issuer
    number, index = status_position(certificate)
    course_title = certificate.title if certificate.kind is CertificateKind.COURSE_COMPLETION else None
    described = achievement(certificate.kind, course_title, certificate.course_id, list(certificate.modules or []))
    credential = badges.build_credential(
        credential_id=_verify_url(certificate), issuer_id=issuer_url(issuer), issuer_name=certificate.issuer_name,
        holder_name=certificate.holder_name, achievement_id=described["id"], achievement_name=described["name"],
        achievement_description=(f"{KIND_TITLES[certificate.kind][1]} — {certificate.title}"),
        criteria=described["criteria"]["narrative"], issued_at=certificate.issued_at,
        result=f"{certificate.score:.2f}/10" if certificate.score is not None else None,
        status=badges.status_entry(status_list_url(issuer, number, algorithm), index))
    return badges.sign_credential_jwt(credential, key.key, key_url(key))


def status_list_jwt(issuer: Issuer, number: int, algorithm: str = badges.JWS_ALGORITHM) -> str:
    """The issuer's status list ``number`` as a signed ``BitstringStatusListCredential`` (compact JWT).

    Read from the register on every call: a revocation shows in the next answer.
    """
    key = signing_key(algorithm)
    first = number * badges.STATUS_LIST_SIZE
    revoked = db.session.scalars(select(Certificate.id).where(
        Certificate.issuer_id == issuer.id, Certificate.status.in_(NOT_STANDING),
        Certificate.id >= first, Certificate.id < first + badges.STATUS_LIST_SIZE))
    credential = badges.status_list_credential(
        list_url=status_list_url(issuer, number, algorithm), issuer_id=issuer_url(issuer),
        revoked=[certificate_id - first for certificate_id in revoked], valid_from=utcnow())
    return badges.sign_credential_jwt(credential, key.key, key_url(key))


def create_demo_rsa_key(directory: Path) -> dict[str, str]:
    """A demo RSA key for RS256 credentials beside the demo issuer (idempotent); the configuration to use."""
    path = Path(directory) / "badge-rsa.pem"
    badges.generate_rsa_key(path)
    return {"CERTIFICATE_BADGE_RSA_KEY": str(path)}
