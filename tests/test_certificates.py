"""IT-skill and course certificates: issuance from approved results, numbering, the register,
signed PDFs, verification (code, JSON, uploaded PDF, HR bulk), revocation and reissue, badges."""
from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from certificates import services
from certificates.models import Certificate, CertificateKind, CertificateStatus, ModuleAttainment
from lms.database import utcnow
from lms.models import AuditEntry, CompetencyModule, Role, User
from quizzes import bank, exams
from quizzes.services import save_answer, submit_attempt
from tests import factories
from tests.conftest import csrf_token_from, login, post_form

BASIC = ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]


def _bank(modules):
    lines = []
    for module in modules:
        for n in range(3):
            lines.append(f"// [tag:{module}]\n::{module}-{n}::Câu {module} số {n}?{{=Đúng ~Sai ~Cũng sai}}\n")
    bank.import_gift("\n".join(lines))


def _sit(session, user, right: bool, practical: str, examiner):
    attempt = exams.start_exam(session, user, None)
    for slot in attempt.slots:
        option = max(slot.question.options, key=lambda o: o.fraction if right else -o.fraction)
        save_answer(attempt.id, attempt.user_id, slot.question_id, {"option": option.id}, seq=1)
    submit_attempt(attempt)
    exams.set_practical_score(exams.candidate_of(session, user), Decimal(practical), examiner)


def _approved_session(users, province, modules=BASIC, level="basic", people=("learner", "author", "hr")):
    now = utcnow()
    session = exams.create_session(title=f"Thi chứng chỉ {level}", opens_at=now - timedelta(hours=2),
                                   closes_at=now + timedelta(hours=2), time_limit_minutes=30, agency=province,
                                   level=level, modules=list(modules))
    exams.set_blueprint(session, [exams.RuleSpec(m, 2) for m in modules])
    exams.add_candidates(session, list(people))
    results = {"learner": (True, "8"), "author": (True, "6.5"), "hr": (False, "9")}
    for name in people:
        right, practical = results[name]
        _sit(session, users[name], right, practical, users["examiner"])
    exams.approve(session, users["examiner"], "01/QĐ-HĐT", now.date())  # not its preparer (none recorded)
    return session


@pytest.fixture()
def basic_session(db, users, province):
    _bank(BASIC + ["IU07", "IU08", "IU14"])
    users["learner"].employee_code = "NA-0001"
    session = _approved_session(users, province)
    db.session.commit()
    return session


def test_cli_issues_it_certificates_once_to_those_who_passed(app, db, users, basic_session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["certificates", "issue", "--session", str(basic_session.id)])
    assert first.exit_code == 0, first.output
    assert "Issued 2, skipped 0 of 2 who passed." in first.output
    again = runner.invoke(args=["certificates", "issue", "--session", str(basic_session.id)])
    assert "Issued 0, skipped 2 of 2 who passed." in again.output
    certificates = list(db.session.scalars(select(Certificate).order_by(Certificate.serial_number)))
    assert [c.kind for c in certificates] == [CertificateKind.IT_BASIC] * 2
    year = certificates[0].serial_year
    assert [c.serial for c in certificates] == [f"CB-{year}-000001", f"CB-{year}-000002"]
    assert [c.register_number for c in certificates] == [f"00001/{year}/CB", f"00002/{year}/CB"]
    assert all(c.pdf_sha256 for c in certificates)  # signed and stored by the job
    listing = runner.invoke(args=["certificates", "list"])
    assert certificates[0].serial in listing.output and "Nguyễn Thị Hương" in listing.output and "valid" in listing.output
    attained = set(db.session.scalars(select(ModuleAttainment.module_code).where(
        ModuleAttainment.user_id == users["learner"].id)))
    assert attained == set(BASIC)
    assert db.session.scalar(select(func.count()).select_from(ModuleAttainment).where(
        ModuleAttainment.user_id == users["hr"].id)) == 0  # failed: no attainment


def test_issuance_needs_the_boards_approval(app, db, users, province):
    _bank(BASIC)
    now = utcnow()
    session = exams.create_session(title="Chưa duyệt", opens_at=now - timedelta(hours=1), closes_at=now,
                                   time_limit_minutes=30, agency=province, modules=BASIC)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["certificates", "issue", "--session", str(session.id)])
    assert result.exit_code != 0 and "not approved" in result.output
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_advanced_certificate_needs_the_basic_standard_and_three_modules(db, users, province, basic_session):
    services.issue_for_session(basic_session.id)
    advanced_two = _approved_session(users, province, modules=["IU07", "IU08"], level="advanced",
                                     people=("learner",))
    assert services.issue_for_session(advanced_two.id)["issued"] == 0  # only two advanced modules
    advanced_three = _approved_session(users, province, modules=["IU14"], level="advanced", people=("learner",))
    assert services.issue_for_session(advanced_three.id)["issued"] == 1
    kinds = [c.kind for c in services.certificates_of(users["learner"])]
    assert CertificateKind.IT_ADVANCED in kinds


