"""Issuing, numbering, revoking, reissuing and looking up certificates. Services flush; the
request, command or job that calls them commits."""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from flask import abort, current_app
from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from certificates import codes
from certificates.counting import counter_for
from certificates.models import (Certificate, CertificateKind, CertificateStatus, Issuer, ModuleAttainment,
                                 SerialCounter)
from certificates.signals import certificate_issued, evidence_changed
from courses import services as course_services
from courses.models import Course
from lms.database import utcnow
from lms.extensions import db
from lms.models import CompetencyModule, CompetencyStandard, User
from lms.permissions import load, scoped
from lms.services import audit
from lms.text import fold, nfc
from lms.timefmt import local
from quizzes import services as quiz_services
from quizzes.models import ExamCandidate, ExamSession


class CertificateError(Exception):
    """A request the certificate rules refuse; the message says why."""


# ----------------------------------------------------------------------------- issuers, numbers

def default_issuer() -> Issuer:
    """The issuer named by configuration, created from it on first use."""
    config = current_app.config
    code = config.get("CERTIFICATE_ISSUER_CODE", "TTCDS")
    issuer = db.session.scalar(select(Issuer).where(Issuer.code == code))
    if issuer is None:
        issuer = Issuer(
            code=code,
            name=config.get("CERTIFICATE_ISSUER_NAME", "Trung tâm Chuyển đổi số tỉnh Nghệ An"),
            parent_name=config.get("CERTIFICATE_ISSUER_PARENT", "Sở Khoa học và Công nghệ"),
            issue_place=config.get("CERTIFICATE_ISSUE_PLACE", "Nghệ An"),
            signer_title=config.get("CERTIFICATE_SIGNER_TITLE", "GIÁM ĐỐC"),
            signer_name=config.get("CERTIFICATE_SIGNER_NAME", "Nguyễn Văn Bình"),
            serial_pattern=config.get("CERTIFICATE_SERIAL_PATTERN", "{symbol}-{year}-{number:06d}"),
            register_pattern=config.get("CERTIFICATE_REGISTER_PATTERN", "{number:05d}/{year}/{symbol}"))
        db.session.add(issuer)
        db.session.flush()
    return issuer


def _next_number(issuer: Issuer, kind: CertificateKind, year: int) -> int:
    """The next number of the year for this issuer and type, taken under a row lock."""
    counter = db.session.scalar(select(SerialCounter).where(
        SerialCounter.issuer_id == issuer.id, SerialCounter.kind == kind, SerialCounter.year == year)
        .with_for_update())
    if counter is None:
        counter = SerialCounter(issuer_id=issuer.id, kind=kind, year=year, last_number=0)
        db.session.add(counter)
    counter.last_number += 1
    db.session.flush()
    return counter.last_number


def _numbers(issuer: Issuer, kind: CertificateKind, year: int) -> tuple[int, str, str]:
    number = _next_number(issuer, kind, year)
    fields = {"code": issuer.code, "symbol": kind.register_symbol, "year": year, "number": number}
    return number, issuer.serial_pattern.format(**fields), issuer.register_pattern.format(**fields)


def _new_certificate(kind: CertificateKind, holder: User, *, title: str, modules: list[str], score=None,
                     practical_score=None, course_id: int | None = None, attempt_id: int | None = None,
                     exam_session_id: int | None = None, exam_date: date | None = None,
                     issuer: Issuer | None = None, issuing_agency_id: int | None = None) -> Certificate:
    issuer = issuer or default_issuer()
    now = utcnow()
    year = local(now).year
    number, serial, register_number = _numbers(issuer, kind, year)
    certificate = Certificate(
        code=codes.new_code(), serial=serial, register_number=register_number, serial_year=year,
        serial_number=number, kind=kind, issuer=issuer, holder_id=holder.id, course_id=course_id,
        attempt_id=attempt_id, exam_session_id=exam_session_id, holder_agency_id=holder.agency_id,
        issuing_agency_id=issuing_agency_id, holder_name=holder.full_name,
        holder_name_folded=fold(holder.full_name), holder_date_of_birth=holder.date_of_birth,
        holder_place_of_birth=holder.place_of_birth, holder_agency=holder.agency.name if holder.agency else None,
        holder_employee_code=holder.employee_code, title=nfc(title), modules=list(modules), score=score,
        practical_score=practical_score, exam_date=exam_date, issuer_name=issuer.name,
        issue_place=issuer.issue_place, signer_title=issuer.signer_title, signer_name=issuer.signer_name,
        issued_at=now)
    db.session.add(certificate)
    db.session.flush()
    audit("certificate.issue", f"certificate:{certificate.id}", {"serial": serial, "kind": kind.value})
    certificate_issued.send(certificate, replaces=None)
    return certificate


