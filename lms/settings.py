"""Site settings that are data, not deployment: the site's name, the organisation, the contact
address and the mail sender. An administrator edits them in the browser (``admin``); where one is
set it wins over the environment's value (``SITE_NAME``, ``ORGANISATION_NAME``, ``SITE_CONTACT``,
``MAIL_DEFAULT_SENDER``), so a province renames its site without a redeployment.

They live in the kernel (not in ``admin``) because the layout and the mail sender read them and
the kernel knows no feature package. Read once per request (``g``) and at most one query.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app, g, has_app_context
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UTCDateTime, utcnow
from lms.extensions import Model, db

# Setting key -> the configuration variable it overrides.
SETTINGS = {
    "site_name": "SITE_NAME",
    "organisation": "ORGANISATION_NAME",
    "contact": "SITE_CONTACT",
    "mail_sender": "MAIL_DEFAULT_SENDER",
}


class SiteSetting(Model):
    """One setting's value (a missing row or an empty value: the configuration's)."""

    __tablename__ = "site_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


def stored_settings() -> dict[str, str]:
    """The non-empty stored values, read once per request or application context."""
    if has_app_context() and "site_settings" in g:
        return g.site_settings
    try:
        values = {key: value for key, value in db.session.execute(select(SiteSetting.key, SiteSetting.value))
                  if value}
    except SQLAlchemyError:  # the database is down (or not yet migrated): the configuration's values
        values = {}
    if has_app_context():
        g.site_settings = values
    return values


def setting(key: str) -> str:
    """The value of ``key``: the stored one when set, else the configuration's ("" if neither)."""
    stored = stored_settings().get(key)
    if stored:
        return stored
    return current_app.config.get(SETTINGS[key]) or ""


def forget_cached() -> None:
    """Make the next ``setting`` read the table again (after a change)."""
    if has_app_context():
        g.pop("site_settings", None)
