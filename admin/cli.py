"""``flask admin …``: the account operations of ``/admin`` for scripting. They act as a named
administrator (``--as``, default: the first administrator of everything), audited with origin
"cli", and commit once at the end; a refused operation changes nothing and exits non-zero."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from admin import services
from lms.extensions import db
from lms.models import Agency, Role, RoleGrant, User
from lms.services import find_user_by_login
from lms.settings import SETTINGS

admin_cli = AppGroup("admin", help="Administer accounts (the /admin operations, for scripts).")

as_option = click.option("--as", "actor_name", default=None,
                         help="Username of the administrator acting (default: an administrator of everything).")


def _actor(name: str | None) -> User:
    if name:
        actor = find_user_by_login(name)
        if actor is None or not actor.has_role(Role.ADMIN):
            raise click.ClickException(f"{name!r} is not an administrator.")
        return actor
    actor = db.session.scalar(select(User).join(RoleGrant).where(
        RoleGrant.role == Role.ADMIN, RoleGrant.agency_id.is_(None), User.active.is_(True)).order_by(User.id))
    if actor is None:
        raise click.ClickException("No administrator of everything exists: create one with `flask users create`.")
    return actor


def _account(actor: User, login: str) -> User:
    user = find_user_by_login(login)
    if user is None or not services.admin_scope(actor).covers(user.agency):
        raise click.ClickException(f"No account {login!r} in {actor.username}'s scope.")
    return user


def _agency(code: str | None) -> Agency | None:
    if not code:
        return None
    agency = db.session.scalar(select(Agency).where(Agency.code == code))
    if agency is None:
        raise click.ClickException(f"No agency with code {code}.")
    return agency


def _run(operation):
    try:
        result = operation()
    except services.AdminError as error:
        db.session.rollback()
        raise click.ClickException(f"Refused: {error.code}.") from error
    db.session.commit()
    return result


@admin_cli.command("list")
@click.option("--search", default="", help="Name (diacritics optional), username, e-mail or employee code.")
@click.option("--role", type=click.Choice([r.value for r in services.GRANTABLE_ROLES]))
@click.option("--agency", "agency_code", help="Agency code (its subtree).")
@click.option("--inactive/--active", "inactive", default=None, help="Only closed (or only open) accounts.")
@as_option
def list_accounts(search: str, role: str | None, agency_code: str | None, inactive: bool | None,
                  actor_name: str | None) -> None:
    """List accounts, tab-separated: username, name, e-mail, agency, active, roles."""
    actor = _actor(actor_name)
    agency = _agency(agency_code)
    criteria = services.AccountFilter(search, Role(role) if role else None, agency.id if agency else None,
                                      None if inactive is None else not inactive)
    for user in db.session.scalars(services.accounts_query(actor, criteria)):
        grants = ",".join(f"{g.role.value}@{g.agency.code if g.agency else '*'}" for g in user.grants)
        click.echo("\t".join([user.username, user.full_name, user.email or "", user.agency.code if user.agency else "",
                              "active" if user.active else "inactive", grants]))


@admin_cli.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name, family name first.")
@click.option("--email", default=None)
@click.option("--agency", "agency_code", default=None, help="Agency code.")
@click.option("--employee-code", default=None)
@as_option
def create(username: str, full_name: str, email: str | None, agency_code: str | None, employee_code: str | None,
           actor_name: str | None) -> None:
    """Create an account with a temporary password (printed once; changed at first sign-in)."""
    actor = _actor(actor_name)
    agency = _agency(agency_code)
    user, password = _run(lambda: services.create_account(actor, username=username, full_name=full_name, email=email,
                                                          agency=agency, employee_code=employee_code))
    click.echo(f"Created {user.username}. Temporary password: {password}")


@admin_cli.command("grant")
@click.argument("login")
@click.argument("role", type=click.Choice([r.value for r in services.GRANTABLE_ROLES]))
@click.option("--agency", "agency_code", default=None, help="Agency code (default: every agency).")
@as_option
def grant(login: str, role: str, agency_code: str | None, actor_name: str | None) -> None:
    """Give an account a role over an agency's subtree (or every agency)."""
    actor = _actor(actor_name)
    user = _account(actor, login)
    _run(lambda: services.add_grant(actor, user, Role(role), _agency(agency_code)))
    click.echo(f"Granted {role} to {user.username}.")


