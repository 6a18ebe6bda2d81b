"""Who is told what: each message composed in the recipient's language and queued once.

Every notice is recorded under a key (``NotificationRecord``) in the same transaction as its
message, so a job that runs again, or the daily command run twice, tells no one twice.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.mail import Attachment, MailMessage, queue_for_user, site_link
from lms.models import Agency, User
from lms.text import fold
from notifications.models import NotificationRecord


def already_notified(key: str) -> bool:
    """True when a notice under ``key`` was given (or found unnecessary) before."""
    return db.session.scalar(select(NotificationRecord.id).where(NotificationRecord.key == key)) is not None


def notify_once(key: str, user: User, kind: str, *, template: str, subject: Callable[[], str], context: dict,
                attachments: Iterable[dict] = ()) -> MailMessage | None:
    """Queue the message for ``user`` unless a notice under ``key`` exists; record it either way.

    Two runners racing on the same key: the unique key lets one through, the other's savepoint
    (its message and record) is rolled back.
    """
    if already_notified(key):
        return None
    try:
        with db.session.begin_nested():
            message = queue_for_user(user, kind, template=template, subject=subject, context=context,
                                     attachments=attachments)
            db.session.add(NotificationRecord(key=key, user_id=user.id, message_id=message.id if message else None))
    except IntegrityError:
        return None
    return message


# ----------------------------------------------------------------------------- certificates

def _document_label(certificate) -> str:
    from certificates.models import CertificateKind

    return _("giấy chứng nhận") if certificate.kind is CertificateKind.COURSE_COMPLETION else _("chứng chỉ")


def certificate_issued(certificate, replaces=None) -> MailMessage | None:
    """Tell the holder a certificate was issued (or reissued): the verification link, and the
    signed PDF attached where the issuer allows it."""
    from certificates import codes
    from certificates.documents import verify_url_for

    holder = db.session.get(User, certificate.holder_id) if certificate.holder_id else None
    if holder is None:
        return None
    attach = bool(certificate.issuer is not None and certificate.issuer.attach_pdf_to_email)
    context = {"certificate": certificate, "verify_url": verify_url_for(certificate),
               "code": codes.display(certificate.code), "dashboard_url": site_link("main.dashboard"),
               "attached": attach, "replaces": replaces, "label": lambda: _document_label(certificate)}
    return notify_once(f"certificate-issued:{certificate.id}", holder, "certificate_issued",
                       template="mail/certificate_issued.txt",
                       subject=lambda: _("Thông báo cấp %(document)s số hiệu %(serial)s",
                                         document=_document_label(certificate), serial=certificate.serial),
                       context=context,
                       attachments=[{"source": "certificate-pdf", "key": certificate.code}] if attach else ())


def certificate_pdf_attachment(code: str) -> Attachment | None:
    """The signed PDF of a valid certificate, for its e-mail (signed now if it was not yet)."""
    from certificates import documents, services
    from certificates.models import CertificateStatus

    certificate = services.find_by_code(code)
    if certificate is None or certificate.status is not CertificateStatus.VALID:
        return None  # revoked or replaced since: the e-mail goes without it
    filename = re.sub(r"[^A-Za-z0-9._-]+", "-", certificate.serial).strip("-") or "chung-chi"
    return Attachment(f"{filename}.pdf", documents.signed_pdf(certificate), "application/pdf")


def demo_issuer_attaches_pdf() -> None:
    """Demo data: the demo issuer e-mails certificates with their signed PDF."""
    from certificates.models import Issuer

    for issuer in db.session.scalars(select(Issuer)):
        issuer.attach_pdf_to_email = True
    db.session.flush()


# ----------------------------------------------------------------------------- exams

def exam_invitation(session, user: User) -> MailMessage | None:
    """Invite a candidate: when, where, for how long, what to bring, and the exam's page."""
    return notify_once(f"exam-invitation:{session.id}:{user.id}", user, "exam_invitation",
                       template="mail/exam_invitation.txt",
                       subject=lambda: _("Giấy mời dự thi: %(title)s", title=session.title),
                       context={"session": session, "link": site_link("quizzes.my_exam", session_id=session.id)})


def exam_result(session, candidate) -> MailMessage | None:
    """Tell a candidate their official result once the session's results are released."""
    return notify_once(f"exam-result:{session.id}:{candidate.user_id}", candidate.user, "exam_result",
                       template="mail/exam_result.txt",
                       subject=lambda: _("Kết quả kỳ thi: %(title)s", title=session.title),
                       context={"session": session, "candidate": candidate,
                                "link": site_link("quizzes.my_exam", session_id=session.id)})


# ----------------------------------------------------------------------------- courses

def assignment_recipients(assignment) -> list[User]:
    """Active people with an e-mail address whom an assignment names (one person, everyone in an
    agency and its units, or those holding a position there) and who have not completed it."""
    from courses.models import Enrolment

    query = select(User).where(User.active.is_(True), User.email.is_not(None))
    if assignment.user_id is not None:
        query = query.where(User.id == assignment.user_id)
    else:
        agency = db.session.get(Agency, assignment.agency_id)
        if agency is None:
            return []
        query = query.join(Agency, Agency.id == User.agency_id).where(Agency.path.startswith(agency.path))
    completed = select(Enrolment.user_id).where(Enrolment.course_id == assignment.course_id,
                                                Enrolment.completed_at.is_not(None))
    people = list(db.session.scalars(query.where(User.id.not_in(completed)).order_by(User.id)))
    if assignment.user_id is None and assignment.position:
        wanted = fold(assignment.position)
        people = [person for person in people if fold(person.position or "") == wanted]
    return people


def course_assigned(assignment, user: User) -> MailMessage | None:
    """Tell a person a course was assigned to them, with its due date and link."""
    course = assignment.course
    return notify_once(f"course-assigned:{assignment.id}:{user.id}", user, "course_assigned",
                       template="mail/course_assigned.txt",
                       subject=lambda: _("Khóa học được giao: %(title)s", title=course.title),
                       context={"course": course, "due_on": assignment.due_on,
                                "link": site_link("courses.course", slug=course.slug)})


def due_reminder(user: User, kind: str, items: list[tuple], keys: list[str]) -> MailMessage | None:
    """One reminder listing a person's courses due soon (``kind`` "due_soon") or overdue
    ("overdue"); ``items`` are (course, due date, days) and ``keys`` record each course's notice."""
    if all(already_notified(key) for key in keys):
        return None
    try:
        with db.session.begin_nested():
            subject = (lambda: _("Sắp đến hạn hoàn thành khóa học")) if kind == "due_soon" else \
                (lambda: _("Đã quá hạn hoàn thành khóa học"))
            message = queue_for_user(
                user, kind, template=f"mail/{kind}.txt", subject=subject,
                context={"items": [(course, due, days, site_link("courses.course", slug=course.slug))
                                   for course, due, days in items],
                         "dashboard_url": site_link("main.dashboard")})
            for key in keys:
                db.session.add(NotificationRecord(key=key, user_id=user.id, message_id=message.id if message else None))
    except IntegrityError:
        return None
    return message
