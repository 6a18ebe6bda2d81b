"""Tests for quizzes.gift, the Moodle GIFT reader and writer (no Flask app needed, except to show
its error messages in the site's languages)."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from quizzes.gift import GiftAnswer, GiftError, GiftMatch, GiftQuestion, parse_gift, write_gift

REPO = Path(__file__).resolve().parents[1]
MOODLE_EXAMPLES = REPO.parent / "shared" / "interop" / "moodle-gift-examples.gift.txt"
SHIPPED_GIFT = sorted(REPO.glob("content/**/*.gift"))


def one(source: str) -> GiftQuestion:
    """Parse a text that holds exactly one question."""
    questions = parse_gift(source)
    assert len(questions) == 1, questions
    return questions[0]


def credits(q: GiftQuestion) -> list[float]:
    return [a.fraction for a in q.answers]


# --------------------------------------------------------------------------- one test per type


def test_single_choice() -> None:
    q = one(
        "// [tag:IU01] [tag:easy]\n"
        "::IU01-001::Thiết bị nào sau đây là thiết bị nhập?{\n"
        "  =Bàn phím#Đúng: bàn phím dùng để đưa dữ liệu vào máy tính.\n"
        "  ~Màn hình#Màn hình là thiết bị xuất.\n"
        "  ~%50%Máy quét và máy in#Chỉ đúng một nửa.\n"
        "  ####Thiết bị nhập đưa dữ liệu vào máy tính.\n"
        "}\n"
    )
    assert q.qtype == "single_choice"
    assert q.name == "IU01-001"
    assert q.text == "Thiết bị nào sau đây là thiết bị nhập?"
    assert q.text_format == "moodle"
    assert q.answers == [
        GiftAnswer("Bàn phím", 1.0, "Đúng: bàn phím dùng để đưa dữ liệu vào máy tính."),
        GiftAnswer("Màn hình", 0.0, "Màn hình là thiết bị xuất."),
        GiftAnswer("Máy quét và máy in", 0.5, "Chỉ đúng một nửa."),
    ]
    assert q.general_feedback == "Thiết bị nhập đưa dữ liệu vào máy tính."
    assert q.tags == ["IU01", "easy"]
    assert q.line == 2


def test_two_equals_are_still_single_choice() -> None:
    # Moodle: any "=" makes it single choice; both "=" answers give full credit.
    q = one("Số nào chẵn?{=2 =4 ~3}")
    assert q.qtype == "single_choice"
    assert credits(q) == [1.0, 1.0, 0.0]


def test_multiple_response() -> None:
    q = one(
        "Những ai được chôn trong lăng Grant?{\n"
        "  ~%-50%Không ai\n"
        "  ~%50%Grant\n"
        "  ~%50%Vợ của Grant\n"
        "  ~%-50%Cha của Grant\n"
        "}"
    )
    assert q.qtype == "multiple_response"
    assert [a.text for a in q.answers] == ["Không ai", "Grant", "Vợ của Grant", "Cha của Grant"]
    assert credits(q) == [-0.5, 0.5, 0.5, -0.5]


def test_multiple_response_with_thirds() -> None:
    q = one("Chọn ba đáp án đúng.{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-33.33333%d}")
    assert q.qtype == "multiple_response"
    assert credits(q) == [0.3333333, 0.3333333, 0.3333333, -0.3333333]


def test_true_false() -> None:
    true_q = one("Hà Nội là thủ đô của Việt Nam.{T}")
    assert true_q.qtype == "true_false"
    assert true_q.answers == [GiftAnswer("true", 1.0, ""), GiftAnswer("false", 0.0, "")]
    for spelling in ("TRUE", "F", "FALSE"):
        assert one(f"Câu hỏi.{{{spelling}}}").qtype == "true_false"
    # "#if answered wrongly#if answered rightly": each lands on the answer that triggers it.
    false_q = one("Mật khẩu nên dùng chung cho mọi tài khoản.{F#Sai: mỗi tài khoản một mật khẩu.#Chính xác!}")
    assert false_q.answers == [
        GiftAnswer("true", 0.0, "Sai: mỗi tài khoản một mật khẩu."),
        GiftAnswer("false", 1.0, "Chính xác!"),
    ]
    with_general = one("Trời xanh.{TRUE##Đúng.####Giải thích chung}")
    assert with_general.answers == [GiftAnswer("true", 1.0, "Đúng."), GiftAnswer("false", 0.0, "")]
    assert with_general.general_feedback == "Giải thích chung"


def test_lowercase_true_is_a_short_answer_as_in_moodle() -> None:
    q = one("Câu hỏi.{true}")
    assert q.qtype == "short_answer"
    assert q.answers == [GiftAnswer("true", 1.0, "")]


def test_short_answer() -> None:
    q = one(
        "Thủ đô của Việt Nam là thành phố nào?{\n"
        "  =Hà Nội#Đúng.\n"
        "  =%50%Ha Noi#Đúng nhưng thiếu dấu.\n"
        "  =%0%*#Chưa đúng.\n"
        "}"
    )
    assert q.qtype == "short_answer"
    assert q.answers == [
        GiftAnswer("Hà Nội", 1.0, "Đúng."),
        GiftAnswer("Ha Noi", 0.5, "Đúng nhưng thiếu dấu."),
        GiftAnswer("*", 0.0, "Chưa đúng."),
    ]
    # One answer may go without "=" (Moodle's docs), as long as it is not T/F.
    assert one("Hai cộng hai bằng mấy?{bốn}").answers == [GiftAnswer("bốn", 1.0, "")]


def test_numerical() -> None:
    q = one("Năm sinh của Grant?{#1822:5}")
    assert q.qtype == "numerical"
    assert q.answers == [GiftAnswer("1822", 1.0, "", tolerance=5.0)]

    exact = one("Hai cộng hai?{#4}")
    assert exact.answers == [GiftAnswer("4", 1.0, "", tolerance=0.0)]

    ranged = one("Số pi (3 chữ số thập phân)?{#3.141..3.142}")
    assert ranged.answers == [GiftAnswer("3.1415", 1.0, "", tolerance=0.0005, min=3.141, max=3.142)]

    several = one(
        "Năm sinh của Grant?{#\n"
        "  =1822:0#Chính xác!\n"
        "  =%50%1822:2#Gần đúng.\n"
        "  =%-10%2000#Quá xa.\n"
        "  ~#Sai rồi.\n"
        "}"
    )
    assert several.answers == [
        GiftAnswer("1822", 1.0, "Chính xác!", tolerance=0.0),
        GiftAnswer("1822", 0.5, "Gần đúng.", tolerance=2.0),
        GiftAnswer("2000", -0.1, "Quá xa.", tolerance=0.0),
        GiftAnswer("*", 0.0, "Sai rồi."),
    ]


def test_numerical_values_are_canonical() -> None:
    q = one("Giá trị?{#=1e3:0.50 =%50%+2.50 =%25%-0.0 =%10%.5}")
    assert [(a.text, a.tolerance) for a in q.answers] == [("1000", 0.5), ("2.5", 0.0), ("0", 0.0), ("0.5", 0.0)]


def test_matching() -> None:
    q = one(
        "::Ghép cặp::Ghép phần mềm với công dụng.{\n"
        "  =Word -> Soạn thảo văn bản\n"
        "  =Excel -> Bảng tính\n"
        "  =[html]<b>PowerPoint</b> -> Trình chiếu\n"
        "  = -> Quản lý cơ sở dữ liệu\n"
        "}"
    )
    assert q.qtype == "matching"
    assert q.matches == [
        GiftMatch("Word", "Soạn thảo văn bản"),
        GiftMatch("Excel", "Bảng tính"),
        GiftMatch("<b>PowerPoint</b>", "Trình chiếu", "html"),  # its own format, kept as Moodle keeps it
        GiftMatch("", "Quản lý cơ sở dữ liệu"),
    ]
    assert q.answers == []
    # Two pairs are enough for Moodle's importer.
    assert len(one("Ghép.{=a->1 =b->2}").matches) == 2


def test_essay() -> None:
    q = one("Trình bày quy trình tiếp nhận hồ sơ trực tuyến.{}")
    assert (q.qtype, q.answers, q.general_feedback) == ("essay", [], "")
    with_feedback = one("Viết một đoạn văn ngắn.{####Gợi ý: nêu rõ ba bước.}")
    assert with_feedback.qtype == "essay"
    assert with_feedback.general_feedback == "Gợi ý: nêu rõ ba bước."


def test_description() -> None:
    q = one("::Giới thiệu::Các câu sau hỏi về thư điện tử công vụ.")
    assert q.qtype == "description"
    assert q.name == "Giới thiệu"
    assert q.text == "Các câu sau hỏi về thư điện tử công vụ."
    assert (q.answers, q.matches) == ([], [])


# --------------------------------------------------------------------------- syntax


def test_missing_word_keeps_a_blank() -> None:
    q = one("Thủ đô của Việt Nam là {=Hà Nội ~Huế ~Đà Nẵng} từ năm 1976.")
    assert q.text == "Thủ đô của Việt Nam là _____ từ năm 1976."
    assert credits(q) == [1.0, 0.0, 0.0]
    # Answers at the very end leave no blank.
    assert one("Thủ đô của Việt Nam là {=Hà Nội ~Huế}").text == "Thủ đô của Việt Nam là"


def test_multi_line_question_and_blank_line_separation() -> None:
    questions = parse_gift(
        "// tiêu đề tệp\n"
        "\n"
        "::Q1::Câu hỏi\n"
        "    trên hai dòng?{\n"
        "    =có\n"
        "    ~không\n"
        "}\n"
        "   \n"
        "::Q2::Câu tiếp theo.{T}\n"
    )
    assert [q.name for q in questions] == ["Q1", "Q2"]
    assert questions[0].text == "Câu hỏi\ntrên hai dòng?"
    assert [q.line for q in questions] == [3, 9]


def test_escapes() -> None:
    q = one(
        "::Tên \\: có hai chấm::Dấu \\{ngoặc\\} \\~ \\= \\# và \\\\ rồi\\nxuống dòng{\n"
        "  =a \\= b#phản hồi có \\# và \\~\n"
        "  ~đường dẫn https\\://dichvucong.gov.vn\n"
        "  ~\\\\n là gạch chéo và chữ n\n"
        "}"
    )
    assert q.name == "Tên : có hai chấm"
    assert q.text == "Dấu {ngoặc} ~ = # và \\ rồi\nxuống dòng"
    assert q.qtype == "single_choice"
    assert q.answers == [
        GiftAnswer("a = b", 1.0, "phản hồi có # và ~"),
        GiftAnswer("đường dẫn https://dichvucong.gov.vn", 0.0, ""),
        GiftAnswer("\\n là gạch chéo và chữ n", 0.0, ""),
    ]


def test_escaped_equals_does_not_make_single_choice() -> None:
    q = one("Chọn hai.{~%50%x \\= 1 ~%50%y \\= 2 ~z}")
    assert q.qtype == "multiple_response"
    assert [a.text for a in q.answers] == ["x = 1", "y = 2", "z"]


def test_text_formats() -> None:
    assert one("[html]<p>Câu <b>đậm</b>?</p>{T}").text_format == "html"
    assert one("[html]<p>Câu <b>đậm</b>?</p>{T}").text == "<p>Câu <b>đậm</b>?</p>"
    assert one("[plain]Câu hỏi?{T}").text_format == "plain"
    assert one("[moodle]Câu hỏi?{T}").text_format == "moodle"
    md = one("::Tên::[markdown]Ai được chôn trong **lăng Grant**?{=không ai#[html]<i>đúng</i>}")
    assert (md.text_format, md.text) == ("markdown", "Ai được chôn trong **lăng Grant**?")
    # A part's own format marker is kept, as Moodle keeps it (feedbackformat).
    assert md.answers == [GiftAnswer("không ai", 1.0, "<i>đúng</i>", feedback_format="html")]
    # An unknown marker is plain text, as in Moodle.
    unknown = one("[ghi chú] Câu hỏi?{T}")
    assert (unknown.text_format, unknown.text) == ("moodle", "[ghi chú] Câu hỏi?")


def test_percentages() -> None:
    q = one("Chọn.{=a ~%-100%b ~%12.5%c ~%-33.33333%d ~%90%e ~%5%f ~%0%g}")
    assert credits(q) == [1.0, -1.0, 0.125, -0.3333333, 0.9, 0.05, 0.0]


def test_categories() -> None:
    questions = parse_gift(
        "Trước mọi danh mục.{T}\n"
        "\n"
        "$CATEGORY: $course$/top/IU01 Máy tính cơ bản\n"
        "\n"
        "Câu một.{T}\n"
        "\n"
        "Câu hai.{F}\n"
        "\n"
        "// comment lines do not reset the category\n"
        "$CATEGORY: $course$/top/IU02\n"
        "\n"
        "Câu ba.{T}\n"
    )
    assert [q.category for q in questions] == [
        "",
        "$course$/top/IU01 Máy tính cơ bản",
        "$course$/top/IU01 Máy tính cơ bản",
        "$course$/top/IU02",
    ]


def test_tags_and_idnumber() -> None:
    q = one(
        "// [id:IU01-001] [tag:IU01] [tag: dễ ]\n"
        "// thêm ghi chú [tag:a\\]b] [tag:]\n"
        "::IU01-001::Câu hỏi?{T}\n"
        "// a comment line after the question still belongs to its block [tag:cuối]\n"
    )
    assert q.idnumber == "IU01-001"
    assert q.tags == ["IU01", "dễ", "a]b", "cuối"]
    # As in Moodle, a blank line cuts the comment off from the question.
    detached = one("// [id:X] [tag:IU01]\n\n::Q::Câu hỏi?{T}")
    assert (detached.idnumber, detached.tags) == ("", [])
    # Only the first [id:] counts.
    assert one("// [id:first] [id:second]\nCâu hỏi?{T}").idnumber == "first"


def test_bom_crlf_and_nfc() -> None:
    source = "\ufeff// [tag:IU01]\r\n::Tiếng Việt::Câu hỏi có dấu?{\r\n=Đúng\r\n~Sai\r\n}\r\n"
    decomposed = unicodedata.normalize("NFD", source)
    assert decomposed != source
    for text in (source, decomposed, source.replace("\r\n", "\r")):
        q = one(text)
        assert q.name == "Tiếng Việt"
        assert q.text == "Câu hỏi có dấu?"
        assert [a.text for a in q.answers] == ["Đúng", "Sai"]
        assert all(unicodedata.is_normalized("NFC", s) for s in (q.name, q.text, q.answers[0].text))
        assert q.tags == ["IU01"]


def test_empty_and_comment_only_input() -> None:
    assert parse_gift("") == []
    assert parse_gift("// chỉ có chú thích\n\n// và chú thích nữa\n") == []


# --------------------------------------------------------------------------- errors

GOOD = "// [tag:IU01]\n::ok::Câu hỏi hợp lệ?{T}\n\n"  # lines 1-3; the bad question starts on line 4

ERRORS = [
    pytest.param(GOOD + "::q::Hỏi gì?{\n=a\n~b\n", 4, "khối đáp án mở bằng «{» nhưng không có «}» đóng lại", id="unclosed-brace"),
    pytest.param(GOOD + "::q::Hỏi gì?\n=a\n~b}\n", 6, "có «}» mà không có «{» mở trước", id="close-without-open"),
    pytest.param(GOOD + "::q::Ghép cặp.{\n=a -> b\n}", 4, "cần ít nhất hai cặp", id="matching-one-pair"),
    pytest.param(GOOD + "::q::Ghép cặp.{\n=a -> b\n=c\n}", 6, "cặp ghép thiếu «->»", id="matching-no-arrow"),
    pytest.param(GOOD + "::q::Ghép.{=a -> b#x =c -> d}", 4, "không có phản hồi", id="matching-feedback"),
    pytest.param(GOOD + "::q::Số?{#\n=1,5:0.1\n}", 5, "đáp án số «1,5» không phải là số (phần thập phân viết bằng dấu chấm", id="numerical-comma"),
    pytest.param(GOOD + "::q::Số?{#abc}", 4, "đáp án số «abc» không phải là số", id="numerical-word"),
    pytest.param(GOOD + "::q::Số?{#1:x}", 4, "sai số cho phép «x» không phải là số", id="numerical-tolerance"),
    pytest.param(GOOD + "::q::Số?{#5..1}", 4, "khoảng «5..1» có số cuối nhỏ hơn số đầu", id="numerical-range"),
    pytest.param(GOOD + "::q::Số?{#}", 4, "câu hỏi dạng số chưa có đáp án", id="numerical-empty"),
    pytest.param(GOOD + "::q::Số?{#5 ~ôi#sai}", 4, "sau «~» chỉ được viết «#phản hồi»", id="numerical-tilde-text"),
    pytest.param(GOOD + "::q Hỏi gì?{T}", 4, "tên câu hỏi thiếu «::» ở cuối", id="name-unclosed"),
    pytest.param(GOOD + "Hỏi {=a ~b} rồi {=c ~d}", 4, "chỉ có một khối đáp án", id="second-block"),
    pytest.param(GOOD + "Hỏi?{\n=a {b\n~c}", 5, "thừa «{»", id="brace-inside-block"),
    pytest.param(GOOD + "Hỏi?{\n~%33%a\n~%67%b\n}", 5, "trọng số đáp án %33% không phải một mức điểm Moodle chấp nhận", id="grade-33"),
    pytest.param(GOOD + "Hỏi?{~%--50%a =b}", 4, "trọng số đáp án %--50% không phải là số", id="grade-double-minus"),
    pytest.param(GOOD + "Hỏi?{~%50%a ~%25%b ~c}", 4, "phải cộng lại bằng 100 % (đang là 75 %)", id="multi-response-sum"),
    pytest.param(GOOD + "Hỏi?{~a ~b}", 4, "hãy đánh dấu đáp án đó bằng «=»", id="choice-without-right-answer"),
    pytest.param(GOOD + "Hỏi?{~a}", 4, "cần ít nhất hai đáp án", id="one-choice"),
    pytest.param(GOOD + "Hỏi?{=a ~ }", 4, "đáp án trống", id="empty-choice"),
    pytest.param(GOOD + "Hỏi?{=%50%a ~b}", 4, "~%50%", id="equals-with-weight"),
    pytest.param(GOOD + "Hỏi?{=}", 4, "đáp án trống (thừa một dấu «=»)", id="empty-short-answer"),
    pytest.param(GOOD + "// [tag:IU01]\n{T}", 5, "câu hỏi chưa có nội dung", id="no-question-text"),
    pytest.param(GOOD + "$CATEGORY: IU01\nHỏi?{T}", 4, "một dòng trống", id="category-glued-to-question"),
]


@pytest.mark.parametrize(("source", "line", "fragment"), ERRORS)
def test_errors_carry_line_numbers(source: str, line: int, fragment: str) -> None:
    with pytest.raises(GiftError) as caught:
        parse_gift(source)
    assert caught.value.line == line
    assert fragment in caught.value.message
    assert str(caught.value) == f"dòng {line}: {caught.value.message}"


def test_error_line_counts_crlf_and_bom() -> None:
    with pytest.raises(GiftError) as caught:
        parse_gift("\ufeffCâu một.{T}\r\n\r\nCâu hai.{#x}\r\n")
    assert caught.value.line == 3


def test_parse_is_all_or_nothing() -> None:
    good = "Câu một.{T}\n\nCâu hai.{F}\n\n"
    assert len(parse_gift(good)) == 2
    with pytest.raises(GiftError):
        parse_gift(good + "Câu ba.{=a ~b")


# --------------------------------------------------------------------------- error messages: Vietnamese, then English

COMMA = "// [tag:IU01]\n::so::Bao nhiêu?{#\n=1,5\n}\n"  # the answer, on line 3, has a decimal comma
COMMA_VI = "dòng 3: đáp án số «1,5» không phải là số (phần thập phân viết bằng dấu chấm, ví dụ 3.5)"
COMMA_EN = "line 3: numerical answer '1,5' is not a number (write decimals with a point, e.g. 3.5)"


def _error(source: str) -> GiftError:
    with pytest.raises(GiftError) as caught:
        parse_gift(source)
    return caught.value


def test_errors_are_vietnamese_without_flask() -> None:
    error = _error(COMMA)
    assert (error.line, error.message, str(error)) == (3, COMMA_VI.removeprefix("dòng 3: "), COMMA_VI)
    assert error.template == "đáp án số «%(value)s» không phải là số (phần thập phân viết bằng dấu chấm, ví dụ 3.5)"
    assert error.params == {"value": "1,5"}
    assert str(_error("Hỏi?{=%50%a ~b}")) == (
        "dòng 1: đáp án viết sau «=» luôn được 100 %; đáp án đúng một phần hãy viết dạng ~%50%đáp án")


def test_errors_are_shown_in_the_language_of_the_request(app) -> None:
    from flask import session

    error = _error(COMMA)  # raised outside any request, translated when shown
    with app.test_request_context("/"):
        session["locale"] = "en"
        assert str(error) == COMMA_EN
        assert error.message == COMMA_EN.removeprefix("line 3: ")
        assert str(_error("Hỏi?{~%50%a ~%25%b ~c}")) == (
            "line 1: without '=' this is a multiple-response question, and the weights of its right answers "
            "must add up to 100 % (they add up to 75 %). If only one answer is right, mark it with '='")
    with app.test_request_context("/"):
        session["locale"] = "vi"
        assert str(error) == COMMA_VI
    with app.app_context():  # a flask command: no visitor to choose, so the site's default language
        assert str(error) == COMMA_VI
    assert str(error) == COMMA_VI


def test_every_error_message_has_an_english_translation() -> None:
    """Each message id marked in quizzes/gift.py is in the English catalogue, with the same placeholders."""
    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    with (REPO / "lms/translations/en/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    ids = [message for _line, message, _comments, _context in
           extract_from_file("python", REPO / "quizzes/gift.py", keywords={"N_": None})]
    assert len(ids) >= 25
    for message in ids:
        assert catalog.get(message) is not None and catalog[message].string, message
        placeholders = sorted(re.findall(r"%\((\w+)\)s", message))
        assert sorted(re.findall(r"%\((\w+)\)s", catalog[message].string)) == placeholders, message


def test_cli_import_prints_the_vietnamese_message(app, db, tmp_path) -> None:
    from sqlalchemy import func, select

    from quizzes.models import Question

    bad = tmp_path / "loi.gift"
    bad.write_text(COMMA, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["questions", "import", str(bad)])
    assert result.exit_code != 0
    assert f"loi.gift: line 3: {COMMA_VI.removeprefix('dòng 3: ')}. Nothing was imported." in result.output
    assert db.session.scalar(select(func.count()).select_from(Question)) == 0


# --------------------------------------------------------------------------- writer

VIETNAMESE_BANK = """\
// [id:IU01-001] [tag:IU01] [tag:easy]
::IU01-001::Thiết bị nào sau đây là thiết bị nhập?{
  =Bàn phím#Đúng\\: bàn phím đưa dữ liệu vào máy tính.
  ~Màn hình#Sai\\: màn hình là thiết bị xuất.
  ~%-50%Máy in
  ####Thiết bị nhập đưa dữ liệu vào; thiết bị xuất đưa kết quả ra.
}

