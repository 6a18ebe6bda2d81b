"""HR's records: staff (people who may never sign in), their assignment history, requirements as
data, evidence HR records (external certificates, agency assessments), and review rounds.

A person's standing is computed from the evidence (``hr.standing``). For the compliance report
of today it is also kept per person (``StaffStanding``, ``hr.standing_store``), rewritten in the
same transaction by every service that changes evidence, rank or position, so a revocation
changes the figures at once; a row whose evidence expires carries the day it goes stale and is
computed live from then on. A closed review round keeps a frozen snapshot, on purpose, to show
later changes against it.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.database import UTCDateTime, str_enum, utcnow
from lms.extensions import Model
from lms.models import Agency, User


class StaffStatus(str, enum.Enum):
    """Where a person stands in the civil service."""

    WORKING = "working"
    ON_LEAVE = "on_leave"
    RETIRED = "retired"
    TRANSFERRED = "transferred"


class Gender(str, enum.Enum):
    """As recorded on the staff file."""

    MALE = "male"
    FEMALE = "female"


class StaffRecord(Model):
    """A civil servant as HR knows them (not an account: most never sign in)."""

    __tablename__ = "hr_staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_code: Mapped[str] = mapped_column(String(32), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    full_name_folded: Mapped[str] = mapped_column(String(255), index=True, default="")
    date_of_birth: Mapped[date] = mapped_column(Date, index=True)
    place_of_birth: Mapped[str | None] = mapped_column(String(255))
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender, length=8))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), index=True)
    position: Mapped[str] = mapped_column(String(255), default="")  # vị trí việc làm
    rank_code: Mapped[str | None] = mapped_column(String(16), index=True)  # mã ngạch, e.g. 01.003
    rank_name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[StaffStatus] = mapped_column(str_enum(StaffStatus, length=16), default=StaffStatus.WORKING)
    # The account of the same person, matched by employee code (None for most people).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship()
    history: Mapped[list[StaffAssignment]] = relationship(
        back_populates="staff", cascade="all, delete-orphan", order_by="StaffAssignment.valid_from")
    status_history: Mapped[list[StaffStatusPeriod]] = relationship(
        back_populates="staff", cascade="all, delete-orphan", order_by="StaffStatusPeriod.valid_from")


class StaffAssignment(Model):
    """One period of a person's agency, position and rank; the open period has no end.

    A change closes the open period and opens a new one, so a report "as of" a past date reads
    the period that covered that date.
    """

    __tablename__ = "hr_staff_assignment"
    __table_args__ = (CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("hr_staff.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), index=True)
    position: Mapped[str] = mapped_column(String(255), default="")
    rank_code: Mapped[str | None] = mapped_column(String(16))
    rank_name: Mapped[str | None] = mapped_column(String(255))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)  # exclusive: the day the next period began
    note: Mapped[str | None] = mapped_column(String(255))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffRecord] = relationship(back_populates="history")
    agency: Mapped[Agency] = relationship(lazy="joined")


class StaffStatusPeriod(Model):
    """One period of a person's status (working, on leave, retired, transferred); the open period
    has no end. ``StaffRecord.status`` is the open period's status; reports "as of" a past date
    read the period that covered it (a person retired since then is still counted then)."""

    __tablename__ = "hr_staff_status"
    __table_args__ = (CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="period_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("hr_staff.id", ondelete="CASCADE"), index=True)
    status: Mapped[StaffStatus] = mapped_column(str_enum(StaffStatus, length=16))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)  # exclusive: the day the next status began
    note: Mapped[str | None] = mapped_column(String(255))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[StaffRecord] = relationship(back_populates="status_history")


class StaffStanding(Model):
    """A person's standing today as the compliance report counts it, kept so that a province's
    report is a GROUP BY instead of a recomputation from every attainment.

    ``modules`` is a bitmask of the framework modules covered by valid evidence (bit n-1 for
    IU<n>); ``requirement`` is None when no requirement is recorded for the person's rank and
    position. From ``stale_on`` on (an expiry, evidence growing too old for the requirement, a
    change of rank or position taking effect) the row no longer holds and the report computes
    the person live until the row is rewritten. The unit, rank, position and whether the person
    is counted are copied from the record and its history, and rewritten with them.
    """

    __tablename__ = "hr_standing"

    staff_id: Mapped[int] = mapped_column(ForeignKey("hr_staff.id", ondelete="CASCADE"), primary_key=True)
    # Where the person is counted today (the history period covering the day it was computed),
    # copied so that a province's report reads this table alone.
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    counted: Mapped[bool] = mapped_column(default=True)  # working or on leave, with a period covering the day
    rank_code: Mapped[str | None] = mapped_column(String(16))
    position: Mapped[str] = mapped_column(String(255), default="")
    modules: Mapped[int] = mapped_column(Integer, default=0)
    basic: Mapped[bool] = mapped_column(default=False)
    advanced: Mapped[bool] = mapped_column(default=False)
    requirement: Mapped[bool | None] = mapped_column()
    stale_on: Mapped[date | None] = mapped_column(Date, index=True)
    computed_on: Mapped[date] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RequirementLevel(str, enum.Enum):
    """What a rank or position asks for, before any named modules."""

    NONE = "none"  # only the named modules
    BASIC = "basic"  # the basic standard (IU01–IU06)
    ADVANCED = "advanced"  # the advanced standard (basic plus three advanced modules)


class Requirement(Model):
    """The IT-skill requirement of a rank (ngạch) or a position (vị trí việc làm), as data."""

    __tablename__ = "hr_requirement"
    __table_args__ = (UniqueConstraint("kind", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # rank | position
    code: Mapped[str] = mapped_column(String(64))  # rank code (01.003), or the position's folded name
    name: Mapped[str] = mapped_column(String(255))
    level: Mapped[RequirementLevel] = mapped_column(str_enum(RequirementLevel, length=16))
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)  # named modules on top of the level
    max_age_years: Mapped[int | None] = mapped_column(Integer)  # evidence no older than this
    source: Mapped[str | None] = mapped_column(String(255))  # the legal text, or "example"
    position: Mapped[int] = mapped_column(Integer, default=0)


class ExternalStatus(str, enum.Enum):
    """Where a certificate from another centre stands after HR's check."""

    PENDING = "pending"  # recorded, not yet checked: "needs checking"
    VERIFIED = "verified"
    REJECTED = "rejected"
    REVOKED = "revoked"  # its issuer revoked it


