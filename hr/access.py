"""Who may see and change HR's records: HR officers within their agency subtree."""
from __future__ import annotations

from hr.models import ReviewRound, StaffRecord, StandingSlip
from lms.models import Role
from lms.permissions import Policy, register_policy


def register() -> None:
    """A staff record belongs to the person's current unit, a review round to the unit that runs it;
    HR officers of that subtree see and change them (administrators within theirs)."""
    register_policy(StaffRecord, Policy(agencies=lambda: [StaffRecord.agency_id],
                                        actions={"view": (Role.HR,), "manage": (Role.HR,)}))
    register_policy(StandingSlip, Policy(agencies=lambda: [StandingSlip.agency_id], actions={"view": (Role.HR,)}))
    register_policy(ReviewRound, Policy(agencies=lambda: [ReviewRound.agency_id],
                                        actions={"view": (Role.HR,), "manage": (Role.HR,)}))
