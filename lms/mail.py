"""Outgoing e-mail: every message is a row, sent from the job queue with retries and backoff.

Features never talk to the mail server. They call ``queue_message`` inside their transaction; the
row (``MailMessage``) holds what will be sent (recipient, subject, plain text and HTML bodies,
attachments named by source, the Message-ID). Once the transaction commits, the messages go to
the job queue — an RQ queue when ``REDIS_URL`` is set (``flask jobs worker``), a background
thread of the process otherwise — so a slow or absent mail server never slows a page, and a
rolled-back transaction sends nothing.

Each delivery attempt first claims the row (a conditional update: queued → sending), so two
runners never send the same message. A temporary failure (refused connection, timeout, 4xx)
puts the row back in the queue with the next attempt after ``MAIL_RETRY_DELAYS``; after the last
delay, or at once for a permanent refusal (5xx), it is recorded as failed, with the error, and
kept: an administrator can send it again from ``/admin/outbox`` or ``flask mail retry``.
``flask mail send-queued`` (cron) picks up anything a stopped process left behind.

Composing and sending is the standard library's: ``email.message.EmailMessage`` with the SMTP
policy (RFC 5322 folding, RFC 2047 encoded words for Vietnamese subjects and names, multipart
text/HTML, attachments) and ``smtplib`` (STARTTLS with ``MAIL_USE_TLS``, TLS from the first byte
with ``MAIL_USE_SSL``, a timeout). Chosen over Flask-Mailman (Django's compat32-era classes),
which folds a long Vietnamese subject after an empty first line that Python's own parser reads
back with a leading space; the standard library is maintained with Python itself. Without
``MAIL_SERVER`` (development) each message is written as an .eml file to ``MAIL_OUTBOX_DIR``.
"""
from __future__ import annotations

import atexit
import ipaddress
import re
import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from markupsafe import Markup, escape
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, event, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UTCDateTime, rows_changed, utcnow
from lms.extensions import Model, db

QUEUED, SENDING, SENT, FAILED = "queued", "sending", "sent", "failed"
STATUSES = (QUEUED, SENDING, SENT, FAILED)
# A claim older than this is a runner that died mid-send: ``send_queued`` takes the message again.
STALE_CLAIM = timedelta(minutes=15)
# What a sensitive message's bodies (a password-reset link) become once it has been sent or given up.
SCRUBBED = "[…]"


class MailMessage(Model):
    """One outgoing message and what became of it."""

    __tablename__ = "mail_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)  # certificate_issued, password_reset, …
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(255))
    to_name: Mapped[str] = mapped_column(String(255), default="")
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    # [{"source": "certificate-pdf", "key": "<code>"}]: resolved when sent (``register_attachment_source``).
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    message_id: Mapped[str] = mapped_column(String(255))  # kept across retries: one message, one id
    # A secret inside (a password-reset link): the body is never shown and is wiped once done.
    sensitive: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where the development backend wrote the .eml file (relative to MAIL_OUTBOX_DIR).
    eml_name: Mapped[str | None] = mapped_column(String(255))


# ----------------------------------------------------------------------------- configuration

def init_app(app: Flask) -> None:
    """Attach the ``flask mail`` commands to ``app``."""
    app.cli.add_command(mail_cli)


def retry_delays(app: Flask | None = None) -> list[float]:
    """Seconds to wait before the 2nd, 3rd, … attempt (``MAIL_RETRY_DELAYS``); attempts = len + 1."""
    value = (app or current_app).config.get("MAIL_RETRY_DELAYS", "60,300,1800,7200")
    if isinstance(value, str):
        return [float(part) for part in value.split(",") if part.strip()]
    return [float(part) for part in value]


def default_sender() -> str:
    """The site setting "mail_sender", else ``MAIL_DEFAULT_SENDER``, else the site's name at
    no-reply@ the site's host."""
    from lms.settings import setting

    config = current_app.config
    sender = setting("mail_sender")  # the site setting where an administrator set one
    if sender:
        return sender
    host = urlsplit(config["SITE_URL"]).hostname or "localhost"
    if "." not in host:  # an address needs a domain; "localhost" has none
        host += ".localdomain"
    return str(Address(setting("site_name"), "no-reply", host))


