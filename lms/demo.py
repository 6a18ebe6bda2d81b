"""Demo province, agencies and one account per role. Idempotent."""
from __future__ import annotations

from datetime import date

from lms.models import Role, User
from lms.services import create_user, find_user_by_login, get_or_create_agency, grant_role, load_framework

DEMO_PASSWORD = "HocCNTT@2026"

# (code, name): a province, departments under it, a unit under a department, communes.
DEMO_AGENCIES = [
    ("000.00.00.H41", "Ủy ban nhân dân tỉnh Nghệ An"),
    ("000.00.01.H41", "Sở Nội vụ"),
    ("000.00.02.H41", "Sở Khoa học và Công nghệ"),
    ("000.00.03.H41", "Văn phòng Ủy ban nhân dân tỉnh"),
    ("000.00.04.H41", "Sở Tài chính"),
    ("000.01.02.H41", "Trung tâm Chuyển đổi số"),
    ("000.00.31.H41", "Ủy ban nhân dân xã Hưng Nguyên"),
    ("000.00.32.H41", "Ủy ban nhân dân xã Nghi Lộc"),
    ("000.00.33.H41", "Ủy ban nhân dân phường Vinh Phú"),
]

# username, full name, agency code, position, employee code, date of birth, role, scope code
DEMO_PEOPLE = [
    ("hocvien", "Nguyễn Thị Hương", "000.00.01.H41", "Chuyên viên", "NA-0001", date(1982, 3, 12), None, None),
    ("tacgia", "Trần Văn Minh", "000.01.02.H41", "Chuyên viên chính", "NA-0002", date(1979, 7, 5), Role.AUTHOR, None),
    ("khaothi", "Lê Thị Thu Hà", "000.01.02.H41", "Giám đốc trung tâm sát hạch", "NA-0003", date(1980, 11, 20), Role.EXAMINER, "000.00.00.H41"),
    ("nhansu", "Phạm Quốc Bảo", "000.00.01.H41", "Trưởng phòng Tổ chức cán bộ", "NA-0004", date(1976, 1, 8), Role.HR, "000.00.00.H41"),
    ("quantri", "Hoàng Đức Thắng", "000.00.02.H41", "Quản trị hệ thống", "NA-0005", date(1988, 9, 14), Role.ADMIN, None),
    # Narrower scopes, so that anyone can see what scoping hides: an HR officer of one
    # department, an examiner of one commune, and the chair of the province's exam board.
    ("nhansu2", "Đinh Thị Mai", "000.00.01.H41", "Chuyên viên Phòng Tổ chức", "NA-0006", date(1985, 4, 2), Role.HR,
     "000.00.01.H41"),
    ("khaothi2", "Võ Văn Tâm", "000.00.32.H41", "Công chức Văn hóa - Xã hội", "NA-0007", date(1983, 6, 25),
     Role.EXAMINER, "000.00.32.H41"),
    ("chutich", "Đặng Văn Hùng", "000.00.02.H41", "Phó Giám đốc Sở", "NA-0008", date(1972, 12, 1), Role.BOARD_CHAIR,
     "000.00.00.H41"),
]


def load_demo() -> list[tuple[str, str]]:
    """Create the framework, agencies and accounts if missing; return (username, description)."""
    load_framework()
    agencies = {code: get_or_create_agency(code, name) for code, name in DEMO_AGENCIES}
    accounts = []
    for username, name, agency_code, position, employee_code, born, role, scope in DEMO_PEOPLE:
        user = find_user_by_login(username)
        if user is None:
            user = create_user(username, DEMO_PASSWORD, name, email=f"{username}@demo.gov.vn",
                               agency=agencies[agency_code], position=position,
                               employee_code=employee_code, date_of_birth=born,
                               place_of_birth="Nghệ An")
        if role is not None:
            grant_role(user, role, agencies[scope] if scope else None)
        accounts.append((username, f"{name} — {(role or Role.LEARNER).value}"))
    return accounts


def demo_user(username: str) -> User:
    """A demo account that a feature's demo data needs; a clear error when it is missing."""
    user = find_user_by_login(username)
    if user is None:
        raise LookupError(f"the demo account {username!r} is missing (the accounts' demo loader creates it)")
    return user
