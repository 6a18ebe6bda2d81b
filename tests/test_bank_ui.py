"""The question bank pages: list and search, a question with its versions, edit, retire, import
(GIFT and Excel, all or nothing), export, the Excel template, and a quiz's item analysis."""
from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.database import utcnow
from quizzes import bank, exams
from quizzes.models import Attempt, Question, QuestionStatus, QuizItem
from quizzes.services import QuizError, save_answer, start_attempt, submit_attempt
from tests import factories
from tests.conftest import csrf_token_from
from tests.test_bank import ALL_TYPES_GIFT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ROUTES = [
    ("get", "/bank"),
    ("get", "/bank/questions/{question}"),
    ("post", "/bank/questions/{question}"),
    ("post", "/bank/questions/{question}/retire"),
    ("post", "/bank/questions/{question}/activate"),
    ("get", "/bank/import"),
    ("post", "/bank/import"),
    ("get", "/bank/export?format=gift"),
    ("get", "/bank/template.xlsx"),
    ("get", "/quizzes/{quiz}/analysis"),
]


def _count(db) -> int:
    return db.session.scalar(select(func.count(Question.id)))


def _token(client) -> str:
    """A CSRF token of the client's session (every page carries one in the language switch)."""
    return csrf_token_from(client.get("/").get_data(as_text=True))


def _upload(client, data: bytes, filename: str, **fields):
    """POST a file to the import page, with the form's CSRF token."""
    form = {"csrf_token": _token(client), "category": "", "module": "", **fields,
            "file": (io.BytesIO(data), filename)}
    return client.post("/bank/import", data=form, content_type="multipart/form-data")


def _edit(client, question: Question, gift: str):
    return client.post(f"/bank/questions/{question.id}", data={"csrf_token": _token(client), "gift": gift})


def _total(page: str) -> int:
    """The number of matches the bank list reports."""
    match = re.search(r'role="status">(\d+) câu hỏi', page)
    assert match, "no count on the page"
    return int(match.group(1))


def _questions(db) -> dict[str, Question]:
    return {q.name: q for q in db.session.scalars(select(Question))}


@pytest.fixture()
def quiz(db):
    """A course quiz of four single-choice questions."""
    result = factories.quiz(questions=4)
    db.session.commit()
    return result


@pytest.mark.parametrize("method, url", ROUTES)
def test_anonymous_visitors_are_sent_to_login(client, db, quiz, method, url):
    url = url.format(question=quiz.items[0].question_id, quiz=quiz.id)
    data = {"csrf_token": _token(client)} if method == "post" else None
    response = getattr(client, method)(url, data=data)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("method, url", ROUTES)
def test_learners_are_refused(client, db, quiz, logged_in, method, url):
    logged_in("learner")
    url = url.format(question=quiz.items[0].question_id, quiz=quiz.id)
    data = {"csrf_token": _token(client)} if method == "post" else None
    assert getattr(client, method)(url, data=data).status_code == 403


def test_nav_link_shows_for_authors_only(client, db, logged_in):
    logged_in("author")
    assert "Ngân hàng câu hỏi" in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": _token(client)})
    logged_in("learner")
    assert "Ngân hàng câu hỏi" not in client.get("/").get_data(as_text=True)


def test_gift_upload_imports_and_shows_counts_per_type(client, db, users, logged_in):
    logged_in("author")
    response = _upload(client, ALL_TYPES_GIFT.encode("utf-8"), "ngan-hang.gift")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã nhập 8 câu hỏi" in page
    for name in ("Một lựa chọn", "Nhiều lựa chọn", "Đúng/Sai", "Trả lời ngắn", "Số", "Ghép cặp", "Tự luận", "Mô tả"):
        assert f"<td>{name}</td><td>1</td>" in page
    assert _count(db) == 8
    assert {q.created_by_id for q in db.session.scalars(select(Question))} == {users["author"].id}


