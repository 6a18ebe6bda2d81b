"""A person clicks through the journey in a real Chromium (Playwright), with screenshots.

CI installs Debian's Chromium, so there the test always runs; on a machine without
/usr/bin/chromium it is skipped with a message that says how to install it.
"""
from __future__ import annotations

import io
import os
import re
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# axe-core, pinned and kept beside the tests (tests/assets/axe-core/README.md): never from a CDN.
AXE = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"
AXE_BLOCKING = ("serious", "critical")
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


class Accessibility:
    """Runs axe-core on every page a journey shows and keeps what it finds.

    The engine is given to each page by an init script of the browser context (so the site's
    Content-Security-Policy, which allows no inline script, is left as it is). Every page the
    main frame navigates to is recorded; ``check`` fails if one was never audited, and lists
    every violation of impact serious or critical, page by page.
    """

    def __init__(self):
        self.audited: set[str] = set()
        self.visited: list[str] = []
        self.violations: list[str] = []

    def watch(self, context) -> None:
        """Give every page of ``context`` the engine and record where its pages go."""
        context.add_init_script(path=str(AXE))
        context.on("page", self._follow)
        for page in context.pages:
            self._follow(page)

    def _follow(self, page) -> None:
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.append(self._key(frame.url)))

    @staticmethod
    def _key(url: str) -> str:
        return url.split("#", 1)[0]

    def audit(self, page, label: str) -> None:
        """Run axe-core on the page as it is now (after any script has run)."""
        page.wait_for_load_state("load")
        found = page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
        }""")
        for violation in found:
            if violation["impact"] in AXE_BLOCKING:
                self.violations.append(f"{label} ({page.url}): [{violation['impact']}] {violation['id']}: "
                                       f"{violation['help']} — " + " | ".join(violation["nodes"]))
        self.audited.add(self._key(page.url))

    def check(self) -> None:
        """Fail for a page never audited, or for any serious or critical violation."""
        missed = sorted({url for url in self.visited if url not in self.audited and url != "about:blank"})
        assert not missed, f"pages not audited by axe-core: {missed}"
        assert not self.violations, "axe-core violations:\n" + "\n".join(self.violations)


@pytest.fixture()
def a11y():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing (make axe-core)")
    return Accessibility()


def _shot(page, name: str, a11y: Accessibility | None = None) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    if a11y is not None:
        a11y.audit(page, name)


def test_civil_servant_learns_passes_downloads_and_a_stranger_verifies(browser, live_server, demo_data, db, tmp_path,
                                                                     a11y):
    from lms.demo import DEMO_PASSWORD
    from quizzes.models import Question, QuestionOption

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN", accept_downloads=True)
    a11y.watch(context)
    page = context.new_page()
    page.goto(live_server + "/")
    _shot(page, "01-home", a11y)
    page.get_by_role("link", name="Đăng nhập").first.click()
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("hocvien")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    _shot(page, "02-login", a11y)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    assert page.get_by_role("heading", name="Xin chào, Nguyễn Thị Hương").is_visible()
    a11y.audit(page, "dashboard")

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Khóa học").click()
    _shot(page, "03-catalogue", a11y)
    page.get_by_role("link", name="Nhập môn thư điện tử công vụ").click()
    a11y.audit(page, "course")
    page.get_by_role("button", name="Ghi danh vào khóa học").click()
    _shot(page, "04-course", a11y)
    page.get_by_role("link", name="Thư điện tử công vụ là gì?").click()
    _shot(page, "05-lesson", a11y)
    while page.get_by_role("link", name="Bài tiếp theo").count():
        page.get_by_role("link", name="Bài tiếp theo").click()
        a11y.audit(page, "lesson")
    page.get_by_role("link", name="Về trang khóa học").click()
    assert page.get_by_text("Đã học 3/3 bài").is_visible()
    # Every lesson read: "Học tiếp" leads to the final quiz, not back to the last lesson.
    continue_link = page.get_by_role("link", name="Học tiếp: Bài kiểm tra cuối khóa: thư điện tử công vụ")
    expect(continue_link).to_be_visible()
    a11y.audit(page, "course-read")

    continue_link.click()
    a11y.audit(page, "quiz-overview")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    correct_ids = db.session.scalars(select(QuestionOption.id).join(Question).where(QuestionOption.fraction == 1.0))
    for option_id in correct_ids:
        page.locator(f'input[type=radio][value="{option_id}"]').check()
    expect(page.get_by_text("Đã lưu tất cả câu trả lời")).to_be_visible()  # autosaved as she answered
    _shot(page, "06-quiz", a11y)
    page.once("dialog", lambda dialog: dialog.accept())  # "Nộp bài ngay?" confirmation
    page.get_by_role("button", name="Nộp bài").click()
    assert page.get_by_text("10,00/10").is_visible()
    _shot(page, "07-result", a11y)

    page.get_by_role("link", name="Về trang của tôi").click()
    _shot(page, "08-dashboard", a11y)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải PDF").click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages)
    assert "Nguyễn Thị Hương" in text
    verify_link = page.get_by_role("link", name="Trang tra cứu").get_attribute("href")

    stranger = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")  # a phone
    a11y.watch(stranger)
    phone = stranger.new_page()
    phone.goto(live_server + verify_link)
    assert phone.get_by_text("Chứng chỉ hợp lệ").is_visible()
    assert phone.get_by_role("heading", name="Nguyễn Thị Hương").is_visible()
    _shot(phone, "09-verify-phone", a11y)
    context.close()
    stranger.close()
    a11y.check()


def _target_sizes(page, selector: str) -> list[tuple[float, float]]:
    return [(box["width"], box["height"]) for box in
            (element.bounding_box() for element in page.locator(selector).all()) if box]


def test_citizen_on_a_phone_finds_a_guide_without_diacritics_and_self_checks(browser, live_server, app, db, a11y):
    result = app.test_cli_runner().invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True,
                                has_touch=True)
    a11y.watch(phone)
    page = phone.new_page()
    page.goto(live_server + "/guides")
    a11y.audit(page, "guides")
    page.get_by_label("Tìm hướng dẫn").fill("lam sao nop ho so truc tuyen")
    page.get_by_role("button", name="Tìm").click()
    _shot(page, "10-search-phone", a11y)
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nộp hồ sơ trực tuyến")
    _shot(page, "11-guide-phone", a11y)
    page.get_by_role("link", name="Làm bài tự kiểm tra").click()
    a11y.audit(page, "self-check")
    # WCAG 2.2 target size: every radio button is at least 24 × 24 CSS px on the phone.
    sizes = _target_sizes(page, "input[type=radio]")
    assert sizes and all(width >= 24 and height >= 24 for width, height in sizes), sizes
    picked = []
    for fieldset in page.locator("fieldset.question").all():
        first = fieldset.locator("label.option").first
        picked.append(first.inner_text().strip())
        first.locator("input[type=radio]").check()
    page.get_by_role("button", name="Xem kết quả").click()
    expect(page.get_by_text("Kết quả không chính thức, chỉ để bạn tự đánh giá.")).to_be_visible()
    # The result shows what she picked, in the order she saw the options.
    chosen = [text.replace("Bạn chọn:", "").replace("Đáp án đúng", "").strip()
              for text in page.locator(".options-review li.chosen").all_inner_texts()]
    assert chosen == picked
    _shot(page, "12-self-check-phone", a11y)
    phone.close()
    a11y.check()


@pytest.fixture()
def content_and_demo(app, db):
    """The content and demo data `make run` loads (before the browser starts: signing the demo
    certificates runs an event loop of its own)."""
    from lms.demo import load_demo

    result = app.test_cli_runner().invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    load_demo()
    for _name, loader in app.extensions["lms.demo_loaders"]:
        loader()
    db.session.commit()


def test_learner_practises_on_a_phone_and_reads_each_part_of_the_feedback_apart(content_and_demo, browser,
                                                                              live_server, db, a11y):
    from sqlalchemy import select as select_

    from quizzes.models import Quiz, QuizKind

    practice = db.session.scalar(select_(Quiz).where(Quiz.kind == QuizKind.PRACTICE, Quiz.public.is_(False))
                                 .order_by(Quiz.id))
    from lms.demo import DEMO_PASSWORD

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True,
                                has_touch=True)
    a11y.watch(phone)
    page = phone.new_page()
    page.goto(live_server + "/login")
    a11y.audit(page, "login-phone")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("hocvien")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    _shot(page, "13-dashboard-phone", a11y)
    page.goto(live_server + "/courses?module=IU10")  # a module no course teaches yet
    expect(page.get_by_role("heading", name=re.compile("Chưa có khóa học cho mô-đun IU10"))).to_be_visible()
    _shot(page, "14-untaught-module-phone", a11y)
    page.goto(live_server + f"/quizzes/{practice.id}")
    a11y.audit(page, "practice-overview")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    question = page.locator("fieldset.question").filter(has=page.locator("input[type=radio]")).first
    sizes = _target_sizes(page, "input[type=radio], input[type=checkbox]")
    assert sizes and all(width >= 24 and height >= 24 for width, height in sizes), sizes
    question.locator("input[type=radio]").first.check()
    expect(page.get_by_text("Đã lưu tất cả câu trả lời")).to_be_visible()
    question.get_by_role("button", name="Kiểm tra câu này").click()
    panel = question.locator(".check-result")
    expect(panel.locator(".verdict")).to_be_visible()
    # Verdict, right answer and explanation are separate elements, never one run-on sentence.
    assert panel.locator(".verdict").count() == 1
    expect(panel.locator(".key")).to_contain_text("Đáp án đúng:")
    assert panel.locator(".explanation").count() <= 1
    verdict = panel.locator(".verdict").inner_text()
    assert verdict in ("Đúng.", "Đúng một phần.", "Chưa đúng.")
    _shot(page, "15-practice-feedback-phone", a11y)
    phone.close()
    a11y.check()


def test_hr_officer_checks_a_pile_of_codes_on_a_phone(content_and_demo, browser, live_server, db, a11y):
    from certificates.codes import ALPHABET, display
    from certificates.models import Certificate
    from lms.demo import DEMO_PASSWORD

    certificate = db.session.scalars(select(Certificate).order_by(Certificate.id)).first()
    code = certificate.code
    typo = display(code[:3] + ALPHABET[(ALPHABET.index(code[3]) + 1) % len(ALPHABET)] + code[4:])
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True,
                                has_touch=True)
    a11y.watch(phone)
    page = phone.new_page()
    page.goto(live_server + "/login")
    a11y.audit(page, "login-hr")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill("nhansu")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    a11y.audit(page, "dashboard-hr")
    page.get_by_role("link", name="Kiểm tra hàng loạt").first.click()
    a11y.audit(page, "bulk-check")
    page.get_by_label("Mã tra cứu hoặc số hiệu (mỗi dòng một)").fill(
        f"Mã tra cứu\n{certificate.serial}\n{typo}\nKHONG-CO-MA")
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    rows = page.locator(".table-scroll tbody tr")
    expect(rows).to_have_count(4)
    statuses = [row.locator("td").nth(2).inner_text() for row in rows.all()]
    assert statuses == ["Dòng tiêu đề, bỏ qua", "Hợp lệ", "Mã có ký tự gõ nhầm", "Không tìm thấy"]
    _shot(page, "16-bulk-check-phone", a11y)
    page.goto(live_server + f"/verify/{typo}")  # the single lookup says the same about the typo
    expect(page.get_by_text("Mã có ký tự gõ nhầm")).to_be_visible()
    _shot(page, "17-verify-typo-phone", a11y)
    phone.close()
    a11y.check()
