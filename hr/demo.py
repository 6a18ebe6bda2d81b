"""Demo data for HR: the default requirements, a few hundred generated staff records of the demo
province (some meeting the standard, some not, some with external certificates or an agency
assessment), records for the demo accounts, and one open promotion round. Idempotent."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from hr import evidence, services
from hr.models import Gender, RequirementLevel, StaffRecord, StaffStatus
from hr.standing import load_requirements, rank_requirements
from lms.extensions import db
from lms.models import Agency, User
from lms.services import find_user_by_login

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE_M = ["Văn", "Đức", "Quốc", "Minh", "Hữu", "Công", "Thành", "Xuân"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Minh", "Ngọc", "Thị Thanh", "Thị Hồng"]
GIVEN_M = ["An", "Bảo", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phúc", "Quân", "Sơn",
           "Thắng", "Toàn", "Tuấn", "Việt", "Vinh"]
GIVEN_F = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung", "Oanh",
           "Phương", "Quỳnh", "Thảo", "Trang", "Yến"]
POSITIONS = ["Chuyên viên tổng hợp", "Văn thư", "Kế toán", "Quản trị hệ thống", "Chuyên viên pháp chế",
             "Biên tập cổng thông tin điện tử", "Công chức Văn phòng - Thống kê"]
RANK_WEIGHTS = {"01.003": 50, "01.002": 15, "01.004": 10, "01.005": 5, "02.007": 8, "02.008": 4}
STAFF_COUNT = 320
FIRST_CODE = 1001
BASIC = ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]


def _name(rng: random.Random, gender: Gender) -> str:
    if gender is Gender.MALE:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


def load_demo_hr() -> None:
    """Create the demo's HR data if it is not there yet."""
    load_requirements()
    officer = find_user_by_login("nhansu")
    if not db.session.scalar(select(StaffRecord.id).where(StaffRecord.employee_code == f"NA-{FIRST_CODE}")):
        _demo_staff(officer)
    from hr.rounds import load_demo_round
    from hr.standing_store import refresh_all

    load_demo_round(officer)
    # Demo certificates may have been issued by other loaders around the services: every stored
    # standing is rewritten once, so the compliance report of the demo reads only stored rows.
    refresh_all()


def _demo_staff(officer: User | None) -> None:
    """The generated staff of the demo province, their evidence and the 2025 reorganisation."""
    agencies = list(db.session.scalars(select(Agency).where(Agency.code.like("%.H41")).order_by(Agency.code)))
    if not agencies:
        return
    ranks = {r.code: r for r in rank_requirements()}
    rng = random.Random(2026)
    started = date(2024, 1, 1)
    # The demo accounts get their own records (linked by employee code): their exams count.
    for user in db.session.scalars(select(User).where(User.employee_code.is_not(None), User.agency_id.is_not(None))
                                   .order_by(User.id)):
        if db.session.scalar(select(StaffRecord.id).where(StaffRecord.employee_code == user.employee_code)):
            continue
        if user.employee_code is None or user.agency is None:  # the query asked for both
            continue
        services.create_staff(services.StaffData(
            employee_code=user.employee_code, full_name=user.full_name,
            date_of_birth=user.date_of_birth or date(1985, 1, 1), agency=user.agency,
            place_of_birth=user.place_of_birth, position=user.position or "", rank_code="01.003",
            rank_name=ranks["01.003"].name if "01.003" in ranks else None), by=officer, effective=started,
            audited=False)
    codes, weights = zip(*RANK_WEIGHTS.items(), strict=True)
    for number in range(FIRST_CODE, FIRST_CODE + STAFF_COUNT):
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        rank = ranks.get(rng.choices(codes, weights)[0])
        record = services.create_staff(services.StaffData(
            employee_code=f"NA-{number}", full_name=_name(rng, gender),
            date_of_birth=date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 35)),
            agency=rng.choice(agencies), place_of_birth=rng.choice(["Nghệ An", "Hà Tĩnh", "Thanh Hóa", "Hà Nội"]),
            gender=gender, position=rng.choice(POSITIONS), rank_code=rank.code if rank else None,
            rank_name=rank.name if rank else None,
            status=rng.choices(list(StaffStatus), [90, 4, 3, 3])[0]), by=officer, effective=started, audited=False)
        _demo_evidence(rng, record, officer)
    _demo_reorganisation(rng, officer, ranks, started)


def _demo_reorganisation(rng: random.Random, officer: User | None, ranks: dict, started: date) -> None:
    """The 2025 reorganisation: a district-level unit whose staff worked there until 30 June 2025,
    merged into the commune on 1 July 2025 (reports before that date still show the district)."""
    from hr.agencies import merge
    from lms.services import get_or_create_agency

    commune = db.session.scalar(select(Agency).where(Agency.code == "000.00.32.H41"))
    if commune is None or officer is None:
        return
    district = get_or_create_agency("000.00.42.H41", "Ủy ban nhân dân huyện Nghi Lộc (đến 30/06/2025)")
    rank = ranks.get("01.003")
    for number in range(FIRST_CODE + STAFF_COUNT, FIRST_CODE + STAFF_COUNT + 15):
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        record = services.create_staff(services.StaffData(
            employee_code=f"NA-{number}", full_name=_name(rng, gender),
            date_of_birth=date(1970, 1, 1) + timedelta(days=rng.randrange(0, 365 * 25)), agency=district,
            place_of_birth="Nghệ An", gender=gender, position=rng.choice(POSITIONS),
            rank_code=rank.code if rank else None, rank_name=rank.name if rank else None), by=officer,
            effective=started, audited=False)
        _demo_evidence(rng, record, officer)
    merge(district, commune, effective=date(2025, 7, 1), decision="1678/QĐ-UBND", by=officer)
    _demo_unit_changes(rng, officer, rank, started)


