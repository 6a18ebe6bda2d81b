"""Agencies as the province really changes them: a unit is created, renamed, moved, dissolved or
merged into another, each from an effective date under a decision number, each recorded as an
``AgencyChange`` row and audited.

The change rows are the units' history: a rename keeps the name before and after, a move the
parent before and after, so a report "as of" a past date shows the unit's name and parent as they
were then (``names_on``, ``parents_on``). Every check goes through the officer's HR scope
(``lms.permissions``): the unit, and a new parent, must lie in their subtree.

A merge moves the unit's staff records (a new history period in the new unit from the effective
date, so reports for earlier dates still show the old unit), the accounts placed in it, and the
current ownership of its people's certificates (``holder_agency_id``; the printed snapshot never
changes); units under it move under the new unit. The old unit stays, inactive, with its history.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select, update

from certificates.models import Certificate
from hr.models import AgencyChange, StaffRecord, StaffStatus
from hr.services import HRError, StaffData, clean_name, update_staff
from lms.database import rows_changed
from lms.extensions import db
from lms.models import Agency, Role, User, agency_code_level, agency_parent_code
from lms.permissions import scope_of
from lms.services import audit
from lms.text import nfc
from lms.timefmt import local_today

# Who still works in a unit: a unit with such people cannot be dissolved (move them, or merge).
PRESENT = (StaffStatus.WORKING, StaffStatus.ON_LEAVE)


def _reparent(agency: Agency, parent: Agency) -> None:
    """Move ``agency`` (and its subtree's materialised paths) under ``parent``."""
    old_path = agency.path
    agency.parent = parent
    agency.parent_id = parent.id
    new_path = f"{parent.path}{agency.id}/"
    for unit in db.session.scalars(select(Agency).where(Agency.path.startswith(old_path))):
        unit.path = new_path + unit.path[len(old_path):]


def plan_merge(source: Agency | None, target: Agency | None, *, effective: date | None, decision: str,
               by: User) -> Planned:
    """Check a merge of ``source`` into ``target`` (raises ``HRError``; stores nothing)."""
    scope = scope_of(by, Role.HR)
    if source is None or target is None or not (scope.covers(source) and scope.covers(target)):
        raise HRError("agency-out-of-scope")
    if source.id == target.id or target.path.startswith(source.path):
        raise HRError("merge-into-itself")
    if not source.active:
        raise HRError("agency-inactive")
    if not target.active:
        raise HRError("target-inactive")
    decision = _check_decision(decision)
    return Planned("merge", source, _check_effective(effective, source), decision, parent=target)


def merge(source: Agency, target: Agency, *, effective: date, decision: str, by: User) -> AgencyChange:
    """Merge ``source`` into ``target`` on ``effective`` under ``decision`` (audited)."""
    decision = plan_merge(source, target, effective=effective, decision=decision, by=by).decision
    staff = list(db.session.scalars(select(StaffRecord).where(StaffRecord.agency_id == source.id)))
    for record in staff:
        update_staff(record, StaffData(
            employee_code=record.employee_code, full_name=record.full_name, date_of_birth=record.date_of_birth,
            agency=target, place_of_birth=record.place_of_birth, gender=record.gender, position=record.position,
            rank_code=record.rank_code, rank_name=record.rank_name, status=record.status),
            by=by, effective=effective, note=f"Hợp nhất theo {decision}", audited=False)
    accounts = rows_changed(db.session, update(User).where(User.agency_id == source.id).values(agency_id=target.id))
    certificates = rows_changed(db.session, update(Certificate).where(Certificate.holder_agency_id == source.id)
                                .values(holder_agency_id=target.id))
    children = list(db.session.scalars(select(Agency).where(Agency.parent_id == source.id)))
    for child in children:
        _reparent(child, target)
    source.active = False
    moved = {"staff": len(staff), "accounts": accounts, "certificates": certificates, "units": len(children)}
    change = AgencyChange(kind="merge", agency_id=source.id, target_id=target.id, effective_on=effective,
                          decision_number=decision, moved=moved, created_by_id=by.id)
    db.session.add(change)
    db.session.flush()
    audit("hr.agency.merge", f"agency:{source.id}", {"into": target.code, "from": source.code,
                                                      "effective": effective.isoformat(), "decision": decision,
                                                      **moved}, actor=by)
    return change


# ----------------------------------------------------------------------------- create, rename, move, dissolve

def _check_decision(decision: str) -> str:
    decision = clean_name(decision)
    if not decision:
        raise HRError("decision-needed")
    if len(decision) > 64:
        raise HRError("decision-too-long")
    return decision


def _check_effective(effective: date | None, agency: Agency | None = None) -> date:
    """The effective date: given, not in the future (a change is recorded once it has taken effect,
    because the unit changes at once), and not before the unit's last recorded change (so that its
    history stays in order)."""
    if effective is None:
        raise HRError("effective-needed")
    if effective > local_today():
        raise HRError("effective-future")
    if effective.year < 1945:
        raise HRError("effective-invalid")
    if agency is not None:
        last = db.session.scalar(select(func.max(AgencyChange.effective_on)).where(AgencyChange.agency_id == agency.id))
        if last is not None and effective < last:
            raise HRError("effective-before-change", date=last.strftime("%d/%m/%Y"))
    return effective


def _check_name(name: str) -> str:
    name = clean_name(name)
    if not name:
        raise HRError("name-needed")
    if len(name) > 255:
        raise HRError("name-too-long")
    return name


def _in_scope(agency: Agency, by: User, code: str = "unit-out-of-scope") -> None:
    if not scope_of(by, Role.HR).covers(agency):
        raise HRError(code)


@dataclass
class Planned:
    """A checked change, not yet made: what the confirmation page shows."""

    kind: str
    agency: Agency | None
    effective: date
    decision: str
    name: str | None = None  # the new name (create, rename)
    code: str | None = None  # the new unit's code (create)
    parent: Agency | None = None  # the parent (create) or the new parent (move)


def plan_create(parent: Agency | None, code: str, name: str, *, effective: date | None, decision: str,
                by: User) -> Planned:
    """Check a new unit ``code`` / ``name`` under ``parent`` (raises ``HRError``; stores nothing).

    The code must follow QCVN 102:2016 and name ``parent`` as the unit above it (its code is
    what other systems route documents by), and be new."""
    if parent is None:
        raise HRError("parent-needed")
    _in_scope(parent, by, "parent-out-of-scope")
    if not parent.active:
        raise HRError("parent-inactive")
    code = nfc(code).strip().upper()
    try:
        agency_code_level(code)
    except ValueError:
        raise HRError("code-format") from None
    expected = agency_parent_code(code)
    if expected != parent.code:
        raise HRError("code-parent", code=code, parent=parent.code)
    if db.session.scalar(select(Agency.id).where(Agency.code == code)) is not None:
        raise HRError("code-taken", code=code)
    return Planned("create", None, _check_effective(effective), _check_decision(decision), name=_check_name(name),
                   code=code, parent=parent)


def plan_rename(agency: Agency, name: str, *, effective: date | None, decision: str, by: User) -> Planned:
    """Check a rename of ``agency`` (raises ``HRError``; stores nothing)."""
    _in_scope(agency, by)
    if not agency.active:
        raise HRError("agency-inactive")
    name = _check_name(name)
    if name == agency.name:
        raise HRError("same-name")
    return Planned("rename", agency, _check_effective(effective, agency), _check_decision(decision), name=name)


def plan_move(agency: Agency, parent: Agency | None, *, effective: date | None, decision: str, by: User) -> Planned:
    """Check a move of ``agency`` (and its subtree) under ``parent`` (raises ``HRError``)."""
    _in_scope(agency, by)
    if parent is None:
        raise HRError("parent-needed")
    _in_scope(parent, by, "parent-out-of-scope")
    if not agency.active:
        raise HRError("agency-inactive")
    if not parent.active:
        raise HRError("parent-inactive")
    if parent.is_within(agency):  # the unit itself or a unit below it
        raise HRError("move-into-itself")
    if agency.parent_id == parent.id:
        raise HRError("same-parent")
    return Planned("move", agency, _check_effective(effective, agency), _check_decision(decision), parent=parent)


def plan_dissolve(agency: Agency, *, effective: date | None, decision: str, by: User) -> Planned:
    """Check the dissolution of ``agency``: refused while people still work there (working or on
    leave) or units below it are active; they are moved (or merged) first."""
    _in_scope(agency, by)
    if not agency.active:
        raise HRError("agency-inactive")
    people = db.session.scalar(select(func.count()).select_from(StaffRecord).where(
        StaffRecord.agency_id == agency.id, StaffRecord.status.in_(PRESENT))) or 0
    if people:
        raise HRError("has-staff", n=people)
    units = db.session.scalar(select(func.count()).select_from(Agency).where(
        Agency.parent_id == agency.id, Agency.active.is_(True))) or 0
    if units:
        raise HRError("has-units", n=units)
    return Planned("dissolve", agency, _check_effective(effective, agency), _check_decision(decision))


def _record(kind: str, agency: Agency, planned: Planned, by: User, **fields) -> AgencyChange:
    change = AgencyChange(kind=kind, agency_id=agency.id, effective_on=planned.effective,
                          decision_number=planned.decision, moved={}, created_by_id=by.id, **fields)
    db.session.add(change)
    db.session.flush()
    return change


def create(parent: Agency | None, code: str, name: str, *, effective: date | None, decision: str,
           by: User) -> AgencyChange:
    """Create a unit under ``parent`` from ``effective`` under ``decision`` (audited)."""
    planned = plan_create(parent, code, name, effective=effective, decision=decision, by=by)
    assert planned.parent is not None and planned.code is not None and planned.name is not None  # checked above
    agency = Agency(code=planned.code, name=planned.name, parent=planned.parent)
    db.session.add(agency)
    db.session.flush()  # the id is part of the path
    agency.path = f"{planned.parent.path}{agency.id}/"
    change = _record("create", agency, planned, by, target_id=planned.parent.id, name_after=planned.name)
    audit("hr.agency.create", f"agency:{agency.id}", {"code": agency.code, "name": agency.name,
                                                       "parent": planned.parent.code,
                                                       "effective": planned.effective.isoformat(),
                                                       "decision": planned.decision}, actor=by)
    return change


def rename(agency: Agency, name: str, *, effective: date | None, decision: str, by: User) -> AgencyChange:
    """Rename ``agency`` from ``effective`` (reports for earlier dates keep the old name; audited)."""
    planned = plan_rename(agency, name, effective=effective, decision=decision, by=by)
    before = agency.name
    agency.name = planned.name or before
    change = _record("rename", agency, planned, by, name_before=before, name_after=agency.name)
    audit("hr.agency.rename", f"agency:{agency.id}", {"before": {"name": before}, "after": {"name": agency.name},
                                                       "effective": planned.effective.isoformat(),
                                                       "decision": planned.decision}, actor=by)
    return change


def move(agency: Agency, parent: Agency | None, *, effective: date | None, decision: str, by: User) -> AgencyChange:
    """Move ``agency`` and its subtree under ``parent`` from ``effective`` (audited). Its code
    stays: a new code is the issuing authority's decision, recorded separately."""
    planned = plan_move(agency, parent, effective=effective, decision=decision, by=by)
    assert planned.parent is not None  # checked above
    before = agency.parent
    _reparent(agency, planned.parent)
    change = _record("move", agency, planned, by, target_id=planned.parent.id,
                     parent_before_id=before.id if before else None)
    audit("hr.agency.move", f"agency:{agency.id}", {"before": {"parent": before.code if before else None},
                                                     "after": {"parent": planned.parent.code},
                                                     "effective": planned.effective.isoformat(),
                                                     "decision": planned.decision}, actor=by)
    return change


def dissolve(agency: Agency, *, effective: date | None, decision: str, by: User) -> AgencyChange:
    """Dissolve an empty ``agency`` from ``effective``: it becomes inactive and stays in the
    history (audited)."""
    planned = plan_dissolve(agency, effective=effective, decision=decision, by=by)
    agency.active = False
    change = _record("dissolve", agency, planned, by)
    audit("hr.agency.dissolve", f"agency:{agency.id}", {"code": agency.code, "effective": planned.effective.isoformat(),
                                                         "decision": planned.decision}, actor=by)
    return change


# ----------------------------------------------------------------------------- the units as they were

def names_on(agency_ids: Iterable[int], day: date) -> dict[int, str]:
    """Each unit's name on ``day``: the name before the first rename that took effect after
    ``day``, else its name today (two queries, whatever the number of units)."""
    ids = sorted(set(agency_ids))
    if not ids:
        return {}
    names = dict(db.session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids))).all())
    later = db.session.execute(
        select(AgencyChange.agency_id, AgencyChange.name_before)
        .where(AgencyChange.kind == "rename", AgencyChange.agency_id.in_(ids), AgencyChange.effective_on > day)
        .order_by(AgencyChange.effective_on.desc(), AgencyChange.id.desc()))
    for agency_id, before in later:  # the earliest rename after ``day`` is applied last, so it wins
        if before is not None:
            names[agency_id] = before
    return names


