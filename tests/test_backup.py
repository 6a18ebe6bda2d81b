"""Backup and restore, on SQLite and on PostgreSQL: demo data with issued certificates → backup →
a fresh empty database and folders → restore → every row, every PDF's hash and the verification
answers are the same; a tampered backup, a backup of another schema revision or a non-empty
target is refused with nothing changed."""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from lms import create_app
from lms.extensions import db
from lms.models import AuditEntry

BASIC = ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]
CSRF = re.compile(r'name="csrf_token"[^>]*>')


def _pg_admin_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        base = url.replace("postgresql://", "postgresql+psycopg://", 1) if "+psycopg" not in url else url
        return base.rsplit("/", 1)[0] + "/postgres"
    return "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _fresh_pg_database(name: str) -> str:
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return _pg_admin_url().rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    """Three empty databases of one kind: the site's, the restore target, and a spare target."""
    if request.param == "sqlite":
        return {name: f"sqlite:///{tmp_path / f'{name}.sqlite3'}" for name in ("source", "target", "spare")}
    try:
        return {name: _fresh_pg_database(f"ops_backup_{name}") for name in ("source", "target", "spare")}
    except Exception as error:  # no server here
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432 ({error.__class__.__name__})")


def _app(tmp_path: Path, url: str, name: str):
    from certificates.documents import create_demo_keys

    keys = create_demo_keys(tmp_path / "issuer", "Ủy ban nhân dân tỉnh Nghệ An")  # one issuer for all sites
    folder = tmp_path / name
    return create_app({
        **keys, "LMS_ENV": "testing", "TESTING": True, "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url, "SITE_URL": "http://127.0.0.1:5000",
        "CERTIFICATE_STORAGE_DIR": str(folder / "certificates"), "MEDIA_DIR": str(folder / "media"),
        "MAIL_OUTBOX_DIR": str(folder / "outbox"), "MAIL_DISPATCH": "sweep", "BACKUP_DIR": str(folder / "backups"),
        "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_VERIFY": "1000 per minute",
        "PASSWORD_HASH_PROFILE": "cheapest", "VERIFICATION_COUNT_FLUSH_SECONDS": 0,
    })


def _load_demo(app) -> None:
    """The demo province, accounts, exam with signed certificates, a reissue, and a lesson file."""
    from flask_migrate import upgrade

    from certificates import documents, services
    from courses import authoring
    from lms.services import load_framework
    from quizzes import bank
    from tests import factories
    from tests.matrix import _png

    with app.app_context():
        upgrade()
        load_framework()
        bank.import_gift("\n".join(
            f"// [tag:{module}]\n::{module}-{n}::Câu {module} số {n}?{{=Đúng ~Sai ~Cũng sai}}\n"
            for module in BASIC for n in range(6)))
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        from lms.services import find_user_by_login

        holder = find_user_by_login("hocvien")
        certificates = services.certificates_of(holder)
        assert certificates, "the demo issued certificates"
        replacement = services.reissue(certificates[0], reason="Sai chức danh người ký", decision="12/QĐ-TTCĐS",
                                       by=find_user_by_login("quantri"))
        documents.signed_pdf(replacement)
        course = factories.course("Khóa học có tệp đính kèm", lessons=1)
        authoring.attach_file(course.lessons[0], "image", "so-do.png", _png(), find_user_by_login("tacgia"))
        db.session.commit()


def _rows(app) -> dict[str, list]:
    """Every row of every table, in primary-key order (backup and restore audit entries aside)."""
    with app.app_context():
        found = {}
        for table in db.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            if table.name == "audit_entry":
                query = query.where(AuditEntry.action.not_in(["backup.create", "backup.restore"]))
            found[table.name] = [tuple(row) for row in db.session.execute(query)]
        db.session.remove()
        return found