$CATEGORY: $course$/top/IU02 Sử dụng máy tính

// [tag:IU02] [tag:medium]
::IU02-001::[html]<p>Chọn <b>các</b> phím tắt đúng\\:</p>{
  ~%50%Ctrl+C để sao chép#Đúng.
  ~%50%Ctrl+V để dán
  ~%-100%Ctrl+Z để in#Ctrl+Z là hoàn tác.
}

// [tag:IU02] [tag:easy]
::IU02-002::Tệp bị xóa vào Thùng rác vẫn khôi phục được.{TRUE#Sai rồi.#Chính xác.####Trừ khi đã dọn Thùng rác.}

// [tag:IU02] [tag:easy]
::IU02-003::Phím tắt để lưu tệp là Ctrl + {=S#Đúng. =%50%s#Chữ thường cũng được. =%0%*#Chưa đúng.}.

$CATEGORY: $course$/top/IU03 Xử lý văn bản

// [tag:IU03] [tag:hard]
::IU03-001::Khổ giấy A4 rộng bao nhiêu milimét?{#
  =210:0#Chính xác.
  =%50%200..220#Gần đúng.
  ~#Xem lại khổ giấy A4.
}

// [tag:IU03] [tag:medium]
::IU03-002::Ghép phím tắt với chức năng.{
  =Ctrl+B -> In đậm
  =Ctrl+I -> In nghiêng
  =Ctrl+U -> Gạch chân
  = -> Căn giữa
  ####Các phím định dạng ký tự.
}

// [tag:IU03] [tag:hard]
::IU03-003::Trình bày thể thức văn bản hành chính theo Nghị định 30/2020/NĐ-CP.{####Nêu đủ các thành phần.}

::IU03-000::[markdown]Phần sau nói về **soạn thảo văn bản**.
"""


def test_round_trip_covers_every_type_in_vietnamese() -> None:
    questions = parse_gift(VIETNAMESE_BANK)
    assert {q.qtype for q in questions} == {
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numerical",
        "matching",
        "essay",
        "description",
    }
    written = write_gift(questions)
    again = parse_gift(written)
    assert again == questions
    assert [q.category for q in again][-1] == "$course$/top/IU03 Xử lý văn bản"
    assert all(q.line > 0 for q in again)
    # Writing what was read back gives the same text: the writer is deterministic.
    assert write_gift(again) == written


def tricky_questions() -> list[GiftQuestion]:
    """Questions built in code whose texts use every GIFT special character."""
    specials = "a ~ b = c # d { e } f : g \\ h \\n i"
    return [
        GiftQuestion(
            qtype="single_choice",
            name="Tên: có {ngoặc} và ~ = #",
            text=f"Câu hỏi có ký tự đặc biệt: {specials}\nvà xuống dòng?",
            answers=[
                GiftAnswer("=2 + 3", 1.0, "Phản hồi # có dấu thăng"),
                GiftAnswer("[html] trông như định dạng", 0.0, "[plain] cũng vậy"),
                GiftAnswer("%50% trông như trọng số", 0.0),
                GiftAnswer("~ bắt đầu bằng dấu ngã", 0.3333333, "%"),
                GiftAnswer("=%50% cũng đúng hoàn toàn", 1.0),
            ],
            general_feedback="[html]<p>Giải thích chung: {x} ~ = #</p>",
            tags=["IU01", "khó [nâng cao]"],
            idnumber="IU01-đặc-biệt",
        ),
        GiftQuestion(qtype="description", text="// không phải chú thích"),
        GiftQuestion(qtype="description", text="[html] không phải định dạng", text_format="markdown"),
        GiftQuestion(qtype="essay", name="Tự luận", text="$CATEGORY: không phải danh mục"),
        GiftQuestion(
            qtype="true_false",
            text="Đúng hay sai?",
            answers=[GiftAnswer("true", 0.0, ""), GiftAnswer("false", 1.0, "Đúng: {sai} #1")],
        ),
        GiftQuestion(
            qtype="short_answer",
            text="Gõ ký tự",
            answers=[GiftAnswer("T", 1.0), GiftAnswer("%", 0.5, "= ~ #"), GiftAnswer("a = b", 0.1)],
            category="$course$/top/IU04 Đặc biệt",
        ),
        GiftQuestion(
            qtype="numerical",
            text="Số?",
            answers=[
                GiftAnswer("-0.001", 1.0, "rất nhỏ: 1e-3", tolerance=1e-05),
                GiftAnswer("150", 0.6666667, "khoảng", tolerance=50.0, min=100.0, max=200.0),
                GiftAnswer("*", -0.05, "mọi số khác"),
            ],
            category="$course$/top/IU04 Đặc biệt",
        ),
        GiftQuestion(
            qtype="matching",
            text="Ghép",
            text_format="plain",
            matches=[GiftMatch("[a] = 1", "b -> c : {d}"), GiftMatch("~e", "#f"), GiftMatch("", "g")],
            category="$course$/top/IU04 Đặc biệt",
        ),
    ]


def test_round_trip_of_special_characters() -> None:
    questions = tricky_questions()
    assert parse_gift(write_gift(questions)) == questions


def test_writer_output_is_plain_moodle_gift() -> None:
    q = GiftQuestion(
        qtype="single_choice",
        name="IU01-002",
        text="2 + 2 = ?",
        answers=[GiftAnswer("4", 1.0, "Đúng"), GiftAnswer("5", 0.0, "Sai: 2 + 2 = 4"), GiftAnswer("3", -0.5)],
        general_feedback="Phép cộng",
        tags=["IU01", "easy"],
        idnumber="IU01-002",
    )
    assert write_gift([q]) == (
        "// [id:IU01-002] [tag:IU01] [tag:easy]\n"
        "::IU01-002::2 + 2 \\= ?{\n"
        "\t=4#Đúng\n"
        "\t~5#Sai\\: 2 + 2 \\= 4\n"
        "\t~%-50%3\n"
        "\t####Phép cộng\n"
        "}\n"
    )
    tf = GiftQuestion(
        qtype="true_false",
        text="Trời xanh.",
        answers=[GiftAnswer("true", 1.0, "Đúng"), GiftAnswer("false", 0.0, "")],
    )
    assert write_gift([tf]) == "Trời xanh.{TRUE##Đúng}\n"
    assert write_gift([]) == ""


def test_writer_normalises_whitespace_nfc_and_grades() -> None:
    q = GiftQuestion(
        qtype="short_answer",
        text=unicodedata.normalize("NFD", "  Thủ đô?  "),
        answers=[GiftAnswer(" Hà Nội ", 1.0), GiftAnswer("Huế", 0.333333)],
    )
    (back,) = parse_gift(write_gift([q]))
    assert back.text == "Thủ đô?"
    assert back.answers == [GiftAnswer("Hà Nội", 1.0), GiftAnswer("Huế", 0.3333333)]


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        pytest.param(
            GiftQuestion(qtype="short_answer", text="Mũi tên?", answers=[GiftAnswer("a -> b", 1.0)]),
            "cannot be written",
            id="arrow-in-short-answer",
        ),
        pytest.param(
            GiftQuestion(qtype="single_choice", text="?", answers=[GiftAnswer("a", 0.37), GiftAnswer("b", 1.0)]),
            "not one of Moodle's grades",
            id="bad-fraction",
        ),
        pytest.param(
            GiftQuestion(qtype="single_choice", text="?", answers=[GiftAnswer("a", 0.5), GiftAnswer("b", 0.5)]),
            "qtype would read back as 'multiple_response'",
            id="single-choice-without-right-answer",
        ),
        pytest.param(
            GiftQuestion(qtype="numerical", text="?", answers=[GiftAnswer("1,5", 1.0, tolerance=0.0)]),
            "không phải là số",
            id="numerical-comma",
        ),
        pytest.param(GiftQuestion(qtype="cloze", text="?"), "unknown question type", id="unknown-type"),
        pytest.param(
            GiftQuestion(qtype="description", text="?", general_feedback="lost"),
            "general_feedback",
            id="description-feedback",
        ),
        pytest.param(
            GiftQuestion(qtype="essay", text="?", tags=["a\\b"]), "GIFT comment", id="backslash-in-tag"
        ),
    ],
)
def test_writer_refuses_what_gift_cannot_hold(question: GiftQuestion, fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        write_gift([question])


def test_writer_refuses_to_leave_a_category() -> None:
    questions = [
        GiftQuestion(qtype="essay", text="Một", category="IU01"),
        GiftQuestion(qtype="essay", text="Hai"),
    ]
    with pytest.raises(ValueError, match="no category"):
        write_gift(questions)


# --------------------------------------------------------------------------- interop files

# What Moodle makes of each question of its own examples file, in order:
# (qtype, credits of the answers), or (qtype, number of pairs) for matching.
# True/false credits are [true, false].
MOODLE_EXPECTED: list[tuple[str, list[float] | int]] = [
    # Examples from the class description.
    ("single_choice", [0, 0, 1]),
    ("single_choice", [0, 1, 0]),
    ("true_false", [0, 1]),
    ("short_answer", [1, 1]),
    ("numerical", [1]),
    # Examples from the documentation: multiple choice.
    ("single_choice", [0, 0, 1]),
    ("single_choice", [0, 1, 0]),
    ("single_choice", [0, 0, 1]),
    ("single_choice", [0, 1, 0, 0]),
    # Short answer.
    ("short_answer", [1, 1]),
    ("short_answer", [1, 1]),
    # True-false.
    ("true_false", [0, 1]),
    ("true_false", [1, 0]),
    # Matching.
    ("matching", 3),
    ("matching", 4),
    # Numerical.
    ("numerical", [1]),
    ("numerical", [1]),
    ("numerical", [1]),
    ("numerical", [1, 0.5]),
    # Line comments.
    ("numerical", [1]),
    # Question names.
    ("short_answer", [1]),
    ("single_choice", [0, 0, 1]),
    # Feedback.
    ("single_choice", [0, 0, 1]),
    ("short_answer", [1, 1]),
    # Text format.
    ("short_answer", [1, 1]),
    # Percentage answer weights.
    ("true_false", [0, 1]),
    ("single_choice", [0, 0.5, 1]),
    ("single_choice", [0, 0.25, 0.5, 1]),
    ("short_answer", [1, 0.75, 0.25]),
    # Multiple answers.
    ("multiple_response", [0, 0.5, 0.5, 0]),
    ("multiple_response", [-0.5, 0.5, 0.5, -0.5]),
    # Special characters.
    ("single_choice", [0, 1, 0]),
    ("single_choice", [0, 0, 0, 0, 0, 1]),
    # Examples from gift/format.php.
    ("single_choice", [0, 0, 1]),
    ("single_choice", [0, 1, 0]),
    ("true_false", [0, 1]),
    ("short_answer", [1, 1]),
    ("numerical", [1]),
    ("matching", 3),
    # More complicated examples.
    ("single_choice", [0, 1, 0]),
    ("single_choice", [0, 0.5, 1]),
    ("short_answer", [1, 0.75, 0.25]),
    ("numerical", [1, 0.5]),
]


def test_moodle_examples_file() -> None:
    if not MOODLE_EXAMPLES.is_file():
        pytest.skip("../shared/interop is not beside this checkout (only developers' and CI's machines have it)")
    questions = parse_gift(MOODLE_EXAMPLES.read_text(encoding="utf-8"))
    assert len(questions) == len(MOODLE_EXPECTED) == 43
    for number, (q, (qtype, expected)) in enumerate(zip(questions, MOODLE_EXPECTED, strict=True), start=1):
        assert q.qtype == qtype, f"question {number} (line {q.line})"
        if isinstance(expected, int):
            assert len(q.matches) == expected, f"question {number} (line {q.line})"
        else:
            assert credits(q) == [float(c) for c in expected], f"question {number} (line {q.line})"

    # A few details Moodle's importer is particular about.
    assert questions[1].text == "Grant is _____ in Grant's tomb."
    assert questions[16].text == "What is the value of pi (to 3 decimal places)? _____."
    assert questions[16].answers == [GiftAnswer("3.1415", 1.0, "", tolerance=0.0005)]
    assert questions[17].answers == [GiftAnswer("3.1415", 1.0, "", tolerance=0.0005, min=3.141, max=3.142)]
    assert questions[20].name == "Kanji Origins"
    assert questions[24].text_format == "markdown"
    assert questions[25].answers[0].feedback == "No one is buried in Grant's tomb."
    assert questions[28].text == "Jesus Christ was from"  # answers at the end: no blank
    assert [a.text for a in questions[31].answers] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert [a.text for a in questions[32].answers] == ["~", "=", "#", "{", "}", "\\"]
    assert questions[32].answers[5].feedback.startswith("Correct! \\ (backslash) is not a control character.")
    assert questions[38].matches[0] == GiftMatch("Canada", "Ottawa")
    assert questions[42].answers[1].feedback == "He was born in 1822.\nYou get 50% credit for being close."
    assert parse_gift(write_gift(questions)) == questions


@pytest.mark.parametrize("path", SHIPPED_GIFT, ids=[str(p.relative_to(REPO)) for p in SHIPPED_GIFT])
def test_shipped_content_parses(path: Path) -> None:
    questions = parse_gift(path.read_text(encoding="utf-8"))
    assert questions, f"{path} holds no question"
    untagged = [
        f"line {q.line} {q.name!r}" for q in questions if not any(re.fullmatch(r"IU\d\d", t) for t in q.tags)
    ]
    assert not untagged, f"questions without an IUnn tag: {untagged}"


def test_per_answer_formats_are_kept_and_written_back_as_moodle_does() -> None:
    """``[html]``, ``[plain]``, ``[markdown]`` on answers and feedback: Moodle keeps an answer's and a
    feedback's format apart from the question's (answerformat, feedbackformat, a sub-question's
    format, generalfeedbackformat), so they survive a trip through GIFT here too."""
    text = (
        "::Định dạng::[markdown]Chọn **phần mềm** soạn thảo.{\n"
        "\t=[html]<b>Word</b>#[plain]Đúng: <Word> là phần mềm soạn thảo.\n"
        "\t~[plain]Excel#[html]<i>Bảng tính</i>\n"
        "\t~[markdown]PowerPoint#Không phải.\n"
        "\t####[html]<p>Giải thích</p>\n"
        "}\n\n"
        "::Ghép::Ghép.{=[html]<b>Word</b> -> Soạn thảo =Excel -> Bảng tính}\n\n"
        "::ĐS::Đúng hay sai?{TRUE#[html]<i>Sai rồi</i>#[plain]Đúng}\n\n"
        "::Ngắn::Phím lưu?{=Ctrl+S#[html]<b>Đúng</b> =%50%[html]Shift+F12#Cũng được}\n\n"
        "::Số::Bao nhiêu?{#=1024:0#[html]<b>Đúng</b> ~#[plain]Số khác}\n"
    )
    choice, matching, true_false, short, numerical = parse_gift(text)
    assert [(a.text_format, a.feedback_format) for a in choice.answers] == \
        [("html", "plain"), ("plain", "html"), ("", "")]  # "[markdown]" repeats the question's own
    assert choice.general_feedback_format == "html"
    assert [m.left_format for m in matching.matches] == ["html", ""]
    assert [(a.text, a.feedback_format) for a in true_false.answers] == [("true", "plain"), ("false", "html")]
    # Moodle stores short and numerical answers as plain values; their feedback keeps its format.
    assert [(a.text, a.text_format, a.feedback_format) for a in short.answers] == \
        [("Ctrl+S", "", "html"), ("Shift+F12", "", "")]
    assert [(a.text, a.feedback_format) for a in numerical.answers] == [("1024", "html"), ("*", "plain")]
    written = write_gift([choice, matching, true_false, short, numerical])
    assert "=[html]<b>Word</b>#[plain]Đúng\\: <Word> là phần mềm soạn thảo." in written
    assert "####[html]<p>Giải thích</p>" in written
    assert parse_gift(written) == [choice, matching, true_false, short, numerical]


def test_moodle_examples_keep_their_formats_through_a_round_trip() -> None:
    if not MOODLE_EXAMPLES.exists():
        pytest.skip(f"{MOODLE_EXAMPLES} is absent (../shared is not part of a user's clone)")
    questions = parse_gift(MOODLE_EXAMPLES.read_text(encoding="utf-8"))
    again = parse_gift(write_gift(questions))
    assert again == questions
