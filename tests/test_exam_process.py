"""The exam as a process (issue 10): what each kind of quiz reveals and when, separation of
duties at approval, the rules a session enforces, the examiner's day and the candidate's
official result and certificate afterwards."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.database import utcnow
from lms.extensions import db as _db
from lms.models import Role
from quizzes import bank, exams
from quizzes.models import Quiz, QuizItem, QuizKind
from quizzes.services import QuizError, save_answer, start_attempt, submit_attempt
from tests import factories
from tests.conftest import login, post_form

BASIC = ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]
KEY_WORDS = ("Đáp án đúng", "Giải thích")
VERDICT_WORDS = ("Chúc mừng", "Bạn chưa đạt", "/10")


def _bank(modules=("IU01", "IU02"), per_module: int = 6) -> None:
    lines = []
    for module in modules:
        for n in range(per_module):
            lines.append(f"// [tag:{module}]\n::{module}-{n}::Câu {module} số {n}?"
                         f"{{=Đúng ~Sai một ~Sai hai ####Lời giải {module}-{n}}}\n")
    bank.import_gift("\n".join(lines))


@pytest.fixture()
def chair(db, province):
    """The chair of the exam board for the province."""
    person = factories.user("Đặng Văn Hùng", username="chutich", role=Role.BOARD_CHAIR, scope=province)
    _db.session.commit()
    return person


def _session(users, province, *, reveal=None, has_practical=True, people=("learner",), opens_ago=1, **extra):
    now = utcnow()
    session = exams.create_session(title="Thi chứng chỉ CNTT cơ bản đợt 2", opens_at=now - timedelta(hours=opens_ago),
                                   closes_at=now + timedelta(hours=2), time_limit_minutes=30, agency=province,
                                   level="basic", modules=BASIC, has_practical=has_practical,
                                   created_by=users["examiner"], reveal=reveal, **extra)
    exams.set_blueprint(session, [exams.RuleSpec("IU01", 2), exams.RuleSpec("IU02", 2)])
    exams.add_candidates(session, list(people))
    return session


def _sit(session, user, right=True):
    attempt = exams.start_exam(session, user, None)
    for slot in attempt.slots:
        if not slot.question.options:  # an essay
            save_answer(attempt.id, attempt.user_id, slot.question_id, {"text": "Sao lưu theo quy tắc 3-2-1."}, seq=1)
            continue
        option = max(slot.question.options, key=lambda o: o.fraction if right else -o.fraction)
        save_answer(attempt.id, attempt.user_id, slot.question_id, {"option": option.id}, seq=1)
    submit_attempt(attempt)
    return attempt


def _seen(client, attempt_id):
    """The result page's text and the JSON API's answer for one attempt."""
    page = client.get(f"/attempts/{attempt_id}/result")
    assert page.status_code == 200
    api = client.get(f"/api/v1/attempts/{attempt_id}/result")
    assert api.status_code == 200
    return page.get_data(as_text=True), api.get_json()


# ----------------------------------------------------------------------------- 1. what is revealed when

def test_every_kind_reveals_what_its_setting_says_on_the_page_and_in_the_api(app, client, db, users, province, chair):
    _bank()
    course = factories.course("Thư điện tử công vụ")
    course_quiz = factories.quiz(course, questions=2)
    practice = Quiz(title="Luyện tập thư điện tử", kind=QuizKind.PRACTICE, course_id=course.id)
    practice.items.append(QuizItem(question=factories.question("Câu luyện tập?"), position=1))
    secret = factories.quiz(course, questions=2)
    secret.reveal = "never"
    db.session.add(practice)
    session = _session(users, province)
    db.session.commit()
    learner = users["learner"]
    login(client, "learner")

    # Practice: checked at once while answering, key after the attempt.
    running = start_attempt(learner, practice)
    db.session.commit()
    question_id = running.slots[0].question_id
    assert client.post(f"/api/v1/attempts/{running.id}/check", json={"question_id": question_id},
                       headers={"X-CSRFToken": _token(client)}).status_code == 200
    submit_attempt(running)
    page, api = _seen(client, running.id)
    assert "Đáp án đúng" in page and api["review_released"] and api["questions"][0]["correct"]

    # Course quiz: no checking while answering; verdict and key after the attempt.
    attempt = start_attempt(learner, course_quiz)
    db.session.commit()
    refused = client.post(f"/api/v1/attempts/{attempt.id}/check", json={"question_id": attempt.slots[0].question_id},
                          headers={"X-CSRFToken": _token(client)})
    assert refused.status_code == 403
    submit_attempt(attempt, {s.question_id: {"option": factories.correct_option_id(s.question)} for s in attempt.slots})
    page, api = _seen(client, attempt.id)
    assert "Chúc mừng" in page and "Đáp án đúng" in page and "Giải thích" in page
    assert api["score"] == "10.00" and api["passed"] is True and "questions" in api

    # A course quiz set to "never": the verdict, not the key.
    hidden = start_attempt(learner, secret)
    submit_attempt(hidden)
    page, api = _seen(client, hidden.id)
    assert "/10" in page and "Đáp án đúng" not in page and "Giải thích" not in page
    assert api["score"] == "0.00" and not api["review_released"] and "questions" not in api

    # Certification: only the time of submission until the board approves.
    exam_attempt = _sit(session, learner)
    db.session.commit()
    page, api = _seen(client, exam_attempt.id)
    assert "Đã nộp bài lúc" in page
    for words in KEY_WORDS + VERDICT_WORDS + ("Kết quả chính thức</h2>",):
        assert words not in page
    assert "Lời giải IU0" not in page
    assert set(api) == {"attempt_id", "kind", "submitted_at", "finished_reason", "verdict_released",
                        "review_released"}
    assert api["verdict_released"] is False and api["review_released"] is False
    # "Về bài kiểm tra" leads to the candidate's exam page; the exam's form is not a course quiz.
    assert f'href="/my-exams/{session.id}"' in page and f"/quizzes/{session.quiz_id}\"" not in page
    assert client.get(f"/quizzes/{session.quiz_id}").headers["Location"].endswith(f"/my-exams/{session.id}")
    # No checking an exam's answers either.
    assert client.post(f"/api/v1/attempts/{exam_attempt.id}/check", json={"question_id": question_id},
                       headers={"X-CSRFToken": _token(client)}).status_code == 403

    candidate = exams.candidate_of(session, learner)
    exams.set_practical_score(candidate, Decimal("7"), users["examiner"])
    db.session.commit()
    page, api = _seen(client, exam_attempt.id)
    assert "7,00" not in page and "official" not in api  # marked, not yet approved

    exams.approve(session, chair, decision_number="15/QĐ-HĐT", decision_date=utcnow().date())
    db.session.commit()
    page, api = _seen(client, exam_attempt.id)
    assert "Kết quả chính thức" in page and "Đạt" in page and "10,00" in page and "7,00" in page and "8,50" in page
    assert "IU01, IU02, IU03, IU04, IU05, IU06" in page and "15/QĐ-HĐT" in page
    for words in KEY_WORDS:
        assert words not in page  # never the key
    assert api["official"] == {"theory": "10.00", "practical": "7.00", "total": "8.50", "passed": True,
                               "modules_attained": BASIC, "approved_at": api["official"]["approved_at"],
                               "decision_number": "15/QĐ-HĐT"}
    assert not api["review_released"] and "questions" not in api


def test_an_exam_may_show_its_key_after_it_closes_but_its_verdict_only_after_approval(client, db, users, province,
                                                                                      chair):
    _bank()
    session = _session(users, province, reveal="after_close")
    attempt = _sit(session, users["learner"])
    db.session.commit()
    login(client, "learner")
    page, api = _seen(client, attempt.id)
    assert "Đáp án đúng" not in page and not api["review_released"]  # others may still be answering
    session.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page, api = _seen(client, attempt.id)
    assert "Đáp án đúng" in page and api["review_released"] and "questions" in api
    assert not api["verdict_released"] and "score" not in api and "Kết quả chính thức</h2>" not in page
    assert all("credit" not in question for question in api["questions"])  # no verdict per question either


def test_an_exam_cannot_be_set_to_reveal_its_key_during_the_session(db, users, province):
    with pytest.raises(QuizError) as error:
        _session(users, province, reveal="after_attempt")
    assert error.value.code == "reveal"


def _token(client) -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(client.get("/my-exams").get_data(as_text=True))


# ----------------------------------------------------------------------------- 2. separation of duties

def test_the_chair_approves_with_a_decision_once_every_mark_is_in_and_sees_who_entered_them(app, client, db, users,
                                                                                            province, chair):
    _bank()
    bank.import_gift("// [tag:IU02]\n::tl::Trình bày cách sao lưu dữ liệu.{}\n")
    session = _session(users, province, people=("learner", "author", "hr"))
    session.rules.append(exams.BlueprintRule(module_code="IU02", count=1))  # a draw may take the essay
    db.session.flush()
    _sit(session, users["learner"])
    _sit(session, users["author"], right=False)  # hr never comes: absent
    db.session.commit()
    examiner = app.test_client()
    login(examiner, "examiner")
    detail = f"/exams/{session.id}"
    post_form(examiner, detail, f"/exams/{session.id}/board",
              {"members": "Đặng Văn Hùng — Chủ tịch\nLê Thị Thu Hà — Thư ký\n\nPhạm Văn Long — Ủy viên"})
    db.session.refresh(session)
    assert session.board_members == ["Đặng Văn Hùng — Chủ tịch", "Lê Thị Thu Hà — Thư ký", "Phạm Văn Long — Ủy viên"]
    marking = f"/exams/{session.id}/marking"
    learner = exams.candidate_of(session, users["learner"])
    post_form(examiner, marking, marking, {"kind": "practical", "target": str(learner.id), "score": "8"})

    # The examiner who prepared the session may not approve it (the route is the chair's).
    results = f"/exams/{session.id}/results"
    assert post_form(examiner, detail, f"/exams/{session.id}/approve",
                     {"decision_number": "20/QĐ-HĐT", "decision_date": "2026-12-04"}).status_code == 403
    with pytest.raises(QuizError) as refused:
        exams.approve(session, users["examiner"], "20/QĐ-HĐT", utcnow().date())
    assert refused.value.code == "preparer"

    login(client, "chutich")
    page = client.get(results).get_data(as_text=True)
    assert "Điểm còn thiếu (" in page and "Trần Văn Minh" in page
    assert "chưa có điểm thực hành" in page or "câu tự luận chưa chấm" in page
    assert "Thực hành: Lê Thị Thu Hà" in page  # who entered the learner's practical mark
    assert "Vắng thi" in page and "Đặng Văn Hùng — Chủ tịch" in page
    data = {"decision_number": "20/QĐ-HĐT", "decision_date": "2026-12-04"}
    post_form(client, results, f"/exams/{session.id}/approve", data)
    db.session.refresh(session)
    assert not session.approved  # the author's marks are missing
    missing = exams.missing_marks(session)
    assert {(m.candidate.user.username, m.what) for m in missing} - {("learner", "essay"), ("author", "essay")} \
        == {("author", "practical")}
    assert post_form(client, results, f"/exams/{session.id}/approve", {"decision_number": ""}).status_code == 302
    db.session.refresh(session)
    assert not session.approved

    author = exams.candidate_of(session, users["author"])
    for mark in missing:
        if mark.what == "essay":
            answer = next(a for a in mark.candidate.attempt.answers if a.needs_marking)
            post_form(examiner, marking, marking, {"kind": "essay", "target": str(answer.id), "score": "5"})
            db.session.refresh(answer)
            assert answer.marked_by_id == users["examiner"].id and answer.marked_at is not None
    post_form(examiner, marking, marking, {"kind": "practical", "target": str(author.id), "score": "9"})
    db.session.refresh(author)
    assert author.practical_by_id == users["examiner"].id
    post_form(client, results, f"/exams/{session.id}/approve", data)
    db.session.refresh(session)
    assert session.approved and session.approved_by_id == chair.id
    assert session.decision_number == "20/QĐ-HĐT" and session.decision_date.isoformat() == "2026-12-04"
    page = client.get(results).get_data(as_text=True)
    assert "Quyết định số 20/QĐ-HĐT ngày 04/12/2026; người phê duyệt: Đặng Văn Hùng." in page
    # A re-mark afterwards names who entered it, for the chair to see.
    post_form(examiner, results, f"/exams/{session.id}/candidates/{author.id}/remark",
              {"part": "practical", "score": "9.5", "reason": "Đơn phúc khảo ngày 05/12/2026"})
    page = client.get(results).get_data(as_text=True)
    assert "Phúc khảo thực hành: 9,00 → 9,50 (Lê Thị Thu Hà" in page


# ----------------------------------------------------------------------------- 3. rules

def test_pass_marks_follow_the_standard_and_a_lowered_one_needs_a_recorded_reason(db, users, province):
    for mark in (Decimal("0"), Decimal("-1"), Decimal("10.5")):
        with pytest.raises(QuizError) as error:
            _session(users, province, theory_pass_mark=mark)
        assert error.value.code == "pass-mark"
    with pytest.raises(QuizError) as error:
        _session(users, province, practical_pass_mark=Decimal("4.5"))
    assert error.value.code == "pass-mark-reason"
    _bank()
    session = _session(users, province, practical_pass_mark=Decimal("4.5"),
                       pass_mark_reason="Đề thực hành khó hơn mọi năm (Biên bản họp Hội đồng số 3)")
    assert session.pass_mark_reason.startswith("Đề thực hành khó")
    assert session.theory_pass_mark == Decimal("5.00")


def test_levels_name_their_modules_and_the_blueprint_stays_inside_the_bank_and_the_session(client, db, users,
                                                                                          province):
    _bank()
    now = utcnow()
    window = {"opens_at": now, "closes_at": now + timedelta(hours=1), "time_limit_minutes": 30, "agency": province}
    assert exams.create_session(title="Cơ bản", level="basic", **window).modules == BASIC
    with pytest.raises(QuizError) as partial:
        exams.create_session(title="Cơ bản thiếu", level="basic", modules=["IU01", "IU02"], **window)
    assert partial.value.code == "basic-modules"
    for modules in ([], ["IU01", "IU07"]):
        with pytest.raises(QuizError) as advanced:
            exams.create_session(title="Nâng cao", level="advanced", modules=modules, **window)
        assert advanced.value.code == "advanced-modules"
    advanced = exams.create_session(title="Nâng cao", level="advanced", modules=["IU07", "IU09"], **window)
    with pytest.raises(QuizError) as outside:
        exams.set_blueprint(advanced, [exams.RuleSpec("IU01", 1)])
    assert outside.value.code == "module-outside"
    session = _session(users, province)
    db.session.commit()
    login(client, "examiner")
    detail = f"/exams/{session.id}"
    post_form(client, detail, f"/exams/{session.id}/blueprint", {"rules": "IU01 500\nIU02 2"})
    page = client.get(detail).get_data(as_text=True)
    assert "IU01: cần 500 câu, ngân hàng chỉ có 6 câu đang dùng" in page
    assert "requested" not in page and "active in the bank" not in page
    post_form(client, detail, f"/exams/{session.id}/blueprint", {"rules": "IU01 easy 3"})
    page = client.get(detail).get_data(as_text=True)
    assert "IU01 (dễ): cần 3 câu, ngân hàng chỉ có 0 câu đang dùng" in page
    # Two lines of the same module count together against the bank.
    with pytest.raises(QuizError) as together:
        exams.set_blueprint(session, [exams.RuleSpec("IU01", 4), exams.RuleSpec("IU01", 3)])
    assert together.value.params["need"] == 7
    # The form: a basic session needs no module list; a lowered pass mark without a reason is said so.
    form = {"title": "Thi đợt 3", "agency_id": str(province.id), "level": "basic", "modules": "",
            "opens_at": "2026-12-10T08:00", "closes_at": "2026-12-10T11:00", "time_limit_minutes": "45",
            "reveal": "never", "has_practical": "y", "theory_weight": "1", "practical_weight": "1",
            "theory_pass_mark": "4", "practical_pass_mark": "5"}
    page = post_form(client, "/exams/new", "/exams/new", form).get_data(as_text=True)
    assert "Điểm đạt thấp hơn 5/10 cần ghi lý do." in page
    created = post_form(client, "/exams/new", "/exams/new", {**form, "pass_mark_reason": "Thi thử nội bộ"})
    assert created.status_code == 302


def test_issuing_says_why_each_candidate_got_no_certificate_and_the_absent_cannot_start(app, client, db, users,
                                                                                        province, chair):
    from certificates import services

    _bank()
    people = ("learner", "author", "hr", "admin")
    session = _session(users, province, people=people)
    _sit(session, users["learner"])
    _sit(session, users["author"], right=False)
    _sit(session, users["admin"])
    for name, mark in (("learner", "8"), ("author", "8"), ("admin", "9")):
        exams.set_practical_score(exams.candidate_of(session, users[name]), Decimal(mark), users["examiner"])
    exams.approve(session, chair, "30/QĐ-HĐT", utcnow().date())
    first = services.issue_for_session(session.id)
    assert first["issued"] == 2
    again = services.issue_for_session(session.id)
    reasons = {row["name"]: row["reason"] for row in again["not_issued"]}
    assert reasons == {"Nguyễn Thị Hương": "already-issued", "Hoàng Đức Thắng": "already-issued",
                       "Trần Văn Minh": "not-passed", "Phạm Quốc Bảo": "absent"}
    db.session.commit()
    # Through the site: the job's page lists them in words.
    login(client, "examiner")
    response = post_form(client, f"/exams/{session.id}/results", f"/exams/{session.id}/issue")
    for thread in app.extensions.get("lms.job_threads", []):
        thread.join(timeout=60)
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vắng thi" in job_page and "Không đạt" in job_page and "Đã được cấp chứng chỉ từ kỳ thi này" in job_page
    # The absent candidate is shown as such and cannot start.
    hr = app.test_client()
    login(hr, "hr")
    page = hr.get(f"/my-exams/{session.id}").get_data(as_text=True)
    assert "Vắng thi" in page and "Bắt đầu làm bài" not in page
    with pytest.raises(QuizError) as error:
        exams.start_exam(session, users["hr"], None)
    assert error.value.code == "absent"
    assert "Vắng thi" in client.get(f"/exams/{session.id}/results").get_data(as_text=True)


# ----------------------------------------------------------------------------- 4. the examiner's day

def _xlsx(rows) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_candidates_from_a_file_or_a_typed_list_report_bad_lines_and_keep_the_rest(client, db, users, province):
    import io

    from openpyxl import load_workbook

    _bank()
    session = _session(users, province, people=())
    factories.user("Trần Văn Minh", username="minh", email="minh@nghean.gov.vn", agency_=province)
    factories.user("Phạm Quốc Bảo", username="bao", agency_=province)
    db.session.commit()
    login(client, "examiner")
    template = client.get("/exams/candidates-template.xlsx")
    assert template.status_code == 200
    heading = [cell.value for cell in next(load_workbook(io.BytesIO(template.data)).active.iter_rows())]
    assert heading[0].startswith("Tên đăng nhập")
    detail, action = f"/exams/{session.id}", f"/exams/{session.id}/candidates"
    upload = _xlsx([heading, ["learner", "Nguyễn Thị Hương"], ["khong-co-ai", "Ai Đó"],
                    ["minh@nghean.gov.vn", "Trần Văn Minh"], [None, "Thiếu Mã"], ["bao", "Lê Văn Sai"]])
    response = post_form(client, detail, action, {"people": "", "document": (io.BytesIO(upload), "thi-sinh.xlsx")},
                         content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Dòng 3: không tìm thấy «khong-co-ai»" in page
    assert "Dòng 5: thiếu tên đăng nhập" in page
    assert "Dòng 6: «bao — Lê Văn Sai» — tài khoản này là của Phạm Quốc Bảo." in page
    assert "Dòng 4" not in page and "Dòng 2" not in page
    db.session.refresh(session)
    assert session.candidates == []  # all or none
    # Every line of the file is in the box, for correction.
    assert "learner, Nguyễn Thị Hương" in page and "minh@nghean.gov.vn, Trần Văn Minh" in page
    # Typed: the same checks; the typed text comes back as it was.
    typed = "learner\nai-do-khong-co\nminh, Trần Văn Minh"
    response = post_form(client, detail, action, {"people": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Dòng 2: không tìm thấy «ai-do-khong-co»" in page
    assert "ai-do-khong-co\nminh, Trần Văn Minh</textarea>" in page
    # A CSV with a semicolon (as Excel saves it in Vietnamese settings) and the lines corrected.
    csv_data = "Tên đăng nhập;Họ và tên\nlearner;Nguyễn Thị Hương\nminh;Trần Văn Minh\n".encode("utf-8-sig")
    response = post_form(client, detail, action, {"document": (io.BytesIO(csv_data), "thi-sinh.csv")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(session)
    assert sorted(c.user.username for c in session.candidates) == ["learner", "minh"]
    not_a_file = post_form(client, detail, action, {"document": (io.BytesIO(b"PK\x03\x04rubbish"), "hong.xlsx")},
                           content_type="multipart/form-data")
    assert not_a_file.status_code == 400 and "Không đọc được tệp Excel." in not_a_file.get_data(as_text=True)


def test_the_monitoring_page_shows_each_candidate_and_adds_time(client, db, users, province):
    _bank()
    session = _session(users, province, people=("learner", "author", "hr"))
    answering = exams.start_exam(session, users["learner"], None)
    save_answer(answering.id, answering.user_id, answering.slots[0].question_id,
                {"option": answering.slots[0].question.options[0].id}, seq=5)
    _sit(session, users["author"])
    db.session.commit()
    login(client, "examiner")
    page = client.get(f"/exams/{session.id}/monitor").get_data(as_text=True)
    assert "monitor.js" in page and "Đang làm bài" in page and "Chưa bắt đầu" in page and "Đã nộp" in page
    data = client.get(f"/exams/{session.id}/monitor.json").get_json()
    rows = {row["name"]: row for row in data["candidates"]}
    assert data["counts"] == {"not_started": 1, "answering": 1, "submitted": 1, "absent": 0}
    learner = rows["Nguyễn Thị Hương"]
    assert learner["state"] == "answering" and learner["answered"] == 1 and learner["questions"] == 4
    assert learner["last_save"] is not None and 29 * 60 < learner["seconds_left"] <= 30 * 60
    assert rows["Trần Văn Minh"]["answered"] == 4 and rows["Trần Văn Minh"]["submitted_at"]
    # Adding time from the monitoring page adds to what was given, and moves the running deadline.
    candidate = exams.candidate_of(session, users["learner"])
    before = answering.deadline
    for _ in range(2):
        response = post_form(client, f"/exams/{session.id}/monitor",
                             f"/exams/{session.id}/candidates/{candidate.id}/extra-time", {"mode": "add", "minutes": "5"})
        assert response.headers["Location"].endswith(f"/exams/{session.id}/monitor")
    db.session.refresh(candidate)
    db.session.refresh(answering)
    assert candidate.extra_minutes == 10 and answering.deadline - before == timedelta(minutes=10)
    rows = {row["name"]: row for row in client.get(f"/exams/{session.id}/monitor.json").get_json()["candidates"]}
    assert rows["Nguyễn Thị Hương"]["seconds_left"] > 39 * 60 and rows["Nguyễn Thị Hương"]["extra_minutes"] == 10


def _pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_printed_attendance_and_result_lists_carry_the_board_and_the_decision(client, db, users, province, chair):
    import io

    from openpyxl import load_workbook

    _bank()
    session = _session(users, province, people=("learner", "author", "hr"))
    exams.set_board(session, ["Đặng Văn Hùng — Chủ tịch", "Lê Thị Thu Hà — Thư ký"], users["examiner"])
    _sit(session, users["learner"])
    _sit(session, users["author"], right=False)
    for name in ("learner", "author"):
        exams.set_practical_score(exams.candidate_of(session, users[name]), Decimal("7.5"), users["examiner"])
    db.session.commit()
    login(client, "examiner")
    attendance = client.get(f"/exams/{session.id}/attendance.pdf")
    assert attendance.status_code == 200 and attendance.mimetype == "application/pdf"
    text = _pdf_text(attendance.data)
    assert "DANH SÁCH THÍ SINH DỰ THI" in text and "Phạm Quốc Bảo" in text and "Ký tên" in text
    draft = _pdf_text(client.get(f"/exams/{session.id}/results.pdf").data)
    assert "BẢN DỰ THẢO" in draft
    exams.approve(session, chair, "42/QĐ-HĐT", date(2026, 12, 5))
    db.session.commit()
    text = _pdf_text(client.get(f"/exams/{session.id}/results.pdf").data)
    assert "DANH SÁCH KẾT QUẢ THI" in text and "42/QĐ-HĐT" in text and "05/12/2026" in text
    assert "Đặng Văn Hùng — Chủ tịch" in text and "Lê Thị Thu Hà — Thư ký" in text
    assert "Vắng thi" in text and "Không đạt" in text and "8,75" in text
    sheet = load_workbook(io.BytesIO(client.get(f"/exams/{session.id}/results.xlsx").data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["STT", "Họ và tên", "Ngày sinh"]
    learner = next(row for row in values if row[1] == "Nguyễn Thị Hương")
    assert learner[5:9] == [10.0, 7.5, 8.75, "Đạt"]
    flat = [value for row in values for value in row]
    assert "42/QĐ-HĐT" in flat and "Đặng Văn Hùng — Chủ tịch" in flat and "Đặng Văn Hùng" in flat
    # The board's chair reads them too; an examiner of another province does not.
    chair_client = client.application.test_client()
    login(chair_client, "chutich")
    assert chair_client.get(f"/exams/{session.id}/results.pdf").status_code == 200


# ----------------------------------------------------------------------------- 5. the candidate's result and certificate

def test_after_approval_my_exams_shows_the_official_result_then_the_certificate_and_mail_says_so(
        app, client, db, users, province, chair):
    from certificates import services
    from lms.mail import MailMessage

    _bank()
    session = _session(users, province, people=("learner", "hr"))
    _sit(session, users["learner"])
    exams.set_practical_score(exams.candidate_of(session, users["learner"]), Decimal("6"), users["examiner"])
    db.session.commit()
    login(client, "learner")
    before = client.get("/my-exams").get_data(as_text=True)
    assert "Đã nộp bài lúc" in before and "Đạt" not in before and "8,00" not in before
    exams.approve(session, chair, "50/QĐ-HĐT", utcnow().date())
    db.session.commit()
    mail = db.session.scalar(select(MailMessage).where(MailMessage.kind == "exam_result"))
    assert mail is not None and mail.recipient_id == users["learner"].id  # the absent hr is told nothing
    page = client.get("/my-exams").get_data(as_text=True)
    assert "10,00/10" in page and "6,00/10" in page and "8,00/10" in page and "Đạt" in page
    assert "IU01, IU02, IU03, IU04, IU05, IU06" in page and "50/QĐ-HĐT" in page
    assert "Tải PDF" not in page  # not issued yet
    services.issue_for_session(session.id)
    db.session.commit()
    certificate = services.certificates_of(users["learner"])[0]
    for url in ("/my-exams", f"/my-exams/{session.id}"):
        page = client.get(url).get_data(as_text=True)
        assert certificate.serial in page and f"/certificates/{certificate.code}.pdf" in page
        assert f"http://127.0.0.1:5000/verify/{certificate.code}" in page
    assert client.get(f"/certificates/{certificate.code}.pdf").data.startswith(b"%PDF")
    assert db.session.scalar(select(MailMessage).where(MailMessage.kind == "certificate_issued")) is not None
    # The absent candidate sees it.
    absent = app.test_client()
    login(absent, "hr")
    assert "Vắng thi" in absent.get("/my-exams").get_data(as_text=True)


def test_revocation_is_confirmed_shown_at_the_top_and_the_pdf_is_stamped(app, client, db, users, province, chair):
    from certificates import services
    from certificates.models import CertificateStatus

    _bank()
    session = _session(users, province, people=("learner", "admin"))
    for name in ("learner", "admin"):
        _sit(session, users[name])
        exams.set_practical_score(exams.candidate_of(session, users[name]), Decimal("8"), users["examiner"])
    exams.approve(session, chair, "60/QĐ-HĐT", utcnow().date())
    services.issue_for_session(session.id)
    db.session.commit()
    certificate = services.certificates_of(users["learner"])[0]
    other = services.certificates_of(users["admin"])[0]
    login(client, "learner")
    original = client.get(f"/certificates/{certificate.code}.pdf").data
    db.session.refresh(certificate)
    stored_hash = certificate.pdf_sha256
    examiner = app.test_client()
    login(examiner, "examiner")
    page_url, action = f"/certificates/{certificate.code}", f"/certificates/{certificate.code}/revoke"
    data = {"decision": "61/QĐ-TTCĐS", "reason": "Thi hộ"}
    asked = post_form(examiner, page_url, action, data)
    text = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Xác nhận thu hồi" in text
    assert certificate.serial in text and "61/QĐ-TTCĐS" in text and "Nguyễn Thị Hương" in text
    db.session.refresh(certificate)
    assert certificate.status is CertificateStatus.VALID  # nothing happens until confirmed
    post_form(examiner, page_url, action, {**data, "confirmed": "1"})
    db.session.refresh(certificate)
    assert certificate.status is CertificateStatus.REVOKED
    page = client.get(page_url).get_data(as_text=True)
    assert page.index("ĐÃ THU HỒI") < page.index("certificate-title")  # at the top
    assert "Quyết định số 61/QĐ-TTCĐS" in page and "Thi hộ" in page
    stamped = client.get(f"/certificates/{certificate.code}.pdf")
    assert stamped.status_code == 200 and "da-thu-hoi" in stamped.headers["Content-Disposition"]
    text = _pdf_text(stamped.data)
    assert "ĐÃ THU HỒI" in text and "61/QĐ-TTCĐS" in text and "Nguyễn Thị Hương" in text
    assert stamped.data != original
    db.session.refresh(certificate)
    assert certificate.pdf_sha256 == stored_hash  # the register keeps the original
    # Replaced: stamped as replaced, pointing to the new one.
    post_form(examiner, f"/certificates/{other.code}", f"/certificates/{other.code}/reissue",
              {"decision": "62/QĐ-TTCĐS", "reason": "Sai người ký"})
    admin = app.test_client()
    login(admin, "admin")
    assert "ĐÃ ĐƯỢC THAY THẾ" in _pdf_text(admin.get(f"/certificates/{other.code}.pdf").data)
    assert "ĐÃ ĐƯỢC THAY THẾ" in admin.get(f"/certificates/{other.code}").get_data(as_text=True)
