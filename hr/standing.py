"""Requirements as data, evidence from three sources, and a person's standing.

Evidence counts from:

* this product's module attainments (grouped by the certificate that carries them, or by the
  exam when no certificate does): an attainment counts while it is not void and its certificate,
  if any, is neither revoked nor expired on the day asked about;
* external certificates HR recorded: only once checked (verified), and not expired;
* the employing agency's assessments: while not withdrawn.

The standing is computed here from the evidence each time, so revoking or expiring a piece of
evidence changes it at once; ``hr.standing_store`` keeps today's result per person for the
compliance report, rewritten by the services that change evidence. Everything is loaded for many people
with a fixed number of queries (``evidence_for``), so lists and reports do not query per person.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from certificates.models import Certificate, CertificateStatus, ModuleAttainment
from hr.models import (AgencyAssessment, AssessmentStatus, ExternalCertificate, ExternalStatus, Requirement,
                       RequirementLevel, StaffRecord)
from lms.extensions import db
from lms.models import CompetencyStandard
from lms.text import fold, nfc
from lms.timefmt import local, local_today

DEFAULTS_FILE = Path(__file__).resolve().parent / "data" / "requirements.json"
CHUNK = 500  # ids per IN (...) list: well under every database's limit on bound parameters


# ----------------------------------------------------------------------------- the standard's rules

@dataclass(frozen=True)
class Rules:
    """The framework's standards as data: the basic modules, the advanced ones, how many of them."""

    basic: tuple[str, ...]
    advanced_of: tuple[str, ...]
    advanced_needed: int


def rules() -> Rules:
    """The basic and advanced standards, read from the framework tables."""
    basic = db.session.get_one(CompetencyStandard, "BASIC")
    advanced = db.session.get_one(CompetencyStandard, "ADVANCED")
    return Rules(tuple(basic.rule["requires_all"]), tuple(advanced.rule["of"]),
                 int(advanced.rule["requires_at_least"]))


# ----------------------------------------------------------------------------- requirements

def position_key(name: str | None) -> str:
    """A position's requirement is found by its name, compared without diacritics or case."""
    return " ".join(fold(name).split())


def load_requirements(path: Path = DEFAULTS_FILE) -> int:
    """Insert or update the shipped default requirements (idempotent); returns how many."""
    data = json.loads(path.read_text(encoding="utf-8"))
    count = 0
    items = [("rank", item["code"], item) for item in data["ranks"]] + \
            [("position", position_key(item["name"]), item) for item in data["positions"]]
    for position, (kind, code, item) in enumerate(items, start=1):
        requirement = db.session.scalar(select(Requirement).where(Requirement.kind == kind, Requirement.code == code))
        if requirement is None:
            requirement = Requirement(kind=kind, code=code)
            db.session.add(requirement)
        requirement.name = nfc(item["name"])
        requirement.level = RequirementLevel(item["level"])
        requirement.modules = list(item.get("modules", []))
        requirement.max_age_years = item.get("max_age_years")
        requirement.source = item.get("source")
        requirement.position = position
        count += 1
    db.session.flush()
    from hr.standing_store import refresh_requirements  # it builds on this module

    refresh_requirements()
    return count


def save_requirement(requirement: Requirement | None, *, level: str, modules: list[str], max_age_years: int | None,
                     name: str | None = None, by=None) -> Requirement:
    """Change a requirement, or add a position's requirement when ``requirement`` is None (audited)."""
    from lms.services import audit

    if requirement is None:
        from hr.services import clean_name

        name = clean_name(name)
        code = position_key(name)
        requirement = db.session.scalar(select(Requirement).where(Requirement.kind == "position",
                                                                  Requirement.code == code))
        if requirement is None:
            requirement = Requirement(kind="position", code=code, name=name, position=1000, source=None)
            db.session.add(requirement)
    before = {"level": requirement.level.value if requirement.level else None, "modules": requirement.modules,
              "max_age_years": requirement.max_age_years}
    requirement.level = RequirementLevel(level)
    requirement.modules = sorted(set(modules))
    requirement.max_age_years = max_age_years or None
    db.session.flush()
    from hr.standing_store import refresh_requirements, staff_of_requirement  # it builds on this module

    refresh_requirements(staff_of_requirement(requirement.kind, requirement.code))
    audit("hr.requirement.save", f"hr_requirement:{requirement.id}",
          {"kind": requirement.kind, "code": requirement.code, "before": before,
           "after": {"level": level, "modules": requirement.modules, "max_age_years": requirement.max_age_years}},
          actor=by)
    return requirement