# ----------------------------------------------------------------------------- course completion

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
    try:
        with db.session.begin_nested():
            certificate = _new_certificate(CertificateKind.COURSE_COMPLETION, user, title=course.title,
                                           modules=list(course.modules), score=quiz_services.quiz_grade(user, quiz),
                                           course_id=course.id, attempt_id=passing.id)
    except IntegrityError:
        # Another request (a second tab) issued it a moment ago: the unique index kept it to one.
        return course_certificate_of(user, course)
    course_services.mark_completed(user, course)
    return certificate


# ----------------------------------------------------------------------------- IT-skill certificates

def _standard_rule(code: str) -> dict:
    standard = db.session.get(CompetencyStandard, code)
    if standard is None:
        raise CertificateError(f"framework standard {code} is not loaded")
    return standard.rule


def attained_modules(user: User) -> set[str]:
    """Modules the person has attained (void attainments excluded)."""
    return set(db.session.scalars(select(ModuleAttainment.module_code).where(
        ModuleAttainment.user_id == user.id, ModuleAttainment.void.is_(False))))


@dataclass(frozen=True)
class StandardStanding:
    """Where a person stands against the IT skill standard (the rules are the framework's data).

    ``basic_missing`` and ``advanced_attained`` are module rows in the framework's order;
    ``advanced_needed`` is how many advanced modules the advanced standard asks for.
    """

    basic_total: int
    basic_missing: list[CompetencyModule]
    advanced_attained: list[CompetencyModule]
    advanced_needed: int

    @property
    def basic_met(self) -> bool:
        """All basic modules attained."""
        return not self.basic_missing

    @property
    def advanced_met(self) -> bool:
        """The basic standard and enough advanced modules."""
        return self.basic_met and len(self.advanced_attained) >= self.advanced_needed


def standing(attained: Collection[str]) -> StandardStanding:
    """Standing against the basic and advanced standards of someone who attained the modules ``attained``."""
    attained = set(attained)
    basic, advanced = _standard_rule("BASIC"), _standard_rule("ADVANCED")
    modules = {module.code: module for module in db.session.scalars(
        select(CompetencyModule).order_by(CompetencyModule.position, CompetencyModule.code))}
    ordered = [code for code in modules if code in set(basic["requires_all"]) | set(advanced["of"])]
    return StandardStanding(
        basic_total=len(basic["requires_all"]),
        basic_missing=[modules[code] for code in ordered if code in basic["requires_all"] and code not in attained],
        advanced_attained=[modules[code] for code in ordered if code in advanced["of"] and code in attained],
        advanced_needed=int(advanced["requires_at_least"]))


def holds_valid(user: User, kind: CertificateKind) -> bool:
    """True when the person holds a valid certificate of ``kind``."""
    return db.session.execute(select(func.count()).select_from(Certificate).where(
        Certificate.holder_id == user.id, Certificate.kind == kind,
        Certificate.status == CertificateStatus.VALID)).scalar_one() > 0


def _exam_day(candidate: ExamCandidate, session: ExamSession) -> date:
    # Only candidates with an attempt are issued; the session's opening stands in for a missing time.
    attempt = candidate.attempt
    return local(attempt.submitted_at if attempt is not None and attempt.submitted_at else session.opens_at).date()