# Malformed GIFT files (the first question is fine): the line of the error, its message in Vietnamese
# and in English.
MALFORMED_GIFT = [
    pytest.param("// [tag:IU01]\n::a::Câu một?{=Đúng ~Sai}\n\n// [tag:IU01]\n::b::Câu hai?{=Đúng ~Sai\n", 5,
                 "khối đáp án mở bằng «{» nhưng không có «}» đóng lại",
                 "answer block opened with '{' is never closed with '}'", id="unclosed-brace"),
    pytest.param("// [tag:IU01]\n::a::Câu một?{=Đúng ~Sai}\n\n// [tag:IU01]\n::b::Bao nhiêu?{#\n=1,5\n}\n", 6,
                 "đáp án số «1,5» không phải là số (phần thập phân viết bằng dấu chấm, ví dụ 3.5)",
                 "numerical answer '1,5' is not a number (write decimals with a point, e.g. 3.5)", id="decimal-comma"),
    pytest.param("// [tag:IU01]\n::a::Câu một?{=Đúng ~Sai}\n\n// [tag:IU01]\n::b::Câu hai?{\n=Đúng\n~%33%Sai\n}\n",
                 7, "trọng số đáp án %33% không phải một mức điểm Moodle chấp nhận (hãy dùng ±100%, 90%",
                 "answer weight %33% is not one Moodle accepts (use ±100%, 90%", id="weight"),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("text, line, vietnamese, english", MALFORMED_GIFT)
def test_malformed_gift_shows_the_line_in_the_readers_language_and_imports_nothing(client, db, logged_in, text, line,
                                                                                   vietnamese, english, language):
    logged_in("author")
    if language == "en":
        client.post("/language/en", data={"csrf_token": _token(client)})
    response = _upload(client, text.encode("utf-8"), "loi.gift")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    shown, other = (vietnamese, english) if language == "vi" else (english, vietnamese)
    assert ("Chưa nhập câu hỏi nào: tệp có 1 lỗi cần sửa" if language == "vi"
            else "No questions imported: the file has 1 error(s) to fix") in page
    assert f"<tr><td>{line}</td><td>{shown}" in page
    assert other not in page
    assert _count(db) == 0


def test_gift_without_module_names_every_line_and_imports_nothing(client, db, logged_in):
    logged_in("author")
    text = "::a::Câu một?{=Đúng ~Sai}\n\n::b::Câu hai?{=Đúng ~Sai}\n"
    page = _upload(client, text.encode("utf-8"), "khong-mo-dun.txt").get_data(as_text=True)
    assert "<tr><td>1</td>" in page and "<tr><td>3</td>" in page and "[tag:IU01]" in page
    assert _count(db) == 0
    response = _upload(client, text.encode("utf-8"), "khong-mo-dun.txt", module="IU02", category="Ngân hàng A")
    assert response.status_code == 200 and "Đã nhập 2 câu hỏi" in response.get_data(as_text=True)
    assert {(q.module_code, q.category.path) for q in db.session.scalars(select(Question))} == {("IU02", "Ngân hàng A")}


@pytest.mark.parametrize("data, filename, status, words", [
    (b"%PDF-1.4", "cau-hoi.pdf", 400, "Chỉ nhận tệp GIFT (.gift, .txt) hoặc Excel (.xlsx)"),
    ("Câu hỏi".encode("utf-16"), "cau-hoi.gift", 400, "văn bản UTF-8"),
    (b"not a workbook", "cau-hoi.xlsx", 400, "không phải bảng tính Excel .xlsx"),
    (b"// x\n" * (1024 * 1024 + 1), "lon.gift", 413, "lớn hơn 5 MB"),
    ("// chỉ có chú thích\n".encode(), "rong.gift", 400, "Tệp không có câu hỏi nào"),
], ids=["pdf", "utf-16", "fake xlsx", "over 5 MB", "no questions"])
def test_files_that_cannot_be_imported_get_a_clear_message(client, db, logged_in, data, filename, status, words):
    logged_in("author")
    response = _upload(client, data, filename)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert _count(db) == 0


def test_excel_template_downloads_and_imports_back_with_topics(client, db, logged_in):
    logged_in("author")
    response = client.get("/bank/template.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert "mau-cau-hoi.xlsx" in response.headers["Content-Disposition"]
    imported = _upload(client, response.data, "mau-cau-hoi.xlsx", category="Mẫu")
    assert imported.status_code == 200 and "Đã nhập 8 câu hỏi" in imported.get_data(as_text=True)
    questions = _questions(db)
    assert sorted(questions) == [f"VD-0{n}" for n in range(1, 9)]
    assert questions["VD-01"].topic == "Phần cứng" and questions["VD-02"].topic == "An toàn thông tin"
    assert questions["VD-01"].difficulty == "easy" and questions["VD-02"].module_code == "IU06"
    assert {q.category.path for q in questions.values()} == {"Mẫu"}


def test_excel_with_a_bad_row_shows_row_and_column_and_imports_nothing(client, db, logged_in):
    logged_in("author")
    workbook = load_workbook(io.BytesIO(client.get("/bank/template.xlsx").data))
    sheet = workbook["Câu hỏi"]
    column = next(cell.column for cell in sheet[1] if cell.value == "Mô-đun")
    sheet.cell(row=3, column=column, value="IU99")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, buffer.getvalue(), "sai.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<tr><td>3</td><td>Mô-đun</td>" in page
    assert _count(db) == 0


def test_list_filters_search_without_diacritics_and_pages(client, db, logged_in):
    bank.import_gift(ALL_TYPES_GIFT)
    for n in range(55):
        factories.question(f"Câu hỏi về thư điện tử số {n}?", module="IU06")
    db.session.commit()
    logged_in("author")
    page = client.get("/bank?q=THIET+BI+NHAP").get_data(as_text=True)
    assert "Thiết bị nào là thiết bị nhập?" in page and _total(page) == 1
    page = client.get("/bank?module=IU01&type=matching").get_data(as_text=True)
    assert _total(page) == 1 and "Ghép phím tắt với tác dụng." in page
    assert _total(client.get("/bank?difficulty=hard").get_data(as_text=True)) == 1
    category = _questions(db)["ghep"].category
    assert _total(client.get(f"/bank?category={category.id}").get_data(as_text=True)) == 8
    first = client.get("/bank?module=IU06").get_data(as_text=True)
    assert _total(first) == 55 and "Trang 1/2" in first and "page=2" in first
    second = client.get("/bank?module=IU06&page=2").get_data(as_text=True)
    assert second.count("Câu hỏi về thư điện tử số") == 5
    assert client.get("/bank?type=nonsense").status_code == 400


def test_question_page_shows_the_question_answers_and_history(client, db, logged_in):
    bank.import_gift(ALL_TYPES_GIFT)
    db.session.commit()
    question = _questions(db)["chon-mot"]
    logged_in("author")
    page = client.get(f"/bank/questions/{question.id}").get_data(as_text=True)
    assert "Thiết bị nào là thiết bị nhập?" in page and 'type="radio"' in page
    assert "100%" in page and "Màn hình là thiết bị xuất." in page
    assert "Thiết bị nhập đưa dữ liệu vào máy tính." in page  # the explanation
    assert "::chon-mot::Thiết bị nào là thiết bị nhập?" in page  # the GIFT to edit
    assert "Lịch sử phiên bản" in page and "Hiện hành" in page


def test_editing_an_unused_question_changes_it_in_place(client, db, logged_in):
    bank.import_gift(ALL_TYPES_GIFT)
    db.session.commit()
    question = _questions(db)["chon-mot"]
    logged_in("author")
    assert "Câu này chưa có ai làm" in client.get(f"/bank/questions/{question.id}").get_data(as_text=True)
    response = _edit(client, question, "// [tag:IU02] [tag:hard]\n::chon-mot::Thiết bị nào là thiết bị NHẬP?"
                                       "{=Bàn phím ~Màn hình ~Loa}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/bank/questions/{question.id}")
    assert "sửa trực tiếp" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(question)
    assert (question.text, question.version, question.module_code, question.difficulty) == (
        "Thiết bị nào là thiết bị NHẬP?", 1, "IU02", "hard")
    assert [o.text for o in question.options] == ["Bàn phím", "Màn hình", "Loa"]
    assert _count(db) == 8


def test_an_edit_with_a_gift_error_shows_the_line_and_changes_nothing(client, db, logged_in):
    bank.import_gift(ALL_TYPES_GIFT)
    db.session.commit()
    question = _questions(db)["chon-mot"]
    logged_in("author")
    page = _edit(client, question, "// [tag:IU01]\n::chon-mot::Câu?{\n=Đúng\n~%33%Sai\n}").get_data(as_text=True)
    assert "Dòng 4: trọng số đáp án %33% không phải một mức điểm Moodle chấp nhận" in page
    page = _edit(client, question, "::a::Một?{T}\n\n::b::Hai?{F}").get_data(as_text=True)
    assert "đúng một câu hỏi (đang có 2)" in page
    db.session.refresh(question)
    assert question.text == "Thiết bị nào là thiết bị nhập?"


def test_editing_a_used_question_makes_version_2_and_the_attempt_keeps_version_1(client, db, users, logged_in):
    quiz = factories.quiz(questions=1)
    question = quiz.items[0].question
    attempt = start_attempt(users["learner"], quiz)
    db.session.commit()
    logged_in("author")
    unchanged = client.get(f"/bank/questions/{question.id}").get_data(as_text=True)
    assert "1 lượt làm bài" in unchanged
    gift = bank.write_gift([bank.gift_from_question(question)]).replace("Câu hỏi số 1?", "Câu hỏi số 1 (đã sửa)?")
    response = _edit(client, question, gift)
    successor = db.session.scalar(select(Question).where(Question.version == 2))
    assert successor is not None and successor.text == "Câu hỏi số 1 (đã sửa)?"
    assert response.headers["Location"].endswith(f"/bank/questions/{successor.id}")
    assert "Đã lưu phiên bản 2" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(question)
    db.session.refresh(attempt)
    assert not question.is_current and question.text == "Câu hỏi số 1?"
    assert [slot.question_id for slot in attempt.slots] == [question.id]
    assert db.session.scalar(select(QuizItem.question_id).where(QuizItem.quiz_id == quiz.id)) == successor.id
    old = client.get(f"/bank/questions/{question.id}").get_data(as_text=True)
    assert "Đây là phiên bản cũ" in old and "Lưu thay đổi" not in old
    # Saving the same text again changes nothing.
    again = _edit(client, successor, bank.write_gift([bank.gift_from_question(successor)]))
    assert "Không có thay đổi" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Question.id))) == 2