def rank_requirements() -> list[Requirement]:
    """Every rank's requirement, in the data file's order (the target-rank list)."""
    return list(db.session.scalars(select(Requirement).where(Requirement.kind == "rank")
                                   .order_by(Requirement.position, Requirement.code)))


def all_requirements() -> list[Requirement]:
    """Every requirement, ranks first."""
    return list(db.session.scalars(select(Requirement).order_by(Requirement.kind.desc(), Requirement.position)))


@dataclass(frozen=True)
class Need:
    """What one check asks for: a level, named modules, a maximum evidence age; and its name."""

    label: str
    level: RequirementLevel
    modules: tuple[str, ...] = ()
    max_age_years: int | None = None
    sources: tuple[int, ...] = ()  # the requirement rows it comes from


_LEVEL_ORDER = {RequirementLevel.NONE: 0, RequirementLevel.BASIC: 1, RequirementLevel.ADVANCED: 2}


def combine(label: str, requirements: Iterable[Requirement | None]) -> Need | None:
    """One need from several requirements (a rank's and a position's): the higher level, every
    named module, the shortest maximum age. None when there is no requirement at all."""
    found = [r for r in requirements if r is not None]
    if not found:
        return None
    level = max((r.level for r in found), key=_LEVEL_ORDER.__getitem__)
    modules = tuple(sorted({m for r in found for m in (r.modules or [])}))
    ages = [r.max_age_years for r in found if r.max_age_years]
    return Need(label=label, level=level, modules=modules, max_age_years=min(ages) if ages else None,
                sources=tuple(r.id for r in found))


class RequirementIndex:
    """Every requirement row loaded once, looked up by rank code or position name."""

    def __init__(self) -> None:
        rows = list(db.session.scalars(select(Requirement)))
        self.ranks = {r.code: r for r in rows if r.kind == "rank"}
        self.positions = {r.code: r for r in rows if r.kind == "position"}

    def current(self, record: StaffRecord) -> Need | None:
        """The need of the person's current rank and position together."""
        rank = self.ranks.get(record.rank_code or "")
        position = self.positions.get(position_key(record.position))
        parts = [f"{rank.name} ({rank.code})" if rank else None, position.name if position else None]
        return combine(" + ".join(p for p in parts if p), [rank, position])

    def rank(self, code: str) -> Need | None:
        """The need of rank ``code`` alone (a target rank)."""
        rank = self.ranks.get(code)
        return combine(f"{rank.name} ({rank.code})", [rank]) if rank else None


# ----------------------------------------------------------------------------- evidence

@dataclass
class Evidence:
    """One piece of evidence, shown for what it is.

    ``source``: product (this product's exam and certificate), external (another centre's
    certificate recorded by HR) or assessment (the agency's decision). ``status``: valid,
    pending (not yet checked), revoked, expired, void, rejected or withdrawn.
    """

    source: str
    ref: int
    label: str
    on: date
    modules: tuple[str, ...]
    level: RequirementLevel = RequirementLevel.NONE
    status: str = "valid"
    code: str | None = None  # a product certificate's public code (its verification page)
    detail: str = ""
    valid_until: date | None = None  # the last day it counts (a certificate's expiry), if any

    @property
    def key(self) -> str:
        """A stable name of this evidence, kept in round snapshots."""
        return f"{self.source}:{self.ref}"


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _certificate_status(certificate_status: CertificateStatus | None, revoked_at, valid_until: date | None,
                        as_of: date, status_on: date) -> str:
    if certificate_status in (CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED) and revoked_at is not None \
            and local(revoked_at).date() <= status_on:
        return "revoked" if certificate_status is CertificateStatus.REVOKED else "superseded"
    if valid_until is not None and as_of > valid_until:
        return "expired"
    return "valid"


