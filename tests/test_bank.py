"""The question bank: GIFT import/export (CLI), all-or-nothing errors, versions."""
from __future__ import annotations


import pytest
from sqlalchemy import func, select

from quizzes import bank
from quizzes.models import Question, QuestionType
from tests.conftest import SHARED

ALL_TYPES_GIFT = """$CATEGORY: Ngân hàng thử/IU01

// [tag:IU01] [tag:easy]
::chon-mot::Thiết bị nào là thiết bị nhập?{
  =Bàn phím#Đúng: bàn phím đưa dữ liệu vào.
  ~Màn hình#Màn hình là thiết bị xuất.
  ~Máy in#Máy in là thiết bị xuất.
  ####Thiết bị nhập đưa dữ liệu vào máy tính.
}

// [tag:IU01] [tag:medium]
::chon-nhieu::Những thiết bị nào là thiết bị lưu trữ?{
  ~%50%Ổ cứng SSD#Đúng.
  ~%50%Thẻ nhớ USB#Đúng.
  ~%-50%Chuột#Không lưu trữ.
  ~%-50%Loa#Không lưu trữ.
}

// [tag:IU01]
::dung-sai::1 byte gồm 8 bit.{TRUE#Sai rồi.#Chính xác.}

// [tag:IU01] [tag:hard]
::tra-loi-ngan::Viết tắt tiếng Anh của mạng cục bộ là gì?{=LAN =%50%mạng LAN#Gần đúng.}

// [tag:IU01]
::so::1 KB bằng bao nhiêu byte (theo hệ nhị phân)?{#=1024:0#Đúng. =%50%1000:0#Đó là hệ thập phân.}

// [tag:IU01]
::ghep::Ghép phím tắt với tác dụng.{
  =Ctrl+C -> Sao chép
  =Ctrl+V -> Dán
  =Ctrl+Z -> Hoàn tác
}

// [tag:IU01]
::tu-luan::Trình bày ba biện pháp bảo vệ máy tính cơ quan.{}

// [tag:IU01]
::mo-ta::Các câu sau nói về phần cứng máy tính.
"""


def test_import_every_type_with_counts_modules_and_difficulty(db):
    report = bank.import_gift(ALL_TYPES_GIFT)
    db.session.commit()
    assert report.total == 8
    assert dict(report.counts) == {t.value: 1 for t in QuestionType}
    questions = {q.name: q for q in db.session.scalars(select(Question))}
    assert {q.module_code for q in questions.values()} == {"IU01"}
    assert questions["chon-mot"].difficulty == "easy" and questions["so"].difficulty == "medium"
    assert questions["chon-mot"].category.path == "Ngân hàng thử/IU01"
    assert questions["chon-mot"].explanation == "Thiết bị nhập đưa dữ liệu vào máy tính."
    assert [o.fraction for o in questions["chon-nhieu"].options] == [0.5, 0.5, -0.5, -0.5]
    assert [(o.text, o.match_text) for o in questions["ghep"].options][0] == ("Ctrl+C", "Sao chép")
    assert questions["so"].options[0].text == "1024" and questions["so"].options[0].tolerance == 0
    assert all(q.family_id == q.id for q in questions.values())


def test_export_then_import_gives_the_same_questions(db):
    bank.import_gift(ALL_TYPES_GIFT)
    first = [bank.gift_from_question(q) for q in bank.current_questions()]
    text = bank.export_gift(bank.current_questions())
    assert "Thiết bị nào là thiết bị nhập?" in text  # UTF-8 Vietnamese kept as is
    db.session.rollback()
    bank.import_gift(text)
    second = [bank.gift_from_question(q) for q in bank.current_questions()]
    assert second == first


def test_question_without_module_imports_nothing_and_names_every_line(db):
    text = ("// [tag:IU01]\n::co-mo-dun::Câu hỏi có mô-đun?{T}\n\n"
            "::khong-mo-dun::Câu hỏi không gắn mô-đun?{T}\n\n::cung-vay::Câu nữa?{F}\n")
    with pytest.raises(bank.ImportError_) as raised:
        bank.import_gift(text)
    assert [line for line, _message in raised.value.errors] == [4, 6]
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


def test_cli_import_reports_counts_and_malformed_file_imports_nothing(app, db, tmp_path):
    good = tmp_path / "good.gift"
    good.write_text(ALL_TYPES_GIFT, encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["questions", "import", str(good), "--bank", "Thử"])
    assert result.exit_code == 0, result.output
    assert "Imported 8 questions" in result.output and "multiple response: 1" in result.output
    bad = tmp_path / "bad.gift"
    bad.write_text("// [tag:IU02]\n::a::Câu một?{=Có ~Không}\n\n// [tag:IU02]\n::b::Câu hai?{=Có ~Không\n",
                   encoding="utf-8")
    result = runner.invoke(args=["questions", "import", str(bad)])
    assert result.exit_code != 0
    assert "line 5" in result.output and "Nothing was imported" in result.output
    assert db.session.scalar(select(func.count()).select_from(Question).where(Question.module_code == "IU02")) == 0


