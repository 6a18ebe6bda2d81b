"""Staff lists in and out: CSV and Excel with the same columns, a template, a preview (new,
changed, unchanged, not in the file) and an all-or-nothing upsert by employee code.

Problems are recorded as codes with their row and column (``Problem``) and put into words by
``problem_message`` in the reader's language, so a job can keep them in its JSON result.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import cast
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import selectinload

from hr.models import Gender, StaffRecord, StaffStatus
from hr.services import StaffData, differences, normalise_code
from hr.standing import rank_requirements
from hr.standing_store import COUNTED, Placed, refresh, store_without_evidence
from lms import officefile
from lms.database import utcnow
from lms.extensions import db
from lms.models import Agency, User
from lms.permissions import scope_of
from lms.models import Role
from lms.text import fold, nfc
from lms.timefmt import local_today

# (key, heading in the file). The headings are the template's; files are matched by heading
# (without diacritics or case), so the columns may come in any order.
COLUMNS = [
    ("employee_code", "Mã cán bộ"), ("full_name", "Họ và tên"), ("date_of_birth", "Ngày sinh"),
    ("place_of_birth", "Nơi sinh"), ("gender", "Giới tính"), ("agency", "Mã đơn vị"),
    ("position", "Vị trí việc làm"), ("rank_code", "Mã ngạch"), ("rank_name", "Tên ngạch"),
    ("status", "Tình trạng"),
]
REQUIRED = ("employee_code", "full_name", "date_of_birth", "agency")
HEADINGS = dict(COLUMNS)
MAX_ROWS = 60_000
MAX_PROBLEMS = 500
GENDERS = {"nam": Gender.MALE, "male": Gender.MALE, "nu": Gender.FEMALE, "female": Gender.FEMALE}
STATUSES = {"dang cong tac": StaffStatus.WORKING, "working": StaffStatus.WORKING,
            "tam nghi": StaffStatus.ON_LEAVE, "on_leave": StaffStatus.ON_LEAVE,
            "da nghi huu": StaffStatus.RETIRED, "nghi huu": StaffStatus.RETIRED, "retired": StaffStatus.RETIRED,
            "da chuyen cong tac": StaffStatus.TRANSFERRED, "chuyen cong tac": StaffStatus.TRANSFERRED,
            "transferred": StaffStatus.TRANSFERRED}
STATUS_WORDS = {StaffStatus.WORKING: "Đang công tác", StaffStatus.ON_LEAVE: "Tạm nghỉ",
                StaffStatus.RETIRED: "Đã nghỉ hưu", StaffStatus.TRANSFERRED: "Đã chuyển công tác"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Problem:
    """One problem: ``row`` (1 is the heading row; 0 the file as a whole), the column's heading
    ("" for none), a ``code`` and its parameters."""

    row: int
    column: str
    code: str
    params: dict = field(default_factory=dict)


class ImportRefused(Exception):
    """The file cannot be imported; nothing was stored."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


def problem_message(problem: Problem | dict) -> str:
    """A problem in the reader's language."""
    if isinstance(problem, dict):
        problem = Problem(**problem)
    p = problem.params
    messages = {
        "empty": _("Tệp rỗng hoặc không có dòng dữ liệu nào."),
        "not-readable": _("Không đọc được tệp: hãy lưu lại dạng CSV (UTF-8) hoặc Excel .xlsx theo tệp mẫu."),
        "office": p.get("text", ""),
        "unknown-column": _("Cột %(letter)s có tên không có trong mẫu.", letter=p.get("letter", "")),
        "repeated-column": _("Cột này có hai lần."),
        "missing-column": _("Thiếu cột bắt buộc."),
        "too-many-rows": _("Tệp có hơn %(n)s dòng; hãy chia thành nhiều tệp.", n=f"{MAX_ROWS:,}".replace(",", ".")),
        "required": _("Ô bắt buộc đang trống."),
        "duplicate-code": _("Mã cán bộ này đã có ở dòng %(first)s.", first=p.get("first", "")),
        "unknown-agency": _("Không có đơn vị mã %(code)s.", code=p.get("code", "")),
        "agency-out-of-scope": _("Đơn vị %(code)s ngoài phạm vi anh/chị quản lý.", code=p.get("code", "")),
        "record-out-of-scope": _("Mã cán bộ này thuộc hồ sơ của đơn vị ngoài phạm vi anh/chị quản lý."),
        "bad-date": _("Ngày không đúng dạng dd/mm/yyyy."),
        "future-date": _("Ngày sinh ở tương lai."),
        "bad-gender": _("Giới tính ghi Nam hoặc Nữ."),
        "bad-status": _("Tình trạng ghi một trong: Đang công tác, Tạm nghỉ, Đã nghỉ hưu, Đã chuyển công tác."),
        "unknown-rank": _("Mã ngạch không có trong danh mục; ghi thêm tên ngạch."),
        "short-name": _("Họ và tên gồm ít nhất họ và tên."),
        "too-long": _("Nội dung dài quá %(n)s ký tự.", n=p.get("n", "")),
        "effective-before-period": _("Hồ sơ này đã có thay đổi từ sau ngày hiệu lực của lần nhập này."),
    }
    return messages.get(problem.code, _("Dòng này có lỗi."))