def test_register_outlives_renames_merges_and_deactivation(client, db, users, basic_session):
    services.issue_for_session(basic_session.id)
    certificate = services.certificates_of(users["learner"])[0]
    users["learner"].agency.name = "Sở Nội vụ (sau sáp nhập)"
    users["learner"].set_full_name("Nguyễn Thị Hương Giang")
    users["learner"].active = False
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.holder_name == "Nguyễn Thị Hương" and certificate.holder_agency == "Ủy ban nhân dân tỉnh Nghệ An"
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Chứng chỉ hợp lệ" in page and "Nguyễn Thị Hương" in page


def test_deleting_an_account_or_course_keeps_the_certificate(client, db, users):
    from courses.models import Course
    from courses.services import record_lesson_view
    from quizzes.models import Quiz
    from quizzes.services import start_attempt

    holder = factories.user("Lê Văn Đạt", username="dat")
    course = factories.course("Bảng tính cơ bản", lessons=1)
    quiz = factories.quiz(course, questions=1)
    record_lesson_view(holder, course.lessons[0])
    attempt = start_attempt(holder, quiz)
    submit_attempt(attempt, {quiz.items[0].question_id: {"option": factories.correct_option_id(quiz.items[0].question)}})
    certificate = services.certificates_of(holder)[0]
    db.session.commit()
    db.session.delete(db.session.get(User, holder.id))  # their attempts go with them
    db.session.commit()
    db.session.delete(db.session.get(Quiz, quiz.id))
    db.session.delete(db.session.get(Course, course.id))
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.holder_id is None and certificate.course_id is None
    assert certificate.holder_name == "Lê Văn Đạt" and certificate.title == "Bảng tính cơ bản"
    assert client.get(f"/api/v1/certificates/{certificate.code}").json["status"] == "valid"


def test_verification_shows_only_what_hr_needs(client, db, users, basic_session):
    services.issue_for_session(basic_session.id)
    certificate = services.certificates_of(users["learner"])[0]
    data = client.get(f"/api/v1/certificates/{certificate.code.lower()}").json
    assert data["status"] == "valid" and data["kind"] == "it_basic" and data["modules"] == BASIC
    assert data["holder_date_of_birth"] == "**/**/1982" and data["serial"] == certificate.serial
    assert "holder_employee_code" not in data and "NA-0001" not in str(data)
    unknown = client.get("/api/v1/certificates/0000-0000-0000-0000-0")
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "not_found"
    assert unknown.json["error"]["message"] == "Không có chứng chỉ nào với mã này."


def test_revocation_and_reissue_are_visible_and_audited(client, db, users, basic_session):
    services.issue_for_session(basic_session.id)
    first, second = sorted(services.certificates_of(users["learner"]) + services.certificates_of(users["author"]),
                           key=lambda c: c.serial_number)
    db.session.commit()
    login(client, "examiner")
    asked = post_form(client, f"/certificates/{first.code}", f"/certificates/{first.code}/revoke",
                      {"decision": "15/QĐ-TTCĐS", "reason": "Gian lận trong kỳ thi", "void_attainments": "y"})
    assert asked.status_code == 200 and "Xác nhận thu hồi" in asked.get_data(as_text=True)  # asked first
    post_form(client, f"/certificates/{first.code}", f"/certificates/{first.code}/revoke",
              {"decision": "15/QĐ-TTCĐS", "reason": "Gian lận trong kỳ thi", "void_attainments": "y",
               "confirmed": "1"})
    revoked = client.get(f"/verify/{first.code}").get_data(as_text=True)
    assert "Chứng chỉ đã bị thu hồi" in revoked and "15/QĐ-TTCĐS" in revoked and "Gian lận trong kỳ thi" in revoked
    assert db.session.scalar(select(func.count()).select_from(ModuleAttainment).where(
        ModuleAttainment.certificate_id == first.id, ModuleAttainment.void.is_(False))) == 0
    response = post_form(client, f"/certificates/{second.code}", f"/certificates/{second.code}/reissue",
                         {"decision": "16/QĐ-TTCĐS", "reason": "Người ký không đúng thẩm quyền"})
    assert response.status_code == 302
    db.session.refresh(second)
    assert second.status is CertificateStatus.SUPERSEDED and second.superseded_by is not None
    replacement = second.superseded_by
    assert replacement.status is CertificateStatus.VALID and replacement.holder_name == second.holder_name
    assert replacement.serial != second.serial
    old_page = client.get(f"/verify/{second.code}").get_data(as_text=True)
    assert "đã được thay thế" in old_page and services.public_facts(second)["superseded_by"] in old_page
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"certificate.issue", "certificate.revoke", "certificate.reissue"} <= actions


