"""The "phiếu xác nhận": a person's standing on a day, with the evidence, as a signed PDF for a
recruitment or promotion file. It carries its own verification code and QR; the row keeps what
the PDF states, and the public page says whether it still holds today.

The PDF is drawn with reportlab (the site's Noto Serif fonts, so every Vietnamese letter shows)
and signed with the certificates' issuer key (``certificates.signing``), like a certificate.
"""
from __future__ import annotations

import hashlib
import io
import os
from datetime import date
from pathlib import Path

from flask import current_app
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from certificates import codes
from hr.evidence import private_folder
from hr.models import StaffRecord, StandingSlip
from hr.standing import RequirementIndex, evidence_for, judge
from lms.extensions import db
from lms.models import User
from lms.services import audit
from lms.timefmt import local_today

FONT_DIR = Path(__file__).resolve().parents[1] / "lms" / "static" / "fonts"
SOURCES = {"product": "Kết quả thi, chứng chỉ trên hệ thống", "external": "Chứng chỉ của đơn vị khác",
           "assessment": "Đánh giá của cơ quan"}
STATUSES = {"valid": "Có hiệu lực", "pending": "Chưa kiểm tra", "revoked": "Đã thu hồi", "superseded": "Đã cấp lại",
            "expired": "Hết hiệu lực", "void": "Bị hủy kết quả", "rejected": "Không công nhận",
            "withdrawn": "Đã thu hồi đánh giá"}
OUTCOMES = {"meets": "ĐẠT YÊU CẦU", "not_met": "CHƯA ĐẠT YÊU CẦU", "check": "CẦN KIỂM TRA THÊM",
            "unknown": "CHƯA CÓ YÊU CẦU CHO NGẠCH NÀY"}


def verify_url(slip: StandingSlip) -> str:
    """The public address printed on the slip and in its QR code."""
    path = current_app.url_map.bind("localhost").build("hr.slip_verify", {"code": slip.code})
    return f"{current_app.config['SITE_URL']}{path}"


def create_slip(record: StaffRecord, target_rank: str | None, by: User) -> StandingSlip:
    """Record a slip of ``record``'s standing today (current rank and position, or a target rank)."""
    today = local_today()
    index = RequirementIndex()
    need = index.rank(target_rank) if target_rank else index.current(record)
    items = evidence_for([record], today)[record.id]
    result = judge(need, items, today)
    missing = list(result.missing) + ([f"+{result.advanced_short} IU07–IU15"] if result.advanced_short else [])
    slip = StandingSlip(
        code=codes.new_code(), staff_id=record.id, agency_id=record.agency_id, holder_name=record.full_name,
        holder_date_of_birth=record.date_of_birth, employee_code=record.employee_code,
        agency_name=record.agency.name, target_rank_code=target_rank, need_label=need.label if need else "",
        outcome=result.outcome, missing=missing,
        evidence=[[e.source, e.label, e.on.isoformat(), list(e.modules) + ([e.level.value] if e.level.value != "none"
                                                                           else []), e.status] for e in items],
        as_of=today, issued_by_id=by.id, issued_by_name=by.full_name)
    db.session.add(slip)
    db.session.flush()
    audit("hr.slip.issue", f"hr_staff:{record.id}", {"slip": slip.code, "outcome": slip.outcome,
                                                     "target": target_rank}, actor=by)
    return slip


