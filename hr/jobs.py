"""Staff imports as jobs (large files): the preview, then the all-or-nothing upsert.

The preview reports progress while it reads and checks the rows (nothing is written). The
upsert checks again, then writes every row in one transaction, committed once at the end by
the job runner: progress is not reported while writing, since recording it would commit half
an import.
"""
from __future__ import annotations

from lms.extensions import db
from lms.models import User


def preview_import_job(progress, path: str, filename: str, user_id: int) -> dict:
    """Read and check an uploaded staff list; the result is the plan's summary or the problems."""
    from hr import importer

    actor = db.session.get_one(User, user_id)
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        rows = importer.parse(data, filename, actor, progress=progress)
        progress(len(rows), len(rows), "planning")
        return {"preview": importer.plan(rows, actor).summary()}
    except importer.ImportRefused as refused:
        return {"problems": importer.problems_json(refused.problems)}


def apply_import_job(progress, path: str, filename: str, user_id: int) -> dict:
    """Check the file again and write every row, or none."""
    from hr import importer

    actor = db.session.get_one(User, user_id)
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        rows = importer.parse(data, filename, actor, progress=progress)
        progress(0, len(rows), "writing")
        counts = importer.apply(importer.plan(rows, actor), actor, origin="job")
    except importer.ImportRefused as refused:
        db.session.rollback()
        return {"problems": importer.problems_json(refused.problems)}
    return {"applied": counts}
