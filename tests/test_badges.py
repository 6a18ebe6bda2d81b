"""Open Badges 3.0 credentials signed as JWTs: the token made with PyJWT is checked with an
independent library (joserfc) against the published JWKS, and tampering is caught."""
from __future__ import annotations

import base64
import json
import stat
from datetime import datetime, timedelta, timezone

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwt as joserfc_jwt
from joserfc.errors import BadSignatureError, ExpiredTokenError, InvalidTokenError
from joserfc.jwk import KeySet, OKPKey

from certificates.badges import (
    OB_CONTEXT,
    VC_CONTEXT,
    CredentialError,
    build_credential,
    generate_ed25519_key,
    jwks,
    key_id,
    load_ed25519_key,
    public_jwk,
    sign_credential_jwt,
    verify_credential_jwt,
)

SITE = "https://hoccntt.nghean.gov.vn"
JWKS_URL = f"{SITE}/.well-known/jwks.json"
ISSUED = datetime(2026, 3, 2, 8, 30, 15, 123456, tzinfo=timezone.utc)
HOLDER = "Nguyễn Thị Hương"

# RFC 9864 deprecates the polymorphic "EdDSA" name in favour of "Ed25519", and joserfc warns
# about it; Open Badges verifiers and PyJWT still use "EdDSA", so the tokens keep it.
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated:joserfc.errors.SecurityWarning")


def _credential(**overrides) -> dict:
    arguments = {
        "credential_id": f"{SITE}/xac-thuc/ABCD-1234",
        "issuer_id": SITE,
        "issuer_name": "Ủy ban nhân dân tỉnh Nghệ An",
        "holder_name": HOLDER,
        "achievement_id": f"{SITE}/khoa-hoc/thu-dien-tu-cong-vu",
        "achievement_name": "Nhập môn thư điện tử công vụ",
        "achievement_description": "Sử dụng thư điện tử công vụ an toàn và đúng quy định.",
        "criteria": "Hoàn thành ba bài học và đạt bài kiểm tra cuối khoá từ 5,00/10 trở lên.",
        "issued_at": ISSUED,
        "valid_until": datetime.now(timezone.utc) + timedelta(days=365),
        "result": "7.00/10",
    }
    arguments.update(overrides)
    return build_credential(**arguments)


def _segments(token: str) -> tuple[dict, dict]:
    def decode(segment: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))

    header, payload, _ = token.split(".")
    return decode(header), decode(payload)


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def kid(key) -> str:
    return key_id(JWKS_URL, key)


@pytest.fixture(scope="module")
def published(key, kid) -> KeySet:
    """What a verifier elsewhere gets: the JWKS as JSON, imported by joserfc."""
    return KeySet.import_key_set(json.loads(json.dumps(jwks({kid: key}))))


def test_credential_follows_the_open_badges_3_data_model():
    credential = _credential(valid_until=datetime(2031, 3, 2, tzinfo=timezone(timedelta(hours=7))))
    assert credential["@context"] == [VC_CONTEXT, OB_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"{SITE}/xac-thuc/ABCD-1234"
    assert credential["name"] == "Nhập môn thư điện tử công vụ"
    assert credential["issuer"] == {"id": SITE, "type": ["Profile"], "name": "Ủy ban nhân dân tỉnh Nghệ An"}
    # UTC to the second, so that the JWT's NumericDate claims can equal it exactly.
    assert credential["validFrom"] == "2026-03-02T08:30:15Z"
    assert credential["validUntil"] == "2031-03-01T17:00:00Z"
    assert "proof" not in credential  # the JWT is the proof

    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert "id" not in subject
    assert subject["identifier"] == [
        {"type": "IdentityObject", "hashed": False, "identityHash": HOLDER, "identityType": "name"}
    ]
    assert subject["result"] == [{"type": ["Result"], "value": "7.00/10"}]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["id"] == f"{SITE}/khoa-hoc/thu-dien-tu-cong-vu"
    assert achievement["criteria"] == {
        "narrative": "Hoàn thành ba bài học và đạt bài kiểm tra cuối khoá từ 5,00/10 trở lên."
    }
    assert achievement["name"] and achievement["description"]
    json.dumps(credential)  # JSON-ready as it is


def test_optional_members_are_left_out():
    credential = _credential(valid_until=None, result=None)
    assert "validUntil" not in credential
    assert "result" not in credential["credentialSubject"]


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        _credential(issued_at=datetime(2026, 3, 2, 8, 30))


def test_an_independent_library_verifies_the_token_against_the_published_jwks(key, kid, published):
    credential = _credential()
    token = sign_credential_jwt(credential, key, kid)

    # joserfc picks the key from the JWKS by the header's kid and checks the EdDSA signature.
    decoded = joserfc_jwt.decode(token, published, algorithms=["EdDSA"])
    assert decoded.header == {"alg": "EdDSA", "kid": kid, "typ": "JWT"}
    claims = decoded.claims
    joserfc_jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": SITE},
        jti={"essential": True, "value": credential["id"]},
        nbf={"essential": True},
    ).validate(claims)  # also checks nbf has passed and exp has not
    assert claims["nbf"] == int(ISSUED.replace(microsecond=0).timestamp())
    assert claims["exp"] == int(
        datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00")).timestamp()
    )
    assert "sub" not in claims  # the subject has no id
    # The payload is the credential itself (VCDM 2.0 style), not wrapped in a "vc" claim.
    registered = {"iss", "jti", "nbf", "iat", "exp"}
    assert {name: value for name, value in claims.items() if name not in registered} == credential


