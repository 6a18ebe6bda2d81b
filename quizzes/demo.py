"""The demo course's final quiz: five single-choice questions tagged with framework modules."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from courses.demo import DEMO_COURSE_SLUG
from courses.models import Course
from lms.extensions import db
from quizzes.models import Question, QuestionOption, Quiz, QuizItem, QuizKind

DEMO_QUIZ_TITLE = "Bài kiểm tra cuối khóa: thư điện tử công vụ"

# (name, module, text, [(option, is_correct, feedback)], explanation)
_QUESTIONS = [
    ("demo-email-1", "IU06", "Bạn cần gửi báo cáo cho trưởng phòng và để đồng nghiệp phối hợp cùng biết. "
     "Đồng nghiệp nên được đặt ở trường nào?",
     [("CC", True, "Đúng: CC dành cho người cần biết để phối hợp."),
      ("BCC", False, "BCC ẩn người nhận; ở đây không cần ẩn."),
      ("Tiêu đề", False, "Tiêu đề không chứa địa chỉ người nhận."),
      ("Không cần gửi", False, "Người phối hợp cần được biết.")],
     "Người trực tiếp xử lý ở trường Đến; người cần biết để phối hợp ở trường CC."),
    ("demo-email-2", "IU14", "Thư nào sau đây nhiều khả năng là thư lừa đảo?",
     [("Thư yêu cầu nhập mật khẩu qua một đường liên kết lạ trong 24 giờ", True, "Đúng: thúc ép và liên kết lạ là dấu hiệu lừa đảo."),
      ("Thư mời họp từ địa chỉ .gov.vn quen thuộc của văn phòng", False, "Đây là thư công việc bình thường."),
      ("Thư thông báo của hệ thống quản lý văn bản nội bộ", False, "Thông báo hệ thống nội bộ là bình thường."),
      ("Thư trả lời của đồng nghiệp về báo cáo tháng", False, "Đây là trao đổi công việc bình thường.")],
     "Thư lừa đảo thường thúc ép và dẫn tới trang không thuộc tên miền của cơ quan."),
    ("demo-email-3", "IU14", "Mật khẩu nào an toàn nhất cho hộp thư công vụ?",
     [("123456", False, "Quá ngắn và dễ đoán."),
      ("Ngày sinh của bạn", False, "Dễ đoán từ thông tin cá nhân."),
      ("Một cụm từ dài, riêng, chỉ dùng cho hộp thư này", True, "Đúng: dài, khó đoán và không dùng lại."),
      ("Tên cơ quan viết liền", False, "Dễ đoán.")],
     "Mật khẩu tốt dài, khó đoán và không dùng lại ở nơi khác; nên bật thêm xác thực hai lớp."),
    ("demo-email-4", "IU06", "Tiêu đề nào phù hợp nhất cho thư gửi báo cáo?",
     [("Gửi anh", False, "Không nêu nội dung công việc."),
      ("V/v gửi báo cáo tháng 11/2026 của Phòng Tổ chức", True, "Đúng: ngắn gọn, nêu đúng việc."),
      ("KHẨN!!!", False, "Không nêu nội dung, gây khó chịu."),
      ("(để trống)", False, "Thư không có tiêu đề dễ bị bỏ sót.")],
     "Tiêu đề nên ngắn gọn và nêu đúng việc để người nhận xử lý nhanh."),
    ("demo-email-5", "IU06", "Khi nào nên dùng BCC?",
     [("Khi gửi cho nhiều người không cần biết địa chỉ của nhau", True, "Đúng: BCC giữ kín danh sách người nhận."),
      ("Khi gửi cho cấp trên trực tiếp", False, "Cấp trên xử lý việc thì ở trường Đến."),
      ("Khi muốn thư được gửi nhanh hơn", False, "BCC không làm thư nhanh hơn."),
      ("Khi thư có tệp đính kèm", False, "Tệp đính kèm không liên quan đến BCC.")],
     "BCC gửi thư cho nhiều người mà không để lộ địa chỉ của họ với nhau."),
]


def load_demo_quiz() -> Quiz:
    """Create the demo quiz and its questions once; later runs change nothing."""
    course = db.session.scalar(select(Course).where(Course.slug == DEMO_COURSE_SLUG))
    quiz = db.session.scalar(select(Quiz).where(Quiz.title == DEMO_QUIZ_TITLE))
    if quiz is not None:
        return quiz
    quiz = Quiz(title=DEMO_QUIZ_TITLE, kind=QuizKind.COURSE, course_id=course.id if course else None,
                pass_mark=Decimal("7.00"), max_attempts=None)
    db.session.add(quiz)
    for position, (name, module, text, options, explanation) in enumerate(_QUESTIONS, start=1):
        question = Question(name=name, module_code=module, text=text, explanation=explanation)
        for index, (option_text, correct, feedback) in enumerate(options):
            question.options.append(QuestionOption(position=index, text=option_text,
                                                   fraction=1.0 if correct else 0.0, feedback=feedback))
        quiz.items.append(QuizItem(question=question, position=position))
    db.session.flush()
    return quiz
