"""HR: staff records and history, search and scope, requirements, evidence and standing, the
person page and the evidence forms."""
from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from certificates.models import Certificate, CertificateKind, Issuer, ModuleAttainment
from hr import evidence, services, standing
from hr.models import ExternalCertificate, StaffRecord
from lms.extensions import db as _db
from lms.models import AuditEntry, Role
from lms.timefmt import local_today
from tests import factories
from tests.conftest import login, post_form

BASIC = ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]


@pytest.fixture()
def hr_world(db, province):
    """Requirements, a department and a commune, and HR officers of the province and of the commune."""
    return make_hr_world(province)


def make_hr_world(province) -> dict:
    """The ``hr_world`` fixture's objects (other HR test files build the same)."""
    standing.load_requirements()
    from lms.services import get_or_create_agency

    department = get_or_create_agency("000.00.01.H41", "Sở Nội vụ")
    commune = get_or_create_agency("000.00.31.H41", "Ủy ban nhân dân xã Hưng Nguyên")
    province_hr = factories.user("Phạm Quốc Bảo", username="nhansu", role=Role.HR, scope=province, agency_=department)
    commune_hr = factories.user("Đinh Thị Mai", username="nhansuxa", role=Role.HR, scope=commune, agency_=commune)
    _db.session.commit()
    return {"province": province, "department": department, "commune": commune, "hr": province_hr,
            "commune_hr": commune_hr}


def staff(agency, code="NA-1", name="Nguyễn Thị Hương", born=date(1982, 3, 12), rank="01.003", position="Chuyên viên",
          by=None, effective=None):
    """A staff record through the service."""
    return services.create_staff(services.StaffData(
        employee_code=code, full_name=name, date_of_birth=born, agency=agency, position=position, rank_code=rank,
        rank_name="Chuyên viên" if rank else None), by=by, effective=effective)


def product_certificate(user, modules=BASIC, *, on=date(2025, 5, 10), valid_until=None, number=[0]):  # noqa: B006
    """A certificate of this product with its module attainments (as issuance records them)."""
    number[0] += 1
    issuer = _db.session.scalar(select(Issuer)) or Issuer(code="TT", name="Trung tâm", issue_place="Nghệ An",
                                                           signer_title="Giám đốc", signer_name="Lê Văn A")
    certificate = Certificate(
        code=f"CODE{number[0]:04d}", serial=f"CB-2025-{number[0]:06d}", register_number=f"{number[0]:05d}/2025/CB",
        serial_year=2025, serial_number=number[0], kind=CertificateKind.IT_BASIC, issuer=issuer,
        holder_id=user.id, holder_name=user.full_name, title="Chứng chỉ ứng dụng CNTT cơ bản", modules=list(modules),
        issuer_name=issuer.name, issue_place="Nghệ An", signer_title="Giám đốc", signer_name="Lê Văn A",
        valid_until=valid_until)
    _db.session.add(certificate)
    _db.session.flush()
    for module in modules:
        _db.session.add(ModuleAttainment(user_id=user.id, holder_name=user.full_name, module_code=module,
                                         attained_on=on, exam_title="Kỳ thi cơ bản", certificate_id=certificate.id))
    _db.session.flush()
    return certificate


# ----------------------------------------------------------------------------- staff records

def test_names_are_stored_nfc_and_codes_are_unique(hr_world):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    record = staff(hr_world["department"], code=" na-7 ", name=nfd)
    assert record.full_name == "Nguyễn Thị Hương" and unicodedata.is_normalized("NFC", record.full_name)
    assert record.employee_code == "NA-7"
    with pytest.raises(services.HRError) as error:
        staff(hr_world["department"], code="NA-7", name="Trần Văn Nam")
    assert error.value.code == "duplicate-code"


def test_an_account_with_the_same_employee_code_is_linked(hr_world):
    account = factories.user("Lê Văn Hòa", employee_code="NA-55", agency_=hr_world["department"])
    record = staff(hr_world["department"], code="NA-55", name="Lê Văn Hòa")
    assert record.user_id == account.id
    assert staff(hr_world["department"], code="NA-56", name="Lê Văn Hải").user_id is None