@dataclass
class Row:
    """A parsed row of the file: its number and the record it describes."""

    number: int
    data: StaffData


# ----------------------------------------------------------------------------- reading the file

def _cells_csv(data: bytes) -> Iterator[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused([Problem(0, "", "not-readable")]) from error
    first = text.split("\n", 1)[0]
    dialect = ";" if first.count(";") > first.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=dialect)


def _cells_xlsx(data: bytes, filename: str) -> Iterator[list]:
    try:
        checked = officefile.inspect(data, filename, accept={"xlsx"})
        workbook = load_workbook(checked.stream(), read_only=True, data_only=False)
    except officefile.OfficeFileError as error:
        raise ImportRefused([Problem(0, "", "office", {"text": str(officefile.error_message(error))})]) from error
    except Exception as error:  # openpyxl reports a malformed package with many exception types
        raise ImportRefused([Problem(0, "", "not-readable")]) from error
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except ImportRefused:
        raise
    except Exception as error:  # a malformed sheet only shows up while it is read
        raise ImportRefused([Problem(0, "", "not-readable")]) from error
    finally:
        workbook.close()


def first_column(data: bytes, filename: str) -> list[str]:
    """The first column's non-blank values of an uploaded list (a heading row is skipped)."""
    cells = _cells_xlsx(data, filename) if filename.lower().endswith(".xlsx") else _cells_csv(data)
    values = [_text(row[0]) for row in cells if row and row[0] not in (None, "") and _text(row[0])]
    if values and fold(values[0]) in ("ma can bo", "employee code", "ma"):
        values = values[1:]
    return values


def read_table(data: bytes, filename: str) -> tuple[dict[int, str], list[tuple[int, dict]]]:
    """The column map and the non-blank rows (number, {key: raw value}) of an uploaded file."""
    if not data:
        raise ImportRefused([Problem(0, "", "empty")])
    cells = _cells_xlsx(data, filename) if filename.lower().endswith(".xlsx") else _cells_csv(data)
    header = next(cells, None)
    if header is None:
        raise ImportRefused([Problem(0, "", "empty")])
    known = {fold(heading): key for key, heading in COLUMNS}
    columns: dict[int, str] = {}
    problems: list[Problem] = []
    for index, value in enumerate(header):
        heading = nfc(str(value)) if value is not None else ""
        if not heading:
            continue
        key = known.get(" ".join(fold(heading).split()))
        if key is None:
            problems.append(Problem(1, heading, "unknown-column", {"letter": get_column_letter(index + 1)}))
        elif key in columns.values():
            problems.append(Problem(1, HEADINGS[key], "repeated-column"))
        else:
            columns[index] = key
    problems += [Problem(1, HEADINGS[key], "missing-column") for key in REQUIRED if key not in columns.values()]
    if problems:
        raise ImportRefused(problems)
    rows: list[tuple[int, dict]] = []
    for number, values in enumerate(cells, start=2):
        row = {columns[i]: v for i, v in enumerate(values) if i in columns and v not in (None, "")
               and not (isinstance(v, str) and not v.strip())}
        if not row:
            continue
        if len(rows) == MAX_ROWS:
            raise ImportRefused([Problem(number, "", "too-many-rows")])
        rows.append((number, row))
    if not rows:
        raise ImportRefused([Problem(0, "", "empty")])
    return columns, rows


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from hr.services import parse_vn_date

    return parse_vn_date(_text(value))


