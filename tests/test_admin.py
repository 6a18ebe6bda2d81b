"""Administration: accounts (search, filters, create, edit, roles and scopes, deactivate,
reset password, sign out everywhere), scoped administrators, the audit log (viewer, export,
append-only), site settings and the ``flask admin`` commands."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from admin import services
from lms.database import utcnow
from lms.extensions import db as _db
from lms.models import AppendOnlyError, AuditEntry, LoginSession, Role, User
from lms.services import audit
from tests import factories
from tests.conftest import csrf_token_from, login, post_form


def _temporary_password(html: str) -> str:
    match = re.search(r'class="temporary-password">([^<]+)<', html)
    assert match, "no temporary password on the page"
    return match.group(1)


@pytest.fixture()
def department(db, province):
    """A second department, with its own administrator (scope: that department only)."""
    science = factories.agency("000.00.02.H41", "Sở Khoa học và Công nghệ")
    local_admin = factories.user("Võ Thị Sen", username="admin_kh", role=Role.ADMIN, scope=science,
                                 agency_=science)
    staff = factories.user("Đỗ Văn Khoa", username="khoa", agency_=science)
    _db.session.commit()
    return {"agency": science, "admin": local_admin, "staff": staff}


# ----------------------------------------------------------------------------- pages and gates

def test_admin_home_links_accounts_audit_settings_and_outbox(logged_in):
    page = logged_in("admin").get("/admin/").get_data(as_text=True)
    for link in ("/admin/accounts", "/admin/audit", "/admin/settings", "/admin/outbox"):
        assert f'href="{link}' in page


def test_admin_pages_refuse_other_roles(logged_in):
    client = logged_in("hr")
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/accounts").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_search_ignores_diacritics_and_filters(logged_in, users, province):
    client = logged_in("admin")
    page = client.get("/admin/accounts?q=nguyen+thi+huong").get_data(as_text=True)
    assert "Nguyễn Thị Hương" in page and "Phạm Quốc Bảo" not in page
    page = client.get("/admin/accounts?role=hr").get_data(as_text=True)
    assert "Phạm Quốc Bảo" in page and "Nguyễn Thị Hương" not in page
    page = client.get(f"/admin/accounts?agency={province.id}").get_data(as_text=True)
    assert "Nguyễn Thị Hương" in page and "Trần Văn Minh" not in page  # the author belongs to no agency
    users["author"].active = False
    page = client.get("/admin/accounts?active=0").get_data(as_text=True)
    assert "Trần Văn Minh" in page and "Nguyễn Thị Hương" not in page
    assert client.get("/admin/accounts?agency=abc").status_code == 400


# ----------------------------------------------------------------------------- create and first sign-in

def test_create_account_then_first_sign_in_forces_a_new_password(app, client, users, province):
    login(client, "admin")
    response = post_form(client, "/admin/accounts/new", "/admin/accounts/new", {
        "username": "Le.Van.Tam", "full_name": "  Lê   Văn Tâm ", "email": "Tam@Example.gov.vn",
        "agency_id": str(province.id), "employee_code": "NV-0042"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = _temporary_password(response.get_data(as_text=True))
    person = _db.session.scalar(select(User).where(User.username == "le.van.tam"))
    assert person.full_name == "Lê Văn Tâm" and person.email == "tam@example.gov.vn"
    assert person.must_change_password and person.agency_id == province.id
    assert person.employee_code == "NV-0042"
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.create",
                                                       AuditEntry.subject == f"user:{person.id}"))
    assert password not in str(_db.session.scalars(select(AuditEntry.details)).all())

    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/dashboard").get_data(as_text=True))})
    response = login(client, "le.van.tam", password)
    assert response.headers["Location"].endswith("/account/password")
    # Every page leads to the password change until it is done (one check for the whole site).
    for url in ("/dashboard", "/account", "/courses"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/account/password")
    post_form(client, "/account/password", "/account/password",
              {"current": password, "new": "một câu dài để nhớ 2026", "confirm": "một câu dài để nhớ 2026"})
    _db.session.refresh(person)
    assert not person.must_change_password
    assert client.get("/dashboard").status_code == 200


def test_create_account_refuses_bad_input_with_messages(client, users):
    login(client, "admin")
    page = post_form(client, "/admin/accounts/new", "/admin/accounts/new",
                     {"username": "learner", "full_name": "Ai Đó", "agency_id": "0"}).get_data(as_text=True)
    assert "Tên đăng nhập này đã có người dùng." in page
    page = post_form(client, "/admin/accounts/new", "/admin/accounts/new",
                     {"username": "x y", "full_name": "Ai Đó", "agency_id": "0"}).get_data(as_text=True)
    assert "Tên đăng nhập gồm" in page
    page = post_form(client, "/admin/accounts/new", "/admin/accounts/new",
                     {"username": "aido", "full_name": "Ai Đó", "email": "khong-phai-thu", "agency_id": "0"}
                     ).get_data(as_text=True)
    assert "Địa chỉ thư điện tử không hợp lệ." in page
    response = post_form(client, "/admin/accounts/new", "/admin/accounts/new",
                         {"username": "aido", "full_name": "Ai Đó", "agency_id": "999999"})
    assert response.status_code == 200
    assert _db.session.scalar(select(User).where(User.username == "aido")) is None


# ----------------------------------------------------------------------------- edit, grants, actions

def test_edit_details_and_roles_is_audited_with_before_and_after(client, users, province):
    login(client, "admin")
    person = users["learner"]
    post_form(client, f"/admin/accounts/{person.id}", f"/admin/accounts/{person.id}",
              {"full_name": "Nguyễn Thị Hương Lan", "email": "huong.lan@example.gov.vn", "agency_id": str(province.id)})
    _db.session.refresh(person)
    assert person.full_name == "Nguyễn Thị Hương Lan" and person.full_name_folded == "nguyen thi huong lan"
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.update"))
    assert entry.details["changes"]["full_name"] == ["Nguyễn Thị Hương", "Nguyễn Thị Hương Lan"]

    post_form(client, f"/admin/accounts/{person.id}", f"/admin/accounts/{person.id}/grants",
              {"grant-role": "hr", "grant-agency_id": str(province.id)})
    _db.session.refresh(person)
    assert [(g.role, g.agency_id) for g in person.grants] == [(Role.HR, province.id)]
    grant = person.grants[0]
    post_form(client, f"/admin/accounts/{person.id}", f"/admin/accounts/{person.id}/grants/{grant.id}/remove")
    _db.session.refresh(person)
    assert person.grants == []
    actions = _db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject == f"user:{person.id}")).all()
    assert {"account.grant", "account.revoke"} <= set(actions)


def test_deactivate_ends_sessions_and_reactivate_restores_sign_in(app, client, users):
    person = users["learner"]
    other = app.test_client()
    assert login(other, "learner").status_code == 302
    login(client, "admin")
    post_form(client, f"/admin/accounts/{person.id}", f"/admin/accounts/{person.id}/deactivate",
              {"reason": "Chuyển công tác"})
    _db.session.refresh(person)
    assert not person.active
    assert other.get("/dashboard").status_code == 302  # the learner's browser is signed out
    assert login(app.test_client(), "learner").status_code == 200  # and cannot sign in again
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.deactivate"))
    assert entry.note == "Chuyển công tác" and entry.details["sessions_ended"] == 1
    post_form(client, f"/admin/accounts/{person.id}", f"/admin/accounts/{person.id}/reactivate")
    assert login(app.test_client(), "learner").status_code == 302


def test_admin_cannot_lock_themselves_out(client, users):
    login(client, "admin")
    me = users["admin"]
    post_form(client, f"/admin/accounts/{me.id}", f"/admin/accounts/{me.id}/deactivate")
    page = client.get(f"/admin/accounts/{me.id}").get_data(as_text=True)
    assert "Bạn không thể tự khóa tài khoản của mình." in page
    grant = me.grants[0]
    post_form(client, f"/admin/accounts/{me.id}", f"/admin/accounts/{me.id}/grants/{grant.id}/remove")
    page = client.get(f"/admin/accounts/{me.id}").get_data(as_text=True)
    assert "quyền quản trị cuối cùng" in page
    _db.session.refresh(me)
    assert me.active and me.has_role(Role.ADMIN)


def test_reset_password_gives_a_temporary_one_and_signs_out_everywhere(app, client, users):
    person = users["learner"]
    other = app.test_client()
    login(other, "learner")
    login(client, "admin")
    response = post_form(client, f"/admin/accounts/{person.id}", f"/admin/accounts/{person.id}/reset-password")
    password = _temporary_password(response.get_data(as_text=True))
    assert other.get("/dashboard").status_code == 302
    assert login(app.test_client(), "learner").status_code == 200  # the old password no longer works
    fresh = app.test_client()
    assert login(fresh, "learner", password).headers["Location"].endswith("/account/password")
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.password_reset"))


def test_sign_out_everywhere_ends_every_session(app, client, users):
    person = users["learner"]
    browsers = [app.test_client() for _ in range(2)]
    for browser in browsers:
        login(browser, "learner")
    login(client, "admin")
    post_form(client, f"/admin/accounts/{person.id}", f"/admin/accounts/{person.id}/sign-out")
    assert all(browser.get("/dashboard").status_code == 302 for browser in browsers)
    live = _db.session.scalars(select(LoginSession).where(LoginSession.user_id == person.id,
                                                          LoginSession.ended_at.is_(None))).all()
    assert live == []
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.sign_out_everywhere"))
    assert entry.details["sessions_ended"] == 2


# ----------------------------------------------------------------------------- scoped administrators

def test_department_admin_manages_only_their_subtree(client, users, department, province):
    login(client, "admin_kh")
    page = client.get("/admin/accounts").get_data(as_text=True)
    assert "Đỗ Văn Khoa" in page and "Nguyễn Thị Hương" not in page
    outsider = users["learner"]
    assert client.get(f"/admin/accounts/{outsider.id}").status_code == 404
    assert post_form(client, "/admin/accounts", f"/admin/accounts/{outsider.id}/deactivate").status_code == 404
    assert client.get(f"/admin/accounts/{department['staff'].id}").status_code == 200
    # May not create accounts, or grant roles, outside the department (nor over everything).
    page = post_form(client, "/admin/accounts/new", "/admin/accounts/new",
                     {"username": "ngoai", "full_name": "Người Ngoài", "agency_id": str(province.id)}).get_data(as_text=True)
    assert _db.session.scalar(select(User).where(User.username == "ngoai")) is None
    staff = department["staff"]
    post_form(client, f"/admin/accounts/{staff.id}", f"/admin/accounts/{staff.id}/grants",
              {"grant-role": "admin", "grant-agency_id": "0"})
    _db.session.refresh(staff)
    assert staff.grants == []
    post_form(client, f"/admin/accounts/{staff.id}", f"/admin/accounts/{staff.id}/grants",
              {"grant-role": "hr", "grant-agency_id": str(department["agency"].id)})
    _db.session.refresh(staff)
    assert [(g.role, g.agency_id) for g in staff.grants] == [(Role.HR, department["agency"].id)]
    # Settings of the whole site: not for a department's administrator.
    assert client.get("/admin/settings").status_code == 403


def test_department_admin_cannot_touch_a_wider_admin_in_their_unit(db, users, department):
    boss = factories.user("Lý Văn Cao", username="boss", role=Role.ADMIN, agency_=department["agency"])
    with pytest.raises(services.AdminError) as refused:
        services.reset_password(department["admin"], boss)
    assert refused.value.code == "account-outranks"


# ----------------------------------------------------------------------------- audit log

def test_audit_viewer_filters_and_pages(client, users):
    admin = users["admin"]
    for n in range(60):
        audit("test.bulk", f"thing:{n}", {"n": n}, actor=admin)
    audit("test.other", "thing:999", actor=users["hr"])
    old = AuditEntry(action="test.old", subject="thing:old", details={}, actor_id=admin.id,
                     at=utcnow() - timedelta(days=40))
    _db.session.add(old)
    _db.session.commit()
    login(client, "admin")
    first = client.get("/admin/audit?action=test.bulk").get_data(as_text=True)
    assert first.count("<code>test.bulk</code>") == 50 and "page=2" in first
    second = client.get("/admin/audit?action=test.bulk&page=2").get_data(as_text=True)
    assert second.count("<code>test.bulk</code>") == 10
    assert "test.other" in client.get("/admin/audit?actor=pham+quoc").get_data(as_text=True)
    assert "test.bulk</code>" not in client.get("/admin/audit?actor=pham+quoc").get_data(as_text=True)
    assert "thing:7<" in client.get("/admin/audit?object=thing:7").get_data(as_text=True)
    assert "thing:17<" not in client.get("/admin/audit?object=thing:7").get_data(as_text=True)
    since = (utcnow() - timedelta(days=2)).strftime("%d/%m/%Y")
    recent = client.get(f"/admin/audit?object=thing&from={since}&action=test.old").get_data(as_text=True)
    assert "thing:old" not in recent
    until = (utcnow() - timedelta(days=30)).strftime("%Y-%m-%d")
    assert "thing:old" in client.get(f"/admin/audit?to={until}").get_data(as_text=True)
    assert "Ngày không hợp lệ" in client.get("/admin/audit?from=31/02/2026").get_data(as_text=True)


def test_department_admin_reads_only_their_people_s_entries(client, users, department):
    audit("test.inside", "thing:1", actor=department["staff"])
    audit("test.outside", "thing:2", actor=users["learner"])
    _db.session.commit()
    login(client, "admin_kh")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "test.inside" in page and "test.outside" not in page


def test_audit_export_is_excel_with_local_dates(client, users):
    audit("test.export", "thing:1", {"ghi chú": "Tiếng Việt"}, actor=users["admin"])
    _db.session.commit()
    login(client, "admin")
    response = client.get("/admin/audit.xlsx?action=test.export")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(1, 1).value == "Thời điểm"
    assert sheet.max_row == 2
    assert sheet.cell(2, 1).number_format == "dd/mm/yyyy hh:mm:ss"
    assert sheet.cell(2, 4).value == "test.export" and "Tiếng Việt" in sheet.cell(2, 6).value


def test_no_route_changes_or_removes_audit_entries(app):
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods - {"GET", "HEAD", "OPTIONS"} == set(), rule.rule
            assert not {"DELETE", "PUT", "PATCH"} & rule.methods


def test_the_model_refuses_update_and_delete(db, users):
    entry = audit("test.fixed", "thing:1", actor=users["admin"])
    db.session.commit()
    entry.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.execute(update(AuditEntry).values(note="x"))
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()


def test_the_database_refuses_update_even_without_the_model(db, users):
    entry = audit("test.fixed", "thing:1", actor=users["admin"])
    db.session.commit()
    with db.engine.connect() as connection, pytest.raises(DBAPIError):
        connection.execute(text("UPDATE audit_entry SET action = 'test.changed' WHERE id = :id"), {"id": entry.id})
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection, pytest.raises(DBAPIError):
            connection.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": entry.id})
    assert db.session.get(AuditEntry, entry.id).action == "test.fixed"


def test_removing_an_account_still_keeps_its_audit_entries(db, users):
    """The one change the database lets through: the foreign key's SET NULL of the actor."""
    person = factories.user("Tạm Thời", username="tam")
    entry = audit("test.by_removed", "thing:1", actor=person)
    person_id, entry_id = person.id, entry.id
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(text('DELETE FROM "user" WHERE id = :id'), {"id": person_id})
    db.session.expire_all()
    kept = db.session.get(AuditEntry, entry_id)
    assert kept.action == "test.by_removed" and kept.actor_id is None


