"""Importing accounts from CSV or Excel: read, check every row, preview, then apply all or nothing.

One row per person. A row whose employee code (``Mã cán bộ``) belongs to an existing account
updates that account (the staff record already exists: its name, e-mail, unit, position are
brought up to date and the listed roles added); any other row creates an account with a
temporary password, to be changed at first sign-in. Nothing is written unless every row is
right: the problems are listed by row and column, in the reader's language.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from sqlalchemy import select

from admin import services
from admin.services import AdminError
from lms.extensions import db
from lms.models import Agency, Role, User
from lms.officefile import OfficeFileError, inspect
from lms.text import fold

MAX_ROWS = 500  # one request creates them all (about 15 s on a busy 2-CPU machine): split larger files
MAX_BYTES = 5 * 1024 * 1024
# Column key -> headings accepted (compared without diacritics or case).
COLUMNS = {
    "username": ("Tên đăng nhập", "username"),
    "full_name": ("Họ và tên", "full name", "full_name"),
    "email": ("Thư điện tử", "email", "e-mail"),
    "agency_code": ("Mã cơ quan", "agency code", "agency_code"),
    "position": ("Chức vụ", "position"),
    "employee_code": ("Mã cán bộ", "employee code", "employee_code"),
    "date_of_birth": ("Ngày sinh", "date of birth", "date_of_birth"),
    "roles": ("Vai trò", "roles"),
}
# Roles an import may give (over the row's agency); administrators are made one by one.
IMPORTABLE_ROLES = {"author": Role.AUTHOR, "examiner": Role.EXAMINER, "hr": Role.HR, "board_chair": Role.BOARD_CHAIR,
                    "bien soan": Role.AUTHOR, "khao thi": Role.EXAMINER, "to chuc can bo": Role.HR,
                    "chu tich hoi dong thi": Role.BOARD_CHAIR}


def column_title(key: str) -> str:
    """A column's heading in the reader's language."""
    return {"username": _("Tên đăng nhập"), "full_name": _("Họ và tên"), "email": _("Thư điện tử"),
            "agency_code": _("Mã cơ quan"), "position": _("Chức vụ"), "employee_code": _("Mã cán bộ"),
            "date_of_birth": _("Ngày sinh"), "roles": _("Vai trò"), "": _("(cả dòng)")}[key]


@dataclass(frozen=True)
class Problem:
    """What is wrong where: ``row`` as the spreadsheet numbers it (0: the file itself)."""

    row: int
    column: str  # a COLUMNS key, or "" for the whole row
    message: str


@dataclass
class PlannedRow:
    """What one row will do."""

    row: int
    action: str  # "create" | "update"
    username: str
    full_name: str
    email: str | None
    agency: Agency | None
    position: str | None
    employee_code: str | None
    date_of_birth: date | None
    roles: list[Role] = field(default_factory=list)
    existing: User | None = None


class ImportFileError(Exception):
    """The file cannot be read at all (not CSV or Excel, no heading row, too large…)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def read_table(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV (UTF-8, comma, semicolon or tab) or .xlsx file as (row number, cells),
    keyed by column; raises ``ImportFileError`` for a file that cannot be read."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("Tệp quá lớn (tối đa 5 MB)."))
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        try:
            inspect(data, filename, accept={"xlsx"})
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except OfficeFileError as error:
            from lms.officefile import error_message

            raise ImportFileError(error_message(error)) from error
        except Exception as error:  # openpyxl raises many kinds on a damaged file; all mean "unreadable"
            raise ImportFileError(_("Không đọc được tệp Excel.")) from error
        # Formatted but empty rows count for nothing (dropped below); read a bounded number of rows.
        rows = [[_text(cell) for cell in row] for row in book.worksheets[0].iter_rows(values_only=True,
                                                                                    max_row=10 * MAX_ROWS)]
        book.close()
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(_("Tệp CSV cần lưu với bảng mã UTF-8.")) from error
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            rows = [[_text(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
        except csv.Error as error:
            raise ImportFileError(_("Không đọc được tệp CSV.")) from error
    else:
        raise ImportFileError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
    if not rows:
        raise ImportFileError(_("Tệp không có dòng nào."))
    headings = {fold(h).strip(): key for key, names in COLUMNS.items() for h in names}
    columns = {index: headings.get(fold(cell).strip()) for index, cell in enumerate(rows[0])}
    present = set(columns.values())
    missing = [column_title(key) for key in ("username", "full_name") if key not in present]
    if missing:
        raise ImportFileError(_("Dòng đầu tiên cần có tiêu đề các cột; thiếu cột: %(columns)s.",
                                columns=", ".join(missing)))
    result = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: row[index] for index, key in columns.items() if key and index < len(row)}
        if any(cells.values()):
            result.append((number, cells))
    if len(result) > MAX_ROWS:
        raise ImportFileError(_("Tệp có quá %(n)s dòng; hãy chia thành nhiều tệp.", n=MAX_ROWS))
    return result


def _date(text: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def plan(actor: User, rows: list[tuple[int, dict[str, str]]]) -> tuple[list[PlannedRow], list[Problem]]:
    """Check every row (against the database and the rest of the file) without writing anything."""
    from admin.routes import error_message

    planned: list[PlannedRow] = []
    problems: list[Problem] = []
    seen: dict[str, dict[str, int]] = {"username": {}, "email": {}, "employee_code": {}}
    scope = services.admin_scope(actor)
    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    if not rows:
        problems.append(Problem(0, "", _("Tệp không có dòng dữ liệu nào.")))
    for number, cells in rows:
        row_problems: list[Problem] = []

        def refuse(column: str, message: str) -> None:
            row_problems.append(Problem(number, column, message))  # noqa: B023 (called within the loop)

        username = cells.get("username", "").strip().lower()
        employee_code = cells.get("employee_code", "").strip() or None
        existing = None
        if employee_code:
            existing = db.session.scalar(select(User).where(User.employee_code == employee_code))
            if existing is not None and not scope.covers(existing.agency):
                refuse("employee_code", _("Mã cán bộ thuộc một tài khoản ngoài phạm vi bạn quản trị."))
                existing = None
        if existing is not None:
            if username and username != existing.username:
                refuse("username", _("Mã cán bộ %(code)s đã thuộc tài khoản %(username)s; tên đăng nhập phải để "
                                     "trống hoặc trùng.", code=employee_code, username=existing.username))
            username = existing.username
        elif not services.USERNAME_RE.match(username):
            refuse("username", _("Thiếu hoặc sai tên đăng nhập (2–64 chữ cái không dấu, chữ số, . - _)."))
        elif db.session.scalar(select(User.id).where(User.username == username)) is not None:
            refuse("username", _("Tên đăng nhập đã có người dùng."))
        try:
            full_name = services.clean_name(cells.get("full_name", ""))
        except AdminError as error:
            full_name = ""
            refuse("full_name", error_message(error))
        email = cells.get("email", "").strip().lower() or None
        if email:
            try:
                email = services.clean_email(email, existing)
            except AdminError as error:
                refuse("email", error_message(error))
        code = cells.get("agency_code", "").strip()
        agency = None
        if code:
            agency = agencies.get(code)
            if agency is None:
                refuse("agency_code", _("Không có cơ quan mã %(code)s.", code=code))
        elif existing is not None:
            agency = existing.agency
        if (code and agency is not None) or not code:
            if agency is None and not scope.covers(None):
                refuse("agency_code", _("Cần ghi mã cơ quan (bạn chỉ quản trị một số cơ quan)."))
            elif not scope.covers(agency):
                refuse("agency_code", _("Cơ quan ngoài phạm vi bạn quản trị."))
        born = None
        if cells.get("date_of_birth"):
            try:
                born = _date(cells["date_of_birth"])
            except ValueError:
                refuse("date_of_birth", _("Ngày sinh cần dạng dd/mm/yyyy."))
        roles = []
        for part in (cells.get("roles") or "").replace(";", ",").split(","):
            if part.strip():
                role = IMPORTABLE_ROLES.get(fold(part).strip())
                if role is None:
                    refuse("roles", _("Vai trò không hợp lệ: %(role)s.", role=part.strip()))
                else:
                    roles.append(role)
        if len(cells.get("position", "")) > 255:
            refuse("position", _("Chức vụ quá dài."))
        if employee_code and len(employee_code) > 32:
            refuse("employee_code", _("Mã cán bộ quá dài."))
        for key, value in (("username", username), ("email", email), ("employee_code", employee_code)):
            if value:
                first = seen[key].setdefault(value, number)
                if first != number:
                    refuse(key, _("Trùng với dòng %(row)s.", row=first))
        problems.extend(row_problems)
        if not row_problems:
            planned.append(PlannedRow(number, "update" if existing else "create", username, full_name, email, agency,
                                      cells.get("position") or None, employee_code, born, roles, existing))
    return planned, problems


def apply(actor: User, planned: list[PlannedRow]) -> list[tuple[User, str | None]]:
    """Carry out a checked plan (the caller commits, or rolls back on any error); returns each
    account with its temporary password (None for an updated one)."""
    done: list[tuple[User, str | None]] = []
    for row in planned:
        if row.existing is not None:
            user = row.existing
            services.update_account(actor, user, full_name=row.full_name, email=row.email or user.email,
                                    agency=row.agency, position=row.position or user.position,
                                    employee_code=user.employee_code)
            if row.date_of_birth:
                user.date_of_birth = row.date_of_birth
            password = None
        else:
            user, password = services.create_account(actor, username=row.username, full_name=row.full_name,
                                                     email=row.email, agency=row.agency, position=row.position,
                                                     employee_code=row.employee_code)
            user.date_of_birth = row.date_of_birth
        for role in row.roles:
            if not any(g.role == role and g.agency_id == (row.agency.id if row.agency else None) for g in user.grants):
                services.add_grant(actor, user, role, row.agency)
        done.append((user, password))
    db.session.flush()
    return done


def template_xlsx() -> bytes:
    """The import template: the headings, two example rows and a sheet explaining each column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tai khoan"
    keys = list(COLUMNS)
    sheet.append([COLUMNS[key][0] for key in keys])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(["nguyen.van.an", "Nguyễn Văn An", "an.nv@nghean.gov.vn", "000.00.01.H41", "Chuyên viên",
                  "NV-0001", "12/03/1985", ""])
    sheet.append(["tran.thi.binh", "Trần Thị Bình", "", "000.00.01.H41", "Trưởng phòng", "NV-0002", "",
                  "hr"])
    for letter, width in zip("ABCDEFGH", (18, 24, 26, 16, 18, 12, 12, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    guide = book.create_sheet("Huong dan")
    guide.append(["Cột", "Bắt buộc", "Ý nghĩa"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for row in (
        ("Tên đăng nhập", "Có (trừ khi Mã cán bộ đã có tài khoản)", "2–64 chữ cái không dấu, chữ số, . - _"),
        ("Họ và tên", "Có", "Họ, tên đệm, tên; có dấu"),
        ("Thư điện tử", "Không", "Mỗi tài khoản một địa chỉ"),
        ("Mã cơ quan", "Có nếu bạn chỉ quản trị một số cơ quan", "Mã định danh, ví dụ 000.00.01.H41"),
        ("Chức vụ", "Không", ""),
        ("Mã cán bộ", "Không", "Nếu mã đã thuộc một tài khoản, dòng này cập nhật tài khoản đó"),
        ("Ngày sinh", "Không", "dd/mm/yyyy"),
        ("Vai trò", "Không", "author, examiner, hr, board_chair (cách nhau bởi dấu phẩy), trong phạm vi cơ quan của dòng"),
    ):
        guide.append(list(row))
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 36
    guide.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

