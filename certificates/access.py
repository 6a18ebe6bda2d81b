"""Who may see and act on certificates (registered with ``lms.permissions`` at start-up)."""
from __future__ import annotations

from certificates.models import Certificate
from lms.models import Role
from lms.permissions import Policy, register_policy


def register() -> None:
    """A certificate is in the scope of its holder's unit and of the unit whose exam issued it.

    Its holder may see and download it; HR officers and examiners see it (and the register)
    within their scope; examiners revoke and reissue within theirs; administrators everything
    within theirs.
    """
    register_policy(Certificate, Policy(
        agencies=lambda: [Certificate.holder_agency_id, Certificate.issuing_agency_id],
        actions={"view": (Role.HR, Role.EXAMINER), "register": (Role.HR, Role.EXAMINER),
                 "revoke": (Role.EXAMINER,), "reissue": (Role.EXAMINER,)},
        owner=lambda: Certificate.holder_id, owner_actions=frozenset({"view"})))