# ----------------------------------------------------------------------------- settings

def test_site_settings_override_config_in_pages_and_mail(app, client, users):
    from lms.mail import default_sender

    login(client, "admin")
    post_form(client, "/admin/settings", "/admin/settings", {
        "site_name": "Cổng học CNTT Nghệ An", "organisation": "Sở Thông tin và Truyền thông",
        "contact": "hotro@nghean.gov.vn", "mail_sender": "Cổng học <no-reply@nghean.gov.vn>"})
    page = client.get("/").get_data(as_text=True)
    assert "Cổng học CNTT Nghệ An" in page and "Sở Thông tin và Truyền thông" in page
    assert "hotro@nghean.gov.vn" in page
    with app.test_request_context():
        assert default_sender() == "Cổng học <no-reply@nghean.gov.vn>"
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "settings.update"))
    post_form(client, "/admin/settings", "/admin/settings", {"site_name": ""})
    assert app.config["SITE_NAME"] in client.get("/").get_data(as_text=True)
    page = post_form(client, "/admin/settings", "/admin/settings",
                     {"mail_sender": "khong hop le"}).get_data(as_text=True)
    assert "Địa chỉ người gửi không hợp lệ." in page


# ----------------------------------------------------------------------------- commands

def test_cli_account_operations(app, db, users, province):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin", "create", "cli.user", "--name", "Nguyễn Văn Lệnh",
                                 "--agency", province.code])
    assert result.exit_code == 0, result.output
    password = result.output.strip().rsplit(" ", 1)[-1]
    person = db.session.scalar(select(User).where(User.username == "cli.user"))
    assert person.must_change_password and person.check_password(password)
    assert runner.invoke(args=["admin", "grant", "cli.user", "hr", "--agency", province.code]).exit_code == 0
    listed = runner.invoke(args=["admin", "list", "--search", "nguyen van lenh"]).output
    assert "cli.user" in listed and "hr@000.00.00.H41" in listed
    assert runner.invoke(args=["admin", "deactivate", "cli.user", "--reason", "thử"]).exit_code == 0
    db.session.expire_all()
    assert not db.session.get(User, person.id).active
    assert runner.invoke(args=["admin", "reactivate", "cli.user"]).exit_code == 0
    result = runner.invoke(args=["admin", "reset-password", "cli.user"])
    assert result.exit_code == 0 and "Temporary password" in result.output
    assert runner.invoke(args=["admin", "sign-out", "cli.user"]).exit_code == 0
    refused = runner.invoke(args=["admin", "deactivate", "admin"])
    assert refused.exit_code != 0 and "own-account" in refused.output
    origins = set(db.session.scalars(select(AuditEntry.origin).where(AuditEntry.subject == f"user:{person.id}")))
    assert origins == {"cli"}


