"""Fixtures: an application on a migrated database (SQLite, or PostgreSQL with
``TEST_DATABASE_URL``), a client, users per role and a way to sign them in."""
from __future__ import annotations

import contextvars
import os
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from lms import create_app
from lms.database import begin_immediately
from lms.extensions import db as _db
from lms.extensions import limiter
from lms.models import Role
from lms.services import load_framework
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
# Reference data loaded once by the migration-built schema and kept between tests.
KEPT_TABLES = {"alembic_version", "competency_module", "competency_standard"}


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def _reset_database(url: str) -> None:
    """Start from an empty database, so the schema comes from the migrations alone."""
    if url.startswith("sqlite"):
        return  # a fresh temporary file
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application, its database built by running every migration."""
    url = _database_url(tmp_path_factory)
    _reset_database(url)
    instance = tmp_path_factory.mktemp("instance")
    from certificates.credentials import create_demo_rsa_key
    from certificates.documents import create_demo_keys

    keys = create_demo_keys(instance / "issuer", "Ủy ban nhân dân tỉnh Nghệ An")
    keys.update(create_demo_rsa_key(instance / "issuer"))
    application = create_app({
        **keys,
        "CERTIFICATE_STORAGE_DIR": str(instance / "certificates"),
        "MEDIA_DIR": str(instance / "media"),
        # Mail goes to .eml files in the test instance (lms.mail), sent when a test asks
        # (``send_queued``, or MAIL_DISPATCH=queue in the mail tests); a failing send retries at once.
        "MAIL_OUTBOX_DIR": str(instance / "outbox"),
        "MAIL_DISPATCH": "sweep",
        "MAIL_RETRY_DELAYS": "0,0",
        "BACKUP_DIR": str(instance / "backups"),
        "LMS_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SITE_URL": "http://127.0.0.1:5000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_VERIFY": "1000 per minute",
        "RATELIMIT_LOGIN": "1000 per minute",
        "INSTANCE_FOR_TESTS": str(instance),
        "PASSWORD_HASH_PROFILE": "cheapest",
        # No timer thread writing counts behind the tests' backs (tests flush when they look).
        "VERIFICATION_COUNT_FLUSH_SECONDS": 0,  # argon2-cffi's profile for tests: thousands of sign-ins
    })
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_framework()
        _db.session.commit()
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture()
def db(app):
    """The database session inside an application context; every row is removed afterwards.

    The test's own SQLite transactions begin deferred (as readers) so that threads the test
    starts (a job, a served page) can write while the test holds its session open.
    """
    begin_immediately(False)
    with app.app_context():
        yield _db
        # Jobs a test started in background threads finish before the next test's data.
        for thread in app.extensions.get("lms.job_threads", []):
            thread.join(timeout=60)
        app.extensions["lms.job_threads"] = []
        _db.session.rollback()
        _db.session.remove()
        tables = [t for t in reversed(_db.metadata.sorted_tables) if t.name not in KEPT_TABLES]
        with _db.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(f'"{t.name}"' for t in tables)
                connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                # Self-references (agency.parent_id) make row-by-row checks fail: check at commit.
                connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
                for table in tables:
                    connection.execute(table.delete())
            connection.commit()
    limiter.reset()


class IsolatedClient(FlaskClient):
    """A test client whose requests run as in production: each in its own application context.

    The ``db`` fixture keeps an application context open for the test; Flask would reuse it
    for requests, sharing ``g`` and the database session between them. Running each request
    in an empty ``contextvars.Context`` gives it a fresh context. The test's own session
    commits first (so the request sees the data the test built) and forgets its cached rows
    afterwards (so the test sees what the request wrote).
    """

    def open(self, *args, **kwargs):
        _db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture()
def client(app, db):
    """A test client (cookies kept between requests)."""
    app.test_client_class = IsolatedClient
    return app.test_client()


def csrf_token_from(html: str) -> str:
    """The CSRF token embedded in a rendered page."""
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client, username: str, password: str = factories.PASSWORD):
    """Sign in through the real login form (CSRF included); return the response."""
    page = client.get("/login")
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post("/login", data={"login": username, "password": password, "csrf_token": token})


def post_form(client, page_url: str, action_url: str, data: dict | None = None, **kwargs):
    """Load ``page_url`` for its CSRF token, then POST ``data`` to ``action_url``."""
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(action_url, data={"csrf_token": token, **(data or {})}, **kwargs)


@pytest.fixture()
def province(db):
    """The demo province's top agency and one department under it."""
    top = factories.agency()
    factories.agency("000.00.01.H41", "Sở Nội vụ")
    _db.session.commit()
    return top


@pytest.fixture()
def users(db, province):
    """One account per role; staff roles cover the whole province."""
    people = {
        "learner": factories.user("Nguyễn Thị Hương", username="learner", agency_=province),
        "author": factories.user("Trần Văn Minh", username="author", role=Role.AUTHOR),
        "examiner": factories.user("Lê Thị Thu Hà", username="examiner", role=Role.EXAMINER, scope=province),
        "hr": factories.user("Phạm Quốc Bảo", username="hr", role=Role.HR, scope=province),
        "admin": factories.user("Hoàng Đức Thắng", username="admin", role=Role.ADMIN),
    }
    _db.session.commit()
    return people


@pytest.fixture()
def logged_in(client, users):
    """A function that signs in the user of a role and returns the client."""

    def sign_in(role: str = "learner"):
        response = login(client, users[role].username)
        assert response.status_code == 302, "login failed"
        return client

    return sign_in
