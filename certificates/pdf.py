"""Certificate PDFs drawn with reportlab, kept out of the views.

The same certificate always gives the same bytes (``invariant=1`` fixes the document id
and dates), so a stored PDF can be compared with a fresh rendering.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from certificates import codes
from certificates.models import Certificate
from lms.timefmt import format_date, local

INK = HexColor("#1b2a41")
ACCENT = HexColor("#a3261b")
GOLD = HexColor("#b08a2e")


@lru_cache(maxsize=1)
def register_fonts(font_dir: str) -> None:
    """Register the shipped Noto Serif faces once per process (they cover Vietnamese)."""
    folder = Path(font_dir)
    pdfmetrics.registerFont(TTFont("NotoSerif", folder / "NotoSerif-Regular.ttf"))
    pdfmetrics.registerFont(TTFont("NotoSerif-Bold", folder / "NotoSerif-Bold.ttf"))
    pdfmetrics.registerFont(TTFont("NotoSerif-Italic", folder / "NotoSerif-Italic.ttf"))


def _vietnamese_date_line(place: str, certificate: Certificate) -> str:
    issued = local(certificate.issued_at)
    # Nghị định 30/2020: leading zero for days under 10 and for months 1 and 2.
    month = f"{issued.month:02d}" if issued.month < 3 else str(issued.month)
    return f"{place}, ngày {issued.day:02d} tháng {month} năm {issued.year}"


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def render_certificate_pdf(certificate: Certificate, verify_url: str, font_dir: str) -> bytes:
    """Draw ``certificate`` on an A4 landscape page and return the PDF bytes."""
    register_fonts(font_dir)
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = Canvas(buffer, pagesize=(width, height), invariant=1)
    pdf.setTitle(f"Giấy chứng nhận {certificate.serial}")
    pdf.setAuthor(certificate.issuer_name)
    pdf.setSubject(certificate.title)

    # Frame: a thick outer line and a thin inner one.
    pdf.setStrokeColor(GOLD)
    pdf.setLineWidth(3)
    pdf.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    pdf.setLineWidth(0.8)
    pdf.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)

    centre = width / 2
    pdf.setFillColor(INK)
    pdf.setFont("NotoSerif-Bold", 10.5)
    pdf.drawCentredString(70 * mm, height - 28 * mm, certificate.issuer_name.upper())
    pdf.setFont("NotoSerif-Bold", 12)
    pdf.drawCentredString(width - 80 * mm, height - 28 * mm, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    pdf.setFont("NotoSerif-Bold", 12.5)
    motto = "Độc lập - Tự do - Hạnh phúc"
    pdf.drawCentredString(width - 80 * mm, height - 34 * mm, motto)
    motto_width = pdf.stringWidth(motto, "NotoSerif-Bold", 12.5)
    pdf.setLineWidth(0.6)
    pdf.setStrokeColor(INK)
    pdf.line(width - 80 * mm - motto_width / 2, height - 35.5 * mm, width - 80 * mm + motto_width / 2, height - 35.5 * mm)

    pdf.setFillColor(ACCENT)
    pdf.setFont("NotoSerif-Bold", 30)
    pdf.drawCentredString(centre, height - 62 * mm, "GIẤY CHỨNG NHẬN")
    pdf.setFillColor(INK)
    pdf.setFont("NotoSerif-Italic", 14)
    pdf.drawCentredString(centre, height - 71 * mm, "Hoàn thành khóa học")

    pdf.setFont("NotoSerif", 13)
    pdf.drawCentredString(centre, height - 86 * mm, "Chứng nhận")
    pdf.setFont("NotoSerif-Bold", 22)
    pdf.drawCentredString(centre, height - 97 * mm, certificate.holder_name)
    pdf.setFont("NotoSerif", 12.5)
    details = []
    if certificate.holder_date_of_birth:
        details.append(f"Ngày sinh: {format_date(certificate.holder_date_of_birth)}")
    if certificate.holder_agency:
        details.append(f"Đơn vị: {certificate.holder_agency}")
    pdf.drawCentredString(centre, height - 106 * mm, "     ".join(details))
    pdf.drawCentredString(centre, height - 118 * mm, "Đã hoàn thành khóa học")
    pdf.setFont("NotoSerif-Bold", 15)
    pdf.drawCentredString(centre, height - 126 * mm, certificate.title)
    if certificate.score is not None:
        pdf.setFont("NotoSerif", 12.5)
        score = f"{certificate.score:.2f}".replace(".", ",")
        pdf.drawCentredString(centre, height - 135 * mm, f"Điểm bài kiểm tra cuối khóa: {score}/10")

    signer_x = width - 80 * mm
    pdf.setFont("NotoSerif-Italic", 12.5)
    pdf.drawCentredString(signer_x, 58 * mm, _vietnamese_date_line(certificate.issue_place, certificate))
    pdf.setFont("NotoSerif-Bold", 12.5)
    pdf.drawCentredString(signer_x, 51 * mm, certificate.signer_title.upper())
    pdf.drawCentredString(signer_x, 26 * mm, certificate.signer_name)

    _qr(pdf, verify_url, 24 * mm, 22 * mm, 34 * mm)
    pdf.setFont("NotoSerif", 9.5)
    text_x = 62 * mm
    pdf.drawString(text_x, 50 * mm, f"Số hiệu: {certificate.serial}")
    pdf.drawString(text_x, 44.5 * mm, f"Mã tra cứu: {codes.display(certificate.code)}")
    pdf.drawString(text_x, 39 * mm, "Quét mã QR hoặc truy cập:")
    pdf.setFont("NotoSerif", 8)
    pdf.drawString(text_x, 34 * mm, verify_url)

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
