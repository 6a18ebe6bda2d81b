"""A database that cannot be reached: honest 503s with Retry-After on every kind of page, a
readiness probe that says so, a liveness probe that does not care."""
from __future__ import annotations

import os

import pytest

from lms import create_app


@pytest.fixture(params=["sqlite", "postgresql"])
def stopped(request, tmp_path):
    """The application configured for a database that is not there (a stopped server refuses the
    connection; a SQLite file in a folder that does not exist cannot be opened)."""
    url = (f"sqlite:///{tmp_path}/missing-folder/lms.sqlite3" if request.param == "sqlite"
           else "postgresql+psycopg://postgres@127.0.0.1:1/stopped")
    os.makedirs(tmp_path / "instance", exist_ok=True)
    app = create_app({"LMS_ENV": "testing", "SECRET_KEY": "outage-test", "SQLALCHEMY_DATABASE_URI": url,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"connect_timeout": 2}}
                      if request.param == "postgresql" else {},
                      "RATELIMIT_STORAGE_URI": "memory://", "PASSWORD_HASH_PROFILE": "cheapest"})
    app.testing = False  # the real error handling, as in production
    return app


def _assert_unavailable_page(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_answer_503_with_retry_after_in_the_sites_style(stopped):
    client = stopped.test_client()
    page = client.get("/courses")
    _assert_unavailable_page(page)
    body = page.get_data(as_text=True)
    assert "Hệ thống tạm thời gián đoạn" in body and "site.css" in body and "Traceback" not in body


def test_signed_in_pages_and_the_api_answer_503_too(stopped):
    client = stopped.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:some-login-session-secret"  # the loader must reach the database
        session["_fresh"] = True
    _assert_unavailable_page(client.get("/dashboard"))
    _assert_unavailable_page(client.get("/courses/thu-dien-tu-cong-vu"))


def test_the_exam_api_answers_503_json_when_signed_in(stopped):
    client = stopped.test_client()
    client.get("/login")  # the session gets its CSRF token (the page fails with 503 or renders)
    with client.session_transaction() as session:
        raw = session.get("csrf_token")
        session["_user_id"] = "1:some-login-session-secret"
        session["_fresh"] = True
    from itsdangerous import URLSafeTimedSerializer

    token = URLSafeTimedSerializer(stopped.config["SECRET_KEY"], salt="wtf-csrf-token").dumps(raw)
    api = client.post("/api/v1/attempts/1/answers", json={"question_id": 1, "response": None, "seq": 1},
                      headers={"X-CSRFToken": token})
    assert api.status_code == 503 and api.is_json
    assert api.headers["Retry-After"] == "30"
    assert api.json["error"]["status"] == 503


def test_readiness_says_unavailable_and_liveness_stays_up(stopped):
    client = stopped.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json["checks"]["database"] == "unavailable"
    assert ready.headers["Retry-After"] == "30"
    assert client.get("/healthz").status_code == 200


def test_readiness_with_everything_up(client, db):
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json == {"status": "ok", "checks": {"database": "ok"}}


def test_readiness_checks_redis_when_configured(app, client, db):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        ready = client.get("/readyz")
    finally:
        app.config["REDIS_URL"] = None
    assert ready.status_code == 503 and ready.json["checks"] == {"database": "ok", "redis": "unavailable"}