def test_changes_of_agency_position_and_rank_are_kept_as_history(hr_world):
    record = staff(hr_world["department"], effective=date(2024, 1, 1))
    data = services.StaffData(employee_code="NA-1", full_name=record.full_name, date_of_birth=record.date_of_birth,
                              agency=hr_world["commune"], position="Văn thư", rank_code="02.007",
                              rank_name="Văn thư viên")
    assert services.update_staff(record, data, by=hr_world["hr"], effective=date(2025, 7, 1), note="Số 01/QĐ")
    assert [(p.agency.code, p.valid_from, p.valid_to) for p in record.history] == [
        ("000.00.01.H41", date(2024, 1, 1), date(2025, 7, 1)), ("000.00.31.H41", date(2025, 7, 1), None)]
    assert services.assignment_on(record, date(2025, 6, 30)).agency.code == "000.00.01.H41"
    assert services.assignment_on(record, date(2025, 7, 1)).rank_code == "02.007"
    assert services.assignment_on(record, date(2023, 12, 31)) is None
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hr.staff.update"))
    assert entry.details["before"]["agency"] == "000.00.01.H41" and entry.details["after"]["agency"] == "000.00.31.H41"
    # Nothing changed: no new period, no audit entry.
    assert not services.update_staff(record, data, by=hr_world["hr"])
    # A change dated before the open period began is refused.
    earlier = services.StaffData(**{**data.__dict__, "position": "Kế toán"})
    with pytest.raises(services.HRError):
        services.update_staff(record, earlier, by=hr_world["hr"], effective=date(2025, 1, 1))
    assert record.position == "Văn thư"  # nothing of the refused change was applied


def test_search_ignores_diacritics_and_finds_codes_and_birth_dates_in_vietnamese_order(hr_world):
    department = hr_world["department"]
    staff(department, "NA-1", "Trần Văn Đức")
    staff(department, "NA-2", "Nguyễn Thị Ánh", born=date(1990, 2, 1))
    staff(department, "NA-3", "Lê Thị Anh")
    staff(department, "NA-4", "Phạm Đức Bình")
    actor = hr_world["hr"]

    def names(text):
        return [r.full_name for r in services.in_vietnamese_order(
            list(_db.session.scalars(services.staff_query(text, actor=actor))))]

    assert names("duc") == ["Phạm Đức Bình", "Trần Văn Đức"]  # Bình before Đức (given names)
    assert names("anh") == ["Lê Thị Anh", "Nguyễn Thị Ánh"]  # no tone before sắc
    assert names("na-3") == ["Lê Thị Anh"]
    assert names("01/02/1990") == ["Nguyễn Thị Ánh"]
    # The list page shows the same order (ids sorted by name, then the page's rows loaded).
    assert [_db.session.get(StaffRecord, i).full_name for i in services.ordered_ids(
        services.staff_query("", actor=actor))] == ["Lê Thị Anh", "Nguyễn Thị Ánh", "Phạm Đức Bình", "Trần Văn Đức"]


def test_officers_see_only_their_subtree(hr_world, client):
    staff(hr_world["department"], "NA-1", "Trần Văn Đức")
    staff(hr_world["commune"], "NA-2", "Nguyễn Thị Ánh")
    _db.session.commit()
    login(client, "nhansuxa")
    page = client.get("/hr/").get_data(as_text=True)
    assert "Nguyễn Thị Ánh" in page and "Trần Văn Đức" not in page
    other = _db.session.scalar(select(StaffRecord).where(StaffRecord.employee_code == "NA-1"))
    assert client.get(f"/hr/staff/{other.id}").status_code == 404


def test_staff_form_refuses_future_birth_dates_and_stores_nothing(hr_world, client):
    login(client, "nhansu")
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    response = post_form(client, "/hr/staff/new", "/hr/staff/new", {
        "employee_code": "NA-80", "full_name": "Lê Văn Hòa", "date_of_birth": tomorrow,
        "agency": str(hr_world["department"].id), "status": "working"})
    assert response.status_code == 400
    assert "Ngày không được ở tương lai." in response.get_data(as_text=True)
    assert _db.session.scalar(select(StaffRecord.id)) is None
    response = post_form(client, "/hr/staff/new", "/hr/staff/new", {
        "employee_code": "NA-80", "full_name": "Lê  Văn Hòa", "date_of_birth": "1980-01-02",
        "agency": str(hr_world["department"].id), "status": "working", "rank_code": "01.003"})
    assert response.status_code == 302
    record = _db.session.scalar(select(StaffRecord))
    assert record.rank_name == "Chuyên viên" and len(record.history) == 1


