"""Kernel commands: ``flask framework load``, ``flask demo load``, ``flask users create``."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from lms.extensions import db

framework_cli = AppGroup("framework", help="The IT skill standard (TT 03/2014/TT-BTTTT).")
demo_cli = AppGroup("demo", help="Demonstration data.")
users_cli = AppGroup("users", help="Accounts.")
content_cli = AppGroup("content", help="Courses, guides and questions shipped as files in content/.")
CONTENT_ROOT = Path(__file__).resolve().parent.parent / "content"


@content_cli.command("load")
@click.option("--path", "root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=CONTENT_ROOT,
              show_default=True, help="Folder holding courses/, guides/ and questions/.")
def content_load(root: Path) -> None:
    """Load (or update) every course, guide and question from content files; all or nothing."""
    load_content(root)
    click.echo(f"Content loaded from {root}.")


def load_content(root: Path) -> None:
    """Run every feature's content loader; on any problem undo everything and report them all."""
    from lms.content import ContentError
    from lms.services import audit, load_framework

    try:
        load_framework()  # questions refer to the framework's modules
        for _name, loader in current_app.extensions.get("lms.content_loaders", []):
            loader(root)
        audit("content.load", f"path:{root.name}", {"loaders": [name for name, _l in
                                                             current_app.extensions.get("lms.content_loaders", [])]})
        db.session.commit()
    except ContentError as error:
        db.session.rollback()
        lines = "\n".join(f"  {problem}" for problem in error.problems)
        raise click.ClickException(
            f"content not loaded ({len(error.problems)} problems), nothing changed:\n{lines}") from error


@framework_cli.command("load")
def framework_load() -> None:
    """Load (or refresh) the framework's modules and standards."""
    from lms.services import audit, load_framework

    count = load_framework()
    audit("framework.load", "framework:tt03-2014", {"modules": count})
    db.session.commit()
    click.echo(f"Framework loaded: {count} modules.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo province, accounts, course and quiz (safe to run again)."""
    from lms.demo import DEMO_PASSWORD, load_demo

    accounts = load_demo()
    for name, loader in current_app.extensions.get("lms.demo_loaders", []):
        loader()
        click.echo(f"Demo data: {name}")
    db.session.commit()
    click.echo("Demo accounts (password for all: %s):" % DEMO_PASSWORD)
    for username, description in accounts:
        click.echo(f"  {username:<12} {description}")


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name, family name first.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(["author", "examiner", "hr", "admin"]))
@click.option("--agency", "agency_code", help="Agency identifier code, e.g. 000.00.00.H41.")
def users_create(username: str, full_name: str, password: str, roles: tuple[str, ...], agency_code: str | None) -> None:
    """Create an account (roles apply to the given agency's subtree, or everywhere)."""
    from sqlalchemy import select

    from lms.models import Agency, Role
    from lms.services import create_user, find_user_by_login, grant_role

    from lms.accounts import AccountError, check_password_policy

    if find_user_by_login(username):
        raise click.ClickException(f"An account named {username!r} already exists.")
    try:
        check_password_policy(password, username=username, full_name=full_name)
    except AccountError as error:
        from lms.auth import password_policy_message

        raise click.ClickException(password_policy_message(error)) from error
    agency = None
    if agency_code:
        agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise click.ClickException(f"No agency with code {agency_code}.")
    user = create_user(username, password, full_name, agency=agency)
    for role in roles:
        grant_role(user, Role(role), agency)
    db.session.commit()
    click.echo(f"Created {user.username}.")


def register(app: Flask) -> None:
    """Attach the kernel's command groups to ``app``."""
    app.cli.add_command(framework_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(content_cli)
    from lms.jobs import jobs_cli

    app.cli.add_command(jobs_cli)
    from lms.backup import backup_cli

    app.cli.add_command(backup_cli)
