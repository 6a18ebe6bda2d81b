"""HR's stored standing (hr_standing): kept true in the same transaction by every service that
changes evidence, rank, position or requirements; stale rows computed live; the compliance report
of today reads it with a bounded number of queries; ``flask hr recompute-standing`` rebuilds it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, func, select

from certificates.services import reissue, revoke
from hr import compliance, evidence, services, standing, standing_store
from hr.models import AgencyAssessment, ExternalCertificate, StaffRecord, StaffStanding
from lms.extensions import db as _db
from lms.models import AuditEntry
from lms.timefmt import local_today
from tests import factories
from tests.conftest import login
from tests.test_hr import BASIC, make_hr_world, product_certificate, staff


@pytest.fixture()
def hr_world(db, province):
    return make_hr_world(province)


def stored(record: StaffRecord) -> StaffStanding | None:
    _db.session.expire_all()
    return _db.session.get(StaffStanding, record.id)


def assert_stored_equals_live() -> None:
    """Every stored row says what the evidence says today (the invariant the report relies on)."""
    _db.session.expire_all()
    records = list(_db.session.scalars(select(StaffRecord)))
    live = {found.staff_id: found for found in standing_store.compute(
        [standing_store.Placed(r.id, r.user_id, r.rank_code, r.position) for r in records], local_today())}
    for record in records:
        row = _db.session.get(StaffStanding, record.id)
        assert row is not None, record.employee_code
        found = live[record.id]
        assert (standing_store.from_mask(row.modules), row.basic, row.advanced, row.requirement) == (
            found.modules, found.basic, found.advanced, found.requirement), record.employee_code


def linked(hr_world, code="NA-55", name="Lê Văn Hòa"):
    account = factories.user(name, employee_code=code, agency_=hr_world["department"])
    return account, staff(hr_world["department"], code=code, name=name)


def test_a_new_record_is_stored_with_its_linked_accounts_evidence(hr_world):
    account = factories.user("Lê Văn Hòa", employee_code="NA-55", agency_=hr_world["department"])
    product_certificate(account)
    record = staff(hr_world["department"], code="NA-55", name="Lê Văn Hòa")
    row = stored(record)
    assert row.basic and not row.advanced and row.requirement is True
    assert standing_store.from_mask(row.modules) == set(BASIC)
    assert not stored(staff(hr_world["department"], code="NA-56", name="Trần Văn Nam")).basic
    assert_stored_equals_live()


def test_revoking_a_certificate_changes_the_figures_and_the_page_on_the_next_request(hr_world, client):
    account, record = linked(hr_world)
    certificate = product_certificate(account)
    standing_store.refresh_all()  # what `flask hr recompute-standing` does after rows written around services
    _db.session.commit()
    login(client, "nhansu")
    assert "tạm nghỉ; 100,0% đạt chuẩn cơ bản" in client.get("/hr/compliance").get_data(as_text=True)
    assert "Đã thu hồi" not in client.get(f"/hr/staff/{record.id}").get_data(as_text=True)
    revoke([certificate], reason="Ký sai thẩm quyền", decision="01/QĐ-TT", by=hr_world["hr"])
    _db.session.commit()
    assert not stored(record).basic and stored(record).requirement is False
    report = compliance.report(hr_world["hr"], local_today())
    assert report.total.headcount == 1 and report.total.count("basic") == 0 and report.total.count("IU01") == 0
    page = client.get("/hr/compliance").get_data(as_text=True)
    assert "tạm nghỉ; 0,0% đạt chuẩn cơ bản" in page
    person = client.get(f"/hr/staff/{record.id}").get_data(as_text=True)
    assert certificate.serial in person and "Đã thu hồi" in person  # still listed, as revoked
    assert_stored_equals_live()


def test_a_reissued_certificate_keeps_the_standing_and_voided_attainments_lose_it(hr_world):
    account, record = linked(hr_world)
    certificate = product_certificate(account)
    standing_store.refresh([record.id])
    replacement = reissue(certificate, reason="Sai ngày sinh", decision="02/QĐ-TT", by=hr_world["hr"])
    assert stored(record).basic
    revoke([replacement], reason="Gian lận", decision="03/QĐ-TT", by=hr_world["hr"], void_attainments=True)
    assert not stored(record).basic and stored(record).modules == 0
    assert_stored_equals_live()


def test_external_certificates_and_assessments_change_the_stored_row_at_once(hr_world):
    record = staff(hr_world["department"])
    external = evidence.add_external(
        record, issuer="Trường Đại học Vinh", serial="CB1", issued_on=date(2024, 1, 5), level="basic", modules=[],
        valid_until=None, status="pending", checked_by=None, check_method=None, checked_on=None, note=None,
        scan=None, by=hr_world["hr"])
    assert not stored(record).basic  # not yet checked: it does not count
    evidence.set_external_status(_db.session.get_one(ExternalCertificate, external.id), "verified",
                                 checked_by="Phạm Quốc Bảo", check_method="Tra cứu", checked_on=date(2025, 1, 2),
                                 by=hr_world["hr"])
    assert stored(record).basic
    evidence.set_external_status(_db.session.get_one(ExternalCertificate, external.id), "revoked",
                                 checked_by="Phạm Quốc Bảo", check_method="Công văn của trường",
                                 checked_on=date(2025, 2, 2), by=hr_world["hr"])
    assert not stored(record).basic
    assessment = evidence.add_assessment(record, level="advanced", modules=[], decision_number="5/QĐ",
                                         decided_on=date(2025, 1, 1), officer_name="Nguyễn Văn Thành",
                                         officer_title="Giám đốc", note=None, by=hr_world["hr"])
    assert stored(record).advanced
    evidence.withdraw_assessment(_db.session.get_one(AgencyAssessment, assessment.id), "Nhầm người", hr_world["hr"])
    assert not stored(record).advanced and not stored(record).basic
    assert_stored_equals_live()


def test_a_rank_or_position_change_and_a_requirement_edit_rejudge_the_requirement(hr_world):
    record = staff(hr_world["department"])
    evidence.add_assessment(record, level="basic", modules=[], decision_number="5/QĐ", decided_on=date(2025, 1, 1),
                            officer_name="Nguyễn Văn Thành", officer_title="Giám đốc", note=None, by=None)
    other = staff(hr_world["department"], code="NA-2", name="Trần Văn Nam")
    assert stored(record).requirement is True and stored(other).requirement is False
    # Chuyên viên now asks for IU08 as well: nobody with only the basic standard meets it.
    rank = next(r for r in standing.rank_requirements() if r.code == "01.003")
    standing.save_requirement(rank, level="basic", modules=["IU08"], max_age_years=None, by=hr_world["hr"])
    assert stored(record).requirement is False
    standing.save_requirement(rank, level="basic", modules=[], max_age_years=None, by=hr_world["hr"])
    assert stored(record).requirement is True
    # A position with its own requirement (Quản trị hệ thống: advanced and IU14), from today.
    data = services.StaffData(employee_code=record.employee_code, full_name=record.full_name,
                              date_of_birth=record.date_of_birth, agency=hr_world["department"],
                              position="Quản trị hệ thống", rank_code="01.003", rank_name="Chuyên viên")
    services.update_staff(record, data, by=hr_world["hr"])
    assert stored(record).requirement is False and stored(record).basic
    # A position added by an administrator applies to every spelling of the name.
    standing.save_requirement(None, level="none", modules=[], max_age_years=None, name="QUẢN TRỊ HỆ THỐNG",
                              by=hr_world["hr"])
    assert_stored_equals_live()


def test_a_requirement_with_an_age_limit_is_judged_from_the_evidence_and_goes_stale(hr_world):
    record = staff(hr_world["department"], position="Văn thư")  # evidence no older than 5 years
    old = local_today() - timedelta(days=5 * 365 - 10)
    evidence.add_assessment(record, level="basic", modules=[], decision_number="5/QĐ", decided_on=old,
                            officer_name="Nguyễn Văn Thành", officer_title="Giám đốc", note=None, by=None)
    row = stored(record)
    assert row.requirement is True and row.stale_on == standing_store.add_years(old, 5) + timedelta(days=1)
    rank = next(r for r in standing.rank_requirements() if r.code == "01.003")
    standing.save_requirement(rank, level="basic", modules=[], max_age_years=3, by=hr_world["hr"])
    assert stored(record).requirement is False  # the shorter limit of the two applies
    assert_stored_equals_live()


@pytest.fixture()
def some_day_later(monkeypatch):
    """Let time pass: "today" becomes the given day for HR's code."""
    def move(day: date) -> None:
        for module in (compliance, standing, standing_store):
            monkeypatch.setattr(module, "local_today", lambda: day)
    return move


