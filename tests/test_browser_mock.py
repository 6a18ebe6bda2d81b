"""In a real Chromium: a civil servant sits the mock exam on her phone, hands it in, reads her
result by module with what to study, then reads it in English. Screenshots in
tests/screenshots/mock-*; every page checked by axe-core."""
from __future__ import annotations

import pytest

from tests.test_browser import (_shot, a11y, browser, content_and_demo, expect,  # noqa: F401  (fixtures)
                                live_server)

pytestmark = pytest.mark.browser


def test_a_mock_exam_on_a_phone_result_by_module_in_both_languages(content_and_demo, browser, live_server,  # noqa: F811
                                                                     db, a11y):  # noqa: F811
    from lms.demo import DEMO_PASSWORD

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True,
                                has_touch=True)
    a11y.watch(phone)
    page = phone.new_page()
    page.goto(live_server + "/login")
    a11y.audit(page, "mock-login")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("hocvien")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    a11y.audit(page, "mock-dashboard")
    page.goto(live_server + "/thi-thu")
    expect(page.get_by_role("heading", name="Thi thử sát hạch chuẩn kỹ năng CNTT cơ bản")).to_be_visible()
    _shot(page, "mock-01-home-phone", a11y)
    page.get_by_role("button", name="Bắt đầu thi thử").click()
    page.wait_for_url("**/attempts/*")
    questions = page.locator("fieldset.question")
    assert questions.count() == 30
    choice = questions.filter(has=page.locator("input[type=radio]"))
    for index in range(5):  # a few answers, saved as she goes
        choice.nth(index).locator("input[type=radio]").first.check()
    expect(page.get_by_text("Đã lưu tất cả câu trả lời")).to_be_visible()
    _shot(page, "mock-02-sitting-phone", a11y)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bài").click()
    page.wait_for_url("**/result")
    a11y.audit(page, "mock-review")
    page.get_by_role("link", name="Kết quả theo mô-đun và gợi ý ôn tập").click()
    page.wait_for_url("**/thi-thu/*")
    table = page.get_by_role("table")
    for code in ("IU01", "IU02", "IU03", "IU04", "IU05", "IU06"):
        expect(table.get_by_role("rowheader", name=code, exact=False)).to_be_visible()
    expect(page.get_by_text("Không chính thức")).to_be_visible()
    expect(page.get_by_role("heading", name="Phần thực hành", exact=False)).to_be_visible()
    # With 5 of 30 answered, some module is below the pass mark and names a course to study.
    assert page.locator("td a[href^='/courses/']").count() >= 1
    _shot(page, "mock-03-result-phone", a11y)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Mock exam result, sitting 1")).to_be_visible()
    expect(page.get_by_role("columnheader", name="What to study")).to_be_visible()
    _shot(page, "mock-04-result-english-phone", a11y)
    phone.close()
    a11y.check()