def test_bulk_revocation_is_all_or_nothing(client, db, users, basic_session):
    services.issue_for_session(basic_session.id)
    serials = [c.serial for c in db.session.scalars(select(Certificate))]
    db.session.commit()
    login(client, "examiner")
    data = {"decision": "20/QĐ-TTCĐS", "reason": "Ký sai thẩm quyền", "identifiers": "\n".join(serials + ["KHONG-CO"])}
    post_form(client, "/certificates/revoke", "/certificates/revoke", data)
    assert db.session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.status == CertificateStatus.REVOKED)) == 0
    data["identifiers"] = "\n".join(serials)
    # First the confirmation: every certificate and the decision shown, nothing revoked yet.
    asked = post_form(client, "/certificates/revoke", "/certificates/revoke", data).get_data(as_text=True)
    assert "Xác nhận thu hồi 2 chứng chỉ" in asked and all(serial in asked for serial in serials)
    assert "20/QĐ-TTCĐS" in asked
    assert db.session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.status == CertificateStatus.REVOKED)) == 0
    post_form(client, "/certificates/revoke", "/certificates/revoke", {**data, "confirmed": "1"})
    assert db.session.scalar(select(func.count()).select_from(Certificate).where(
        Certificate.status == CertificateStatus.REVOKED)) == 2


def test_signed_pdf_validates_and_uploaded_copies_are_checked(app, client, db, users, basic_session):
    services.issue_for_session(basic_session.id)
    certificate = services.certificates_of(users["learner"])[0]
    db.session.commit()
    login(client, "learner")
    pdf = client.get(f"/certificates/{certificate.code}.pdf").data
    assert pdf.startswith(b"%PDF")
    anonymous = app.test_client()

    def upload(data: bytes):
        page = anonymous.get("/verify").get_data(as_text=True)
        return anonymous.post("/verify/pdf", data={"csrf_token": csrf_token_from(page),
                                                   "document": (io.BytesIO(data), "chung-chi.pdf")},
                              content_type="multipart/form-data")

    genuine = upload(pdf).get_data(as_text=True)
    assert "Tệp PDF là bản gốc, không bị sửa đổi, và chứng chỉ đang có hiệu lực" in genuine
    position = pdf.index(b"/Producer") if b"/Producer" in pdf else 200
    tampered = pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1:]
    assert "Không xác nhận được tệp PDF này" in upload(tampered).get_data(as_text=True)
    not_pdf = upload(b"GIF89a not a pdf")
    assert not_pdf.status_code == 400 and "không phải PDF" in not_pdf.get_data(as_text=True)
    if Path("/usr/bin/pdfsig").exists():
        path = Path(app.config["CERTIFICATE_STORAGE_DIR"]) / "check.pdf"
        path.write_bytes(pdf)
        output = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
        assert "Signature Validation: Signature is Valid." in output


def test_hr_bulk_check_with_csv_and_excel(client, db, users, basic_session):
    services.issue_for_session(basic_session.id)
    certificate = services.certificates_of(users["learner"])[0]
    db.session.commit()
    login(client, "hr")
    page = client.get("/hr/verify").get_data(as_text=True)
    csv_file = (io.BytesIO(f"{certificate.serial}\nKHONG-CO-MA\n".encode()), "danh-sach.csv")
    result = client.post("/hr/verify", data={"csrf_token": csrf_token_from(page), "identifiers": certificate.code,
                                             "document": csv_file, "format": "html"},
                         content_type="multipart/form-data").get_data(as_text=True)
    assert result.count("Hợp lệ") >= 2 and "Không tìm thấy" in result
    excel = client.post("/hr/verify", data={"csrf_token": csrf_token_from(page), "identifiers": certificate.code,
                                            "format": "xlsx"}, content_type="multipart/form-data")
    sheet = load_workbook(io.BytesIO(excel.data)).active
    assert sheet["C2"].value == "Hợp lệ" and sheet["D2"].value == "Nguyễn Thị Hương"
    learner = client.application.test_client()
    login(learner, "learner")
    assert learner.get("/hr/verify").status_code == 403


