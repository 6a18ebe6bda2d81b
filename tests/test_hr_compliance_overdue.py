"""Compliance per unit: overdue mandatory courses (assigned with a due date, not completed by the
report's day), per unit, drill-down, Excel, scope and a bounded number of queries."""
from __future__ import annotations

import io
import threading
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from courses.models import Enrolment
from courses.services import assign
from hr import compliance
from lms.extensions import db as _db
from tests import factories
from tests.conftest import login
from tests.test_hr import make_hr_world, staff

LONG_AGO = datetime(2024, 12, 1, tzinfo=timezone.utc)


@pytest.fixture()
def hr_world(db, province):
    return make_hr_world(province)


def assigned(course, agency, by, due, **who):
    """An assignment through the courses service, dated before the reports asked about."""
    assignment = assign(course, agency=agency, by=by, due_on=due, **who)
    assignment.created_at = LONG_AGO
    return assignment


def finish_jobs() -> None:
    """Wait for the notification jobs that assigning to an agency starts in threads (SQLite has one writer)."""
    for thread in threading.enumerate():
        if thread.name.startswith("job-"):
            thread.join(timeout=30)


def completed(user, course, on: datetime):
    _db.session.add(Enrolment(user_id=user.id, course_id=course.id, completed_at=on))


@pytest.fixture()
def world(hr_world):
    province, department, commune, hr = (hr_world["province"], hr_world["department"], hr_world["commune"],
                                         hr_world["hr"])
    email = factories.course("Thư điện tử công vụ")
    signing = factories.course("Chữ ký số cho văn thư")
    personal = factories.course("An toàn thông tin")
    draft = factories.course("Khóa chưa xuất bản", published=False)
    later = factories.course("Dịch vụ công trực tuyến")
    start = date(2024, 1, 1)
    done_early = factories.user("Trần Văn Đức", employee_code="NA-1", agency_=department)
    staff(department, "NA-1", "Trần Văn Đức", effective=start)
    staff(department, "NA-2", "Lê Thị Anh", position="Văn thư", effective=start)  # no account
    done_late = factories.user("Phạm Văn Bình", employee_code="NA-3", agency_=department)
    staff(department, "NA-3", "Phạm Văn Bình", effective=start)
    own = factories.user("Nguyễn Thị Hoa", employee_code="NA-4", agency_=commune)
    staff(commune, "NA-4", "Nguyễn Thị Hoa", effective=start)
    staff(commune, "NA-5", "Đinh Văn Tùng", effective=start)  # no account
    assigned(email, province, hr, date(2025, 3, 1))
    assigned(signing, department, hr, date(2025, 3, 1), position="văn thư")  # position compared without marks
    assigned(personal, commune, hr, date(2025, 2, 1), user=own)  # only that account
    assigned(draft, province, hr, date(2025, 1, 1))  # an unpublished course cannot be completed
    assigned(later, province, hr, date(2099, 1, 1))  # not due yet
    completed(done_early, email, datetime(2025, 2, 15, tzinfo=timezone.utc))
    completed(done_late, email, datetime(2025, 6, 10, tzinfo=timezone.utc))
    _db.session.commit()
    finish_jobs()
    return {**hr_world, "email": email}


def overdue_on(officer, day):
    result = compliance.report(officer, day)
    found = compliance.overdue_courses(result.total.people, day)
    by_code = {p.employee_code: [c.title for c in found.get(p.id, [])] for p in result.total.people}
    return by_code, compliance.overdue_counts(result, found)


def test_who_is_overdue_and_why(world):
    department, commune = world["department"], world["commune"]
    people, counts = overdue_on(world["hr"], date(2025, 5, 1))
    assert people == {
        "NA-1": [],  # completed before the due date
        "NA-2": ["Chữ ký số cho văn thư", "Thư điện tử công vụ"],  # no account; the position's course too
        "NA-3": ["Thư điện tử công vụ"],  # completes only in June
        "NA-4": ["An toàn thông tin", "Thư điện tử công vụ"],  # earliest due first; own assignment
        "NA-5": ["Thư điện tử công vụ"],  # the personal assignment of NA-4 is not theirs
    }
    assert counts == {department.id: 2, commune.id: 2, None: 4}
    # A late completion counts from its day on; before a due date nothing is overdue.
    people, counts = overdue_on(world["hr"], date(2025, 7, 1))
    assert people["NA-3"] == [] and counts[None] == 3
    people, counts = overdue_on(world["hr"], date(2025, 2, 20))
    assert counts[None] == 1 and people["NA-4"] == ["An toàn thông tin"]