def test_an_expiring_certificate_leaves_the_figures_the_day_after(hr_world, some_day_later):
    account, record = linked(hr_world)
    until = local_today() + timedelta(days=30)
    product_certificate(account, valid_until=until)
    standing_store.refresh([record.id])
    _db.session.commit()
    assert stored(record).basic and stored(record).stale_on == until + timedelta(days=1)
    assert compliance.report(hr_world["hr"], local_today()).total.count("basic") == 1
    some_day_later(until)
    assert compliance.report(hr_world["hr"], until).total.count("basic") == 1
    some_day_later(until + timedelta(days=1))
    # The stored row is stale from that day: the report computes the person from the evidence.
    assert compliance.report(hr_world["hr"], until + timedelta(days=1)).total.count("basic") == 0
    assert [p.basic for p in compliance.people_on(hr_world["hr"], until + timedelta(days=1))] == [False]
    assert standing_store.refresh_all(stale_only=True) == 1
    assert not stored(record).basic and stored(record).stale_on is None


def test_a_change_with_a_future_effective_date_goes_stale_on_that_day(hr_world):
    record = staff(hr_world["department"], effective=date(2024, 1, 1))
    effective = local_today() + timedelta(days=10)
    data = services.StaffData(employee_code=record.employee_code, full_name=record.full_name,
                              date_of_birth=record.date_of_birth, agency=hr_world["department"],
                              position="Quản trị hệ thống", rank_code="01.003", rank_name="Chuyên viên")
    services.update_staff(record, data, by=None, effective=effective)
    assert stored(record).stale_on == effective