# ----------------------------------------------------------------------------- import

def _upload(client, data: bytes, filename: str):
    token = csrf_token_from(client.get("/admin/accounts/import").get_data(as_text=True))
    return client.post("/admin/accounts/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def _confirm(client, preview_html: str):
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]+)"', preview_html)
    assert token, "no confirm form on the preview"
    return client.post("/admin/accounts/import/confirm",
                       data={"csrf_token": csrf_token_from(preview_html), "token": token.group(1)})


def test_import_template_reads_back_as_a_valid_file(client, users, province):
    from admin import importing

    login(client, "admin")
    response = client.get("/admin/accounts/import/template.xlsx")
    assert response.status_code == 200
    rows = importing.read_table(response.data, "mau.xlsx")
    assert [cells["username"] for _n, cells in rows] == ["nguyen.van.an", "tran.thi.binh"]


def test_import_csv_preview_then_confirm_creates_and_links_by_employee_code(client, users, province):
    staff = users["learner"]
    staff.employee_code = "NV-0100"
    _db.session.commit()
    csv_text = ("Tên đăng nhập;Họ và tên;Thư điện tử;Mã cơ quan;Chức vụ;Mã cán bộ;Ngày sinh;Vai trò\n"
                "le.thi.mai;Lê Thị Mai;mai@example.gov.vn;000.00.01.H41;Chuyên viên;NV-0101;05/06/1990;hr\n"
                ";Nguyễn Thị Hương;huong.moi@example.gov.vn;000.00.00.H41;Phó phòng;NV-0100;;\n")
    login(client, "admin")
    preview = _upload(client, csv_text.encode("utf-8-sig"), "danh-sach.csv")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Tạo mới" in html and "Cập nhật" in html
    assert _db.session.scalar(select(User).where(User.username == "le.thi.mai")) is None  # nothing yet
    done = _confirm(client, html)
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    created = _db.session.scalar(select(User).where(User.username == "le.thi.mai"))
    assert created.must_change_password and created.agency.code == "000.00.01.H41"
    assert created.date_of_birth.isoformat() == "1990-06-05"
    assert [(g.role, g.agency.code) for g in created.grants] == [(Role.HR, "000.00.01.H41")]
    assert created.check_password(_temporary_password(done.get_data(as_text=True)))
    _db.session.refresh(staff)
    assert staff.email == "huong.moi@example.gov.vn" and staff.position == "Phó phòng"
    assert _db.session.scalar(select(func_count()).where(User.employee_code == "NV-0100")) == 1
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.import"))
    assert entry.details["created"] == 1 and entry.details["updated"] == 1
    # The waiting file is gone: the same confirmation cannot run twice.
    assert _confirm(client, html).status_code == 302