def test_a_large_report_reads_completions_per_course_with_the_same_answer(world, monkeypatch):
    """Above BULK_COMPLETIONS accounts the completions are read per course, not per chunk of
    accounts: the people and counts must not change."""
    by_chunks = overdue_on(world["hr"], date(2025, 5, 1))
    monkeypatch.setattr(compliance, "BULK_COMPLETIONS", 0)
    assert overdue_on(world["hr"], date(2025, 5, 1)) == by_chunks
    people, _counts = overdue_on(world["hr"], date(2025, 7, 1))
    assert people["NA-3"] == [] and people["NA-1"] == []  # completions still count, per course


def test_an_assignment_made_after_the_report_day_does_not_count(world):
    late = assign(factories.course("Khóa giao muộn"), agency=world["province"], by=world["hr"], due_on=date(2025, 1, 1))
    late.created_at = datetime(2025, 9, 1, tzinfo=timezone.utc)
    _db.session.commit()
    finish_jobs()
    people, _counts = overdue_on(world["hr"], date(2025, 5, 1))
    assert "Khóa giao muộn" not in people["NA-1"]
    people, _counts = overdue_on(world["hr"], date(2025, 10, 1))
    assert "Khóa giao muộn" in people["NA-1"]


def test_page_drill_down_excel_and_scope(world, client):
    login(client, "nhansu")
    page = client.get("/hr/compliance?as_of=01/05/2025").get_data(as_text=True)
    assert "Có khóa học bắt buộc quá hạn" in page and "measure=overdue" in page
    drill = client.get(f"/hr/compliance/people?measure=overdue&as_of=01/05/2025&agency={world['department'].id}"
                       "&exact=1").get_data(as_text=True)
    assert "Lê Thị Anh" in drill and "Phạm Văn Bình" in drill and "Trần Văn Đức" not in drill
    assert "Chữ ký số cho văn thư — hạn 01/03/2025" in drill and "Chưa có tài khoản" in drill
    book = load_workbook(io.BytesIO(client.get("/hr/compliance?as_of=01/05/2025&format=xlsx").data))
    sheet = book.active
    header = [cell.value for cell in sheet[2]]
    column = header.index("Có khóa học bắt buộc quá hạn")
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[-1][column] == 4 and rows[-1][column + 1] == pytest.approx(4 / 5)
    people = load_workbook(io.BytesIO(client.get(
        "/hr/compliance/people?measure=overdue&as_of=01/05/2025&format=xlsx").data)).active
    lines = list(people.iter_rows(min_row=3, values_only=True))
    # One row per person and course, people by given name (Anh, Bình, Hoa, Tùng).
    assert [line[0] for line in lines] == ["NA-2", "NA-2", "NA-3", "NA-4", "NA-4", "NA-5"]
    assert lines[0][1] == "Lê Thị Anh" and lines[0][4] == "Chưa có tài khoản" and not lines[2][4]
    assert lines[0][6].date() == date(2025, 3, 1) and people.cell(row=3, column=7).number_format == "dd/mm/yyyy"
    # The commune's officer sees the commune only.
    other = client.application.test_client()
    login(other, "nhansuxa")
    drill = other.get("/hr/compliance/people?measure=overdue&as_of=01/05/2025").get_data(as_text=True)
    assert "Đinh Văn Tùng" in drill and "Lê Thị Anh" not in drill
    assert other.get(f"/hr/compliance/people?measure=overdue&agency={world['department'].id}").status_code == 404


def test_the_page_takes_the_same_number_of_queries_for_more_people(world, client):
    login(client, "nhansu")

    def queries() -> int:
        # Only this thread's statements: assigning a course starts a notification job in a thread.
        me = threading.get_ident()
        statements = []
        listener = lambda *args: statements.append(args[2]) if threading.get_ident() == me else None  # noqa: E731
        event.listen(_db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/hr/compliance?as_of=01/05/2025").status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = queries()
    for n in range(15):
        account = factories.user("Võ Văn Nam", employee_code=f"M-{n}", agency_=world["commune"])
        staff(world["commune"], f"M-{n}", "Võ Văn Nam", effective=date(2024, 1, 1))
        if n % 2:
            completed(account, world["email"], datetime(2025, 1, 10, tzinfo=timezone.utc))
        staff(world["department"], f"K-{n}", "Hồ Thị Mai", position="Văn thư", effective=date(2024, 1, 1))
    _db.session.commit()
    assert queries() == few