# ----------------------------------------------------------------------------- standing

def test_shipped_requirements_cover_the_tt02_ranks_and_load_idempotently(hr_world):
    codes = [r.code for r in standing.rank_requirements()]
    assert {"01.001", "01.002", "01.003", "01.004", "02.007"} <= set(codes)
    assert standing.load_requirements() == standing.load_requirements()
    assert len(standing.rank_requirements()) == len(codes)


def test_product_attainments_meet_the_standard_until_the_certificate_is_revoked(hr_world):
    account = factories.user("Lê Văn Hòa", employee_code="NA-55", agency_=hr_world["department"])
    record = staff(hr_world["department"], code="NA-55", name="Lê Văn Hòa")
    certificate = product_certificate(account)
    result = standing.standing_of(record)
    assert result.outcome == "meets" and result.evidence[0].code == certificate.code
    from certificates.services import revoke

    revoke([certificate], reason="Ký sai thẩm quyền", decision="01/QĐ-TT", by=hr_world["hr"])
    result = standing.standing_of(record)
    assert result.outcome == "not_met" and result.missing == BASIC
    assert result.evidence[0].status == "revoked"
    # As of a day before the revocation, it still counted.
    assert standing.standing_of(record, as_of=local_today() - timedelta(days=1)).outcome == "meets"


def test_an_expired_certificate_stops_counting(hr_world):
    account = factories.user("Lê Văn Hòa", employee_code="NA-55", agency_=hr_world["department"])
    record = staff(hr_world["department"], code="NA-55", name="Lê Văn Hòa")
    product_certificate(account, valid_until=local_today() - timedelta(days=1))
    result = standing.standing_of(record)
    assert result.outcome == "not_met" and result.evidence[0].status == "expired"


def test_external_certificates_count_once_verified_and_pending_ones_need_checking(hr_world):
    record = staff(hr_world["department"])
    external = evidence.add_external(
        record, issuer="Trường Đại học Vinh", serial="CB1", issued_on=date(2024, 1, 5), level="basic", modules=[],
        valid_until=None, status="pending", checked_by=None, check_method=None, checked_on=None, note=None,
        scan=None, by=hr_world["hr"])
    assert standing.standing_of(record).outcome == "check"
    evidence.set_external_status(external, "verified", checked_by="Phạm Quốc Bảo", check_method="Tra cứu",
                                 checked_on=local_today(), by=hr_world["hr"])
    assert standing.standing_of(record).outcome == "meets"
    # The advanced rank needs more: three advanced modules are missing.
    _db.session.add(standing.Requirement(kind="rank", code="99.001", name="Thử nâng cao",
                                         level=standing.RequirementLevel.ADVANCED, modules=["IU14"]))
    _db.session.flush()
    target = standing.standing_of(record, target_rank="99.001")
    assert target.outcome == "not_met" and target.advanced_short == 3 and target.missing == ["IU14"]
    evidence.set_external_status(external, "revoked", checked_by="Phạm Quốc Bảo", check_method="Công văn của trường",
                                 checked_on=local_today(), by=hr_world["hr"])
    assert standing.standing_of(record).outcome == "not_met"


def test_modules_from_several_sources_add_up_and_old_evidence_can_be_refused(hr_world):
    record = staff(hr_world["department"], position="Văn thư")  # the example position: evidence ≤ 5 years
    evidence.add_external(record, issuer="Trường Đại học Vinh", serial="MD1", issued_on=date(2015, 1, 5),
                          level="none", modules=["IU01", "IU02", "IU03"], valid_until=None, status="verified",
                          checked_by="A", check_method="B", checked_on=None, note=None, scan=None, by=None)
    evidence.add_assessment(record, level="none", modules=["IU04", "IU05", "IU06"], decision_number="5/QĐ",
                            decided_on=local_today(), officer_name="Nguyễn Văn Thành", officer_title="Giám đốc",
                            note=None, by=None)
    rank_only = standing.judge(standing.RequirementIndex().rank("01.003"), standing.evidence_for([record])[record.id])
    assert rank_only.outcome == "meets"
    current = standing.standing_of(record)
    assert current.outcome == "not_met" and current.missing == ["IU01", "IU02", "IU03"]
    assert current.too_old == {f"external:{_db.session.scalar(select(ExternalCertificate.id))}"}


