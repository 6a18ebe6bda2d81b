"""Practice tasks in courses: the task page, the starting file, handing in a file, feedback check
by check in the reader's language, what is kept, and who may read it."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from sqlalchemy import func, select

from practical.models import PracticalSubmission, Purpose
from tests import factories
from tests.conftest import csrf_token_from

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "practical"
OFFICE = ROOT / "tests" / "fixtures" / "officefile"


def _hand_in(client, slug: str, path: Path, name: str | None = None):
    token = csrf_token_from(client.get(f"/practice/{slug}").get_data(as_text=True))
    return client.post(f"/practice/{slug}", content_type="multipart/form-data",
                       data={"csrf_token": token, "document": (io.BytesIO(path.read_bytes()), name or path.name)})


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PracticalSubmission))


def test_task_page_shows_brief_formats_time_and_starting_file(logged_in, db):
    client = logged_in("learner")
    page = client.get("/practice/iu04-bang-luong")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Tính bảng lương bằng SUM, ROUND và IF" in body
    assert "<strong>bang-luong.xlsx</strong>" in body  # the brief went through the Markdown pipeline
    assert "Excel (.xlsx)" in body and "LibreOffice Calc (.ods)" in body and "30 phút" in body
    download = client.get("/practice/iu04-bang-luong/starting-file")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert client.get("/practice/iu03-bang/starting-file").status_code in (200, 404)
    assert client.get("/practice/khong-co-bai-nay").status_code == 404


def test_practice_list_groups_tasks_by_module(logged_in, db):
    body = logged_in("learner").get("/practice").get_data(as_text=True)
    for slug in ("iu03-cong-van", "iu04-bieu-do", "iu05-gioi-thieu"):
        assert f"/practice/{slug}" in body
    assert body.index("IU03") < body.index("IU04") < body.index("IU05")


def test_correct_file_gets_full_marks_and_is_kept(app, logged_in, db, users):
    client = logged_in("learner")
    path = FIXTURES / "iu04-bang-luong" / "dung.xlsx"
    response = _hand_in(client, "iu04-bang-luong", path)
    assert response.status_code == 303
    feedback = client.get(response.headers["Location"])
    body = feedback.get_data(as_text=True)
    assert "Điểm: 10,00 / 10,00" in body and "Bài đạt mọi yêu cầu." in body
    assert feedback.headers["Cache-Control"] == "no-store"
    kept = db.session.scalar(select(PracticalSubmission))
    assert kept.user_id == users["learner"].id and kept.purpose is Purpose.PRACTICE
    assert kept.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and kept.file_kind == "xlsx"
    stored = Path(app.config["MEDIA_DIR"]) / "practical" / kept.stored_name
    assert stored.read_bytes() == path.read_bytes()
    assert kept.machine_result["task"] == "iu04-bang-luong" and float(kept.score) == 10.0


def test_wrong_file_gets_feedback_per_check_with_where_and_why(logged_in, db):
    client = logged_in("learner")
    response = _hand_in(client, "iu04-bang-luong", FIXTURES / "iu04-bang-luong" / "sai-go-so.xlsx")
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Điểm: 6,00 / 10,00" in body  # as tests/fixtures/practical/iu04-bang-luong/expected.yaml says
    assert "Cột Lương dùng công thức có hàm ROUND" in body  # the rubric's explanation
    assert "không phải công thức" in body  # what was found: a typed-in number
    assert "Chưa đạt" in body
    again = client.get("/practice/iu04-bang-luong").get_data(as_text=True)
    assert "6,00 / 10,00" in again  # earlier attempts listed on the task page


def test_feedback_follows_the_reader_language(logged_in, db):
    client = logged_in("learner")
    response = _hand_in(client, "iu04-bang-luong", FIXTURES / "iu04-bang-luong" / "sai-go-so.xlsx")
    location = response.headers["Location"]
    token = csrf_token_from(client.get(location).get_data(as_text=True))
    client.post("/language/en", data={"csrf_token": token, "next": location})
    body = client.get(location).get_data(as_text=True)
    assert "Cột Lương dùng công thức" not in body and "ROUND" in body
    assert "Score: 6.00 / 10.00" in body


def test_bad_file_gets_the_clear_message_and_nothing_is_kept(logged_in, db):
    client = logged_in("learner")
    legacy = _hand_in(client, "iu04-bang-luong", OFFICE / "cu.xls")
    assert legacy.status_code == 422 and "hãy lưu lại dưới dạng .xlsx" in legacy.get_data(as_text=True)
    wrong_family = _hand_in(client, "iu04-bang-luong", FIXTURES / "iu03-bang" / "dung.docx")
    assert wrong_family.status_code == 422 and "Chỉ nhận: .ods, .xlsx" in wrong_family.get_data(as_text=True)
    token = csrf_token_from(client.get("/practice/iu04-bang-luong").get_data(as_text=True))
    missing = client.post("/practice/iu04-bang-luong", data={"csrf_token": token})
    assert missing.status_code == 400
    assert _count(db) == 0


def test_feedback_is_the_learners_own(app, client, logged_in, db, users):
    client = logged_in("learner")
    location = _hand_in(client, "iu03-bang", FIXTURES / "iu03-bang" / "dung.docx").headers["Location"]
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get(location).get_data(as_text=True))})
    other = factories.user("Trần Văn Nam", username="learner2")
    db.session.commit()
    from tests.conftest import login

    login(client, other.username)
    assert client.get(location).status_code == 404


def test_course_page_links_the_tasks_of_its_modules(client, db):
    spreadsheets = factories.course("Bảng tính cơ bản", modules=["IU04"])
    other = factories.course("Dịch vụ công", modules=["IU06"])
    db.session.commit()
    body = client.get(f"/courses/{spreadsheets.slug}").get_data(as_text=True)
    assert "/practice/iu04-bang-luong" in body and "/practice/iu03-bang" not in body
    assert "/practice/" not in client.get(f"/courses/{other.slug}").get_data(as_text=True)


def test_the_name_shown_back_is_cleaned(logged_in, db):
    client = logged_in("learner")
    response = _hand_in(client, "iu04-bang-luong", FIXTURES / "iu04-bang-luong" / "dung.xlsx",
                        name="C:\\Bai lam\\ba\x00ng\u202e-luong.xlsx")
    assert response.status_code == 303
    kept = db.session.scalar(select(PracticalSubmission))
    assert kept.filename == "bang-luong.xlsx"


def test_the_mock_exam_offers_its_practical_task_here(client, db, users):
    """The ``mock`` feature's result page links its practical task to ``practical.task``."""
    from mock import services as mock_services
    from quizzes.services import submit_attempt
    from tests.conftest import login

    for module in mock_services.BASIC_MODULES:
        for n in range(5):
            factories.question(f"Câu {module} số {n}?", module=module)
    sitting = mock_services.start_sitting(users["learner"])
    submit_attempt(sitting, {})
    db.session.commit()
    login(client, users["learner"].username)
    slug = mock_services.practical_task_for(sitting)
    page = client.get(f"/thi-thu/{sitting.id}").get_data(as_text=True)
    assert f'href="/practice/{slug}"' in page
    assert client.get(f"/practice/{slug}").status_code == 200
