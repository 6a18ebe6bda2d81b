"""What a new user ran into on the walk-through (issue 10), each fixed and held by a test:
continuing a course, empty course lists, module names, self-check option order and the pick,
practice feedback, the HR bulk check, exports, imports, GIFT formats and badge credentials."""
from __future__ import annotations

import re
from datetime import date

from courses.models import Guide
from courses.services import record_lesson_view
from lms.extensions import db as _db
from tests import factories
from tests.conftest import login, post_form


# --------------------------------------------------------------------------- continuing a course


def test_continue_leads_to_the_final_quiz_once_every_lesson_is_read(client, db, users):
    course = factories.course("Thư điện tử công vụ", lessons=2)
    quiz = factories.quiz(course, questions=2)
    learner = users["learner"]
    for lesson in course.lessons:
        record_lesson_view(learner, lesson)
    db.session.commit()
    login(client, "learner")
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    button = re.search(r'<a class="button" href="([^"]+)">Học tiếp: ([^<]+)</a>', page)
    assert button, page
    assert button.group(1) == f"/quizzes/{quiz.id}" and button.group(2) == quiz.title
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/quizzes/{quiz.id}">Làm bài kiểm tra cuối khóa</a>' in dashboard


def test_continue_still_resumes_the_last_lesson_while_some_are_unread(client, db, users):
    course = factories.course("Thư điện tử công vụ", lessons=3)
    factories.quiz(course, questions=2)
    record_lesson_view(users["learner"], course.lessons[1])
    db.session.commit()
    login(client, "learner")
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert f'href="/courses/{course.slug}/lessons/bai-2">Học tiếp: Bài 2</a>' in page


# --------------------------------------------------------------------------- modules: names, empty lists


def test_module_chips_and_the_catalogue_filter_name_the_module_in_the_readers_language(client, db, users):
    factories.course("Trình chiếu", lessons=1, modules=["IU05"])
    db.session.commit()
    page = client.get("/courses").get_data(as_text=True)
    assert '<span class="tag">IU05 · Sử dụng trình chiếu cơ bản</span>' in page
    assert '<option value="IU05" >IU05 · Sử dụng trình chiếu cơ bản</option>' in page
    post_form(client, "/courses", "/language/en")
    english = client.get("/courses").get_data(as_text=True)
    assert '<span class="tag">IU05 · Basic presentations</span>' in english


def test_a_module_no_course_teaches_says_so_and_points_to_self_study(client, db, users):
    factories.course("Trình chiếu", lessons=1, modules=["IU05"])
    _db.session.add(Guide(slug="thu-dien-tu", title="Gửi thư điện tử an toàn", modules=["IU06"], published=True))
    db.session.commit()
    page = client.get("/courses?module=IU06").get_data(as_text=True)
    assert "Chưa có khóa học cho mô-đun IU06 · Sử dụng Internet cơ bản" in page
    assert 'href="/guides/thu-dien-tu">Gửi thư điện tử an toàn</a>' in page
    assert 'href="/guides">Xem các hướng dẫn tự học</a>' in page
    # A module that is taught but filtered away by another criterion is not "untaught".
    other = client.get("/courses?module=IU05&q=khong-co-gi").get_data(as_text=True)
    assert "Chưa có khóa học cho mô-đun" not in other and "Không có khóa học nào phù hợp." in other

    login(client, "learner")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    items = {re.search(r"<strong>(IU\d\d)</strong>", item).group(1): item
             for item in re.findall(r"<li>.*?</li>", dashboard, flags=re.S) if "<strong>IU" in item}
    iu05, iu06 = items["IU05"], items["IU06"]
    assert "xem khóa học" in iu05 and "chưa có khóa học" not in iu05
    assert "chưa có khóa học;" in iu06 and "xem tài liệu tự học" in iu06 and "xem khóa học" not in iu06


