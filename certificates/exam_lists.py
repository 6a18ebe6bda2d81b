"""The exam board's printed lists: the attendance list (danh sách thí sinh dự thi, signed by each
candidate) and the result list (danh sách kết quả thi) with the board's members and the approval
decision, as PDF (reportlab, the certificates' own fonts) and the result list as Excel.

The layout follows an administrative document's: the issuing body and the national motto at
the top, the title, the session's facts, the table, then the decision and the signatures.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select
from xml.sax.saxutils import escape

from certificates.exports import Score, _workbook
from certificates.models import Issuer
from certificates.pdf import FONT_FILES
from lms.extensions import db
from lms.text import name_sort_key
from lms.timefmt import format_date, format_datetime, format_score, local
from quizzes.models import ExamCandidate, ExamSession


@dataclass(frozen=True)
class Heading:
    """Who issues the list: the body above and the centre (from the issuer's record or configuration)."""

    parent_name: str
    issuer_name: str
    place: str


def heading() -> Heading:
    """The issuing centre as the certificates name it (read only: nothing is created here)."""
    config = current_app.config
    issuer = db.session.scalar(select(Issuer).where(Issuer.code == config.get("CERTIFICATE_ISSUER_CODE", "TTCDS")))
    if issuer is not None:
        return Heading(issuer.parent_name or "", issuer.name, issuer.issue_place)
    return Heading(config.get("CERTIFICATE_ISSUER_PARENT", "Sở Khoa học và Công nghệ"),
                   config.get("CERTIFICATE_ISSUER_NAME", "Trung tâm Chuyển đổi số tỉnh Nghệ An"),
                   config.get("CERTIFICATE_ISSUE_PLACE", "Nghệ An"))


@lru_cache(maxsize=4)
def fonts(font_dir: str) -> dict[str, str]:
    suffix = hashlib.sha256(font_dir.encode()).hexdigest()[:8]
    names = {}
    for role, filename in FONT_FILES.items():
        name = f"ExamList-{role}-{suffix}"
        pdfmetrics.registerFont(TTFont(name, str(Path(font_dir) / filename)))
        names[role] = name
    return names


def _styles() -> dict[str, ParagraphStyle]:
    fonts_ = fonts(current_app.config["CERTIFICATE_FONT_DIR"])
    base = ParagraphStyle("base", fontName=fonts_["regular"], fontSize=10.5, leading=13.5)
    return {
        "base": base,
        "bold": ParagraphStyle("bold", parent=base, fontName=fonts_["bold"]),
        "centre": ParagraphStyle("centre", parent=base, alignment=TA_CENTER),
        "centre_bold": ParagraphStyle("centre_bold", parent=base, fontName=fonts_["bold"], alignment=TA_CENTER),
        "italic_centre": ParagraphStyle("italic_centre", parent=base, fontName=fonts_["italic"], alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=base, fontName=fonts_["bold"], fontSize=14, leading=18,
                                alignment=TA_CENTER, spaceBefore=6, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=12),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=fonts_["bold"], fontSize=9.5, leading=12,
                                    alignment=TA_CENTER),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _top(styles, head: Heading, width: float) -> Table:
    left = [_p(head.parent_name.upper(), styles["centre"]), _p(head.issuer_name.upper(), styles["centre_bold"])]
    right = [_p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles["centre_bold"]),
             _p("Độc lập - Tự do - Hạnh phúc", styles["centre_bold"])]
    table = Table([[left, right]], colWidths=[width * 0.42, width * 0.58])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _session_facts(session: ExamSession, styles) -> list:
    window = f"{format_datetime(session.opens_at)} – {format_datetime(session.closes_at)}"
    lines = [_("Kỳ thi: %(title)s", title=session.title), _("Thời gian: %(w)s", w=window)]
    if session.place:
        lines.append(_("Địa điểm: %(p)s", p=session.place))
    lines.append(_("Mô-đun: %(m)s", m=", ".join(session.modules or [])))
    return [_p(line, styles["base"]) for line in lines]


def _grid(rows: list[list], widths: list[float], styles) -> Table:
    data = [[_p(str(cell), styles["cell_bold"]) for cell in rows[0]]]
    data += [[cell if isinstance(cell, Paragraph) else _p("" if cell is None else str(cell), styles["cell"])
              for cell in row] for row in rows[1:]]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
    return table


def _ordered(session: ExamSession) -> list[ExamCandidate]:
    return sorted(session.candidates, key=lambda c: name_sort_key(c.user.full_name))


def _build(story: list, title: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                                 bottomMargin=15 * mm, title=title, author="", subject=title, creator="")
    document.build(story)
    return buffer.getvalue()


def _signatures(styles, width: float, left: tuple[str, str], right: tuple[str, str], day: date | None,
                place: str) -> Table:
    from certificates.pdf import vietnamese_date_line

    dated = _p(vietnamese_date_line(place, day), styles["italic_centre"]) if day else _p("", styles["base"])
    table = Table([[_p("", styles["base"]), dated],
                   [_p(left[0], styles["centre_bold"]), _p(right[0], styles["centre_bold"])],
                   [Spacer(1, 18 * mm), Spacer(1, 18 * mm)],
                   [_p(left[1], styles["centre_bold"]), _p(right[1], styles["centre_bold"])]],
                  colWidths=[width / 2, width / 2])
    return table