def test_withdrawing_an_assessment_changes_the_standing_at_once(hr_world):
    record = staff(hr_world["department"])
    assessment = evidence.add_assessment(record, level="basic", modules=[], decision_number="5/QĐ",
                                         decided_on=date(2025, 1, 1), officer_name="Nguyễn Văn Thành",
                                         officer_title="Giám đốc", note=None, by=hr_world["hr"])
    assert standing.standing_of(record).met
    evidence.withdraw_assessment(assessment, "Nhầm người", hr_world["hr"])
    assert not standing.standing_of(record).met


def test_a_rank_without_requirement_is_unknown(hr_world):
    record = staff(hr_world["department"], rank=None, position="Không có yêu cầu")
    assert standing.standing_of(record).outcome == "unknown"


def test_evidence_of_many_people_takes_a_fixed_number_of_queries(hr_world):
    department = hr_world["department"]

    def build(count, offset):
        records = []
        for n in range(count):
            account = factories.user("Lê Văn Hòa", employee_code=f"E{offset + n}", agency_=department)
            record = staff(department, code=f"E{offset + n}", name="Lê Văn Hòa")
            product_certificate(account)
            evidence.add_external(record, issuer="Trường", serial=f"S{offset + n}", issued_on=date(2024, 1, 5),
                                  level="basic", modules=[], valid_until=None, status="verified", checked_by="A",
                                  check_method="B", checked_on=None, note=None, scan=None, by=None)
            records.append(record)
        _db.session.commit()
        # As a page loads them: one query for the people, then the evidence.
        return list(_db.session.scalars(select(StaffRecord).where(StaffRecord.id.in_([r.id for r in records]))))

    def count_queries(records):
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(_db.engine, "before_cursor_execute", listener)
        try:
            result = standing.evidence_for(records)
        finally:
            event.remove(_db.engine, "before_cursor_execute", listener)
        assert all(len(items) == 2 for items in result.values())
        return len(statements)

    assert count_queries(build(2, 0)) == count_queries(build(12, 100))


# ----------------------------------------------------------------------------- pages

def test_person_page_shows_standing_missing_modules_and_a_target_rank(hr_world, client):
    record = staff(hr_world["department"])
    evidence.add_external(record, issuer="Trường Đại học Vinh", serial="MD1", issued_on=date(2024, 1, 5),
                          level="none", modules=["IU01", "IU02"], valid_until=None, status="verified",
                          checked_by="Phạm Quốc Bảo", check_method="Tra cứu", checked_on=None, note=None,
                          scan=None, by=None)
    _db.session.commit()
    login(client, "nhansu")
    page = client.get(f"/hr/staff/{record.id}").get_data(as_text=True)
    assert "Chưa đạt yêu cầu" in page and "IU03" in page and "Trường Đại học Vinh — MD1" in page
    assert "Phạm Quốc Bảo, Tra cứu" in page
    page = client.get(f"/hr/staff/{record.id}?target=01.002").get_data(as_text=True)
    assert "Theo ngạch dự kiến" in page and "Kỳ thi:" not in page
    from datetime import datetime, timezone

    from quizzes import exams

    exams.create_session(title="Kỳ thi cơ bản tháng 12", opens_at=datetime(2099, 1, 1, tzinfo=timezone.utc),
                         closes_at=datetime(2099, 1, 2, tzinfo=timezone.utc), time_limit_minutes=45,
                         agency=hr_world["department"], created_by=None)  # basic: IU01–IU06
    _db.session.commit()
    page = client.get(f"/hr/staff/{record.id}").get_data(as_text=True)
    assert "Kỳ thi: Kỳ thi cơ bản tháng 12, 01/01/2099" in page
    assert client.get(f"/hr/staff/{record.id}?target=nope").status_code == 400