def test_no_advanced_course_means_no_link_to_an_empty_advanced_list(client, db, users):
    from certificates.models import ModuleAttainment

    for code in ("IU01", "IU02", "IU03", "IU04", "IU05", "IU06"):
        _db.session.add(ModuleAttainment(user_id=users["learner"].id, module_code=code, exam_title="Kỳ thi",
                                         holder_name="Nguyễn Thị Hương",
                                         attained_on=date(2026, 3, 2)))
    db.session.commit()
    login(client, "learner")
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Xem các khóa học nâng cao" not in dashboard and "Chưa có khóa học nâng cao nào." in dashboard
    assert "Chưa có khóa học nâng cao" in client.get("/courses?level=advanced").get_data(as_text=True)


# --------------------------------------------------------------------------- self-checks: order and the pick


def _self_check(db, shuffle: bool = True):
    from quizzes.models import Quiz, QuizItem, QuizKind

    quiz = Quiz(slug="huong-dan-thu", title="Tự kiểm tra: thử", kind=QuizKind.PRACTICE, public=True, shuffle=shuffle)
    for position in range(1, 4):
        quiz.items.append(QuizItem(question=factories.question(f"Câu tự kiểm tra {position}?"), position=position))
    _db.session.add(quiz)
    db.session.commit()
    return quiz


def test_self_check_options_are_shuffled_per_visit_where_the_quiz_says_so(db):
    from quizzes.services import self_check_questions

    quiz = _self_check(db)
    seeds = [f"{n:016x}" for n in range(24)]
    first_is_right = [options[0].fraction == 1.0 for seed in seeds
                      for _question, options in self_check_questions(quiz, seed)]
    # The author wrote the right answer first; shuffled, it is first about a quarter of the time.
    assert 0 < sum(first_is_right) < len(first_is_right) / 2
    # The same visit (seed) always gives the same order: the result matches the page.
    assert [[o.id for o in options] for _q, options in self_check_questions(quiz, seeds[3])] == \
        [[o.id for o in options] for _q, options in self_check_questions(quiz, seeds[3])]
    quiz.shuffle = False
    assert all(options[0].fraction == 1.0 for _q, options in self_check_questions(quiz, seeds[5]))


def test_guide_self_checks_are_loaded_shuffled(app, db):
    from sqlalchemy import select

    from quizzes.models import Quiz

    result = app.test_cli_runner().invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    self_checks = list(db.session.scalars(select(Quiz).where(Quiz.public.is_(True))))
    assert self_checks and all(quiz.shuffle for quiz in self_checks)


def _options_in_page(html: str, question_id: int) -> list[int]:
    return [int(value) for value in re.findall(rf'name="q{question_id}" value="(\d+)"', html)]


def test_self_check_result_keeps_the_visit_order_and_shows_what_was_picked(client, db):
    from tests.conftest import csrf_token_from

    quiz = _self_check(db)
    page = client.get(f"/self-check/{quiz.slug}").get_data(as_text=True)
    seed = re.search(r'name="order" value="([0-9a-f]{16})"', page).group(1)
    questions = [item.question for item in quiz.items]
    shown = {q.id: _options_in_page(page, q.id) for q in questions}
    wrong = {q.id: next(o for o in q.options if o.fraction == 0) for q in questions}
    data = {"csrf_token": csrf_token_from(page), "order": seed}
    data.update({f"q{q.id}": str(wrong[q.id].id) for q in questions[:2]})  # the third left blank
    result = client.post(f"/self-check/{quiz.slug}", data=data).get_data(as_text=True)
    assert "0,00/10" in result
    reviews = re.findall(r'<ul class="plain options-review">(.*?)</ul>', result, flags=re.S)
    shown_questions = sorted(questions, key=lambda q: result.index(q.text))
    assert len(reviews) == 3
    for review, question in zip(reviews, shown_questions, strict=True):
        items = re.findall(r"<li[^>]*>(.*?)</li>", review, flags=re.S)
        listed = [next(o.id for o in question.options if re.search(rf"\b{re.escape(o.text)}\b", item))
                  for item in items]
        assert listed == shown[question.id]  # the order the visitor answered in
        if question in questions[:2]:
            assert re.search(r"<strong>Bạn chọn:</strong>\s*" + re.escape(wrong[question.id].text), review)
        else:
            assert "Bạn chọn:" not in review
    assert result.count("Bạn chưa trả lời câu này.") == 1
    # A forged or missing order is refused, not guessed.
    assert client.post(f"/self-check/{quiz.slug}", data={**data, "order": "xyz"}).status_code == 400


