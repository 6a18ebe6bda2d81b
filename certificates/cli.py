"""``flask certificates issue|list|demo-issuer``."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from certificates import codes, services
from certificates.models import Certificate
from lms.extensions import db

certificates_cli = AppGroup("certificates", help="Certificates and the issuance register.")


@certificates_cli.command("issue")
@click.option("--session", "session_id", type=int, required=True, help="Exam session id.")
@click.option("--sign/--no-sign", default=True, help="Also sign and store each PDF.")
def issue_command(session_id: int, sign: bool) -> None:
    """Issue certificates for an approved exam session (safe to run again)."""
    from lms.jobs import create_job, run_job

    if not sign:
        try:
            result = services.issue_for_session(session_id)
        except services.CertificateError as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()
    else:
        job = create_job(f"Cấp chứng chỉ kỳ thi {session_id}", "certificates.jobs:issue_session_job",
                         {"session_id": session_id}, start=False)
        db.session.commit()
        finished = run_job(job.id)
        if finished is None or finished.status == "failed":
            raise click.ClickException(finished.message if finished else "the job was not recorded")
        result = finished.result
    click.echo(f"Issued {result['issued']}, skipped {result['skipped']} of {result['passed']} who passed.")
    for row in result.get("not_issued", []):
        click.echo(f"  not issued: {row['name']} ({row['reason']})")


@certificates_cli.command("list")
@click.option("--session", "session_id", type=int, help="Only this exam session.")
def list_command(session_id: int | None) -> None:
    """Print code, serial, holder and status of every certificate."""
    query = select(Certificate).order_by(Certificate.id)
    if session_id:
        query = query.where(Certificate.exam_session_id == session_id)
    for certificate in db.session.scalars(query):
        click.echo(f"{codes.display(certificate.code)}  {certificate.serial:<20} {certificate.holder_name:<32} "
                   f"{services.effective_status(certificate)}")


@certificates_cli.command("demo-issuer")
def demo_issuer_command() -> None:
    """Create a self-signed demo issuer key and certificate, and the badge keys (development)."""
    from certificates.credentials import create_demo_rsa_key
    from certificates.documents import create_demo_keys

    directory = Path(current_app.config["CERTIFICATE_DEMO_DIR"])
    create_demo_keys(directory, current_app.config["ORGANISATION_NAME"])
    create_demo_rsa_key(directory)  # RS256 credentials, for verifiers that accept no EdDSA
    click.echo(f"Demo issuer keys in {directory} (self-signed: for demonstration only).")
