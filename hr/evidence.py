"""Evidence HR records by hand: external certificates (with an optional scan) and the agency's
assessments. Every change is audited; services flush, the request commits."""
from __future__ import annotations

import os
import secrets
from datetime import date

from flask import current_app

from hr.models import (AgencyAssessment, AssessmentStatus, ExternalCertificate, ExternalStatus, RequirementLevel,
                       StaffRecord)
from hr.services import HRError
from hr.standing_store import refresh
from lms.extensions import db
from lms.models import User
from lms.services import audit
from lms.text import nfc

MAX_SCAN_BYTES = 10 * 1024 * 1024
SCAN_SIGNATURES = {b"%PDF": ".pdf", b"\x89PNG": ".png", b"\xff\xd8\xff": ".jpg"}


def private_folder(name: str) -> str:
    """A folder of HR's files, beside the media folder (nothing serves it but HR's own views):
    ``HR_FILES_DIR``, by default ``hr-files`` next to ``MEDIA_DIR``."""
    root = current_app.config.get("HR_FILES_DIR") or os.path.join(
        os.path.dirname(os.path.abspath(current_app.config["MEDIA_DIR"])), "hr-files")
    return os.path.join(root, name)


def scan_folder() -> str:
    """Where scans of external certificates are kept."""
    return private_folder("scans")


def store_scan(filename: str, data: bytes) -> str:
    """Keep an uploaded scan under a random name; refuses anything but a PDF, PNG or JPEG."""
    if not data or len(data) > MAX_SCAN_BYTES:
        raise HRError("scan-size")
    extension = next((ext for signature, ext in SCAN_SIGNATURES.items() if data.startswith(signature)), None)
    if extension is None:
        raise HRError("scan-type")
    os.makedirs(scan_folder(), exist_ok=True)
    stored = secrets.token_hex(16) + extension
    with open(os.path.join(scan_folder(), stored), "wb") as handle:
        handle.write(data)
    return stored


def add_external(record: StaffRecord, *, issuer: str, serial: str, issued_on: date, level: str,
                 modules: list[str], valid_until: date | None, status: str, checked_by: str | None,
                 check_method: str | None, checked_on: date | None, note: str | None,
                 scan: tuple[str, bytes] | None, by: User | None) -> ExternalCertificate:
    """Record another centre's certificate for ``record`` (audited)."""
    external = ExternalCertificate(
        staff_id=record.id, issuer=nfc(issuer), serial=nfc(serial), issued_on=issued_on,
        level=RequirementLevel(level), modules=sorted(set(modules)), valid_until=valid_until,
        status=ExternalStatus(status), checked_by=nfc(checked_by) or None, check_method=nfc(check_method) or None,
        checked_on=checked_on, note=nfc(note) or None, created_by_id=by.id if by else None)
    if scan is not None:
        external.scan_name = nfc(os.path.basename(scan[0]))[:255] or "scan"
        external.scan_stored = store_scan(*scan)
    db.session.add(external)
    db.session.flush()
    refresh([record.id])  # the stored standing follows the evidence in the same transaction
    audit("hr.external.add", f"hr_staff:{record.id}",
          {"external": external.id, "issuer": external.issuer, "serial": external.serial,
           "status": external.status.value, "level": external.level.value, "modules": external.modules}, actor=by)
    return external


def set_external_status(external: ExternalCertificate, status: str, *, checked_by: str, check_method: str,
                        checked_on: date, by: User) -> None:
    """Record a (new) check of an external certificate: verified, rejected, revoked… (audited)."""
    before = external.status.value
    external.status = ExternalStatus(status)
    external.checked_by, external.check_method = nfc(checked_by), nfc(check_method)
    external.checked_on = checked_on
    db.session.flush()
    refresh([external.staff_id])
    audit("hr.external.status", f"hr_staff:{external.staff_id}",
          {"external": external.id, "before": before, "after": external.status.value,
           "checked_by": external.checked_by, "check_method": external.check_method}, actor=by)


def add_assessment(record: StaffRecord, *, level: str, modules: list[str], decision_number: str, decided_on: date,
                   officer_name: str, officer_title: str, note: str | None, by: User | None) -> AgencyAssessment:
    """Record the employing agency's assessment of ``record`` (audited)."""
    assessment = AgencyAssessment(
        staff_id=record.id, level=RequirementLevel(level), modules=sorted(set(modules)),
        decision_number=nfc(decision_number), decided_on=decided_on, officer_name=nfc(officer_name),
        officer_title=nfc(officer_title), note=nfc(note) or None, created_by_id=by.id if by else None)
    db.session.add(assessment)
    db.session.flush()
    refresh([record.id])
    audit("hr.assessment.add", f"hr_staff:{record.id}",
          {"assessment": assessment.id, "decision": assessment.decision_number, "level": assessment.level.value,
           "modules": assessment.modules}, actor=by)
    return assessment


def withdraw_assessment(assessment: AgencyAssessment, reason: str, by: User) -> None:
    """Withdraw an assessment (it no longer counts; the row stays, audited)."""
    if assessment.status is AssessmentStatus.WITHDRAWN:
        raise HRError("already-withdrawn")
    assessment.status = AssessmentStatus.WITHDRAWN
    db.session.flush()
    refresh([assessment.staff_id])
    audit("hr.assessment.withdraw", f"hr_staff:{assessment.staff_id}", {"assessment": assessment.id},
          note=nfc(reason), actor=by)