def test_missing_rows_are_computed_live_and_the_command_rebuilds_them(hr_world, app):
    for n in range(3):
        evidence.add_assessment(staff(hr_world["department"], code=f"NA-{n}", name="Lê Văn Hòa"), level="basic",
                                modules=[], decision_number="5/QĐ", decided_on=date(2025, 1, 1),
                                officer_name="Nguyễn Văn Thành", officer_title="Giám đốc", note=None, by=None)
    _db.session.execute(delete(StaffStanding))
    _db.session.commit()
    assert compliance.report(hr_world["hr"], local_today()).total.count("basic") == 3
    result = app.test_cli_runner().invoke(args=["hr", "recompute-standing"])
    assert result.exit_code == 0 and "3 standings recomputed" in result.output
    assert _db.session.scalar(select(func.count()).select_from(StaffStanding)) == 3
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hr.standing.recompute")) is not None
    assert compliance.report(hr_world["hr"], local_today()).total.count("basic") == 3
    assert_stored_equals_live()


def test_todays_report_reads_no_evidence_and_a_fixed_number_of_statements(hr_world, client):
    login(client, "nhansu")

    def statements() -> list[str]:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(_db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/hr/compliance").status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", listener)
        return seen

    account, _record = linked(hr_world)
    product_certificate(account)
    standing_store.refresh_all()
    _db.session.commit()
    few = statements()
    from lms.services import get_or_create_agency

    for n in range(15):
        unit = get_or_create_agency(f"000.00.{40 + n}.H41", f"Ủy ban nhân dân xã số {n}")
        person_account = factories.user("Trần Văn Nam", employee_code=f"B-{n}", agency_=unit)
        product_certificate(person_account)
        staff(unit, f"B-{n}", "Trần Văn Nam")
    _db.session.commit()
    many = statements()
    assert len(many) == len(few)
    assert not any("module_attainment" in s or "hr_assessment" in s for s in many)


def test_a_scoped_officer_counts_only_the_subtree_from_stored_rows(hr_world):
    evidence.add_assessment(staff(hr_world["department"]), level="basic", modules=[], decision_number="5/QĐ",
                            decided_on=date(2025, 1, 1), officer_name="Nguyễn Văn Thành", officer_title="Giám đốc",
                            note=None, by=None)
    staff(hr_world["commune"], code="NA-2", name="Trần Văn Nam")
    _db.session.commit()
    result = compliance.report(hr_world["commune_hr"], local_today())
    assert [row.agency.code for row in result.rows] == ["000.00.31.H41"]
    assert result.total.headcount == 1 and result.total.count("basic") == 0
    assert [p.employee_code for p in compliance.drill(hr_world["commune_hr"], local_today(), "basic", False)] == ["NA-2"]
    assert compliance.drill(hr_world["commune_hr"], local_today(), "basic", True) == []