class ExternalCertificate(Model):
    """An IT certificate from another accredited centre, recorded and checked by HR."""

    __tablename__ = "hr_external_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("hr_staff.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    serial: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date] = mapped_column(Date)
    level: Mapped[RequirementLevel] = mapped_column(str_enum(RequirementLevel, length=16))
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ExternalStatus] = mapped_column(str_enum(ExternalStatus, length=16), default=ExternalStatus.PENDING)
    checked_by: Mapped[str | None] = mapped_column(String(255))  # the officer who checked it
    check_method: Mapped[str | None] = mapped_column(String(255))  # how: issuer's lookup, original seen…
    checked_on: Mapped[date | None] = mapped_column(Date)
    scan_name: Mapped[str | None] = mapped_column(String(255))
    scan_stored: Mapped[str | None] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssessmentStatus(str, enum.Enum):
    """An agency's assessment stands until withdrawn."""

    VALID = "valid"
    WITHDRAWN = "withdrawn"


class AgencyAssessment(Model):
    """The employing agency's own assessment of a person's IT skill: a dated decision by a
    named officer, covering a level or named modules."""

    __tablename__ = "hr_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("hr_staff.id", ondelete="CASCADE"), index=True)
    level: Mapped[RequirementLevel] = mapped_column(str_enum(RequirementLevel, length=16))
    modules: Mapped[list[str]] = mapped_column(JSON, default=list)
    decision_number: Mapped[str] = mapped_column(String(64))
    decided_on: Mapped[date] = mapped_column(Date)
    officer_name: Mapped[str] = mapped_column(String(255))
    officer_title: Mapped[str] = mapped_column(String(255))
    status: Mapped[AssessmentStatus] = mapped_column(str_enum(AssessmentStatus, length=16),
                                                     default=AssessmentStatus.VALID)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoundKind(str, enum.Enum):
    """Recruitment (xét tuyển) or promotion (nâng ngạch)."""

    RECRUITMENT = "recruitment"
    PROMOTION = "promotion"


class ReviewRound(Model):
    """A recruitment or promotion round: candidates checked against a target rank on a date."""

    __tablename__ = "hr_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    kind: Mapped[RoundKind] = mapped_column(str_enum(RoundKind, length=16))
    target_rank_code: Mapped[str] = mapped_column(String(64))
    round_date: Mapped[date] = mapped_column(Date)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(lazy="joined")
    candidates: Mapped[list[RoundCandidate]] = relationship(back_populates="round", cascade="all, delete-orphan")

    @property
    def closed(self) -> bool:
        """A closed round is frozen."""
        return self.closed_at is not None


