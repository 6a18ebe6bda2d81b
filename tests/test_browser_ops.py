"""In a real Chromium: a civil servant who forgot her password gets a link by e-mail and sets a
new one; the administrator reads the outbox. Screenshots in tests/screenshots/ops-*."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.mail import MailMessage, send_queued
from tests.test_browser import _shot, browser, demo_data, expect, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
NEW_PASSWORD = "Sáng nay trời Vinh trong xanh"


def test_forgotten_password_by_e_mail_then_the_administrators_outbox(browser, live_server, demo_data, db):  # noqa: F811
    from lms.demo import DEMO_PASSWORD

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")  # her phone
    page = context.new_page()
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("hocvien@demo.gov.vn")
    _shot(page, "ops-01-forgot")
    page.get_by_role("button", name="Gửi liên kết đặt lại mật khẩu").click()
    expect(page.get_by_text("Nếu tài khoản này có địa chỉ thư điện tử")).to_be_visible()
    _shot(page, "ops-02-forgot-sent")

    db.session.expire_all()
    message = db.session.scalar(select(MailMessage).where(MailMessage.kind == "password_reset"))
    link = re.search(r"http://\S+(/password/reset/\S+)", message.body_text).group(1)
    page.goto(live_server + link)
    page.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    _shot(page, "ops-03-reset")
    page.get_by_role("button", name="Đặt mật khẩu mới").click()
    expect(page.get_by_text("Đã đặt mật khẩu mới.")).to_be_visible()
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("hocvien")
    page.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    page.goto(live_server + link)
    expect(page.get_by_role("heading", name="Liên kết không còn hiệu lực")).to_be_visible()
    _shot(page, "ops-04-link-used")
    context.close()

    db.session.commit()  # end this test's read transaction: the sweep writes next
    assert send_queued().get("sent", 0) >= 1
    admin = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = admin.new_page()
    page.goto(live_server + "/login")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("quantri")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Thư đi").click()
    expect(page.get_by_role("heading", name="Thư đi")).to_be_visible()
    _shot(page, "ops-05-outbox")
    page.get_by_role("link", name="Đặt lại mật khẩu của anh/chị").click()
    expect(page.get_by_text("nội dung không được hiển thị")).to_be_visible()  # the link stays secret
    _shot(page, "ops-06-outbox-message")
    admin.close()
