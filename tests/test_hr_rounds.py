"""HR review rounds: candidates from staff records, meets / does not meet / needs checking with
reasons, HR's decisions, closing freezes a snapshot and later changes show against it."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hr import evidence, rounds
from hr.models import ReviewRound, RoundCandidate
from hr.services import HRError
from lms.extensions import db as _db
from lms.models import AuditEntry
from tests import factories
from tests.conftest import login, post_form
from tests.test_hr import make_hr_world, product_certificate, staff


@pytest.fixture()
def hr_world(db, province):
    """Requirements, a department, a commune, and HR officers of the province and of the commune."""
    return make_hr_world(province)


@pytest.fixture()
def round_world(hr_world):
    department = hr_world["department"]
    account = factories.user("Trần Văn Đức", employee_code="NA-1", agency_=department)
    meets = staff(department, "NA-1", "Trần Văn Đức")
    certificate = product_certificate(account, on=date(2025, 5, 10))
    staff(department, "NA-2", "Lê Thị Anh")
    pending = staff(department, "NA-3", "Phạm Văn Bình")
    evidence.add_external(pending, issuer="Trung tâm Sao Mai", serial="SM-1", issued_on=date(2024, 1, 5),
                          level="basic", modules=[], valid_until=None, status="pending", checked_by=None,
                          check_method=None, checked_on=None, note=None, scan=None, by=None)
    staff(hr_world["commune"], "NA-4", "Nguyễn Thị Hoa")
    _db.session.commit()
    return {**hr_world, "meets": meets, "certificate": certificate}


def outcomes(review):
    return {line.candidate.staff.employee_code: line.outcome for line in rounds.lines(review)}


def test_officer_creates_a_round_and_adds_candidates_from_staff_records(round_world, client):
    login(client, "nhansuxa")  # the commune's officer: NA-1..3 are outside the commune
    response = post_form(client, "/hr/rounds", "/hr/rounds/new", {
        "title": "Xét nâng ngạch 2026", "kind": "promotion", "target_rank_code": "01.002",
        "round_date": "2026-06-01", "agency": str(round_world["commune"].id)})
    assert response.status_code == 302
    review = _db.session.scalar(select(ReviewRound))
    page = client.get(f"/hr/rounds/{review.id}").get_data(as_text=True)
    post_form(client, f"/hr/rounds/{review.id}", f"/hr/rounds/{review.id}/candidates",
              {"codes": "NA-4\nNA-1\nKHONG-CO"})
    page = client.get(f"/hr/rounds/{review.id}").get_data(as_text=True)
    assert "Đã thêm 1 người vào đợt xét." in page and "NA-1, KHONG-CO" in page
    assert [c.staff.employee_code for c in review.candidates] == ["NA-4"]
    # Another unit's round is not there for this officer.
    other = rounds.create_round(title="Đợt khác", kind="recruitment", target_rank_code="01.003",
                                round_date=date(2026, 1, 1), agency=round_world["department"], by=None)
    _db.session.commit()
    assert client.get(f"/hr/rounds/{other.id}").status_code == 404
    assert "Đợt khác" not in client.get("/hr/rounds").get_data(as_text=True)


def test_table_reasons_decisions_and_the_frozen_snapshot(round_world, client):
    review = rounds.create_round(title="Xét nâng ngạch chuyên viên chính", kind="promotion",
                                 target_rank_code="01.002", round_date=date(2026, 1, 5),
                                 agency=round_world["province"], by=round_world["hr"])
    rounds.add_candidates(review, ["NA-1", "NA-2", "NA-3"], round_world["hr"])
    _db.session.commit()
    assert outcomes(review) == {"NA-1": "meets", "NA-2": "not_met", "NA-3": "check"}
    login(client, "nhansu")
    page = client.get(f"/hr/rounds/{review.id}").get_data(as_text=True)
    assert "Thiếu: IU01, IU02, IU03, IU04, IU05, IU06" in page and "Trung tâm Sao Mai — SM-1" in page
    # A decision only on a row that needs checking.
    rows = {c.staff.employee_code: c for c in review.candidates}
    with pytest.raises(HRError):
        rounds.decide(review, rows["NA-2"], "meets", "Thử", round_world["hr"])
    response = post_form(client, f"/hr/rounds/{review.id}", f"/hr/rounds/{review.id}/candidates/{rows['NA-3'].id}/decision",
                         {"decision": "meets", "note": "Đã xác minh với trung tâm"})
    assert response.status_code == 302
    assert outcomes(review)["NA-3"] == "meets"
    # Closing freezes the table; a later revocation shows as a change against it.
    post_form(client, f"/hr/rounds/{review.id}", f"/hr/rounds/{review.id}/close")
    _db.session.refresh(review)
    assert review.closed and rows["NA-1"].snapshot["outcome"] == "meets"
    from certificates.services import revoke

    revoke([round_world["certificate"]], reason="Ký sai thẩm quyền", decision="05/QĐ-TT", by=round_world["hr"])
    _db.session.commit()
    page = client.get(f"/hr/rounds/{review.id}").get_data(as_text=True)
    assert "Kết quả đổi từ Đạt thành Không đạt" in page and "Có hiệu lực → Đã thu hồi" in page
    _db.session.refresh(rows["NA-1"])
    assert rows["NA-1"].snapshot["outcome"] == "meets"  # the snapshot itself never changes
    book = load_workbook(io.BytesIO(client.get(f"/hr/rounds/{review.id}?format=xlsx").data))
    values = {row[0]: row for row in book.active.iter_rows(min_row=3, values_only=True)}
    assert values["NA-1"][5] == "Đạt" and "Kết quả đổi từ Đạt thành Không đạt" in values["NA-1"][8]
    assert values["NA-3"][7] == "Đã xác minh với trung tâm"
    # A closed round changes no more.
    with pytest.raises(HRError):
        rounds.add_candidates(review, ["NA-4"], round_world["hr"])
    with pytest.raises(HRError):
        rounds.close(review, round_world["hr"])
    actions = set(_db.session.scalars(select(AuditEntry.action)))
    assert {"hr.round.create", "hr.round.candidates", "hr.round.decide", "hr.round.close"} <= actions


def test_the_round_counts_evidence_held_on_its_date(round_world):
    review = rounds.create_round(title="Đợt cũ", kind="recruitment", target_rank_code="01.003",
                                 round_date=date(2025, 1, 1), agency=round_world["province"], by=None)
    rounds.add_candidates(review, ["NA-1"], round_world["hr"])
    assert outcomes(review) == {"NA-1": "not_met"}  # the exam was passed in May 2025
    assert _db.session.scalar(select(RoundCandidate.decision)) is None
