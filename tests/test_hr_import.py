"""HR staff import and export: template, preview, all-or-nothing upsert, row and column errors in
Vietnamese, large files as a job, export with the same columns."""
from __future__ import annotations

import io
import re
import unicodedata
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from hr import services
from hr.models import StaffRecord
from lms.extensions import db as _db
from lms.jobs import Job
from tests.conftest import login, post_form
from tests.test_hr import make_hr_world, staff



@pytest.fixture()
def hr_world(db, province):
    """Requirements, a department, a commune, and HR officers of the province and of the commune."""
    return make_hr_world(province)


HEADER = "Mã cán bộ,Họ và tên,Ngày sinh,Nơi sinh,Giới tính,Mã đơn vị,Vị trí việc làm,Mã ngạch,Tình trạng\n"


def upload(client, content: bytes, name: str = "ds.csv"):
    return post_form(client, "/hr/import", "/hr/import", {"document": (io.BytesIO(content), name)},
                     content_type="multipart/form-data")


def apply_from(client, page: str):
    token = re.search(r'/hr/import/([0-9a-f]{32})/apply', page).group(1)
    return post_form(client, "/hr/import", f"/hr/import/{token}/apply")


def count() -> int:
    return _db.session.scalar(select(func.count()).select_from(StaffRecord))


def test_preview_then_upsert_by_employee_code(hr_world, client):
    existing = staff(hr_world["department"], "NA-1", "Trần Văn Đức", effective=date(2024, 1, 1))
    staff(hr_world["department"], "NA-2", "Lê Thị Anh")
    staff(hr_world["department"], "NA-3", "Phạm Văn Bình", born=date(1970, 1, 1))
    from tests import factories

    account = factories.user("Nguyễn Thị Hoa", employee_code="NA-4", agency_=hr_world["department"])
    _db.session.commit()
    login(client, "nhansu")
    content = (HEADER +
               "NA-1,Trần Văn Đức,12/03/1982,,Nam,000.00.31.H41,Chuyên viên,01.003,Đang công tác\n"
               "NA-2,Lê Thị Anh,12/03/1982,,,000.00.01.H41,Chuyên viên,01.003,\n"
               "na-4,Nguyễn  Thị Hoa,1991-05-06,Nghệ An,Nữ,000.00.01.H41,Văn thư,02.007,Tạm nghỉ\n").encode()
    page = upload(client, content).get_data(as_text=True)
    assert "Hồ sơ mới: 1" in page and "Hồ sơ thay đổi: 1" in page and "Hồ sơ giữ nguyên: 1" in page
    assert "không bị xóa): 1" in page
    assert count() == 3  # nothing written yet
    response = apply_from(client, page)
    assert response.status_code == 302
    assert count() == 4
    new = _db.session.scalar(select(StaffRecord).where(StaffRecord.employee_code == "NA-4"))
    assert new.full_name == "Nguyễn Thị Hoa" and new.rank_name == "Văn thư viên" and new.status.value == "on_leave"
    assert new.user_id == account.id and len(new.history) == 1  # the account of the same code is linked
    _db.session.refresh(existing)
    assert existing.agency.code == "000.00.31.H41" and len(existing.history) == 2


