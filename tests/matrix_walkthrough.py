"""Routes added by the walk-through fixes (issue 10): the addresses an Open Badges credential
names — its key, its issuer, its achievement and the issuer's revocation list — all public."""
from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from tests.matrix import PUBLIC, Entry

ENTRIES = [
    Entry("certificates.credential_key", "GET", "/keys/{key_thumbprint}", PUBLIC),
    Entry("certificates.issuer_profile", "GET", "/issuers/{issuer_code}", PUBLIC),
    Entry("certificates.achievement", "GET", "/achievements/it_basic", PUBLIC),
    Entry("certificates.course_achievement", "GET", "/achievements/course_completion/{course_id}", PUBLIC),
    Entry("certificates.status_list", "GET", "/issuers/{issuer_code}/status/0", PUBLIC),
]


def extend_world(app, places: dict, people: dict) -> None:
    """The world's certificate's issuer, and the thumbprint of the key that signs badges."""
    from certificates.credentials import signing_keys
    from certificates.models import Certificate

    certificate = db.session.scalar(select(Certificate).where(Certificate.code == places["code"]))
    places["issuer_code"] = certificate.issuer.code
    places["key_thumbprint"] = next(iter(signing_keys(app).values())).thumbprint