def _file_hashes(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _verification(app, codes: list[str]) -> dict:
    client = app.test_client()
    answers = {}
    for code in codes:
        page = client.get(f"/verify/{code}")
        api = client.get(f"/api/v1/certificates/{code}")
        answers[code] = (page.status_code, CSRF.sub("", page.get_data(as_text=True)), api.status_code, api.json)
    return answers


def _codes(app) -> list[str]:
    from certificates.models import Certificate

    with app.app_context():
        codes = list(db.session.scalars(select(Certificate.code).order_by(Certificate.id)))
        db.session.remove()
        return codes


def _empty(app) -> bool:
    from sqlalchemy import inspect

    with app.app_context():
        with db.engine.connect() as connection:
            tables = inspect(connection).get_table_names()
        db.engine.dispose()
    folders = [Path(app.config[key]) for key in ("CERTIFICATE_STORAGE_DIR", "MEDIA_DIR")]
    return not tables and all(not folder.exists() or not any(folder.iterdir()) for folder in folders)


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy a backup archive, letting ``change(name, data)`` alter each member's bytes."""
    with tarfile.open(source) as archive, tarfile.open(target, "w") as out:
        for member in archive.getmembers():
            data = change(member.name, archive.extractfile(member).read())
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


def test_backup_then_restore_gives_back_every_row_every_pdf_and_the_same_verification(databases, tmp_path):
    site = _app(tmp_path, databases["source"], "site")
    _load_demo(site)
    before_rows = _rows(site)
    assert len(before_rows["certificate"]) >= 3 and before_rows["mail_message"]
    codes = _codes(site)
    before_pdfs = _file_hashes(Path(site.config["CERTIFICATE_STORAGE_DIR"]))
    before_media = _file_hashes(Path(site.config["MEDIA_DIR"]))
    # The lesson's image, and the practical file the demo exam's candidate handed in (practical/demo.py).
    assert len(before_pdfs) >= 3 and len(before_media) == 2
    assert any(name.startswith("practical/") for name in before_media)
    before_answers = _verification(site, codes)
    assert {answer[3]["status"] for answer in before_answers.values()} >= {"valid", "superseded"}

    backup = tmp_path / "nightly.tar"
    made = site.test_cli_runner().invoke(args=["backup", "create", str(backup)])
    assert made.exit_code == 0, made.output
    checked = site.test_cli_runner().invoke(args=["backup", "verify", str(backup)])
    assert checked.exit_code == 0 and "Backup is whole" in checked.output, checked.output
    with site.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "backup.create")) is not None
        db.session.remove()

    # The site is lost; a new server with an empty database and empty folders.
    target = _app(tmp_path, databases["target"], "restored")
    restored = target.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert _rows(target) == before_rows
    assert _file_hashes(Path(target.config["CERTIFICATE_STORAGE_DIR"])) == before_pdfs
    assert _file_hashes(Path(target.config["MEDIA_DIR"])) == before_media
    assert _verification(target, codes) == before_answers
    with target.app_context():
        from certificates import documents, services

        valid = services.find_by_code(codes[-1])
        pdf = (Path(target.config["CERTIFICATE_STORAGE_DIR"]) / f"{valid.code}.pdf").read_bytes()
        assert documents.signed_pdf(valid) == pdf  # the stored file is served as it is, not re-signed
        assert documents.check_uploaded_pdf(pdf).genuine
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "backup.restore"))
        assert entry is not None and entry.details["revision"]
        db.session.remove()

    # Restoring again onto the now non-empty target is refused.
    again = target.test_cli_runner().invoke(args=["backup", "restore", str(backup)])
    assert again.exit_code != 0 and "not empty" in again.output

    # Tampered backups are refused by verify and by restore, leaving the spare target untouched.
    spare = _app(tmp_path, databases["spare"], "spare")
    pdf_name = f"certificates/{codes[0]}.pdf"
    flipped = tmp_path / "flipped.tar"
    _rewrite(backup, flipped, lambda name, data: data[:-10] + b"0" * 10 if name == pdf_name else data)
    other_revision = tmp_path / "other-revision.tar"

    def older(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["schema_revision"] = "0123456789ab"
        return json.dumps(manifest).encode()

    _rewrite(backup, other_revision, older)
    extra = tmp_path / "extra.tar"
    with tarfile.open(backup) as archive, tarfile.open(extra, "w") as out:
        for member in archive.getmembers():
            out.addfile(member, archive.extractfile(member))
        info = tarfile.TarInfo("media/../../evil.txt")
        info.size = 4
        out.addfile(info, io.BytesIO(b"evil"))
    for bad, reason in ((flipped, "checksum error"), (other_revision, "schema revision"), (extra, "refused")):
        if reason != "schema revision":
            verdict = spare.test_cli_runner().invoke(args=["backup", "verify", str(bad)])
            assert verdict.exit_code != 0 and reason in verdict.output, verdict.output
        refused = spare.test_cli_runner().invoke(args=["backup", "restore", str(bad)])
        assert refused.exit_code != 0 and reason in refused.output, refused.output
        assert _empty(spare), "a refused restore changed nothing"
    assert not (tmp_path / "evil.txt").exists()
    assert not [path for path in (tmp_path / "spare").parent.glob(".lms-restore-*")]


def test_a_backup_needs_a_migrated_database_and_does_not_overwrite(tmp_path):
    site = _app(tmp_path, f"sqlite:///{tmp_path / 'empty.sqlite3'}", "site")
    refused = site.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "b.tar")])
    assert refused.exit_code != 0 and "flask db upgrade" in refused.output
    (tmp_path / "taken.tar").write_bytes(b"")
    with site.app_context():
        from flask_migrate import upgrade

        upgrade()
    exists = site.test_cli_runner().invoke(args=["backup", "create", str(tmp_path / "taken.tar")])
    assert exists.exit_code != 0 and "exists already" in exists.output
    made = site.test_cli_runner().invoke(args=["backup", "create"])
    assert made.exit_code == 0 and str(Path(site.config["BACKUP_DIR"])) in made.output
    assert not list(Path(site.config["BACKUP_DIR"]).glob("*.partial"))
    not_a_backup = tmp_path / "notes.tar"
    with tarfile.open(not_a_backup, "w") as archive:
        info = tarfile.TarInfo("notes.txt")
        info.size = 2
        archive.addfile(info, io.BytesIO(b"hi"))
    verdict = site.test_cli_runner().invoke(args=["backup", "verify", str(not_a_backup)])
    assert verdict.exit_code != 0 and "manifest.json" in verdict.output
