"""Certificates. They keep a snapshot of what they certify and never cascade-delete."""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UTCDateTime, utcnow
from lms.extensions import db


def _enum(cls):
    return Enum(cls, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])


class CertificateKind(str, enum.Enum):
    """What a certificate attests."""

    COURSE_COMPLETION = "course_completion"


class CertificateStatus(str, enum.Enum):
    """Where a certificate stands."""

    VALID = "valid"
    REVOKED = "revoked"


class Certificate(db.Model):
    """An issued certificate. Holder, course and issuer are copied at issue time."""

    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("serial_year", "serial_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    serial_year: Mapped[int] = mapped_column(Integer)
    serial_number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[CertificateKind] = mapped_column(_enum(CertificateKind))
    status: Mapped[CertificateStatus] = mapped_column(_enum(CertificateStatus), default=CertificateStatus.VALID)

    # Links for convenience only: they become NULL if the account or course is deleted.
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id", ondelete="SET NULL"))

    holder_name: Mapped[str] = mapped_column(String(255))
    holder_date_of_birth: Mapped[date | None] = mapped_column(Date)
    holder_place_of_birth: Mapped[str | None] = mapped_column(String(255))
    holder_agency: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255))  # e.g. the course title
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    issuer_name: Mapped[str] = mapped_column(String(255))
    issue_place: Mapped[str] = mapped_column(String(128))
    signer_title: Mapped[str] = mapped_column(String(255))
    signer_name: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    verification_count: Mapped[int] = mapped_column(Integer, default=0)