def _record_attainments(candidate: ExamCandidate, session: ExamSession) -> list[ModuleAttainment]:
    exam_day = _exam_day(candidate, session)
    records = []
    for module in session.modules:
        existing = db.session.scalar(select(ModuleAttainment).where(
            ModuleAttainment.user_id == candidate.user_id, ModuleAttainment.module_code == module,
            ModuleAttainment.exam_session_id == session.id))
        if existing is None:
            score = candidate.module_scores.get(module)
            existing = ModuleAttainment(user_id=candidate.user_id, holder_name=candidate.user.full_name,
                                        module_code=module, attained_on=exam_day, exam_session_id=session.id,
                                        exam_title=session.title, score=score if score is None else round(score, 2))
            db.session.add(existing)
        records.append(existing)
    db.session.flush()
    return records


def _kind_earned(user: User, session: ExamSession) -> CertificateKind | None:
    """Which IT-skill certificate this passed session earns, by the standard's rules (data)."""
    attained = attained_modules(user)
    if session.level == "basic":
        basic = set(_standard_rule("BASIC")["requires_all"])
        return CertificateKind.IT_BASIC if basic <= set(session.modules) else None
    if session.level == "advanced":
        rule = _standard_rule("ADVANCED")
        has_basic = holds_valid(user, CertificateKind.IT_BASIC) or \
            set(_standard_rule("BASIC")["requires_all"]) <= attained
        advanced = attained & set(rule["of"])
        return CertificateKind.IT_ADVANCED if has_basic and len(advanced) >= rule["requires_at_least"] else None
    return None


def issue_for_session(session_id: int, progress=None) -> dict:
    """Issue IT-skill certificates to everyone who passed an approved session. Safe to re-run.

    Records module attainments for every passed candidate, then a certificate where the
    standard's rules are met; candidates already holding this session's certificate are skipped.
    """
    session = db.session.get(ExamSession, session_id)
    if session is None:
        raise CertificateError(f"no exam session {session_id}")
    if not session.approved:
        raise CertificateError("the exam board has not approved this session's result list")
    passed = [c for c in session.candidates if c.passed and c.attempt is not None]
    issued = skipped = 0
    # Why each candidate who gets no certificate from this run gets none, for the examiner.
    reasons: list[dict] = []
    for candidate in session.candidates:
        if candidate.attempt is None:
            reasons.append(_skip(candidate, "absent"))
        elif candidate.passed is None:
            reasons.append(_skip(candidate, "marks-missing"))
        elif not candidate.passed:
            reasons.append(_skip(candidate, "not-passed"))
    if progress:
        progress(0, len(passed))
    for index, candidate in enumerate(passed, start=1):
        attainments = _record_attainments(candidate, session)
        already = db.session.scalar(select(Certificate).where(
            Certificate.exam_session_id == session.id, Certificate.holder_id == candidate.user_id))
        kind = _kind_earned(candidate.user, session)
        if already is not None or kind is None:
            skipped += 1
            reasons.append(_skip(candidate, "already-issued" if already is not None else "standard-not-met"))
        else:
            certificate = _new_certificate(
                kind, candidate.user, title=session.title, modules=list(session.modules),
                score=candidate.theory_score, practical_score=candidate.practical_score,
                attempt_id=candidate.attempt_id, exam_session_id=session.id, issuing_agency_id=session.agency_id,
                exam_date=_exam_day(candidate, session))
            for attainment in attainments:
                attainment.certificate_id = certificate.id
            issued += 1
        if progress and (index % 50 == 0 or index == len(passed)):
            progress(index)
    db.session.flush()
    evidence_changed.send(None, holder_ids=[candidate.user_id for candidate in passed])
    return {"issued": issued, "skipped": skipped, "passed": len(passed), "not_issued": reasons}


#: Why a candidate of a session gets no certificate (``issue_for_session``'s ``not_issued``).
SKIP_REASONS = ("absent", "marks-missing", "not-passed", "already-issued", "standard-not-met")


def _skip(candidate: ExamCandidate, reason: str) -> dict:
    return {"user_id": candidate.user_id, "name": candidate.user.full_name, "reason": reason}


