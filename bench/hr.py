"""HR at the scale of a province: compliance, a person's standing, a review round, staff import.

Targets (issue 11, "Scale and proof"), on SQLite and on PostgreSQL, over a generated province of
100,000 staff records in 1,500 agencies, 1,000,000 quiz attempts, 200,000 certificates with their
module attainments:

* the compliance page of the whole province, and of one commune: p95 < 1 s;
* a person's standing page: p95 < 1 s;
* a 500-person review round's check (its page): p95 < 1 s, when ``hr.rounds`` is there;
* the number of SQL statements per page: reported, with the same page on a tiny province beside
  it (the same count means it does not grow with the data);
* a staff import of 50,000 rows through ``hr``'s importer (preview, then the all-or-nothing
  write, as the import jobs run them): < 60 s each.

Pages are requested through the Flask test client by a signed-in HR officer whose scope is the
whole province (production configuration, a fresh database session per request as in a server);
each page's first answer is a warm-up (and counts the SQL statements), then it is requested
again until ``SAMPLES`` answers or ``BUDGET_S`` seconds (at least ``MIN_SAMPLES``). The baseline,
measured in the same run on the same engine, is the same page on a tiny province (1/1000 of
everything); the ratio is page p95 ÷ tiny-province p95.

The province is generated once per database and size and kept (SQLite: a file under
``bench/results/``; PostgreSQL: the database ``bench_hr_<size>`` on 127.0.0.1:5432), recognised by
a fingerprint of the generator's version, its size and the migration files; rows go in with
SQLAlchemy Core ``insert()`` executemany in chunks. The import's rows are deleted again after it
is measured, so the kept province stays as generated. When a target is missed, one more request
is sampled by py-spy (``requirements-dev.txt``) and the section says where the time went.
``BENCH_QUICK=1`` uses a tenth of everything (and a 5,000-row import).
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, select, text

from bench._server import BENCH_PASSWORD, POSTGRESQL_SERVER, percentile, quick, seeding_app
from bench.report import markdown_table, write_section

ROOT = Path(__file__).resolve().parents[1]
CACHE_DIR = ROOT / "bench" / "results"
GENERATOR_VERSION = 4  # raise when the generated data change: kept provinces are then rebuilt
SEED = 2026
TARGET_PAGE_S = 1.0
TARGET_IMPORT_S = 60.0
IMPORT_LIMIT_S = 240.0  # a write still running then is stopped (rolled back): the run stays bounded
SAMPLES = 20
MIN_SAMPLES = 3
BUDGET_S = 10.0 if quick() else 40.0  # per page and database, after the warm-up
CHUNK = 10_000
ROUND_SIZE = 500
OFFICER = "hr-bench-officer"
IMPORT_PREFIX = "NK"  # employee codes of the imported rows (the generated ones start with "CB")


@dataclass(frozen=True)
class Size:
    """How much to generate."""

    name: str
    staff: int
    agencies: int
    attempts: int
    certificates: int
    import_rows: int

    @property
    def accounts(self) -> int:
        """Staff who have an account (the others never signed in)."""
        return self.staff * 4 // 5


FULL = Size("full", 100_000, 1_500, 1_000_000, 200_000, 50_000)
QUICK = Size("quick", 10_000, 150, 100_000, 20_000, 5_000)
TINY = Size("tiny", 100, 15, 1_000, 200, 0)


# ----------------------------------------------------------------------------- the generated province

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
           "Ngô", "Dương", "Lý", "Đinh", "Lương", "Trương", "Cao")
_MIDDLE = ("Thị", "Văn", "Đức", "Minh", "Thu", "Quốc", "Thanh", "Hữu", "Ngọc", "Xuân", "Thị Thu", "Văn Đức",
           "Hoài", "Kim", "Bảo")
_GIVEN = ("Hương", "Minh", "Hà", "Bảo", "Thắng", "Lan", "Dũng", "Hùng", "Mai", "Tuấn", "Linh", "Phương", "Anh",
          "Trang", "Long", "Nga", "Sơn", "Thảo", "Yến", "Hải", "Quân", "Nhung", "Khoa", "Ánh", "Đạt")
_PLACES = ("Nghệ An", "Hà Tĩnh", "Thanh Hóa", "Hà Nội", "Quảng Bình", "Huế")
_DEPARTMENTS = ("Sở Nội vụ", "Sở Tài chính", "Sở Giáo dục và Đào tạo", "Sở Y tế", "Sở Xây dựng",
                "Sở Nông nghiệp và Môi trường", "Sở Khoa học và Công nghệ", "Sở Tư pháp", "Sở Công Thương",
                "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo", "Văn phòng UBND tỉnh", "Thanh tra tỉnh",
                "Sở Ngoại vụ")
_DEPARTMENT_UNITS = ("Văn phòng", "Phòng Tổ chức cán bộ", "Phòng Kế hoạch – Tài chính", "Chi cục", "Trung tâm",
                     "Phòng Nghiệp vụ", "Ban Quản lý")
_COMMUNE_UNITS = ("Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa – Xã hội",
                  "Trung tâm Phục vụ hành chính công", "Trạm Y tế", "Trường Tiểu học", "Trường Trung học cơ sở")
# (position, share); the named ones have requirements in hr/data/requirements.json
_POSITIONS = (("Chuyên viên", 55), ("Văn thư", 10), ("Kế toán", 10), ("Quản trị hệ thống", 3),
              ("Biên tập cổng thông tin điện tử", 2), ("Giáo viên", 12), ("Nhân viên hành chính", 8))
# (rank code, name, share); None: a person without a civil-service rank recorded
_RANKS = (("01.003", "Chuyên viên", 50), ("01.002", "Chuyên viên chính", 15), ("01.004", "Cán sự", 10),
          ("01.005", "Nhân viên", 5), ("02.007", "Văn thư viên", 5), (None, None, 15))
BASIC = ("IU01", "IU02", "IU03", "IU04", "IU05", "IU06")
ADVANCED = ("IU07", "IU08", "IU09", "IU10", "IU11", "IU12", "IU13", "IU14", "IU15")
REORGANISED = date(2025, 7, 1)  # two-tier local government: many people changed unit that day
UTC = timezone.utc


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"


def _weighted(items: tuple, rng: random.Random, k: int) -> list:
    return rng.choices(items, weights=[item[-1] for item in items], k=k)


def agency_tree(count: int) -> list[tuple[str, str, str | None]]:
    """``count`` agencies (code, name, parent code) as a province has them after 2025: departments
    and communes under the province, units under each, schools and stations below some units.

    Codes follow the national format (``000.00.00.H41``: level 1; ``000.00.05.H41``: level 2...).
    """
    tree: list[tuple[str, str, str | None]] = [("000.00.00.H41", "Ủy ban nhân dân tỉnh Nghệ An", None)]
    level2 = min(99, max(4, count // 15))
    departments = max(2, level2 * 14 // 99)
    for y in range(1, level2 + 1):
        code = f"000.00.{y:02d}.H41"
        name = _DEPARTMENTS[(y - 1) % len(_DEPARTMENTS)] if y <= departments else \
            f"Ủy ban nhân dân {'phường' if y % 5 == 0 else 'xã'} số {y - departments}"
        tree.append((code, name, "000.00.00.H41"))
    level3_budget = (count - len(tree)) * 3 // 4
    per_department = max(1, level3_budget * 45 // 100 // departments)
    per_commune = max(1, (level3_budget - per_department * departments) // max(1, level2 - departments))
    level3: list[str] = []
    for y in range(1, level2 + 1):
        is_department = y <= departments
        units = _DEPARTMENT_UNITS if is_department else _COMMUNE_UNITS
        for z in range(1, min(99, per_department if is_department else per_commune) + 1):
            if len(tree) >= count:
                break
            code = f"000.{z:02d}.{y:02d}.H41"
            tree.append((code, f"{units[(z - 1) % len(units)]} {z}", f"000.00.{y:02d}.H41"))
            level3.append(code)
    v = 0
    while len(tree) < count:  # schools, stations, branches under the first units, nine each
        parent = level3[(v // 9) % len(level3)]
        _x, z, y, _h = parent.split(".")
        number = v % 9 + 1 + 9 * (v // (9 * len(level3)))
        tree.append((f"{number:03d}.{z}.{y}.H41", f"Đơn vị trực thuộc {number}", parent))
        v += 1
    return tree


def _fingerprint(size: Size) -> str:
    """The generator's version, the size and a digest of every migration file: a migration edited
    in place (as a feature's migration is while it is being built) also calls for a rebuild."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "migrations" / "versions").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"v{GENERATOR_VERSION}:{size.name}:{digest.hexdigest()[:16]}"


def _stored_fingerprint(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT value FROM bench_hr_meta WHERE key = 'fingerprint'")).scalar()
    except Exception:  # no such table (or database): not built yet
        return None
    finally:
        engine.dispose()


def _chunks(rows: list[dict], size: int = CHUNK) -> Iterable[list[dict]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _bulk(connection, table, rows: list[dict]) -> int:
    """Core ``insert()`` executemany, ``CHUNK`` rows at a time."""
    for chunk in _chunks(rows):
        connection.execute(insert(table), chunk)
    return len(rows)


def _next_id(connection, table) -> int:
    return (connection.execute(select(func.max(table.c.id))).scalar() or 0) + 1


def build(url: str, size: Size) -> dict[str, int]:
    """Generate the province into the empty database ``url``; the row counts per table."""
    from flask_migrate import upgrade

    from certificates.models import Certificate, CertificateKind, CertificateStatus, Issuer, ModuleAttainment
    from courses.models import Course
    from hr.models import (AgencyAssessment, ExternalCertificate, ExternalStatus, RequirementLevel, ReviewRound,
                           RoundCandidate, RoundKind, StaffAssignment, StaffRecord, StaffStatus, StaffStatusPeriod, Gender)
    from hr.standing import load_requirements
    from lms.cli import CONTENT_ROOT, load_content
    from lms.extensions import db
    from lms.models import Agency, Role, User
    from lms.services import create_user, grant_role
    from lms.text import fold
    from quizzes.models import Attempt, Quiz

    rng = random.Random(SEED)
    app = seeding_app(url)
    counts: dict[str, int] = {}
    with app.app_context():
        upgrade()
        load_content(CONTENT_ROOT)
        load_requirements()
        db.session.commit()
        connection = db.session.connection()
        now = datetime.now(UTC)
        today = now.date()

        # agencies: explicit ids, so the materialised paths are known before inserting
        first = _next_id(connection, Agency.__table__)
        tree = agency_tree(size.agencies)
        ids = {code: first + n for n, (code, _name_, _parent) in enumerate(tree)}
        paths: dict[str, str] = {}
        agency_rows = []
        for code, name, parent in tree:
            paths[code] = f"{paths[parent] if parent else '/'}{ids[code]}/"
            agency_rows.append({"id": ids[code], "code": code, "name": name,
                                "parent_id": ids[parent] if parent else None, "path": paths[code], "active": True})
        counts["agency"] = _bulk(connection, Agency.__table__, agency_rows)
        province_id = ids[tree[0][0]]
        # people: more in departments' units than in a commune's; nobody in the province's own office
        places = [ids[code] for code, _n, parent in tree if parent is not None]
        department = {code for code, name, parent in tree if parent == tree[0][0] and not name.startswith("Ủy ban")}
        weights = [3 if f"000.00.{code.split('.')[2]}.H41" in department else 1
                   for code, _n, parent in tree if parent is not None]
        agency_of = rng.choices(places, weights=weights, k=size.staff)

        # accounts of the people who sign in (one shared Argon2 hash: hashing 80,000 would dominate)
        officer = create_user(OFFICER, BENCH_PASSWORD, "Phạm Quốc Bảo", agency=db.session.get(Agency, province_id),
                              position="Chuyên viên chính")
        grant_role(officer, Role.HR, db.session.get(Agency, province_id))
        db.session.flush()
        password_hash = officer.password_hash
        user_first = _next_id(connection, User.__table__)
        names = [_name(rng) for _ in range(size.staff)]
        births = [date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 37)) for _ in range(size.staff)]
        codes = [f"CB{n:07d}" for n in range(1, size.staff + 1)]
        with_account = sorted(rng.sample(range(size.staff), size.accounts))
        user_of: dict[int, int] = {}
        user_rows = []
        for n, person in enumerate(with_account):
            user_of[person] = user_first + n
            user_rows.append({"id": user_first + n, "username": f"cb{person + 1:07d}", "password_hash": password_hash,
                              "full_name": names[person], "full_name_folded": fold(names[person]),
                              "employee_code": codes[person], "agency_id": agency_of[person],
                              "date_of_birth": births[person], "position": "Chuyên viên", "active": True,
                              "created_at": now, "must_change_password": False})
        counts["user"] = _bulk(connection, User.__table__, user_rows)
        del user_rows

        # staff records and their history (a tenth moved on the day of the 2025 reorganisation)
        staff_first = _next_id(connection, StaffRecord.__table__)
        positions = [p for p, _s in _weighted(_POSITIONS, rng, size.staff)]
        ranks = _weighted(_RANKS, rng, size.staff)
        statuses = rng.choices(list(StaffStatus), weights=(95, 2, 2, 1), k=size.staff)
        staff_rows, period_rows, status_rows = [], [], []
        for n in range(size.staff):
            staff_id = staff_first + n
            rank_code, rank_name, _share = ranks[n]
            staff_rows.append({
                "id": staff_id, "employee_code": codes[n], "full_name": names[n], "full_name_folded": fold(names[n]),
                "date_of_birth": births[n], "place_of_birth": rng.choice(_PLACES),
                "gender": Gender.FEMALE if " Thị" in names[n] or rng.random() < 0.4 else Gender.MALE,
                "agency_id": agency_of[n], "position": positions[n], "rank_code": rank_code, "rank_name": rank_name,
                "status": statuses[n], "user_id": user_of.get(n), "created_at": now, "updated_at": now})
            period = {"staff_id": staff_id, "agency_id": agency_of[n], "position": positions[n],
                      "rank_code": rank_code, "rank_name": rank_name, "valid_to": None, "recorded_at": now}
            if n % 10 == 0:
                period_rows.append({**period, "agency_id": rng.choice(places), "valid_from": date(2018, 1, 1),
                                    "valid_to": REORGANISED, "note": "Sắp xếp đơn vị hành chính 2025"})
                period_rows.append({**period, "valid_from": REORGANISED, "note": None})
            else:
                period_rows.append({**period, "valid_from": date(2015, 1, 1) + timedelta(days=rng.randrange(3000)),
                                    "note": None})
            # One status period from the first assignment (reports count by the status on the day).
            status_rows.append({"staff_id": staff_id, "status": statuses[n], "valid_to": None, "recorded_at": now,
                                "valid_from": period_rows[-2 if n % 10 == 0 else -1]["valid_from"]})
        counts["hr_staff"] = _bulk(connection, StaffRecord.__table__, staff_rows)
        counts["hr_staff_assignment"] = _bulk(connection, StaffAssignment.__table__, period_rows)
        counts["hr_staff_status"] = _bulk(connection, StaffStatusPeriod.__table__, status_rows)
        del staff_rows, period_rows, status_rows

        # quiz attempts, spread over the accounts (no question slots: the HR pages never read them)
        quizzes = list(db.session.scalars(select(Quiz.id).order_by(Quiz.id)))
        accounts = list(user_of.items())
        attempt_rows: list[dict] = []
        numbers: Counter[tuple[int, int]] = Counter()
        attempt_first = _next_id(connection, Attempt.__table__)
        for n in range(size.attempts):
            _person, user_id = accounts[rng.randrange(len(accounts))]
            quiz_id = quizzes[rng.randrange(len(quizzes))]
            numbers[quiz_id, user_id] += 1
            started = now - timedelta(days=rng.randrange(1500), seconds=rng.randrange(86_400))
            score = Decimal(rng.randrange(0, 1001)) / 100
            attempt_rows.append({"id": attempt_first + n, "quiz_id": quiz_id, "user_id": user_id,
                                 "number": numbers[quiz_id, user_id], "started_at": started,
                                 "deadline": started + timedelta(minutes=45),
                                 "submitted_at": started + timedelta(minutes=rng.randrange(5, 45)),
                                 "finished_reason": "submitted", "score": score, "passed": score >= 5})
            if len(attempt_rows) == 100_000:
                counts["attempt"] = counts.get("attempt", 0) + _bulk(connection, Attempt.__table__, attempt_rows)
                attempt_rows = []
        counts["attempt"] = counts.get("attempt", 0) + _bulk(connection, Attempt.__table__, attempt_rows)
        del attempt_rows, numbers

        # certificates and the module attainments they carry
        issuer_id = connection.execute(insert(Issuer.__table__).values(
            code="TTCĐS-BENCH", name="Trung tâm Chuyển đổi số tỉnh Nghệ An", issue_place="Nghệ An",
            signer_title="Giám đốc", signer_name="Nguyễn Văn An", created_at=now)).inserted_primary_key[0]
        courses = list(db.session.scalars(select(Course.id).order_by(Course.id)))
        certificate_first = _next_id(connection, Certificate.__table__)
        attainment_first = _next_id(connection, ModuleAttainment.__table__)
        certificate_rows, attainment_rows = [], []
        taken_courses: dict[int, set[int]] = defaultdict(set)
        kinds = rng.choices((CertificateKind.IT_BASIC, CertificateKind.IT_ADVANCED, CertificateKind.COURSE_COMPLETION),
                            weights=(55, 10, 35), k=size.certificates)
        for n, kind in enumerate(kinds):
            certificate_id = certificate_first + n
            person, user_id = accounts[rng.randrange(len(accounts))]
            course_id = None
            if kind is CertificateKind.COURSE_COMPLETION:
                free = [c for c in courses if c not in taken_courses[user_id]]
                if not free:
                    kind = CertificateKind.IT_BASIC
                else:
                    course_id = rng.choice(free)
                    taken_courses[user_id].add(course_id)
            modules = list(BASIC) if kind is CertificateKind.IT_BASIC else \
                sorted(rng.sample(ADVANCED, 3)) if kind is CertificateKind.IT_ADVANCED else []
            exam_day = today - timedelta(days=rng.randrange(2500))
            revoked = rng.random() < 0.02
            year = exam_day.year
            symbol = kind.register_symbol
            title = {"it_basic": "Chứng chỉ ứng dụng CNTT cơ bản", "it_advanced": "Chứng chỉ ứng dụng CNTT nâng cao",
                     "course_completion": "Giấy chứng nhận hoàn thành khóa học"}[kind.value]
            certificate_rows.append({
                "id": certificate_id, "code": f"B{certificate_id:011d}", "serial": f"{symbol}-{year}-{n + 1:07d}",
                "register_number": f"{n + 1:07d}/{year}/{symbol}", "serial_year": year, "serial_number": n + 1,
                "kind": kind, "status": CertificateStatus.REVOKED if revoked else CertificateStatus.VALID,
                "issuer_id": issuer_id, "holder_id": user_id, "course_id": course_id,
                "holder_agency_id": agency_of[person], "holder_name": names[person],
                "holder_name_folded": fold(names[person]), "holder_date_of_birth": births[person],
                "holder_employee_code": codes[person], "title": title, "modules": modules,
                "score": Decimal(rng.randrange(500, 1001)) / 100, "exam_date": exam_day,
                "issuer_name": "Trung tâm Chuyển đổi số tỉnh Nghệ An", "issue_place": "Nghệ An",
                "signer_title": "Giám đốc", "signer_name": "Nguyễn Văn An",
                "issued_at": datetime.combine(exam_day, datetime.min.time(), UTC) + timedelta(days=7),
                "revoked_at": datetime.combine(exam_day, datetime.min.time(), UTC) + timedelta(days=60) if revoked
                else None, "revocation_reason": "Gian lận trong kỳ thi" if revoked else None, "verification_count": 0})
            for module in modules:
                attainment_rows.append({
                    "id": attainment_first + len(attainment_rows), "user_id": user_id, "holder_name": names[person],
                    "module_code": module, "attained_on": exam_day, "score": Decimal(rng.randrange(500, 1001)) / 100,
                    "exam_session_id": None, "exam_title": f"Kỳ thi {exam_day:%m/%Y}",
                    "certificate_id": certificate_id, "void": revoked and rng.random() < 0.5, "created_at": now})
            if len(certificate_rows) == 50_000 or n == len(kinds) - 1:  # certificates before what refers to them
                counts["certificate"] = counts.get("certificate", 0) + _bulk(connection, Certificate.__table__,
                                                                             certificate_rows)
                counts["module_attainment"] = counts.get("module_attainment", 0) + _bulk(
                    connection, ModuleAttainment.__table__, attainment_rows)
                attainment_first += len(attainment_rows)
                certificate_rows, attainment_rows = [], []

        # evidence HR recorded: external certificates (3 %) and agencies' assessments (1 %)
        external_rows = [{
            "staff_id": staff_first + n, "issuer": "Trường Đại học Vinh", "serial": f"ĐHV-{n:07d}",
            "issued_on": today - timedelta(days=rng.randrange(3000)),
            "level": rng.choice((RequirementLevel.BASIC, RequirementLevel.ADVANCED)), "modules": [],
            "status": rng.choice(list(ExternalStatus)), "checked_by": "Phạm Quốc Bảo",
            "check_method": "Tra cứu trên trang của đơn vị cấp", "created_at": now,
        } for n in rng.sample(range(size.staff), size.staff * 3 // 100)]
        counts["hr_external_certificate"] = _bulk(connection, ExternalCertificate.__table__, external_rows)
        assessment_rows = [{
            "staff_id": staff_first + n, "level": RequirementLevel.BASIC, "modules": [],
            "decision_number": f"{n}/QĐ-UBND", "decided_on": today - timedelta(days=rng.randrange(1500)),
            "officer_name": "Lê Văn Hải", "officer_title": "Chủ tịch UBND", "created_at": now,
        } for n in rng.sample(range(size.staff), size.staff // 100)]
        counts["hr_assessment"] = _bulk(connection, AgencyAssessment.__table__, assessment_rows)

        # an open promotion round of up to 500 people
        round_id = connection.execute(insert(ReviewRound.__table__).values(
            title="Nâng ngạch chuyên viên chính 2026", kind=RoundKind.PROMOTION, target_rank_code="01.002",
            round_date=today, agency_id=province_id, created_by_id=officer.id, created_at=now)).inserted_primary_key[0]
        counts["hr_round_candidate"] = _bulk(connection, RoundCandidate.__table__, [
            {"round_id": round_id, "staff_id": staff_first + n}
            for n in sorted(rng.sample(range(size.staff), min(ROUND_SIZE, size.staff)))])

        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in ("agency", "user", "hr_staff", "attempt", "certificate", "module_attainment"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                                        f"(SELECT max(id) FROM \"{table}\"))"))
        # Every person's stored standing, as `flask hr recompute-standing` writes it (the rows
        # went in around the services that would have kept it).
        from hr.standing_store import refresh_all

        started = time.perf_counter()
        counts["hr_standing"] = refresh_all()
        print(f"hr: {counts['hr_standing']:,} standings computed in {time.perf_counter() - started:.0f} s")
        connection.execute(text("CREATE TABLE bench_hr_meta (key VARCHAR(32) PRIMARY KEY, value VARCHAR(255))"))
        connection.execute(text("INSERT INTO bench_hr_meta VALUES ('fingerprint', :f), ('round', :r)"),
                           {"f": _fingerprint(size), "r": str(round_id)})
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
                autocommit.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()
    return counts


def sqlite_province(size: Size) -> tuple[str, float | None]:
    """The kept SQLite province of ``size`` (built if missing or stale); seconds spent building."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path = CACHE_DIR / f"hr-province-{size.name}.sqlite3"
    url = f"sqlite:///{path}"
    if path.exists() and _stored_fingerprint(url) == _fingerprint(size):
        return url, None
    building = path.with_suffix(".building")
    for stale in (path, building, *path.parent.glob(f"{path.name}-*"), *path.parent.glob(f"{building.name}-*")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    counts = build(f"sqlite:///{building}", size)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    building.rename(path)
    print(f"hr: SQLite {size.name} province built in {time.perf_counter() - started:.0f} s: {counts}")
    return url, time.perf_counter() - started


def postgresql_province(size: Size) -> tuple[str | None, float | None]:
    """The kept PostgreSQL province of ``size`` in ``bench_hr_<size>`` on 127.0.0.1:5432; None if
    no server answers."""
    import psycopg

    database = f"bench_hr_{size.name}"
    server = POSTGRESQL_SERVER.replace("+psycopg", "")
    url = f"{POSTGRESQL_SERVER}/{database}"
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is None:
                admin.execute(f'CREATE DATABASE "{database}"')
    except psycopg.OperationalError:
        return None, None
    if _stored_fingerprint(url) == _fingerprint(size):
        return url, None
    with psycopg.connect(f"{server}/{database}", autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")
    started = time.perf_counter()
    counts = build(url, size)
    print(f"hr: PostgreSQL {size.name} province built in {time.perf_counter() - started:.0f} s: {counts}")
    return url, time.perf_counter() - started


# ----------------------------------------------------------------------------- measuring

@dataclass
class Page:
    """One page's figures on one database."""

    name: str
    path: str
    latencies: list[float] = field(default_factory=list)
    queries: int = 0
    status: int = 0
    note: str = ""
    profile: list[tuple[str, float]] = field(default_factory=list)
    profile_libraries: list[tuple[str, float]] = field(default_factory=list)
    available: bool = True

    @property
    def p95(self) -> float:
        """95th percentile in seconds."""
        return percentile(self.latencies, 0.95)

    @property
    def p50(self) -> float:
        """Median in seconds."""
        return percentile(self.latencies, 0.50)

    @property
    def passed(self) -> bool:
        """Answered 200 with p95 under the target."""
        return self.available and self.status == 200 and bool(self.latencies) and self.p95 < TARGET_PAGE_S


class _Queries:
    """Counts the SQL statements the engine sends (and, apart, the inserts of staff records)."""

    def __init__(self, engine):
        self.engine, self.count, self.staff_inserts = engine, 0, 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _connection, _cursor, statement, parameters, _context, executemany) -> None:
        self.count += 1
        if statement.startswith("INSERT INTO hr_staff "):
            # An executemany, or one INSERT … VALUES (…), (…) … RETURNING (SQLAlchemy's
            # "insertmanyvalues" batches of the import): count the rows either way.
            self.staff_inserts += len(parameters) if executemany else statement.count("), (") + 1

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def _signed_in_client(app):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    reply = client.post("/login", data={"csrf_token": token, "login": OFFICER, "password": BENCH_PASSWORD})
    if reply.status_code != 302:
        raise RuntimeError(f"the HR officer could not sign in ({reply.status_code})")
    return client


def _pages(app, size: Size) -> list[Page]:
    """The pages to time on this database: their paths, chosen in the generated data."""
    from hr.models import ReviewRound, StaffAssignment, StaffRecord, StaffStatus
    from lms.extensions import db
    from lms.models import Agency

    with app.app_context():
        # the commune with the most people
        commune_id = db.session.execute(
            select(Agency.id).join(StaffAssignment, StaffAssignment.agency_id == Agency.id)
            .where(Agency.name.like("Ủy ban nhân dân %"), StaffAssignment.valid_to.is_(None))
            .group_by(Agency.id).order_by(func.count().desc(), Agency.id).limit(1)).scalar()
        if commune_id is None:  # the tiny province's "communes" hold only their units' people
            commune_id = db.session.scalar(select(Agency.id).where(Agency.name.like("Ủy ban nhân dân %"),
                                                                   Agency.parent_id.is_not(None)).order_by(Agency.id))
        rng = random.Random(SEED)
        people = list(db.session.scalars(select(StaffRecord.id).where(
            StaffRecord.status == StaffStatus.WORKING, StaffRecord.user_id.is_not(None)).order_by(StaffRecord.id)))
        chosen = rng.sample(people, min(len(people), SAMPLES + 1))
        round_id = db.session.scalar(select(ReviewRound.id).order_by(ReviewRound.id.desc()))
    pages = [Page("Tỷ lệ đáp ứng, cả tỉnh (compliance, whole province)", "/hr/compliance"),
             Page("Tỷ lệ đáp ứng, một xã (compliance, one commune)", f"/hr/compliance?agency={commune_id}"),
             Page("Một người (person's standing, rotating people)", "|".join(f"/hr/staff/{p}" for p in chosen)),
             Page(f"Đợt xét {ROUND_SIZE} người (review round check)", f"/hr/rounds/{round_id}")]
    if "hr.round_detail" not in app.view_functions:
        pages[-1].available = False
        pages[-1].note = "hr.rounds is not in this branch yet: not measured"
    return pages


def _time_page(app, client, page: Page) -> None:
    """Warm up (counting the SQL statements), then time answers until SAMPLES or BUDGET_S."""
    from lms.extensions import db

    paths = page.path.split("|")
    with app.app_context():
        engine = db.engine
    counter = _Queries(engine)
    try:
        reply = client.get(paths[-1])
        page.status, page.queries = reply.status_code, counter.count
    finally:
        counter.close()
    if reply.status_code != 200:
        page.note = f"HTTP {reply.status_code}"
        return
    started = time.perf_counter()
    for number in range(SAMPLES):
        if number >= MIN_SAMPLES and time.perf_counter() - started > BUDGET_S:
            break
        begun = time.perf_counter()
        reply = client.get(paths[number % len(paths)])
        page.latencies.append(time.perf_counter() - begun)
        if reply.status_code != 200:
            page.status = reply.status_code
            page.note = f"HTTP {reply.status_code} during the samples"
            return


class _Sampler:
    """py-spy recording this process while a block runs: the share of samples per innermost project
    function on the stack and per library at the leaf, among the stacks that pass through ``marker``."""

    def __init__(self, marker: str):
        self.marker = marker
        self.ours: list[tuple[str, float]] = []
        self.leaves: list[tuple[str, float]] = []
        self.problem = ""

    def __enter__(self) -> _Sampler:
        spy = shutil.which("py-spy", path=str(ROOT / ".venv" / "bin")) or shutil.which("py-spy")
        self.directory = tempfile.TemporaryDirectory()
        self.output = Path(self.directory.name) / "profile.txt"
        self.process = None
        if spy is None:
            self.problem = "py-spy not installed (pip install -r requirements-dev.txt): not profiled"
            return self
        self.process = subprocess.Popen([spy, "record", "--pid", str(os.getpid()), "--rate", "100", "--idle",
                                         "--format", "raw", "--nonblocking", "--full-filenames", "-o", str(self.output)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # py-spy attaches
        return self

    def __exit__(self, *_exc) -> None:
        try:
            if self.process is not None:
                self.process.send_signal(signal.SIGINT)
                try:
                    self.process.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                if self.output.exists():
                    self._read(self.output.read_text(errors="replace"))
                else:
                    self.problem = "py-spy could not sample this process"
        finally:
            self.directory.cleanup()

    def _read(self, raw: str) -> None:
        ours: Counter[str] = Counter()
        leaves: Counter[str] = Counter()
        total = 0
        for line in raw.splitlines():
            stack, _sep, count = line.rpartition(" ")
            frames = stack.split(";")
            if not count.isdigit() or not any(self.marker in f for f in frames):
                continue
            samples = int(count)
            total += samples
            project = [f for f in frames if f"({ROOT}/" in f and "/.venv/" not in f and "/bench/" not in f]
            if project:
                function, _sep, where = project[-1].partition(" (")
                ours[f"{function} ({where.rstrip(')').replace(str(ROOT) + '/', '')})"] += samples
            leaf = frames[-1]
            library = re.search(r"/site-packages/([A-Za-z0-9_]+)", leaf) or \
                re.search(r"/python3\.\d+/([A-Za-z0-9_]+)", leaf)
            leaves["project code" if f"({ROOT}/" in leaf and "/.venv/" not in leaf else
                   library.group(1) if library else leaf.split(" (")[0][:40]] += samples
        if total:
            self.ours = [(name, 100 * n / total) for name, n in ours.most_common(8)]
            self.leaves = [(name, 100 * n / total) for name, n in leaves.most_common(6)]


def _profile(client, page: Page) -> None:
    """Sample one more answer of ``page`` with py-spy."""
    with _Sampler("werkzeug") as sampler:
        client.get(page.path.split("|")[0])
    page.profile, page.profile_libraries = sampler.ours, sampler.leaves
    if sampler.problem:
        page.note += f"; {sampler.problem}"


def _import_file(size: Size, agency_codes: list[str], rng: random.Random) -> bytes:
    """A staff list of ``size.import_rows`` new people, as the template's CSV (UTF-8, dd/mm/yyyy)."""
    from hr.importer import COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([heading for _key, heading in COLUMNS])
    for n in range(1, size.import_rows + 1):
        rank_code, rank_name, _share = _weighted(_RANKS, rng, 1)[0]
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 37))
        writer.writerow([f"{IMPORT_PREFIX}{n:07d}", _name(rng), born.strftime("%d/%m/%Y"), rng.choice(_PLACES),
                         rng.choice(("Nam", "Nữ")), rng.choice(agency_codes), _weighted(_POSITIONS, rng, 1)[0][0],
                         rank_code or "", rank_name or "", "Đang công tác"])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _remove_imported(app) -> int:
    """Delete the imported people again: the kept province stays as built (the import's audit entry
    stays too: the audit log is append-only, and one entry per run changes no figure)."""
    from hr.models import StaffAssignment, StaffRecord, StaffStanding, StaffStatusPeriod
    from lms.extensions import db
    with app.app_context():
        imported = select(StaffRecord.id).where(StaffRecord.employee_code.like(f"{IMPORT_PREFIX}%"))
        db.session.execute(StaffStanding.__table__.delete().where(StaffStanding.staff_id.in_(imported)))
        db.session.execute(StaffAssignment.__table__.delete().where(StaffAssignment.staff_id.in_(imported)))
        db.session.execute(StaffStatusPeriod.__table__.delete().where(StaffStatusPeriod.staff_id.in_(imported)))
        removed = db.session.execute(StaffRecord.__table__.delete().where(
            StaffRecord.employee_code.like(f"{IMPORT_PREFIX}%"))).rowcount
        db.session.commit()
    return removed


@dataclass
class ImportRun:
    """The staff import's figures on one database."""

    rows: int
    preview_s: float = 0.0
    write_s: float = 0.0
    outcome: str = ""
    preview_queries: int = 0
    stopped: bool = False
    written: int = 0  # records written by the write (all of them, or as many as when it was stopped)
    write_queries: int = 0
    profiles: dict[str, tuple[list, list]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Both steps under the target, every row created."""
        return self.outcome == "created" and self.preview_s < TARGET_IMPORT_S and self.write_s < TARGET_IMPORT_S


class _Stopped(Exception):
    """The import ran past ``IMPORT_LIMIT_S``."""


def _stop(_signum, _frame) -> None:
    raise _Stopped


def _import(app, size: Size) -> ImportRun:
    """Preview, then write ``size.import_rows`` new people through ``hr.jobs`` (what the import jobs
    run), committing once as the job runner does; then remove them."""
    from hr import jobs
    from lms.extensions import db
    from lms.models import Agency, User

    run = ImportRun(size.import_rows)
    _remove_imported(app)
    with app.app_context():
        codes = list(db.session.scalars(select(Agency.code).where(Agency.parent_id.is_not(None))))
        officer_id = db.session.scalar(select(User.id).where(User.username == OFFICER))
    data = _import_file(size, codes, random.Random(SEED + 1))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "danh-sach-can-bo.csv"
        path.write_bytes(data)
        with app.test_request_context(), _Sampler("preview_import_job") as sampler:
            counter = _Queries(db.engine)
            started = time.perf_counter()
            preview = jobs.preview_import_job(lambda *_a: None, str(path), path.name, officer_id)
            run.preview_s = time.perf_counter() - started
            counter.close()
            run.preview_queries = counter.count
            db.session.rollback()
        run.profiles["preview"] = (sampler.ours, sampler.leaves)
        if preview.get("preview", {}).get("counts", {}).get("new") != size.import_rows:
            run.outcome = f"preview refused: {str(preview)[:200]}"
            return run
        with app.test_request_context(), _Sampler("apply_import_job") as sampler:
            counter = _Queries(db.engine)
            previous = signal.signal(signal.SIGALRM, _stop)
            signal.setitimer(signal.ITIMER_REAL, IMPORT_LIMIT_S)
            started = time.perf_counter()
            try:
                result = jobs.apply_import_job(lambda *_a: None, str(path), path.name, officer_id)
                db.session.commit()
                run.write_s = time.perf_counter() - started
            except _Stopped:
                run.write_s = time.perf_counter() - started
                result = {"stopped": counter.staff_inserts}
                db.session.rollback()
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                counter.close()
            run.write_queries = counter.count
        run.profiles["write"] = (sampler.ours, sampler.leaves)
        if "stopped" in result:
            done = run.written = result["stopped"]
            run.stopped = True
            run.outcome = (f"stopped after {run.write_s:.0f} s with {done:,} of {size.import_rows:,} records written "
                           f"(rolled back)" + (f"; at that pace all would take about "
                                               f"{run.write_s * size.import_rows / done:,.0f} s" if done else ""))
        else:
            run.written = result.get("applied", {}).get("new", 0)
            run.outcome = "created" if run.written == size.import_rows else str(result)[:200]
    removed = _remove_imported(app)
    if removed != (0 if run.stopped else size.import_rows):
        run.outcome += f"; {removed} rows removed afterwards"
    return run


@dataclass
class EngineRun:
    """Everything measured on one database engine."""

    label: str
    built_s: float | None
    counts: dict[str, int]
    pages: list[Page]
    tiny: list[Page]
    imported: ImportRun | None


def _counts(app) -> dict[str, int]:
    from lms.extensions import db

    with app.app_context():
        return {table: db.session.execute(text(f'SELECT count(*) FROM "{table}"')).scalar()
                for table in ("agency", "hr_staff", "user", "attempt", "certificate", "module_attainment",
                              "hr_external_certificate", "hr_assessment", "hr_round_candidate")}


def _measure(label: str, url: str, tiny_url: str, size: Size, built_s: float | None) -> EngineRun:
    app = seeding_app(url)
    tiny_app = seeding_app(tiny_url)
    counts = _counts(app)
    pages, tiny = _pages(app, size), _pages(tiny_app, TINY)
    client, tiny_client = _signed_in_client(app), _signed_in_client(tiny_app)
    for page, small in zip(pages, tiny, strict=True):
        if not page.available:
            continue
        _time_page(tiny_app, tiny_client, small)
        _time_page(app, client, page)
        print(f"hr: {label}: {page.name}: p50 {page.p50 * 1000:.0f} ms, p95 {page.p95 * 1000:.0f} ms over "
              f"{len(page.latencies)} answers, {page.queries} SQL statements (tiny province: p95 "
              f"{small.p95 * 1000:.0f} ms, {small.queries} statements): {'PASS' if page.passed else 'FAIL'} "
              f"{page.note}")
        if not page.passed and page.status == 200:
            _profile(client, page)
    imported = _import(app, size) if size.import_rows else None
    if imported:
        print(f"hr: {label}: import of {imported.rows:,} rows: preview {imported.preview_s:.1f} s, write "
              f"{imported.write_s:.1f} s ({imported.outcome}): {'PASS' if imported.passed else 'FAIL'}")
    for each in (app, tiny_app):
        with each.app_context():
            from lms.extensions import db

            db.engine.dispose()
    return EngineRun(label, built_s, counts, pages, tiny, imported)


# ----------------------------------------------------------------------------- the report

def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _section(runs: list[EngineRun], size: Size, skipped: list[str]) -> str:
    rows = []
    for engine in runs:
        for page, small in zip(engine.pages, engine.tiny, strict=True):
            if not page.available:
                rows.append((engine.label, page.name, "—", "—", "—", "—", "—", "—", f"< {TARGET_PAGE_S:.0f} s",
                             f"not measured ({page.note})"))
                continue
            ratio = f"{page.p95 / small.p95:,.0f}×" if small.latencies and page.latencies else "—"
            grows = "same on the tiny one" if page.queries == small.queries else \
                f"{small.queries} on the tiny one{': grows' if page.queries > small.queries else ''}"
            rows.append((engine.label, page.name, len(page.latencies), _ms(page.p50), _ms(page.p95),
                         f"{page.queries} ({grows})", _ms(small.p95) if small.latencies else "—", ratio,
                         f"< {TARGET_PAGE_S:.0f} s", "PASS" if page.passed else f"FAIL {page.note}".strip()))
        if engine.imported:
            run = engine.imported
            previewed = not run.outcome.startswith("preview refused")
            for step, seconds, queries, done, handled in (
                    ("preview (read, check, compare)", run.preview_s, run.preview_queries, previewed, run.rows),
                    ("write (upsert, one commit)", run.write_s, run.write_queries, run.outcome == "created",
                     run.written)):
                rows.append((engine.label, f"Nhập {run.rows:,} hồ sơ: {step}", 1, f"{seconds:.1f} s",
                             f"{seconds:.1f} s", f"{queries:,}", "—",
                             f"{handled / seconds:,.0f} rows/s" if seconds else "—",
                             f"< {TARGET_IMPORT_S:.0f} s",
                             "PASS" if done and seconds < TARGET_IMPORT_S else
                             f"FAIL {run.outcome if not done else ''}".strip()))
    table = markdown_table(("database", "page", "answers", "p50 ms", "p95 ms", "SQL statements per answer",
                            "tiny province p95 ms", "ratio p95 ÷ tiny", "target p95", "result"), rows)
    data = []
    for engine in runs:
        data.append((engine.label, *(f"{engine.counts.get(t, 0):,}" for t in (
            "agency", "hr_staff", "user", "attempt", "certificate", "module_attainment", "hr_external_certificate",
            "hr_assessment")), f"{engine.built_s:.0f} s" if engine.built_s is not None else "kept from an earlier run"))
    data_table = markdown_table(("database", "agencies", "staff", "accounts", "attempts", "certificates",
                                 "module attainments", "external certificates", "assessments", "generated in"), data)
    notes = (
        f"A generated province (seed {SEED}): {size.agencies:,} agencies (province → departments and communes → "
        f"their units → schools and stations), {size.staff:,} staff records (a tenth moved unit on "
        f"{REORGANISED:%d/%m/%Y}, so they have two history periods; 95 % working), {size.accounts:,} of them with an "
        f"account, {size.attempts:,} quiz attempts, {size.certificates:,} certificates (55 % basic IT with IU01–IU06, "
        f"10 % advanced with three modules, 35 % course completion; 2 % revoked) and the module attainments they "
        f"carry, external certificates for 3 % and agency assessments for 1 % of the staff, an open promotion "
        f"round of {ROUND_SIZE} people. Rows are inserted with Core `insert()` executemany in chunks of "
        f"{CHUNK:,}; the province is kept per database (SQLite under `bench/results/`, PostgreSQL `bench_hr_"
        f"{size.name}` on 127.0.0.1) and rebuilt only when the generator or a migration file changes. "
        f"Pages: Flask test client, an HR officer scoped to the whole province, production configuration; the "
        f"first answer is a warm-up and counts the SQL statements, then up to {SAMPLES} answers or {BUDGET_S:.0f} s "
        f"(at least {MIN_SAMPLES}: with so few answers p95 is close to the slowest). The standing page rotates over "
        f"{SAMPLES + 1} working people with an account. Baseline (same run, same engine): the same page on a tiny "
        f"province ({TINY.staff} staff, {TINY.agencies} agencies, {TINY.attempts:,} attempts, {TINY.certificates} "
        f"certificates); ratio = p95 ÷ tiny p95; the SQL count beside it shows whether a page's statements grow "
        f"with the data. Import: a CSV of {size.import_rows:,} new people (the template's columns) through "
        f"`hr.jobs.preview_import_job` and `hr.jobs.apply_import_job` (what the import jobs run, without the job "
        f"queue), the write committed once; the imported rows are deleted afterwards. A write still running "
        f"after {IMPORT_LIMIT_S:.0f} s is stopped and rolled back, and its row says how far it got."
    )
    if quick():
        notes += (f" **Quick run** (`BENCH_QUICK=1`): a tenth of the province ({size.staff:,} staff) and a "
                  f"{size.import_rows:,}-row import; the targets are for the full size.")
    if skipped:
        notes += " " + " ".join(skipped)
    profiles = []
    for engine in runs:
        for page in engine.pages:
            if page.profile:
                ours = "; ".join(f"`{name}` {share:.0f} %" for name, share in page.profile)
                leaves = "; ".join(f"{name} {share:.0f} %" for name, share in page.profile_libraries)
                profiles.append(f"- **{engine.label}, {page.name}** (p95 {_ms(page.p95)} ms, {page.queries} SQL "
                                f"statements). Innermost project function on the stack: {ours}. At the leaf: {leaves}.")
        if engine.imported:
            for step, (ours, leaves) in engine.imported.profiles.items():
                seconds = engine.imported.preview_s if step == "preview" else engine.imported.write_s
                if ours and seconds >= TARGET_IMPORT_S:
                    profiles.append(
                        f"- **{engine.label}, import {step}** ({seconds:.0f} s, sampled while measured). Innermost "
                        f"project function: " + "; ".join(f"`{n}` {v:.0f} %" for n, v in ours) + ". At the leaf: "
                        + "; ".join(f"{n} {v:.0f} %" for n, v in leaves) + ".")
    body = f"{notes}\n\n{data_table}\n\n{table}\n"
    if profiles:
        body += ("\n### Where the time goes (py-spy: one more answer of each page that missed its target; the "
                 "import sampled while it was measured)\n\n"
                 "Share of the samples (100 per second, waiting on the database included) by the innermost "
                 "function of the project on the stack (file:line), and by the library running at the leaf. "
                 "What these say and what would fix them: [hr-benchmark.md](hr-benchmark.md).\n\n"
                 + "\n".join(profiles) + "\n")
    return body


def run() -> bool:
    """Build (or reuse) the provinces, measure SQLite and PostgreSQL, write the section; True on target."""
    size = QUICK if quick() else FULL
    runs: list[EngineRun] = []
    skipped: list[str] = []
    sqlite_url, built = sqlite_province(size)
    tiny_sqlite, _tiny_built = sqlite_province(TINY)
    runs.append(_measure("SQLite (WAL)", sqlite_url, tiny_sqlite, size, built))
    postgresql_url, built = postgresql_province(size)
    tiny_postgresql, _tiny_built = postgresql_province(TINY)
    if postgresql_url and tiny_postgresql:
        runs.append(_measure("PostgreSQL", postgresql_url, tiny_postgresql, size, built))
    else:
        skipped.append("PostgreSQL did not answer on 127.0.0.1:5432: not measured.")
        print("hr: PostgreSQL not reachable on 127.0.0.1:5432: skipped")
    write_section("HR at the scale of a province", _section(runs, size, skipped))
    measured = [page for engine in runs for page in engine.pages if page.available]
    imports = [engine.imported for engine in runs if engine.imported]
    return bool(measured) and all(page.passed for page in measured) and all(run.passed for run in imports)


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        raise SystemExit(0 if run() else 1)
