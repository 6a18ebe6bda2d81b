"""Job functions (run by lms.jobs in a worker or a background thread) that tell many people.

Each is safe to run again: notices already given are skipped (``notify_once``)."""
from __future__ import annotations

from lms.extensions import db
from notifications import messages


def course_assigned_job(progress, assignment_id: int) -> dict:
    """Tell everyone an assignment names that the course is theirs to take."""
    from courses.models import Assignment

    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        return {"queued": 0}
    return _tell(progress, messages.assignment_recipients(assignment),
                 lambda person: messages.course_assigned(assignment, person))


def _tell(progress, items: list, notify) -> dict:
    queued = 0
    progress(0, len(items))
    for index, item in enumerate(items, start=1):
        if notify(item) is not None:
            queued += 1
        if index % 50 == 0 or index == len(items):
            progress(index)  # commits: those messages leave now, and a re-run skips them
    return {"queued": queued, "people": len(items)}