class RoundCandidate(Model):
    """A person in a round: a staff record, or an external applicant (a recruitment candidate with
    no staff record: name, date of birth, an optional applicant number, and the certificates they
    submitted); HR's decision on a "needs checking" row; the snapshot at closing."""

    __tablename__ = "hr_round_candidate"
    __table_args__ = (
        UniqueConstraint("round_id", "staff_id"),
        UniqueConstraint("round_id", "applicant_number"),
        # Exactly one of the two kinds: a staff record, or an applicant with a name and a birth date.
        CheckConstraint("(staff_id IS NOT NULL AND applicant_name IS NULL AND applicant_date_of_birth IS NULL)"
                        " OR (staff_id IS NULL AND applicant_name IS NOT NULL"
                        " AND applicant_date_of_birth IS NOT NULL)", name="staff_or_applicant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("hr_round.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("hr_staff.id", ondelete="RESTRICT"), index=True)
    applicant_name: Mapped[str | None] = mapped_column(String(255))  # NFC, single spaces
    applicant_date_of_birth: Mapped[date | None] = mapped_column(Date)
    applicant_number: Mapped[str | None] = mapped_column(String(32))  # CCCD or the round's applicant number
    decision: Mapped[str | None] = mapped_column(String(16))  # meets | not_met, HR's call on a row to check
    decision_note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Frozen at closing: {"outcome": …, "missing": […], "evidence": [[source, id, status], …]}.
    snapshot: Mapped[dict | None] = mapped_column(JSON)

    round: Mapped[ReviewRound] = relationship(back_populates="candidates")
    staff: Mapped[StaffRecord | None] = relationship(lazy="joined")
    submissions: Mapped[list[RoundSubmission]] = relationship(
        back_populates="candidate", cascade="all, delete-orphan", order_by="RoundSubmission.id")

    @property
    def is_applicant(self) -> bool:
        """An external applicant (no staff record)."""
        return self.staff_id is None

    @property
    def full_name(self) -> str:
        """The person's name, from the staff record or as HR typed it for an applicant."""
        return self.staff.full_name if self.staff is not None else (self.applicant_name or "")

    @property
    def date_of_birth(self) -> date | None:
        """The person's date of birth."""
        return self.staff.date_of_birth if self.staff is not None else self.applicant_date_of_birth

    @property
    def reference(self) -> str:
        """The employee code of a staff member, the applicant number (or nothing) of an applicant."""
        return self.staff.employee_code if self.staff is not None else (self.applicant_number or "")


class RoundSubmission(Model):
    """A certificate of this product an external applicant submitted to a round: by its code (or
    serial) typed by HR, or as the signed PDF HR uploaded (kept with the scans). Only certificates
    found in the register, and PDFs whose signature and content check out, are stored."""

    __tablename__ = "hr_round_submission"
    __table_args__ = (UniqueConstraint("candidate_id", "certificate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("hr_round_candidate.id", ondelete="CASCADE"), index=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # code | pdf
    given: Mapped[str] = mapped_column(String(255))  # the code or serial as typed, or the PDF's file name
    pdf_stored: Mapped[str | None] = mapped_column(String(255))  # the kept PDF's name in the scans folder
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped[RoundCandidate] = relationship(back_populates="submissions")


class StandingSlip(Model):
    """A "phiếu xác nhận": a person's standing on a day with the evidence, as printed and signed.

    The row keeps what the PDF states (never changed), so whoever receives the PDF checks it by
    its code; the verification page also says whether the standing is still the same today.
    """

    __tablename__ = "hr_slip"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("hr_staff.id", ondelete="SET NULL"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="SET NULL"), index=True)
    holder_name: Mapped[str] = mapped_column(String(255))
    holder_date_of_birth: Mapped[date] = mapped_column(Date)
    employee_code: Mapped[str] = mapped_column(String(32))
    agency_name: Mapped[str] = mapped_column(String(255))
    target_rank_code: Mapped[str | None] = mapped_column(String(64))
    need_label: Mapped[str] = mapped_column(String(512))
    outcome: Mapped[str] = mapped_column(String(16))
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[list] = mapped_column(JSON, default=list)  # [[source, label, date, modules, status], …]
    as_of: Mapped[date] = mapped_column(Date)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    issued_by_name: Mapped[str] = mapped_column(String(255))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))


class ApiKey(Model):
    """A key for an HR system of an agency: reads that agency's subtree through ``/api/v1/hr``.

    Only a SHA-256 hash of the key is stored; the key is shown once, when it is created.
    """

    __tablename__ = "hr_api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    prefix: Mapped[str] = mapped_column(String(16))  # the key's first characters, to tell keys apart
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agency: Mapped[Agency] = relationship(lazy="joined")


AGENCY_CHANGE_KINDS = ("create", "rename", "move", "dissolve", "merge")


class AgencyChange(Model):
    """A change of the agency tree decided by a dated decision: a unit created under a parent
    (``target``), renamed (``name_before`` → ``name_after``), moved (``parent_before`` → ``target``),
    dissolved, or merged into another (``target``: its staff, accounts and certificates' current
    ownership move; the old unit stays, inactive, in the history).

    These rows are the agency's history: its name and parent "as of" a past date are read from
    the renames and moves that took effect after that date (``hr.agencies.names_on``)."""

    __tablename__ = "hr_agency_change"
    __table_args__ = (CheckConstraint("kind IN ('create', 'rename', 'move', 'dissolve', 'merge')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # one of AGENCY_CHANGE_KINDS
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), index=True)
    # The unit merged into, the new parent of a move, or the parent a unit was created under.
    target_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"), index=True)
    parent_before_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="RESTRICT"))
    name_before: Mapped[str | None] = mapped_column(String(255))
    name_after: Mapped[str | None] = mapped_column(String(255))
    effective_on: Mapped[date] = mapped_column(Date)
    decision_number: Mapped[str] = mapped_column(String(64))
    moved: Mapped[dict] = mapped_column(JSON, default=dict)  # counts of what moved
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agency: Mapped[Agency] = relationship(foreign_keys=[agency_id], lazy="joined")
    target: Mapped[Agency | None] = relationship(foreign_keys=[target_id], lazy="joined")
    parent_before: Mapped[Agency | None] = relationship(foreign_keys=[parent_before_id], lazy="joined")