@admin_cli.command("revoke")
@click.argument("login")
@click.argument("role", type=click.Choice([r.value for r in services.GRANTABLE_ROLES]))
@click.option("--agency", "agency_code", default=None, help="Agency code (default: the grant over every agency).")
@as_option
def revoke(login: str, role: str, agency_code: str | None, actor_name: str | None) -> None:
    """Withdraw a role grant."""
    actor = _actor(actor_name)
    user = _account(actor, login)
    agency = _agency(agency_code)
    found = next((g for g in user.grants if g.role == Role(role) and g.agency_id == (agency.id if agency else None)), None)
    if found is None:
        raise click.ClickException("No such grant.")
    _run(lambda: services.remove_grant(actor, user, found))
    click.echo(f"Revoked {role} from {user.username}.")


@admin_cli.command("deactivate")
@click.argument("login")
@click.option("--reason", default="")
@as_option
def deactivate(login: str, reason: str, actor_name: str | None) -> None:
    """Close an account (its sessions end)."""
    actor = _actor(actor_name)
    ended = _run(lambda: services.deactivate(actor, _account(actor, login), reason))
    click.echo(f"Deactivated {login}; {ended} session(s) ended.")


@admin_cli.command("reactivate")
@click.argument("login")
@as_option
def reactivate(login: str, actor_name: str | None) -> None:
    """Open a closed account again."""
    actor = _actor(actor_name)
    _run(lambda: services.reactivate(actor, _account(actor, login)))
    click.echo(f"Reactivated {login}.")


@admin_cli.command("reset-password")
@click.argument("login")
@as_option
def reset_password(login: str, actor_name: str | None) -> None:
    """Give an account a temporary password (printed once; changed at next sign-in)."""
    actor = _actor(actor_name)
    password = _run(lambda: services.reset_password(actor, _account(actor, login)))
    click.echo(f"Temporary password for {login}: {password}")


@admin_cli.command("send-reset-link")
@click.argument("login")
@as_option
def send_reset_link(login: str, actor_name: str | None) -> None:
    """E-mail the person a single-use link to choose their own password."""
    actor = _actor(actor_name)
    _run(lambda: services.send_reset_link(actor, _account(actor, login)))
    click.echo(f"Reset link queued for {login}.")


@admin_cli.command("sign-out")
@click.argument("login")
@as_option
def sign_out(login: str, actor_name: str | None) -> None:
    """End every session of an account, on every device."""
    actor = _actor(actor_name)
    ended = _run(lambda: services.sign_out_everywhere(actor, _account(actor, login)))
    click.echo(f"{ended} session(s) of {login} ended.")


@admin_cli.command("new-encryption-key")
def new_encryption_key() -> None:
    """Print a new value for SIGNING_KEY_ENCRYPTION_KEY (encrypts uploaded signing keys)."""
    from certificates.keys import generate_encryption_key

    click.echo(generate_encryption_key())


@admin_cli.command("setting")
@click.argument("key", type=click.Choice(sorted(SETTINGS)))
@click.argument("value", required=False, default="")
@as_option
def setting(key: str, value: str, actor_name: str | None) -> None:
    """Set a site setting (an empty VALUE returns to the environment's value)."""
    from admin.settings import update_settings
    from lms.settings import stored_settings

    actor = _actor(actor_name)
    if not services.admin_scope(actor).everything:
        raise click.ClickException("Site settings need an administrator of everything.")
    values = {**stored_settings(), key: value}
    _run(lambda: update_settings(actor, values))
    click.echo(f"{key} = {value or '(environment)'}")


@admin_cli.command("issuer-key")
@click.argument("issuer_code")
@click.argument("pkcs12_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--password", prompt=True, hide_input=True, help="The PKCS#12 file's password.")
@as_option
def issuer_key(issuer_code: str, pkcs12_file: str, password: str, actor_name: str | None) -> None:
    """Upload an issuer's signing key and certificate (PKCS#12): checked, test-signed, stored
    encrypted; it replaces the active key, which stays trusted for verification."""
    from pathlib import Path

    from certificates.keys import KeyUploadError, upload_key
    from certificates.models import Issuer

    actor = _actor(actor_name)
    if not services.admin_scope(actor).everything:
        raise click.ClickException("Issuers need an administrator of everything.")
    found = db.session.scalar(select(Issuer).where(Issuer.code == issuer_code))
    if found is None:
        raise click.ClickException(f"No issuer with code {issuer_code}.")
    try:
        stored = upload_key(found, Path(pkcs12_file).read_bytes(), password, actor)
    except KeyUploadError as error:
        db.session.rollback()
        raise click.ClickException(f"Refused: {error.code}.") from error
    db.session.commit()
    click.echo(f"Active key of {issuer_code}: {stored.subject}, valid until {stored.not_after:%d/%m/%Y}.")
