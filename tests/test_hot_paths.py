"""The busiest requests (course page, verification, autosave) through the libraries' front door:
what users see stays true — fresh pages, no one else's data, revocations at once, durable
answers, refusals — and browsers revalidate instead of downloading again."""
from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, select, text

from certificates import services as certificate_services
from certificates.counting import VerificationCounter, counter_for
from certificates.models import Certificate
from courses.services import record_lesson_view
from lms.extensions import db as _db
from quizzes.models import Quiz, QuizKind
from quizzes.services import start_attempt, submit_attempt
from tests import factories
from tests.conftest import csrf_token_from, login, post_form


def _progress(html: str) -> str | None:
    match = re.search(r'<progress max="(\d+)" value="(\d+)">', html)
    return f"{match.group(2)}/{match.group(1)}" if match else None


def test_course_page_never_shows_one_learners_progress_to_another(app, client, db, users):
    course = factories.course("Thư điện tử", lessons=2)
    record_lesson_view(users["learner"], course.lessons[0])
    db.session.commit()
    url = f"/courses/{course.slug}"
    reader, other, anonymous = app.test_client(), app.test_client(), app.test_client()
    login(reader, "learner")
    login(other, "author")
    for _ in range(2):  # the second round comes from the cache
        assert _progress(reader.get(url).get_data(as_text=True)) == "1/2"
        assert _progress(other.get(url).get_data(as_text=True)) == "0/2"
        assert _progress(anonymous.get(url).get_data(as_text=True)) is None
    reader.get(f"{url}/lessons/{course.lessons[1].slug}")
    page = reader.get(url).get_data(as_text=True)
    assert _progress(page) == "2/2" and "Học tiếp: Bài 2" in page
    assert _progress(other.get(url).get_data(as_text=True)) == "0/2"


def _course_certificate(users) -> Certificate:
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


def test_verification_shows_a_revocation_at_once(app, client, db, users, quiet_counter):
    certificate = _course_certificate(users)
    url = f"/verify/{certificate.code}"
    for _ in range(2):
        assert "Chứng chỉ hợp lệ" in client.get(url).get_data(as_text=True)
    assert client.get(f"/api/v1/certificates/{certificate.code}").json["status"] == "valid"
    certificate_services.revoke([certificate], reason="Sai thông tin", decision="01/QĐ", by=users["admin"])
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Chứng chỉ đã bị thu hồi" in page and "01/QĐ" in page
    assert client.get(f"/api/v1/certificates/{certificate.code}").json["status"] == "revoked"


def test_verification_counts_are_batched_and_flushed(app, client, db, users, quiet_counter):
    certificate = _course_certificate(users)
    for _ in range(3):
        client.get(f"/verify/{certificate.code}")
    client.get(f"/api/v1/certificates/{certificate.code}")
    db.session.commit()  # a new read transaction: it sees what other connections committed
    db.session.refresh(certificate)
    assert certificate.verification_count == 0 and quiet_counter.pending() == 4  # not a write per lookup
    assert counter_for(app).flush() == 4
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.verification_count == 4 and quiet_counter.pending() == 0


@pytest.fixture()
def quiet_counter(app):
    """The application's verification counter, replaced for the test by one without its timer thread."""
    key = "certificates.verification_counter"
    previous = app.extensions.get(key)
    if previous is not None:
        previous.flush()
    counter = app.extensions[key] = VerificationCounter(app, interval=0)
    yield counter
    counter.flush()
    if previous is not None:
        app.extensions[key] = previous


def test_the_counter_writes_on_its_own_every_interval(app, db, users, quiet_counter):
    certificate = _course_certificate(users)
    counter = VerificationCounter(app, interval=0.05)
    counter.add(certificate.id, 2)
    deadline = time.monotonic() + 10
    while certificate.verification_count != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        db.session.commit()
        db.session.refresh(certificate)
    counter._stop.set()
    assert certificate.verification_count == 2 and counter.pending() == 0


