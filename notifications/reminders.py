"""Due-date reminders of assigned courses, sent by the daily ``flask notifications send``.

A reminder is due on the days ``NOTIFY_DUE_DAYS`` before the due date (7, 3 and 1 by default) and
``NOTIFY_OVERDUE_DAYS`` after it (1, 7, 30). Each course's reminder is recorded under a key naming
the person, the course, the due date and the step ("the 3-day reminder"), so running the command
twice a day sends nothing the second time, and a day missed is caught up the next day (for the
step the course is in, without repeating the earlier ones).
"""
from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import select

from lms.extensions import db
from lms.models import User
from lms.timefmt import local_today
from notifications import messages


def _days(setting: str) -> list[int]:
    return sorted({int(part) for part in str(current_app.config.get(setting, "")).split(",") if part.strip()})


def due_step(days_left: int, steps: list[int]) -> int | None:
    """The reminder step a course ``days_left`` days from its due date is in (None: no reminder).

    With steps 1, 3, 7: 7 to 4 days left is the 7-day step, 3 and 2 the 3-day one, 1 and 0 the
    1-day one."""
    if days_left < 0 or not steps or days_left > steps[-1]:
        return None
    return min(step for step in steps if step >= days_left)


def overdue_step(days_over: int, steps: list[int]) -> int | None:
    """The overdue step of a course ``days_over`` days past its due date (None: none yet)."""
    passed = [step for step in steps if step <= days_over]
    return max(passed) if passed else None


def courses_due(today: date) -> dict[int, dict[int, tuple]]:
    """For each person: {course id: (course, earliest due date)} over the published courses
    assigned to them with a due date, not yet completed."""
    from courses.models import Assignment, Course

    assignments = db.session.scalars(select(Assignment).join(Course).where(
        Assignment.due_on.is_not(None), Course.published.is_(True)).order_by(Assignment.id))
    found: dict[int, dict[int, tuple]] = {}
    for assignment in assignments:
        for person in messages.assignment_recipients(assignment):
            mine = found.setdefault(person.id, {})
            current = mine.get(assignment.course_id)
            if current is None or assignment.due_on < current[1]:
                mine[assignment.course_id] = (assignment.course, assignment.due_on)
    return found


def send_reminders(today: date | None = None) -> dict[str, int]:
    """Queue today's reminders (one message per person and kind); returns how many of each.

    Commits after each person, so a run that stops half-way keeps what it queued and the next
    run goes on from there."""
    today = today or local_today()
    due_steps, overdue_steps = _days("NOTIFY_DUE_DAYS"), _days("NOTIFY_OVERDUE_DAYS")
    counts = {"due_soon": 0, "overdue": 0}
    for user_id, courses in courses_due(today).items():
        person = db.session.get_one(User, user_id)
        for kind in ("due_soon", "overdue"):
            items, keys = [], []
            for course, due in sorted(courses.values(), key=lambda pair: (pair[1], pair[0].title)):
                days = (due - today).days
                step = due_step(days, due_steps) if kind == "due_soon" else overdue_step(-days, overdue_steps)
                if step is None:
                    continue
                key = f"{'due' if kind == 'due_soon' else 'overdue'}:{user_id}:{course.id}:{due.isoformat()}:{step}"
                if messages.already_notified(key):
                    continue
                items.append((course, due, abs(days)))
                keys.append(key)
            if items and messages.due_reminder(person, kind, items, keys) is not None:
                counts[kind] += 1
        db.session.commit()
    return counts