def parents_on(agency_ids: Iterable[int], day: date) -> dict[int, int | None]:
    """Each unit's parent on ``day``: the parent before the first move that took effect after
    ``day``, else its parent today (merges move the merged unit's children without a row each,
    so for those the parent after the merge is shown)."""
    ids = sorted(set(agency_ids))
    if not ids:
        return {}
    parents = dict(db.session.execute(select(Agency.id, Agency.parent_id).where(Agency.id.in_(ids))).all())
    later = db.session.execute(
        select(AgencyChange.agency_id, AgencyChange.parent_before_id)
        .where(AgencyChange.kind == "move", AgencyChange.agency_id.in_(ids), AgencyChange.effective_on > day)
        .order_by(AgencyChange.effective_on.desc(), AgencyChange.id.desc()))
    for agency_id, before in later:
        parents[agency_id] = before
    return parents


def units_on(agency_ids: Iterable[int], day: date) -> dict[int, tuple[str, str | None]]:
    """Each unit's name and its parent's name on ``day`` (the compliance report's row labels)."""
    ids = set(agency_ids)
    parents = parents_on(ids, day)
    names = names_on(ids | {p for p in parents.values() if p is not None}, day)
    units: dict[int, tuple[str, str | None]] = {}
    for unit in ids & names.keys():
        parent = parents.get(unit)
        units[unit] = (names[unit], names.get(parent) if parent is not None else None)
    return units