def test_register_search_filters_and_excel_has_one_row_per_certificate(client, db, users, basic_session):
    services.issue_for_session(basic_session.id)
    db.session.commit()
    login(client, "hr")
    found = client.get("/register", query_string={"q": "nguyen thi huong"}).get_data(as_text=True)
    assert "Nguyễn Thị Hương" in found and "Trần Văn Minh" not in found
    assert "Nguyễn Thị Hương" in client.get("/register", query_string={"q": "NA-0001"}).get_data(as_text=True)
    assert client.get("/register", query_string={"kind": "nonsense"}).status_code == 400
    export = client.get("/register", query_string={"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Số vào sổ" and len(rows) == 3


def test_hr_sees_certificates_of_their_agencies_only(app, client, db, users, basic_session):
    services.issue_for_session(basic_session.id)
    certificate = services.certificates_of(users["learner"])[0]
    other_province = factories.agency("000.00.00.H49", "Ủy ban nhân dân tỉnh Quảng Ninh")
    factories.user("Đinh Thị Mai", username="hr2", role=Role.HR, scope=other_province)
    db.session.commit()
    login(client, "hr")
    assert client.get(f"/certificates/{certificate.code}").status_code == 200
    other = app.test_client()
    login(other, "hr2")
    assert other.get(f"/certificates/{certificate.code}").status_code == 404


def test_badge_is_a_signed_open_badges_credential_verifiable_with_the_published_key(client, db, users, basic_session):
    from joserfc import jwt
    from joserfc.jwk import KeySet

    services.issue_for_session(basic_session.id)
    certificate = services.certificates_of(users["learner"])[0]
    db.session.commit()
    login(client, "learner")
    token = client.get(f"/certificates/{certificate.code}/badge.jwt").get_data(as_text=True)
    keys = client.get("/.well-known/jwks.json").json
    assert all("d" not in key for key in keys["keys"])
    decoded = jwt.decode(token, KeySet.import_key_set(keys), algorithms=["EdDSA"])
    claims = decoded.claims
    assert "OpenBadgeCredential" in claims["type"]
    assert claims["credentialSubject"]["achievement"]["name"].endswith("Chuẩn kỹ năng sử dụng CNTT cơ bản")
    assert claims["issuer"]["name"] == certificate.issuer_name
    assert claims["id"].endswith(certificate.code)


def test_unknown_codes_say_nothing_and_lookups_are_rate_limited(app, client, db):
    page = client.get("/verify/7K3M-Q9XD-2F4H-WC8N-R")
    assert page.status_code == 404 and "Không tìm thấy chứng chỉ" in page.get_data(as_text=True)
    app.config["RATELIMIT_VERIFY"] = "3 per minute"
    try:
        statuses = [client.get("/api/v1/certificates/7K3M-Q9XD-2F4H-WC8N-R").status_code for _ in range(4)]
    finally:
        app.config["RATELIMIT_VERIFY"] = "1000 per minute"
    assert statuses == [404, 404, 404, 429]


def test_rate_limits_are_kept_in_redis_when_redis_url_is_set(tmp_path, monkeypatch):
    from lms.config import load_config

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    config = load_config(str(tmp_path), {"SECRET_KEY": "x"})
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3" and config["REDIS_URL"]


def test_bulk_issuance_from_the_web_runs_as_a_job_with_progress(client, db, users, basic_session, app):
    login(client, "examiner")
    response = post_form(client, f"/exams/{basic_session.id}/results", f"/exams/{basic_session.id}/issue")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    for thread in app.extensions.get("lms.job_threads", []):
        thread.join(timeout=60)
    status = client.get(response.headers["Location"], headers={"Accept": "application/json"}).json
    assert status["status"] == "done" and status["result"]["issued"] == 2 and status["percent"] == 100
    assert "Đã xong" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_jobs_go_through_redis_and_rq_when_configured(app, db, users, basic_session, monkeypatch):
    import os

    import redis
    from rq import Queue, SimpleWorker

    from lms.jobs import QUEUE_NAME, Job, create_job

    connection = redis.Redis.from_url("redis://127.0.0.1:6379/5")
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 here (CI starts one)")
    connection.flushdb()
    # The worker builds its own application from the environment, as `flask jobs worker` does.
    for name in ("CERTIFICATE_SIGNING_KEY", "CERTIFICATE_SIGNING_CERT", "CERTIFICATE_BADGE_KEY",
                 "CERTIFICATE_STORAGE_DIR", "SECRET_KEY"):
        monkeypatch.setenv(name, app.config[name])
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_ENV", "testing")
    # The certificates' e-mails wait in their table, as in the test application (tests/test_mail.py
    # sends them through RQ).
    monkeypatch.setenv("MAIL_DISPATCH", "sweep")
    monkeypatch.setenv("MAIL_OUTBOX_DIR", app.config["MAIL_OUTBOX_DIR"])
    app.config["REDIS_URL"] = "redis://127.0.0.1:6379/5"
    try:
        threads_before = len(app.extensions.get("lms.job_threads", []))
        job = create_job("Cấp chứng chỉ", "certificates.jobs:issue_session_job", {"session_id": basic_session.id})
        queue = Queue(QUEUE_NAME, connection=connection)
        assert queue.count == 0  # not before the job's row is committed
        db.session.commit()
        assert queue.count == 1 and len(app.extensions.get("lms.job_threads", [])) == threads_before
        SimpleWorker([queue], connection=connection).work(burst=True)
    finally:
        app.config["REDIS_URL"] = None
        connection.flushdb()
    db.session.expire_all()
    finished = db.session.get(Job, job.id)
    assert finished.status == "done" and finished.result["issued"] == 2


def test_dashboard_tells_what_the_standard_still_needs_and_where_to_learn_it(client, db, users):
    from datetime import date

    learner = users["learner"]
    login(client, "learner")

    def attain(*codes: str, void: bool = False) -> None:
        for code in codes:
            db.session.add(ModuleAttainment(user_id=learner.id, holder_name=learner.full_name, module_code=code,
                                            attained_on=date(2026, 11, 20), exam_title="Sát hạch", void=void))
        db.session.commit()

    page = client.get("/dashboard").get_data(as_text=True)
    assert "Chuẩn cơ bản: đã đạt 0/6 mô-đun" in page
    for code in ("IU01", "IU02", "IU03", "IU04", "IU05", "IU06"):
        assert f'href="/courses?module={code}"' in page
    attain("IU01", "IU02", "IU03", "IU04", "IU05")
    attain("IU06", void=True)  # voided (fraud): not counted
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Chuẩn cơ bản: đã đạt 5/6 mô-đun" in page and 'href="/courses?module=IU06"' in page
    assert 'href="/courses?module=IU01"' not in page
    attain("IU06", "IU07", "IU14")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Bạn đã đạt đủ 6 mô-đun của chuẩn cơ bản." in page and "đã đạt 2/3 mô-đun nâng cao" in page
    # No advanced course yet: no link to an empty list (issue 10), then one once a course exists.
    assert 'href="/courses?level=advanced"' not in page and "Chưa có khóa học nâng cao nào." in page
    factories.course("Bảng tính nâng cao", lessons=1, modules=["IU08"]).level = "advanced"
    db.session.commit()
    page = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/courses?level=advanced"' in page
    attain("IU09")
    assert "Bạn đã đạt chuẩn nâng cao." in client.get("/dashboard").get_data(as_text=True)


def test_missing_modules_are_named_in_english_for_english_readers(client, db, users):
    login(client, "learner")
    client.post("/language/en", data={"csrf_token": csrf_token_from(client.get("/dashboard").get_data(as_text=True))})
    page = client.get("/dashboard").get_data(as_text=True)
    module = db.session.get(CompetencyModule, "IU01")
    assert module.title_en in page and module.title_vi not in page
    assert "Basic standard: 0/6 modules attained" in page


def test_a_job_starts_after_the_outermost_commit_not_a_savepoint(app, db, users, basic_session, monkeypatch):
    """A job recorded before a savepoint is released must not start until its row is committed."""
    from lms import jobs

    started = []
    monkeypatch.setattr(jobs, "dispatch", started.append)
    job = jobs.create_job("Cấp chứng chỉ", "certificates.jobs:issue_session_job", {"session_id": basic_session.id})
    with db.session.begin_nested():
        db.session.flush()
    assert started == []  # the savepoint's release is not the commit
    db.session.commit()
    assert started == [job.id]
    db.session.commit()
    assert started == [job.id]  # once