@pytest.mark.parametrize(("content", "expected"), [
    ("Mã cán bộ,Tên,Ngày sinh\nNA-1,Lê Văn A,01/01/1980\n", ["Cột B có tên không có trong mẫu.", "Thiếu cột bắt buộc."]),
    (HEADER + "NA-5,Lê Văn Hòa,01/01/1980,,,000.00.01.H41,,,\nna-5,Lê Văn Hải,01/01/1981,,,000.00.01.H41,,,\n",
     ["Mã cán bộ này đã có ở dòng 2."]),
    (HEADER + "NA-5,Lê Văn Hòa,01/01/1980,,,000.00.99.H41,,,\n", ["Không có đơn vị mã 000.00.99.H41."]),
    (HEADER + "NA-5,Lê Văn Hòa,01/01/2999,,,000.00.01.H41,,,\n", ["Ngày sinh ở tương lai."]),
    (HEADER + "NA-5,Lê Văn Hòa,31/02/1980,,Khác,000.00.01.H41,,,Đi chơi\n",
     ["Ngày không đúng dạng dd/mm/yyyy.", "Giới tính ghi Nam hoặc Nữ.", "Tình trạng ghi một trong"]),
])
def test_bad_files_store_nothing_and_name_row_and_column(hr_world, client, content, expected):
    login(client, "nhansu")
    response = upload(client, (content + "NA-6,Trần Văn Hùng,01/01/1980,,,000.00.01.H41,,,\n").encode()
                      if content.startswith(HEADER) else content.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "chưa ghi dòng nào" in page
    for message in expected:
        assert message in page
    assert count() == 0


def test_errors_carry_row_and_column(hr_world, client):
    login(client, "nhansu")
    page = upload(client, (HEADER + "NA-5,Lê Văn Hòa,01/01/2999,,,000.00.01.H41,,,\n").encode()).get_data(as_text=True)
    assert re.search(r"<td>2</td><td>Ngày sinh</td><td>Ngày sinh ở tương lai.</td>", page)


def test_nfd_names_are_normalised_and_agencies_outside_scope_refused(hr_world, client):
    login(client, "nhansuxa")  # the commune's officer
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    page = upload(client, (HEADER + f"NA-7,{nfd},01/01/1980,,,000.00.31.H41,,,\n").encode()).get_data(as_text=True)
    apply_from(client, page)
    assert _db.session.scalar(select(StaffRecord.full_name)) == "Nguyễn Thị Hương"
    response = upload(client, (HEADER + "NA-8,Lê Văn Hòa,01/01/1980,,,000.00.01.H41,,,\n").encode())
    assert "ngoài phạm vi" in response.get_data(as_text=True) and count() == 1
    # A record of another unit cannot be changed through an import either.
    staff(hr_world["department"], "NA-9", "Trần Văn Đức")
    _db.session.commit()
    response = upload(client, (HEADER + "NA-9,Trần Văn Đức,12/03/1982,,,000.00.31.H41,,,\n").encode())
    assert "thuộc hồ sơ của đơn vị ngoài phạm vi" in response.get_data(as_text=True)


def test_excel_template_round_trip_and_export(hr_world, client):
    login(client, "nhansu")
    template = client.get("/hr/import/template.xlsx")
    assert template.status_code == 200
    page = upload(client, template.data, "mau.xlsx").get_data(as_text=True)
    assert "Hồ sơ mới: 1" in page
    apply_from(client, page)
    assert count() == 1
    exported = client.get("/hr/export?format=xlsx")
    sheet = load_workbook(io.BytesIO(exported.data)).active
    assert [c.value for c in sheet[1]][:3] == ["Mã cán bộ", "Họ và tên", "Ngày sinh"]
    assert sheet["C2"].number_format == "dd/mm/yyyy" and sheet["B2"].value == "Nguyễn Thị Hương"
    # The export imports back unchanged.
    page = upload(client, exported.data, "xuat.xlsx").get_data(as_text=True)
    assert "Hồ sơ giữ nguyên: 1" in page and "Hồ sơ mới: 0" in page
    csv_text = client.get("/hr/export?format=csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("NA-0100,Nguyễn Thị Hương,12/03/1985")


def test_a_renamed_xls_is_refused(hr_world, client):
    login(client, "nhansu")
    response = upload(client, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cu.xlsx")
    assert response.status_code == 400 and count() == 0


def test_large_files_are_previewed_and_imported_as_jobs(hr_world, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "HR_IMPORT_SYNC_BYTES", 100)
    login(client, "nhansu")
    rows = "".join(f"NB-{n},Lê Văn Hòa,01/01/1980,,,000.00.01.H41,,,\n" for n in range(300))
    response = upload(client, (HEADER + rows).encode())
    assert response.status_code == 302 and "/hr/import/jobs/" in response.headers["Location"]
    for thread in app.extensions.get("lms.job_threads", []):
        thread.join(timeout=60)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hồ sơ mới: 300" in page
    response = apply_from(client, page)
    assert "/hr/import/jobs/" in response.headers["Location"]
    for thread in app.extensions.get("lms.job_threads", []):
        thread.join(timeout=60)
    assert count() == 300
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "300 hồ sơ mới" in page
    job = _db.session.scalar(select(Job).where(Job.target == "hr.jobs:apply_import_job"))
    assert job.status == "done" and job.result["applied"]["new"] == 300


def test_a_job_that_finds_problems_writes_nothing(hr_world, client, app, monkeypatch):
    monkeypatch.setitem(app.config, "HR_IMPORT_SYNC_BYTES", 100)
    login(client, "nhansu")
    rows = "".join(f"NB-{n},Lê Văn Hòa,01/01/1980,,,000.00.01.H41,,,\n" for n in range(50)) + \
        "NB-1,Lê Văn Hòa,01/01/1980,,,000.00.01.H41,,,\n"
    response = upload(client, (HEADER + rows).encode())
    for thread in app.extensions.get("lms.job_threads", []):
        thread.join(timeout=60)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mã cán bộ này đã có ở dòng 3." in page and count() == 0


def test_a_row_without_agency_or_date_of_birth_is_refused_at_its_cells(hr_world):
    from hr.importer import ImportRefused, parse

    content = HEADER + "NA-5,Lê Văn Hòa,,,,000.00.01.H41,,,\nNA-6,Trần Văn Hùng,01/01/1980,,,  ,,,\n"
    with pytest.raises(ImportRefused) as refused:
        parse(content.encode(), "ds.csv", hr_world["hr"])
    assert [(p.row, p.column, p.code) for p in refused.value.problems] == [
        (2, "Ngày sinh", "required"), (3, "Mã đơn vị", "required")]


def test_the_parser_reads_excel_dates_and_numbers(hr_world):
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã cán bộ", "Họ và tên", "Ngày sinh", "Mã đơn vị"])
    sheet.append([1234, "Lê Văn Hòa", date(1980, 1, 2), "000.00.01.H41"])
    buffer = io.BytesIO()
    book.save(buffer)
    from hr.importer import parse

    rows = parse(buffer.getvalue(), "a.xlsx", hr_world["hr"])
    assert rows[0].data.employee_code == "1234" and rows[0].data.date_of_birth == date(1980, 1, 2)
    assert services.normalise_code(" ab-1 ") == "AB-1"
