"""A short demo course so that the whole journey works on a fresh install. Idempotent."""
from __future__ import annotations

from sqlalchemy import select

from courses.models import Course, Lesson
from courses.services import set_lesson_body
from lms.extensions import db

DEMO_COURSE_SLUG = "nhap-mon-thu-dien-tu-cong-vu"

_LESSONS = [
    ("thu-cong-vu-la-gi", "Thư điện tử công vụ là gì?", 8, """
Thư điện tử công vụ là hộp thư do cơ quan nhà nước cấp cho cán bộ, công chức, viên chức để
trao đổi công việc. Địa chỉ thường có dạng **ten.dangnhap@tên-miền-của-tỉnh.gov.vn**.

## Khi nào dùng thư công vụ

- Gửi, nhận tài liệu phục vụ công việc với đồng nghiệp và cơ quan khác.
- Nhận thông báo từ các hệ thống của tỉnh (quản lý văn bản, dịch vụ công).
- Liên hệ với người dân, doanh nghiệp khi cần phản hồi chính thức.

::: warning
Không dùng hộp thư cá nhân (Gmail, Yahoo…) để gửi tài liệu của cơ quan.
:::
"""),
    ("viet-thu-dung-chuan", "Viết một bức thư đúng chuẩn", 10, """
Một bức thư công vụ rõ ràng giúp người nhận xử lý nhanh hơn.

::: steps
1. Ghi **tiêu đề** ngắn gọn, nêu đúng việc: "V/v gửi báo cáo tháng 11/2026".
2. Mở đầu bằng lời chào phù hợp: "Kính gửi: Phòng Tổ chức cán bộ".
3. Trình bày nội dung chính trong vài đoạn ngắn.
4. Ghi rõ tệp đính kèm (nếu có) và thời hạn cần phản hồi.
5. Kết thúc bằng **chữ ký** gồm họ tên, chức vụ, đơn vị, số điện thoại.
:::

| Trường | Dùng khi |
|---|---|
| Đến (To) | Người trực tiếp xử lý việc |
| CC | Người cần biết để phối hợp |
| BCC | Gửi cho nhiều người mà không lộ địa chỉ của nhau |
"""),
    ("an-toan-hop-thu", "Giữ an toàn cho hộp thư", 8, """
Kẻ gian thường giả danh cơ quan cấp trên để lừa mở tệp đính kèm hoặc khai báo mật khẩu.

::: tip
Đặt mật khẩu dài ít nhất 12 ký tự, bật xác thực hai lớp và không dùng lại mật khẩu ở nơi khác.
:::

Dấu hiệu của thư lừa đảo:

- Địa chỉ người gửi gần giống nhưng sai một vài ký tự.
- Lời lẽ thúc ép: "cập nhật ngay trong 24 giờ, nếu không tài khoản sẽ bị khóa".
- Đường liên kết dẫn tới trang không thuộc tên miền **.gov.vn**.

Khi nghi ngờ, hãy gọi điện xác minh với người gửi và báo cho bộ phận CNTT của cơ quan.
"""),
]


def load_demo_course() -> Course:
    """Create (or refresh) the demo course and its lessons."""
    course = db.session.scalar(select(Course).where(Course.slug == DEMO_COURSE_SLUG))
    if course is None:
        course = Course(slug=DEMO_COURSE_SLUG)
        db.session.add(course)
    course.title = "Nhập môn thư điện tử công vụ"
    course.summary = "Khóa học ngắn: dùng thư điện tử công vụ đúng cách và an toàn."
    course.description_md = "Ba bài học ngắn và một bài kiểm tra cuối khóa. Hoàn thành để nhận giấy chứng nhận."
    course.modules = ["IU06", "IU14"]
    course.published = True
    course.position = 1
    existing = {lesson.slug: lesson for lesson in course.lessons}
    for position, (slug, title, minutes, body) in enumerate(_LESSONS, start=1):
        lesson = existing.get(slug) or Lesson(slug=slug)
        if lesson not in course.lessons:
            course.lessons.append(lesson)
        lesson.title, lesson.position, lesson.minutes, lesson.modules = title, position, minutes, course.modules
        set_lesson_body(lesson, body.strip())
    db.session.flush()
    return course
