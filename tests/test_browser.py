"""A person clicks through the journey in a real Chromium (Playwright), with screenshots.

CI installs Debian's Chromium, so there the test always runs; on a machine without
/usr/bin/chromium it is skipped with a message that says how to install it.
"""
from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture()
def live_server(app, db):
    """The application served over HTTP on a free local port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture()
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: browser test not run (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def demo_data(app, db):
    """The same demo data `make run` loads."""
    from lms.demo import load_demo

    load_demo()
    for _name, loader in app.extensions["lms.demo_loaders"]:
        loader()
    db.session.commit()


def expect(locator):
    """Playwright's waiting assertions (imported late: Playwright is only needed here)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_civil_servant_learns_passes_downloads_and_a_stranger_verifies(browser, live_server, demo_data, db, tmp_path):
    from lms.demo import DEMO_PASSWORD
    from quizzes.models import Question, QuestionOption

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.goto(live_server + "/")
    _shot(page, "01-home")
    page.get_by_role("link", name="Đăng nhập").first.click()
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("hocvien")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    _shot(page, "02-login")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    assert page.get_by_role("heading", name="Xin chào, Nguyễn Thị Hương").is_visible()

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Khóa học").click()
    _shot(page, "03-catalogue")
    page.get_by_role("link", name="Nhập môn thư điện tử công vụ").click()
    page.get_by_role("button", name="Ghi danh vào khóa học").click()
    _shot(page, "04-course")
    page.get_by_role("link", name="Thư điện tử công vụ là gì?").click()
    _shot(page, "05-lesson")
    while page.get_by_role("link", name="Bài tiếp theo").count():
        page.get_by_role("link", name="Bài tiếp theo").click()
    page.get_by_role("link", name="Về trang khóa học").click()
    assert page.get_by_text("Đã học 3/3 bài").is_visible()

    page.get_by_role("link", name="Bài kiểm tra cuối khóa: thư điện tử công vụ").click()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    correct_ids = db.session.scalars(select(QuestionOption.id).join(Question).where(QuestionOption.fraction == 1.0))
    for option_id in correct_ids:
        page.locator(f'input[type=radio][value="{option_id}"]').check()
    expect(page.get_by_text("Đã lưu tất cả câu trả lời")).to_be_visible()  # autosaved as she answered
    _shot(page, "06-quiz")
    page.once("dialog", lambda dialog: dialog.accept())  # "Nộp bài ngay?" confirmation
    page.get_by_role("button", name="Nộp bài").click()
    assert page.get_by_text("10,00/10").is_visible()
    _shot(page, "07-result")

    page.get_by_role("link", name="Về trang của tôi").click()
    _shot(page, "08-dashboard")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải PDF").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert "Nguyễn Thị Hương" in text
    verify_link = page.get_by_role("link", name="Trang tra cứu").get_attribute("href")

    stranger = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")  # a phone
    phone = stranger.new_page()
    phone.goto(live_server + verify_link)
    assert phone.get_by_text("Chứng chỉ hợp lệ").is_visible()
    assert phone.get_by_role("heading", name="Nguyễn Thị Hương").is_visible()
    _shot(phone, "09-verify-phone")
    context.close()
    stranger.close()


def test_citizen_on_a_phone_finds_a_guide_without_diacritics_and_self_checks(browser, live_server, app, db):
    result = app.test_cli_runner().invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True,
                                has_touch=True)
    page = phone.new_page()
    page.goto(live_server + "/guides")
    page.get_by_label("Tìm hướng dẫn").fill("lam sao nop ho so truc tuyen")
    page.get_by_role("button", name="Tìm").click()
    _shot(page, "10-search-phone")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ trực tuyến")
    _shot(page, "11-guide-phone")
    page.get_by_role("link", name="Làm bài tự kiểm tra").click()
    for fieldset in page.locator("fieldset.question").all():
        fieldset.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Xem kết quả").click()
    expect(page.get_by_text("Kết quả không chính thức, chỉ để bạn tự đánh giá.")).to_be_visible()
    _shot(page, "12-self-check-phone")
    phone.close()
