"""The "phiếu xác nhận": a signed PDF of a person's standing with its own verification code."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from certificates import codes
from certificates.documents import trust_roots
from certificates.signing import validate_pdf
from hr import evidence
from hr.models import StandingSlip
from lms.extensions import db as _db
from lms.models import AuditEntry
from tests.conftest import login, post_form
from tests.test_hr import make_hr_world, staff


@pytest.fixture()
def hr_world(db, province):
    """Requirements, a department, a commune, and HR officers of the province and of the commune."""
    return make_hr_world(province)


def test_the_slip_is_signed_carries_its_code_and_is_checked_publicly(hr_world, client, app):
    record = staff(hr_world["department"], "NA-1", "Nguyễn Thị Hương")
    assessment = evidence.add_assessment(record, level="basic", modules=[], decision_number="7/QĐ-SNV",
                                         decided_on=date(2025, 2, 3), officer_name="Nguyễn Văn Thành",
                                         officer_title="Giám đốc Sở", note=None, by=None)
    _db.session.commit()
    login(client, "nhansu")
    response = post_form(client, f"/hr/staff/{record.id}", f"/hr/staff/{record.id}/slip", {"target": "01.002"})
    assert response.status_code == 302 and "/hr/slips/" in response.headers["Location"]
    pdf = client.get(response.headers["Location"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with app.app_context():
        assert validate_pdf(pdf.data, trust_roots()).ok
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    slip = _db.session.scalar(select(StandingSlip))
    assert "Nguyễn Thị Hương" in text and codes.display(slip.code) in text and "ĐẠT YÊU CẦU" in text
    assert slip.outcome == "meets" and slip.target_rank_code == "01.002"
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hr.slip.issue")) is not None
    anonymous = app.test_client()
    page = anonymous.get(f"/hr/slips/{codes.display(slip.code)}").get_data(as_text=True)
    assert "vẫn đúng đến hôm nay" in page and "**/**/1982" in page and "12/03/1982" not in page
    evidence.withdraw_assessment(assessment, "Nhầm người", hr_world["hr"])
    _db.session.commit()
    assert "Kết quả hôm nay đã khác" in anonymous.get(f"/hr/slips/{slip.code}").get_data(as_text=True)
    assert anonymous.get("/hr/slips/KHONGCOMA").status_code == 404
    # The PDF itself is for HR officers of the person's unit only.
    assert anonymous.get(f"/hr/slips/{slip.code}.pdf").status_code == 302
    other = app.test_client()
    login(other, "nhansuxa")
    assert other.get(f"/hr/slips/{slip.code}.pdf").status_code == 404
