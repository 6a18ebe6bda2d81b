"""Issuing and looking up certificates. They flush; callers commit."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select, update

from certificates import codes
from certificates.models import Certificate, CertificateKind, CertificateStatus
from courses import services as course_services
from courses.models import Course
from lms.database import utcnow
from lms.extensions import db
from lms.models import User
from lms.services import audit
from lms.timefmt import local
from quizzes import services as quiz_services


def _issuer_settings() -> dict[str, str]:
    config = current_app.config
    return {
        "issuer_name": config.get("CERTIFICATE_ISSUER_NAME", config["ORGANISATION_NAME"]),
        "issue_place": config.get("CERTIFICATE_ISSUE_PLACE", "Nghệ An"),
        "signer_title": config.get("CERTIFICATE_SIGNER_TITLE", "Giám đốc Trung tâm Chuyển đổi số"),
        "signer_name": config.get("CERTIFICATE_SIGNER_NAME", "Nguyễn Văn Bình"),
    }


def _next_serial(year: int) -> tuple[int, str]:
    """The next sequential number of ``year`` and the serial formatted from the configured pattern."""
    number = (db.session.scalar(select(func.max(Certificate.serial_number))
                                .where(Certificate.serial_year == year)) or 0) + 1
    pattern = current_app.config.get("CERTIFICATE_SERIAL_PATTERN", "GCN-{year}-{number:06d}")
    return number, pattern.format(year=year, number=number)


def course_certificate_of(user: User, course: Course) -> Certificate | None:
    """The valid completion certificate ``user`` holds for ``course``."""
    return db.session.scalar(select(Certificate).where(
        Certificate.holder_id == user.id, Certificate.course_id == course.id,
        Certificate.kind == CertificateKind.COURSE_COMPLETION, Certificate.status == CertificateStatus.VALID))


def issue_course_certificate_if_complete(user: User, course: Course) -> Certificate | None:
    """Issue the completion certificate once every lesson is read and the final quiz passed.

    Returns the (new or existing) certificate, or None while the course is incomplete.
    """
    existing = course_certificate_of(user, course)
    if existing is not None:
        return existing
    if not course_services.course_progress(user, course).complete:
        return None
    quiz = quiz_services.final_quiz_of_course(course.id)
    passing = quiz_services.has_passed(user, quiz) if quiz else None
    if quiz is None or passing is None:
        return None
    now = utcnow()
    number, serial = _next_serial(local(now).year)
    certificate = Certificate(
        code=codes.new_code(), serial=serial, serial_year=local(now).year, serial_number=number,
        kind=CertificateKind.COURSE_COMPLETION, holder_id=user.id, course_id=course.id,
        attempt_id=passing.id, holder_name=user.full_name, holder_date_of_birth=user.date_of_birth,
        holder_place_of_birth=user.place_of_birth, holder_agency=user.agency.name if user.agency else None,
        title=course.title, modules=list(course.modules), score=passing.score, issued_at=now,
        **_issuer_settings())
    db.session.add(certificate)
    course_services.mark_completed(user, course)
    db.session.flush()
    audit("certificate.issue", f"certificate:{certificate.id}", {"serial": serial}, actor=user)
    return certificate


def find_by_code(raw_code: str) -> Certificate | None:
    """The certificate with this public code (typed in any case, with or without dashes)."""
    code = codes.normalise(raw_code)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def count_verification(certificate: Certificate) -> None:
    """Add one to the certificate's verification count (atomic in the database)."""
    db.session.execute(update(Certificate).where(Certificate.id == certificate.id)
                       .values(verification_count=Certificate.verification_count + 1))


def certificates_of(user: User) -> list[Certificate]:
    """Certificates issued to ``user``, newest first."""
    return list(db.session.scalars(select(Certificate).where(Certificate.holder_id == user.id)
                                   .order_by(Certificate.issued_at.desc())))


def masked_date_of_birth(certificate: Certificate) -> str:
    """Date of birth with day and month hidden (**/**/1982): enough to match a person, no more."""
    born = certificate.holder_date_of_birth
    return f"**/**/{born.year}" if born else ""


def public_facts(certificate: Certificate) -> dict:
    """What verification shows: status and the facts HR needs, and nothing more."""
    return {
        "code": codes.display(certificate.code),
        "serial": certificate.serial,
        "status": certificate.status.value,
        "valid": certificate.status == CertificateStatus.VALID,
        "kind": certificate.kind.value,
        "holder_name": certificate.holder_name,
        "holder_date_of_birth": masked_date_of_birth(certificate),
        "title": certificate.title,
        "modules": list(certificate.modules or []),
        "score": f"{certificate.score:.2f}" if certificate.score is not None else None,
        "issued_on": local(certificate.issued_at).date().isoformat(),
        "issuer": certificate.issuer_name,
        "revoked_on": local(certificate.revoked_at).date().isoformat() if certificate.revoked_at else None,
        "revocation_reason": certificate.revocation_reason,
    }