# --------------------------------------------------------------------------- verification: one answer everywhere


def _course_certificate(users):
    from sqlalchemy import select

    from certificates.models import Certificate
    from quizzes.services import start_attempt, submit_attempt

    course = factories.course(lessons=1)
    quiz = factories.quiz(course, questions=1)
    learner = users["learner"]
    record_lesson_view(learner, course.lessons[0])
    attempt = start_attempt(learner, quiz)
    question = quiz.items[0].question
    submit_attempt(attempt, {question.id: {"option": factories.correct_option_id(question)}})
    certificate = _db.session.scalar(select(Certificate).where(Certificate.holder_id == learner.id))
    _db.session.commit()
    return certificate


def _typo(code: str) -> str:
    """The code with one character mistyped (the check character then no longer matches)."""
    from certificates.codes import ALPHABET

    wrong = ALPHABET[(ALPHABET.index(code[3]) + 1) % len(ALPHABET)]
    return code[:3] + wrong + code[4:]


def test_a_typo_is_a_typo_on_the_page_in_the_api_and_in_the_bulk_check(client, db, users):
    import io

    from certificates import codes
    from tests.conftest import csrf_token_from

    certificate = _course_certificate(users)
    typo = codes.display(_typo(certificate.code))
    page = client.get(f"/verify/{typo}")
    assert page.status_code == 400 and "Mã có ký tự gõ nhầm" in page.get_data(as_text=True)
    form = client.get("/verify", query_string={"code": typo})
    assert form.status_code == 400 and "Mã có ký tự gõ nhầm" in form.get_data(as_text=True)
    api = client.get(f"/api/v1/certificates/{typo}")
    assert api.status_code == 400 and api.json["error"]["code"] == "checksum"
    assert api.json["error"]["message"].startswith("Mã có ký tự gõ nhầm")
    malformed = client.get("/api/v1/certificates/KHONG-PHAI-MA")
    assert malformed.status_code == 400 and malformed.json["error"]["code"] == "format"
    unknown = client.get("/api/v1/certificates/7K3M-Q9XD-2F4H-WC8N-R")
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "not_found"
    assert "not found" not in unknown.get_data(as_text=True)  # no developer English

    login(client, "hr")
    page = client.get("/hr/verify").get_data(as_text=True)
    upload = (io.BytesIO(f"Mã tra cứu\n{certificate.serial}\n{typo}\nKHONG-CO-MA\n".encode()), "danh-sach.csv")
    result = client.post("/hr/verify", data={"csrf_token": csrf_token_from(page), "identifiers": "",
                                             "document": upload, "format": "html"},
                         content_type="multipart/form-data").get_data(as_text=True)
    cells = [re.findall(r"<td>(.*?)</td>", row, flags=re.S) for row in re.findall(r"<tr>(.*?)</tr>", result, re.S)]
    by_query = {row[1]: row[2] for row in cells if len(row) == 6}
    assert by_query == {"Mã tra cứu": "Dòng tiêu đề, bỏ qua", certificate.serial: "Hợp lệ",
                        typo: "Mã có ký tự gõ nhầm", "KHONG-CO-MA": "Không tìm thấy"}


