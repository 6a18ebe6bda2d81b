"""``flask hr …``: load the default requirements, recompute the stored standings."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from lms.extensions import db

hr_cli = AppGroup("hr", help="HR: requirements, staff records.")


@hr_cli.command("load-requirements")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A requirements JSON file (default: the shipped hr/data/requirements.json).")
def load_requirements_command(path: Path | None) -> None:
    """Insert or update the IT-skill requirements of ranks and positions (idempotent)."""
    from hr.standing import DEFAULTS_FILE, load_requirements

    from lms.services import audit

    source = path or DEFAULTS_FILE
    count = load_requirements(source)
    # The requirements decide everyone's standing: loading them is recorded like the framework's.
    audit("hr.requirements.load", f"file:{source.name}", {"count": count})
    db.session.commit()
    click.echo(f"{count} requirements loaded.")


@hr_cli.command("recompute-standing")
@click.option("--stale", "stale_only", is_flag=True,
              help="Only the people without a stored standing or whose standing went stale (run it nightly).")
def recompute_standing_command(stale_only: bool) -> None:
    """Rewrite the stored standing of every staff record (or only the stale ones) from the evidence."""
    from hr.standing_store import refresh_all

    from lms.services import audit

    count = refresh_all(stale_only=stale_only)
    # It changes no evidence, only what the compliance report reads: recorded all the same, like
    # the requirements it depends on.
    audit("hr.standing.recompute", "hr_standing:all", {"count": count, "stale_only": stale_only})
    db.session.commit()
    click.echo(f"{count} standings recomputed.")