def func_count():
    from sqlalchemy import func

    return func.count(User.id)


def test_import_with_bad_rows_lists_every_problem_and_writes_nothing(client, users, province):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Mã cơ quan", "Ngày sinh", "Vai trò"])
    sheet.append(["tot.ca", "Người Tốt", "tot@example.gov.vn", "000.00.00.H41", "01/01/1980", ""])
    sheet.append(["learner", "Trùng Tên", "", "000.00.00.H41", "", ""])
    sheet.append(["moi.a", "", "sai-thu", "999.99.99.H99", "32/13/1980", "vua"])
    sheet.append(["tot.ca", "Trùng Dòng", "", "000.00.00.H41", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    login(client, "admin")
    response = _upload(client, buffer.getvalue(), "tai-khoan.xlsx")
    html = response.get_data(as_text=True)
    assert "Không có gì được ghi" in html and 'name="token"' not in html
    for expected in ("Tên đăng nhập đã có người dùng.", "Cần nhập họ và tên.", "Địa chỉ thư điện tử không hợp lệ.",
                     "Không có cơ quan mã 999.99.99.H99.", "Ngày sinh cần dạng dd/mm/yyyy.",
                     "Vai trò không hợp lệ: vua.", "Trùng với dòng 2."):
        assert expected in html, expected
    assert re.search(r"<td>4</td><td>Thư điện tử</td>", html)  # row and column named
    assert _db.session.scalar(select(User).where(User.username == "tot.ca")) is None


def test_import_refuses_unreadable_files(client, users):
    login(client, "admin")
    assert "Chỉ nhận tệp .csv hoặc .xlsx." in _upload(client, b"abc", "a.txt").get_data(as_text=True)
    assert "thiếu cột" in _upload(client, "a,b\n1,2\n".encode(), "a.csv").get_data(as_text=True)
    assert _upload(client, b"PK\x03\x04 not really", "a.xlsx").status_code == 400
    assert "UTF-8" in _upload(client, "Tên,Hô\n".encode("latin-1"), "a.csv").get_data(as_text=True)


def test_department_admin_imports_only_into_their_subtree(client, users, department, province):
    csv_text = ("Tên đăng nhập,Họ và tên,Mã cơ quan\n"
                "ngoai.pham.vi,Người Ngoài,000.00.00.H41\nkhong.ma,Không Mã,\n")
    login(client, "admin_kh")
    html = _upload(client, csv_text.encode(), "a.csv").get_data(as_text=True)
    assert "Cơ quan ngoài phạm vi bạn quản trị." in html and "Cần ghi mã cơ quan" in html


def test_cli_site_setting(app, db, users):
    from lms.settings import forget_cached, setting

    runner = app.test_cli_runner()
    assert runner.invoke(args=["admin", "setting", "organisation", "Sở Thông tin và Truyền thông"]).exit_code == 0
    forget_cached()  # the test's own application context cached the values it read
    assert setting("organisation") == "Sở Thông tin và Truyền thông"
    assert runner.invoke(args=["admin", "setting", "organisation"]).exit_code == 0
    forget_cached()
    assert setting("organisation") == app.config["ORGANISATION_NAME"]


def test_temporary_passwords_are_hashed_lightly_then_rehashed_at_first_sign_in(app, db, users, monkeypatch):
    """Generated passwords (~69 random bits) take a light Argon2id, so an import of thousands is
    quick; the first sign-in stores the default-cost hash (and then a new password is required)."""
    monkeypatch.delitem(app.config, "PASSWORD_HASH_PROFILE")
    person, password = services.create_account(users["admin"], username="nhe.nhang", full_name="Nhẹ Nhàng")
    assert person.password_hash.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    assert person.must_change_password
    assert person.check_password(password)
    assert not person.password_hash.startswith("$argon2id$v=19$m=8192,t=1")  # upgraded on use
    assert person.check_password(password) and not person.check_password("sai-mat-khau")


def test_import_counts_only_rows_with_data_and_refuses_too_many(db, users):
    from admin import importing

    header = "Tên đăng nhập,Họ và tên\n"
    filled = "".join(f"nguoi.{n},Người {n}\n" for n in range(importing.MAX_ROWS))
    assert len(importing.read_table((header + filled + ",\n" * 50).encode(), "a.csv")) == importing.MAX_ROWS
    with pytest.raises(importing.ImportFileError) as refused:
        importing.read_table((header + filled + "mot.nua,Một Nữa\n").encode(), "a.csv")
    assert "500" in refused.value.message


def test_import_failing_half_way_leaves_nothing_behind(client, users, province, monkeypatch):
    csv_text = ("Tên đăng nhập,Họ và tên,Mã cơ quan,Vai trò\n"
                "mot.nguoi,Một Người,000.00.00.H41,\nhai.nguoi,Hai Người,000.00.00.H41,hr\n")
    login(client, "admin")
    html = _upload(client, csv_text.encode(), "a.csv").get_data(as_text=True)

    def refuse(*args, **kwargs):  # the second row fails after the first was written
        raise services.AdminError("agency-out-of-scope")

    monkeypatch.setattr(services, "add_grant", refuse)
    response = _confirm(client, html)
    assert response.status_code == 302
    assert _db.session.scalar(select(User).where(User.username == "mot.nguoi")) is None
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.import")) is None


def test_admin_sends_a_link_to_choose_a_password(client, users):
    from lms.mail import MailMessage

    person = users["learner"]
    login(client, "admin")
    post_form(client, f"/admin/accounts/{person.id}", f"/admin/accounts/{person.id}/send-reset-link")
    message = _db.session.scalar(select(MailMessage).where(MailMessage.recipient_id == person.id))
    assert message.kind == "password_reset" and message.to_address == person.email and message.sensitive
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.reset_link_sent"))
    assert entry.details["to"] == person.email
    person.email = None
    _db.session.commit()
    post_form(client, f"/admin/accounts/{person.id}", f"/admin/accounts/{person.id}/send-reset-link")
    assert "chưa có địa chỉ thư điện tử" in client.get(f"/admin/accounts/{person.id}").get_data(as_text=True)


def test_a_department_administrator_does_not_read_the_whole_outbox(client, users, department):
    login(client, "admin_kh")
    assert client.get("/admin/outbox").status_code == 403
    assert "Các thư hệ thống đã gửi" not in client.get("/admin/").get_data(as_text=True)  # no outbox card
