"""Attempts at every question type: grading, autosave (idempotent, stale, late), deadlines,
resume, and that nothing revealing the answers reaches the browser before the end."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.database import utcnow
from quizzes import bank
from quizzes.grading import grade, parse_number, validate_response, InvalidResponse
from quizzes.models import Attempt, Question, Quiz, QuizItem, QuizKind
from quizzes.services import QuizError, save_answer, start_attempt, submit_attempt, sweep_expired_attempts
from tests.conftest import csrf_token_from, login, post_form
from tests.test_bank import ALL_TYPES_GIFT


@pytest.fixture()
def questions(db):
    """One question of every type, by name."""
    bank.import_gift(ALL_TYPES_GIFT)
    db.session.commit()
    return {q.name: q for q in db.session.scalars(select(Question))}


def _option(question: Question, text: str) -> int:
    return next(o.id for o in question.options if o.text == text)


@pytest.fixture()
def quiz(db, questions):
    quiz = Quiz(title="Bài thi thử mọi dạng câu", kind=QuizKind.COURSE, pass_mark=Decimal("5.00"))
    for position, question in enumerate(questions.values(), start=1):
        quiz.items.append(QuizItem(question=question, position=position))
    db.session.add(quiz)
    db.session.commit()
    return quiz


def test_grading_every_type(questions):
    q = questions
    assert grade(q["chon-mot"], {"option": _option(q["chon-mot"], "Bàn phím")}).credit == 1.0
    assert grade(q["chon-mot"], {"option": _option(q["chon-mot"], "Máy in")}).credit == 0.0
    both = {"options": [_option(q["chon-nhieu"], "Ổ cứng SSD"), _option(q["chon-nhieu"], "Thẻ nhớ USB")]}
    assert grade(q["chon-nhieu"], both).credit == 1.0
    one_wrong = {"options": [_option(q["chon-nhieu"], "Ổ cứng SSD"), _option(q["chon-nhieu"], "Chuột")]}
    assert grade(q["chon-nhieu"], one_wrong).credit == 0.0  # 0.5 - 0.5
    everything = {"options": [o.id for o in q["chon-nhieu"].options]}
    assert grade(q["chon-nhieu"], everything).credit == 0.0  # ticking all boxes earns nothing
    assert grade(q["dung-sai"], {"option": _option(q["dung-sai"], "true")}).credit == 1.0
    assert grade(q["dung-sai"], {"option": _option(q["dung-sai"], "false")}).credit == 0.0
    assert grade(q["tra-loi-ngan"], {"text": "  lan "}).credit == 1.0  # case and spaces ignored
    assert grade(q["tra-loi-ngan"], {"text": "Mạng LAN"}).credit == 0.5
    assert grade(q["tra-loi-ngan"], {"text": "mang lan"}).credit == 0.0  # Vietnamese marks matter
    assert grade(q["so"], {"text": "1024"}).credit == 1.0
    assert grade(q["so"], {"text": "1 000"}).credit == 0.5
    assert grade(q["so"], {"text": "mười"}).credit == 0.0
    pairs = {str(o.id): o.match_text for o in q["ghep"].options}
    assert grade(q["ghep"], {"pairs": pairs}).credit == 1.0
    first = q["ghep"].options[0]
    assert grade(q["ghep"], {"pairs": {str(first.id): first.match_text}}).credit == pytest.approx(1 / 3)
    essay = grade(q["tu-luan"], {"text": "Cập nhật, sao lưu, khóa màn hình."})
    assert essay.needs_marking and essay.credit is None
    assert grade(q["mo-ta"], None).credit is None


def test_numbers_typed_the_vietnamese_way():
    assert parse_number("1,5") == 1.5 and parse_number("-2.25") == -2.25 and parse_number("1e3") == 1000
    assert parse_number("1,2,3") is None and parse_number("abc") is None and parse_number("nan") is None


def test_ignore_diacritics_rule_per_question(db):
    bank.import_gift("// [tag:IU06] [tag:ignore-diacritics]\n::dvc::Cổng gì?{=Dịch vụ công}\n")
    question = db.session.scalar(select(Question))
    assert grade(question, {"text": "dich vu cong"}).credit == 1.0


@pytest.mark.parametrize("raw", [
    {"option": 999999}, {"option": "abc"}, {"option": True}, {"options": "1"}, {"text": 5},
    {"text": "x" * 20001}, {"pairs": {"999": "Dán"}}, "not an object",
])
def test_malformed_responses_are_refused(questions, raw):
    targets = [questions["chon-mot"], questions["chon-nhieu"], questions["tra-loi-ngan"], questions["ghep"]]
    refused = 0
    for question in targets:
        try:
            validate_response(question, raw)
        except InvalidResponse:
            refused += 1
    assert refused >= 1


def test_whole_attempt_score_and_essay_waits_for_marking(db, users, quiz, questions):
    attempt = start_attempt(users["learner"], quiz)
    q = questions
    submit_attempt(attempt, {
        q["chon-mot"].id: {"option": _option(q["chon-mot"], "Bàn phím")},
        q["tu-luan"].id: {"text": "Bài viết"},
    })
    assert attempt.finished and attempt.score is None and attempt.passed is None
    marking = [a for a in attempt.answers if a.needs_marking]
    assert [a.question_id for a in marking] == [q["tu-luan"].id]


def test_score_out_of_ten_with_two_decimals(db, users, questions):
    quiz = Quiz(title="Ba câu", kind=QuizKind.COURSE, pass_mark=Decimal("5.00"), shuffle=False)
    for position, name in enumerate(["chon-mot", "dung-sai", "tra-loi-ngan"], start=1):
        quiz.items.append(QuizItem(question=questions[name], position=position))
    db.session.add(quiz)
    attempt = start_attempt(users["learner"], quiz)
    submit_attempt(attempt, {questions["chon-mot"].id: {"option": _option(questions["chon-mot"], "Bàn phím")},
                             questions["tra-loi-ngan"].id: {"text": "mạng lan"}})
    assert attempt.score == Decimal("5.00") and attempt.passed  # (1 + 0 + 0.5) / 3 × 10


def test_autosave_is_idempotent_refuses_stale_and_late_saves(db, users, quiz, questions):
    attempt = start_attempt(users["learner"], quiz)
    q = questions["chon-mot"]
    right, wrong = {"option": _option(q, "Bàn phím")}, {"option": _option(q, "Máy in")}
    assert save_answer(attempt.id, attempt.user_id, q.id, wrong, seq=5).stored
    assert not save_answer(attempt.id, attempt.user_id, q.id, wrong, seq=5).stored  # a retry of the same save
    assert save_answer(attempt.id, attempt.user_id, q.id, right, seq=9).stored
    with pytest.raises(QuizError) as stale:
        save_answer(attempt.id, attempt.user_id, q.id, wrong, seq=7)  # an older save arriving late
    assert stale.value.code == "stale"
    with pytest.raises(QuizError):
        save_answer(attempt.id, attempt.user_id, q.id, wrong, seq=9)  # same number, different answer
    attempt.deadline = utcnow() - timedelta(seconds=1)
    with pytest.raises(QuizError) as late:
        save_answer(attempt.id, attempt.user_id, q.id, wrong, seq=10)
    assert late.value.code == "timeout"
    answer = next(a for a in attempt.answers if a.question_id == q.id)
    assert answer.response == right and answer.seq == 9


def test_deadline_sweep_grades_what_was_saved_for_people_who_never_return(db, users, quiz, questions):
    quiz.time_limit_minutes = 30
    attempt = start_attempt(users["learner"], quiz)
    assert attempt.deadline - attempt.started_at == timedelta(minutes=30)
    q = questions["chon-mot"]
    save_answer(attempt.id, attempt.user_id, q.id, {"option": _option(q, "Bàn phím")}, seq=1)
    db.session.commit()
    assert sweep_expired_attempts(now=utcnow()) == 0
    assert sweep_expired_attempts(now=attempt.deadline + timedelta(seconds=1)) == 1
    db.session.commit()
    db.session.refresh(attempt)
    assert attempt.finished_reason == "timeout"
    graded = {a.question_id: a.credit for a in attempt.answers}
    assert graded[q.id] == 1.0
    assert sweep_expired_attempts(now=attempt.deadline + timedelta(hours=1)) == 0  # graded once


def test_double_submit_grades_once(db, users, quiz):
    from quizzes.signals import attempt_graded

    graded = []
    attempt_graded.connect(graded.append, weak=False)
    try:
        attempt = start_attempt(users["learner"], quiz)
        submit_attempt(attempt, {})
        submit_attempt(attempt, {})
    finally:
        attempt_graded.disconnect(graded.append)
    assert graded == [attempt]


def _start(client, quiz) -> tuple[str, int, str]:
    started = post_form(client, f"/quizzes/{quiz.id}", f"/quizzes/{quiz.id}/start")
    url = started.headers["Location"]
    attempt_id = int(url.rsplit("/", 1)[1])
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    return url, attempt_id, token


def _save(client, attempt_id, token, payload, raw=None):
    return client.post(f"/api/v1/attempts/{attempt_id}/answers", data=raw if raw is not None else json.dumps(payload),
                       headers={"X-CSRFToken": token, "Content-Type": "application/json"})


def test_autosave_endpoint(client, users, quiz, questions):
    login(client, "learner")
    url, attempt_id, token = _start(client, quiz)
    q = questions["chon-mot"]
    payload = {"question_id": q.id, "response": {"option": _option(q, "Bàn phím")}, "seq": 3}
    first = _save(client, attempt_id, token, payload)
    assert first.status_code == 200 and first.json["stored"] is True
    again = _save(client, attempt_id, token, payload)
    assert again.status_code == 200 and again.json["stored"] is False
    stale = _save(client, attempt_id, token, {**payload, "seq": 2, "response": {"option": _option(q, "Loa") if False else _option(q, "Máy in")}})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale"
    # Reloading the page shows the saved choice checked.
    page = client.get(url).get_data(as_text=True)
    assert re.search(rf'value="{_option(q, "Bàn phím")}"\s+checked', page)


@pytest.mark.parametrize("payload,raw", [
    (None, "{not json"),
    (None, "[1, 2]"),
    ({"question_id": "1", "response": {}, "seq": 1}, None),
    ({"question_id": 1, "response": {}, "seq": 0}, None),
    ({"question_id": 1, "response": {}, "seq": True}, None),
    ({"question_id": 999999, "response": {"option": 1}, "seq": 1}, None),
])
def test_autosave_refuses_malformed_requests(client, users, quiz, payload, raw):
    login(client, "learner")
    _url, attempt_id, token = _start(client, quiz)
    response = _save(client, attempt_id, token, payload, raw)
    assert response.status_code == 400 and response.is_json


def test_autosave_refuses_tampered_options_oversized_bodies_and_other_peoples_attempts(app, client, db, users,
                                                                                          quiz, questions):
    login(client, "learner")
    _url, attempt_id, token = _start(client, quiz)
    q = questions["chon-mot"]
    foreign_option = questions["chon-nhieu"].options[0].id
    tampered = _save(client, attempt_id, token, {"question_id": q.id, "response": {"option": foreign_option}, "seq": 1})
    assert tampered.status_code == 400
    huge = _save(client, attempt_id, token, None, raw=json.dumps({"question_id": q.id, "seq": 1,
                                                                    "response": {"text": "x" * 70000}}))
    assert huge.status_code == 413
    other = app.test_client()
    login(other, "author")
    token_other = csrf_token_from(other.get("/dashboard").get_data(as_text=True))
    foreign = _save(other, attempt_id, token_other, {"question_id": q.id, "response": {"option": 1}, "seq": 1})
    assert foreign.status_code == 404
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.answers == []


def test_autosave_without_csrf_token_is_refused(client, users, quiz, questions):
    login(client, "learner")
    _url, attempt_id, _token = _start(client, quiz)
    response = client.post(f"/api/v1/attempts/{attempt_id}/answers", json={"question_id": 1, "response": {}, "seq": 1})
    assert response.status_code == 400


def test_save_after_the_deadline_gets_410_and_the_attempt_is_finalised(client, db, users, quiz, questions):
    login(client, "learner")
    _url, attempt_id, token = _start(client, quiz)
    q = questions["chon-mot"]
    assert _save(client, attempt_id, token, {"question_id": q.id, "response": {"option": _option(q, "Bàn phím")},
                                             "seq": 1}).status_code == 200
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline = utcnow() - timedelta(seconds=5)
    db.session.commit()
    late = _save(client, attempt_id, token, {"question_id": q.id, "response": {"option": _option(q, "Máy in")}, "seq": 2})
    assert late.status_code == 410 and late.json["error"]["code"] == "timeout"
    assert "hết thời gian" in late.json["error"]["message"]
    db.session.refresh(attempt)
    assert attempt.finished_reason == "timeout"
    saved = next(a for a in attempt.answers if a.question_id == q.id)
    assert saved.response == {"option": _option(q, "Bàn phím")} and saved.credit == 1.0


def test_page_submit_without_javascript_saves_and_grades(client, users, quiz, questions):
    login(client, "learner")
    url, attempt_id, token = _start(client, quiz)
    q = questions
    ghep = {f"q{q['ghep'].id}-{o.id}": o.match_text for o in q["ghep"].options}
    response = client.post(url, data={
        "csrf_token": token,
        f"q{q['chon-mot'].id}": str(_option(q["chon-mot"], "Bàn phím")),
        f"q{q['chon-nhieu'].id}": [str(_option(q["chon-nhieu"], "Ổ cứng SSD")), str(_option(q["chon-nhieu"], "Thẻ nhớ USB"))],
        f"q{q['dung-sai'].id}": str(_option(q["dung-sai"], "true")),
        f"q{q['tra-loi-ngan'].id}": "LAN",
        f"q{q['so'].id}": "1024",
        f"q{q['tu-luan'].id}": "",
        **ghep,
    })
    assert response.status_code == 302
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "8,57/10" in result  # 6 of 7 graded questions right (the blank essay scores 0)


def test_nothing_revealing_the_answers_reaches_the_browser_before_the_end(client, users, quiz, questions):
    login(client, "learner")
    url, _attempt_id, _token = _start(client, quiz)
    page = client.get(url).get_data(as_text=True)
    secrets = ["Đúng: bàn phím đưa dữ liệu vào.", "Màn hình là thiết bị xuất.", "Thiết bị nhập đưa dữ liệu vào máy tính.",
               "Gần đúng.", "Đó là hệ thập phân.", "Sai rồi.", "Chính xác.", "fraction", "1024", "Không lưu trữ."]
    for secret in secrets:
        assert secret not in page, secret
    # Short answers, numbers and essays show empty boxes; the accepted answers stay on the server.
    assert 'value="LAN"' not in page and ">LAN<" not in page
    # Matching shows the right-hand choices, never which goes with which (no pair is pre-selected).
    assert "selected" not in page


def test_sweep_command_finishes_abandoned_attempts(app, db, users, quiz):
    quiz.time_limit_minutes = 5
    attempt = start_attempt(users["learner"], quiz)
    attempt.deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["attempts", "sweep"])
    assert result.exit_code == 0 and "Finished 1 attempts" in result.output
    db.session.refresh(attempt)
    assert attempt.finished_reason == "timeout"


def test_a_submitted_page_never_erases_or_overrides_newer_saved_answers(client, db, users, quiz, questions):
    """A page submitted with blank fields, or from a tab opened before later saves, loses nothing."""
    login(client, "learner")
    url, attempt_id, token = _start(client, quiz)
    q1, q2 = questions["chon-mot"], questions["dung-sai"]
    stale_page = client.get(url).get_data(as_text=True)  # shown before any answer was saved
    assert _save(client, attempt_id, token, {"question_id": q1.id, "response": {"option": _option(q1, "Bàn phím")},
                                             "seq": 4}).status_code == 200
    assert _save(client, attempt_id, token, {"question_id": q2.id, "response": {"option": _option(q2, "true")},
                                             "seq": 5}).status_code == 200
    # The stale tab submits: q1 blank, q2 with a different (older) choice, q3 newly answered.
    response = client.post(url, data={"csrf_token": csrf_token_from(stale_page), f"seen-{q1.id}": "0",
                                      f"seen-{q2.id}": "0", f"q{q2.id}": str(_option(q2, "false")),
                                      f"q{questions['tra-loi-ngan'].id}": "LAN"})
    assert response.status_code == 302
    attempt = db.session.get(Attempt, attempt_id)
    answers = {a.question_id: a for a in attempt.answers}
    assert answers[q1.id].response == {"option": _option(q1, "Bàn phím")} and answers[q1.id].credit == 1.0
    assert answers[q2.id].response == {"option": _option(q2, "true")} and answers[q2.id].credit == 1.0
    assert answers[questions["tra-loi-ngan"].id].credit == 1.0


@pytest.mark.parametrize("method,expected_grade,passes", [
    ("highest", Decimal("10.00"), True), ("last", Decimal("0.00"), False), ("average", Decimal("5.00"), True),
])
def test_grading_methods(db, users, method, expected_grade, passes):
    from quizzes.services import has_passed, quiz_grade
    from tests import factories

    quiz = factories.quiz(None, questions=1, pass_mark="5.00")
    quiz.grading_method = method
    question = quiz.items[0].question
    for option_id in (factories.correct_option_id(question), factories.wrong_option_id(question)):
        attempt = start_attempt(users["learner"], quiz)
        submit_attempt(attempt, {question.id: {"option": option_id}})
    assert quiz_grade(users["learner"], quiz) == expected_grade
    assert (has_passed(users["learner"], quiz) is not None) is passes


def test_practice_questions_can_be_checked_at_once_but_exams_cannot(client, db, users, questions):
    from quizzes.models import QuizKind

    practice = Quiz(title="Luyện tập", kind=QuizKind.PRACTICE, pass_mark=Decimal("5.00"))
    practice.items.append(QuizItem(question=questions["chon-mot"], position=1))
    course_quiz = Quiz(title="Cuối khóa", kind=QuizKind.COURSE, pass_mark=Decimal("5.00"))
    course_quiz.items.append(QuizItem(question=questions["dung-sai"], position=1))
    db.session.add_all([practice, course_quiz])
    db.session.commit()
    login(client, "learner")
    _url, attempt_id, token = _start(client, practice)
    q = questions["chon-mot"]
    check = f"/api/v1/attempts/{attempt_id}/check"
    blank = client.post(check, json={"question_id": q.id}, headers={"X-CSRFToken": token}).json
    assert blank["answered"] is False and blank["credit"] == 0.0
    _save(client, attempt_id, token, {"question_id": q.id, "response": {"option": _option(q, "Máy in")}, "seq": 1})
    verdict = client.post(check, json={"question_id": q.id}, headers={"X-CSRFToken": token}).json
    assert verdict["credit"] == 0.0 and verdict["feedback"] == ["Máy in là thiết bị xuất."]
    assert verdict["correct"] == ["Bàn phím"] and verdict["explanation"].startswith("Thiết bị nhập")
    _url2, exam_attempt, token2 = _start(client, course_quiz)
    refused = client.post(f"/api/v1/attempts/{exam_attempt}/check", json={"question_id": questions["dung-sai"].id},
                          headers={"X-CSRFToken": token2})
    assert refused.status_code == 403
    assert "Kiểm tra câu này" not in client.get(f"/attempts/{exam_attempt}").get_data(as_text=True)


def test_retired_questions_are_no_longer_asked_but_attempts_that_showed_them_keep_them(db, users):
    from quizzes.models import QuestionStatus
    from quizzes.services import QuizError, grade_unofficial, start_attempt
    from tests import factories

    quiz = factories.quiz(None, questions=3)
    earlier = start_attempt(users["learner"], quiz)
    retired = quiz.items[0].question
    retired.status = QuestionStatus.RETIRED
    quiz.items[1].question.status = QuestionStatus.DRAFT
    db.session.flush()
    later = start_attempt(users["author"], quiz)
    assert {slot.question_id for slot in later.slots} == {quiz.items[2].question_id}
    assert len(earlier.slots) == 3 and retired.id in {slot.question_id for slot in earlier.slots}
    unofficial = grade_unofficial(quiz, {})
    assert set(unofficial.responses) == {quiz.items[2].question_id}
    quiz.items[2].question.status = QuestionStatus.RETIRED
    db.session.flush()
    with pytest.raises(QuizError) as refused:
        start_attempt(users["hr"], quiz)
    assert refused.value.code == "empty-quiz"