def test_own_verifier_returns_the_credential(key, kid):
    credential = _credential()
    token = sign_credential_jwt(credential, key, kid)
    assert verify_credential_jwt(token, {kid: key.public_key()}) == credential
    assert sign_credential_jwt(credential, key, kid) == token  # deterministic, cacheable


def test_subject_id_becomes_sub(key, kid, published):
    credential = _credential(holder_id="mailto:huong.nt@snv.nghean.gov.vn")
    assert credential["credentialSubject"]["id"] == "mailto:huong.nt@snv.nghean.gov.vn"
    token = sign_credential_jwt(credential, key, kid)
    assert joserfc_jwt.decode(token, published, algorithms=["EdDSA"]).claims["sub"] == (
        "mailto:huong.nt@snv.nghean.gov.vn"
    )
    assert verify_credential_jwt(token, {kid: key})["credentialSubject"]["id"].startswith("mailto:")


def test_a_tampered_token_fails(key, kid, published):
    token = sign_credential_jwt(_credential(), key, kid)
    header, payload = _segments(token)
    payload["credentialSubject"]["identifier"][0]["identityHash"] = "Trần Văn Giả"
    forged_payload = base64.urlsafe_b64encode(
        json.dumps(payload, separators=(",", ":")).encode()
    ).rstrip(b"=").decode()
    signing_input, signature = token.rsplit(".", 1)
    forged = ".".join([signing_input.split(".")[0], forged_payload, signature])
    assert forged != token

    with pytest.raises(BadSignatureError):
        joserfc_jwt.decode(forged, published, algorithms=["EdDSA"])
    with pytest.raises(CredentialError):
        verify_credential_jwt(forged, {kid: key})


def test_a_token_signed_by_another_key_fails(key, kid, published):
    impostor = Ed25519PrivateKey.generate()
    token = sign_credential_jwt(_credential(), impostor, kid)  # claims to be our key
    with pytest.raises(BadSignatureError):
        joserfc_jwt.decode(token, published, algorithms=["EdDSA"])
    with pytest.raises(CredentialError):
        verify_credential_jwt(token, {kid: key})
    with pytest.raises(CredentialError, match="unknown signing key"):
        verify_credential_jwt(sign_credential_jwt(_credential(), impostor, "other"), {kid: key})


def test_time_limits_are_enforced(key, kid, published):
    now = datetime.now(timezone.utc)
    expired = sign_credential_jwt(
        _credential(issued_at=now - timedelta(days=30), valid_until=now - timedelta(days=1)), key, kid
    )
    with pytest.raises(ExpiredTokenError):
        joserfc_jwt.JWTClaimsRegistry().validate(
            joserfc_jwt.decode(expired, published, algorithms=["EdDSA"]).claims
        )
    with pytest.raises(CredentialError, match="expired"):
        verify_credential_jwt(expired, {kid: key})

    future = sign_credential_jwt(_credential(issued_at=now + timedelta(days=1)), key, kid)
    with pytest.raises(InvalidTokenError):
        joserfc_jwt.JWTClaimsRegistry().validate(
            joserfc_jwt.decode(future, published, algorithms=["EdDSA"]).claims
        )
    with pytest.raises(CredentialError):
        verify_credential_jwt(future, {kid: key})


def test_claims_that_contradict_the_credential_fail(key, kid):
    """A correctly signed token whose jti names another credential is still refused."""
    credential = _credential()
    payload = {
        **credential,
        "iss": SITE,
        "jti": f"{SITE}/xac-thuc/OTHER-0000",
        "nbf": int(ISSUED.replace(microsecond=0).timestamp()),
    }
    token = pyjwt.encode(payload, key, algorithm="EdDSA", headers={"kid": kid})
    with pytest.raises(CredentialError, match="do not match"):
        verify_credential_jwt(token, {kid: key})
    with pytest.raises(CredentialError):
        verify_credential_jwt("not.a.token", {kid: key})
    hs256 = pyjwt.encode(payload, "secret-key-that-is-long-enough-for-hs256", algorithm="HS256", headers={"kid": kid})
    with pytest.raises(CredentialError, match="header"):
        verify_credential_jwt(hs256, {kid: key})


def test_the_published_jwk_holds_only_public_material(key, kid):
    jwk = public_jwk(key, kid)
    assert "d" not in jwk
    assert jwk == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": jwk["x"],
        "kid": kid,
        "alg": "EdDSA",
        "use": "sig",
    }
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert base64.urlsafe_b64decode(jwk["x"] + "=") == raw
    assert not OKPKey.import_key(jwk).is_private

    document = jwks({kid: key, "old": Ed25519PrivateKey.generate()})
    assert [entry["kid"] for entry in document["keys"]] == [kid, "old"]
    assert all("d" not in entry for entry in document["keys"])


def test_key_id_is_the_rfc7638_thumbprint(key, kid):
    assert kid.startswith(JWKS_URL + "#")
    assert kid.split("#", 1)[1] == OKPKey.import_key(public_jwk(key, "x")).thumbprint()
    assert key_id(JWKS_URL, key.public_key()) == kid
    assert key_id(JWKS_URL, Ed25519PrivateKey.generate()) != kid


def test_key_file_is_created_once_and_private(tmp_path):
    path = tmp_path / "keys" / "badge-ed25519.pem"
    first = generate_ed25519_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    second = generate_ed25519_key(path)
    assert path.read_bytes() == content
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    assert second.public_key().public_bytes(*raw) == first.public_key().public_bytes(*raw)
    assert load_ed25519_key(path).public_key().public_bytes(*raw) == first.public_key().public_bytes(*raw)

    ec_path = tmp_path / "ec.pem"
    ec_path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    with pytest.raises(ValueError, match="Ed25519"):
        load_ed25519_key(ec_path)
