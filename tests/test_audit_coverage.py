"""Every command that changes data leaves an audit entry (the POST routes are checked by the
permission matrix, tests/test_permission_matrix.py): each CLI command is classified here, and the
audited ones are run to prove it."""
from __future__ import annotations

import click
import pytest
from sqlalchemy import select

from lms.models import AuditEntry
from tests import factories

# Commands that change data and write an audit entry (the action they write).
AUDITED = {
    "users create": "account.create",
    "framework load": "framework.load",
    "content load": "content.load",
    "questions import": "question.import",
    "certificates issue": "certificate.issue",
    "notifications send": "notifications.send",
    "demo load": "account.create",
    "backup create": "backup.create",
    "backup restore": "backup.restore",
    "admin create": "account.create",
    "admin grant": "account.grant",
    "admin revoke": "account.revoke",
    "admin deactivate": "account.deactivate",
    "admin reactivate": "account.reactivate",
    "admin reset-password": "account.password_reset",
    "admin sign-out": "account.sign_out_everywhere",
    "admin send-reset-link": "account.reset_link_sent",
    "admin setting": "settings.update",
    "admin issuer-key": "issuer.key_upload",
    "hr load-requirements": "hr.requirements.load",
    "hr recompute-standing": "hr.standing.recompute",
}
# Commands that do not, and why.
EXEMPT = {
    "db": "schema migrations (Flask-Migrate): alembic_version records the revision",
    "mail send-queued": "delivers messages already queued: each message's row records its attempts and outcome",
    "mail retry": "re-queues failed messages: each message's row records its attempts and outcome",
    "mail test": "sends a test message to an operator; its row in the outbox records it",
    "questions export": "reads only",
    "attempts sweep": "finishes attempts whose time is up: each attempt records when and why it finished",
    "certificates list": "reads only",
    "certificates demo-issuer": "writes development keys to disk; no data in the database",
    "jobs worker": "runs jobs recorded (and audited) where they were started",
    "backup verify": "reads only",
    "admin list": "reads only",
    "admin new-encryption-key": "prints a new key for the environment; stores nothing",
}


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        path = f"{prefix} {name}".strip()
        if isinstance(command, click.Group) and path not in EXEMPT:
            yield from _commands(command, path)
        else:
            yield path


def test_every_command_is_classified(app):
    found = set(_commands(app.cli))
    assert found - AUDITED.keys() - EXEMPT.keys() == set(), "classify new commands in tests/test_audit_coverage.py"
    assert (AUDITED.keys() | EXEMPT.keys()) - found == set(), "tests/test_audit_coverage.py names a removed command"


def _entries(db, action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.parametrize("command", ["users create", "framework load", "questions import", "notifications send",
                                     "hr load-requirements", "hr recompute-standing"])
def test_audited_commands_write_an_entry_from_the_command_line(app, db, tmp_path, command):
    factories.agency()
    db.session.commit()
    gift = tmp_path / "bank.gift"
    gift.write_text("::Q1:: Thủ đô của Việt Nam là {=Hà Nội ~Huế ~Đà Nẵng}\n", encoding="utf-8")
    arguments = {"users create": ["users", "create", "kiemtoan", "--name", "Lý Thị Kiểm",
                                  "--password", "Mat-khau-rat-dai-2026"],
                 "framework load": ["framework", "load"],
                 "questions import": ["questions", "import", str(gift), "--module", "IU01"],
                 "notifications send": ["notifications", "send"],
                 "hr load-requirements": ["hr", "load-requirements"],
                 "hr recompute-standing": ["hr", "recompute-standing"]}[command]
    before = len(_entries(db, AUDITED[command]))
    result = app.test_cli_runner().invoke(args=arguments)
    assert result.exit_code == 0, result.output
    entries = _entries(db, AUDITED[command])
    assert len(entries) == before + 1
    assert entries[-1].origin == "cli" and entries[-1].actor_id is None