# ----------------------------------------------------------------------------- checking

def parse(data: bytes, filename: str, actor: User, progress: Callable[[int, int], None] | None = None) -> list[Row]:
    """Every row of the file as a record, or ``ImportRefused`` with every problem found."""
    _columns, table = read_table(data, filename)
    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    scope = scope_of(actor, Role.HR)
    ranks = {r.code: r.name for r in rank_requirements()}
    today = local_today()
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    rows: list[Row] = []
    for done, (number, raw) in enumerate(table, start=1):
        if progress is not None and done % 2000 == 0:
            progress(done, len(table))
        row_problems: list[Problem] = []

        def bad(key: str, problem: str, **params) -> None:
            row_problems.append(Problem(number, HEADINGS[key], problem, params))  # noqa: B023

        for key in REQUIRED:
            if key not in raw:
                bad(key, "required")
        for key, limit in (("employee_code", 32), ("full_name", 255), ("place_of_birth", 255), ("position", 255),
                           ("rank_code", 16), ("rank_name", 255)):
            if key in raw and len(_text(raw[key])) > limit:
                bad(key, "too-long", n=limit)
        code = normalise_code(_text(raw.get("employee_code", "")))
        if code:
            if code in seen:
                bad("employee_code", "duplicate-code", first=seen[code])
            else:
                seen[code] = number
        name = _text(raw.get("full_name", ""))
        if name and len(name.split()) < 2:
            bad("full_name", "short-name")
        born = None
        if "date_of_birth" in raw:
            born = _date(raw["date_of_birth"])
            if born is None:
                bad("date_of_birth", "bad-date")
            elif born > today:
                bad("date_of_birth", "future-date")
        agency = None
        if "agency" in raw:
            agency_code = _text(raw["agency"])
            agency = agencies.get(agency_code)
            if agency is None:
                bad("agency", "unknown-agency", code=agency_code)
            elif not scope.covers(agency):
                bad("agency", "agency-out-of-scope", code=agency_code)
        gender = None
        if "gender" in raw:
            gender = GENDERS.get(fold(_text(raw["gender"])))
            if gender is None:
                bad("gender", "bad-gender")
        status: StaffStatus | None = StaffStatus.WORKING
        if "status" in raw:
            status = STATUSES.get(" ".join(fold(_text(raw["status"])).split()))
            if status is None:
                bad("status", "bad-status")
        rank_code = _text(raw.get("rank_code", "")) or None
        rank_name = _text(raw.get("rank_name", "")) or (ranks.get(rank_code) if rank_code else None)
        if rank_code and not rank_name:
            bad("rank_code", "unknown-rank")
        if row_problems:
            problems += row_problems
            if len(problems) >= MAX_PROBLEMS:
                break
            continue
        if born is None or agency is None or status is None:  # each was reported above when missing or bad
            raise ValueError(f"row {number} has no problem but lacks a required value")
        rows.append(Row(number, StaffData(
            employee_code=code, full_name=name, date_of_birth=born, agency=agency,
            place_of_birth=_text(raw.get("place_of_birth", "")) or None, gender=gender,
            position=_text(raw.get("position", "")), rank_code=rank_code, rank_name=rank_name, status=status)))
    if problems:
        raise ImportRefused(problems[:MAX_PROBLEMS])
    return rows


@dataclass
class Unlisted:
    """A record in the officer's scope that the file does not list (it is never deleted)."""

    employee_code: str
    full_name: str
    agency_name: str


@dataclass
class Plan:
    """What an import would do: rows to create, rows to change (with their differences), rows
    unchanged, and records in the officer's scope that the file does not list."""

    new: list[Row] = field(default_factory=list)
    changed: list[tuple[Row, StaffRecord, dict]] = field(default_factory=list)
    unchanged: list[Row] = field(default_factory=list)
    not_in_file: list[Unlisted] = field(default_factory=list)

    def summary(self, sample: int = 200) -> dict:
        """A JSON-ready account of the plan (counts and the first rows of each kind)."""
        def describe(row: Row) -> dict:
            return {"row": row.number, "code": row.data.employee_code, "name": nfc(row.data.full_name),
                    "agency": row.data.agency.name}

        return {
            "counts": {"new": len(self.new), "changed": len(self.changed), "unchanged": len(self.unchanged),
                       "not_in_file": len(self.not_in_file)},
            "new": [describe(r) for r in self.new[:sample]],
            "changed": [{**describe(r), "fields": sorted(d)} for r, _record, d in self.changed[:sample]],
            "not_in_file": [{"code": r.employee_code, "name": r.full_name, "agency": r.agency_name}
                            for r in self.not_in_file[:sample]],
        }