def changes_query(actor: User) -> Select:
    """Every change of a unit in ``actor``'s HR scope (the unit, or the unit it went into), newest
    first."""
    scope = scope_of(actor, Role.HR)
    return (select(AgencyChange)
            .where(or_(scope.contains(AgencyChange.agency_id), scope.contains(AgencyChange.target_id)))
            .order_by(AgencyChange.effective_on.desc(), AgencyChange.id.desc()))


def names_at_changes(changes: list[AgencyChange]) -> dict[tuple[int, int], str]:
    """(change id, unit id) → the unit's name on the change's effective date, for every unit a
    change names (the unit, its parent before, the unit it went into), so the change log reads as
    the decisions did (two queries for the whole log)."""
    ids = {i for c in changes for i in (c.agency_id, c.target_id, c.parent_before_id) if i is not None}
    if not ids:
        return {}
    current = dict(db.session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(ids))).all())
    renames: dict[int, list[tuple[date, str | None]]] = {}
    for agency_id, effective_on, before in db.session.execute(
            select(AgencyChange.agency_id, AgencyChange.effective_on, AgencyChange.name_before)
            .where(AgencyChange.kind == "rename", AgencyChange.agency_id.in_(ids))
            .order_by(AgencyChange.effective_on, AgencyChange.id)):
        renames.setdefault(agency_id, []).append((effective_on, before))
    names = {}
    for change in changes:
        for unit in (change.agency_id, change.target_id, change.parent_before_id):
            if unit is None or unit not in current:
                continue
            later = [before for day, before in renames.get(unit, []) if day > change.effective_on and before]
            names[(change.id, unit)] = later[0] if later else current[unit]
    return names
