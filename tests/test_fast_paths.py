"""The fast paths of the busiest requests (course page, verification, autosave): what they keep
between requests, and that it never shows stale status, stale content or someone else's data."""
from __future__ import annotations

import json
from types import SimpleNamespace
from datetime import datetime, timedelta, timezone
import re
import time

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


def test_course_page_follows_publishing_and_content_changes_at_once(app, client, db):
    course = factories.course("Soạn thảo văn bản", lessons=2)
    db.session.commit()
    url = f"/courses/{course.slug}"
    assert "Bài 1" in client.get(url).get_data(as_text=True)
    assert "Bài 1" in client.get(url).get_data(as_text=True)  # served from the page cache

    course.lessons[0].title = "Làm quen với giao diện"  # a lesson edit moves the course's version
    db.session.commit()
    assert "Làm quen với giao diện" in client.get(url).get_data(as_text=True)

    practice = Quiz(title="Luyện tập soạn thảo", kind=QuizKind.PRACTICE, course_id=course.id)
    db.session.add(practice)  # a quiz of the course, recognised without importing quizzes
    db.session.commit()
    assert "Luyện tập soạn thảo" in client.get(url).get_data(as_text=True)

    course.published = False
    db.session.commit()
    assert client.get(url).status_code == 404  # withdrawn: gone at once, cached page or not
    course.published = True
    db.session.commit()
    assert client.get(url).status_code == 200


def test_course_page_changes_made_outside_the_orm_show_within_the_page_lifetime(app, client, db):
    course = factories.course("Bảng tính", lessons=1)
    db.session.commit()
    url = f"/courses/{course.slug}"
    client.get(url)
    db.session.execute(text("UPDATE course SET published = :no WHERE id = :id"), {"no": False, "id": course.id})
    db.session.commit()
    assert client.get(url).status_code == 404  # publication is read on every request


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


def test_course_page_reads_the_account_with_the_course_and_follows_its_changes(app, client, db, users):
    """The course page reads the signed-in account in the same query as the course: its language,
    its roles (the menu) and whether it is still active are those of this moment."""
    course = factories.course("Bảng tính", lessons=2)
    record_lesson_view(users["learner"], course.lessons[0])
    db.session.commit()
    url = f"/courses/{course.slug}"
    login(client, "learner")
    page = client.get(url).get_data(as_text=True)
    assert _progress(page) == "1/2" and 'lang="vi"' in page
    users["learner"].locale = "en"
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert _progress(page) == "1/2" and 'lang="en"' in page
    users["learner"].active = False
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert _progress(page) is None and "/login" in page  # signed out, as Flask-Login treats inactive accounts


def test_cached_pages_carry_each_visitors_own_csrf_token(app, client, db):
    course = factories.course(lessons=1)
    db.session.commit()
    url = f"/courses/{course.slug}"
    first, second = app.test_client(), app.test_client()
    tokens = []
    for visitor in (first, second, first, second):
        tokens.append(csrf_token_from(visitor.get(url).get_data(as_text=True)))
    assert tokens[0] != tokens[1]
    for visitor, token in ((first, tokens[2]), (second, tokens[3])):
        answer = visitor.post("/language/en", data={"csrf_token": token, "next": url})
        assert answer.status_code == 302  # the token in the cached page is valid for this session
    assert second.post("/language/vi", data={"csrf_token": tokens[2], "next": url}).status_code == 400


def test_an_anonymous_session_is_not_sent_again_on_every_page(app, client, db):
    course = factories.course(lessons=1)
    db.session.commit()
    visitor = app.test_client()
    set_cookies = [visitor.get(f"/courses/{course.slug}").headers.getlist("Set-Cookie") for _ in range(5)]
    assert all(not cookies for cookies in set_cookies[2:]), set_cookies


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


def test_verification_counts_are_batched_and_flushed(app, client, db, users, quiet_counter):
    certificate = _course_certificate(users)
    for _ in range(3):
        client.get(f"/verify/{certificate.code}")
    client.get(f"/api/v1/certificates/{certificate.code}")
    db.session.refresh(certificate)
    assert certificate.verification_count == 0 and quiet_counter.pending() == 4  # not a write per lookup
    assert counter_for(app).flush() == 4
    db.session.refresh(certificate)
    assert certificate.verification_count == 4 and quiet_counter.pending() == 0


def test_the_counter_writes_on_its_own_every_interval(app, db, users, quiet_counter):
    certificate = _course_certificate(users)
    counter = VerificationCounter(app, interval=0.05)
    counter.add(certificate.id, 2)
    deadline = time.monotonic() + 10
    while certificate.verification_count != 2 and time.monotonic() < deadline:
        time.sleep(0.05)
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
    db.session.refresh(certificate)
    assert certificate.verification_count == 4 and counter.pending() == 0


def test_verification_keeps_its_rate_limit_and_headers(app, client, db):
    app.config["RATELIMIT_VERIFY"] = "2 per minute"
    try:
        answers = [client.get("/api/v1/certificates/7K3M-Q9XD-2F4H-WC8N-T") for _ in range(3)]
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
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    assert _stored_seq(attempt_id) == 1


def test_autosave_of_someone_else_is_not_found_and_signed_out_is_sent_to_login(app, client, db, users):
    quiz, attempt_id, token = _signed_in_attempt(client, questions=1)
    question = quiz.items[0].question
    payload = _right(question, 1)
    other = app.test_client()
    login(other, "author")
    other_token = csrf_token_from(other.get("/dashboard").get_data(as_text=True))
    assert _save(other, attempt_id, other_token, payload).status_code == 404
    post_form(client, "/dashboard", "/logout")
    signed_out = client.post(f"/api/v1/attempts/{attempt_id}/answers", data=json.dumps(payload),
                             headers={"Content-Type": "application/json",
                                      "X-CSRFToken": csrf_token_from(client.get("/login").get_data(as_text=True))})
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]


