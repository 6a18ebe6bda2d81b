"""Certificates, their issuers and register, and module attainments.

Certificates keep a snapshot of what they certify (holder, course or exam, issuer, signer)
and never cascade-delete: deleting or renaming an account, course or agency leaves the
register untouched; links to those rows simply become NULL.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, CheckConstraint, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint,
                        false, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import UTCDateTime, str_enum, utcnow
from lms.extensions import Model


class CertificateKind(str, enum.Enum):
    """What a certificate attests."""

    COURSE_COMPLETION = "course_completion"  # giấy chứng nhận hoàn thành khóa học
    IT_BASIC = "it_basic"  # chứng chỉ ứng dụng CNTT cơ bản
    IT_ADVANCED = "it_advanced"  # chứng chỉ ứng dụng CNTT nâng cao

    @property
    def register_symbol(self) -> str:
        """The letters that tell certificate types apart in serial and register numbers."""
        return {"course_completion": "GCN", "it_basic": "CB", "it_advanced": "NC"}[self.value]


class CertificateStatus(str, enum.Enum):
    """Where a certificate stands."""

    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"  # replaced by a reissued certificate


class Issuer(Model):
    """Who issues certificates (a testing centre), how it numbers them and who signs."""

    __tablename__ = "issuer"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # short name used in serials, e.g. "TTCĐS"
    name: Mapped[str] = mapped_column(String(255))
    parent_name: Mapped[str | None] = mapped_column(String(255))
    issue_place: Mapped[str] = mapped_column(String(128))
    signer_title: Mapped[str] = mapped_column(String(255))
    signer_name: Mapped[str] = mapped_column(String(255))
    # Python format strings; fields: code, symbol, year, number.
    serial_pattern: Mapped[str] = mapped_column(String(128), default="{symbol}-{year}-{number:06d}")
    register_pattern: Mapped[str] = mapped_column(String(128), default="{number:05d}/{year}/{symbol}")
    emblem_path: Mapped[str | None] = mapped_column(String(512))
    # Whether the e-mail telling a holder of a new certificate carries the signed PDF (off: the
    # e-mail gives the verification link and the holder downloads the PDF from the site).
    attach_pdf_to_email: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SerialCounter(Model):
    """The last number given per issuer, certificate type and year (numbers restart each year)."""

    __tablename__ = "serial_counter"
    __table_args__ = (UniqueConstraint("issuer_id", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id", ondelete="RESTRICT"))
    kind: Mapped[CertificateKind] = mapped_column(str_enum(CertificateKind))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Certificate(Model):
    """An issued certificate: one entry of the issuance register (sổ gốc)."""

    __tablename__ = "certificate"
    __table_args__ = (
        UniqueConstraint("issuer_id", "kind", "serial_year", "serial_number"),
        # One valid completion certificate per holder and course (two tabs finishing a course at
        # once cannot both issue one).
        Index("uq_certificate_valid_completion", "holder_id", "course_id", unique=True,
              sqlite_where=text("status = 'valid' AND kind = 'course_completion'"),
              postgresql_where=text("status = 'valid' AND kind = 'course_completion'")),
        *(CheckConstraint(f"{column} IS NULL OR ({column} >= 0 AND {column} <= 10)", name=f"{column}_range")
          for column in ("score", "practical_score")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    serial: Mapped[str] = mapped_column(String(64), unique=True)  # số hiệu
    register_number: Mapped[str] = mapped_column(String(64), unique=True)  # số vào sổ
    serial_year: Mapped[int] = mapped_column(Integer)
    serial_number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[CertificateKind] = mapped_column(str_enum(CertificateKind))
    status: Mapped[CertificateStatus] = mapped_column(str_enum(CertificateStatus), default=CertificateStatus.VALID,
                                                      index=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id", ondelete="RESTRICT"), index=True)

    # Links for convenience only: they become NULL if the account, course or exam is deleted.
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="SET NULL"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(ForeignKey("attempt.id", ondelete="SET NULL"))
    exam_session_id: Mapped[int | None] = mapped_column(ForeignKey("exam_session.id", ondelete="SET NULL"),
                                                        index=True)
    # Who answers for it now (permissions): the holder's unit, and the unit whose exam issued it.
    # The holder's unit follows transfers and merges; the printed snapshot below never changes.
    holder_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"), index=True)
    issuing_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"), index=True)

    holder_name: Mapped[str] = mapped_column(String(255))
    holder_name_folded: Mapped[str] = mapped_column(String(255), index=True, default="")
    holder_date_of_birth: Mapped[date | None] = mapped_column(Date)
    holder_place_of_birth: Mapped[str | None] = mapped_column(String(255))
    holder_agency: Mapped[str | None] = mapped_column(String(255))
    holder_employee_code: Mapped[str | None] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(255))  # course title or exam title
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    practical_score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    exam_date: Mapped[date | None] = mapped_column(Date)
    issuer_name: Mapped[str] = mapped_column(String(255))
    issue_place: Mapped[str] = mapped_column(String(128))
    signer_title: Mapped[str] = mapped_column(String(255))
    signer_name: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_until: Mapped[date | None] = mapped_column(Date)

    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    revocation_decision: Mapped[str | None] = mapped_column(String(128))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    verification_count: Mapped[int] = mapped_column(Integer, default=0)

    issuer: Mapped[Issuer] = relationship(lazy="joined")
    superseded_by: Mapped[Certificate | None] = relationship(remote_side=[id])


class ModuleAttainment(Model):
    """Evidence that a person met one framework module: when, with what score, from which exam.

    Attainments outlive any single certificate (a revoked certificate does not erase the
    exam that was passed; revoking for fraud marks the attainments void too).
    """

    __tablename__ = "module_attainment"
    __table_args__ = (UniqueConstraint("user_id", "module_code", "exam_session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    holder_name: Mapped[str] = mapped_column(String(255))
    module_code: Mapped[str] = mapped_column(ForeignKey("competency_module.code"), index=True)
    attained_on: Mapped[date] = mapped_column(Date)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    exam_session_id: Mapped[int | None] = mapped_column(ForeignKey("exam_session.id", ondelete="SET NULL"))
    exam_title: Mapped[str] = mapped_column(String(255))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"))
    void: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IssuerKey(Model):
    """A signing key and certificate an administrator uploaded for an issuer (PKCS#12).

    The private key is kept encrypted (Fernet, with ``SIGNING_KEY_ENCRYPTION_KEY`` from the
    environment): a copy of the database signs nothing. The certificate and its chain stay in
    clear and are never deleted, so certificates signed before a rotation remain verifiable.
    At most one key per issuer is active (a partial unique index).
    """

    __tablename__ = "issuer_key"
    __table_args__ = (
        Index("uq_issuer_key_active", "issuer_id", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("issuer.id", ondelete="RESTRICT"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the certificate (DER)
    subject: Mapped[str] = mapped_column(String(512))
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    not_after: Mapped[datetime] = mapped_column(UTCDateTime)
    certificate_pem: Mapped[str] = mapped_column(Text)
    chain_pem: Mapped[str] = mapped_column(Text, default="")
    encrypted_key: Mapped[str] = mapped_column(Text)  # Fernet token of the PKCS#8 DER key
    active: Mapped[bool] = mapped_column(default=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
