"""The exam as a process in a real Chromium: the examiner watches the room update itself, the
board's chair approves, the candidate reads the official result; axe-core on every page."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from lms.database import utcnow
from lms.models import Role
from quizzes import exams
from quizzes.services import save_answer
from tests import factories
from tests.test_browser import _shot, a11y, browser, expect, live_server  # noqa: F401  (fixtures)
from tests.test_exam_process import BASIC, _bank

pytestmark = pytest.mark.browser


def _sign_in(context, base: str, username: str, audit):
    page = context.new_page()
    page.goto(base + "/login")
    audit.audit(page, f"login-{username}")
    page.get_by_label("Tên đăng nhập hoặc thư điện tử").fill(username)
    page.get_by_label("Mật khẩu").fill(factories.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dashboard")
    audit.audit(page, f"dashboard-{username}")
    return page


def test_examiner_watches_the_room_chair_approves_candidate_reads_the_result(browser, live_server, db, users,  # noqa: F811
                                                                             province, a11y):  # noqa: F811
    _bank()
    factories.user("Đặng Văn Hùng", username="chutich", role=Role.BOARD_CHAIR, scope=province)
    now = utcnow()
    session = exams.create_session(title="Thi chứng chỉ CNTT cơ bản đợt 5", opens_at=now - timedelta(hours=1),
                                   closes_at=now + timedelta(hours=2), time_limit_minutes=30, agency=province,
                                   level="basic", modules=BASIC, created_by=users["examiner"])
    exams.set_blueprint(session, [exams.RuleSpec("IU01", 2), exams.RuleSpec("IU02", 2)])
    exams.add_candidates(session, ["learner", "author"])
    exams.set_board(session, ["Đặng Văn Hùng — Chủ tịch", "Lê Thị Thu Hà — Thư ký"], users["examiner"])
    attempt = exams.start_exam(session, users["learner"], None)
    db.session.commit()

    examiner = browser.new_context(locale="vi-VN")
    a11y.watch(examiner)
    page = _sign_in(examiner, live_server, "examiner", a11y)
    page.goto(live_server + f"/exams/{session.id}")
    _shot(page, "30-exam-detail", a11y)
    page.get_by_role("link", name="Giám sát phòng thi").click()
    row = page.locator(f'tr[data-candidate="{exams.candidate_of(session, users["learner"]).id}"]')
    expect(row.locator(".answered")).to_have_text("0/4")
    _shot(page, "31-exam-monitor", a11y)
    # The candidate answers; the page shows it at its next fetch, without a reload.
    slot = attempt.slots[0]
    save_answer(attempt.id, attempt.user_id, slot.question_id, {"option": slot.question.options[0].id}, seq=3)
    db.session.commit()
    expect(row.locator(".answered")).to_have_text("1/4", timeout=12_000)
    expect(page.locator('#monitor-counts [data-state="answering"] strong')).to_have_text("1")
    expect(page.locator("#monitor-status")).to_contain_text("Cập nhật lúc")
    page.get_by_label("Số phút cộng thêm cho Nguyễn Thị Hương").fill("10")
    row.get_by_role("button", name="Cộng").click()
    expect(page.get_by_text("Đã cộng thời gian cho Nguyễn Thị Hương.")).to_be_visible()
    a11y.audit(page, "exam-monitor-after-adding")

    from quizzes.services import submit_attempt

    db.session.refresh(attempt)
    submit_attempt(attempt)
    exams.set_practical_score(exams.candidate_of(session, users["learner"]), Decimal("7"), users["examiner"])
    db.session.commit()
    chair = browser.new_context(locale="vi-VN")
    a11y.watch(chair)
    page = _sign_in(chair, live_server, "chutich", a11y)
    page.get_by_role("link", name="Kỳ thi").first.click()
    a11y.audit(page, "exam-list-chair")
    page.get_by_role("link", name="Thi chứng chỉ CNTT cơ bản đợt 5").click()
    expect(page.get_by_text("Đã đủ điểm của mọi thí sinh dự thi.")).to_be_visible()
    _shot(page, "32-exam-results-chair", a11y)
    page.get_by_label("Số quyết định phê duyệt").fill("70/QĐ-HĐT")
    page.get_by_label("Ngày quyết định").fill("2026-12-04")
    page.get_by_role("button", name="Phê duyệt danh sách kết quả").click()
    expect(page.get_by_text("Quyết định số 70/QĐ-HĐT ngày 04/12/2026")).to_be_visible()
    _shot(page, "33-exam-results-approved", a11y)

    candidate = browser.new_context(locale="vi-VN")
    a11y.watch(candidate)
    page = _sign_in(candidate, live_server, "learner", a11y)
    page.goto(live_server + "/my-exams")
    expect(page.locator(".official-result").first).to_contain_text("Quyết định số 70/QĐ-HĐT")
    _shot(page, "34-my-exams-official", a11y)
    page.goto(live_server + f"/attempts/{attempt.id}/result")
    expect(page.get_by_text("Kết quả chính thức")).to_be_visible()
    _shot(page, "35-exam-result-official", a11y)
    for context in (examiner, chair, candidate):
        context.close()
    a11y.check()