def _product_evidence(users: dict[int, int], as_of: date, status_on: date) -> dict[int, list[Evidence]]:
    """Attainments of the linked accounts, grouped by certificate (or exam): staff id -> evidence."""
    found: dict[int, list[Evidence]] = defaultdict(list)
    for ids in _chunks(list(users)):
        rows = db.session.execute(
            select(ModuleAttainment.user_id, ModuleAttainment.module_code, ModuleAttainment.attained_on,
                   ModuleAttainment.void, ModuleAttainment.exam_session_id, ModuleAttainment.exam_title,
                   ModuleAttainment.id, Certificate.id, Certificate.code, Certificate.serial, Certificate.title,
                   Certificate.status, Certificate.revoked_at, Certificate.valid_until)
            .outerjoin(Certificate, Certificate.id == ModuleAttainment.certificate_id)
            .where(ModuleAttainment.user_id.in_(ids), ModuleAttainment.attained_on <= as_of)
            .order_by(ModuleAttainment.attained_on, ModuleAttainment.module_code))
        groups: dict[tuple, Evidence] = {}
        for (user_id, module, on, void, session_id, exam_title, attainment_id, certificate_id, code, serial, title,
             status, revoked_at, valid_until) in rows:
            if user_id is None:
                continue  # the query asks for these accounts only; an attainment always names its holder
            key = (user_id, "c", certificate_id) if certificate_id else (user_id, "s", session_id or -attainment_id)
            item = groups.get(key)
            if item is None:
                if certificate_id:
                    item = Evidence("product", certificate_id, f"{title} — {serial}", on, (), code=code,
                                    status=_certificate_status(status, revoked_at, valid_until, as_of, status_on),
                                    valid_until=valid_until)
                else:
                    item = Evidence("product", -(session_id or attainment_id), exam_title, on, ())
                groups[key] = item
                found[users[user_id]].append(item)
            if void:
                item.detail = "void"
                continue
            item.modules = (*item.modules, module)
        for item in groups.values():
            if not item.modules:  # every attainment of it was voided (fraud)
                item.status = "void"
    return found


class StaffIds(Protocol):
    """What ``evidence_for`` reads of a person: a staff record, or a compliance report's row."""

    @property
    def id(self) -> int: ...

    @property
    def user_id(self) -> int | None: ...


def evidence_for(records: Sequence[StaffIds], as_of: date | None = None,
                 status_on: date | None = None) -> dict[int, list[Evidence]]:
    """Staff id -> every piece of evidence dated on or before ``as_of`` (default today), with
    its status on ``status_on`` (default ``as_of``; a review round asks about evidence held on
    its date as known today, so a later revocation shows). Three queries per 500 people."""
    as_of = as_of or local_today()
    status_on = status_on or as_of
    result: dict[int, list[Evidence]] = {record.id: [] for record in records}
    linked = {record.user_id: record.id for record in records if record.user_id}
    for staff_id, items in _product_evidence(linked, as_of, status_on).items():
        result[staff_id].extend(items)
    ids = [record.id for record in records]
    for chunk in _chunks(ids):
        for external in db.session.scalars(select(ExternalCertificate).where(
                ExternalCertificate.staff_id.in_(chunk), ExternalCertificate.issued_on <= as_of)
                .order_by(ExternalCertificate.issued_on)):
            status = {ExternalStatus.VERIFIED: "valid", ExternalStatus.PENDING: "pending",
                      ExternalStatus.REJECTED: "rejected", ExternalStatus.REVOKED: "revoked"}[external.status]
            if status == "valid" and external.valid_until is not None and as_of > external.valid_until:
                status = "expired"
            result[external.staff_id].append(Evidence(
                "external", external.id, f"{external.issuer} — {external.serial}", external.issued_on,
                tuple(external.modules or ()), level=external.level, status=status,
                detail=external.check_method or "", valid_until=external.valid_until))
        for assessment in db.session.scalars(select(AgencyAssessment).where(
                AgencyAssessment.staff_id.in_(chunk), AgencyAssessment.decided_on <= as_of)
                .order_by(AgencyAssessment.decided_on)):
            status = "valid" if assessment.status is AssessmentStatus.VALID else "withdrawn"
            result[assessment.staff_id].append(Evidence(
                "assessment", assessment.id, assessment.decision_number, assessment.decided_on,
                tuple(assessment.modules or ()), level=assessment.level, status=status,
                detail=f"{assessment.officer_name}, {assessment.officer_title}"))
    return result