def test_a_code_in_the_first_line_is_never_taken_for_a_heading(db, users):
    from certificates import services

    certificate = _course_certificate(users)
    rows = services.bulk_check(["Code", certificate.code], header_lines={1})
    assert [row.status for row in rows] == ["header", "valid"]
    rows = services.bulk_check([certificate.code, "Mã tra cứu"], header_lines={1})
    assert [row.status for row in rows] == ["valid", "not_found"]


# --------------------------------------------------------------------------- Excel exports


def test_register_export_writes_date_cells_and_number_scores(client, db, users):
    import io

    from openpyxl import load_workbook

    certificate = _course_certificate(users)
    login(client, "hr")
    data = client.get("/register?format=xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in sheet[1]]
    row = {header: cell for header, cell in zip(headers, sheet[2], strict=True)}
    born = row["Ngày sinh"]
    assert born.is_date and born.value.date() == certificate.holder_date_of_birth
    assert born.number_format == "dd/mm/yyyy"
    assert row["Ngày cấp"].is_date and row["Ngày cấp"].number_format == "dd/mm/yyyy"
    score = row["Điểm lý thuyết"]
    assert isinstance(score.value, int | float) and score.number_format == "0.00"
    assert row["Tình trạng"].value == "Hợp lệ"


# --------------------------------------------------------------------------- question bank: imports and exports


def _upload(client, data: bytes, filename: str, **fields):
    import io

    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get("/bank/import").get_data(as_text=True))
    return client.post("/bank/import", data={"csrf_token": token, "file": (io.BytesIO(data), filename), **fields},
                       content_type="multipart/form-data")


def test_an_excel_sheet_repeating_codes_already_in_the_bank_is_refused_with_its_rows(client, db, users):
    from sqlalchemy import func, select

    from quizzes.models import Question

    login(client, "author")
    template = client.get("/bank/template.xlsx").data
    assert _upload(client, template, "mau.xlsx").status_code == 200
    before = db.session.scalar(select(func.count(Question.id)))
    again = _upload(client, template, "mau-lan-hai.xlsx")
    page = again.get_data(as_text=True)
    assert again.status_code == 400
    assert "<tr><td>2</td><td>—</td><td>Mã câu «VD-01» đã có trong ngân hàng (danh mục «IU01»)" in page
    assert "<tr><td>9</td>" in page  # every repeated row is named
    assert db.session.scalar(select(func.count(Question.id))) == before  # nothing imported
    whole_bank = client.get("/bank/export?format=xlsx")
    assert whole_bank.status_code == 200  # the bank still goes out as one sheet


def test_per_answer_formats_survive_the_bank_import_and_gift_export(client, db, users):
    from quizzes import bank

    text = ("// [tag:IU01]\n::dinh-dang::Chọn.{=[html]<b>Word</b>#[plain]Đúng. ~Excel#[html]<i>Sai</i>"
            "####[html]<p>Giải thích</p>}\n")
    bank.import_gift(text)
    db.session.commit()
    login(client, "author")
    exported = client.get("/bank/export?format=gift").get_data(as_text=True)
    assert "=[html]<b>Word</b>#[plain]Đúng." in exported and "~Excel#[html]<i>Sai</i>" in exported
    assert "####[html]<p>Giải thích</p>" in exported
    # The Excel sheet has no place for a part's own format: it says so instead of losing it.
    refused = client.get("/bank/export?format=xlsx")
    assert refused.status_code == 302
    flashed = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "định dạng riêng" in flashed


# --------------------------------------------------------------------------- no English in Vietnamese pages


