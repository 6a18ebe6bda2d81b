"""Staff records and their history: create, change (closing the open period), search, link
accounts. Services flush; the request, command or job commits."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select

from hr import standing_store
from hr.models import Gender, StaffAssignment, StaffRecord, StaffStatus, StaffStatusPeriod
from lms.extensions import db
from lms.models import Agency, User
from lms.permissions import scoped
from lms.services import audit
from lms.text import fold, name_sort_key, nfc
from lms.timefmt import local_today


class HRError(Exception):
    """A refused HR operation; ``code`` names why (views turn it into a sentence)."""

    def __init__(self, reason: str, **params: object):
        super().__init__(reason)
        self.code = reason
        self.params = params


@dataclass
class StaffData:
    """What a staff record holds, as typed or imported (names already NFC)."""

    employee_code: str
    full_name: str
    date_of_birth: date
    agency: Agency
    place_of_birth: str | None = None
    gender: Gender | None = None
    position: str = ""
    rank_code: str | None = None
    rank_name: str | None = None
    status: StaffStatus = StaffStatus.WORKING

    def assignment(self) -> tuple:
        """The fields whose change is kept in the history."""
        return (self.agency.id, self.position, self.rank_code or None)


def clean_name(name: str | None) -> str:
    """A full name in NFC with single spaces between words."""
    return " ".join(nfc(name).split())


def normalise_code(code: str) -> str:
    """Employee codes are compared without surrounding blanks, in upper case."""
    return nfc(code).upper()


def _fields(record: StaffRecord) -> dict:
    return {"employee_code": record.employee_code, "full_name": record.full_name,
            "date_of_birth": record.date_of_birth.isoformat(), "place_of_birth": record.place_of_birth,
            "gender": record.gender.value if record.gender else None, "agency": record.agency.code,
            "position": record.position, "rank_code": record.rank_code, "rank_name": record.rank_name,
            "status": record.status.value}


def _link_account(record: StaffRecord) -> None:
    """Link the account that carries the same employee code, if there is one."""
    if record.user_id is None:
        user = db.session.scalar(select(User).where(User.employee_code == record.employee_code))
        if user is not None and db.session.scalar(select(StaffRecord.id).where(StaffRecord.user_id == user.id)) is None:
            record.user = user


def create_staff(data: StaffData, *, by: User | None, effective: date | None = None, audited: bool = True) -> StaffRecord:
    """A new staff record with its first history period (from ``effective``, default today)."""
    code = normalise_code(data.employee_code)
    if db.session.scalar(select(StaffRecord.id).where(StaffRecord.employee_code == code)) is not None:
        raise HRError("duplicate-code", code=code)
    record = StaffRecord(employee_code=code)
    _apply(record, data)
    db.session.add(record)
    record.history.append(StaffAssignment(agency=data.agency, position=record.position, rank_code=record.rank_code,
                                          rank_name=record.rank_name, valid_from=effective or local_today(),
                                          recorded_by_id=by.id if by else None))
    record.status_history.append(StaffStatusPeriod(status=record.status, valid_from=effective or local_today(),
                                                   recorded_by_id=by.id if by else None))
    _link_account(record)
    db.session.flush()
    standing_store.refresh([record.id])  # a linked account brings its evidence; the rank its requirement
    if audited:
        audit("hr.staff.create", f"hr_staff:{record.id}", {"after": _fields(record)}, actor=by)
    return record


def _apply(record: StaffRecord, data: StaffData) -> None:
    record.full_name = clean_name(data.full_name)
    record.full_name_folded = fold(record.full_name)
    record.date_of_birth = data.date_of_birth
    record.place_of_birth = nfc(data.place_of_birth) or None
    record.gender = data.gender
    record.agency = data.agency
    record.agency_id = data.agency.id
    record.position = nfc(data.position)
    record.rank_code = nfc(data.rank_code) or None
    record.rank_name = nfc(data.rank_name) or None
    record.status = data.status


def differences(record: StaffRecord, data: StaffData) -> dict[str, tuple]:
    """Field -> (old, new) for what ``data`` would change in ``record``."""
    new = {"full_name": clean_name(data.full_name), "date_of_birth": data.date_of_birth,
           "place_of_birth": nfc(data.place_of_birth) or None, "gender": data.gender, "agency": data.agency.code,
           "position": nfc(data.position), "rank_code": nfc(data.rank_code) or None,
           "rank_name": nfc(data.rank_name) or None, "status": data.status}
    old = {"full_name": record.full_name, "date_of_birth": record.date_of_birth,
           "place_of_birth": record.place_of_birth, "gender": record.gender, "agency": record.agency.code,
           "position": record.position, "rank_code": record.rank_code, "rank_name": record.rank_name,
           "status": record.status}
    return {key: (old[key], new[key]) for key in new if old[key] != new[key]}


def update_staff(record: StaffRecord, data: StaffData, *, by: User | None, effective: date | None = None,
                 note: str | None = None, audited: bool = True, flush: bool = True) -> bool:
    """Change a record; a change of agency, position or rank closes the open history period on
    ``effective`` (default today) and opens a new one. Returns whether anything changed."""
    changes = differences(record, data)
    if not changes:
        return False
    before = _fields(record)
    moved = (record.agency_id, record.position, record.rank_code) != (data.agency.id, nfc(data.position),
                                                                      nfc(data.rank_code) or None)
    effective = effective or local_today()
    current = next((period for period in record.history if period.valid_to is None), None)
    if moved and current is not None and effective < current.valid_from:
        raise HRError("effective-before-period", date=current.valid_from)  # before anything changed
    status_changed = record.status != data.status
    if status_changed:
        _change_status(record, data.status, effective, note, by)
    _apply(record, data)
    if moved:
        if current is not None:
            if effective == current.valid_from:  # a correction on the period's first day replaces it
                record.history.remove(current)
            else:
                current.valid_to = effective
        record.history.append(StaffAssignment(agency=data.agency, position=record.position,
                                              rank_code=record.rank_code, rank_name=record.rank_name,
                                              valid_from=effective, note=nfc(note) or None,
                                              recorded_by_id=by.id if by else None))
    if flush:  # an import flushes once per thousand rows instead (and rewrites standings in bulk)
        db.session.flush()
        standing_store.refresh([record.id])  # the unit, status, rank or position the report counts by
    if audited:
        audit("hr.staff.update", f"hr_staff:{record.id}", {"before": before, "after": _fields(record)},
              note=note, actor=by)
    return True


def _change_status(record: StaffRecord, status: StaffStatus, effective: date, note: str | None,
                   by: User | None) -> None:
    """Close the open status period on ``effective`` and open one with ``status`` (a change on the
    open period's first day corrects it instead)."""
    current = next((period for period in record.status_history if period.valid_to is None), None)
    if current is not None and effective < current.valid_from:
        raise HRError("effective-before-period", date=current.valid_from)
    if current is not None:
        if effective == current.valid_from:
            record.status_history.remove(current)
        else:
            current.valid_to = effective
    record.status_history.append(StaffStatusPeriod(status=status, valid_from=effective, note=nfc(note) or None,
                                                   recorded_by_id=by.id if by else None))


def status_on(record: StaffRecord, day: date) -> StaffStatus | None:
    """The status that was the person's on ``day`` (None before their first status period)."""
    for period in record.status_history:
        if period.valid_from <= day and (period.valid_to is None or day < period.valid_to):
            return period.status
    return None


DATE_QUERY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_vn_date(text: str) -> date | None:
    """A date typed dd/mm/yyyy (or with . or -), or ISO yyyy-mm-dd; None if it is not one."""
    text = (text or "").strip()
    match = DATE_QUERY.match(text)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            return date.fromisoformat(text)
    except ValueError:
        return None
    return None


def staff_query(text: str | None = None, *, agency_id: int | None = None, status: str | None = None,
                rank_code: str | None = None, actor=None) -> Select:
    """Staff records ``actor`` may see, filtered: ``text`` is a name typed with or without
    diacritics, an employee code, or a date of birth (dd/mm/yyyy)."""
    query = select(StaffRecord)
    text = nfc(text or "")[:100]
    if text:
        born = parse_vn_date(text)
        if born is not None:
            query = query.where(StaffRecord.date_of_birth == born)
        else:
            folded = fold(text)
            query = query.where(or_(StaffRecord.full_name_folded.contains(folded),
                                    StaffRecord.employee_code == normalise_code(text)))
    if agency_id:
        sub = db.session.get(Agency, agency_id)
        if sub is not None:
            query = query.where(StaffRecord.agency_id.in_(select(Agency.id).where(Agency.path.startswith(sub.path))))
    if status:
        query = query.where(StaffRecord.status == StaffStatus(status))
    if rank_code:
        query = query.where(StaffRecord.rank_code == rank_code)
    return scoped(StaffRecord, "view", query, actor=actor)


def in_vietnamese_order(records: list[StaffRecord]) -> list[StaffRecord]:
    """Given name, middle names, family name, in Vietnamese alphabetical order (then date of birth)."""
    return sorted(records, key=lambda r: (name_sort_key(r.full_name), r.date_of_birth, r.employee_code))


def ordered_ids(query: Select) -> list[int]:
    """The ids of ``query``'s staff records in Vietnamese name order, reading only the columns
    the order needs (a page then loads its own rows): the database cannot sort by given name."""
    rows = db.session.execute(query.with_only_columns(StaffRecord.id, StaffRecord.full_name,
                                                      StaffRecord.date_of_birth, StaffRecord.employee_code))
    return [row[0] for row in sorted(rows, key=lambda r: (name_sort_key(r[1]), r[2], r[3]))]


def staff_by_code(code: str, action: str = "view", actor=None) -> StaffRecord | None:
    """The record with this employee code, if ``actor`` may ``action`` it."""
    query = select(StaffRecord).where(StaffRecord.employee_code == normalise_code(code))
    return db.session.scalar(scoped(StaffRecord, action, query, actor=actor))


def assignment_on(record: StaffRecord, day: date) -> StaffAssignment | None:
    """The history period that covered ``day`` (None before the first one)."""
    for period in record.history:
        if period.valid_from <= day and (period.valid_to is None or day < period.valid_to):
            return period
    return None
