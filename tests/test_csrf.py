"""CSRF protection remembers tokens it verified (lms/csrf.py) without ever accepting more than
Flask-WTF would: changed tokens, other sessions' tokens and expired tokens are still refused."""
from __future__ import annotations

import time

from sqlalchemy import text

from lms.extensions import db as _db
from tests.conftest import login
from tests.test_fast_paths import _right, _save, _signed_in_attempt


def _stored_seqs(attempt_id: int) -> list[int]:
    with _db.engine.connect() as other:
        return sorted(other.execute(text("SELECT seq FROM attempt_answer WHERE attempt_id = :a"),
                                    {"a": attempt_id}).scalars())


def test_a_remembered_token_does_not_open_the_door_to_changed_tokens_or_other_sessions(app, client, db, users):
    quiz, attempt_id, token = _signed_in_attempt(client, questions=3)
    questions = [item.question for item in quiz.items]

    def payload(number: int, seq: int) -> dict:
        return _right(questions[number], seq)

    assert _save(client, attempt_id, token, payload(0, 1)).status_code == 200
    assert _save(client, attempt_id, token, payload(1, 2)).status_code == 200  # remembered
    # One character of the signature changed (not the last: base64 ignores its low bits).
    changed = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    assert _save(client, attempt_id, changed, payload(2, 3)).status_code == 400
    assert _save(client, attempt_id, "", payload(2, 4)).status_code == 400

    other = app.test_client()  # the same person in another browser: another session, another token
    login(other, "learner")
    assert _save(other, attempt_id, token, payload(2, 5)).status_code == 400
    assert _stored_seqs(attempt_id) == [1, 2]


def test_a_remembered_token_expires_when_flask_wtf_would_expire_it(app, client, db, users, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 600)  # before the token is made
    quiz, attempt_id, token = _signed_in_attempt(client, questions=1)
    question = quiz.items[0].question
    assert _save(client, attempt_id, token, _right(question, 1)).status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 599)
    assert _save(client, attempt_id, token, _right(question, 2)).status_code == 200
    monkeypatch.setattr(time, "time", lambda: now + 602)
    assert _save(client, attempt_id, token, _right(question, 3)).status_code == 400
    assert _stored_seqs(attempt_id) == [2]


def test_forms_still_need_their_token(app, client, db, users):
    login(client, "learner")
    assert client.post("/logout", data={}).status_code == 400
    assert client.post("/logout", data={"csrf_token": "x" * 40}).status_code == 400