def test_sqlite_commits_are_fully_synced_by_default(app, db):
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    with _db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_a_fast_path_connection_left_by_a_finished_thread_goes_back_to_the_pool_as_it_was(app, db):
    """A thread that ends while holding the fast path's connection (a test server's request
    thread, a worker thread) must not hand the ORM an autocommit connection: savepoints and
    rollbacks depend on it."""
    import gc
    import threading

    from lms import fastsql

    def hold_and_finish():
        with app.app_context():
            fastsql.connection().current()  # checked out and switched to autocommit, never released

    for _ in range(3):  # more threads than the pool would otherwise have idle connections for
        worker = threading.Thread(target=hold_and_finish)
        worker.start()
        worker.join()
    gc.collect()

    pool = _db.engine.pool
    for _ in range(pool.size() + 1):
        with _db.engine.connect() as orm_connection:
            driver = orm_connection.connection.driver_connection
            autocommit = driver.isolation_level is None if _db.engine.dialect.name == "sqlite" \
                else driver.autocommit
            assert not autocommit
            with orm_connection.begin():
                savepoint = orm_connection.begin_nested()  # fails on an autocommit connection
                orm_connection.execute(text("SELECT 1"))
                savepoint.rollback()


def test_a_remembered_question_that_is_not_the_one_in_the_database_is_looked_up_again(app, client, db, users):
    """Each worker remembers a shown question's type and options after its first save. If the
    database under it was rebuilt (same question id, another question), the save notices: the
    upsert checks the question's creation time, and a response the memo would refuse is checked
    against the database before it is refused."""
    from quizzes import services as quiz_services

    quiz, attempt_id, token = _signed_in_attempt(client, questions=2)
    question = quiz.items[0].question
    right, wrong = factories.correct_option_id(question), next(
        o.id for o in question.options if o.id != factories.correct_option_id(question))
    assert _save(client, attempt_id, token, {"question_id": question.id, "response": {"option": right},
                                            "seq": 1}).json["stored"] is True
    key = (_db.engine.url, question.id)
    remembered = quiz_services._QUESTIONS.get(key)
    assert remembered is not None and {o.id for o in remembered.options} == {o.id for o in question.options}

    # Another question under the same id: other creation time, and an option the memo never saw.
    db.session.execute(text("UPDATE question SET created_at = :t WHERE id = :q"),
                       {"t": datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=1), "q": question.id})
    db.session.commit()
    saved = _save(client, attempt_id, token, {"question_id": question.id, "response": {"option": wrong}, "seq": 2})
    assert saved.status_code == 200 and saved.json["stored"] is True
    assert quiz_services._QUESTIONS.get(key).created_at != remembered.created_at

    quiz_services._QUESTIONS.put(key, SimpleNamespace(id=question.id, qtype=remembered.qtype,
                                                      created_at=quiz_services._QUESTIONS.get(key).created_at,
                                                      options=[]))  # a memo that refuses every option
    saved = _save(client, attempt_id, token, {"question_id": question.id, "response": {"option": right}, "seq": 3})
    assert saved.status_code == 200 and saved.json["stored"] is True
    assert _stored_seq(attempt_id, question.id) == 3


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


def test_sqlite_autosave_syncs_the_log_after_releasing_the_write_lock_and_before_answering(app, client, db, users,
                                                                                           monkeypatch):
    """The fast path commits without waiting for the disk while it holds the write turn, then
    syncs the write-ahead log itself: an acknowledged save is on disk, as with synchronous=FULL."""
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    import fcntl

    from lms import fastsql

    quiz, attempt_id, token = _signed_in_attempt(client, questions=1)
    question = quiz.items[0].question
    database = _db.engine.url.database
    synced = []
    real_sync = fastsql._sync_file

    def observed_sync(path):
        with open(f"{database}.write-lock", "rb") as lock:  # released before the sync
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(lock, fcntl.LOCK_UN)
        synced.append((path, _stored_seq(attempt_id)))  # committed before the sync
        real_sync(path)

    monkeypatch.setattr(fastsql, "_sync_file", observed_sync)
    from quizzes import services as quiz_services

    quiz_services._QUESTIONS.clear()  # not a question of an earlier test under the same id: one write
    saved = _save(client, attempt_id, token, _right(question, 1))
    assert saved.status_code == 200 and saved.json["stored"] is True
    assert synced == [(f"{database}-wal", 1)]
    for _ in range(_db.engine.pool.size() + 1):  # connections the ORM gets keep synchronous=FULL
        with _db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2


def test_without_flock_the_log_is_still_synced_before_answering(app, client, db, users, monkeypatch):
    """Where ``flock`` does not exist (Windows), writers rely on SQLite's own locking, and an
    acknowledged save is still synced to disk first."""
    if _db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write-ahead log")
    from lms import fastsql

    quiz, attempt_id, token = _signed_in_attempt(client, questions=1)
    synced = []
    monkeypatch.setattr(fastsql, "fcntl", None)
    monkeypatch.setattr(fastsql, "_sync_file", synced.append)
    assert _save(client, attempt_id, token, _right(quiz.items[0].question, 1)).json["stored"] is True
    assert synced and all(path.endswith("-wal") for path in synced)


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