# ----------------------------------------------------------------------------- standing

MEETS, NOT_MET, CHECK, UNKNOWN = "meets", "not_met", "check", "unknown"


@dataclass
class Standing:
    """A person against one need on one day.

    ``outcome``: meets; not_met; check (it would be met if evidence not yet checked were
    accepted: "needs checking"); unknown (no requirement is recorded for the rank).
    ``missing`` lists module codes still needed; ``advanced_short`` how many more advanced
    modules the advanced standard needs; ``too_old`` the keys of evidence older than allowed.
    """

    need: Need | None
    outcome: str
    missing: list[str] = field(default_factory=list)
    advanced_short: int = 0
    evidence: list[Evidence] = field(default_factory=list)
    too_old: set[str] = field(default_factory=set)
    covered: set[str] = field(default_factory=set)
    basic_met: bool = False
    advanced_met: bool = False

    @property
    def met(self) -> bool:
        """The need is met."""
        return self.outcome == MEETS


def _coverage(items: Iterable[Evidence], standard: Rules) -> tuple[set[str], bool]:
    """The modules the evidence covers, and whether one piece attests the advanced standard whole."""
    covered: set[str] = set()
    advanced_whole = False
    for item in items:
        covered.update(item.modules)
        if item.level in (RequirementLevel.BASIC, RequirementLevel.ADVANCED):
            covered.update(standard.basic)
        if item.level is RequirementLevel.ADVANCED:
            advanced_whole = True
    return covered, advanced_whole


def _judge(need: Need, covered: set[str], advanced_whole: bool, standard: Rules) -> tuple[list[str], int, bool, bool]:
    basic_met = set(standard.basic) <= covered
    advanced_count = len(covered & set(standard.advanced_of))
    advanced_met = basic_met and (advanced_whole or advanced_count >= standard.advanced_needed)
    missing: list[str] = []
    short = 0
    if need.level in (RequirementLevel.BASIC, RequirementLevel.ADVANCED):
        missing += [m for m in standard.basic if m not in covered]
    if need.level is RequirementLevel.ADVANCED and not advanced_whole:
        short = max(0, standard.advanced_needed - advanced_count)
    missing += [m for m in need.modules if m not in covered and m not in missing]
    return missing, short, basic_met, advanced_met


def judge(need: Need | None, evidence: list[Evidence], as_of: date | None = None,
          standard: Rules | None = None) -> Standing:
    """The standing against ``need`` given ``evidence`` (from ``evidence_for``) on ``as_of``."""
    as_of = as_of or local_today()
    standard = standard or rules()
    too_old: set[str] = set()
    if need is not None and need.max_age_years:
        try:
            cutoff = as_of.replace(year=as_of.year - need.max_age_years)
        except ValueError:  # 29 February
            cutoff = as_of.replace(year=as_of.year - need.max_age_years, day=28)
        too_old = {item.key for item in evidence if item.on < cutoff}
    usable = [item for item in evidence if item.key not in too_old]
    covered, whole = _coverage([i for i in usable if i.status == "valid"], standard)
    basic_met = set(standard.basic) <= covered
    advanced_met = basic_met and (whole or len(covered & set(standard.advanced_of)) >= standard.advanced_needed)
    if need is None:
        return Standing(None, UNKNOWN, evidence=evidence, covered=covered, basic_met=basic_met,
                        advanced_met=advanced_met)
    missing, short, basic_met, advanced_met = _judge(need, covered, whole, standard)
    outcome = MEETS if not missing and not short else NOT_MET
    if outcome == NOT_MET:
        with_pending, whole_pending = _coverage([i for i in usable if i.status in ("valid", "pending")], standard)
        missing_pending, short_pending, _b, _a = _judge(need, with_pending, whole_pending, standard)
        if not missing_pending and not short_pending:
            outcome = CHECK
    return Standing(need, outcome, missing, short, evidence, too_old, covered, basic_met, advanced_met)


def standing_of(record: StaffRecord, target_rank: str | None = None, as_of: date | None = None) -> Standing:
    """One person's standing against their current rank and position, or a target rank."""
    index = RequirementIndex()
    need = index.rank(target_rank) if target_rank else index.current(record)
    return judge(need, evidence_for([record], as_of)[record.id], as_of)
