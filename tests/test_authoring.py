"""Authors write, preview, version and publish; learners only see what is published; files are
checked; HR assigns courses with due dates; the catalogue filters."""
from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from courses import authoring, services
from courses.models import Course, Lesson, LessonAsset
from courses.uploads import UploadError, check_upload
from tests import factories
from tests.conftest import csrf_token_from, login, post_form

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    """A real (small) Word document, as an office program writes it."""
    from docx import Document

    buffer = io.BytesIO()
    document = Document()
    document.add_paragraph("Mẫu văn bản.")
    document.save(buffer)
    return buffer.getvalue()


def test_author_creates_previews_saves_and_publishes(app, client, db, users):
    login(client, "author")
    page = client.get("/author/courses").get_data(as_text=True)
    response = client.post("/author/courses/new", data={
        "csrf_token": csrf_token_from(page), "title": "Chữ ký số nâng cao", "modules": "IU14, iu03",
        "level": "advanced", "audience": "civil_servant", "summary": "Tóm tắt."})
    assert response.status_code == 302
    course = db.session.scalar(select(Course).where(Course.slug == "chu-ky-so-nang-cao"))
    assert course.modules == ["IU14", "IU03"] and not course.published
    course_page = f"/author/courses/{course.id}"
    post_form(client, course_page, f"/author/courses/{course.id}/sections", {"title": "Phần 1: Cơ bản"})
    created = post_form(client, course_page, f"/author/courses/{course.id}/lessons", {"title": "Ký một tệp PDF"})
    lesson_url = created.headers["Location"]
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    section_id = course.sections[0].id if course.sections else 0
    db.session.refresh(course)
    section_id = course.sections[0].id
    body = "## Bước 1\n\n::: steps\n1. Mở tệp.\n2. Bấm **Ký số**.\n:::\n\n<script>alert(1)</script>"
    preview = post_form(client, lesson_url, lesson_url, {"title": "Ký một tệp PDF", "section_id": section_id,
                                                         "body_md": body, "action": "preview"}).get_data(as_text=True)
    assert "callout-steps" in preview and "<script>alert(1)" not in preview
    post_form(client, lesson_url, lesson_url, {"title": "Ký một tệp PDF", "section_id": section_id, "body_md": body,
                                               "note": "Bản đầu", "action": "save"})
    db.session.refresh(lesson)
    assert not lesson.published and lesson.revisions[0].number == 2 and lesson.revisions[0].author_name == "Trần Văn Minh"
    # A draft course cannot be published without a published lesson.
    post_form(client, course_page, f"/author/courses/{course.id}/publish")
    db.session.refresh(course)
    assert not course.published
    post_form(client, lesson_url, lesson_url, {"title": "Ký một tệp PDF", "section_id": section_id, "body_md": body,
                                               "action": "publish"})
    post_form(client, course_page, f"/author/courses/{course.id}/publish")
    db.session.refresh(course)
    db.session.refresh(lesson)
    assert course.published and lesson.published and lesson.section.title == "Phần 1: Cơ bản"
    history = client.get(f"/author/courses/{course.id}/history").get_data(as_text=True)
    assert "Xuất bản bài học" in history and "Trần Văn Minh" in history


def test_learners_see_only_the_published_version(app, client, db, users):
    course = factories.course(lessons=1)
    lesson = course.lessons[0]
    revision = authoring.save_revision(lesson, title="Bài mới", body_md="Nội dung đã xuất bản.", note="",
                                       author=users["author"])
    authoring.publish_revision(revision, users["author"])
    authoring.save_revision(lesson, title="Bài mới (đang sửa)", body_md="Bản nháp chưa duyệt.", note="",
                            author=users["author"])
    hidden = authoring.create_lesson(course, "Bài chưa xuất bản", users["author"])
    db.session.commit()
    login(client, "learner")
    page = client.get(f"/courses/{course.slug}/lessons/{lesson.slug}").get_data(as_text=True)
    assert "Nội dung đã xuất bản." in page and "Bản nháp chưa duyệt." not in page
    assert client.get(f"/courses/{course.slug}/lessons/{hidden.slug}").status_code == 404
    assert "Bài chưa xuất bản" not in client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert services.course_progress(users["learner"], course).total == 1


def test_reorder_lessons(db, users):
    course = factories.course(lessons=3)
    third = course.lessons[2]
    authoring.move_lesson(third, -1, users["author"])
    assert [lesson.slug for lesson in sorted(course.lessons, key=lambda l: l.position)] == ["bai-1", "bai-3", "bai-2"]
    authoring.move_lesson(course.lessons[0], -1, users["author"])  # already first: nothing happens
    assert min(l.position for l in course.lessons) == 1


