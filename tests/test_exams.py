"""Certification exam sessions: blueprint forms, window and access code, extra time,
marking, the board's approval and re-marks; examiners see only their own agencies."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from random import Random

import pytest
from sqlalchemy import select

from lms.database import utcnow
from lms.models import Role
from quizzes import bank, exams
from quizzes.models import AttemptAnswer, Remark
from quizzes.services import QuizError, save_answer, submit_attempt
from tests import factories
from tests.conftest import login, post_form


def _bank(db, per_module: int = 12) -> None:
    lines = []
    for module in ("IU01", "IU02"):
        for n in range(per_module):
            difficulty = "easy" if n % 2 else "hard"
            lines.append(f"// [tag:{module}] [tag:{difficulty}]\n::{module}-{n}::Câu {module} số {n}?"
                         f"{{=Đúng ~Sai một ~Sai hai}}\n")
    bank.import_gift("\n".join(lines))
    db.session.commit()


@pytest.fixture()
def session(db, users, province):
    _bank(db)
    now = utcnow()
    session = exams.create_session(title="Thi chứng chỉ CNTT cơ bản đợt 1", opens_at=now - timedelta(hours=1),
                                   closes_at=now + timedelta(hours=3), time_limit_minutes=30, agency=province,
                                   access_code="PHONG-01", created_by=users["examiner"])  # basic: IU01–IU06
    exams.set_blueprint(session, [exams.RuleSpec("IU01", 3, "easy"), exams.RuleSpec("IU01", 2, "hard"),
                                  exams.RuleSpec("IU02", 4)])
    exams.add_candidates(session, ["learner", users["author"].email, "\n"])
    db.session.commit()
    return session


def test_blueprint_refuses_what_the_bank_cannot_supply(db, session):
    with pytest.raises(QuizError) as error:
        exams.set_blueprint(session, [exams.RuleSpec("IU01", 50)])
    assert error.value.code == "not-enough"
    assert session.question_count == 9


def test_candidate_list_is_all_or_nothing_with_line_numbers(db, session):
    with pytest.raises(QuizError) as error:
        exams.add_candidates(session, ["hr", "khong-ai-ca", "admin", "cung-khong"])
    assert "dòng 2: khong-ai-ca" in str(error.value) and "dòng 4: cung-khong" in str(error.value)
    assert len(session.candidates) == 2


def test_each_candidate_gets_a_fresh_form_following_the_blueprint(db, users, session):
    learner = exams.start_exam(session, users["learner"], "PHONG-01", rng=Random(1))
    author = exams.start_exam(session, users["author"], "PHONG-01", rng=Random(2))
    for attempt in (learner, author):
        questions = [slot.question for slot in attempt.slots]
        assert len(questions) == 9 and len({q.id for q in questions}) == 9
        iu01 = [q for q in questions if q.module_code == "IU01"]
        assert sorted(q.difficulty for q in iu01) == ["easy", "easy", "easy", "hard", "hard"]
        assert sum(q.module_code == "IU02" for q in questions) == 4
        assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
    assert [s.question_id for s in learner.slots] != [s.question_id for s in author.slots]
    # Coming back resumes the same form and deadline.
    again = exams.start_exam(session, users["learner"], None)
    assert again.id == learner.id and again.deadline == learner.deadline


def test_window_access_code_and_list_are_enforced(db, users, session):
    with pytest.raises(QuizError) as wrong_code:
        exams.start_exam(session, users["learner"], "sai-ma")
    assert wrong_code.value.code == "access-code"
    with pytest.raises(QuizError) as early:
        exams.start_exam(session, users["learner"], "PHONG-01", now=session.opens_at - timedelta(minutes=1))
    assert early.value.code == "outside-window"
    with pytest.raises(QuizError) as late:
        exams.start_exam(session, users["learner"], "PHONG-01", now=session.closes_at + timedelta(minutes=1))
    assert late.value.code == "outside-window"
    with pytest.raises(QuizError) as stranger:
        exams.start_exam(session, users["hr"], "PHONG-01")
    assert stranger.value.code == "not-a-candidate"


def test_extra_time_moves_the_deadline_even_while_working(db, users, session):
    attempt = exams.start_exam(session, users["learner"], "PHONG-01")
    candidate = exams.candidate_of(session, users["learner"])
    exams.set_extra_time(candidate, 15)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=45)
    other = exams.candidate_of(session, users["author"])
    exams.set_extra_time(other, 10)
    later = exams.start_exam(session, users["author"], "PHONG-01")
    assert later.deadline - later.started_at == timedelta(minutes=40)


def _answer_everything_right(attempt):
    for slot in attempt.slots:
        best = max(slot.question.options, key=lambda o: o.fraction, default=None)
        if best is not None:
            save_answer(attempt.id, attempt.user_id, slot.question_id, {"option": best.id}, seq=1)


def test_results_marking_approval_and_remark(db, users, session):
    learner_attempt = exams.start_exam(session, users["learner"], "PHONG-01")
    _answer_everything_right(learner_attempt)
    submit_attempt(learner_attempt)
    candidate = exams.candidate_of(session, users["learner"])
    assert candidate.theory_score == Decimal("10.00")
    assert candidate.module_scores == {"IU01": 10.0, "IU02": 10.0}
    assert candidate.passed is None  # the practical part is not marked yet
    chair = factories.user("Đặng Văn Hùng", username="chutich", role=Role.BOARD_CHAIR)
    with pytest.raises(QuizError):
        exams.approve(session, chair, "12/QĐ-HĐT", utcnow().date())  # someone still needs marking
    exams.set_practical_score(candidate, Decimal("4.75"), users["examiner"])
    assert candidate.passed is False and candidate.total_score == Decimal("7.38")  # (10 + 4.75) / 2
    exams.set_practical_score(candidate, Decimal("6.5"), users["examiner"])
    assert candidate.passed is True
    with pytest.raises(QuizError) as preparer:
        exams.approve(session, users["examiner"], "12/QĐ-HĐT", utcnow().date())
    assert preparer.value.code == "preparer"  # the examiner who prepared it cannot approve it
    exams.approve(session, chair, "12/QĐ-HĐT", utcnow().date())  # the author never started: absent, not blocking
    assert session.approved
    with pytest.raises(QuizError):
        exams.set_practical_score(candidate, Decimal("9"), users["examiner"])  # final now
    entry = exams.remark(candidate, "practical", Decimal("4"), "Quyết định phúc khảo số 12/QĐ-TTCĐS",
                         users["examiner"])
    db.session.commit()
    assert (entry.before, entry.after, entry.by_id) == (Decimal("6.50"), Decimal("4.00"), users["examiner"].id)
    assert candidate.passed is False
    with pytest.raises(QuizError):
        exams.remark(candidate, "theory", Decimal("9"), "   ", users["examiner"])


def test_essays_go_to_the_marking_queue(db, users, province):
    bank.import_gift("// [tag:IU02]\n::tl::Trình bày cách sao lưu dữ liệu.{}\n")
    now = utcnow()
    session = exams.create_session(title="Thi tự luận", opens_at=now - timedelta(hours=1),
                                   closes_at=now + timedelta(hours=1), time_limit_minutes=20, agency=province,
                                   level="none", modules=["IU02"], has_practical=False)
    exams.set_blueprint(session, [exams.RuleSpec("IU02", 1)])
    exams.add_candidates(session, ["learner"])
    attempt = exams.start_exam(session, users["learner"], None)
    save_answer(attempt.id, attempt.user_id, attempt.slots[0].question_id, {"text": "Sao lưu theo quy tắc 3-2-1."}, seq=1)
    submit_attempt(attempt)
    candidate = exams.candidate_of(session, users["learner"])
    assert candidate.theory_score is None
    from quizzes.services import mark_answer

    answer = db.session.scalar(select(AttemptAnswer).where(AttemptAnswer.needs_marking.is_(True)))
    mark_answer(answer, 0.8)
    assert candidate.theory_score == Decimal("8.00") and candidate.passed is True


def test_examiner_pages_and_scope(app, client, db, users, session):
    login(client, "examiner")
    assert "Thi chứng chỉ CNTT cơ bản đợt 1" in client.get("/exams").get_data(as_text=True)
    detail = client.get(f"/exams/{session.id}")
    assert detail.status_code == 200 and "Nguyễn Thị Hương" in detail.get_data(as_text=True)
    response = post_form(client, f"/exams/{session.id}", f"/exams/{session.id}/blueprint",
                         {"rules": "IU01 easy 2\nIU02 3"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.question_count == 5
    bad = post_form(client, f"/exams/{session.id}", f"/exams/{session.id}/blueprint", {"rules": "IU01 hai câu"})
    assert bad.status_code == 302 and session.question_count == 5
    # An examiner scoped to another province does not even see the session.
    other_province = factories.agency("000.00.00.H49", "Ủy ban nhân dân tỉnh Quảng Ninh")
    factories.user("Vũ Văn Khánh", username="examiner2", role=Role.EXAMINER, scope=other_province)
    db.session.commit()
    other = app.test_client()
    login(other, "examiner2")
    assert other.get(f"/exams/{session.id}").status_code == 404
    assert "Thi chứng chỉ CNTT cơ bản đợt 1" not in other.get("/exams").get_data(as_text=True)
    learner = app.test_client()
    login(learner, "learner")
    assert learner.get("/exams").status_code == 403
    assert learner.get(f"/exams/{session.id}/results").status_code == 403


def test_candidate_starts_with_the_access_code_through_the_site(client, db, users, session):
    login(client, "learner")
    page = client.get(f"/my-exams/{session.id}")
    assert page.status_code == 200 and "Mã vào phòng thi" in page.get_data(as_text=True)
    wrong = post_form(client, f"/my-exams/{session.id}", f"/my-exams/{session.id}", {"access_code": "nhầm"})
    assert wrong.status_code == 200 and "Mã vào phòng thi không đúng." in wrong.get_data(as_text=True)
    right = post_form(client, f"/my-exams/{session.id}", f"/my-exams/{session.id}", {"access_code": "PHONG-01"})
    assert right.status_code == 302 and "/attempts/" in right.headers["Location"]
    attempt_page = client.get(right.headers["Location"]).get_data(as_text=True)
    assert "Thời gian còn lại" in attempt_page
    assert "Thi chứng chỉ CNTT cơ bản đợt 1" in client.get("/dashboard").get_data(as_text=True)
    assert client.get("/my-exams/99999").status_code == 404


def test_examiner_marks_practical_and_approves_through_the_site(client, db, users, session):
    attempt = exams.start_exam(session, users["learner"], "PHONG-01")
    _answer_everything_right(attempt)
    submit_attempt(attempt)
    db.session.commit()
    candidate = exams.candidate_of(session, users["learner"])
    login(client, "examiner")
    marking = f"/exams/{session.id}/marking"
    response = post_form(client, marking, marking, {"kind": "practical", "target": str(candidate.id), "score": "11"})
    assert response.status_code == 302
    db.session.refresh(candidate)
    assert candidate.practical_score is None  # 11 is out of range: refused
    post_form(client, marking, marking, {"kind": "practical", "target": str(candidate.id), "score": "7,5".replace(",", ".")})
    db.session.refresh(candidate)
    assert candidate.practical_score == Decimal("7.50") and candidate.passed
    results = f"/exams/{session.id}/results"
    factories.user("Đặng Văn Hùng", username="chutich", role=Role.BOARD_CHAIR)
    db.session.commit()
    chair = client.application.test_client()
    login(chair, "chutich")
    post_form(chair, results, f"/exams/{session.id}/approve",
              {"decision_number": "12/QĐ-HĐT", "decision_date": "2026-12-04"})
    db.session.refresh(session)
    assert session.approved and session.decision_number == "12/QĐ-HĐT"
    post_form(client, results, f"/exams/{session.id}/candidates/{candidate.id}/remark",
              {"part": "theory", "score": "9.5", "reason": "Đơn phúc khảo ngày 02/12/2026"})
    remark = db.session.scalar(select(Remark))
    assert remark is not None and remark.after == Decimal("9.50")
    assert "Phúc khảo lý thuyết: 10,00 → 9,50" in client.get(results).get_data(as_text=True)