def attendance_pdf(session: ExamSession) -> bytes:
    """The attendance list: every candidate with a column to sign, and the examiners' signatures."""
    styles, head = _styles(), heading()
    width = A4[0] - 33 * mm
    story = [_top(styles, head, width), Spacer(1, 6 * mm),
             _p(_("DANH SÁCH THÍ SINH DỰ THI"), styles["title"]), *_session_facts(session, styles), Spacer(1, 4 * mm)]
    rows = [[_("STT"), _("Họ và tên"), _("Ngày sinh"), _("Đơn vị"), _("Ký tên"), _("Ghi chú")]]
    for number, candidate in enumerate(_ordered(session), start=1):
        user = candidate.user
        rows.append([number, user.full_name, format_date(user.date_of_birth), user.agency.name if user.agency else "",
                     "", _("Vắng thi") if session.approved and candidate.attempt is None else ""])
    story.append(_grid(rows, [12 * mm, 45 * mm, 22 * mm, 50 * mm, 25 * mm, width - 154 * mm], styles))
    story += [Spacer(1, 4 * mm), _p(_("Tổng số thí sinh: %(n)s.", n=len(session.candidates)), styles["base"]),
              Spacer(1, 6 * mm),
              _signatures(styles, width, (_("CÁN BỘ COI THI 1"), ""), (_("CÁN BỘ COI THI 2"), ""),
                          local(session.opens_at).date(), head.place)]
    return _build(story, _("Danh sách thí sinh dự thi: %(t)s", t=session.title))


def _result_word(session: ExamSession, candidate: ExamCandidate) -> str:
    if candidate.attempt is None:
        return _("Vắng thi")
    if candidate.passed is None:
        return _("Chờ chấm")
    return _("Đạt") if candidate.passed else _("Không đạt")


def results_pdf(session: ExamSession) -> bytes:
    """The result list as the board approved it (or a draft, said so, before approval)."""
    styles, head = _styles(), heading()
    width = A4[0] - 33 * mm
    story = [_top(styles, head, width), Spacer(1, 6 * mm), _p(_("DANH SÁCH KẾT QUẢ THI"), styles["title"])]
    if session.approved:
        story.append(_p(_("(Kèm theo Quyết định số %(n)s ngày %(d)s của Chủ tịch Hội đồng thi)",
                          n=session.decision_number or "", d=format_date(session.decision_date)),
                        styles["italic_centre"]))
    else:
        story.append(_p(_("BẢN DỰ THẢO — CHƯA ĐƯỢC HỘI ĐỒNG THI PHÊ DUYỆT"), styles["centre_bold"]))
    story += [Spacer(1, 3 * mm), *_session_facts(session, styles), Spacer(1, 4 * mm)]
    practical = session.has_practical
    header = [_("STT"), _("Họ và tên"), _("Ngày sinh"), _("Lý thuyết")] + ([_("Thực hành")] if practical else []) \
        + [_("Tổng"), _("Kết quả")]
    rows = [header]
    for number, candidate in enumerate(_ordered(session), start=1):
        scores = [candidate.theory_score] + ([candidate.practical_score] if practical else []) + [candidate.total_score]
        rows.append([number, candidate.user.full_name, format_date(candidate.user.date_of_birth),
                     *[format_score(score) if score is not None else "—" for score in scores],
                     _result_word(session, candidate)])
    widths = [12 * mm, 55 * mm, 24 * mm] + [20 * mm] * (3 if practical else 2)
    widths.append(width - sum(widths))
    story.append(_grid(rows, widths, styles))
    passed = sum(1 for c in session.candidates if c.passed)
    absent = sum(1 for c in session.candidates if c.attempt is None)
    story += [Spacer(1, 3 * mm),
              _p(_("Tổng số: %(n)s thí sinh; đạt: %(p)s; vắng thi: %(a)s.", n=len(session.candidates), p=passed,
                   a=absent), styles["base"]), Spacer(1, 3 * mm),
              _p(_("Hội đồng thi:"), styles["bold"])]
    for member in session.board_members or []:
        story.append(_p(f"– {member}", styles["base"]))
    if not session.board_members:
        story.append(_p(_("(chưa ghi thành phần Hội đồng thi)"), styles["base"]))
    approver = session.approved_by.full_name if session.approved and session.approved_by else ""
    story += [Spacer(1, 6 * mm),
              _signatures(styles, width, (_("NGƯỜI LẬP DANH SÁCH"),
                                          session.created_by.full_name if session.created_by else ""),
                          (_("CHỦ TỊCH HỘI ĐỒNG THI"), approver),
                          session.decision_date if session.approved else None, head.place)]
    return _build(story, _("Danh sách kết quả thi: %(t)s", t=session.title))


def results_xlsx(session: ExamSession) -> bytes:
    """The result list as a spreadsheet, with the board and the decision below the table."""
    practical = session.has_practical
    headers = [_("STT"), _("Họ và tên"), _("Ngày sinh"), _("Đơn vị"), _("Mã cán bộ"), _("Lý thuyết")] \
        + ([_("Thực hành")] if practical else []) + [_("Tổng"), _("Kết quả"), _("Mô-đun đạt")]
    rows = []
    for number, c in enumerate(_ordered(session), start=1):
        scores = [c.theory_score] + ([c.practical_score] if practical else []) + [c.total_score]
        rows.append([number, c.user.full_name, c.user.date_of_birth, c.user.agency.name if c.user.agency else None,
                     c.user.employee_code, *[Score(s) if s is not None else None for s in scores],
                     _result_word(session, c), ", ".join(session.modules) if c.passed else None])
    blank = [None] * len(headers)
    footer = [blank,
              [_("Quyết định phê duyệt"), session.decision_number if session.approved else _("Chưa phê duyệt"),
               session.decision_date] + [None] * (len(headers) - 3),
              [_("Chủ tịch Hội đồng thi"), session.approved_by.full_name if session.approved_by else None]
              + [None] * (len(headers) - 2)]
    footer += [[_("Thành viên Hội đồng"), member] + [None] * (len(headers) - 2) for member in session.board_members or []]
    return _workbook(_("Kết quả thi"), headers, rows + footer)
