"""Agency merges: staff, accounts and certificates' current ownership move from the effective
date; the old unit stays in the history, so reports for earlier dates still show it."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from hr import agencies, compliance, evidence
from hr.models import AgencyChange
from hr.services import HRError, assignment_on
from lms.extensions import db as _db
from lms.models import AuditEntry
from lms.services import get_or_create_agency
from tests import factories
from tests.conftest import login, post_form
from tests.test_hr import make_hr_world, product_certificate, staff


@pytest.fixture()
def hr_world(db, province):
    """Requirements, a department, a commune, and HR officers of the province and of the commune."""
    return make_hr_world(province)


def test_merge_moves_people_and_keeps_the_old_unit_in_history(hr_world, client):
    old = get_or_create_agency("000.00.41.H41", "Ủy ban nhân dân huyện Hưng Nguyên")
    hamlet = get_or_create_agency("000.01.41.H41", "Trạm khuyến nông huyện")
    new = hr_world["commune"]
    account = factories.user("Trần Văn Đức", employee_code="NA-1", agency_=old)
    record = staff(old, "NA-1", "Trần Văn Đức", effective=date(2024, 1, 1))
    certificate = product_certificate(account)
    certificate.holder_agency_id = old.id
    other = staff(old, "NA-2", "Lê Thị Anh", effective=date(2024, 1, 1))
    evidence.add_assessment(other, level="basic", modules=[], decision_number="1/QĐ", decided_on=date(2024, 6, 1),
                            officer_name="Nguyễn Văn Thành", officer_title="Chủ tịch", note=None, by=None)
    _db.session.commit()
    login(client, "nhansu")
    form = {"source": str(old.id), "target": str(new.id), "effective": "2025-07-01", "decision": "1678/QĐ-UBND"}
    # The first POST only shows what will happen and asks again: nothing moves yet.
    response = post_form(client, "/hr/agencies", "/hr/agencies", form)
    assert response.status_code == 200 and 'name="confirmed" value="1"' in response.get_data(as_text=True)
    assert _db.session.scalar(select(AgencyChange)) is None
    response = post_form(client, "/hr/agencies", "/hr/agencies", {**form, "confirmed": "1"})
    assert response.status_code == 302
    _db.session.refresh(record)
    assert record.agency_id == new.id and assignment_on(record, date(2025, 6, 30)).agency_id == old.id
    assert record.history[-1].note == "Hợp nhất theo 1678/QĐ-UBND"
    _db.session.refresh(account)
    _db.session.refresh(certificate)
    _db.session.refresh(hamlet)
    _db.session.refresh(old)
    assert account.agency_id == new.id and certificate.holder_agency_id == new.id
    assert hamlet.parent_id == new.id and hamlet.path.startswith(new.path) and not old.active
    change = _db.session.scalar(select(AgencyChange))
    assert change.moved == {"staff": 2, "accounts": 1, "certificates": 1, "units": 1}
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hr.agency.merge")) is not None
    # Reports before the merge show the old unit; after it, the new one.
    before = compliance.report(hr_world["hr"], date(2025, 6, 30))
    after = compliance.report(hr_world["hr"], date(2025, 7, 1))
    assert [r.agency.code for r in before.rows] == ["000.00.41.H41"]
    assert [r.agency.code for r in after.rows] == ["000.00.31.H41"] and after.total.count("basic") == 2
    page = client.get("/hr/agencies").get_data(as_text=True)
    assert "Hợp nhất Ủy ban nhân dân huyện Hưng Nguyên vào Ủy ban nhân dân xã Hưng Nguyên" in page


def test_merges_are_refused_outside_scope_into_itself_or_twice(hr_world):
    old = get_or_create_agency("000.00.41.H41", "Ủy ban nhân dân huyện Hưng Nguyên")
    with pytest.raises(HRError) as error:
        agencies.merge(old, hr_world["commune"], effective=date(2025, 7, 1), decision="1/QĐ", by=hr_world["commune_hr"])
    assert error.value.code == "agency-out-of-scope"
    with pytest.raises(HRError):
        agencies.merge(hr_world["province"], hr_world["commune"], effective=date(2025, 7, 1), decision="1/QĐ",
                       by=hr_world["hr"])
    agencies.merge(old, hr_world["commune"], effective=date(2025, 7, 1), decision="1/QĐ", by=hr_world["hr"])
    with pytest.raises(HRError) as error:
        agencies.merge(old, hr_world["department"], effective=date(2025, 8, 1), decision="2/QĐ", by=hr_world["hr"])
    assert error.value.code == "agency-inactive"