def test_verification_counts_are_kept_when_a_write_fails_and_written_at_exit(app, db, users, quiet_counter):
    certificate = _course_certificate(users)
    counter = VerificationCounter(app, interval=0)  # no thread: flushed only when asked, and at exit
    counter.add(certificate.id, 3)

    def refuse(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE CERTIFICATE"):
            raise RuntimeError("database unavailable")

    event.listen(_db.engine, "before_cursor_execute", refuse)
    try:
        with pytest.raises(RuntimeError):
            counter.flush()
    finally:
        event.remove(_db.engine, "before_cursor_execute", refuse)
    assert counter.pending() == 3  # kept for the next attempt
    counter.add(certificate.id)
    counter._flush_at_exit()  # what atexit runs when a worker stops normally
    db.session.commit()
    db.session.refresh(certificate)
    assert certificate.verification_count == 4 and counter.pending() == 0


def test_verification_keeps_its_rate_limit_and_headers(app, client, db):
    app.config["RATELIMIT_VERIFY"] = "2 per minute"
    try:
        answers = [client.get("/api/v1/certificates/7K3M-Q9XD-2F4H-WC8N-R") for _ in range(3)]
    finally:
        app.config["RATELIMIT_VERIFY"] = "1000 per minute"
    assert [a.status_code for a in answers] == [404, 404, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "2" and answers[0].headers["X-RateLimit-Remaining"] == "1"
    assert answers[2].is_json and "Retry-After" in answers[2].headers


def test_login_keeps_flask_limiter_and_its_headers(client, users):
    page = client.get("/login")
    answer = client.post("/login", data={"login": "learner", "password": "wrong",
                                         "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert "X-RateLimit-Limit" in answer.headers


def _start(client, quiz_id: int) -> tuple[int, str]:
    started = post_form(client, f"/quizzes/{quiz_id}", f"/quizzes/{quiz_id}/start")
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    return attempt_id, csrf_token_from(client.get(started.headers["Location"]).get_data(as_text=True))


def _save(client, attempt_id: int, token: str, payload: dict):
    return client.post(f"/api/v1/attempts/{attempt_id}/answers", data=json.dumps(payload),
                       headers={"X-CSRFToken": token, "Content-Type": "application/json"})


def _signed_in_attempt(client, questions: int) -> tuple[Quiz, int, str]:
    """A course quiz of ``questions`` questions, and the learner signed in on ``client`` in an attempt of it."""
    quiz = factories.quiz(factories.course(lessons=1), questions=questions)
    _db.session.commit()
    login(client, "learner")
    attempt_id, token = _start(client, quiz.id)
    return quiz, attempt_id, token


def _right(question, seq: int) -> dict:
    """A save of the right option of ``question`` with sequence number ``seq``."""
    return {"question_id": question.id, "response": {"option": factories.correct_option_id(question)}, "seq": seq}


def _stored_seq(attempt_id: int, question_id: int | None = None) -> int | None:
    """The stored answer's ``seq`` (of the attempt's only answer when no question is named), read on another connection."""
    sql = "SELECT seq FROM attempt_answer WHERE attempt_id = :a" + (" AND question_id = :q" if question_id else "")
    with _db.engine.connect() as other:
        return other.execute(text(sql), {"a": attempt_id, "q": question_id}).scalar()


def test_sqlite_commits_are_fully_synced_by_default(app, db):
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with _db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_an_invalid_answer_to_someone_elses_attempt_is_not_found_either(app, client, db, users):
    quiz, attempt_id, token = _signed_in_attempt(client, questions=1)
    question = quiz.items[0].question
    assert _save(client, attempt_id, token, _right(question, 1)).status_code == 200  # remembered now
    other = app.test_client()
    login(other, "author")
    other_token = csrf_token_from(other.get("/dashboard").get_data(as_text=True))
    for response in ({"option": 10**9}, {"option": "x"}, None):
        refused = _save(other, attempt_id, other_token, {"question_id": question.id, "response": response, "seq": 2})
        assert refused.status_code == 404
    assert _save(other, attempt_id, other_token, {"question_id": 10**9, "response": None, "seq": 2}).status_code == 404


def test_a_save_racing_a_submit_waits_for_it_and_is_refused(app, client, db, users):
    """A save that arrives while a submit holds the attempt (claimed, grading, not committed)
    must not be acknowledged and then left out of the grade: it waits and gets 410."""
    import threading

    quiz, attempt_id, token = _signed_in_attempt(client, questions=2)
    first, second = (item.question for item in quiz.items[:2])
    assert _save(client, attempt_id, token, _right(second, 1)).json["stored"] is True  # question remembered
    outcome = {}
    with _db.engine.connect() as submitter:
        submitter.execute(text("UPDATE attempt SET submitted_at = :now, finished_reason = 'submitted' WHERE id = :a"),
                          {"now": datetime.now(timezone.utc).replace(tzinfo=None), "a": attempt_id})

        payload = _right(first, 2)

        def save_during_submit():
            with app.app_context():
                outcome["response"] = _save(client, attempt_id, token, payload)

        saver = threading.Thread(target=save_during_submit)
        saver.start()
        saver.join(0.5)
        assert saver.is_alive()  # held back while the submit is open
        submitter.commit()
    saver.join(10)
    assert outcome["response"].status_code == 410
    with _db.engine.connect() as other:
        assert other.execute(text("SELECT count(*) FROM attempt_answer WHERE attempt_id = :a AND question_id = :q"),
                             {"a": attempt_id, "q": first.id}).scalar() == 0


def test_course_page_of_a_visitor_signed_in_by_the_remember_cookie_shows_their_progress(app, client, db, users):
    """No account in the session, only Flask-Login's remember cookie: Flask-Login restores the
    sign-in, and the page is that learner's."""
    course = factories.course("Trình chiếu", lessons=2)
    record_lesson_view(users["learner"], course.lessons[0])
    db.session.commit()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"login": "learner", "password": factories.PASSWORD, "remember": "y",
                                "csrf_token": token})
    assert client.get_cookie("remember_token") is not None
    client.delete_cookie("session")  # the browser was closed: the session cookie is gone
    page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert _progress(page) == "1/2"



def test_course_page_follows_publishing_and_content_changes_at_once(app, client, db, users):
    from courses import authoring

    course = factories.course("Soạn thảo văn bản", lessons=2)
    db.session.commit()
    url = f"/courses/{course.slug}"
    assert "Bài 1" in client.get(url).get_data(as_text=True)
    course.lessons[0].title = "Làm quen với giao diện"
    db.session.commit()
    assert "Làm quen với giao diện" in client.get(url).get_data(as_text=True)
    practice = Quiz(title="Luyện tập soạn thảo", kind=QuizKind.PRACTICE, course_id=course.id)
    db.session.add(practice)
    db.session.commit()
    assert "Luyện tập soạn thảo" in client.get(url).get_data(as_text=True)
    authoring.set_published(course, False, users["author"])
    db.session.commit()
    assert client.get(url).status_code == 404
    # A change made outside the ORM (a script, a bulk update) shows on the very next request too.
    db.session.execute(text("UPDATE course SET published = :yes WHERE id = :id"), {"yes": True, "id": course.id})
    db.session.commit()
    assert client.get(url).status_code == 200


def test_anonymous_course_page_is_revalidated_by_its_content_version(app, client, db, users):
    """A browser that has the page gets 304 until an author changes what it shows."""
    from courses import authoring

    course = factories.course("Trình chiếu", lessons=2)
    db.session.commit()
    url = f"/courses/{course.slug}"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    tag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    changes = [
        lambda: authoring.update_course(course, author=users["author"], title="Trình chiếu hiệu quả"),
        lambda: authoring.add_section(course, "Phần 2: Thực hành", users["author"]),
        lambda: authoring.create_lesson(course, "Bài mới", users["author"]),
        lambda: authoring.move_lesson(course.lessons[1], -1, users["author"]),
    ]
    for change in changes:
        change()
        db.session.commit()
        changed = client.get(url, headers={"If-None-Match": tag})
        assert changed.status_code == 200 and changed.headers["ETag"] != tag
        tag = changed.headers["ETag"]
    assert "Trình chiếu hiệu quả" in client.get(url).get_data(as_text=True)
    other_browser = app.test_client()
    assert other_browser.get(url, headers={"If-None-Match": tag}).status_code == 200  # its own token, its own tag
    login(client, "learner")
    signed_in = client.get(url, headers={"If-None-Match": tag})
    assert signed_in.status_code == 200 and "ETag" not in signed_in.headers  # progress is personal: no tag


def test_course_page_follows_the_accounts_language_and_deactivation(app, client, db, users):
    course = factories.course("Bảng tính", lessons=2)
    record_lesson_view(users["learner"], course.lessons[0])
    db.session.commit()
    url = f"/courses/{course.slug}"
    login(client, "learner")
    assert _progress(client.get(url).get_data(as_text=True)) == "1/2"
    users["learner"].active = False
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert _progress(page) is None and "/login" in page  # signed out, as Flask-Login treats inactive accounts


def test_verification_page_is_revalidated_and_a_revocation_changes_it(app, client, db, users, quiet_counter):
    certificate = _course_certificate(users)
    url = f"/verify/{certificate.code}"
    first = client.get(url)
    tag = first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": tag}).status_code == 304
    certificate_services.revoke([certificate], reason="Sai thông tin", decision="02/QĐ", by=users["admin"])
    db.session.commit()
    revoked = client.get(url, headers={"If-None-Match": tag})
    assert revoked.status_code == 200 and "Chứng chỉ đã bị thu hồi" in revoked.get_data(as_text=True)


def test_autosave_is_durable_when_acknowledged_and_refuses_deactivated_accounts(app, client, db, users):
    quiz, attempt_id, token = _signed_in_attempt(client, questions=2)
    question = quiz.items[0].question
    payload = _right(question, 1)
    assert _save(client, attempt_id, token, payload).json["stored"] is True
    assert _stored_seq(attempt_id, question.id) == 1  # acknowledged means committed: another connection sees it
    assert _save(client, attempt_id, token, payload).json["stored"] is False  # a retry
    users["learner"].active = False
    db.session.commit()
    refused = _save(client, attempt_id, token, {**payload, "seq": 2})
    assert refused.status_code == 401 and refused.json["error"]["code"] == "signed-out"
    assert _stored_seq(attempt_id) == 1


def test_autosave_of_someone_else_is_not_found_and_signed_out_gets_401(app, client, db, users):
    quiz, attempt_id, token = _signed_in_attempt(client, questions=1)
    payload = _right(quiz.items[0].question, 1)
    other = app.test_client()
    login(other, "author")
    other_token = csrf_token_from(other.get("/dashboard").get_data(as_text=True))
    assert _save(other, attempt_id, other_token, payload).status_code == 404
    post_form(client, "/dashboard", "/logout")
    signed_out = _save(client, attempt_id, csrf_token_from(client.get("/login").get_data(as_text=True)), payload)
    assert signed_out.status_code == 401 and signed_out.is_json  # the page's script keeps the answer


def test_a_page_submitted_from_a_stale_tab_never_overwrites_a_newer_answer(app, client, db, users):
    """Tab A shows the attempt; tab B answers question 1 later (autosave); tab A, still showing
    the old answer, submits: the newer answer is the one graded."""
    quiz, attempt_id, token = _signed_in_attempt(client, questions=2)
    first, second = (item.question for item in quiz.items[:2])
    right = factories.correct_option_id(first)
    wrong = factories.wrong_option_id(first)
    assert _save(client, attempt_id, token, {"question_id": first.id, "response": {"option": wrong}, "seq": 5}).status_code == 200
    stale_page = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert f'name="seen-{first.id}" value="5"' in stale_page
    assert _save(client, attempt_id, token, {"question_id": first.id, "response": {"option": right}, "seq": 9}).status_code == 200
    submitted = client.post(f"/attempts/{attempt_id}", data={
        "csrf_token": token, f"q{first.id}": str(wrong), f"seen-{first.id}": "5",
        f"q{second.id}": str(factories.correct_option_id(second)), f"seen-{second.id}": "0"})
    assert submitted.status_code == 302
    with _db.engine.connect() as other:
        rows = dict(other.execute(text("SELECT question_id, response FROM attempt_answer WHERE attempt_id = :a"),
                                  {"a": attempt_id}).all())
    stored_first = rows[first.id] if isinstance(rows[first.id], dict) else json.loads(rows[first.id])
    assert stored_first == {"option": right}  # tab B's newer answer
    assert second.id in rows  # the field that had no saved answer was stored by the page


def test_sqlite_write_requests_take_the_write_lock_when_they_begin(app, client, db, users):
    """On SQLite a POST begins BEGIN IMMEDIATE (never fails upgrading a read to a write under
    load); a plain GET begins a deferred reader."""
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's transactions")
    begun = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("BEGIN"):
            begun.append(statement)

    login(client, "learner")
    event.listen(_db.engine, "before_cursor_execute", record)
    try:
        client.get("/courses")
        reads = list(begun)
        begun.clear()
        post_form(client, "/dashboard", "/language/en", {"next": "/dashboard"})
    finally:
        event.remove(_db.engine, "before_cursor_execute", record)
    assert reads and set(reads) == {"BEGIN"}
    assert "BEGIN IMMEDIATE" in begun
