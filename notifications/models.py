"""What has been told to whom, so that no one is told the same thing twice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UTCDateTime, utcnow
from lms.extensions import Model


class NotificationRecord(Model):
    """One notice given (or found unnecessary), under a key naming the event and the person,
    e.g. ``due:12:4:2026-12-20:3`` (user 12, course 4, due 20/12/2026, the 3-day reminder).
    The unique key makes a second run of the same job or daily command send nothing."""

    __tablename__ = "notification_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(191), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("mail_message.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
