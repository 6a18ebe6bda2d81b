"""The practical part in a real Chromium, with axe-core on every page: a stranger checks a document's
format on a phone, a learner hands in a practice file, an examiner overrides a check."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_browser import _shot, a11y, browser, content_and_demo, expect, live_server  # noqa: F401

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_a_stranger_checks_a_document_on_a_phone(browser, live_server, db, a11y):  # noqa: F811
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True,
                                has_touch=True)
    a11y.watch(phone)
    page = phone.new_page()
    page.goto(live_server + "/")
    a11y.audit(page, "home")
    page.get_by_role("link", name="Kiểm tra ngay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kiểm tra thể thức văn bản hành chính")
    a11y.audit(page, "nd30")
    page.get_by_label("Tệp của bạn").set_input_files(str(FIXTURES / "nd30" / "13-quyet-dinh-arial.docx"))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.get_by_text("Có 1 điểm chưa đúng thể thức.")).to_be_visible()
    expect(page.locator("table").get_by_text("Times New Roman").first).to_be_visible()
    _shot(page, "30-nd30-result-phone", a11y)
    page.get_by_label("Tệp của bạn").set_input_files(str(FIXTURES / "officefile" / "cu.doc"))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("hãy lưu lại dưới dạng .docx")
    _shot(page, "31-nd30-refused-phone", a11y)
    phone.close()
    a11y.check()


def test_a_learner_practises_and_an_examiner_overrides(content_and_demo, browser, live_server, db, a11y):  # noqa: F811
    from lms.demo import DEMO_PASSWORD

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    a11y.watch(desk)
    page = desk.new_page()
    page.goto(live_server + "/login")
    a11y.audit(page, "login")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("hocvien")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    a11y.audit(page, "dashboard")
    page.get_by_role("link", name="Bài thực hành", exact=True).first.click()
    _shot(page, "32-practice-list", a11y)
    page.get_by_role("link", name="Lập danh sách dạng bảng").click()
    _shot(page, "33-practice-task", a11y)
    page.get_by_label("Tệp của bạn").set_input_files(str(FIXTURES / "practical" / "iu03-bang" / "sai-thieu-cot.docx"))
    page.get_by_role("button", name="Nộp và chấm").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kết quả chấm: sai-thieu-cot.docx")
    expect(page.get_by_text("Chưa đạt").first).to_be_visible()
    _shot(page, "34-practice-feedback", a11y)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(live_server + "/")
    a11y.audit(page, "home-after-sign-out")

    page.goto(live_server + "/login")
    a11y.audit(page, "login-examiner")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("khaothi")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    a11y.audit(page, "dashboard-examiner")
    page.goto(live_server + "/exams")
    a11y.audit(page, "exams")
    page.get_by_role("link", name="Kỳ thi có phần thực hành chấm tự động (dữ liệu mẫu)").click()
    a11y.audit(page, "exam-detail")
    page.get_by_role("link", name="Phần thực hành (chấm tự động)").click()
    _shot(page, "35-exam-practical-overview", a11y)
    page.get_by_role("link", name="Trần Văn Minh").click()
    expect(page.get_by_text("0,00 / 10,00").first).to_be_visible()
    _shot(page, "36-exam-practical-candidate", a11y)
    page.locator("summary").first.click()
    opened = page.locator("details[open]")
    opened.get_by_label("Đạt", exact=True).check()
    opened.get_by_label("Lý do").fill("Thí sinh làm đúng trên máy thi, tệp lưu thiếu công thức do lỗi phần mềm")
    opened.get_by_role("button", name="Lưu kết luận").click()
    expect(page.get_by_text("Đã lưu kết luận của giám khảo; điểm đã được tính lại.")).to_be_visible()
    expect(page.get_by_text("Lịch sử sửa kết luận")).to_be_visible()
    _shot(page, "37-exam-practical-override", a11y)
    desk.close()
    a11y.check()