def test_an_import_stores_the_standing_of_new_and_changed_people(hr_world):
    from hr import importer

    account = factories.user("Lê Văn Hòa", employee_code="NA-55", agency_=hr_world["department"])
    product_certificate(account)
    changed = staff(hr_world["department"], code="NA-9", name="Trần Văn Nam")
    evidence.add_assessment(changed, level="basic", modules=[], decision_number="5/QĐ", decided_on=date(2025, 1, 1),
                            officer_name="Nguyễn Văn Thành", officer_title="Giám đốc", note=None, by=None)
    _db.session.commit()
    rows = ("Mã cán bộ,Họ và tên,Ngày sinh,Nơi sinh,Giới tính,Mã đơn vị,Vị trí việc làm,Mã ngạch,Tên ngạch,Tình trạng\n"
            "NA-55,Lê Văn Hòa,01/02/1980,Nghệ An,Nam,000.00.01.H41,Chuyên viên,01.003,Chuyên viên,Đang công tác\n"
            "NA-56,Lê Thị Mai,01/02/1981,Nghệ An,Nữ,000.00.01.H41,Chuyên viên,01.003,Chuyên viên,Đang công tác\n"
            "NA-9,Trần Văn Nam,12/03/1982,Nghệ An,Nam,000.00.31.H41,Quản trị hệ thống,01.003,Chuyên viên,"
            "Đang công tác\n")
    parsed = importer.parse(rows.encode("utf-8"), "ds.csv", hr_world["hr"])
    importer.apply(importer.plan(parsed, hr_world["hr"]), hr_world["hr"])
    _db.session.commit()
    by_code = {r.employee_code: r for r in _db.session.scalars(select(StaffRecord))}
    assert by_code["NA-55"].user_id == account.id and stored(by_code["NA-55"]).basic
    assert not stored(by_code["NA-56"]).basic and stored(by_code["NA-56"]).requirement is False
    assert stored(by_code["NA-9"]).basic and stored(by_code["NA-9"]).requirement is False  # now needs advanced
    assert_stored_equals_live()


def test_a_record_changed_around_the_services_is_rewritten_at_commit(hr_world):
    record = staff(hr_world["department"], effective=date(2024, 1, 1))
    account = factories.user("Lê Văn Hòa", agency_=hr_world["department"])
    product_certificate(account)
    _db.session.commit()
    assert stored(record).counted and not stored(record).basic
    record.user_id = account.id  # linked without a service: noticed at the flush, rewritten at the commit
    _db.session.commit()
    assert stored(record).basic
    # A status change goes through the service (statuses have a history): not counted from that day.
    data = services.StaffData(employee_code=record.employee_code, full_name=record.full_name,
                              date_of_birth=record.date_of_birth, agency=hr_world["department"],
                              position=record.position, rank_code=record.rank_code, rank_name=record.rank_name,
                              status=services.StaffStatus.RETIRED)
    services.update_staff(record, data, by=None)
    _db.session.commit()
    assert not stored(record).counted
    assert compliance.report(hr_world["hr"], local_today()).total.headcount == 0


def test_a_merge_moves_the_stored_rows_to_the_new_unit(hr_world):
    from hr.agencies import merge

    record = staff(hr_world["commune"], effective=date(2024, 1, 1))
    target = hr_world["department"]
    merge(hr_world["commune"], target, effective=local_today(), decision="9/QĐ", by=hr_world["hr"])
    _db.session.commit()
    assert stored(record).agency_id == target.id
    assert {row.agency.code: row.headcount for row in compliance.report(hr_world["hr"], local_today()).rows} == {
        target.code: 1}
    assert_stored_equals_live()


def _statements(client, url: str) -> int:
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    return len(seen)


def test_the_person_the_drill_down_and_the_round_pages_take_a_fixed_number_of_statements(hr_world, client):
    from hr import rounds

    login(client, "nhansu")
    account, record = linked(hr_world)
    product_certificate(account)
    review = rounds.create_round(title="Nâng ngạch 2026", kind="promotion", target_rank_code="01.002",
                                 round_date=local_today(), agency=hr_world["province"], by=hr_world["hr"])
    rounds.add_candidates(review, [record.employee_code], hr_world["hr"])
    _db.session.commit()
    urls = [f"/hr/staff/{record.id}", "/hr/compliance/people?measure=basic&met=1",
            "/hr/compliance/people?measure=IU03&met=0", f"/hr/rounds/{review.id}",
            f"/hr/compliance?agency={hr_world['department'].id}"]
    few = [_statements(client, url) for url in urls]
    # More evidence for the person, and more people (with evidence) in the units and the round.
    product_certificate(account, ["IU07", "IU08", "IU09"])
    evidence.add_assessment(record, level="basic", modules=[], decision_number="7/QĐ", decided_on=date(2025, 2, 1),
                            officer_name="Nguyễn Văn Thành", officer_title="Giám đốc", note=None, by=None)
    codes = []
    for n in range(12):
        person_account = factories.user("Trần Văn Nam", employee_code=f"B-{n}", agency_=hr_world["department"])
        product_certificate(person_account)
        codes.append(staff(hr_world["department"], f"B-{n}", "Trần Văn Nam").employee_code)
    rounds.add_candidates(review, codes, hr_world["hr"])
    _db.session.commit()
    assert [_statements(client, url) for url in urls] == few