def test_course_history_and_lesson_files_speak_vietnamese(client, db, users):
    from courses import authoring

    author = users["author"]
    course = factories.course("Soạn thảo", lessons=1)
    lesson = course.lessons[0]
    revision = authoring.save_revision(lesson, title="Bài 1", body_md="Nội dung mới.", note="Sửa lỗi", author=author)
    authoring.publish_revision(revision, author)
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(picture, "PNG")
    authoring.attach_file(lesson, "image", "buoc-1.png", picture.getvalue(), author)
    db.session.commit()
    login(client, "author")
    history = client.get(f"/author/courses/{course.id}/history").get_data(as_text=True)
    assert "Bài: Bài 1; Phiên bản: 1" in history
    assert not re.search(r"\b(lesson|revision|file|note): ", history)
    page = client.get(f"/author/lessons/{lesson.id}").get_data(as_text=True)
    assert "buoc-1.png</code> · Ảnh ·" in page and " · image · " not in page


def test_the_job_page_names_its_step_in_the_readers_language_and_hides_developer_errors(client, db, users):
    from lms.jobs import Job

    job = Job(name="Cấp chứng chỉ: Kỳ thi", target="certificates.jobs:issue_session_job",
              arguments={"session_id": 0}, created_by_id=users["examiner"].id, status="running", total=4,
              message="signing")
    failed = Job(name="x", target="certificates.jobs:issue_session_job", arguments={},
                 created_by_id=users["examiner"].id, status="failed", message="IntegrityError: UNIQUE constraint")
    _db.session.add_all([job, failed])
    db.session.commit()
    login(client, "examiner")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Ký số và lưu tệp PDF" in page and "signing" not in page
    broken = client.get(f"/jobs/{failed.id}").get_data(as_text=True)
    assert "IntegrityError" not in broken and "Công việc bị lỗi" in broken


def test_difficulty_tags_may_be_written_in_vietnamese(db):
    from quizzes import bank

    report = bank.import_gift("// [tag:IU01] [tag:dễ]\n::a::A?{T}\n\n// [tag:IU01] [tag:Trung bình]\n::b::B?{T}\n\n"
                              "// [tag:IU01] [tag:KHÓ]\n::c::C?{T}\n\n// [tag:IU01] [tag:hard]\n::d::D?{T}\n")
    assert [q.difficulty for q in report.questions] == ["easy", "medium", "hard", "hard"]


def test_excel_import_problems_are_said_in_the_readers_language(client, db, users):
    import io

    from openpyxl import load_workbook

    login(client, "author")
    workbook = load_workbook(io.BytesIO(client.get("/bank/template.xlsx").data))
    sheet = workbook["Câu hỏi"]
    column = next(cell.column for cell in sheet[1] if cell.value == "Mô-đun")
    sheet.cell(row=3, column=column, value="IU99")
    buffer = io.BytesIO()
    workbook.save(buffer)
    post_form(client, "/bank", "/language/en")
    page = _upload(client, buffer.getvalue(), "sai.xlsx").get_data(as_text=True)
    assert "is not valid; choose one of" in page and "không hợp lệ" not in page


# --------------------------------------------------------------------------- Open Badges: every address resolves


def _path(url: str) -> str:
    """The site-relative part of an absolute address on the test site (SITE_URL)."""
    site = "http://127.0.0.1:5000"
    assert url.startswith(site + "/"), url
    return url[len(site):]


def _verified(client, token: str, algorithm: str) -> dict:
    """Verify ``token`` as an outside verifier would (joserfc): fetch the one key its ``kid`` names."""
    import warnings

    from joserfc import jwt
    from joserfc.jwk import JWKRegistry

    answer = client.get(_path(_kid(token)))
    assert answer.status_code == 200 and answer.is_json
    jwk = answer.json
    assert jwk["kid"] == _kid(token) and jwk["alg"] == algorithm and "d" not in jwk and "p" not in jwk
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc prefers the name "Ed25519" to "EdDSA" (RFC 9864)
        decoded = jwt.decode(token, JWKRegistry.import_key(jwk), algorithms=[algorithm])
    assert decoded.header["alg"] == algorithm
    return decoded.claims


def _kid(token: str) -> str:
    import base64
    import json

    head = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))["kid"]


