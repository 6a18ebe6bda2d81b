"""The practical part of a certification exam: the task a session sets, the candidate's file graded
on submit but not shown to them, the latest file counting, the deadline, and examiners' overrides
(reason required, audited, the machine's verdict kept, the score recomputed, refused after approval)."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.database import utcnow
from lms.models import AuditEntry, Role
from practical import exams as practical_exams
from practical.models import CheckOverride, PracticalSubmission, Purpose
from practical.services import PracticalError
from quizzes import exams
from quizzes.models import ExamCandidate, ExamSession
from tests import factories
from tests.conftest import csrf_token_from, login

ROOT = Path(__file__).resolve().parents[1]
BANG_LUONG = ROOT / "tests" / "fixtures" / "practical" / "iu04-bang-luong"


@pytest.fixture()
def exam(db, users, province):
    """A session of the province with a practical part, the learner on its list (not started)."""
    factories.question("Câu IU01?", module="IU01")
    now = utcnow()
    session = exams.create_session(title="Kỳ thi CNTT cơ bản", opens_at=now - timedelta(hours=1),
                                   closes_at=now + timedelta(hours=3), time_limit_minutes=60, agency=province,
                                   has_practical=True, created_by=users["examiner"])
    exams.set_blueprint(session, [exams.RuleSpec("IU01", 1)])
    exams.add_candidates(session, ["learner"])
    practical_exams.set_exam_task(session, "iu04-bang-luong", users["examiner"])
    db.session.commit()
    return session


def _candidate(db, session) -> ExamCandidate:
    return db.session.scalar(select(ExamCandidate).where(ExamCandidate.session_id == session.id))


def _start(db, session, users):
    exams.start_exam(session, users["learner"], None)
    db.session.commit()


def _hand_in(client, session, name: str):
    url = f"/my-exams/{session.id}/practical"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return client.post(url, content_type="multipart/form-data",
                       data={"csrf_token": token, "document": (io.BytesIO((BANG_LUONG / name).read_bytes()), name)})


def test_the_practical_part_opens_with_the_exam(client, db, users, exam):
    login(client, "learner")
    page = client.get(f"/my-exams/{exam.id}/practical")
    assert page.status_code == 200 and "Phần thực hành mở khi bạn bắt đầu làm bài thi." in page.get_data(as_text=True)
    assert client.get(f"/my-exams/{exam.id}/practical/starting-file").status_code == 404
    refused = _hand_in(client, exam, "dung.xlsx")
    assert refused.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(PracticalSubmission)) == 0


def test_file_is_graded_on_submit_and_the_result_is_not_shown(client, db, users, exam):
    _start(db, exam, users)
    login(client, "learner")
    start_page = client.get(f"/my-exams/{exam.id}").get_data(as_text=True)
    assert f"/my-exams/{exam.id}/practical" in start_page  # the hook on the candidate's exam page
    assert client.get(f"/my-exams/{exam.id}/practical/starting-file").data[:2] == b"PK"
    response = _hand_in(client, exam, "sai-go-so.xlsx")
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"])
    body = receipt.get_data(as_text=True)
    assert "sai-go-so.xlsx" in body and "Kết quả được công bố cùng kết quả kỳ thi" in body
    assert "6,00" not in body and "Chưa đạt" not in body and "không phải công thức" not in body
    assert receipt.headers["Cache-Control"] == "no-store"
    kept = db.session.scalar(select(PracticalSubmission))
    assert kept.purpose is Purpose.EXAM and kept.candidate_id == _candidate(db, exam).id
    assert _candidate(db, exam).practical_score == Decimal("6.00")
    assert _candidate(db, exam).practical_by_id is None and _candidate(db, exam).practical_at is not None  # the machine


def test_the_latest_file_counts_until_the_deadline(client, db, users, exam):
    _start(db, exam, users)
    login(client, "learner")
    _hand_in(client, exam, "sai-go-so.xlsx")
    _hand_in(client, exam, "dung.xlsx")
    assert _candidate(db, exam).practical_score == Decimal("10.00")
    candidate = _candidate(db, exam)
    candidate.attempt.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    late = _hand_in(client, exam, "sai-go-so.xlsx")
    assert late.status_code == 409 and "Đã hết giờ làm bài" in late.get_data(as_text=True)
    assert _candidate(db, exam).practical_score == Decimal("10.00")
    assert db.session.scalar(select(func.count()).select_from(PracticalSubmission)) == 2


def test_a_bad_file_is_refused_with_its_message_and_changes_nothing(client, db, users, exam):
    _start(db, exam, users)
    login(client, "learner")
    url = f"/my-exams/{exam.id}/practical"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, content_type="multipart/form-data",
                           data={"csrf_token": token, "document": (io.BytesIO(b"PK\x03\x04hong"), "bai.xlsx")})
    assert response.status_code == 422 and "Tệp bị hỏng" in response.get_data(as_text=True)
    assert _candidate(db, exam).practical_score is None


def _examiner_override(client, exam, submission, check_id, verdict, reason):
    page = f"/exams/{exam.id}/practical/candidates/{submission.candidate_id}"
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(f"/exams/{exam.id}/practical/submissions/{submission.id}/override",
                       data={"csrf_token": token, "check_id": check_id, "verdict": verdict, "reason": reason})


def test_examiner_sees_the_rubric_result_and_overrides_a_check(client, db, users, exam):
    _start(db, exam, users)
    submission = practical_exams.submit_for_exam(exam, _candidate(db, exam),
                                                 (BANG_LUONG / "sai-go-so.xlsx").read_bytes(), "sai-go-so.xlsx")
    db.session.commit()
    login(client, "examiner")
    overview = client.get(f"/exams/{exam.id}/practical").get_data(as_text=True)
    assert "Nguyễn Thị Hương" in overview and "6,00 / 10,00" in overview
    assert f"/exams/{exam.id}/practical" in client.get(f"/exams/{exam.id}").get_data(as_text=True)
    detail = client.get(f"/exams/{exam.id}/practical/candidates/{submission.candidate_id}").get_data(as_text=True)
    assert "Cột Lương dùng công thức có hàm ROUND" in detail and "không phải công thức" in detail
    assert client.get(f"/exams/{exam.id}/practical/submissions/{submission.id}/file").data == \
        (BANG_LUONG / "sai-go-so.xlsx").read_bytes()

    response = _examiner_override(client, exam, submission, "luong-cong-thuc", "pass",
                                  "Thí sinh dùng công thức tương đương, đã kiểm tra trên máy")
    assert response.status_code == 303
    db.session.expire_all()
    kept = db.session.get(PracticalSubmission, submission.id)
    assert kept.score == Decimal("8.00") and kept.machine_score == Decimal("6.00")
    machine = {c["id"]: c["passed"] for c in kept.machine_result["checks"]}
    assert machine["luong-cong-thuc"] is False  # the machine's verdict is kept as it was
    assert _candidate(db, exam).practical_score == Decimal("8.00")
    assert _candidate(db, exam).practical_by_id == users["examiner"].id  # who entered the mark that counts
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "practical.override"))
    assert entry.actor_id == users["examiner"].id and entry.note.startswith("Thí sinh dùng công thức")
    assert entry.details["machine"] is False and entry.details["after"] is True
    assert entry.details["score_before"] == "6.00" and entry.details["score_after"] == "8.00"
    page = client.get(f"/exams/{exam.id}/practical/candidates/{submission.candidate_id}").get_data(as_text=True)
    assert "Lịch sử sửa kết luận" in page and "Giám khảo sửa: Thí sinh dùng công thức" in page

    back = _examiner_override(client, exam, submission, "luong-cong-thuc", "machine", "Xem lại: giữ kết quả máy")
    assert back.status_code == 303
    db.session.expire_all()
    assert db.session.get(PracticalSubmission, submission.id).score == Decimal("6.00")
    assert _candidate(db, exam).practical_score == Decimal("6.00")
    assert db.session.scalar(select(func.count()).select_from(CheckOverride)) == 2  # history kept


def test_an_override_needs_a_reason_and_a_known_check(client, db, users, exam):
    _start(db, exam, users)
    submission = practical_exams.submit_for_exam(exam, _candidate(db, exam),
                                                 (BANG_LUONG / "sai-go-so.xlsx").read_bytes(), "sai-go-so.xlsx")
    db.session.commit()
    login(client, "examiner")
    _examiner_override(client, exam, submission, "luong-cong-thuc", "pass", "")
    _examiner_override(client, exam, submission, "khong-co", "pass", "Lý do")
    _examiner_override(client, exam, submission, "luong-cong-thuc", "tuy-y", "Lý do")
    assert db.session.scalar(select(func.count()).select_from(CheckOverride)) == 0
    assert db.session.get(PracticalSubmission, submission.id).score == Decimal("6.00")


def test_examiners_of_another_unit_do_not_see_the_files(client, db, users, exam):
    _start(db, exam, users)
    submission = practical_exams.submit_for_exam(exam, _candidate(db, exam),
                                                 (BANG_LUONG / "dung.xlsx").read_bytes(), "dung.xlsx")
    elsewhere = factories.agency("000.00.09.H41", "Sở Y tế")
    factories.user("Võ Văn Tâm", username="examiner_out", role=Role.EXAMINER, scope=elsewhere, agency_=elsewhere)
    db.session.commit()
    login(client, "examiner_out")
    assert client.get(f"/exams/{exam.id}/practical/submissions/{submission.id}/file").status_code == 404
    assert client.get(f"/exams/{exam.id}/practical/candidates/{submission.candidate_id}").status_code == 404


def test_nothing_changes_after_approval(db, users, exam):
    from quizzes.services import submit_attempt

    _start(db, exam, users)
    candidate = _candidate(db, exam)
    submission = practical_exams.submit_for_exam(exam, candidate, (BANG_LUONG / "dung.xlsx").read_bytes(), "dung.xlsx")
    submit_attempt(candidate.attempt, {})
    exams.approve(exam, users["admin"], "12/QĐ-HĐT", date.today())
    db.session.commit()
    with pytest.raises(PracticalError) as refused:
        practical_exams.override(exam, submission, "tong", False, "Sau phê duyệt", users["examiner"])
    assert refused.value.code == "approved"
    with pytest.raises(PracticalError):
        practical_exams.submit_for_exam(exam, candidate, (BANG_LUONG / "dung.xlsx").read_bytes(), "dung.xlsx")


def test_the_result_is_released_to_the_candidate_with_the_exams(client, db, users, exam):
    from quizzes.services import submit_attempt

    _start(db, exam, users)
    candidate = _candidate(db, exam)
    practical_exams.submit_for_exam(exam, candidate, (BANG_LUONG / "sai-go-so.xlsx").read_bytes(), "sai-go-so.xlsx")
    submit_attempt(candidate.attempt, {})
    db.session.commit()
    login(client, "learner")
    before = client.get(f"/my-exams/{exam.id}/practical").get_data(as_text=True)
    assert "Cột Lương dùng công thức" not in before and "6,00" not in before
    exams.approve(exam, users["admin"], "12/QĐ-HĐT", date.today())
    db.session.commit()
    after = client.get(f"/my-exams/{exam.id}/practical").get_data(as_text=True)
    assert "Kết quả phần thực hành" in after and "Điểm: 6,00 / 10,00" in after
    assert "Cột Lương dùng công thức có hàm ROUND" in after and "không phải công thức" in after


def test_the_task_cannot_change_once_files_are_handed_in(db, users, exam):
    _start(db, exam, users)
    practical_exams.submit_for_exam(exam, _candidate(db, exam), (BANG_LUONG / "dung.xlsx").read_bytes(), "dung.xlsx")
    with pytest.raises(PracticalError) as refused:
        practical_exams.set_exam_task(exam, "iu03-bang", users["examiner"])
    assert refused.value.code == "submissions-exist"
    practical_exams.set_exam_task(exam, "iu04-bang-luong", users["examiner"])  # the same task: nothing to change
    with pytest.raises(PracticalError) as unknown:
        practical_exams.set_exam_task(exam, "khong-co", users["examiner"])
    assert unknown.value.code == "unknown-task"


def test_demo_session_with_a_practical_part(db):
    from lms.demo import load_demo
    from practical.demo import DEMO_SESSION_TITLE, load_demo_practical

    load_demo()
    for module in ("IU01", "IU02", "IU03", "IU04", "IU05", "IU06"):
        factories.question(f"Câu {module} một?", module=module)
        factories.question(f"Câu {module} hai?", module=module)
    load_demo_practical()
    load_demo_practical()  # idempotent
    sessions = list(db.session.scalars(select(ExamSession).where(ExamSession.title == DEMO_SESSION_TITLE)))
    assert len(sessions) == 1 and practical_exams.exam_task(sessions[0]).slug == "iu04-bang-luong"
    handed_in = db.session.scalar(select(PracticalSubmission))
    assert handed_in.user.username == "tacgia" and handed_in.score < handed_in.max_score


def test_the_board_chair_reads_the_results_but_does_not_override(client, db, users, exam, province):
    _start(db, exam, users)
    submission = practical_exams.submit_for_exam(exam, _candidate(db, exam),
                                                 (BANG_LUONG / "sai-go-so.xlsx").read_bytes(), "sai-go-so.xlsx")
    factories.user("Đặng Văn Hùng", username="chair", role=Role.BOARD_CHAIR, scope=province)
    db.session.commit()
    login(client, "chair")
    assert "6,00 / 10,00" in client.get(f"/exams/{exam.id}/practical").get_data(as_text=True)
    page = client.get(f"/exams/{exam.id}/practical/candidates/{submission.candidate_id}").get_data(as_text=True)
    assert "Cột Lương dùng công thức" in page and "Sửa kết luận một yêu cầu" not in page
    assert "Lưu đề thực hành" not in client.get(f"/exams/{exam.id}/practical").get_data(as_text=True)
    token = csrf_token_from(page)
    refused = client.post(f"/exams/{exam.id}/practical/submissions/{submission.id}/override",
                          data={"csrf_token": token, "check_id": "tong", "verdict": "pass", "reason": "x"})
    assert refused.status_code == 403
