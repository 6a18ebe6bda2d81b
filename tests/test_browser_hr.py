"""In a real Chromium, audited by axe-core: the HR officer finds a person typed without diacritics,
reads the standing against a target rank, looks at the unit figures and drills down, opens the
promotion round, reads the change log of units and renames one (through its confirmation page).
Screenshots in tests/screenshots/hr-*."""
from __future__ import annotations

import pytest

from tests.test_browser import _shot, a11y, browser, demo_data, expect, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_hr_officer_checks_a_person_and_the_units(browser, live_server, demo_data, a11y):  # noqa: F811
    from lms.demo import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    a11y.watch(context)
    page = context.new_page()
    page.goto(live_server + "/login")
    a11y.audit(page, "hr-login")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("nhansu")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    a11y.audit(page, "hr-dashboard")
    page.get_by_role("link", name="Nhân sự", exact=True).first.click()
    _shot(page, "hr-01-staff-list", a11y)
    page.get_by_label("Tìm (họ tên gõ có dấu hoặc không, mã cán bộ, ngày sinh dd/mm/yyyy)").fill("nguyen thi huong")
    page.get_by_role("button", name="Tìm", exact=True).click()
    page.wait_for_load_state("load")
    _shot(page, "hr-02-search", a11y)
    page.get_by_role("link", name="Nguyễn Thị Hương").first.click()
    expect(page.get_by_role("heading", name="Đáp ứng yêu cầu kỹ năng CNTT")).to_be_visible()
    a11y.audit(page, "hr-person-current")
    page.get_by_label("Xem theo ngạch dự kiến").select_option("01.002")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_role("heading", name="Theo ngạch dự kiến")).to_be_visible()
    _shot(page, "hr-03-person", a11y)
    page.get_by_role("link", name="Tỷ lệ đáp ứng theo đơn vị").first.click()
    expect(page.locator("svg[role=img]")).to_have_count(1)
    _shot(page, "hr-04-compliance", a11y)
    page.locator("table").last.locator("tbody tr").last.locator("a").first.click()
    expect(page.get_by_role("heading", name="Đạt: Chuẩn cơ bản")).to_be_visible()
    _shot(page, "hr-05-drill-down", a11y)
    page.get_by_role("link", name="Đợt xét tuyển, nâng ngạch").first.click()
    a11y.audit(page, "hr-rounds")
    page.get_by_role("link", name="Xét nâng ngạch chuyên viên chính năm 2026").click()
    expect(page.get_by_text("Cần kiểm tra").first).to_be_visible()
    _shot(page, "hr-06-round", a11y)
    page.get_by_role("link", name="Đơn vị", exact=True).first.click()
    expect(page.get_by_text("Hợp nhất Ủy ban nhân dân huyện Nghi Lộc (đến 30/06/2025)")).to_be_visible()
    _shot(page, "hr-07-agencies", a11y)
    page.get_by_role("link", name="Xem toàn bộ nhật ký thay đổi").click()
    expect(page.get_by_text("Đổi tên Cổng thông tin điện tử tỉnh thành Trung tâm Thông tin và Cổng thông tin điện tử")
           ).to_be_visible()
    _shot(page, "hr-08-agency-log", a11y)
    page.get_by_role("link", name="Đơn vị", exact=True).first.click()
    page.get_by_role("link", name="Trung tâm Thông tin và Cổng thông tin điện tử").click()
    a11y.audit(page, "hr-agency")
    page.get_by_role("radio", name="Đổi tên").check()
    page.get_by_label("Tên mới (khi đổi tên)").fill("Trung tâm Thông tin điện tử tỉnh")
    page.get_by_label("Ngày có hiệu lực").fill("2026-01-02")
    page.get_by_label("Số quyết định").fill("5/QĐ-SKHCN")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.get_by_role("heading", name="Xác nhận thay đổi đơn vị")).to_be_visible()
    _shot(page, "hr-09-agency-confirm", a11y)
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("heading", name="Trung tâm Thông tin điện tử tỉnh")).to_be_visible()
    _shot(page, "hr-10-agency-renamed", a11y)
    context.close()
    a11y.check()