def test_cli_export_of_one_bank(app, db, tmp_path):
    bank.import_gift(ALL_TYPES_GIFT)
    bank.import_gift("// [tag:IU02]\n::khac::Câu khác?{T}\n", default_category="Khác")
    db.session.commit()
    target = tmp_path / "out.gift"
    result = app.test_cli_runner().invoke(args=["questions", "export", str(target), "--bank", "Ngân hàng thử"])
    assert result.exit_code == 0 and "Exported 8 questions" in result.output
    text = target.read_text(encoding="utf-8")
    assert "::chon-mot::" in text and "::khac::" not in text


def test_moodle_example_file_imports_with_moodle_types_and_credits(app, db):
    example = SHARED / "interop" / "moodle-gift-examples.gift.txt"
    if not example.exists():
        pytest.skip("../shared/interop is not beside this checkout (only developers' and CI's machines have it)")
    from quizzes.gift import parse_gift

    text = example.read_text(encoding="utf-8")
    parsed = parse_gift(text)
    with pytest.raises(bank.ImportError_):
        bank.import_gift(text)  # Moodle's file names no framework module
    # Through the CLI, as an author would, naming the module the file lacks.
    result = app.test_cli_runner().invoke(args=["questions", "import", str(example), "--module", "IU01"])
    assert result.exit_code == 0, result.output
    stored = list(db.session.scalars(select(Question).order_by(Question.id)))
    assert len(stored) == len(parsed) and f"Imported {len(parsed)} questions" in result.output
    for gift, question in zip(parsed, stored, strict=True):
        assert question.qtype.value == gift.qtype, gift.name
        if gift.qtype == "matching":
            assert [(o.text, o.match_text) for o in question.options] == [(m.left, m.right) for m in gift.matches]
        else:
            assert [o.fraction for o in question.options] == [a.fraction for a in gift.answers], gift.name


def test_editing_a_used_question_creates_a_version_and_attempts_keep_theirs(db, users):
    from quizzes.gift import parse_gift
    from quizzes.services import questions_of, start_attempt
    from tests import factories

    quiz = factories.quiz(None, questions=1)
    original = quiz.items[0].question
    original.family_id = original.id
    attempt = start_attempt(users["learner"], quiz)
    db.session.commit()
    edited = parse_gift("// [tag:IU01]\n::q::Câu hỏi đã sửa?{=Đúng ~Sai}\n")[0]
    successor = bank.revise_question(original, edited)
    db.session.commit()
    assert successor.id != original.id and successor.version == 2 and successor.family_id == original.id
    assert not original.is_current and successor.is_current
    assert quiz.items[0].question_id == successor.id  # the quiz now uses the new wording
    assert questions_of(attempt)[0][0].text == "Câu hỏi số 1?"  # the attempt keeps what it showed
    assert [q.version for q in bank.history(successor)] == [2, 1]


def test_editing_an_unused_question_changes_it_in_place(db):
    from quizzes.gift import parse_gift

    bank.import_gift(ALL_TYPES_GIFT)
    question = db.session.scalar(select(Question).where(Question.name == "chon-mot"))
    edited = parse_gift("// [tag:IU01]\n::chon-mot::Thiết bị nhập là?{=Bàn phím ~Loa}\n")[0]
    same = bank.revise_question(question, edited)
    assert same.id == question.id and same.version == 1 and same.text == "Thiết bị nhập là?"
    assert [o.text for o in same.options] == ["Bàn phím", "Loa"]


def test_import_refusals_are_in_the_readers_language(app, db):
    from flask_babel import force_locale

    with pytest.raises(bank.ImportError_) as refused:
        bank.import_gift("::Câu một:: Thư công vụ gửi qua hệ thống nào? {=Hệ thống thư công vụ ~Mạng xã hội}")
    (line, message), = refused.value.errors
    assert line == 1
    assert "chưa gắn mô-đun khung kỹ năng" in str(message)  # a command's output: the site's language
    with app.test_request_context(), force_locale("en"):
        assert "no framework module" in str(message)
    with pytest.raises(bank.ImportError_) as unknown:
        bank.import_gift("::Câu một:: Câu hỏi? {TRUE}", default_module="IU99")
    assert "không có mô-đun IU99" in str(unknown.value.errors[0][1])
