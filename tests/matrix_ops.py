"""Routes of the operations work: the forgotten-password pages and the administrators' outbox."""
from __future__ import annotations

from tests.matrix import PUBLIC, Entry, role

ADMIN = role("admin")

ENTRIES = [
    Entry("password.forgot", "GET", "/password/forgot", PUBLIC),
    Entry("password.forgot", "POST", "/password/forgot", PUBLIC, {"login": "khong-co-ai"}),
    Entry("password.reset", "GET", "/password/reset/not-a-token", PUBLIC),
    Entry("password.reset", "POST", "/password/reset/not-a-token", PUBLIC, {"new": "x", "confirm": "x"}),
    Entry("mailbox.outbox", "GET", "/admin/outbox", ADMIN),
    Entry("mailbox.message", "GET", "/admin/outbox/{mail_message}", ADMIN),
    Entry("mailbox.eml", "GET", "/admin/outbox/{mail_message}/message.eml", ADMIN),
    Entry("mailbox.retry", "POST", "/admin/outbox/{mail_message}/retry", ADMIN),
]


def extend_world(app, places, people):
    """A message sent by the development backend (its .eml file exists)."""
    from lms.extensions import db
    from lms.mail import attempt_delivery, queue_message

    message = queue_message(kind="test", to_address=people["learner"].email, subject="Thư thử",
                            text="Nội dung thư thử.", recipient_id=people["learner"].id)
    db.session.commit()
    attempt_delivery(message.id)
    places["mail_message"] = message.id
