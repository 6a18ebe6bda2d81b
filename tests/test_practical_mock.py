"""The mock certification exam: drawn over IU01–IU06 with one practical task on one clock,
unofficial and unlimited, the result per module with what to study."""
from __future__ import annotations

import io
import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from lms.database import utcnow
from practical import mock
from practical.models import MockExam, PracticalSubmission, Purpose
from quizzes.models import QuizKind
from quizzes.services import submit_attempt
from tests import factories
from tests.conftest import csrf_token_from

ROOT = Path(__file__).resolve().parents[1]
BANG_LUONG = ROOT / "tests" / "fixtures" / "practical" / "iu04-bang-luong"


def _bank(per_module: int = 2) -> dict:
    questions = {}
    for module in mock.MOCK_MODULES:
        questions[module] = [factories.question(f"Câu {module} số {n}?", module=module) for n in range(per_module)]
    return questions


def _start(client):
    token = csrf_token_from(client.get("/mock-exam").get_data(as_text=True))
    return client.post("/mock-exam", data={"csrf_token": token})


def test_an_empty_bank_is_said_plainly(logged_in, db):
    client = logged_in("learner")
    response = _start(client)
    assert response.status_code == 303
    assert "chưa có câu nào cho IU01–IU06" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(MockExam)) == 0


def test_a_mock_draws_every_module_and_one_task_on_one_clock(app, db, users):
    _bank(per_module=7)
    db.session.commit()
    started = mock.start_mock(users["learner"], rng=random.Random(3))
    modules = sorted(slot.question.module_code for slot in started.attempt.slots)
    assert modules == sorted([m for m in mock.MOCK_MODULES for _ in range(5)])  # 5 per module by default
    task = mock.services.task(started.task_slug)
    assert task.module in ("IU03", "IU04", "IU05")
    minutes = (started.deadline - started.started_at).total_seconds() / 60
    assert minutes == 30 + task.minutes
    assert started.attempt.quiz.kind is QuizKind.PRACTICE  # never counts, never flags bank items
    assert mock.start_mock(users["learner"]).id == started.id  # resumed while the clock runs


def test_unlimited_a_new_mock_after_the_last_one_ends(db, users):
    _bank()
    db.session.commit()
    first = mock.start_mock(users["learner"])
    submit_attempt(first.attempt, {})
    later = utcnow() + timedelta(hours=5)
    second = mock.start_mock(users["learner"], now=later)
    assert second.id != first.id and second.attempt.number == 2


def test_result_per_module_with_what_to_study(logged_in, db, users):
    _bank()
    course = factories.course("Bảng tính cơ bản", modules=["IU04"])
    db.session.commit()
    client = logged_in("learner")
    location = _start(client).headers["Location"]
    started = db.session.scalar(select(MockExam))
    started.task_slug = "iu04-bang-luong"
    right = {slot.question_id: {"option": factories.correct_option_id(slot.question)} for slot in started.attempt.slots}
    submit_attempt(started.attempt, right)
    db.session.commit()
    page = client.get(location)
    assert page.headers["Cache-Control"] == "no-store"
    assert "/practice/iu04-bang-luong" not in page.get_data(as_text=True).split("ket-qua")[1]  # no file yet

    url = f"/mock-exam/{started.id}/practical"
    token = csrf_token_from(page.get_data(as_text=True))
    uploaded = client.post(url, content_type="multipart/form-data", data={
        "csrf_token": token, "document": (io.BytesIO((BANG_LUONG / "sai-roundup-khong-if.xlsx").read_bytes()),
                                          "sai-roundup-khong-if.xlsx")})
    assert uploaded.status_code == 303
    body = client.get(location).get_data(as_text=True)
    result_part = body.split('id="ket-qua"')[1]
    assert "Lý thuyết: 10,00 · Thực hành: 3,00 (thang 10)" in result_part  # expected.yaml: 3 of 10
    assert "Chưa đạt" in result_part
    assert f"/courses/{course.slug}" in result_part and "/practice/iu04-bang-luong" in result_part
    assert "Cột Lương dùng công thức có hàm ROUND" in result_part  # the practical feedback, at once
    theory_result = client.get(f"/attempts/{started.attempt_id}/result").get_data(as_text=True)
    assert f"/mock-exam/{started.id}" in theory_result  # the hook on the quiz result page leads back
    kept = db.session.scalar(select(PracticalSubmission))
    assert kept.purpose is Purpose.MOCK and kept.mock_id == started.id
    outcome = mock.result(db.session.get(MockExam, started.id))
    lines = {line.module: line for line in outcome.modules}
    assert lines["IU01"].passed and lines["IU01"].courses == []
    assert not lines["IU04"].passed and lines["IU04"].practical == 3.0 and lines["IU04"].theory == 10.0


def test_no_file_after_the_clock(logged_in, db, users):
    _bank()
    db.session.commit()
    started = mock.start_mock(users["learner"])
    started.task_slug = "iu04-bang-luong"
    started.deadline = utcnow() - timedelta(seconds=1)
    db.session.commit()
    client = logged_in("learner")
    url = f"/mock-exam/{started.id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    late = client.post(f"{url}/practical", content_type="multipart/form-data", data={
        "csrf_token": token, "document": (io.BytesIO((BANG_LUONG / "dung.xlsx").read_bytes()), "dung.xlsx")})
    assert late.status_code == 409 and "Đã hết giờ làm bài" in late.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PracticalSubmission)) == 0


def test_a_mock_is_its_takers_alone(client, db, users):
    from tests.conftest import login

    _bank()
    db.session.commit()
    started = mock.start_mock(users["learner"])
    db.session.commit()
    login(client, "admin")
    assert client.get(f"/mock-exam/{started.id}").status_code == 404
