"""Outgoing mail against a real SMTP server (aiosmtpd) started by the test: headers, a Vietnamese
subject in RFC 2047, the signed PDF attached and valid; retries with backoff, failures recorded
and sent again without loss; the development outbox folder and page; RQ as the queue."""
from __future__ import annotations

import io
import os
import socket
from email import message_from_bytes, policy
from email.header import decode_header

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from sqlalchemy import select

from certificates import services as certificate_services
from certificates.documents import check_uploaded_pdf
from lms import mail
from lms.mail import MailMessage
from lms.models import AuditEntry
from tests import factories
from tests.conftest import login, post_form


class Collector:
    """An aiosmtpd handler that keeps every message it accepts; ``replies`` scripts the first
    answers to DATA (e.g. a 451 "try later") before it starts accepting."""

    def __init__(self, replies=()):
        self.messages: list[dict] = []
        self.replies = list(replies)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        if self.replies:
            return self.replies.pop(0)
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content})
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A port on the loopback address that nothing listens on (connecting to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 for the length of a test."""

    def __init__(self, port: int, handler: Collector):
        self.port, self.handler = port, handler
        self.controller = Controller(handler, hostname="127.0.0.1", port=port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@pytest.fixture()
def smtp_app(app, monkeypatch):
    """The application sending through SMTP on a free local port, from the job queue (a thread)."""
    port = free_port()
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                       "MAIL_USE_TLS": False, "MAIL_USE_SSL": False, "MAIL_TIMEOUT": 10,
                       "MAIL_DISPATCH": "queue", "MAIL_RETRY_DELAYS": "0,0",
                       "MAIL_DEFAULT_SENDER": "Trung tâm Chuyển đổi số <no-reply@hoccntt.nghean.gov.vn>"}.items():
        monkeypatch.setitem(app.config, key, value)
    return app


def wait_for_senders(app) -> None:
    """Join the background threads the commit started (the sending happens there)."""
    for thread in list(app.extensions.get("lms.job_threads", [])):
        thread.join(timeout=60)
        assert not thread.is_alive(), "a sender thread did not finish"


def _complete_course(holder, title="Thư điện tử công vụ"):
    from courses.services import record_lesson_view
    from quizzes.services import start_attempt, submit_attempt

    course = factories.course(title, lessons=1)
    quiz = factories.quiz(course, questions=1)
    record_lesson_view(holder, course.lessons[0])
    attempt = start_attempt(holder, quiz)
    submit_attempt(attempt, {quiz.items[0].question_id: {"option": factories.correct_option_id(quiz.items[0].question)}})
    return certificate_services.certificates_of(holder)[0]


def _decoded(value: str) -> str:
    return "".join(part.decode(charset or "ascii") if isinstance(part, bytes) else part
                   for part, charset in decode_header(value))


def test_certificate_email_arrives_with_headers_encoded_subject_and_a_valid_signed_pdf(smtp_app, db, users):
    issuer = certificate_services.default_issuer()
    issuer.attach_pdf_to_email = True
    holder = users["learner"]
    handler = Collector()
    with SmtpServer(smtp_app.config["MAIL_PORT"], handler):
        certificate = _complete_course(holder)
        row = db.session.scalar(select(MailMessage).where(MailMessage.kind == "certificate_issued"))
        assert row is not None and row.status == "queued"
        assert handler.messages == []  # nothing leaves before the transaction commits
        db.session.commit()
        wait_for_senders(smtp_app)
    assert len(handler.messages) == 1
    received = handler.messages[0]
    assert received["to"] == [holder.email]
    assert received["from"] == "no-reply@hoccntt.nghean.gov.vn"
    raw = received["data"]
    parsed = message_from_bytes(raw, policy=policy.default)
    expected_subject = f"Thông báo cấp giấy chứng nhận số hiệu {certificate.serial}"
    raw_subject = message_from_bytes(raw, policy=policy.compat32)["Subject"]
    assert "=?utf-8?" in raw_subject.lower(), "a non-ASCII subject is sent as RFC 2047 encoded words"
    assert raw_subject.isascii()
    assert _decoded(raw_subject).strip() == expected_subject == str(parsed["Subject"])
    assert str(parsed["To"]) == f"Nguyễn Thị Hương <{holder.email}>"
    assert str(parsed["From"]) == "Trung tâm Chuyển đổi số <no-reply@hoccntt.nghean.gov.vn>"
    assert parsed["Auto-Submitted"] == "auto-generated" and parsed["Content-Language"] == "vi"
    db.session.expire_all()
    row = db.session.get(MailMessage, row.id)
    assert parsed["Message-ID"] == row.message_id and parsed["Date"]
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    verify_url = f"http://127.0.0.1:5000/verify/{certificate.code}"
    assert "Kính gửi anh/chị Nguyễn Thị Hương," in text and verify_url in text and certificate.serial in text
    assert f'<a href="{verify_url}">' in html and "Nguyễn Thị Hương" in html
    attachments = list(parsed.iter_attachments())
    assert [a.get_content_type() for a in attachments] == ["application/pdf"]
    assert attachments[0].get_filename() == f"{certificate.serial}.pdf"
    pdf = attachments[0].get_content()
    assert "Nguyễn Thị Hương" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert check_uploaded_pdf(pdf).genuine, "the attached PDF is the signed certificate, unaltered"
    assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None and row.last_error is None


def test_a_message_in_english_for_a_person_who_chose_english(smtp_app, db, users):
    holder = users["learner"]
    holder.locale = "en"
    handler = Collector()
    with SmtpServer(smtp_app.config["MAIL_PORT"], handler):
        certificate = _complete_course(holder)
        db.session.commit()
        wait_for_senders(smtp_app)
    parsed = message_from_bytes(handler.messages[0]["data"], policy=policy.default)
    assert str(parsed["Subject"]) == f"Your certificate of completion {certificate.serial} has been issued"
    assert parsed["Content-Language"] == "en"
    text = parsed.get_body(("plain",)).get_content()
    assert text.startswith("Dear Nguyễn Thị Hương,") and "Kính gửi" not in text
    assert not certificate.issuer.attach_pdf_to_email and not list(parsed.iter_attachments())


def test_a_refused_connection_is_retried_then_recorded_as_failed_and_sent_again_without_loss(
        smtp_app, client, db, users):
    holder = users["learner"]
    certificate = _complete_course(holder)  # nothing listens on MAIL_PORT: every connection is refused
    db.session.commit()
    wait_for_senders(smtp_app)
    db.session.expire_all()
    row = db.session.scalar(select(MailMessage).where(MailMessage.kind == "certificate_issued"))
    assert row.status == "failed" and row.attempts == 3  # the first try and the two retries
    assert "ConnectionRefusedError" in row.last_error
    assert certificate.serial in row.body_text and row.to_address == holder.email  # nothing lost
    assert login(client, "admin").status_code == 302
    page = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert row.subject in page and "Gửi không được" in page and "ConnectionRefusedError" in page
    handler = Collector()
    with SmtpServer(smtp_app.config["MAIL_PORT"], handler):
        response = post_form(client, f"/admin/outbox/{row.id}", f"/admin/outbox/{row.id}/retry")
        assert response.status_code == 302
        wait_for_senders(smtp_app)
    assert len(handler.messages) == 1
    parsed = message_from_bytes(handler.messages[0]["data"], policy=policy.default)
    assert parsed["Message-ID"] == row.message_id  # the same message, not a new one
    db.session.expire_all()
    row = db.session.get(MailMessage, row.id)
    assert row.status == "sent" and row.attempts == 1 and row.last_error is None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "mail.retry")) is not None


def test_a_temporary_refusal_is_retried_and_a_permanent_one_is_not(smtp_app, db, users):
    holder, other = users["learner"], users["hr"]
    handler = Collector(replies=["451 4.3.0 Mailbox busy, try later"])
    with SmtpServer(smtp_app.config["MAIL_PORT"], handler):
        _complete_course(holder)
        db.session.commit()
        wait_for_senders(smtp_app)
        db.session.expire_all()
        first = db.session.scalar(select(MailMessage).where(MailMessage.recipient_id == holder.id))
        assert first.status == "sent" and first.attempts == 2 and len(handler.messages) == 1
        handler.replies = ["550 5.1.1 No such mailbox"]
        _complete_course(other, "Soạn thảo văn bản")
        db.session.commit()
        wait_for_senders(smtp_app)
    db.session.expire_all()
    second = db.session.scalar(select(MailMessage).where(MailMessage.recipient_id == other.id))
    assert second.status == "failed" and second.attempts == 1 and "550" in second.last_error
    assert len(handler.messages) == 1


def test_a_rolled_back_change_sends_nothing(smtp_app, db, users):
    handler = Collector()
    with SmtpServer(smtp_app.config["MAIL_PORT"], handler):
        _complete_course(users["learner"])
        db.session.rollback()
        db.session.commit()
        wait_for_senders(smtp_app)
    assert handler.messages == []
    assert db.session.scalar(select(MailMessage)) is None


def test_development_outbox_folder_and_the_admin_page(app, client, db, users):
    assert app.config["MAIL_BACKEND"] == "outbox"
    certificate = _complete_course(users["learner"])
    db.session.commit()
    assert mail.send_queued() == {"sent": 1}
    row = db.session.scalar(select(MailMessage))
    path = os.path.join(app.config["MAIL_OUTBOX_DIR"], row.eml_name)
    parsed = message_from_bytes(open(path, "rb").read(), policy=policy.default)
    assert str(parsed["Subject"]) == row.subject and certificate.serial in parsed.get_body(("plain",)).get_content()
    from tests.matrix import signed_in_client

    assert signed_in_client(app, users["learner"]).get("/admin/outbox").status_code == 403
    assert login(client, "admin").status_code == 302
    page = client.get("/admin/outbox").get_data(as_text=True)
    assert "MAIL_SERVER" in page and row.subject in page and "Đã gửi" in page
    detail = client.get(f"/admin/outbox/{row.id}").get_data(as_text=True)
    assert certificate.serial in detail and users["learner"].email in detail
    download = client.get(f"/admin/outbox/{row.id}/message.eml")
    assert download.status_code == 200 and download.mimetype == "message/rfc822"
    assert download.data == open(path, "rb").read()
    assert mail.send_queued() == {}  # already sent: nothing to do


def test_mail_goes_through_rq_when_redis_is_configured(smtp_app, db, users, monkeypatch):
    import redis
    from rq import Queue, SimpleWorker

    from lms.jobs import QUEUE_NAME

    connection = redis.Redis.from_url("redis://127.0.0.1:6379/6")
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 here (CI starts one)")
    connection.flushdb()
    # The worker builds its own application from the environment, as `flask jobs worker` does.
    for name in ("CERTIFICATE_SIGNING_KEY", "CERTIFICATE_SIGNING_CERT", "CERTIFICATE_BADGE_KEY",
                 "CERTIFICATE_STORAGE_DIR", "SECRET_KEY", "MAIL_SERVER", "MAIL_PORT", "MAIL_RETRY_DELAYS",
                 "MAIL_DEFAULT_SENDER"):
        monkeypatch.setenv(name, str(smtp_app.config[name]))
    monkeypatch.setenv("DATABASE_URL", smtp_app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("LMS_ENV", "testing")
    monkeypatch.setitem(smtp_app.config, "REDIS_URL", "redis://127.0.0.1:6379/6")
    handler = Collector()
    queue = Queue(QUEUE_NAME, connection=connection)
    with SmtpServer(smtp_app.config["MAIL_PORT"], handler):
        _complete_course(users["learner"])
        assert queue.count == 0, [j.func_name for j in queue.jobs]
        db.session.commit()
        assert queue.count == 1 and not [t for t in smtp_app.extensions.get("lms.job_threads", []) if t.is_alive()]
        SimpleWorker([queue], connection=connection).work(burst=True)
    assert len(handler.messages) == 1
    db.session.expire_all()
    assert db.session.scalar(select(MailMessage)).status == "sent"
    connection.flushdb()


def test_two_runners_never_send_the_same_message_twice(app, db, users):
    _complete_course(users["learner"])
    db.session.commit()
    row_id = db.session.scalar(select(MailMessage.id))
    assert mail.attempt_delivery(row_id) == "sent"
    assert mail.attempt_delivery(row_id) == "skipped"
    assert mail.send_queued() == {}


def test_tls_settings_exclude_each_other(monkeypatch, tmp_path):
    from lms.config import ConfigError, load_config

    monkeypatch.setenv("MAIL_USE_TLS", "1")
    monkeypatch.setenv("MAIL_USE_SSL", "1")
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), {"SECRET_KEY": "x"})
    monkeypatch.delenv("MAIL_USE_SSL")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.gov.vn")
    config = load_config(str(tmp_path), {"SECRET_KEY": "x"})
    assert config["MAIL_PORT"] == 587 and config["MAIL_BACKEND"] == "smtp" and config["MAIL_USE_TLS"]


def test_starttls_is_used_when_configured(smtp_app, db, users, monkeypatch, tmp_path):
    """MAIL_USE_TLS: the client asks for STARTTLS; a server that does not offer it is an error
    recorded on the message (never a silent fall back to plain text)."""
    monkeypatch.setitem(smtp_app.config, "MAIL_USE_TLS", True)
    handler = Collector()
    with SmtpServer(smtp_app.config["MAIL_PORT"], handler):
        _complete_course(users["learner"])
        db.session.commit()
        wait_for_senders(smtp_app)
    db.session.expire_all()
    row = db.session.scalar(select(MailMessage))
    assert handler.messages == [] and row.status == "failed"
    assert "STARTTLS" in row.last_error or "starttls" in row.last_error.lower()



def test_mail_commands_test_the_server_and_send_failed_messages_again(app, db, users, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    refused = runner.invoke(args=["mail", "test", "it@nghean.gov.vn"])
    assert refused.exit_code != 0 and "not sent (failed)" in refused.output and "ConnectionRefusedError" in refused.output
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")  # the server is fixed
    again = runner.invoke(args=["mail", "retry"])
    assert again.exit_code == 0 and "1 of 1 sent." in again.output, again.output
    row = db.session.scalar(select(MailMessage))
    db.session.refresh(row)
    assert row.status == "sent" and os.path.isfile(os.path.join(app.config["MAIL_OUTBOX_DIR"], row.eml_name))
    assert runner.invoke(args=["mail", "retry"]).output.strip() == "0 of 0 sent."
