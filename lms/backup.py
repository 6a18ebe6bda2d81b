"""Backup and restore: ``flask backup create|verify|restore``.

A backup is one tar file holding

* ``manifest.json`` — format, when and from where, the database's kind and schema revision
  (Alembic), and the size and SHA-256 of every other member;
* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site writes) or
  ``database.pgdump`` (``pg_dump`` custom format: one consistent snapshot);
* ``certificates/…`` — the signed certificate PDFs (``CERTIFICATE_STORAGE_DIR``);
* ``media/…`` — lesson and guide files (``MEDIA_DIR``).

The database is copied first, then the files: files are only ever added or atomically replaced,
so every file the copied database names is in the backup (a PDF signed in between is simply
signed again when first asked for).

``restore`` reads the whole archive and checks every checksum, the schema revision against this
version of the code, and that the target database and folders are empty — all before it
changes anything. The files are unpacked beside their folders first; the database is restored
in one step (one transaction on PostgreSQL, the backup API on SQLite); only then are the folders
moved into place. A refused or failed restore leaves the targets as they were.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from lms.database import utcnow
from lms.extensions import db

FORMAT = "lms-backup"
VERSION = 1
MANIFEST = "manifest.json"
# Folder in the archive → configuration key of the folder on disk.
FOLDERS = {"certificates": "CERTIFICATE_STORAGE_DIR", "media": "MEDIA_DIR"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup that cannot be made, checked or restored; the message says why, for the operator."""


@dataclass(frozen=True)
class Summary:
    """What a backup holds."""

    path: Path
    manifest: dict

    @property
    def files(self) -> dict[str, int]:
        """How many files each folder holds."""
        counts = {folder: 0 for folder in FOLDERS}
        for entry in self.manifest["files"]:
            top = entry["path"].split("/", 1)[0]
            if top in counts:
                counts[top] += 1
        return counts


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _dialect() -> str:
    return db.engine.url.get_backend_name()


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("the SQLite database is in memory: there is no file to back up or restore into")
    return Path(database)


def _pg_environment() -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore (the password never on a command line)."""
    url = make_url(db.engine.url)
    environment = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            environment[name] = str(value)
    return environment


def _run(command: list[str]) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client programs are needed)") from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result


def schema_revision() -> str | None:
    """The Alembic revision the connected database is at (None for a database without one)."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def code_revision() -> str:
    """The Alembic head revision of this version of the code."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    directory = Path(current_app.root_path).parent / "migrations"
    config = Config()
    config.set_main_option("script_location", str(directory))
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise BackupError(f"the migrations have {len(heads)} heads; merge them before backing up or restoring")
    return heads[0]


def default_path() -> Path:
    """``BACKUP_DIR``/lms-backup-YYYYmmdd-HHMMSS.tar (UTC)."""
    return Path(current_app.config["BACKUP_DIR"]) / f"lms-backup-{utcnow():%Y%m%d-%H%M%S}.tar"


# ----------------------------------------------------------------------------- create

def _snapshot_database(folder: Path) -> Path:
    """A consistent copy of the database in ``folder`` (the site may keep writing meanwhile)."""
    if _dialect() == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(str(_sqlite_path()))
        destination = sqlite3.connect(str(target))
        try:
            with destination:
                source.backup(destination)  # SQLite's online backup API: one consistent snapshot
            destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            destination.close()
            source.close()
        return target
    if _dialect() == "postgresql":
        target = folder / "database.pgdump"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
        return target
    raise BackupError(f"backups of {_dialect()} databases are not supported")


def _folder_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.name.endswith(".tmp"))


def create_backup(path: Path | None = None) -> Summary:
    """Write a backup to ``path`` (default: ``default_path()``); returns what it holds.

    The archive is written beside its final name and renamed when complete, so a backup file
    that exists is whole.
    """
    path = Path(path) if path else default_path()
    if path.exists():
        raise BackupError(f"{path} exists already: choose another name")
    path.parent.mkdir(parents=True, exist_ok=True)
    revision = schema_revision()
    if revision is None:
        raise BackupError("the database has no schema revision (run `flask db upgrade` first)")
    with tempfile.TemporaryDirectory(prefix="lms-backup-", dir=path.parent) as scratch:
        snapshot = _snapshot_database(Path(scratch))
        members: list[tuple[str, Path]] = [(snapshot.name, snapshot)]
        for folder, key in FOLDERS.items():
            root = Path(current_app.config[key])
            members += [(f"{folder}/{file.relative_to(root).as_posix()}", file) for file in _folder_files(root)]
        entries = []
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w:gz" if path.name.endswith(".gz") else "w") as archive:
            for name, file in members:
                # One open handle for the checksum and the copy: a file replaced meanwhile (PDFs
                # are replaced by rename) is still read whole, from the version that was opened.
                with open(file, "rb") as handle:
                    digest = hashlib.sha256()
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                    info = archive.gettarinfo(arcname=name, fileobj=handle)
                    handle.seek(0)
                    archive.addfile(info, handle)
                entries.append({"path": name, "size": info.size, "sha256": digest.hexdigest()})
            manifest = {
                "format": FORMAT, "version": VERSION, "created_at": utcnow().isoformat(),
                "site_url": current_app.config.get("SITE_URL"),
                "database": {"dialect": _dialect(), "file": snapshot.name}, "schema_revision": revision,
                "files": entries,
            }
            manifest_path = Path(scratch) / MANIFEST
            manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
            archive.add(manifest_path, arcname=MANIFEST)
        os.replace(partial, path)
    return Summary(path, manifest)


# ----------------------------------------------------------------------------- verify

def _safe_name(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and "\\" not in name


def member_file(archive: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    """The contents of a regular file in the archive (a link or folder where a file belongs is refused)."""
    source = archive.extractfile(member) if member.isfile() else None
    if source is None:
        raise BackupError(f"{member.name} is not a regular file: refused")
    return source


def read_manifest(archive: tarfile.TarFile) -> dict:
    """The archive's manifest, checked for shape."""
    try:
        member = archive.getmember(MANIFEST)
        manifest = json.loads(member_file(archive, member).read().decode("utf-8"))
    except (KeyError, AttributeError, ValueError, UnicodeDecodeError) as error:
        raise BackupError("not a backup of this site: manifest.json is missing or unreadable") from error
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"not a backup this version can read (format {manifest.get('format')!r}, "
                          f"version {manifest.get('version')!r})")
    for key in ("database", "schema_revision", "files"):
        if key not in manifest:
            raise BackupError(f"the manifest lacks {key!r}")
    return manifest