@pytest.mark.parametrize("kind,name,data,ok", [
    ("image", "buoc-1.png", PNG, True),
    ("image", "anh.png", b"GIF89a...", False),           # renamed GIF
    ("image", "logo.svg", b"<svg onload=alert(1)>", False),  # SVG can carry scripts
    ("attachment", "mau-van-ban.docx", _docx(), True),
    ("attachment", "virus.docx", b"PK\x03\x04not really", False),
    ("attachment", "trang.html", b"<html>", False),
    ("video", "huong-dan.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32, True),
    ("video", "huong-dan.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 16, True),
    ("video", "phim.mp4", b"not a video", False),
    ("captions", "phu-de.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nXin chào".encode(), True),
    ("captions", "phu-de.vtt", b"1\n00:00:00,000 --> 00:00:02,000\nSRT", False),
    ("image", "rong.png", b"", False),
])
def test_uploads_are_checked_by_content_and_type(kind, name, data, ok):
    if ok:
        check_upload(kind, name, data)
    else:
        with pytest.raises(UploadError):
            check_upload(kind, name, data)


def test_oversized_upload_is_refused(app, db):
    from courses.uploads import upload_error_message

    with pytest.raises(UploadError) as refused:
        check_upload("image", "lon.png", PNG + b"\x00" * (5 * 1024 * 1024))
    with app.test_request_context():
        assert upload_error_message(refused.value) == "Tệp vượt quá 5 MB."


def test_uploaded_image_and_caption_video_show_in_the_lesson(app, client, db, users):
    course = factories.course(lessons=1)
    lesson = course.lessons[0]
    db.session.commit()
    login(client, "author")
    url = f"/author/lessons/{lesson.id}"
    for kind, name, data in [("image", "buoc-1.png", PNG), ("video", "video.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 8),
                             ("captions", "video.vtt", b"WEBVTT\n"), ("attachment", "mau.docx", _docx())]:
        token = csrf_token_from(client.get(url).get_data(as_text=True))
        client.post(f"{url}/files", data={"csrf_token": token, "kind": kind, "file": (io.BytesIO(data), name)},
                    content_type="multipart/form-data")
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    client.post(f"{url}/files", data={"csrf_token": token, "kind": "image", "file": (io.BytesIO(b"fake"), "x.png")},
                content_type="multipart/form-data")
    assert db.session.scalar(select(LessonAsset).where(LessonAsset.original_name == "x.png")) is None
    post_form(client, url, url, {"title": "Bài 1", "section_id": "0", "body_md": "![Màn hình bước 1](buoc-1.png)",
                                 "action": "publish"})
    learner = app.test_client()
    login(learner, "learner")
    page = learner.get(f"/courses/{course.slug}/lessons/{lesson.slug}").get_data(as_text=True)
    image = db.session.scalar(select(LessonAsset).where(LessonAsset.kind == "image"))
    assert f'src="/media/{image.stored_name}"' in page and 'alt="Màn hình bước 1"' in page
    assert "<video" in page and 'kind="captions"' in page and "mau.docx" in page
    served = learner.get(f"/media/{image.stored_name}")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == PNG
    attachment = db.session.scalar(select(LessonAsset).where(LessonAsset.kind == "attachment"))
    download = learner.get(f"/media/{attachment.stored_name}")
    assert "attachment" in download.headers["Content-Disposition"]
    assert app.test_client().get(f"/media/{image.stored_name}").status_code == 302  # login first


def test_authoring_pages_need_the_author_role(client, db, users):
    login(client, "learner")
    assert client.get("/author/courses").status_code == 403
    course = factories.course(lessons=1)
    db.session.commit()
    assert client.get(f"/author/lessons/{course.lessons[0].id}").status_code == 403


def test_hr_assigns_courses_to_people_agencies_and_positions_with_due_dates(client, db, users, province):
    from lms.services import get_or_create_agency

    department = get_or_create_agency("000.00.01.H41", "Sở Nội vụ")
    staff = factories.user("Vũ Thị Lan", username="lan", agency_=department, position="Chuyên viên chính")
    by_agency, by_position, by_person = factories.course("Khóa A"), factories.course("Khóa B"), factories.course("Khóa C")
    db.session.commit()
    login(client, "hr")
    today = date.today()

    def assign(course, **data):
        url = f"/courses/{course.slug}/assign"
        return post_form(client, url, url, data)

    past = assign(by_agency, target="agency", agency_id=province.id, due_on=(today - timedelta(days=1)).isoformat())
    assert "Hạn hoàn thành không được ở trong quá khứ." in past.get_data(as_text=True)
    assert services.assignments_for(staff) == []
    assign(by_agency, target="agency", agency_id=province.id, due_on=(today + timedelta(days=1)).isoformat())
    assign(by_position, target="position", value="chuyên viên chính", agency_id=department.id, due_on="2027-03-31")
    assign(by_person, target="user", value="lan", agency_id=province.id)
    assigned = services.assignments_for(staff)
    assert [(c.title, d) for c, d in assigned] == [
        ("Khóa A", today + timedelta(days=1)), ("Khóa B", date(2027, 3, 31)), ("Khóa C", None)]
    # The assignments queued mail that background jobs write while this read is open: a SQLite
    # reader cannot then become a writer, so the test ends its read before writing (as a request does).
    db.session.commit()
    other = factories.user("Hà Văn Nam", username="nam")
    db.session.commit()
    assert services.assignments_for(other) == []
    dashboard = client.application.test_client()
    login(dashboard, "lan")
    html = dashboard.get("/dashboard").get_data(as_text=True)
    assert "Khóa A" in html and "Hạn: 31/03/2027" in html


def test_catalogue_filters_and_diacritic_free_search(client, db, users):
    factories.course("Bảng tính cơ bản", modules=["IU04"])
    factories.course("Trình chiếu hiệu quả", modules=["IU05"])
    db.session.commit()
    by_module = client.get("/courses", query_string={"module": "IU04"}).get_data(as_text=True)
    assert "Bảng tính cơ bản" in by_module and "Trình chiếu hiệu quả" not in by_module
    by_text = client.get("/courses", query_string={"q": "TRINH CHIEU"}).get_data(as_text=True)
    assert "Trình chiếu hiệu quả" in by_text and "Bảng tính cơ bản" not in by_text
    assert client.get("/courses", query_string={"module": "IU99"}).status_code == 400


def test_sections_from_content_front_matter(app, db, tmp_path):
    import shutil

    from lms.cli import CONTENT_ROOT

    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    first = root / "courses" / "bang-tinh-co-ban" / "lessons"
    files = sorted(first.glob("*.md"))
    for index, path in enumerate(files):
        text = path.read_text(encoding="utf-8")
        section = "Phần 1: Làm quen" if index < 2 else "Phần 2: Công thức và báo cáo"
        path.write_text(text.replace("---\n", f"---\nsection: \"{section}\"\n", 1), encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["content", "load", "--path", str(root)]).exit_code == 0
    course = db.session.scalar(select(Course).where(Course.slug == "bang-tinh-co-ban"))
    assert [s.title for s in course.sections] == ["Phần 1: Làm quen", "Phần 2: Công thức và báo cáo"]
    groups = services.lessons_by_section(services.visible_lessons(course))
    assert [(g[0].title, len(g[1])) for g in groups] == [("Phần 1: Làm quen", 2),
                                                        ("Phần 2: Công thức và báo cáo", len(files) - 2)]


def _archive(members: dict[str, bytes], compression=None) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression or zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_an_office_attachment_that_inflates_to_a_gigabyte_is_refused_without_inflating_it(app, db):
    """A 1 MB .docx that would inflate to 1 GiB: refused from the archive's directory alone."""
    import tracemalloc

    from courses.uploads import upload_error_message

    content_types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                     b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
                     b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    bomb = _archive({"[Content_Types].xml": content_types, "word/document.xml": b"<w/>",
                     "word/media/padding.bin": b"\0" * (1024 * 1024 * 1024)})
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(UploadError) as refused:
            check_upload("attachment", "bao-cao.docx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # the gigabyte was never inflated
    with app.test_request_context():
        assert "MB" in upload_error_message(refused.value) or "nén" in upload_error_message(refused.value)


def test_a_macro_enabled_document_renamed_docx_is_refused(app, db):
    content_types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                     b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
                     b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
    macro = _archive({"[Content_Types].xml": content_types, "word/document.xml": b"<w/>",
                      "word/vbaProject.bin": b"macro"})
    with pytest.raises(UploadError) as refused:
        check_upload("attachment", "bao-cao.docx", macro)
    assert refused.value.office is not None and refused.value.office.code == "macro"