# ----------------------------------------------------------------------------- revoke, reissue

def revoke(certificates: list[Certificate], *, reason: str, decision: str, by: User,
           void_attainments: bool = False) -> int:
    """Revoke certificates with the reason and the decision number; returns how many changed."""
    reason, decision = nfc(reason), nfc(decision)
    if not reason or not decision:
        raise CertificateError("a revocation needs a reason and a decision number")
    changed = 0
    now = utcnow()
    holders: list[int | None] = []  # None: an account since deleted
    for certificate in certificates:
        if certificate.status is not CertificateStatus.VALID:
            continue
        holders.append(certificate.holder_id)
        certificate.status, certificate.revoked_at = CertificateStatus.REVOKED, now
        certificate.revocation_reason, certificate.revocation_decision = reason, decision
        if void_attainments:
            db.session.execute(update(ModuleAttainment).where(ModuleAttainment.certificate_id == certificate.id)
                               .values(void=True))
        audit("certificate.revoke", f"certificate:{certificate.id}", {"decision": decision, "serial": certificate.serial},
              note=reason, actor=by)
        changed += 1
    db.session.flush()
    if holders:
        evidence_changed.send(None, holder_ids=holders)
    return changed


def reissue(certificate: Certificate, *, reason: str, decision: str, by: User) -> Certificate:
    """Issue a replacement (new number, current issuer and signer); the old one is superseded."""
    if certificate.status is CertificateStatus.SUPERSEDED:
        raise CertificateError("this certificate was already replaced")
    reason, decision = nfc(reason), nfc(decision)
    if not reason or not decision:
        raise CertificateError("a reissue needs a reason and a decision number")
    issuer = default_issuer()
    now = utcnow()
    # The old one stops being valid first: the schema allows one valid completion certificate
    # per holder and course.
    certificate.status = CertificateStatus.SUPERSEDED
    certificate.revoked_at, certificate.revocation_reason = now, reason
    certificate.revocation_decision = decision
    db.session.flush()
    number, serial, register_number = _numbers(issuer, certificate.kind, local(now).year)
    replacement = Certificate(
        code=codes.new_code(), serial=serial, register_number=register_number, serial_year=local(now).year,
        serial_number=number, kind=certificate.kind, issuer=issuer, status=CertificateStatus.VALID,
        **{field: getattr(certificate, field) for field in (
            "holder_id", "course_id", "attempt_id", "exam_session_id", "holder_agency_id", "issuing_agency_id",
            "holder_name", "holder_name_folded", "holder_date_of_birth", "holder_place_of_birth", "holder_agency",
            "holder_employee_code", "title", "modules", "score", "practical_score", "exam_date", "valid_until")},
        issuer_name=issuer.name, issue_place=issuer.issue_place, signer_title=issuer.signer_title,
        signer_name=issuer.signer_name, issued_at=now)
    db.session.add(replacement)
    db.session.flush()
    certificate.superseded_by = replacement
    db.session.execute(update(ModuleAttainment).where(ModuleAttainment.certificate_id == certificate.id)
                       .values(certificate_id=replacement.id))
    db.session.flush()
    audit("certificate.reissue", f"certificate:{certificate.id}",
          {"decision": decision, "old": certificate.serial, "new": replacement.serial}, note=reason, actor=by)
    certificate_issued.send(replacement, replaces=certificate)
    evidence_changed.send(None, holder_ids=[certificate.holder_id])
    return replacement


# ----------------------------------------------------------------------------- lookups

def find_by_code(raw_code: str) -> Certificate | None:
    """The certificate with this public code (typed in any case, with or without dashes)."""
    code = codes.normalise(raw_code)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def find_by_code_or_serial(raw: str, action: str | None = None) -> Certificate | None:
    """The certificate whose public code or serial number is ``raw``; with ``action``, only one the
    signed-in person may ``action`` (``lms.permissions``)."""
    text = (raw or "").strip()
    code = codes.normalise(text)
    if code is not None:
        criterion = Certificate.code == code
    elif text and len(text) <= 64:
        criterion = func.upper(Certificate.serial) == text.upper()
    else:
        return None
    query = select(Certificate).where(criterion)
    return db.session.scalar(scoped(Certificate, action, query) if action else query)


