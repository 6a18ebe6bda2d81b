"""Certificates as Open Badges 3.0 ``OpenBadgeCredential``s, signed as JWTs with Ed25519 (EdDSA)
or RSA (RS256, the algorithm the specification requires every verifier to accept).

The credential follows the Open Badges 3.0 data model (a W3C Verifiable Credential, data
model 2.0) and its "JSON Web Token Proof Format": the JWT payload *is* the credential JSON,
with the registered claims ``iss``, ``jti``, ``nbf`` (and ``sub``, ``exp`` where the credential
has a subject id or an end of validity) added; the JOSE header holds only ``alg``, ``kid`` and
``typ``. ``kid`` is a URI that dereferences to the public JWK (see :func:`thumbprint`); the site
also publishes every key in its JWKS at ``/.well-known/jwks.json`` (:func:`jwks`). A credential
may carry a ``credentialStatus`` entry pointing into a Bitstring Status List that the issuer
publishes (:func:`status_list_credential`), so that a revocation is visible from the credential.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
JWS_ALGORITHM = "EdDSA"
RSA_ALGORITHM = "RS256"
# Bitstring Status List v1.0: a list holds at least 131,072 entries (16 KiB), for herd privacy.
STATUS_LIST_SIZE = 131_072
# Registered claims the proof format adds to the credential; stripped again on verification.
_JWT_CLAIMS = ("iss", "jti", "sub", "nbf", "iat", "exp")

Ed25519Key = Ed25519PrivateKey | Ed25519PublicKey
SigningKey = Ed25519PrivateKey | rsa.RSAPrivateKey
PublicKey = Ed25519Key | rsa.RSAPrivateKey | rsa.RSAPublicKey


class CredentialError(ValueError):
    """A credential JWT that is malformed, wrongly signed, not yet valid, expired, or whose
    registered claims contradict the credential they carry."""


def generate_ed25519_key(path: str | Path) -> Ed25519PrivateKey:
    """Return the Ed25519 key stored at ``path``, creating it first if there is none.

    The PEM (PKCS#8, unencrypted) file is created with mode 0600 and never overwritten, so
    calling this on every start keeps the key, and the credentials signed with it, valid.
    """
    path = Path(path)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: two processes starting at once cannot both write a key; the loser loads.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_ed25519_key(path)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(pem)
    return key


def load_ed25519_key(path: str | Path) -> Ed25519PrivateKey:
    """Load an unencrypted Ed25519 private key from a PEM file; ``ValueError`` if it is another type."""
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def _public(key: PublicKey):
    return key.public_key() if isinstance(key, Ed25519PrivateKey | rsa.RSAPrivateKey) else key


def algorithm_of(key: PublicKey) -> str:
    """The JWS algorithm a key signs with: EdDSA for Ed25519, RS256 for RSA (never taken from a token)."""
    return RSA_ALGORITHM if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey) else JWS_ALGORITHM


def generate_rsa_key(path: str | Path, bits: int = 2048) -> rsa.RSAPrivateKey:
    """Return the RSA key stored at ``path``, creating it first (mode 0600, never overwritten)."""
    path = Path(path)
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return load_rsa_key(path)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(pem)
    return key


def load_rsa_key(path: str | Path) -> rsa.RSAPrivateKey:
    """Load an unencrypted RSA private key (2048 bits or more) from a PEM file; ``ValueError`` otherwise."""
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < 2048:
        raise ValueError(f"{path} does not hold an RSA private key of at least 2048 bits")
    return key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _raw_public_bytes(key: Ed25519Key) -> bytes:
    return _public(key).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _b64url_int(value: int) -> str:
    return _b64url(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def _required_members(key: PublicKey) -> dict[str, str]:
    """The members RFC 7638 hashes (and every public JWK holds): the public key, nothing else."""
    public = _public(key)
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        return {"e": _b64url_int(numbers.e), "kty": "RSA", "n": _b64url_int(numbers.n)}
    return {"crv": "Ed25519", "kty": "OKP", "x": _b64url(_raw_public_bytes(public))}


def thumbprint(key: PublicKey) -> str:
    """The key's RFC 7638 JWK thumbprint (SHA-256, base64url): stable, and new after a rotation."""
    canonical = json.dumps(_required_members(key), separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def public_key_jwk(key: PublicKey, kid: str) -> dict[str, str]:
    """The public half of an Ed25519 or RSA key as a JWK with ``kid``, ``alg`` and ``use`` (never private members)."""
    return {**_required_members(key), "kid": kid, "alg": algorithm_of(key), "use": "sig"}


def key_id(jwks_url: str, key: Ed25519Key) -> str:
    """A ``kid`` for ``key``: the JWKS address with the key's RFC 7638 thumbprint as fragment.

    Open Badges requires ``kid`` to be a URI that dereferences to the public key, and a
    thumbprint keeps it stable across restarts and distinct after a key rotation.
    """
    # RFC 7638: the required members only, in lexicographic order, without whitespace.
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": _b64url(_raw_public_bytes(key))},
        separators=(",", ":"),
        sort_keys=True,
    )
    return f"{jwks_url}#{_b64url(hashlib.sha256(canonical.encode()).digest())}"


def public_jwk(private_key: Ed25519Key, kid: str) -> dict[str, str]:
    """The public half of ``private_key`` as an OKP/Ed25519 JWK (RFC 8037), never with ``d``."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": _b64url(_raw_public_bytes(private_key)),
        "kid": kid,
        "alg": JWS_ALGORITHM,
        "use": "sig",
    }


def jwks(keys: Mapping[str, PublicKey]) -> dict[str, list[dict[str, str]]]:
    """The JWK Set to publish at ``/.well-known/jwks.json`` for ``{kid: key}``.

    Keep retired keys in the mapping for as long as credentials signed with them should
    still verify.
    """
    return {"keys": [public_key_jwk(key, kid) for kid, key in keys.items()]}


def _datetime_text(moment: datetime) -> str:
    """UTC, whole seconds, ``Z``: the form the JWT's NumericDate claims can equal exactly."""
    if moment.tzinfo is None:
        raise ValueError("credential times must be timezone-aware")
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _numeric_date(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def build_credential(
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    holder_name: str,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria: str,
    issued_at: datetime,
    valid_until: datetime | None = None,
    result: str | None = None,
    holder_id: str | None = None,
    status: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build an Open Badges 3.0 ``OpenBadgeCredential`` (unsigned) as a JSON-ready dict.

    ``credential_id``, ``issuer_id`` and ``achievement_id`` must be URIs (e.g. the public
    verification address of the certificate). The holder is named through an
    ``IdentityObject`` of type ``name`` since civil servants have no DID or similar URI;
    ``holder_id`` adds ``credentialSubject.id`` (and so the JWT ``sub``) when one exists.
    ``result`` (e.g. ``"7.00/10"``) is recorded as the subject's ``Result`` value.
    ``status`` (a :func:`status_entry`) becomes ``credentialStatus``.
    Times must be timezone-aware; they are written in UTC to the second.
    """
    valid_from = _datetime_text(issued_at)
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                # The name is already printed on the certificate and its public verification
                # page, so hashing it here would hide nothing.
                "hashed": False,
                "identityHash": holder_name,
                "identityType": "name",
            }
        ],
        "achievement": {
            "id": achievement_id,
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": achievement_name,
            "description": achievement_description,
            "criteria": {"narrative": criteria},
        },
    }
    if holder_id is not None:
        subject = {"id": holder_id, **subject}
    if result is not None:
        subject["result"] = [{"type": ["Result"], "value": result}]

    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement_name,
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": valid_from,
        "awardedDate": valid_from,
        "credentialSubject": subject,
    }
    if valid_until is not None:
        credential["validUntil"] = _datetime_text(valid_until)
    if status is not None:
        credential["credentialStatus"] = dict(status)
    return credential


def status_entry(list_url: str, index: int) -> dict[str, str]:
    """A ``BitstringStatusListEntry`` for entry ``index`` of the revocation list at ``list_url``."""
    if not 0 <= index < STATUS_LIST_SIZE:
        raise ValueError(f"status list index {index} is outside 0..{STATUS_LIST_SIZE - 1}")
    return {"id": f"{list_url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(index), "statusListCredential": list_url}


def encode_status_list(set_indexes: Iterable[int], size: int = STATUS_LIST_SIZE) -> str:
    """The ``encodedList`` of a bitstring with the bits of ``set_indexes`` set.

    As Bitstring Status List v1.0 says: index 0 is the left-most (most significant) bit of the
    first byte; the bytes are GZIP-compressed (with a fixed time, so the same list gives the
    same text) and written as multibase base64url without padding ("u" prefix).
    """
    bits = bytearray(size // 8)
    for index in set_indexes:
        if not 0 <= index < size:
            raise ValueError(f"status list index {index} is outside 0..{size - 1}")
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + _b64url(gzip.compress(bytes(bits), mtime=0))


def decode_status_list(encoded: str) -> bytes:
    """The bitstring of an ``encodedList`` (for verifiers and tests)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u')")
    data = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def status_bit(bitstring: bytes, index: int) -> bool:
    """Whether entry ``index`` of a decoded status list is set (revoked)."""
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(*, list_url: str, issuer_id: str, revoked: Iterable[int],
                           valid_from: datetime) -> dict[str, Any]:
    """A ``BitstringStatusListCredential`` (revocation) listing the ``revoked`` indexes."""
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": _datetime_text(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(revoked),
        },
    }


def _issuer_id(credential: Mapping[str, Any]) -> str:
    issuer = credential["issuer"]
    return issuer if isinstance(issuer, str) else issuer["id"]


def _registered_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The JWT claims the OB 3.0 proof format derives from the credential."""
    valid_from = _numeric_date(credential["validFrom"])
    claims: dict[str, Any] = {
        "iss": _issuer_id(credential),
        "jti": credential["id"],
        "nbf": valid_from,
        # The JWT is a serialisation of a credential issued at validFrom, so iat says the same;
        # it also makes re-signing the same credential give the same token (Ed25519 is
        # deterministic), so a download can be cached.
        "iat": valid_from,
    }
    subject_id = credential["credentialSubject"].get("id")
    if subject_id is not None:
        claims["sub"] = subject_id
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(credential["validUntil"])
    return claims


def sign_credential_jwt(credential: Mapping[str, Any], private_key: SigningKey, kid: str) -> str:
    """Sign ``credential`` as a compact JWS per the OB 3.0 JSON Web Token Proof Format.

    Header ``{"alg": "EdDSA" or "RS256", "kid": kid, "typ": "JWT"}`` and nothing else (the
    format forbids other headers); payload: the credential plus its registered claims. The
    algorithm follows the key: Ed25519 signs EdDSA, RSA signs RS256.
    """
    clashing = set(_JWT_CLAIMS) & set(credential)
    if clashing:
        raise ValueError(f"credential members clash with JWT claims: {sorted(clashing)}")
    payload = {**credential, **_registered_claims(credential)}
    return jwt.encode(payload, private_key, algorithm=algorithm_of(private_key), headers={"kid": kid, "typ": "JWT"})


def verify_credential_jwt(token: str, public_keys: Mapping[str, PublicKey]) -> dict[str, Any]:
    """Verify a credential JWT against ``{kid: key}`` and return the credential it carries.

    Checks, as OB 3.0 asks of verifiers: a known ``kid``, a signature by that key's algorithm
    (EdDSA or RS256), ``nbf`` reached and ``exp`` not passed, and ``iss``/``jti``/``nbf``/``sub``/``exp`` matching the
    credential's issuer, id, validFrom, subject id and validUntil. Raises
    :class:`CredentialError` on any failure. The returned dict has the JWT claims removed.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise CredentialError(f"not a JWT: {exc}") from exc
    kid = header.get("kid")
    if not isinstance(kid, str) or kid not in public_keys:
        raise CredentialError(f"unknown signing key {kid!r}")
    # Pinned: the algorithm is the key's, never taken from the token itself.
    algorithm = algorithm_of(public_keys[kid])
    if header.get("alg") != algorithm or header.get("typ", "JWT") != "JWT":
        raise CredentialError(f"unexpected JOSE header: {header}")
    try:
        payload = jwt.decode(
            token,
            _public(public_keys[kid]),
            algorithms=[algorithm],
            options={"require": ["iss", "jti", "nbf"]},
        )
    except jwt.PyJWTError as exc:
        raise CredentialError(f"invalid credential JWT: {exc}") from exc

    credential = {name: value for name, value in payload.items() if name not in _JWT_CLAIMS}
    types = credential.get("type", [])
    if "VerifiableCredential" not in types or not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
        raise CredentialError("the JWT does not carry an OpenBadgeCredential")
    try:
        expected = _registered_claims(credential)
    except (KeyError, TypeError, ValueError) as exc:
        raise CredentialError(f"incomplete credential: {exc}") from exc
    expected.pop("iat")  # informative only; the format does not tie it to the credential
    actual = {name: payload.get(name) for name in ("iss", "jti", "nbf", "sub", "exp")}
    if any(actual[name] != expected.get(name) for name in actual):
        raise CredentialError("the JWT claims do not match the credential")
    return credential
