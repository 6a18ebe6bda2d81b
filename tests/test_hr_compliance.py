"""HR compliance per unit: figures, scope, "as of" a past date, drill-downs, Excel, the chart and
a bounded number of queries."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from hr import compliance, evidence, services
from lms.extensions import db as _db
from lms.timefmt import local_today
from tests.conftest import login
from tests.test_hr import make_hr_world, staff


@pytest.fixture()
def hr_world(db, province):
    """Requirements, a department, a commune, and HR officers of the province and of the commune."""
    return make_hr_world(province)


def assess(record, level="basic", modules=()):
    evidence.add_assessment(record, level=level, modules=list(modules), decision_number="1/QĐ",
                            decided_on=date(2025, 1, 1), officer_name="Nguyễn Văn Thành", officer_title="Giám đốc",
                            note=None, by=None)


@pytest.fixture()
def people(hr_world):
    department, commune = hr_world["department"], hr_world["commune"]
    start = date(2024, 1, 1)
    meets = staff(department, "NA-1", "Trần Văn Đức", effective=start)
    assess(meets)
    partial = staff(department, "NA-2", "Lê Thị Anh", effective=start)
    assess(partial, "none", ["IU01", "IU02", "IU03"])
    staff(department, "NA-3", "Phạm Văn Bình", effective=start)
    moved = staff(department, "NA-4", "Nguyễn Thị Hoa", effective=start)
    assess(moved)
    data = services.StaffData(employee_code="NA-4", full_name=moved.full_name, date_of_birth=moved.date_of_birth,
                              agency=commune, position=moved.position, rank_code="01.003", rank_name="Chuyên viên")
    services.update_staff(moved, data, by=None, effective=date(2025, 7, 1))
    # Retired for the whole period (statuses are historised: the status held on the day counts).
    services.create_staff(services.StaffData(
        employee_code="NA-5", full_name="Đỗ Văn Long", date_of_birth=date(1982, 3, 12), agency=commune,
        position="Chuyên viên", rank_code="01.003", rank_name="Chuyên viên", status=services.StaffStatus.RETIRED),
        by=None, effective=start)
    _db.session.commit()
    return hr_world


def test_figures_per_unit_and_for_the_whole_subtree(people):
    result = compliance.report(people["hr"], local_today())
    rows = {row.agency.code: row for row in result.rows}
    assert rows["000.00.01.H41"].headcount == 3 and rows["000.00.31.H41"].headcount == 1  # the retired not counted
    assert rows["000.00.01.H41"].count("basic") == 1 and rows["000.00.01.H41"].count("IU01") == 2
    assert rows["000.00.31.H41"].share("basic") == 100.0
    assert result.total.headcount == 4 and result.total.count("basic") == 2 and result.total.count("requirement") == 2
    assert result.total.count("advanced") == 0


def test_an_officer_sees_only_the_subtree(people):
    result = compliance.report(people["commune_hr"], local_today())
    assert [row.agency.code for row in result.rows] == ["000.00.31.H41"] and result.total.headcount == 1


def test_as_of_a_past_date_people_are_where_they_were(people):
    result = compliance.report(people["hr"], date(2025, 6, 30))
    assert {row.agency.code: row.headcount for row in result.rows} == {"000.00.01.H41": 4}
    # Before the assessments were decided, nobody met the standard.
    assert compliance.report(people["hr"], date(2024, 12, 31)).total.count("basic") == 0
    # Before anyone was on the staff list, there is nobody to count.
    assert compliance.report(people["hr"], date(2023, 12, 31)).total.headcount == 0


def test_each_number_drills_down_to_the_people(people, client):
    login(client, "nhansu")
    department = people["department"]
    page = client.get(f"/hr/compliance/people?measure=basic&met=0&agency={department.id}&exact=1").get_data(as_text=True)
    assert page.index("Lê Thị Anh") < page.index("Phạm Văn Bình")  # Anh before Bình
    assert "Trần Văn Đức" not in page and "Nguyễn Thị Hoa" not in page
    page = client.get("/hr/compliance/people?measure=IU02&met=1").get_data(as_text=True)
    assert "Lê Thị Anh" in page and "Trần Văn Đức" in page and "Phạm Văn Bình" not in page
    book = load_workbook(io.BytesIO(client.get("/hr/compliance/people?measure=IU02&met=1&format=xlsx").data))
    assert sorted(row[1] for row in book.active.iter_rows(min_row=3, values_only=True)) == [
        "Lê Thị Anh", "Nguyễn Thị Hoa", "Trần Văn Đức"]
    assert client.get("/hr/compliance/people?measure=IU99").status_code == 400


def test_the_page_has_an_accessible_chart_with_its_data_and_an_excel_export(people, client):
    login(client, "nhansu")
    page = client.get("/hr/compliance").get_data(as_text=True)
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in page
    assert "Số liệu của biểu đồ" in page and "50,0%" in page
    book = load_workbook(io.BytesIO(client.get("/hr/compliance?format=xlsx").data))
    rows = list(book.active.iter_rows(min_row=3, values_only=True))
    assert rows[-1][2] == 4 and rows[-1][3] == 2 and rows[-1][4] == 0.5
    past = client.get("/hr/compliance?as_of=30/06/2025").get_data(as_text=True)
    assert "Tính đến 30/06/2025" in past
    tomorrow = (local_today() + timedelta(days=1)).strftime("%d/%m/%Y")
    assert client.get(f"/hr/compliance?as_of={tomorrow}").status_code == 400
    assert client.get("/hr/compliance?as_of=hom-qua").status_code == 400


def test_the_report_takes_the_same_number_of_queries_for_more_people_and_units(hr_world, client):
    from lms.services import get_or_create_agency

    login(client, "nhansu")

    def queries() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(_db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/hr/compliance").status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", listener)
        return len(statements)

    for n in range(2):
        assess(staff(hr_world["department"], f"A-{n}", "Lê Văn Hòa"))
    _db.session.commit()
    few = queries()
    for n in range(12):
        unit = get_or_create_agency(f"000.00.{40 + n}.H41", f"Ủy ban nhân dân xã số {n}")
        record = staff(unit, f"B-{n}", "Trần Văn Nam")
        assess(record, "none", ["IU01"])
        evidence.add_external(record, issuer="Trường", serial=f"S{n}", issued_on=date(2024, 1, 5), level="basic",
                              modules=[], valid_until=None, status="pending", checked_by=None, check_method=None,
                              checked_on=None, note=None, scan=None, by=None)
    _db.session.commit()
    assert queries() == few


def test_trend_by_month_and_position_filter(people, client):
    points = compliance.trend(people["hr"], date(2025, 7, 31), months=3)
    assert [p.day for p in points] == [date(2025, 5, 31), date(2025, 6, 30), date(2025, 7, 31)]
    assert [p.headcount for p in points] == [4, 4, 4] and points[-1].basic == 2
    assert compliance.trend(people["hr"], date(2024, 12, 31), months=1)[0].basic == 0
    assert compliance.report(people["hr"], local_today(), position="Văn thư").total.headcount == 0
    assert compliance.report(people["hr"], local_today(), position="Chuyên viên").total.headcount == 4
    assert "Chuyên viên" in compliance.positions(people["hr"])
    login(client, "nhansu")
    page = client.get("/hr/compliance/trend?as_of=31/07/2025").get_data(as_text=True)
    assert 'aria-labelledby="trend-title trend-desc"' in page and "31/07/2025" in page
    assert client.get("/hr/compliance?position=" + "x" * 300).status_code == 400
