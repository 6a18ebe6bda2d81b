"""Routes of the mock exam: every signed-in person may sit it; a sitting is its owner's alone."""
from __future__ import annotations

from tests.matrix import SIGNED_IN, Access, Entry

OWN_SITTING = Access(owner="learner", only_owner=True)

ENTRIES = [
    Entry("mock.home", "GET", "/thi-thu", SIGNED_IN),
    Entry("mock.start", "POST", "/thi-thu/start", SIGNED_IN),
    Entry("mock.result", "GET", "/thi-thu/{mock_sitting}", OWN_SITTING),
]
AUDIT_EXEMPT = {"mock.start": "a learner's own unofficial sitting: the attempt's rows record it"}


def extend_world(app, places, people):
    """A finished mock sitting of the learner (the bank gets enough questions for one)."""
    from mock import services
    from quizzes.services import submit_attempt
    from tests import factories

    for code in services.BASIC_MODULES:
        for n in range(services.QUESTIONS_PER_MODULE):
            factories.question(f"{code} thi thử {n}?", module=code)
    sitting = services.start_sitting(people["learner"])
    submit_attempt(sitting, {})
    places["mock_sitting"] = sitting.id