def plan(rows: list[Row], actor: User) -> Plan:
    """Compare the rows with the stored records (by employee code); records outside the actor's
    scope cannot be changed through an import."""
    from lms.permissions import scoped

    listed = {row.data.employee_code for row in rows}
    # Only the records the file names are loaded whole, with their history (a few queries per 500
    # codes, not one per row when the rows are applied); of the others only what the preview
    # lists is read (loading a province's 100,000 records as objects took most of an import).
    existing: dict[str, StaffRecord] = {}
    codes = sorted(listed)
    for start in range(0, len(codes), 500):
        existing.update((r.employee_code, r) for r in db.session.scalars(
            select(StaffRecord).where(StaffRecord.employee_code.in_(codes[start:start + 500]))
            .options(selectinload(StaffRecord.history), selectinload(StaffRecord.status_history))))
    names: dict[int, str] = {agency_id: name for agency_id, name in db.session.execute(select(Agency.id, Agency.name))}
    in_scope = [(staff_id, code, name, agency_id) for staff_id, code, name, agency_id in db.session.execute(
        scoped(StaffRecord, "manage", select(StaffRecord.id, StaffRecord.employee_code, StaffRecord.full_name,
                                             StaffRecord.agency_id), actor=actor).order_by(StaffRecord.id))]
    visible = {staff_id for staff_id, _code, _name, _agency in in_scope}
    result = Plan()
    problems = []
    for row in rows:
        record = existing.get(row.data.employee_code)
        if record is None:
            result.new.append(row)
        elif record.id not in visible:
            problems.append(Problem(row.number, HEADINGS["employee_code"], "record-out-of-scope"))
        else:
            changes = differences(record, row.data)
            (result.changed.append((row, record, changes)) if changes else result.unchanged.append(row))
    if problems:
        raise ImportRefused(problems[:MAX_PROBLEMS])
    result.not_in_file = [Unlisted(code, name, names.get(agency_id, "")) for _id, code, name, agency_id in in_scope
                          if code not in listed]
    return result


WRITE_CHUNK = 1000  # rows per executemany: one statement per table and chunk