def test_retired_questions_are_not_drawn_into_exams(client, db, logged_in):
    first = factories.question("Câu một?", module="IU05")
    factories.question("Câu hai?", module="IU05")
    now = utcnow()
    session = exams.create_session(title="Kỳ thi thử", opens_at=now, closes_at=now + timedelta(hours=2),
                                   time_limit_minutes=30, agency=None)
    exams.set_blueprint(session, [exams.RuleSpec("IU05", 2)])
    db.session.commit()
    logged_in("author")
    token = _token(client)
    response = client.post(f"/bank/questions/{first.id}/retire", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.status is QuestionStatus.RETIRED
    assert "Đã ngừng dùng" in client.get(f"/bank/questions/{first.id}").get_data(as_text=True)
    with pytest.raises(QuizError):
        exams.set_blueprint(session, [exams.RuleSpec("IU05", 2)])
    db.session.rollback()
    client.post(f"/bank/questions/{first.id}/activate", data={"csrf_token": token})
    db.session.refresh(first)
    assert first.status is QuestionStatus.ACTIVE
    exams.set_blueprint(session, [exams.RuleSpec("IU05", 2)])


def test_gift_export_imports_again_into_a_new_category_with_the_same_texts(client, db, logged_in):
    bank.import_gift(ALL_TYPES_GIFT)
    db.session.commit()
    logged_in("author")
    response = client.get("/bank/export?format=gift")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "ngan-hang-cau-hoi.gift" in response.headers["Content-Disposition"]
    original = sorted(q.text for q in db.session.scalars(select(Question)))
    imported = _upload(client, response.data, "ngan-hang-cau-hoi.gift", category="Bản sao")
    assert imported.status_code == 200
    copies = [q for q in db.session.scalars(select(Question)) if q.category.path == "Bản sao"]
    assert sorted(q.text for q in copies) == original


def test_excel_export_reads_back_and_a_sheet_it_cannot_hold_is_explained(client, db, logged_in):
    bank.import_gift(ALL_TYPES_GIFT)
    db.session.commit()
    logged_in("author")
    category = _questions(db)["chon-mot"].category
    response = client.get(f"/bank/export?format=xlsx&category={category.id}")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert load_workbook(io.BytesIO(response.data))["Câu hỏi"].max_row == 9
    _edit(client, _questions(db)["tra-loi-ngan"], "// [tag:IU01] [tag:case-sensitive]\n::tra-loi-ngan::LAN?{=LAN}")
    refused = client.get("/bank/export?format=xlsx")
    assert refused.status_code == 302
    assert "Không xuất được Excel" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert client.get("/bank/export?format=pdf").status_code == 400


def _finished_attempts(db, quiz, people: int) -> Question:
    """``people`` learners of rising ability sit ``quiz``; return its question the strong ones get wrong.

    Learner ``a`` answers good question ``j`` right when ``a > 2 j``; the bad question is
    answered right by the weaker half only, so it discriminates negatively.
    """
    questions = [item.question for item in quiz.items]
    bad, good = questions[-1], questions[:-1]
    for ability in range(people):
        person = factories.user(f"Thí sinh {ability}", username=f"thisinh{ability}")
        attempt = start_attempt(person, quiz)
        for seq, question in enumerate(questions, start=1):
            right = ability < people // 2 if question is bad else ability > 2 * good.index(question)
            option = next(o for o in question.options if (o.fraction == 1.0) == right)
            save_answer(attempt.id, attempt.user_id, question.id, {"option": option.id}, seq)
        submit_attempt(attempt)
    db.session.commit()
    return bad


def test_analysis_shows_alpha_flags_the_bad_item_and_exports_to_excel(client, db, users, logged_in):
    quiz = factories.quiz(questions=5)
    bad = _finished_attempts(db, quiz, 12)
    result = bank.analyse_quiz(quiz)
    assert result.analysis.quiz.attempts == 12 and result.analysis.quiz.alpha is not None
    logged_in("examiner")
    page = client.get(f"/quizzes/{quiz.id}/analysis").get_data(as_text=True)
    alpha = f"{result.analysis.quiz.alpha:.2f}".replace(".", ",")
    assert "Cronbach" in page and alpha in page
    bad_row = page[page.index(result.labels[bad.id]):]
    bad_row = bad_row[:bad_row.index("</tr>")]
    assert "phân biệt âm" in bad_row and "50%" in bad_row  # facility of the bad item
    assert "Phương án của câu trắc nghiệm" in page
    assert f"/bank/questions/{bad.id}" not in page  # examiners read the analysis; authors edit

    workbook = load_workbook(io.BytesIO(client.get(f"/quizzes/{quiz.id}/analysis?format=xlsx").data))
    assert workbook["Câu hỏi"].max_row == 1 + 5
    assert workbook["Phương án"].max_row == 1 + 5 * 4
    flags = {row[0]: row[-1] for row in workbook["Câu hỏi"].iter_rows(min_row=2, values_only=True)}
    assert "Độ phân biệt âm" in flags[result.labels[bad.id]]

    client.post("/logout", data={"csrf_token": _token(client)})
    logged_in("author")
    assert f"/bank/questions/{bad.id}" in client.get(f"/quizzes/{quiz.id}/analysis").get_data(as_text=True)
    listing = client.get("/bank", query_string={"q": bad.text}).get_data(as_text=True)
    assert "phân biệt âm" in listing and f"/quizzes/{quiz.id}/analysis" in listing
    assert "phân biệt âm" in client.get(f"/bank/questions/{bad.id}").get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attempt.id))) == 12