def register_fonts() -> None:
    """Register the site's Noto Serif faces with reportlab (once per process)."""
    if "HRSerif" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("HRSerif", str(FONT_DIR / "NotoSerif-Regular.ttf")))
        pdfmetrics.registerFont(TTFont("HRSerif-Bold", str(FONT_DIR / "NotoSerif-Bold.ttf")))
        pdfmetrics.registerFont(TTFont("HRSerif-Italic", str(FONT_DIR / "NotoSerif-Italic.ttf")))


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def render_pdf(slip: StandingSlip, organisation: str) -> bytes:
    """The slip as an A4 PDF (unsigned)."""
    register_fonts()
    normal = ParagraphStyle("n", fontName="HRSerif", fontSize=11.5, leading=15)
    small = ParagraphStyle("s", parent=normal, fontSize=9.5, leading=12)
    bold = ParagraphStyle("b", parent=normal, fontName="HRSerif-Bold")
    centre = ParagraphStyle("c", parent=bold, alignment=1, fontSize=13, leading=17)
    italic = ParagraphStyle("i", parent=normal, fontName="HRSerif-Italic", alignment=1)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=30 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                                 bottomMargin=20 * mm, title="Phiếu xác nhận kỹ năng sử dụng CNTT",
                                 author=organisation, subject=slip.code)
    heading = Table([[Paragraph(organisation.upper(), ParagraphStyle("o", parent=bold, alignment=1, fontSize=11)),
                      Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập - Tự do - Hạnh phúc",
                                ParagraphStyle("m", parent=bold, alignment=1, fontSize=11, leading=15))]],
                    colWidths=[70 * mm, 90 * mm])
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    outcome = OUTCOMES.get(slip.outcome, slip.outcome)
    story = [heading, Spacer(1, 8 * mm),
             Paragraph("PHIẾU XÁC NHẬN<br/>KỸ NĂNG SỬ DỤNG CÔNG NGHỆ THÔNG TIN", centre),
             Paragraph(f"Tính đến ngày {_day(slip.as_of)}", italic), Spacer(1, 6 * mm),
             Paragraph(f"Họ và tên: <b>{slip.holder_name}</b>", normal),
             Paragraph(f"Ngày sinh: {_day(slip.holder_date_of_birth)} — Mã cán bộ: {slip.employee_code}", normal),
             Paragraph(f"Đơn vị: {slip.agency_name}", normal),
             Paragraph(f"Yêu cầu đối chiếu: {slip.need_label or 'chưa có yêu cầu'}", normal), Spacer(1, 3 * mm),
             Paragraph(f"Kết quả: <b>{outcome}</b>", normal)]
    if slip.missing:
        story.append(Paragraph(f"Còn thiếu: {', '.join(slip.missing)}", normal))
    story += [Spacer(1, 4 * mm), Paragraph("Minh chứng:", bold)]
    rows = [[Paragraph(h, small) for h in ("Nguồn", "Minh chứng", "Ngày", "Mô-đun, trình độ", "Tình trạng")]]
    for source, label, on, modules, status in slip.evidence:
        rows.append([Paragraph(SOURCES.get(source, source), small), Paragraph(label, small),
                     Paragraph(_day(date.fromisoformat(on)), small), Paragraph(", ".join(modules), small),
                     Paragraph(STATUSES.get(status, status), small)])
    if len(rows) == 1:
        rows.append([Paragraph("Chưa có minh chứng nào.", small), "", "", "", ""])
    table = Table(rows, colWidths=[32 * mm, 48 * mm, 20 * mm, 32 * mm, 28 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 6 * mm)]
    url = verify_url(slip)
    qr = QrCodeWidget(url)
    left, bottom, right, top = qr.getBounds()
    size = 28 * mm
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(qr)
    check = Table([[drawing, Paragraph(f"Mã tra cứu: <b>{codes.display(slip.code)}</b><br/>Kiểm tra phiếu tại: {url}"
                                       f"<br/>Người lập phiếu: {slip.issued_by_name}", small)]],
                  colWidths=[32 * mm, 128 * mm])
    check.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(check)
    document.build(story)
    return buffer.getvalue()


def signed_pdf(slip: StandingSlip) -> bytes:
    """The signed slip, kept on disk after the first signing (raises
    ``certificates.documents.SigningNotConfigured`` without an issuer key)."""
    from certificates.documents import credentials
    from certificates.signing import sign_pdf

    folder = private_folder("slips")
    path = os.path.join(folder, f"{slip.code}.pdf")
    if slip.pdf_sha256 and os.path.exists(path):
        with open(path, "rb") as handle:
            data = handle.read()
        if hashlib.sha256(data).hexdigest() == slip.pdf_sha256:
            return data
    organisation = current_app.config.get("ORGANISATION_NAME") or slip.agency_name
    document = sign_pdf(render_pdf(slip, slip.agency_name or organisation), credentials(),
                        reason=f"Phiếu xác nhận {codes.display(slip.code)}", location=organisation)
    os.makedirs(folder, exist_ok=True)
    with open(path + ".tmp", "wb") as handle:
        handle.write(document)
    os.replace(path + ".tmp", path)
    slip.pdf_sha256 = hashlib.sha256(document).hexdigest()
    return document


def still_holds(slip: StandingSlip) -> bool | None:
    """Whether the person's standing today is the same as the slip states (None: record gone)."""
    if slip.staff_id is None:
        return None
    record = db.session.get_one(StaffRecord, slip.staff_id)  # the link is cleared when the record goes
    index = RequirementIndex()
    need = index.rank(slip.target_rank_code) if slip.target_rank_code else index.current(record)
    today = local_today()
    return judge(need, evidence_for([record], today)[record.id], today).outcome == slip.outcome