def backend_name() -> str:
    """``MAIL_BACKEND``: "smtp" when ``MAIL_SERVER`` is set, else "outbox" (the .eml folder)."""
    config = current_app.config
    return config.get("MAIL_BACKEND") or ("smtp" if config.get("MAIL_SERVER") else "outbox")


def _ehlo_name() -> str:
    """The name this client gives in EHLO: the site's host (an address literal for an IP)."""
    host = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host
    return f"[{host}]"


def send_smtp(email: EmailMessage) -> None:
    """Hand one message to the configured SMTP server (raises on any failure)."""
    config = current_app.config
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 30)
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if config.get("MAIL_USE_SSL"):
        client = smtplib.SMTP_SSL(host, port, local_hostname=_ehlo_name(), timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(host, port, local_hostname=_ehlo_name(), timeout=timeout)
    with client:
        if config.get("MAIL_USE_TLS"):
            # Refused (SMTPNotSupportedError) by a server that does not offer it: never plain text instead.
            client.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        client.send_message(email)


def write_to_outbox(email: EmailMessage, name: str) -> None:
    """Development (no ``MAIL_SERVER``): write the message as an .eml file any mail program opens."""
    folder = Path(current_app.config["MAIL_OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(email.as_bytes())
    temporary.replace(path)  # a reader never sees half a file


# ----------------------------------------------------------------------------- attachments

@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name, bytes and MIME type."""

    filename: str
    content: bytes
    mimetype: str


AttachmentSource = Callable[[str], Attachment | None]


def register_attachment_source(app: Flask, name: str, source: AttachmentSource) -> None:
    """Let a feature supply attachments by reference: ``source(key)`` returns the file (or None
    to send without it). Called when the message is sent, so the file is the current one."""
    app.extensions.setdefault("lms.mail_attachment_sources", {})[name] = source


# ----------------------------------------------------------------------------- composing

_URL = re.compile(r"https?://[^\s<>\"]+")


def site_link(endpoint: str, **values) -> str:
    """The absolute address of a page of the site (``SITE_URL``), built without a request, so
    jobs and commands write the same links as pages do."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return f"{current_app.config['SITE_URL']}{path}"


def locale_for(user) -> str:
    """The language a person reads their mail in: the one they chose, else the site's default."""
    chosen = getattr(user, "locale", None)
    if isinstance(chosen, str) and chosen in current_app.config["LANGUAGES"]:
        return chosen
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _html_paragraphs(text: str) -> list[Markup]:
    """Plain-text paragraphs as HTML: escaped, lines kept, web addresses made links."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = []
        for line in block.splitlines():
            pieces, last = [], 0
            for match in _URL.finditer(line):
                pieces.append(escape(line[last:match.start()]))
                pieces.append(Markup('<a href="{0}">{0}</a>').format(match.group(0)))
                last = match.end()
            pieces.append(escape(line[last:]))
            lines.append(Markup("").join(pieces))
        paragraphs.append(Markup("<br>\n").join(lines))
    return paragraphs


def render_mail(template: str, locale: str, subject: Callable[[], str], context: dict) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a message in ``locale``.

    ``template`` is a plain-text Jinja template (messages marked for translation); the HTML part
    is the same text in the site's mail layout, so the two never say different things.
    """
    from flask import render_template
    from flask_babel import force_locale

    from lms.settings import setting

    values = {"site_name": setting("site_name"), "site_url": current_app.config["SITE_URL"],
              "organisation": setting("organisation"), **context}
    with force_locale(locale):
        title = str(subject())
        text = render_template(template, **values).strip() + "\n"
        html = render_template("mail/layout.html", title=title, paragraphs=_html_paragraphs(text),
                               lang=locale, **values)
    return title, text, html


def queue_for_user(user, kind: str, *, template: str, subject: Callable[[], str], context: dict,
                   attachments: Iterable[dict] = (), sensitive: bool = False) -> MailMessage | None:
    """Compose a message in the person's language and queue it; None when the person has no
    e-mail address or the account is inactive (nothing to send)."""
    if not getattr(user, "email", None) or not getattr(user, "active", True):
        return None
    locale = locale_for(user)
    title, text, html = render_mail(template, locale, subject, {"person": user, **context})
    return queue_message(kind=kind, to_address=user.email, to_name=user.full_name, subject=title, text=text,
                         html=html, locale=locale, recipient_id=user.id, attachments=attachments,
                         sensitive=sensitive)


# ----------------------------------------------------------------------------- queueing

def queue_message(*, kind: str, to_address: str, subject: str, text: str, html: str | None = None,
                  to_name: str = "", locale: str = "vi", recipient_id: int | None = None,
                  attachments: Iterable[dict] = (), sensitive: bool = False) -> MailMessage:
    """Record a message to send once the caller's transaction commits (flush only here)."""
    config = current_app.config
    domain = urlsplit(config["SITE_URL"]).hostname or "localhost"
    message = MailMessage(kind=kind, recipient_id=recipient_id, to_address=to_address.strip(),
                          to_name=to_name or "", subject=subject.replace("\r", " ").replace("\n", " ")[:255],
                          body_text=text, body_html=html, locale=locale, attachments=list(attachments),
                          message_id=make_msgid(domain=domain), sensitive=sensitive, status=QUEUED,
                          attempts=0, created_at=utcnow())
    db.session.add(message)
    db.session.flush()
    _send_after_commit(message.id)
    return message


def _send_after_commit(message_id: int) -> None:
    """Hand the message to the queue when (and only if) the current transaction commits."""
    session = db.session()
    session.info.setdefault("lms.mail_pending", []).append(message_id)
    if session.info.get("lms.mail_listening"):
        return
    session.info["lms.mail_listening"] = True
    context = current_app.app_context()

    def after_commit(committed_session) -> None:
        # SQLAlchemy reports a savepoint's release as a commit too: only the outermost one counts.
        if committed_session.in_nested_transaction():
            return
        ids = committed_session.info.pop("lms.mail_pending", [])
        if ids:
            with context:
                dispatch(ids)

    # A rolled-back row is simply not found when its turn comes ("skipped"), so a rollback needs
    # no listener (a savepoint's rollback must not forget the transaction's other messages).
    event.listen(session, "after_commit", after_commit)


def dispatch(message_ids: list[int]) -> None:
    """Give committed messages to RQ (one job each, retried by RQ) or to one background thread.

    With ``MAIL_DISPATCH=sweep`` nothing is started: messages wait for ``flask mail send-queued``
    (a deployment that sends from one timer only; the test suite, whose tests send when they mean to).
    """
    app = current_app.app_context().app
    if app.config.get("MAIL_DISPATCH", "queue") == "sweep":
        return
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from rq import Queue, Retry

        from lms.jobs import QUEUE_NAME

        delays = [int(delay) for delay in retry_delays(app)]
        queue = Queue(QUEUE_NAME, connection=Redis.from_url(redis_url))
        for message_id in message_ids:
            queue.enqueue(deliver_in_worker, message_id, job_timeout=600, result_ttl=86400,
                          retry=Retry(max=len(delays), interval=delays) if delays else None)
        return
    context = app.app_context()
    thread = threading.Thread(target=_deliver_in_thread, args=(context, message_ids),
                              name=f"mail-{message_ids[0]}", daemon=True)
    thread.start()
    # The same list the job runner uses: tests wait for these threads.
    app.extensions.setdefault("lms.job_threads", []).append(thread)
    _mail_threads.append(thread)
    global _drain_registered
    if not _drain_registered:
        atexit.register(_drain_at_exit)
        _drain_registered = True


_mail_threads: list[threading.Thread] = []
_drain_registered = False
# How long a process that is ending (a ``flask`` command, a worker being stopped) waits for its
# messages to go; a message still waiting for a retry then stays queued for ``flask mail send-queued``.
DRAIN_SECONDS = 60.0


def _drain_at_exit() -> None:
    deadline = time.monotonic() + DRAIN_SECONDS
    for thread in list(_mail_threads):
        thread.join(timeout=max(0.0, deadline - time.monotonic()))


def _deliver_in_thread(context, message_ids: list[int]) -> None:
    with context:
        try:
            deliver_with_retries(message_ids)
        finally:
            db.session.remove()


def deliver_in_worker(message_id: int) -> str:
    """RQ entry point: one attempt; raising asks RQ to retry after the next delay."""
    from lms import create_app

    with create_app().app_context():
        outcome = attempt_delivery(message_id)
        if outcome == "retry":
            raise MailRetry(f"mail {message_id}: will try again")
        return outcome


class MailRetry(RuntimeError):
    """Raised in an RQ worker so that RQ schedules the next attempt."""


def deliver_with_retries(message_ids: list[int]) -> dict[int, str]:
    """Send the messages in this thread: each is tried once, then those that failed for a
    temporary reason again after their delay, until each is sent or has failed for good."""
    outcomes: dict[int, str] = {}
    pending = list(message_ids)
    while pending:
        waiting: list[tuple[datetime, int]] = []
        for message_id in pending:
            outcome = attempt_delivery(message_id)
            outcomes[message_id] = outcome
            if outcome == "retry":
                due = db.session.scalar(select(MailMessage.next_attempt_at).where(MailMessage.id == message_id))
                waiting.append((due or utcnow(), message_id))
        if not waiting:
            break
        earliest = min(due for due, _ in waiting)
        pause = (earliest - utcnow()).total_seconds()
        if pause > 0:
            time.sleep(pause)
        pending = [message_id for _, message_id in sorted(waiting)]
    return outcomes


def _claim(message_id: int) -> bool:
    """Take the message for one attempt (queued and due → sending); False if another runner has it."""
    now = utcnow()
    claimed = rows_changed(db.session,
        update(MailMessage).where(MailMessage.id == message_id, MailMessage.status == QUEUED,
                                  or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now))
        .values(status=SENDING, claimed_at=now, attempts=MailMessage.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return claimed == 1


def _permanent(error: Exception) -> bool:
    """A refusal that trying again will not change (5xx: no such mailbox, message refused)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500 and not isinstance(error, smtplib.SMTPServerDisconnected)
    return isinstance(error, smtplib.SMTPNotSupportedError)


def build_email(message: MailMessage) -> EmailMessage:
    """The message for a row: plain text, HTML alternative, attachments, its fixed Message-ID."""
    email = EmailMessage(policy=policy.SMTP)
    email["Subject"] = message.subject
    email["From"] = default_sender()
    email["To"] = Address(message.to_name, addr_spec=message.to_address) if message.to_name else message.to_address
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = message.message_id
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: automatic replies should not answer it
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    sources = current_app.extensions.get("lms.mail_attachment_sources", {})
    for reference in message.attachments or []:
        source = sources.get(reference.get("source"))
        if source is None:
            raise LookupError(f"no attachment source {reference.get('source')!r}")
        found = source(str(reference.get("key")))
        if found is not None:
            maintype, _, subtype = found.mimetype.partition("/")
            email.add_attachment(found.content, maintype=maintype, subtype=subtype, filename=found.filename)
    email["Content-Language"] = message.locale  # last: setting the content drops Content-* headers
    return email


def outbox_name(message: MailMessage) -> str:
    """The .eml file name of a message in the development outbox."""
    return f"{message.id:07d}-{message.kind}.eml"


def attempt_delivery(message_id: int) -> str:
    """One attempt to send a queued message: "sent", "retry", "failed", or "skipped" (not due,
    already sent, or being sent by another runner). Records the outcome and commits.

    No transaction is open while the mail server is talked to: the message is built and that
    transaction committed first (attaching a PDF may sign and store it), and the outcome is
    recorded in a transaction of its own; on SQLite no write lock waits on a slow server.
    """
    if not _claim(message_id):
        return "skipped"
    error: Exception | None = None
    try:
        message = db.session.get_one(MailMessage, message_id)
        email, name = build_email(message), outbox_name(message)
        email.as_bytes()  # composed now, inside the transaction (headers checked, files read)
        db.session.commit()
        if backend_name() == "outbox":
            write_to_outbox(email, name)
        else:
            send_smtp(email)
    except Exception as caught:  # any failure is recorded on the row; nothing is lost
        error = caught
        db.session.rollback()
    message = db.session.get_one(MailMessage, message_id)
    now = utcnow()
    if error is None:
        message.status, message.sent_at, message.last_error, message.next_attempt_at = SENT, now, None, None
        if backend_name() == "outbox":
            message.eml_name = outbox_name(message)
        outcome = SENT
    else:
        delays = retry_delays()
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if _permanent(error) or message.attempts > len(delays):
            message.status, message.next_attempt_at, outcome = FAILED, None, FAILED
        else:
            message.status = QUEUED
            message.next_attempt_at = now + timedelta(seconds=delays[message.attempts - 1])
            outcome = "retry"
        current_app.logger.warning("mail %s to %s: attempt %s failed: %s", message.id, message.to_address,
                                   message.attempts, message.last_error)
    if message.sensitive and message.status in (SENT, FAILED):
        message.body_text, message.body_html = SCRUBBED, None
    message.claimed_at = None
    db.session.commit()
    return outcome


def requeue(message: MailMessage) -> bool:
    """Put a failed message back in the queue for a fresh round of attempts (flush only);
    False for a message that cannot be sent again (sent already, or its secret was wiped)."""
    if message.status != FAILED or (message.sensitive and message.body_text == SCRUBBED):
        return False
    message.status, message.attempts, message.next_attempt_at, message.claimed_at = QUEUED, 0, None, None
    db.session.flush()
    _send_after_commit(message.id)
    return True


def send_queued(limit: int = 1000) -> dict[str, int]:
    """Send every message that is due (left queued by a stopped process, or whose retry time has
    come) and take back claims older than ``STALE_CLAIM``; returns counts per outcome."""
    now = utcnow()
    db.session.execute(update(MailMessage).where(MailMessage.status == SENDING,
                                                 MailMessage.claimed_at < now - STALE_CLAIM)
                       .values(status=QUEUED, claimed_at=None).execution_options(synchronize_session=False))
    db.session.commit()
    due = list(db.session.scalars(select(MailMessage.id).where(
        MailMessage.status == QUEUED, or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= now))
        .order_by(MailMessage.id).limit(limit)))
    counts: dict[str, int] = {}
    for message_id in due:
        outcome = attempt_delivery(message_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# ----------------------------------------------------------------------------- commands

mail_cli = AppGroup("mail", help="Outgoing e-mail.")


@mail_cli.command("send-queued")
@click.option("--every", type=float, default=0, help="Keep running, every SECONDS (as a service).")
def send_queued_command(every: float) -> None:
    """Send queued messages that are due (after a restart, or when their retry time has come)."""
    while True:
        counts = send_queued()
        click.echo(", ".join(f"{name}: {count}" for name, count in sorted(counts.items())) or "nothing due")
        if not every:
            return
        time.sleep(every)


@mail_cli.command("retry")
@click.option("--id", "message_ids", type=int, multiple=True, help="Only these messages (default: every failed one).")
def retry_command(message_ids: tuple[int, ...]) -> None:
    """Send failed messages again (a fresh round of attempts, in this process)."""
    query = select(MailMessage).where(MailMessage.status == FAILED)
    if message_ids:
        query = query.where(MailMessage.id.in_(message_ids))
    again = [message for message in db.session.scalars(query) if requeue(message)]
    ids = [message.id for message in again]
    db.session.info.pop("lms.mail_pending", None)  # sent right here, not by a background runner
    db.session.commit()
    outcomes = deliver_with_retries(ids)
    sent = sum(1 for outcome in outcomes.values() if outcome == SENT)
    click.echo(f"{sent} of {len(ids)} sent.")


@mail_cli.command("test")
@click.argument("address")
def test_command(address: str) -> None:
    """Send a test message to ADDRESS now and say what happened."""
    message = queue_message(kind="test", to_address=address, subject="Thư thử — Test message",
                            text="Máy chủ thư đã được cấu hình đúng.\n\nThe mail server is configured correctly.\n")
    db.session.info.pop("lms.mail_pending", None)
    db.session.commit()
    outcome = deliver_with_retries([message.id])[message.id]
    db.session.refresh(message)
    if outcome != SENT:
        raise click.ClickException(f"not sent ({message.status}): {message.last_error}")
    click.echo(f"Sent to {address}.")