def test_badges_resolve_their_key_issuer_and_achievement_and_show_a_revocation(client, db, users):
    from certificates import badges, services

    certificate = _course_certificate(users)
    login(client, "learner")
    for algorithm in ("EdDSA", "RS256"):
        suffix = "" if algorithm == "EdDSA" else "?alg=RS256"
        token = client.get(f"/certificates/{certificate.code}/badge.jwt{suffix}").get_data(as_text=True)
        claims = _verified(client, token, algorithm)
        assert "OpenBadgeCredential" in claims["type"] and claims["id"].endswith(certificate.code)

        issuer = client.get(_path(claims["issuer"]["id"]))
        assert issuer.status_code == 200 and issuer.json["id"] == claims["issuer"]["id"]
        assert issuer.json["type"] == ["Profile"] and issuer.json["name"] == certificate.issuer.name
        achievement = claims["credentialSubject"]["achievement"]
        described = client.get(_path(achievement["id"]))
        assert described.status_code == 200 and described.json["id"] == achievement["id"]
        assert described.json["type"] == ["Achievement"]

        status = claims["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
        index = int(status["statusListIndex"])
        assert status["id"] == f"{status['statusListCredential']}#{index}"
        listed = client.get(_path(status["statusListCredential"]))
        assert listed.status_code == 200 and listed.mimetype == "application/jwt"
        status_list = _verified(client, listed.get_data(as_text=True), algorithm)
        assert "BitstringStatusListCredential" in status_list["type"]
        assert status_list["id"] == status["statusListCredential"]
        assert status_list["issuer"] == claims["issuer"]["id"]  # the same issuer publishes it
        bits = badges.decode_status_list(status_list["credentialSubject"]["encodedList"])
        assert len(bits) * 8 >= 131_072 and not badges.status_bit(bits, index)

    services.revoke([certificate], reason="Cấp nhầm", decision="05/QĐ-TTCĐS", by=users["admin"])
    db.session.commit()
    for algorithm in ("EdDSA", "RS256"):
        suffix = "" if algorithm == "EdDSA" else "?alg=RS256"
        token = client.get(f"/certificates/{certificate.code}/badge.jwt{suffix}").get_data(as_text=True)
        status = _verified(client, token, algorithm)["credentialStatus"]
        listed = _verified(client, client.get(_path(status["statusListCredential"])).get_data(as_text=True), algorithm)
        bits = badges.decode_status_list(listed["credentialSubject"]["encodedList"])
        assert badges.status_bit(bits, int(status["statusListIndex"]))  # revoked, seen from the credential
        assert sum(bin(byte).count("1") for byte in bits) == 1

    # The JWKS lists both keys under the kids that resolve.
    keys = client.get("/.well-known/jwks.json").json["keys"]
    assert {"EdDSA", "RS256"} <= {key["alg"] for key in keys}
    assert client.get("/keys/nothing-here").status_code == 404
    assert client.get("/issuers/KHONG-CO").status_code == 404
    assert client.get("/achievements/khong-co").status_code == 404
    assert client.get(f"/certificates/{certificate.code}/badge.jwt?alg=HS256").status_code == 400


def test_status_list_bits_follow_the_specification():
    from certificates import badges

    encoded = badges.encode_status_list([0, 9, 131_071])
    bits = badges.decode_status_list(encoded)
    assert encoded.startswith("u") and "=" not in encoded and len(bits) == 16_384
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 0b0000_0001  # index 0 = left-most bit
    assert badges.encode_status_list([9, 0, 131_071]) == encoded  # deterministic


def test_the_accessibility_engine_is_the_pinned_axe_core():
    import hashlib
    from pathlib import Path

    engine = Path(__file__).resolve().parent / "assets" / "axe-core" / "axe.min.js"
    assert hashlib.sha256(engine.read_bytes()).hexdigest() == \
        "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # axe-core 4.14.1 (Makefile)
