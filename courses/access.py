"""Who may see and change course assignments (registered with ``lms.permissions``)."""
from __future__ import annotations

from courses.models import Assignment
from lms.models import Role
from lms.permissions import Policy, register_policy


def register() -> None:
    """An assignment belongs to the unit it applies to; HR officers of that subtree manage it."""
    register_policy(Assignment, Policy(agencies=lambda: [Assignment.agency_id],
                                       actions={"view": (Role.HR,), "manage": (Role.HR,)}))
