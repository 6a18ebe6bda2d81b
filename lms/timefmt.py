"""Dates and numbers as people read them: Asia/Ho_Chi_Minh time, dd/mm/yyyy, Vietnamese digits."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask_babel import format_decimal

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def local(dt: datetime) -> datetime:
    """Convert an aware UTC datetime to Vietnamese local time."""
    return dt.astimezone(LOCAL_ZONE)


def local_today() -> date:
    """Today's date in Vietnam."""
    return datetime.now(LOCAL_ZONE).date()


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy (local date for datetimes); '' for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in local time; '' for None."""
    if value is None:
        return ""
    return local(value).strftime("%d/%m/%Y %H:%M")


def format_score(value: float | Decimal | None) -> str:
    """A score with two decimals in the reader's locale: 8,50 in Vietnamese, 8.50 in English."""
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.00")


def format_iso_date(value: str | None) -> str:
    """An ISO date string (yyyy-mm-dd) shown as dd/mm/yyyy; '' for None."""
    return format_date(date.fromisoformat(value)) if value else ""
