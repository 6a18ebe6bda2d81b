"""In a real Chromium, axe-core on every page: the administrator finds a colleague without
diacritics, creates an account, hands over the temporary password; the new colleague must choose
a password at first sign-in, then edits her profile; the administrator imports a file, reads the
audit log, the settings and the issuers. Screenshots in tests/screenshots/admin-*."""
from __future__ import annotations

import re

import pytest

from tests.test_admin_issuers import PASSWORD as P12_PASSWORD
from tests.test_admin_issuers import _good_p12
from tests.test_browser import _shot, a11y, browser, demo_data, expect, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
NEW_PASSWORD = "Chiều nay Cửa Lò nhiều gió"


def _sign_in(page, server: str, username: str, password: str, a11y) -> None:  # noqa: F811
    page.goto(server + "/login")
    a11y.audit(page, "login")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def test_administrator_creates_an_account_and_the_colleague_helps_herself(
        browser, live_server, demo_data, db, a11y, tmp_path, app, monkeypatch):  # noqa: F811
    from cryptography.fernet import Fernet

    from lms.demo import DEMO_PASSWORD

    monkeypatch.setitem(app.config, "SIGNING_KEY_ENCRYPTION_KEY", Fernet.generate_key().decode())

    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    a11y.watch(admin)
    page = admin.new_page()
    _sign_in(page, live_server, "quantri", DEMO_PASSWORD, a11y)
    page.wait_for_url("**/dashboard")
    a11y.audit(page, "dashboard")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Quản trị").click()
    expect(page.get_by_role("heading", name="Quản trị", exact=True)).to_be_visible()
    _shot(page, "admin-01-home", a11y)
    page.get_by_role("main").get_by_role("link", name="Tài khoản", exact=True).click()
    a11y.audit(page, "accounts")
    page.get_by_label("Tìm (họ tên không cần dấu").fill("hoang duc thang")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("link", name="Hoàng Đức Thắng")).to_be_visible()
    _shot(page, "admin-02-accounts", a11y)

    page.get_by_role("link", name="Tạo tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("ho.thi.xuan")
    page.get_by_label("Họ và tên").fill("Hồ Thị Xuân")
    page.get_by_label("Thư điện tử").fill("xuan.ht@demo.gov.vn")
    page.get_by_label("Mã cán bộ").fill("NA-0999")
    _shot(page, "admin-03-new-account", a11y)
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.get_by_role("heading", name="Mật khẩu tạm thời")).to_be_visible()
    temporary = page.locator("code.temporary-password").inner_text()
    _shot(page, "admin-04-temporary-password", a11y)
    page.get_by_role("link", name="Về trang tài khoản").click()
    page.get_by_label("Vai trò", exact=True).select_option("hr")
    page.get_by_role("button", name="Cấp quyền").click()
    expect(page.get_by_text("Đã cấp quyền.")).to_be_visible()
    _shot(page, "admin-05-account", a11y)

    colleague = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    a11y.watch(colleague)
    phone = colleague.new_page()
    _sign_in(phone, live_server, "ho.thi.xuan", temporary, a11y)
    phone.wait_for_url("**/account/password")
    expect(phone.get_by_text("Bạn đang dùng mật khẩu tạm thời")).to_be_visible()
    _shot(phone, "admin-06-forced-change", a11y)
    phone.get_by_label("Mật khẩu hiện tại").fill(temporary)
    phone.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Đổi mật khẩu").click()
    phone.wait_for_url("**/dashboard")
    a11y.audit(phone, "dashboard after the change")
    phone.goto(live_server + "/account")
    phone.get_by_label("Số điện thoại").fill("0238 3 844 555")
    phone.get_by_role("button", name="Lưu").click()
    expect(phone.get_by_text("Đã lưu thông tin của bạn.")).to_be_visible()
    _shot(phone, "admin-07-profile", a11y)
    colleague.close()

    csv_file = tmp_path / "danh-sach.csv"
    csv_file.write_text("Tên đăng nhập,Họ và tên,Mã cơ quan\nle.van.hai,Lê Văn Hải,000.00.02.H41\n"
                        "hocvien,Trùng Tên,000.00.02.H41\n", encoding="utf-8")
    page.goto(live_server + "/admin/accounts/import")
    page.get_by_label("Tệp CSV hoặc Excel").set_input_files(str(csv_file))
    page.get_by_role("button", name="Kiểm tra và xem trước").click()
    expect(page.get_by_text("Không có gì được ghi")).to_be_visible()
    _shot(page, "admin-08-import-problems", a11y)
    csv_file.write_text("Tên đăng nhập,Họ và tên,Mã cơ quan\nle.van.hai,Lê Văn Hải,000.00.02.H41\n", encoding="utf-8")
    page.get_by_label("Tệp CSV hoặc Excel").set_input_files(str(csv_file))
    page.get_by_role("button", name="Kiểm tra và xem trước").click()
    _shot(page, "admin-09-import-preview", a11y)
    page.get_by_role("button", name=re.compile("Nhập 1 dòng")).click()
    expect(page.get_by_role("heading", name="Đã nhập 1 tài khoản")).to_be_visible()
    _shot(page, "admin-10-import-done", a11y)

    page.goto(live_server + "/admin/audit?action=account.create")
    expect(page.get_by_role("cell", name="account.create").first).to_be_visible()
    _shot(page, "admin-11-audit", a11y)
    page.goto(live_server + "/admin/settings")
    _shot(page, "admin-12-settings", a11y)
    page.goto(live_server + "/admin/issuers")
    _shot(page, "admin-13-issuers", a11y)
    page.get_by_role("main").get_by_role("link").nth(1).click()  # the first issuer (after "← Quản trị")
    key_file = tmp_path / "khoa-moi.p12"
    key_file.write_bytes(_good_p12())
    page.get_by_label("Tệp khóa và chứng thư số").set_input_files(str(key_file))
    page.get_by_label("Mật khẩu của tệp").fill(P12_PASSWORD)
    page.get_by_role("button", name="Kiểm tra và dùng khóa này").click()
    expect(page.get_by_text("Đã nhận khóa ký mới")).to_be_visible()
    expect(page.get_by_text("Đang dùng")).to_be_visible()
    _shot(page, "admin-14-issuer-key", a11y)
    admin.close()
    a11y.check()
