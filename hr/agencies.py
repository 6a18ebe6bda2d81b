"""Agencies as the province really changes them: a merge of one unit into another with an
effective date and a decision number.

A merge moves the unit's staff records (a new history period in the new unit from the effective
date, so reports for earlier dates still show the old unit), the accounts placed in it, and the
current ownership of its people's certificates (``holder_agency_id``; the printed snapshot never
changes); units under it move under the new unit. The old unit stays, inactive, with its history.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from certificates.models import Certificate
from hr.models import AgencyChange, StaffRecord
from hr.services import HRError, StaffData, update_staff
from lms.database import rows_changed
from lms.extensions import db
from lms.models import Agency, Role, User
from lms.permissions import scope_of
from lms.services import audit
from lms.text import nfc


def _reparent(agency: Agency, parent: Agency) -> None:
    """Move ``agency`` (and its subtree's materialised paths) under ``parent``."""
    old_path = agency.path
    agency.parent = parent
    agency.parent_id = parent.id
    new_path = f"{parent.path}{agency.id}/"
    for unit in db.session.scalars(select(Agency).where(Agency.path.startswith(old_path))):
        unit.path = new_path + unit.path[len(old_path):]


def merge(source: Agency, target: Agency, *, effective: date, decision: str, by: User) -> AgencyChange:
    """Merge ``source`` into ``target`` on ``effective`` under ``decision`` (audited)."""
    decision = nfc(decision)
    scope = scope_of(by, Role.HR)
    if not (scope.covers(source) and scope.covers(target)):
        raise HRError("agency-out-of-scope")
    if source.id == target.id or target.path.startswith(source.path):
        raise HRError("merge-into-itself")
    if not source.active:
        raise HRError("agency-inactive")
    if not decision:
        raise HRError("decision-needed")
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
