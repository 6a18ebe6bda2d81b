"""``flask notifications send``: the daily reminders (run it once a day from cron or a timer)."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="E-mail notices to learners.")


@notifications_cli.command("send")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Act as if today were this date (YYYY-MM-DD); default: today in Vietnam.")
def send_command(on) -> None:
    """Queue today's due-date and overdue reminders (idempotent: a second run sends nothing)."""
    from lms.services import audit
    from lms.extensions import db
    from notifications.reminders import send_reminders

    today: date | None = on.date() if on else None
    counts = send_reminders(today)
    audit("notifications.send", "notifications:reminders", {"date": (today.isoformat() if today else None), **counts})
    db.session.commit()
    click.echo(f"Reminders queued: {counts['due_soon']} due soon, {counts['overdue']} overdue.")
