"""Job functions (run by lms.jobs in a worker or a background thread)."""
from __future__ import annotations

from certificates import documents, services
from certificates.models import Certificate
from lms.extensions import db


def issue_session_job(progress, session_id: int) -> dict:
    """Issue an approved session's certificates, then sign and store each PDF."""
    result = services.issue_for_session(session_id, progress=None)
    issued = list(db.session.scalars(db.select(Certificate).where(Certificate.exam_session_id == session_id,
                                                                 Certificate.pdf_sha256.is_(None))))
    # The step is recorded as a code; the job page says it in the reader's language (JOB_STEPS).
    progress(0, len(issued), "signing")  # commits the certificates issued above
    for index, certificate in enumerate(issued, start=1):
        documents.signed_pdf(certificate)
        if index % 25 == 0 or index == len(issued):
            progress(index)  # commits the hashes so far: a re-run continues where this stopped
    return result