def verify_backup(path: Path, *, extract_to: Path | None = None) -> Summary:
    """Check every member of a backup against its manifest (size and SHA-256), that nothing is
    missing or extra and every name stays inside the archive; with ``extract_to``, unpack the
    checked files there as they are read. Raises ``BackupError`` naming the first problem."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file")
    try:
        archive = tarfile.open(path, "r:*")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a readable archive: {error}") from error
    with archive:
        manifest = read_manifest(archive)
        expected = {entry["path"]: entry for entry in manifest["files"]}
        if manifest["database"].get("file") not in expected:
            raise BackupError("the manifest names no database file")
        seen: set[str] = set()
        for member in archive.getmembers():
            if member.name == MANIFEST:
                continue
            if not _safe_name(member.name) or not member.isfile():
                raise BackupError(f"unexpected member {member.name!r} in the archive: refused")
            entry = expected.get(member.name)
            if entry is None:
                raise BackupError(f"{member.name} is in the archive but not in the manifest: refused")
            if member.name in seen:
                raise BackupError(f"{member.name} appears twice in the archive: refused")
            seen.add(member.name)
            digest, size = hashlib.sha256(), 0
            source = member_file(archive, member)
            target = None
            if extract_to is not None:
                destination = extract_to / member.name
                destination.parent.mkdir(parents=True, exist_ok=True)
                target = open(destination, "wb")
            try:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    if target is not None:
                        target.write(chunk)
            finally:
                if target is not None:
                    target.close()
            if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                raise BackupError(f"checksum error: {member.name} does not match the manifest "
                                  "(the backup is damaged or was altered): refused")
        missing = sorted(set(expected) - seen)
        if missing:
            raise BackupError(f"{len(missing)} files named in the manifest are missing, e.g. {missing[0]}: refused")
    return Summary(path, manifest)


# ----------------------------------------------------------------------------- restore

def _database_is_empty() -> bool:
    with db.engine.connect() as connection:
        return not inspect(connection).get_table_names()


def _folder_is_empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def restore_backup(path: Path) -> Summary:
    """Restore a verified backup into the configured, empty database and folders."""
    expected_revision = code_revision()
    targets = {folder: Path(current_app.config[key]) for folder, key in FOLDERS.items()}
    # Refuse a non-empty target before reading a byte of the archive.
    if not _database_is_empty():
        raise BackupError("the target database is not empty: restore into a new, empty database "
                          "(nothing was changed)")
    for folder, target in targets.items():
        if not _folder_is_empty(target):
            raise BackupError(f"the target folder {target} ({FOLDERS[folder]}) is not empty: restore into "
                              "empty folders (nothing was changed)")
    for target in targets.values():
        target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lms-restore-", dir=targets["certificates"].parent))
    staged: dict[str, Path] = {}
    try:
        summary = verify_backup(path, extract_to=staging)
        manifest = summary.manifest
        manifest_dialect = manifest["database"]["dialect"]
        if manifest["schema_revision"] != expected_revision:
            raise BackupError(f"the backup's schema revision is {manifest['schema_revision']}, this version of the "
                              f"application expects {expected_revision}: restore it with the version that made it "
                              "(then upgrade with `flask db upgrade`) — nothing was changed")
        if manifest_dialect != _dialect():
            raise BackupError(f"the backup holds a {manifest_dialect} database; the target is {_dialect()} "
                              "(nothing was changed)")
        # Files on the same file system as their folders: moving them in is a rename.
        for folder, target in targets.items():
            source = staging / folder
            if source.exists():
                staged[folder] = Path(tempfile.mkdtemp(prefix=f".lms-restore-{folder}-", dir=target.parent))
                shutil.rmtree(staged[folder])
                shutil.move(str(source), str(staged[folder]))
        _restore_database(staging / manifest["database"]["file"])
        for folder, source in staged.items():
            target = targets[folder]
            if target.exists():
                target.rmdir()  # checked empty above
            os.replace(source, target)
        return summary
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        for leftover in staged.values():
            shutil.rmtree(leftover, ignore_errors=True)  # gone already when it was moved into place


def _restore_database(snapshot: Path) -> None:
    """Load the snapshot into the (empty) database in one step."""
    db.session.remove()
    if _dialect() == "sqlite":
        db.engine.dispose()
        source = sqlite3.connect(str(snapshot))
        destination = sqlite3.connect(str(_sqlite_path()))
        try:
            with destination:
                source.backup(destination)  # all pages or none
            destination.execute("PRAGMA journal_mode=WAL")
        finally:
            destination.close()
            source.close()
    else:
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
              f"--dbname={_pg_environment().get('PGDATABASE', '')}", str(snapshot)])
    db.engine.dispose()


# ----------------------------------------------------------------------------- commands

backup_cli = AppGroup("backup", help="Back up and restore the database, certificate PDFs and media files.")


def _describe(summary: Summary) -> str:
    manifest = summary.manifest
    counts = summary.files
    created = datetime.fromisoformat(manifest["created_at"])
    return (f"{summary.path}: {manifest['database']['dialect']} database at schema revision "
            f"{manifest['schema_revision']}, {counts['certificates']} certificate files, {counts['media']} media files, "
            f"made {created:%d/%m/%Y %H:%M} UTC")


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def create_command(path: Path | None) -> None:
    """Back up to PATH (default: BACKUP_DIR/lms-backup-<time>.tar) while the site runs."""
    from lms.services import audit

    try:
        summary = create_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    audit("backup.create", f"backup:{summary.path.name}",
          {"path": str(summary.path), "revision": summary.manifest["schema_revision"], **summary.files,
           "bytes": summary.path.stat().st_size})
    db.session.commit()
    click.echo(f"Backup written: {_describe(summary)}")


@backup_cli.command("verify")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def verify_command(path: Path) -> None:
    """Check a backup: every file against the manifest's checksums, and (PostgreSQL) the dump."""
    try:
        summary = verify_backup(path)
        if summary.manifest["database"]["dialect"] == "postgresql" and shutil.which("pg_restore"):
            with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "r:*") as archive:
                member = archive.getmember(summary.manifest["database"]["file"])
                dump = Path(scratch) / "database.pgdump"
                dump.write_bytes(member_file(archive, member).read())
                _run(["pg_restore", "--list", str(dump)])
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup is whole: {_describe(summary)}")
    expected = code_revision()
    if summary.manifest["schema_revision"] != expected:
        click.echo(f"Note: this version of the application expects schema revision {expected}; restore the "
                   "backup with the version that made it.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(path: Path) -> None:
    """Restore PATH into the configured empty database and empty folders (all or nothing)."""
    from lms.services import audit

    try:
        summary = restore_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    audit("backup.restore", f"backup:{summary.path.name}",
          {"path": str(summary.path), "revision": summary.manifest["schema_revision"],
           "made_at": summary.manifest["created_at"], **summary.files})
    db.session.commit()
    click.echo(f"Restored: {_describe(summary)}")
