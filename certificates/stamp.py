"""A revoked or superseded certificate's PDF as its holder downloads it afterwards: the page as
issued, with "ĐÃ THU HỒI" / "ĐÃ ĐƯỢC THAY THẾ" across it and the decision below. The register
keeps the original (signed) document; the stamped copy is not signed, and says so."""
from __future__ import annotations

import io

from flask import current_app
from pypdf import PdfReader, PdfWriter
from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas

from certificates.exam_lists import fonts as list_fonts
from certificates.models import Certificate, CertificateStatus
from lms.timefmt import format_date

RED = Color(0.78, 0.05, 0.05, alpha=0.55)


def stamp_words(certificate: Certificate) -> tuple[str, str]:
    """The stamp and the line under it (always in Vietnamese, as the certificate is)."""
    decision = certificate.revocation_decision or ""
    day = format_date(certificate.revoked_at)
    if certificate.status is CertificateStatus.SUPERSEDED:
        return "ĐÃ ĐƯỢC THAY THẾ", f"Được thay thế ngày {day} theo Quyết định số {decision}. Bản sao không có giá trị."
    return "ĐÃ THU HỒI", f"Thu hồi ngày {day} theo Quyết định số {decision}. Bản sao không có giá trị."


def stamped_pdf(original: bytes, certificate: Certificate) -> bytes:
    """``original`` with the stamp drawn diagonally across every page."""
    reader = PdfReader(io.BytesIO(original))
    writer = PdfWriter()
    fonts = list_fonts(current_app.config["CERTIFICATE_FONT_DIR"])
    stamp, line = stamp_words(certificate)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(width, height))
        canvas.saveState()
        canvas.translate(width / 2, height / 2)
        canvas.rotate(28)
        canvas.setFillColor(RED)
        size = 64
        while canvas.stringWidth(stamp, fonts["bold"], size) > width * 0.85 and size > 24:
            size -= 2
        canvas.setFont(fonts["bold"], size)
        canvas.drawCentredString(0, -size / 3, stamp)
        canvas.restoreState()
        canvas.setFillColor(RED)
        canvas.setFont(fonts["bold"], 11)
        canvas.drawCentredString(width / 2, 18, line)
        canvas.save()
        overlay = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
        page.merge_page(overlay)
        writer.add_page(page)
    writer.add_metadata({"/Title": f"{stamp}: {certificate.serial}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