def test_an_analysis_of_too_few_attempts_flags_nothing(client, db, logged_in):
    quiz = factories.quiz(questions=5)
    _finished_attempts(db, quiz, 4)
    logged_in("author")
    page = client.get(f"/quizzes/{quiz.id}/analysis").get_data(as_text=True)
    assert "Cronbach" in page and "badge-bad" not in page
    assert client.get("/quizzes/999999/analysis").status_code == 404


def test_examiners_see_the_analysis_of_exams_in_their_agencies_only(client, db, users, province, logged_in):
    now = utcnow()
    sessions = {agency.code: exams.create_session(title=f"Kỳ thi {agency.name}", opens_at=now,
                                                  closes_at=now + timedelta(hours=1), time_limit_minutes=30,
                                                  agency=agency)
                for agency in (province, factories.agency("000.00.00.H42", "Ủy ban nhân dân tỉnh Hà Tĩnh"))}
    db.session.commit()
    logged_in("examiner")
    assert client.get(f"/quizzes/{sessions['000.00.00.H41'].quiz_id}/analysis").status_code == 200
    assert client.get(f"/quizzes/{sessions['000.00.00.H42'].quiz_id}/analysis").status_code == 404
    client.post("/logout", data={"csrf_token": _token(client)})
    logged_in("author")
    assert client.get(f"/quizzes/{sessions['000.00.00.H42'].quiz_id}/analysis").status_code == 200
