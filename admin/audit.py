"""The audit log viewer: filter by actor, action, object and date range; pages; Excel export.

Read-only by construction: this module has no route that changes an entry (none exists
anywhere), the model refuses UPDATE and DELETE (``lms.models``), and so does the database
(triggers, see the administration migration). Entries are scoped through ``lms.permissions``:
an administrator of a department reads what that department's people did.
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import Response, render_template, request
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased

from admin import bp
from lms.accounts import current_account
from lms.extensions import db
from lms.models import AuditEntry, Role, User
from lms.permissions import role_required, scoped
from lms.text import fold
from lms.timefmt import LOCAL_ZONE, local
from lms.web import int_arg, never_cached

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000  # rows in one Excel file; narrow the filter for more
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class AuditFilter:
    """What the log is narrowed to (every field optional)."""

    actor: str = ""
    action: str = ""
    subject: str = ""
    since: date | None = None
    until: date | None = None


def parse_day(raw: str | None) -> date | None:
    """A day typed as yyyy-mm-dd (a date input) or dd/mm/yyyy; None when empty or not a date."""
    raw = (raw or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    return None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)


def audit_query(actor: User, criteria: AuditFilter) -> Select:
    """Entries ``actor`` may read matching ``criteria``, newest first, with their actors.

    The actor matches a username or a name without diacritics; the action matches exactly or as
    a prefix ending in "." ("account." for every account action); the object matches exactly
    ("user:12") or, without a colon, every object of that kind ("user"); days are Vietnamese days.
    """
    who = aliased(User)
    query = scoped(AuditEntry, "view", select(AuditEntry, who).outerjoin(who, who.id == AuditEntry.actor_id),
                   actor=actor)
    if criteria.actor:
        text = fold(criteria.actor).strip()
        query = query.where(or_(who.username == text.lower(), who.full_name_folded.like(f"%{text}%")))
    if criteria.action:
        if criteria.action.endswith("."):
            query = query.where(AuditEntry.action.startswith(criteria.action, autoescape=True))
        else:
            query = query.where(AuditEntry.action == criteria.action)
    if criteria.subject:
        if ":" in criteria.subject:
            query = query.where(AuditEntry.subject == criteria.subject)
        else:
            query = query.where(AuditEntry.subject.startswith(criteria.subject + ":", autoescape=True))
    if criteria.since:
        query = query.where(AuditEntry.at >= _local_midnight(criteria.since))
    if criteria.until:
        query = query.where(AuditEntry.at < _local_midnight(criteria.until + timedelta(days=1)))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _criteria() -> tuple[AuditFilter, dict]:
    values = {key: (request.args.get(key) or "").strip()[:128] for key in ("actor", "action", "object", "from", "to")}
    since, until = parse_day(values["from"]), parse_day(values["to"])
    criteria = AuditFilter(values["actor"], values["action"], values["object"], since, until)
    args = {key: value for key, value in values.items() if value}
    return criteria, args


def action_names(actor: User) -> list[str]:
    """Every action of the entries ``actor`` may read (for the filter's list)."""
    query = scoped(AuditEntry, "view", select(AuditEntry.action), actor=actor)
    return list(db.session.scalars(query.distinct().order_by(AuditEntry.action)))


@bp.route("/audit")
@role_required(Role.ADMIN)
@never_cached
def audit():
    """The log, newest first, 50 entries a page."""
    actor = current_account()
    page = int_arg("page", 1, maximum=100_000)
    criteria, args = _criteria()
    query = audit_query(actor, criteria)
    rows = db.session.execute(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    bad_dates = [key for key in ("from", "to") if args.get(key) and parse_day(args[key]) is None]
    shown = [(entry, who, json.dumps(entry.details, ensure_ascii=False)) for entry, who in rows[:PAGE_SIZE]]
    return render_template("admin/audit.html", rows=shown, has_more=len(rows) > PAGE_SIZE, page=page,
                           args=args, actions=action_names(actor), bad_dates=bad_dates,
                           since=criteria.since, until=criteria.until)


def _safe(value):
    """Text a spreadsheet would run as a formula stays text (no formula injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def audit_workbook(rows) -> bytes:
    """The entries as an Excel workbook: local date-times shown dd/mm/yyyy hh:mm, headings in
    the reader's language."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Nhật ký")
    sheet.append([_("Thời điểm"), _("Tên đăng nhập"), _("Người thực hiện"), _("Hành động"), _("Đối tượng"),
                  _("Chi tiết"), _("Ghi chú"), _("Nguồn")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for entry, who in rows:
        sheet.append([local(entry.at).replace(tzinfo=None), who.username if who else "", _safe(who.full_name) if who else "",
                      entry.action, _safe(entry.subject), _safe(json.dumps(entry.details, ensure_ascii=False)),
                      _safe(entry.note or ""), entry.origin or ""])
        sheet.cell(row=sheet.max_row, column=1).number_format = "dd/mm/yyyy hh:mm:ss"
    for letter, width in zip("ABCDEFGH", (20, 16, 28, 26, 22, 60, 30, 16), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@bp.route("/audit.xlsx")
@role_required(Role.ADMIN)
@never_cached
def audit_export():
    """The filtered log as an Excel file (at most ``EXPORT_LIMIT`` entries, newest first)."""
    criteria, _args = _criteria()
    rows = db.session.execute(audit_query(current_account(), criteria).limit(EXPORT_LIMIT)).all()
    return Response(audit_workbook(rows),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="nhat-ky-he-thong.xlsx"'})

