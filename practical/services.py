"""Practical submissions: grade an uploaded file for a task, keep it with the machine's verdict,
and examiners' overrides of single checks. Services flush; the request commits.

Files are kept as received under ``PRACTICAL_STORAGE_DIR`` (default ``MEDIA_DIR/practical``), named
by their SHA-256, written before the row that names them (a rolled-back request can leave a file no
row names; never a row whose file is missing). A file that cannot be graded raises
``lms.officefile.OfficeFileError`` before anything is written: nothing is half-stored.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.extensions import db
from lms.models import User
from lms.services import audit
from lms.text import nfc
from practical.grading import GradeResult, Override, grade
from practical.models import CheckOverride, PracticalSubmission, Purpose
from practical.tasks import Task, load_tasks

TWO_PLACES = Decimal("0.01")


class PracticalError(Exception):
    """A refused operation; ``code`` names why (the views say it in the reader's language)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def setting(name: str, default: str | None = None) -> str | None:
    """A setting of the practical feature: the application's configuration, else the environment
    (12-factor; the kernel's ``lms.config`` need not know the feature's variables), else ``default``."""
    return current_app.config.get(name) or os.environ.get(name) or default


def tasks() -> dict[str, Task]:
    """Every shipped task by slug, read from ``content/practical`` once per process (tasks are
    reviewed content: a change ships with a restart, like the code that grades it)."""
    loaded = current_app.extensions.get("practical.tasks")
    if loaded is None:
        root = setting("PRACTICAL_CONTENT_DIR")
        loaded = load_tasks(Path(root)) if root else load_tasks()
        current_app.extensions["practical.tasks"] = loaded
    return loaded


def task(slug: str) -> Task | None:
    """The task called ``slug``, or None."""
    return tasks().get(slug)


def tasks_for_modules(modules: list[str]) -> list[Task]:
    """The tasks of the given framework modules, by module then title."""
    wanted = set(modules or [])
    return sorted((t for t in tasks().values() if t.module in wanted), key=lambda t: (t.module, t.title))


def storage_dir() -> Path:
    """Where handed-in files are kept."""
    configured = setting("PRACTICAL_STORAGE_DIR")
    return Path(configured) if configured else Path(current_app.config["MEDIA_DIR"]) / "practical"


def stored_path(submission: PracticalSubmission) -> Path:
    """The file of ``submission`` on disk."""
    return storage_dir() / submission.stored_name


def _keep(data: bytes, extension: str) -> tuple[str, str]:
    digest = hashlib.sha256(data).hexdigest()
    name = f"{digest}.{extension}"
    folder = storage_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():  # the same bytes are the same file: kept once
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    return digest, name


def _display_name(filename: str, extension: str) -> str:
    """The name the person gave the file, as shown back to them: the last path part (either slash),
    NFC, without control characters (PostgreSQL refuses NUL), at most 255 characters."""
    base = nfc((filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    printable = "".join(ch for ch in base if ch.isprintable()).strip()
    return printable[:255] or f"bai.{extension}"


def _points(value: float) -> Decimal:
    return Decimal(str(value)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def submit(user: User, task_: Task, data: bytes, filename: str, *, purpose: Purpose = Purpose.PRACTICE,
           candidate_id: int | None = None) -> PracticalSubmission:
    """Grade ``data`` for ``task_`` and keep it; raises ``OfficeFileError`` for a file that cannot be graded."""
    result = grade(data, filename, task_)
    digest, stored = _keep(data, result.file_kind)
    submission = PracticalSubmission(
        user_id=user.id, task_slug=task_.slug, purpose=purpose, candidate_id=candidate_id,
        filename=_display_name(filename, result.file_kind),
        file_kind=result.file_kind, size=len(data), sha256=digest, stored_name=stored,
        machine_result=result.to_dict(), machine_score=_points(result.machine_score),
        score=_points(result.score), max_score=_points(result.max_score))
    db.session.add(submission)
    db.session.flush()
    audit("practical.submit", f"practical_submission:{submission.id}",
          {"task": task_.slug, "purpose": purpose.value, "score": str(submission.score),
           "max_score": str(submission.max_score), "sha256": digest}, actor=user)
    return submission


def current_overrides(submission: PracticalSubmission) -> dict[str, CheckOverride]:
    """The decision that counts for each overridden check: the latest, unless it returned the
    check to the machine's verdict."""
    latest: dict[str, CheckOverride] = {}
    for row in submission.overrides:  # ordered by id: later rows win
        latest[row.check_id] = row
    return {check: row for check, row in latest.items() if row.passed is not None}


def result_of(submission: PracticalSubmission) -> GradeResult:
    """The submission's result with the examiners' decisions counted (the machine's verdict of
    each check stays in it: ``CheckResult.passed``)."""
    machine = GradeResult.from_dict(submission.machine_result)
    decisions = {check: Override(passed=bool(row.passed), reason=row.reason, by=row.by.full_name if row.by else "")
                 for check, row in current_overrides(submission).items()}
    return machine.with_overrides(decisions)


def override_check(submission: PracticalSubmission, check_id: str, passed: bool | None, reason: str,
                   by: User) -> CheckOverride:
    """Record an examiner's decision on one check (None: back to the machine's verdict), recompute
    the submission's score and audit both verdicts. Raises ``PracticalError``: ``unknown-check``,
    ``reason`` (a decision needs one)."""
    machine = GradeResult.from_dict(submission.machine_result)
    check = next((c for c in machine.checks if c.id == check_id), None)
    if check is None:
        raise PracticalError("unknown-check")
    reason = nfc(reason or "").strip()
    if not reason:
        raise PracticalError("reason")
    before = result_of(submission)
    was = next(c for c in before.checks if c.id == check_id).final_passed
    row = CheckOverride(submission=submission, check_id=check_id, passed=passed, reason=reason, by_id=by.id)
    db.session.add(row)
    db.session.flush()
    after = result_of(submission)
    submission.score = _points(after.score)
    db.session.flush()
    audit("practical.override", f"practical_submission:{submission.id}",
          {"check": check_id, "machine": check.passed, "before": was,
           "after": passed if passed is not None else check.passed, "returned_to_machine": passed is None,
           "score_before": _points(before.score).to_eng_string(), "score_after": submission.score.to_eng_string()},
          note=reason, actor=by)
    return row


def submissions_of(user: User, slug: str, purpose: Purpose = Purpose.PRACTICE) -> list[PracticalSubmission]:
    """The person's submissions for a task, newest first."""
    return list(db.session.scalars(
        select(PracticalSubmission).where(PracticalSubmission.user_id == user.id, PracticalSubmission.task_slug == slug,
                                          PracticalSubmission.purpose == purpose)
        .order_by(PracticalSubmission.id.desc()).limit(50)))
