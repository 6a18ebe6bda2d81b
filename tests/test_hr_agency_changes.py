"""Agencies created, renamed, moved and dissolved with an effective date and a decision number
(each a change row, audited, confirmed in the interface, refused with a reason and nothing stored),
units shown as they were on a report's day, and staff status history."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hr import agencies, compliance, importer, services
from hr.models import AgencyChange, StaffStatus
from hr.services import HRError
from lms.extensions import db as _db
from lms.models import Agency, AuditEntry
from lms.services import get_or_create_agency
from lms.timefmt import local_today
from tests.conftest import login, post_form
from tests.test_hr import make_hr_world, staff

DECISION = "15/QĐ-UBND"


@pytest.fixture()
def hr_world(db, province):
    """Requirements, a department, a commune, and HR officers of the province and of the commune."""
    return make_hr_world(province)


def changes() -> int:
    return _db.session.scalar(select(func.count()).select_from(AgencyChange))


def audited(action: str) -> int:
    return _db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def report_part(day: str, client) -> str:
    """The compliance page as of ``day`` after its filters (whose unit list names units as they are)."""
    page = client.get(f"/hr/compliance?as_of={day}").get_data(as_text=True)
    return page[page.index("Xem diễn biến 12 tháng"):]


def refused(call, code: str) -> HRError:
    """``call`` raises ``HRError`` with ``code`` and leaves no change row behind."""
    before = changes()
    with pytest.raises(HRError) as error:
        call()
    assert error.value.code == code
    _db.session.rollback()
    assert changes() == before
    return error.value


# ----------------------------------------------------------------------------- create

def test_create_puts_the_unit_under_its_parent_with_a_change_row_and_an_audit_entry(hr_world):
    department = hr_world["department"]
    change = agencies.create(department, " 000.01.01.h41 ", "Phòng  Tổ chức cán bộ", effective=date(2026, 1, 1),
                             decision=DECISION, by=hr_world["hr"])
    unit = change.agency
    assert (unit.code, unit.name, unit.parent_id) == ("000.01.01.H41", "Phòng Tổ chức cán bộ", department.id)
    assert unit.path == f"{department.path}{unit.id}/" and unit.active
    assert (change.kind, change.target_id, change.effective_on, change.decision_number) == (
        "create", department.id, date(2026, 1, 1), DECISION)
    assert audited("hr.agency.create") == 1


def test_create_refusals_store_nothing(hr_world):
    department, officer = hr_world["department"], hr_world["hr"]

    def create(parent=department, code="000.01.01.H41", name="Phòng Tổ chức", effective=date(2026, 1, 1),
               decision=DECISION, by=officer):
        return lambda: agencies.create(parent, code, name, effective=effective, decision=decision, by=by)

    refused(create(decision="  "), "decision-needed")
    refused(create(effective=local_today() + timedelta(days=1)), "effective-future")
    refused(create(effective=None), "effective-needed")
    refused(create(code="01.01.H41"), "code-format")
    refused(create(code="000.01.00.H41"), "code-format")  # a lower part set while a higher one is 00
    refused(create(code="000.01.02.H41"), "code-parent")  # a unit of department 02, not of 01
    refused(create(code="000.00.31.H41", parent=hr_world["province"]), "code-taken")
    refused(create(name=" "), "name-needed")
    # The commune's officer may not create a unit under the department (outside their subtree).
    refused(create(by=hr_world["commune_hr"]), "parent-out-of-scope")
    assert _db.session.scalar(select(Agency).where(Agency.code == "000.01.01.H41")) is None


# ----------------------------------------------------------------------------- rename and names as of a date

def test_a_report_before_a_rename_shows_the_old_name_and_after_it_the_new(hr_world, client):
    commune, officer = hr_world["commune"], hr_world["hr"]
    staff(commune, "NA-1", "Trần Văn Đức", effective=date(2024, 1, 1))
    change = agencies.rename(commune, "Ủy ban nhân dân phường Hưng Nguyên", effective=date(2025, 7, 1),
                             decision="1686/NQ-UBTVQH15", by=officer)
    _db.session.commit()
    assert (change.name_before, change.name_after) == ("Ủy ban nhân dân xã Hưng Nguyên",
                                                      "Ủy ban nhân dân phường Hưng Nguyên")
    assert commune.name == "Ủy ban nhân dân phường Hưng Nguyên" and audited("hr.agency.rename") == 1
    assert agencies.names_on([commune.id], date(2025, 6, 30)) == {commune.id: "Ủy ban nhân dân xã Hưng Nguyên"}
    assert agencies.names_on([commune.id], date(2025, 7, 1)) == {commune.id: "Ủy ban nhân dân phường Hưng Nguyên"}

    login(client, "nhansu")
    before, after = report_part("30/06/2025", client), report_part("01/07/2025", client)
    assert "Ủy ban nhân dân xã Hưng Nguyên" in before and "phường Hưng Nguyên" not in before
    assert "Ủy ban nhân dân phường Hưng Nguyên" in after and "xã Hưng Nguyên" not in after
    drill = client.get(f"/hr/compliance/people?measure=basic&met=0&agency={commune.id}&exact=1&as_of=30/06/2025")
    page = drill.get_data(as_text=True)
    assert "Trần Văn Đức" in page and "Ủy ban nhân dân xã Hưng Nguyên" in page and "phường" not in page
    drill = client.get(f"/hr/compliance/people?measure=basic&met=0&agency={commune.id}&exact=1&as_of=01/07/2025")
    assert "Ủy ban nhân dân phường Hưng Nguyên" in drill.get_data(as_text=True)


def test_two_renames_each_name_their_own_period(hr_world):
    commune, officer = hr_world["commune"], hr_world["hr"]
    agencies.rename(commune, "Tên thứ hai", effective=date(2025, 1, 1), decision="1/QĐ", by=officer)
    agencies.rename(commune, "Tên thứ ba", effective=date(2026, 1, 1), decision="2/QĐ", by=officer)
    _db.session.commit()
    assert agencies.names_on([commune.id], date(2024, 12, 31))[commune.id] == "Ủy ban nhân dân xã Hưng Nguyên"
    assert agencies.names_on([commune.id], date(2025, 6, 1))[commune.id] == "Tên thứ hai"
    assert agencies.names_on([commune.id], date(2026, 1, 1))[commune.id] == "Tên thứ ba"
    # A later decision cannot take effect before the unit's last change: the history stays in order.
    error = refused(lambda: agencies.rename(commune, "Tên thứ tư", effective=date(2025, 6, 1), decision="3/QĐ",
                                            by=officer), "effective-before-change")
    assert error.params["date"] == "01/01/2026"


def test_rename_refusals(hr_world):
    commune = hr_world["commune"]
    refused(lambda: agencies.rename(commune, commune.name, effective=date(2026, 1, 1), decision=DECISION,
                                    by=hr_world["hr"]), "same-name")
    refused(lambda: agencies.rename(hr_world["department"], "Sở Nội vụ mới", effective=date(2026, 1, 1),
                                    decision=DECISION, by=hr_world["commune_hr"]), "unit-out-of-scope")
    refused(lambda: agencies.rename(commune, "Tên mới", effective=date(2026, 1, 1), decision="",
                                    by=hr_world["hr"]), "decision-needed")


# ----------------------------------------------------------------------------- move

def test_move_carries_the_subtree_and_reports_before_it_show_the_old_parent(hr_world, client):
    department, commune, officer = hr_world["department"], hr_world["commune"], hr_world["hr"]
    office = get_or_create_agency("000.01.31.H41", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã")
    desk = get_or_create_agency("001.01.31.H41", "Bộ phận một cửa")
    staff(office, "NA-1", "Trần Văn Đức", effective=date(2024, 1, 1))
    change = agencies.move(office, department, effective=date(2025, 7, 1), decision=DECISION, by=officer)
    _db.session.commit()
    assert office.parent_id == department.id and office.path.startswith(department.path)
    assert desk.path.startswith(office.path) and desk.path.startswith(department.path)
    assert (change.parent_before_id, change.target_id) == (commune.id, department.id)
    assert office.code == "000.01.31.H41" and audited("hr.agency.move") == 1
    assert agencies.parents_on([office.id], date(2025, 6, 30)) == {office.id: commune.id}
    assert agencies.parents_on([office.id], date(2025, 7, 1)) == {office.id: department.id}
    assert agencies.units_on([office.id], date(2025, 6, 30))[office.id][1] == "Ủy ban nhân dân xã Hưng Nguyên"

    login(client, "nhansu")
    before, after = report_part("30/06/2025", client), report_part("01/07/2025", client)
    assert "thuộc Ủy ban nhân dân xã Hưng Nguyên" in before and "thuộc Sở Nội vụ" not in before
    assert "thuộc Sở Nội vụ" in after
    # The change log names units as they were on the day of each decision.
    agencies.rename(office, "Văn phòng Sở Nội vụ", effective=date(2025, 8, 1), decision="2/QĐ", by=officer)
    agencies.rename(department, "Sở Nội vụ tỉnh Nghệ An", effective=date(2025, 8, 1), decision="3/QĐ", by=officer)
    _db.session.commit()
    log = client.get("/hr/agencies/changes").get_data(as_text=True)
    assert ("Chuyển Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã (000.01.31.H41) từ Ủy ban nhân dân xã Hưng "
            "Nguyên sang Sở Nội vụ</td>") in log
    assert "Đổi tên Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã thành Văn phòng Sở Nội vụ" in log


def test_move_refusals(hr_world):
    department, commune, officer = hr_world["department"], hr_world["commune"], hr_world["hr"]
    office = get_or_create_agency("000.01.01.H41", "Văn phòng Sở")
    below = get_or_create_agency("001.01.01.H41", "Tổ văn thư")
    _db.session.commit()

    def move(unit=office, parent=commune, by=officer, effective=date(2026, 1, 1), decision=DECISION):
        return lambda: agencies.move(unit, parent, effective=effective, decision=decision, by=by)

    refused(move(parent=office), "move-into-itself")
    refused(move(parent=below), "move-into-itself")
    refused(move(parent=department), "same-parent")
    refused(move(parent=None), "parent-needed")
    refused(move(decision=""), "decision-needed")
    refused(move(effective=local_today() + timedelta(days=30)), "effective-future")
    # The commune's officer may not move the department's office, nor move their commune under it.
    refused(move(by=hr_world["commune_hr"]), "unit-out-of-scope")
    refused(move(unit=commune, parent=department, by=hr_world["commune_hr"]), "parent-out-of-scope")
    _db.session.refresh(office)
    assert office.parent_id == department.id


# ----------------------------------------------------------------------------- dissolve

def test_dissolve_is_refused_while_people_work_there_or_units_below_are_active(hr_world):
    officer = hr_world["hr"]
    unit = get_or_create_agency("000.00.41.H41", "Ban Quản lý dự án")
    team = get_or_create_agency("000.01.41.H41", "Tổ giám sát")
    person = staff(team, "NA-1", "Trần Văn Đức", effective=date(2024, 1, 1))
    _db.session.commit()

    def dissolve(which):
        return lambda: agencies.dissolve(which, effective=date(2026, 1, 1), decision=DECISION, by=officer)

    assert refused(dissolve(team), "has-staff").params["n"] == 1
    assert refused(dissolve(unit), "has-units").params["n"] == 1
    refused(lambda: agencies.dissolve(team, effective=date(2026, 1, 1), decision=DECISION,
                                      by=hr_world["commune_hr"]), "unit-out-of-scope")
    person = _db.session.get(type(person), person.id)
    team = _db.session.get(Agency, team.id)
    services.update_staff(person, services.StaffData(
        employee_code=person.employee_code, full_name=person.full_name, date_of_birth=person.date_of_birth,
        agency=team, position=person.position, rank_code=person.rank_code, rank_name=person.rank_name,
        status=StaffStatus.RETIRED), by=officer, effective=date(2025, 12, 31))
    agencies.dissolve(team, effective=date(2026, 1, 1), decision=DECISION, by=officer)
    assert not team.active and audited("hr.agency.dissolve") == 1
    _db.session.commit()
    refused(dissolve(team), "agency-inactive")
    unit = _db.session.get(Agency, unit.id)
    person = _db.session.get(type(person), person.id)
    agencies.dissolve(unit, effective=date(2026, 1, 1), decision="16/QĐ-UBND", by=officer)
    assert not unit.active
    # The dissolved unit stays in the history: its person's period still names it.
    assert services.assignment_on(person, date(2025, 6, 1)).agency_id == team.id


# ----------------------------------------------------------------------------- the pages

def test_changes_go_through_a_confirmation_step_and_are_listed_newest_first(hr_world, client):
    commune = hr_world["commune"]
    login(client, "nhansu")
    url = f"/hr/agencies/{commune.id}"
    form = {"kind": "rename", "name": "Ủy ban nhân dân phường Hưng Nguyên", "effective": "2025-07-01",
            "decision": "1686/NQ-UBTVQH15"}
    response = post_form(client, url, f"{url}/change", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Xác nhận thay đổi đơn vị" in page and 'value="1"' in page
    assert changes() == 0
    assert post_form(client, url, f"{url}/change", {**form, "confirmed": "1"}).status_code == 302
    assert changes() == 1
    response = post_form(client, "/hr/agencies/new", "/hr/agencies/new", {
        "parent": str(hr_world["department"].id), "code": "000.01.01.H41", "name": "Phòng Tổ chức cán bộ",
        "effective": "2026-01-05", "decision": "20/QĐ-SNV"})
    assert response.status_code == 200 and "Xác nhận thành lập đơn vị" in response.get_data(as_text=True)
    assert changes() == 1
    response = post_form(client, "/hr/agencies/new", "/hr/agencies/new", {
        "parent": str(hr_world["department"].id), "code": "000.01.01.H41", "name": "Phòng Tổ chức cán bộ",
        "effective": "2026-01-05", "decision": "20/QĐ-SNV", "confirmed": "1"})
    assert response.status_code == 302 and changes() == 2
    log = client.get("/hr/agencies/changes").get_data(as_text=True)
    created = log.index("Thành lập Phòng Tổ chức cán bộ (000.01.01.H41), trực thuộc Sở Nội vụ")
    renamed = log.index("Đổi tên Ủy ban nhân dân xã Hưng Nguyên thành Ủy ban nhân dân phường Hưng Nguyên")
    assert created < renamed  # 05/01/2026 before 01/07/2025: newest first
    assert "20/QĐ-SNV" in log and "1686/NQ-UBTVQH15" in log and "05/01/2026" in log and "01/07/2025" in log


def test_a_refused_change_says_why_in_vietnamese_and_stores_nothing(hr_world, client):
    unit = get_or_create_agency("000.00.41.H41", "Ban Quản lý dự án")
    staff(unit, "NA-1", "Trần Văn Đức", effective=date(2024, 1, 1))
    _db.session.commit()
    login(client, "nhansu")
    url = f"/hr/agencies/{unit.id}"
    for form, message in [
        ({"kind": "dissolve", "effective": "2026-01-01", "decision": DECISION}, "Đơn vị còn 1 người đang công tác"),
        ({"kind": "dissolve", "effective": "2026-01-01", "decision": ""}, "Trường này là bắt buộc"),
        ({"kind": "move", "parent": str(unit.id), "effective": "2026-01-01", "decision": DECISION},
         "Không chuyển một đơn vị vào chính nó"),
        ({"kind": "rename", "name": "Ban mới", "effective": (local_today() + timedelta(days=2)).isoformat(),
          "decision": DECISION}, "không được ở tương lai"),
        ({"kind": "rename", "name": "", "effective": "2026-01-01", "decision": DECISION}, "Cần tên mới"),
    ]:
        response = post_form(client, url, f"{url}/change", {**form, "confirmed": "1"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, form
        assert message in page, form
    assert changes() == 0
    _db.session.refresh(unit)
    assert unit.active and unit.name == "Ban Quản lý dự án"
    response = post_form(client, "/hr/agencies/new", "/hr/agencies/new", {
        "parent": str(hr_world["department"].id), "code": "000.01.05.H41", "name": "Phòng mới",
        "effective": "2026-01-05", "decision": "20/QĐ-SNV", "confirmed": "1"})
    assert response.status_code == 400 and "không trực thuộc đơn vị có mã 000.00.01.H41" in \
        response.get_data(as_text=True)
    assert changes() == 0


def test_an_officer_of_the_commune_sees_and_changes_nothing_outside_it(hr_world, client):
    department, commune = hr_world["department"], hr_world["commune"]
    agencies.rename(department, "Sở Nội vụ tỉnh Nghệ An", effective=date(2025, 7, 1), decision="1/QĐ",
                    by=hr_world["hr"])
    _db.session.commit()
    login(client, "nhansuxa")
    assert client.get(f"/hr/agencies/{department.id}").status_code == 404
    response = post_form(client, f"/hr/agencies/{commune.id}", f"/hr/agencies/{department.id}/change", {
        "kind": "rename", "name": "Sở khác", "effective": "2026-01-01", "decision": DECISION, "confirmed": "1"})
    assert response.status_code == 404
    log = client.get("/hr/agencies/changes").get_data(as_text=True)
    assert "Sở Nội vụ tỉnh Nghệ An" not in log and "Chưa có thay đổi nào" in log
    assert client.get(f"/hr/agencies/{commune.id}").status_code == 200
    assert "Sở Nội vụ" not in client.get("/hr/agencies/new").get_data(as_text=True)


# ----------------------------------------------------------------------------- staff status history

def test_status_changes_are_kept_with_dates_and_counted_by_the_status_on_the_day(hr_world, client):
    department, officer = hr_world["department"], hr_world["hr"]
    person = staff(department, "NA-1", "Trần Văn Đức", effective=date(2024, 1, 1))
    staff(department, "NA-2", "Lê Thị Anh", effective=date(2024, 1, 1))
    assert [(p.status, p.valid_from, p.valid_to) for p in person.status_history] == [
        (StaffStatus.WORKING, date(2024, 1, 1), None)]
    services.update_staff(person, services.StaffData(
        employee_code="NA-1", full_name=person.full_name, date_of_birth=person.date_of_birth, agency=department,
        position=person.position, rank_code=person.rank_code, rank_name=person.rank_name,
        status=StaffStatus.RETIRED), by=officer, effective=date(2026, 1, 1), note="Quyết định nghỉ hưu 5/QĐ")
    _db.session.commit()
    assert [(p.status, p.valid_from, p.valid_to) for p in person.status_history] == [
        (StaffStatus.WORKING, date(2024, 1, 1), date(2026, 1, 1)), (StaffStatus.RETIRED, date(2026, 1, 1), None)]
    assert services.status_on(person, date(2025, 12, 31)) is StaffStatus.WORKING
    assert compliance.report(officer, date(2025, 12, 31)).total.headcount == 2
    assert compliance.report(officer, date(2026, 1, 1)).total.headcount == 1
    # A status change cannot take effect before the current status began.
    with pytest.raises(HRError) as error:
        services.update_staff(person, services.StaffData(
            employee_code="NA-1", full_name=person.full_name, date_of_birth=person.date_of_birth, agency=department,
            position=person.position, rank_code=person.rank_code, rank_name=person.rank_name,
            status=StaffStatus.WORKING), by=officer, effective=date(2025, 6, 1))
    assert error.value.code == "effective-before-period"
    _db.session.rollback()
    login(client, "nhansu")
    page = client.get(f"/hr/staff/{person.id}").get_data(as_text=True)
    section = page[page.index("Quá trình tình trạng công tác"):]
    assert "01/01/2026" in section and "Đã nghỉ hưu" in section and "Quyết định nghỉ hưu 5/QĐ" in section
    assert section.index("Đã nghỉ hưu") < section.index("Đang công tác")  # newest first


def test_the_staff_form_and_the_import_set_the_status_with_its_date(hr_world, client):
    department = hr_world["department"]
    person = staff(department, "NA-1", "Trần Văn Đức", effective=date(2024, 1, 1))
    _db.session.commit()
    login(client, "nhansu")
    response = post_form(client, f"/hr/staff/{person.id}/edit", f"/hr/staff/{person.id}/edit", {
        "employee_code": "NA-1", "full_name": "Trần Văn Đức", "date_of_birth": "1982-03-12",
        "agency": str(department.id), "position": "Chuyên viên", "rank_code": "01.003", "status": "on_leave",
        "effective": "2026-02-01", "note": "Nghỉ không lương"})
    assert response.status_code == 302
    _db.session.refresh(person)
    assert [(p.status, p.valid_from) for p in person.status_history] == [
        (StaffStatus.WORKING, date(2024, 1, 1)), (StaffStatus.ON_LEAVE, date(2026, 2, 1))]
    csv = ("Mã cán bộ,Họ và tên,Ngày sinh,Mã đơn vị,Vị trí việc làm,Mã ngạch,Tình trạng\n"
           "NA-1,Trần Văn Đức,12/03/1982,000.00.01.H41,Chuyên viên,01.003,Đã nghỉ hưu\n"
           "NA-2,Lê Thị Anh,02/03/1990,000.00.01.H41,Văn thư,,Đã chuyển công tác\n").encode()
    officer = hr_world["hr"]
    importer.apply(importer.plan(importer.parse(csv, "ds.csv", officer), officer), officer,
                   effective=date(2026, 3, 1))
    _db.session.commit()
    _db.session.refresh(person)
    assert [(p.status, p.valid_from, p.valid_to) for p in person.status_history][-1] == (
        StaffStatus.RETIRED, date(2026, 3, 1), None)
    new = services.staff_by_code("NA-2", actor=officer)
    assert [(p.status, p.valid_from) for p in new.status_history] == [(StaffStatus.TRANSFERRED, date(2026, 3, 1))]