def _demo_unit_changes(rng: random.Random, officer: User, rank, started: date) -> None:
    """One unit of each kind of change, so the change log shows them all: the provincial web
    portal's unit created under the provincial office, moved to the Department of Science and
    Technology (which took over information and communications on 1 March 2025) and renamed; an
    e-government project board whose staff moved to it before it was dissolved; one retirement."""
    from hr import agencies

    office = db.session.scalar(select(Agency).where(Agency.code == "000.00.03.H41"))
    science = db.session.scalar(select(Agency).where(Agency.code == "000.00.02.H41"))
    if office is None or science is None:
        return
    portal = agencies.create(office, "000.01.03.H41", "Cổng thông tin điện tử tỉnh", effective=date(2023, 1, 1),
                             decision="12/QĐ-UBND", by=officer).agency
    board = agencies.create(office, "000.02.03.H41", "Ban Quản lý dự án Chính quyền điện tử",
                            effective=date(2023, 1, 1), decision="13/QĐ-UBND", by=officer).agency
    people = []
    for number, unit in enumerate([portal] * 8 + [board] * 3, start=FIRST_CODE + STAFF_COUNT + 15):
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        record = services.create_staff(services.StaffData(
            employee_code=f"NA-{number}", full_name=_name(rng, gender),
            date_of_birth=date(1966, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30)), agency=unit,
            place_of_birth="Nghệ An", gender=gender, position="Biên tập cổng thông tin điện tử",
            rank_code=rank.code if rank else None, rank_name=rank.name if rank else None), by=officer,
            effective=started, audited=False)
        _demo_evidence(rng, record, officer)
        people.append(record)
    agencies.move(portal, science, effective=date(2025, 3, 1), decision="512/QĐ-UBND", by=officer)
    agencies.rename(portal, "Trung tâm Thông tin và Cổng thông tin điện tử", effective=date(2025, 3, 15),
                    decision="620/QĐ-SKHCN", by=officer)
    for record in people[8:]:  # the board's people join the portal's unit, then the board is dissolved
        _demo_change(record, officer, date(2025, 7, 1), "Điều động theo 1680/QĐ-UBND", agency=portal)
    agencies.dissolve(board, effective=date(2025, 7, 1), decision="1680/QĐ-UBND", by=officer)
    _demo_change(people[0], officer, date(2026, 7, 1), "Nghỉ hưu theo 310/QĐ-SKHCN", status=StaffStatus.RETIRED)


def _demo_change(record: StaffRecord, officer: User, effective: date, note: str, *, agency: Agency | None = None,
                 status: StaffStatus | None = None) -> None:
    """Move ``record`` to ``agency`` or give it ``status`` from ``effective`` (kept in its history)."""
    services.update_staff(record, services.StaffData(
        employee_code=record.employee_code, full_name=record.full_name, date_of_birth=record.date_of_birth,
        agency=agency or record.agency, place_of_birth=record.place_of_birth, gender=record.gender,
        position=record.position, rank_code=record.rank_code, rank_name=record.rank_name,
        status=status or record.status), by=officer, effective=effective, note=note, audited=False)


def _demo_evidence(rng: random.Random, record: StaffRecord, officer: User | None) -> None:
    """About half meet the basic standard through a verified external certificate or an agency
    assessment; some hold a certificate not yet checked; some only a few modules."""
    draw = rng.random()
    issued = date(2018, 1, 1) + timedelta(days=rng.randrange(0, 365 * 7))
    if draw < 0.40:
        evidence.add_external(
            record, issuer=rng.choice(["Trường Đại học Vinh", "Trung tâm Tin học - Ngoại ngữ Hà Tĩnh"]),
            serial=f"CB{rng.randrange(100000, 999999)}", issued_on=issued,
            level="advanced" if draw < 0.05 else "basic", modules=[], valid_until=None, status="verified",
            checked_by=officer.full_name if officer else "Phòng Tổ chức cán bộ",
            check_method="Tra cứu trên trang của đơn vị cấp", checked_on=date(2025, 3, 1), note=None, scan=None,
            by=officer)
    elif draw < 0.50:
        evidence.add_external(
            record, issuer="Trung tâm Đào tạo Tin học Sao Mai", serial=f"SM-{rng.randrange(10000, 99999)}",
            issued_on=issued, level="basic", modules=[], valid_until=None, status="pending", checked_by=None,
            check_method=None, checked_on=None, note=None, scan=None, by=officer)
    elif draw < 0.58:
        evidence.add_assessment(
            record, level=RequirementLevel.BASIC.value, modules=[], decision_number=f"{rng.randrange(10, 99)}/QĐ-SNV",
            decided_on=date(2025, 10, 15), officer_name="Nguyễn Văn Thành", officer_title="Giám đốc Sở Nội vụ",
            note=None, by=officer)
    elif draw < 0.75:
        evidence.add_external(
            record, issuer="Trường Đại học Vinh", serial=f"MD{rng.randrange(100000, 999999)}", issued_on=issued,
            level="none", modules=rng.sample(BASIC, rng.randrange(2, 5)), valid_until=None, status="verified",
            checked_by="Phòng Tổ chức cán bộ", check_method="Đối chiếu bản gốc", checked_on=date(2025, 3, 1),
            note=None, scan=None, by=officer)