def test_recording_an_external_certificate_with_a_scan_is_audited(hr_world, client):
    import io

    record = staff(hr_world["department"])
    _db.session.commit()
    login(client, "nhansu")
    url = f"/hr/staff/{record.id}/external"
    response = post_form(client, url, url, {
        "issuer": "Trường Đại học Vinh", "serial": "CB9", "issued_on": "2024-02-03", "level": "basic",
        "status": "verified", "checked_by": "", "check_method": ""})
    assert response.status_code == 400  # verified without who and how
    response = post_form(client, url, url, {
        "issuer": "Trường Đại học Vinh", "serial": "CB9", "issued_on": "2024-02-03", "level": "basic",
        "status": "verified", "checked_by": "Phạm Quốc Bảo", "check_method": "Tra cứu trên trang của trường",
        "scan": (io.BytesIO(b"%PDF-1.4 scan"), "ban-quet.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    external = _db.session.scalar(select(ExternalCertificate))
    assert external.scan_name == "ban-quet.pdf"
    assert client.get(f"/hr/staff/{record.id}/external/{external.id}/scan").data == b"%PDF-1.4 scan"
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hr.external.add")) is not None
    assert standing.standing_of(record).met
    response = post_form(client, url, url, {
        "issuer": "X", "serial": "CB10", "issued_on": "2024-02-03", "level": "basic", "status": "pending",
        "scan": (io.BytesIO(b"MZ not a scan"), "virus.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "PDF, PNG hoặc JPG" in response.get_data(as_text=True)
    assert _db.session.scalar(select(ExternalCertificate).where(ExternalCertificate.serial == "CB10")) is None


def test_recording_and_withdrawing_an_assessment(hr_world, client):
    record = staff(hr_world["department"])
    _db.session.commit()
    login(client, "nhansu")
    url = f"/hr/staff/{record.id}/assessment"
    response = post_form(client, url, url, {
        "level": "basic", "decision_number": "12/QĐ-SNV", "decided_on": "2025-03-04",
        "officer_name": "Nguyễn Văn Thành", "officer_title": "Giám đốc Sở"})
    assert response.status_code == 302
    assert standing.standing_of(record).met
    assessment_id = standing.evidence_for([record])[record.id][0].ref
    response = post_form(client, f"/hr/staff/{record.id}", f"/hr/staff/{record.id}/assessment/{assessment_id}/withdraw",
                         {"reason": "Nhầm người"})
    assert response.status_code == 302
    assert not standing.standing_of(record).met
    actions = set(_db.session.scalars(select(AuditEntry.action)))
    assert {"hr.assessment.add", "hr.assessment.withdraw"} <= actions


def test_administrators_edit_requirements_and_the_standing_follows(hr_world, client):
    record = staff(hr_world["department"], position="Thủ quỹ")
    evidence.add_assessment(record, level="basic", modules=[], decision_number="5/QĐ", decided_on=date(2025, 1, 1),
                            officer_name="Nguyễn Văn Thành", officer_title="Giám đốc", note=None, by=None)
    admin = factories.user("Hoàng Đức Thắng", username="quantri", role=Role.ADMIN)
    _db.session.commit()
    assert standing.standing_of(record).met
    login(client, "nhansu")  # HR officers read the requirements, administrators change them
    assert post_form(client, "/hr/requirements", "/hr/requirements/save",
                     {"name": "Thủ quỹ", "level": "basic", "modules": ["IU04"]}).status_code == 403
    assert admin.username == "quantri"
    other = client.application.test_client()
    login(other, "quantri")
    response = post_form(other, "/hr/requirements", "/hr/requirements/save",
                         {"name": "Thủ  quỹ", "level": "basic", "modules": ["IU08"], "max_age_years": "5"})
    assert response.status_code == 302
    assert standing.standing_of(record).missing == ["IU08"]
    rank = next(r for r in standing.rank_requirements() if r.code == "01.003")
    post_form(other, "/hr/requirements", "/hr/requirements/save",
              {"id": str(rank.id), "level": "advanced"})
    _db.session.expire_all()
    assert standing.standing_of(record).advanced_short == 3
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hr.requirement.save")) is not None
    assert post_form(other, "/hr/requirements", "/hr/requirements/save",
                     {"id": "99999", "level": "basic"}).status_code == 404