def certificate_for(raw_code: str, action: str, actor=None) -> Certificate:
    """The certificate with this public code that ``actor`` (the signed-in person) may ``action``, or 404."""
    code = codes.normalise(raw_code)
    if code is None:
        abort(404)
    return load(Certificate, action, Certificate.code == code, actor=actor)


def count_verification(certificate: Certificate | int) -> None:
    """Count one lookup of the certificate.

    Counts are added up in the worker's memory and written in batches (``certificates.counting``:
    every ``VERIFICATION_COUNT_FLUSH_SECONDS`` and when the worker exits), so a lookup is not a
    database write; the caller's commit is not needed for it.
    """
    counter_for(current_app.app_context().app).add(
        certificate if isinstance(certificate, int) else certificate.id)


def _verification_query():
    """One indexed lookup by code: the columns verification shows, and the replacement's code."""
    table = Certificate.__table__
    replacement = table.alias("replacement")
    columns = [table.c[name] for name in (
        "id", "code", "serial", "register_number", "status", "kind", "holder_name", "holder_date_of_birth",
        "title", "modules", "score", "practical_score", "issued_at", "valid_until", "issuer_name", "revoked_at",
        "revocation_reason", "revocation_decision")]
    return (select(*columns, replacement.c.code.label("superseded_by_code"))
            .select_from(table.outerjoin(replacement, replacement.c.id == table.c.superseded_by_id))
            .where(table.c.code == bindparam("code")))


_VERIFICATION_QUERY = _verification_query()


@dataclass(frozen=True)
class Verification:
    """A lookup's result: the certificate's id, its ``public_facts`` (shared: do not change them)
    and a hashable key naming those facts (the page's ETag is made of it)."""

    certificate_id: int
    facts: dict
    key: tuple


_verifications: OrderedDict[tuple, Verification] = OrderedDict()
_verifications_lock = threading.Lock()


def verification_facts(raw_code: str) -> Verification | None:
    """The certificate's ``public_facts`` as the database holds them now, or None.

    One indexed query per call. What is made of a row (status worked out, dates formatted) is
    kept per worker, keyed by the row itself and today's date, so any change to the
    certificate (revocation, reissue) is a new key and shows at once.
    """
    code = codes.normalise(raw_code)
    if code is None:
        return None
    row = db.session.execute(_VERIFICATION_QUERY, {"code": code}).first()
    if row is None:
        return None
    key = (tuple(tuple(value) if isinstance(value, list) else value for value in row), local(utcnow()).date())
    with _verifications_lock:
        found = _verifications.get(key)
    if found is None:
        facts = _facts(row, row.superseded_by_code)
        found = Verification(row.id, facts, key)
        with _verifications_lock:
            _verifications[key] = found
            while len(_verifications) > 1024:
                _verifications.popitem(last=False)
    return found


def certificates_of(user: User) -> list[Certificate]:
    """Certificates issued to ``user``, newest first."""
    return list(db.session.scalars(select(Certificate).where(Certificate.holder_id == user.id)
                                   .order_by(Certificate.issued_at.desc())))


def register_query(*, issuer_id: int | None = None, year: int | None = None, kind: str | None = None,
                   status: str | None = None, text: str | None = None, actor=None):
    """The issuance register (sổ gốc) as ``actor`` (the signed-in person) may see it, filtered, in
    register order."""
    query = select(Certificate).order_by(Certificate.issuer_id, Certificate.kind, Certificate.serial_year,
                                         Certificate.serial_number)
    if issuer_id:
        query = query.where(Certificate.issuer_id == issuer_id)
    if year:
        query = query.where(Certificate.serial_year == year)
    if kind:
        query = query.where(Certificate.kind == CertificateKind(kind))
    if status:
        query = query.where(Certificate.status == CertificateStatus(status))
    if text:
        folded = fold(text.strip())
        query = query.where(or_(Certificate.holder_name_folded.contains(folded),
                                func.upper(Certificate.serial) == text.strip().upper(),
                                Certificate.holder_employee_code == text.strip(),
                                Certificate.code == (codes.normalise(text) or "-")))
    return scoped(Certificate, "register", query, actor=actor)