def _chunked(items: list, size: int = WRITE_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _create_many(rows: list[StaffData], actor: User | None, day: date) -> tuple[list[Placed], list[int]]:
    """Insert new records and their first history periods with Core executemany, a chunk at a
    time (their codes are known to be new: the plan checked). Accounts with the same employee
    codes are found with one query per chunk. Returns the new people placed (for their stored
    standing) and the ids of those linked to an account (their evidence must be read)."""
    from hr.models import StaffAssignment, StaffStatusPeriod
    from hr.services import clean_name

    staff, periods = cast(Table, StaffRecord.__table__), cast(Table, StaffAssignment.__table__)
    statuses = cast(Table, StaffStatusPeriod.__table__)
    now = utcnow()
    placed: list[Placed] = []
    linked: list[int] = []
    taken: set[int] = set()
    for chunk in _chunked(rows):
        codes = [data.employee_code for data in chunk]
        accounts = {code: user_id for code, user_id in db.session.execute(
            select(User.employee_code, User.id).where(User.employee_code.in_(codes)))}
        taken.update(db.session.scalars(select(StaffRecord.user_id).where(
            StaffRecord.user_id.in_(list(accounts.values())))))
        values = []
        for data in chunk:
            user_id = accounts.get(data.employee_code)
            if user_id in taken:  # an account already linked to another record stays with it
                user_id = None
            if user_id is not None:
                taken.add(user_id)
            name = clean_name(data.full_name)
            values.append({
                "employee_code": data.employee_code, "full_name": name, "full_name_folded": fold(name),
                "date_of_birth": data.date_of_birth, "place_of_birth": nfc(data.place_of_birth) or None,
                "gender": data.gender, "agency_id": data.agency.id, "position": nfc(data.position),
                "rank_code": nfc(data.rank_code) or None, "rank_name": nfc(data.rank_name) or None,
                "status": data.status, "user_id": user_id, "created_at": now, "updated_at": now})
        ids = {code: staff_id for staff_id, code in db.session.execute(
            insert(staff).returning(staff.c.id, staff.c.employee_code), values)}
        db.session.execute(insert(periods), [
            {"staff_id": ids[row["employee_code"]], "agency_id": row["agency_id"], "position": row["position"],
             "rank_code": row["rank_code"], "rank_name": row["rank_name"], "valid_from": day,
             "recorded_by_id": actor.id if actor else None, "recorded_at": now} for row in values])
        db.session.execute(insert(statuses), [
            {"staff_id": ids[row["employee_code"]], "status": row["status"], "valid_from": day,
             "recorded_by_id": actor.id if actor else None, "recorded_at": now} for row in values])
        for row in values:
            staff_id = ids[row["employee_code"]]
            if row["user_id"] is not None:
                linked.append(staff_id)
            else:
                placed.append(Placed(staff_id, None, row["rank_code"], row["position"], row["agency_id"],
                                     row["status"] in COUNTED and day <= local_today()))
    return placed, linked


def _update_many(changed: list[tuple[Row, StaffRecord, dict]], actor: User | None, day: date) -> list[int]:
    """Write the changed records with Core executemany, as ``update_staff`` would one by one: a
    change of agency, position or rank closes the open period on ``day`` (or replaces it when it
    began that day) and opens a new one. Returns the ids written (their stored standings follow)."""
    from hr.models import StaffAssignment, StaffStatusPeriod
    from hr.services import clean_name

    staff, periods = cast(Table, StaffRecord.__table__), cast(Table, StaffAssignment.__table__)
    statuses = cast(Table, StaffStatusPeriod.__table__)
    now = utcnow()
    records, closed, removed, opened, written = [], [], [], [], []
    status_closed, status_removed, status_opened = [], [], []
    for row, record, _changes in changed:
        data = row.data
        position, rank_code = nfc(data.position), nfc(data.rank_code) or None
        moved = (record.agency_id, record.position, record.rank_code) != (data.agency.id, position, rank_code)
        current = next((period for period in record.history if period.valid_to is None), None)
        if moved and current is not None and day < current.valid_from:
            raise ImportRefused([Problem(row.number, "", "effective-before-period")])
        if record.status != data.status:  # as ``hr.services._change_status``: the status history
            status = next((period for period in record.status_history if period.valid_to is None), None)
            if status is not None and day < status.valid_from:
                raise ImportRefused([Problem(row.number, "", "effective-before-period")])
            if status is not None:
                if status.valid_from == day:
                    status_removed.append(status.id)
                else:
                    status_closed.append({"b_id": status.id, "valid_to": day})
            status_opened.append({"staff_id": record.id, "status": data.status, "valid_from": day,
                                  "recorded_by_id": actor.id if actor else None, "recorded_at": now})
        name = clean_name(data.full_name)
        records.append({
            "b_id": record.id, "full_name": name, "full_name_folded": fold(name),
            "date_of_birth": data.date_of_birth, "place_of_birth": nfc(data.place_of_birth) or None,
            "gender": data.gender, "agency_id": data.agency.id, "position": position, "rank_code": rank_code,
            "rank_name": nfc(data.rank_name) or None, "status": data.status, "updated_at": now})
        written.append(record.id)
        if not moved:
            continue
        if current is not None:
            if current.valid_from == day:  # a correction on the period's first day replaces it
                removed.append(current.id)
            else:
                closed.append({"b_id": current.id, "valid_to": day})
        opened.append({"staff_id": record.id, "agency_id": data.agency.id, "position": position,
                       "rank_code": rank_code, "rank_name": nfc(data.rank_name) or None, "valid_from": day,
                       "recorded_by_id": actor.id if actor else None, "recorded_at": now})
    for chunk in _chunked(records):
        db.session.execute(update(staff).where(staff.c.id == bindparam("b_id")), chunk)
    for chunk in _chunked(closed):
        db.session.execute(update(periods).where(periods.c.id == bindparam("b_id")), chunk)
    for chunk in _chunked(removed):
        db.session.execute(delete(periods).where(periods.c.id.in_(chunk)))
    for chunk in _chunked(opened):
        db.session.execute(insert(periods), chunk)
    for chunk in _chunked(status_closed):
        db.session.execute(update(statuses).where(statuses.c.id == bindparam("b_id")), chunk)
    for chunk in _chunked(status_removed):
        db.session.execute(delete(statuses).where(statuses.c.id.in_(chunk)))
    for chunk in _chunked(status_opened):
        db.session.execute(insert(statuses), chunk)
    return written


def apply(result: Plan, actor: User, effective: date | None = None, origin: str | None = None) -> dict:
    """Create and change every record of the plan (the caller commits once: all or nothing).

    Rows are written with SQLAlchemy Core executemany a chunk at a time (an ORM object per row
    took minutes for 50,000 rows); the history periods and the stored standings are written
    in the same transaction, and one audit entry names every record."""
    from lms.services import audit

    day = effective or local_today()
    db.session.flush()  # nothing of the session's own may be pending under the Core writes
    placed, linked = _create_many([row.data for row in result.new], actor, day)
    changed = _update_many(result.changed, actor, day)
    # The ORM copies loaded by the plan no longer match the rows written around them.
    db.session.expire_all()
    # New people without an account hold no evidence yet: judged without reading any.
    store_without_evidence(placed, stale_on=day if day > local_today() else None)
    refresh(linked + changed)
    counts = {"new": len(result.new), "changed": len(result.changed), "unchanged": len(result.unchanged)}
    # One audit entry for the import, naming every record it created or changed.
    audit("hr.staff.import", "hr_staff:import", {
        **counts, "created": [r.data.employee_code for r in result.new][:5000],
        "updated": {record.employee_code: sorted(changes) for _r, record, changes in result.changed[:5000]}},
        actor=actor, origin=origin)
    return counts


# ----------------------------------------------------------------------------- writing files

def _row_values(record: StaffRecord) -> list:
    return [record.employee_code, record.full_name, record.date_of_birth, record.place_of_birth or "",
            {Gender.MALE: "Nam", Gender.FEMALE: "Nữ"}.get(record.gender, "") if record.gender else "",
            record.agency.code, record.position, record.rank_code or "", record.rank_name or "",
            STATUS_WORDS[record.status]]


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_xlsx(records: list[StaffRecord]) -> bytes:
    """The staff list with the import's columns (dates as dd/mm/yyyy date cells)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách cán bộ"
    sheet.append([heading for _key, heading in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for record in records:
        sheet.append([_safe(v) for v in _row_values(record)])
        sheet.cell(row=sheet.max_row, column=3).number_format = "dd/mm/yyyy"
    widths = [14, 28, 12, 18, 10, 16, 30, 10, 22, 18]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_csv(records: list[StaffRecord]) -> bytes:
    """The staff list as CSV (UTF-8 with a byte-order mark, so Excel reads the diacritics)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([heading for _key, heading in COLUMNS])
    for record in records:
        values = _row_values(record)
        values[2] = record.date_of_birth.strftime("%d/%m/%Y")
        writer.writerow([_safe(v) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The import template: the headings and one example row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách cán bộ"
    sheet.append([heading for _key, heading in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["NA-0100", "Nguyễn Thị Hương", date(1985, 3, 12), "Nghệ An", "Nữ", "000.00.01.H41",
                  "Chuyên viên tổng hợp", "01.003", "Chuyên viên", "Đang công tác"])
    sheet.cell(row=2, column=3).number_format = "dd/mm/yyyy"
    for index in range(1, len(COLUMNS) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 20
    guide = book.create_sheet("Hướng dẫn")
    for line in ("Dòng 1 là tên cột, giữ nguyên như mẫu; thứ tự cột có thể đổi.",
                 "Bắt buộc: Mã cán bộ, Họ và tên, Ngày sinh (dd/mm/yyyy), Mã đơn vị (mã định danh QCVN 102:2016).",
                 "Giới tính: Nam hoặc Nữ. Tình trạng: Đang công tác, Tạm nghỉ, Đã nghỉ hưu, Đã chuyển công tác.",
                 "Mã cán bộ trùng với hồ sơ đã có thì hồ sơ đó được cập nhật; nếu có lỗi, không dòng nào được ghi."):
        guide.append([line])
    guide.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems_json(problems: list[Problem]) -> list[dict]:
    """Problems as JSON-ready dicts (a job's result)."""
    return [asdict(p) for p in problems]
