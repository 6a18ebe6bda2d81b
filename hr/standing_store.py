"""Each person's standing of today, kept (``StaffStanding``) so that the compliance report of a
whole province is a ``GROUP BY`` over stored rows instead of a recomputation from every
attainment (about a minute for 100,000 people).

How the rows stay true:

* every service that changes evidence rewrites the rows of the people concerned in the same
  transaction: certificates issued, revoked or replaced and attainments recorded (the
  ``certificates.signals.evidence_changed`` signal, connected in ``connect``), external
  certificates added or re-checked, assessments added or withdrawn (``hr.evidence``), a staff
  record created, linked to an account, or given another rank or position (``hr.services``,
  ``hr.importer``), requirements edited or loaded (``refresh_requirements``);
* time changes a standing too (a certificate's ``valid_until``, evidence growing older than a
  requirement allows, a change of rank or position recorded with a future effective date): each
  row carries the first day it may no longer hold (``stale_on``); from that day the report
  computes the person live (exactly as before the table existed) until ``flask hr
  recompute-standing --stale`` (nightly) or the next change rewrites the row;
* a person without a row (data written around the services) is computed live as well.

The live computation (``compute``) is the only place the stored values come from, so the stored
and the live figures cannot disagree in method. Reports "as of" a past date do not use the table.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

from sqlalchemy import Table, and_, delete, event, func, insert, or_, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.sql import bindparam

from hr.models import StaffAssignment, StaffRecord, StaffStanding, StaffStatus, StaffStatusPeriod
from hr.standing import (Evidence, Need, RequirementIndex, Rules, combine, evidence_for, judge, position_key,
                         rules)
from lms.database import utcnow
from lms.extensions import db
from lms.timefmt import local_today

MODULE_CODES = [f"IU{n:02d}" for n in range(1, 16)]
BIT = {code: 1 << index for index, code in enumerate(MODULE_CODES)}
BATCH = 2000  # people computed at once: bounds the evidence held in memory
COUNTED = (StaffStatus.WORKING, StaffStatus.ON_LEAVE)  # retired and transferred people are not counted
PENDING = "hr_standing_pending"  # session.info key: records changed through the ORM, rewritten at commit
WATCHED = ("status", "agency_id", "rank_code", "position", "user_id")


def to_mask(modules: Iterable[str]) -> int:
    """The bitmask of framework module codes (unknown codes are not counted by the report)."""
    value = 0
    for code in modules:
        value |= BIT.get(code, 0)
    return value


def from_mask(value: int) -> set[str]:
    """The module codes of a bitmask."""
    return {code for code, bit in BIT.items() if value & bit}


@dataclass
class Placed:
    """A person as the standing needs them: evidence by account, requirement by rank and
    position; the unit and whether they are counted are copied into the stored row."""

    id: int
    user_id: int | None
    rank_code: str | None
    position: str
    agency_id: int = 0
    counted: bool = True


@dataclass
class Computed:
    """What the report counts of one person today, and the first day it may stop holding."""

    staff_id: int
    modules: set[str]
    basic: bool
    advanced: bool
    requirement: bool | None
    stale_on: date | None


def _table() -> Table:
    # Core, not the ORM's bulk insert: the ORM leaves out None values and so splits rows without a
    # rank or a requirement into batches of a few rows (thousands of statements per import).
    return cast(Table, StaffStanding.__table__)


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def need_of(index: RequirementIndex, rank_code: str | None, position: str | None) -> Need | None:
    """The combined need of a rank and a position (None when neither has a requirement)."""
    rank = index.ranks.get(rank_code or "")
    position_row = index.positions.get(position_key(position))
    if rank is None and position_row is None:
        return None
    return combine("", [rank, position_row])


def _stale_on(items: list[Evidence], need: Need | None, day: date) -> date | None:
    """The first day after ``day`` on which this evidence may judge differently: a valid piece
    expires, or grows older than the need allows (for a 29 February a day early at worst: the
    person is then computed live one day sooner)."""
    days: list[date] = []
    for item in items:
        if item.status != "valid":
            continue
        if item.valid_until is not None and item.valid_until >= day:
            days.append(item.valid_until + timedelta(days=1))
        if need is not None and need.max_age_years:
            # Too old once the day N years back is after it was dated (``judge``'s cutoff).
            too_old = add_years(item.on, need.max_age_years) + timedelta(days=1)
            if too_old > day:
                days.append(too_old)
    return min(days) if days else None


def compute(people: Sequence[Placed], day: date, *, index: RequirementIndex | None = None,
            standard: Rules | None = None) -> list[Computed]:
    """Judge ``people`` on ``day`` from their evidence (three queries per 500 people)."""
    index = index or RequirementIndex()
    standard = standard or rules()
    evidence = evidence_for(people, day)
    found = []
    for person in people:
        items = evidence[person.id]
        overall = judge(None, items, day, standard)
        need = need_of(index, person.rank_code, person.position)
        requirement = judge(need, items, day, standard).met if need is not None else None
        found.append(Computed(person.id, overall.covered, overall.basic_met, overall.advanced_met, requirement,
                              _stale_on(items, need, day)))
    return found


def _chunks(ids: Sequence[int], size: int) -> Iterable[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _placed(ids: list[int], day: date) -> tuple[list[Placed], dict[int, date]]:
    """The people of ``ids`` with the unit, rank and position of the history period covering
    ``day`` (the record's own when none does yet), counted when that period and a working or
    on-leave status period cover the day; and the first later day either history changes."""
    current = and_(StaffAssignment.staff_id == StaffRecord.id, StaffAssignment.valid_from <= day,
                   or_(StaffAssignment.valid_to.is_(None), StaffAssignment.valid_to > day))
    status_now = and_(StaffStatusPeriod.staff_id == StaffRecord.id, StaffStatusPeriod.valid_from <= day,
                      or_(StaffStatusPeriod.valid_to.is_(None), StaffStatusPeriod.valid_to > day))
    people = []
    for (staff_id, user_id, agency_id, rank_code, position, status, period_id, period_agency, period_rank,
         period_position) in db.session.execute(
            select(StaffRecord.id, StaffRecord.user_id, StaffRecord.agency_id, StaffRecord.rank_code,
                   StaffRecord.position, StaffStatusPeriod.status, StaffAssignment.id, StaffAssignment.agency_id,
                   StaffAssignment.rank_code, StaffAssignment.position)
            .outerjoin(StaffAssignment, current).outerjoin(StaffStatusPeriod, status_now)
            .where(StaffRecord.id.in_(ids))):
        if period_id is not None:
            agency_id, rank_code, position = period_agency, period_rank, period_position
        people.append(Placed(staff_id, user_id, rank_code, position or "", agency_id,
                             period_id is not None and status in COUNTED))
    changes: dict[int, date] = {}
    for table in (StaffAssignment, StaffStatusPeriod):
        for staff_id, first in db.session.execute(
                select(table.staff_id, func.min(table.valid_from))
                .where(table.staff_id.in_(ids), table.valid_from > day).group_by(table.staff_id)):
            changes[staff_id] = min(first, changes.get(staff_id, first))
    return people, changes


def _row(person: Placed, found: Computed, stale_on: date | None, day: date, now) -> dict:
    return {"staff_id": person.id, "agency_id": person.agency_id, "counted": person.counted,
            "rank_code": person.rank_code, "position": person.position, "modules": to_mask(found.modules),
            "basic": found.basic, "advanced": found.advanced, "requirement": found.requirement,
            "stale_on": stale_on, "computed_on": day, "computed_at": now}


def refresh(staff_ids: Iterable[int], day: date | None = None) -> int:
    """Rewrite the stored standing of these people (flushes nothing else; the caller commits)."""
    day = day or local_today()
    ids = sorted(set(staff_ids))
    if not ids:
        return 0
    index, standard = RequirementIndex(), rules()
    now = utcnow()
    written = 0
    for batch in _chunks(ids, BATCH):
        rows = []
        for chunk in _chunks(batch, 500):
            people, changes = _placed(chunk, day)
            for person, found in zip(people, compute(people, day, index=index, standard=standard), strict=True):
                stale = [d for d in (found.stale_on, changes.get(found.staff_id)) if d is not None]
                rows.append(_row(person, found, min(stale) if stale else None, day, now))
            db.session.execute(delete(StaffStanding).where(StaffStanding.staff_id.in_(chunk)))
        if rows:
            db.session.execute(insert(_table()), rows)
        written += len(rows)
    return written


def store_without_evidence(people: Sequence[Placed], stale_on: date | None = None) -> int:
    """Write the standing of people known to hold no evidence yet (new records without an
    account: an import of thousands), judged like everyone else but without reading evidence."""
    if not people:
        return 0
    day, index, standard = local_today(), RequirementIndex(), rules()
    overall = judge(None, [], day, standard)
    now = utcnow()
    rows = []
    for person in people:
        need = need_of(index, person.rank_code, person.position)
        found = Computed(person.id, overall.covered, overall.basic_met, overall.advanced_met,
                         judge(need, [], day, standard).met if need is not None else None, None)
        rows.append(_row(person, found, stale_on, day, now))
    for chunk in _chunks([person.id for person in people], 500):
        db.session.execute(delete(StaffStanding).where(StaffStanding.staff_id.in_(chunk)))
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(_table()), rows[start:start + BATCH])
    return len(rows)


def refresh_for_users(user_ids: Iterable[int | None]) -> int:
    """Rewrite the standing of the staff records linked to these accounts (their product
    evidence changed)."""
    users = sorted({u for u in user_ids if u is not None})
    staff: list[int] = []
    for chunk in _chunks(users, 500):
        staff += db.session.scalars(select(StaffRecord.id).where(StaffRecord.user_id.in_(chunk)))
    return refresh(staff)


def refresh_all(*, stale_only: bool = False, day: date | None = None) -> int:
    """Rewrite every row (``flask hr recompute-standing``), or only the missing and stale ones."""
    day = day or local_today()
    query = select(StaffRecord.id)
    if stale_only:
        query = query.outerjoin(StaffStanding, StaffStanding.staff_id == StaffRecord.id).where(
            or_(StaffStanding.staff_id.is_(None), StaffStanding.stale_on <= day))
    written = refresh(list(db.session.scalars(query)), day)
    # Rows of records deleted around the services (the foreign key cascades where it is enforced).
    db.session.execute(delete(StaffStanding).where(StaffStanding.staff_id.not_in(select(StaffRecord.id))))
    return written


def requirement_from_summary(need: Need, modules: int, basic: bool, advanced: bool) -> bool:
    """Whether a need without an age limit is met, from a stored row alone: the same answer as
    ``judge`` (the basic standard, the advanced standard, every named module)."""
    from hr.models import RequirementLevel

    if need.level is RequirementLevel.BASIC and not basic:
        return False
    if need.level is RequirementLevel.ADVANCED and not advanced:
        return False
    wanted = to_mask(need.modules)
    return modules & wanted == wanted and all(code in BIT for code in need.modules)


def refresh_requirements(staff_ids: Iterable[int] | None = None) -> int:
    """After requirements change: re-judge the requirement of these people (everyone when
    None). A need without an age limit is judged from the stored row (no evidence is read, so
    editing the rank most people hold takes seconds); a need with one, a missing or a stale row
    is recomputed from the evidence. Returns how many rows changed."""
    day = local_today()
    index = RequirementIndex()
    current = and_(StaffAssignment.staff_id == StaffRecord.id, StaffAssignment.valid_from <= day,
                   or_(StaffAssignment.valid_to.is_(None), StaffAssignment.valid_to > day))
    query = (select(StaffRecord.id, StaffRecord.rank_code, StaffRecord.position, StaffAssignment.id,
                    StaffAssignment.rank_code, StaffAssignment.position, StaffStanding.staff_id,
                    StaffStanding.modules, StaffStanding.basic, StaffStanding.advanced, StaffStanding.requirement,
                    StaffStanding.stale_on)
             .outerjoin(StaffAssignment, current)
             .outerjoin(StaffStanding, StaffStanding.staff_id == StaffRecord.id))
    wanted = None if staff_ids is None else sorted(set(staff_ids))
    batches = [query] if wanted is None else [query.where(StaffRecord.id.in_(chunk)) for chunk in _chunks(wanted, 500)]
    changed: list[dict] = []
    recompute: list[int] = []
    for batch in batches:
        for (staff_id, rank_code, position, period_id, period_rank, period_position, stored, modules, basic, advanced,
             requirement, stale_on) in db.session.execute(batch):
            need = need_of(index, period_rank if period_id else rank_code,
                           period_position if period_id else position)
            if stored is None or (stale_on is not None and stale_on <= day) or (need and need.max_age_years):
                recompute.append(staff_id)
                continue
            new = requirement_from_summary(need, modules, basic, advanced) if need is not None else None
            if new != requirement:
                changed.append({"id": staff_id, "value": new})
    if changed:
        table = _table()
        statement = update(table).where(table.c.staff_id == bindparam("id")).values(requirement=bindparam("value"))
        db.session.execute(statement, changed)
    return len(changed) + refresh(recompute)


def staff_of_requirement(kind: str, code: str) -> list[int]:
    """The people a requirement applies to: by rank code, or by position (names compared as
    ``position_key`` does, so every spelling of the position is found)."""
    if kind == "rank":
        return list(db.session.scalars(select(StaffRecord.id).where(StaffRecord.rank_code == code).union(
            select(StaffAssignment.staff_id).where(StaffAssignment.rank_code == code,
                                                   StaffAssignment.valid_to.is_(None)))))
    spellings = [p for p in db.session.scalars(select(StaffRecord.position).distinct()) if position_key(p) == code]
    spellings += [p for p in db.session.scalars(select(StaffAssignment.position).where(
        StaffAssignment.valid_to.is_(None)).distinct()) if position_key(p) == code]
    if not spellings:
        return []
    return list(db.session.scalars(select(StaffRecord.id).where(StaffRecord.position.in_(spellings)).union(
        select(StaffAssignment.staff_id).where(StaffAssignment.position.in_(spellings),
                                               StaffAssignment.valid_to.is_(None)))))


def _on_evidence_changed(_sender, holder_ids: Iterable[int | None] = (), **_extra) -> None:
    refresh_for_users(holder_ids)


def _collect_changed_records(session, _context) -> None:
    """After a flush: note the records whose unit, status, rank, position or account changed
    through the ORM (by a service, or by code that went around them)."""
    for obj in session.dirty:
        if isinstance(obj, StaffRecord):
            state = sa_inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in WATCHED):
                session.info.setdefault(PENDING, set()).add(obj.id)


def _rewrite_before_commit(session) -> None:
    """Before the commit: rewrite the noted records' rows, in the same transaction (the commit
    flushes only after this event, so flush first to see every change)."""
    session.flush()
    while session.info.get(PENDING):
        refresh(session.info.pop(PENDING))


def _forget_on_rollback(session) -> None:
    session.info.pop(PENDING, None)


def connect() -> None:
    """Keep the rows true when certificates change evidence (blinker ignores a second
    subscription of the same function), and when a staff record changes through the ORM."""
    from certificates.signals import evidence_changed

    evidence_changed.connect(_on_evidence_changed)
    for name, listener in (("after_flush", _collect_changed_records), ("before_commit", _rewrite_before_commit),
                           ("after_rollback", _forget_on_rollback)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