def effective_status(certificate: Certificate, today: date | None = None) -> str:
    """valid, revoked, superseded or expired (where a validity applies)."""
    if certificate.status is not CertificateStatus.VALID:
        return certificate.status.value
    today = today or local(utcnow()).date()
    if certificate.valid_until is not None and today > certificate.valid_until:
        return "expired"
    return "valid"


def masked_date_of_birth(certificate: Certificate) -> str:
    """Date of birth with day and month hidden (**/**/1982): enough to match a person, no more."""
    born = certificate.holder_date_of_birth
    return f"**/**/{born.year}" if born else ""


def public_facts(certificate: Certificate) -> dict:
    """What verification shows: status and the facts HR needs, and nothing more."""
    return _facts(certificate, certificate.superseded_by.code if certificate.superseded_by else None)


def _facts(certificate, superseded_by_code: str | None) -> dict:
    """``public_facts`` of a certificate or of a row with the same column names."""
    status = effective_status(certificate)
    return {
        "code": codes.display(certificate.code),
        "serial": certificate.serial,
        "register_number": certificate.register_number,
        "status": status,
        "valid": status == "valid",
        "kind": certificate.kind.value,
        "holder_name": certificate.holder_name,
        "holder_date_of_birth": masked_date_of_birth(certificate),
        "title": certificate.title,
        "modules": list(certificate.modules or []),
        "score": f"{certificate.score:.2f}" if certificate.score is not None else None,
        "practical_score": f"{certificate.practical_score:.2f}" if certificate.practical_score is not None else None,
        "issued_on": local(certificate.issued_at).date().isoformat(),
        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None,
        "issuer": certificate.issuer_name,
        "revoked_on": local(certificate.revoked_at).date().isoformat() if certificate.revoked_at else None,
        "revocation_reason": certificate.revocation_reason,
        "revocation_decision": certificate.revocation_decision,
        "superseded_by": codes.display(superseded_by_code) if superseded_by_code else None,
    }


@dataclass(frozen=True)
class BulkCheckRow:
    """One line of an HR bulk check: the certificate found, or why none is.

    ``status`` is the certificate's (valid, revoked, superseded, expired), or ``checksum`` (a
    code with a typo, as the single lookup says), ``not_found``, or ``header`` (a column heading
    such as "Mã tra cứu" at the top of a list, skipped)."""

    line: int
    query: str
    certificate: Certificate | None
    status: str


# Words of a column heading above a list of codes ("Mã tra cứu", "Số hiệu", "Code", "Serial"...).
_HEADER_WORDS = re.compile(r"\b(ma|code|codes|so hieu|serial|certificate|chung chi|chung nhan|stt)\b")


def is_header(text: str) -> bool:
    """True when ``text`` reads as a column heading rather than a code or serial number."""
    return codes.problem(text) == "format" and _HEADER_WORDS.search(fold(text).lower()) is not None


def bulk_check(identifiers: list[str], limit: int = 5000, header_lines: Collection[int] = (1,)) -> list[BulkCheckRow]:
    """Look up many codes or serial numbers at once (blank lines skipped).

    A line of ``header_lines`` (1-based: the first line of each pasted list or file) that is
    not found and reads as a column heading is reported as ``header`` and not looked up.
    """
    rows = []
    for line, raw in enumerate(identifiers[:limit], start=1):
        text = (raw or "").strip()
        if not text:
            continue
        certificate = find_by_code_or_serial(text)
        if certificate is not None:
            status = effective_status(certificate)
        elif line in header_lines and is_header(text):
            status = "header"
        elif codes.problem(text) == "checksum":
            status = "checksum"
        else:
            status = "not_found"
        rows.append(BulkCheckRow(line=line, query=text[:64], certificate=certificate, status=status))
    return rows
