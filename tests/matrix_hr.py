"""Routes of the HR package (hr/): staff records, a person's standing and evidence, imports,
compliance and review rounds. HR officers reach records of their agency subtree only."""
from __future__ import annotations

from datetime import date

from tests.matrix import PUBLIC, Access, Entry, role

HR = role("hr")
HR_SCOPED = Access(roles=("hr",), scoped=("hr",))
API_SCOPED = Access(roles=("hr",), scoped=("hr",), json=True)

ENTRIES = [
    Entry("hr.staff_list", "GET", "/hr/", HR),
    Entry("hr.staff_new", "GET", "/hr/staff/new", HR),
    Entry("hr.staff_new", "POST", "/hr/staff/new", HR, {"employee_code": ""}),
    Entry("hr.staff_edit", "GET", "/hr/staff/{staff}/edit", HR_SCOPED),
    Entry("hr.staff_edit", "POST", "/hr/staff/{staff}/edit", HR_SCOPED, {"full_name": ""}),
    Entry("hr.person", "GET", "/hr/staff/{staff}", HR_SCOPED),
    Entry("hr.external_add", "GET", "/hr/staff/{staff}/external", HR_SCOPED),
    Entry("hr.external_add", "POST", "/hr/staff/{staff}/external", HR_SCOPED, {"issuer": ""}),
    Entry("hr.external_status", "POST", "/hr/staff/{staff}/external/{external}/status", HR_SCOPED,
          {"status": "verified", "checked_by": "Phạm Quốc Bảo", "check_method": "Tra cứu"}),
    Entry("hr.external_scan", "GET", "/hr/staff/{staff}/external/{external}/scan", HR_SCOPED),
    Entry("hr.assessment_add", "GET", "/hr/staff/{staff}/assessment", HR_SCOPED),
    Entry("hr.assessment_add", "POST", "/hr/staff/{staff}/assessment", HR_SCOPED, {"decision_number": ""}),
    Entry("hr.assessment_withdraw", "POST", "/hr/staff/{staff}/assessment/{assessment}/withdraw", HR_SCOPED,
          {"reason": "Nhầm người"}),
    Entry("hr.requirements", "GET", "/hr/requirements", HR),
    Entry("hr.requirement_save", "POST", "/hr/requirements/save", role("admin"),
          {"name": "Thủ quỹ", "level": "basic"}),
    Entry("hr.import_staff", "GET", "/hr/import", HR),
    Entry("hr.import_staff", "POST", "/hr/import", HR),
    Entry("hr.import_apply", "POST", "/hr/import/{hr_upload}/apply", Access(roles=("hr",), owner="hr_in")),
    Entry("hr.import_job", "GET", "/hr/import/jobs/{hr_job}?token={hr_upload}", Access(roles=("hr",), owner="hr_in")),
    Entry("hr.import_template", "GET", "/hr/import/template.xlsx", HR),
    Entry("hr.export_staff", "GET", "/hr/export?format=csv", HR),
    Entry("hr.compliance_report", "GET", "/hr/compliance", HR),
    Entry("hr.compliance_trend", "GET", "/hr/compliance/trend?agency={home_agency}", HR_SCOPED),
    Entry("hr.compliance_people", "GET", "/hr/compliance/people?measure=basic&met=0&agency={home_agency}",
          HR_SCOPED),
    Entry("hr.slip_issue", "POST", "/hr/staff/{staff}/slip", HR_SCOPED),
    Entry("hr.slip_download", "GET", "/hr/slips/{hr_slip}.pdf", HR_SCOPED),
    Entry("hr.slip_verify", "GET", "/hr/slips/{hr_slip}", PUBLIC),
    Entry("hr.api_keys", "GET", "/hr/api-keys", HR),
    Entry("hr.api_keys", "POST", "/hr/api-keys", HR, {"name": ""}),
    Entry("hr.api_key_revoke", "POST", "/hr/api-keys/{hr_key}/revoke", HR_SCOPED),
    Entry("hr_api.api_standing", "GET", "/api/v1/hr/staff/NA-9001/standing", API_SCOPED),
    Entry("hr_api.api_certificates", "GET", "/api/v1/hr/staff/NA-9001/certificates", API_SCOPED),
    Entry("hr_api.api_round", "GET", "/api/v1/hr/rounds/{hr_round}", API_SCOPED),
    Entry("hr_api.api_staff", "GET", "/api/v1/hr/staff", Access(roles=("hr",), json=True)),
    Entry("hr_api.openapi_json", "GET", "/api/openapi.json", PUBLIC),
    Entry("hr_api.api_docs", "GET", "/api/docs", PUBLIC),
    Entry("hr.agencies", "GET", "/hr/agencies", HR),
    Entry("hr.agencies", "POST", "/hr/agencies", HR, {"decision": ""}),
    Entry("hr.agency_changes_log", "GET", "/hr/agencies/changes", HR),
    Entry("hr.agency_new", "GET", "/hr/agencies/new", HR),
    Entry("hr.agency_new", "POST", "/hr/agencies/new", HR, {"code": "", "decision": ""}),
    Entry("hr.agency_detail", "GET", "/hr/agencies/{home_agency}", HR_SCOPED),
    Entry("hr.agency_change", "POST", "/hr/agencies/{home_agency}/change", HR_SCOPED,
          {"kind": "rename", "name": "Sở Nội vụ tỉnh", "decision": ""}),
    Entry("hr.rounds_list", "GET", "/hr/rounds", HR),
    Entry("hr.round_new", "POST", "/hr/rounds/new", HR, {"title": ""}),
    Entry("hr.round_detail", "GET", "/hr/rounds/{hr_round}", HR_SCOPED),
    Entry("hr.round_candidates", "POST", "/hr/rounds/{hr_round}/candidates", HR_SCOPED, {"codes": "NA-9001"}),
    Entry("hr.round_decision", "POST", "/hr/rounds/{hr_round}/candidates/{hr_candidate}/decision", HR_SCOPED,
          {"decision": "meets", "note": "Đã xác minh với trường"}),
    Entry("hr.round_close", "POST", "/hr/rounds/{hr_round}/close", HR_SCOPED),
    Entry("hr.round_applicant", "POST", "/hr/rounds/{hr_round}/applicants", HR_SCOPED,
          {"full_name": "Trần Văn Mới", "date_of_birth": "1990-01-01", "applicant_number": "DT-1"}),
    Entry("hr.round_submission_pdf", "GET", "/hr/rounds/{hr_round}/submissions/{hr_submission}.pdf", HR_SCOPED),
]


def extend_world(app, places, people):
    """A staff record in the home department with an external certificate (and its scan) and an
    agency assessment."""
    from sqlalchemy import select

    from hr import evidence, services
    from hr.standing import load_requirements
    from lms.extensions import db
    from lms.models import Agency

    load_requirements()
    home = db.session.scalar(select(Agency).where(Agency.code == "000.00.01.H41"))
    record = services.create_staff(services.StaffData(
        employee_code="NA-9001", full_name="Lê Văn Hòa", date_of_birth=date(1980, 5, 6), agency=home,
        position="Chuyên viên", rank_code="01.003", rank_name="Chuyên viên"), by=people["admin"])
    external = evidence.add_external(
        record, issuer="Trường Đại học Vinh", serial="CB123456", issued_on=date(2024, 3, 1), level="basic",
        modules=[], valid_until=None, status="pending", checked_by=None, check_method=None, checked_on=None,
        note=None, scan=("ban-quet.pdf", b"%PDF-1.4 ban quet"), by=people["admin"])
    assessment = evidence.add_assessment(
        record, level="none", modules=["IU01"], decision_number="12/QĐ-SNV", decided_on=date(2025, 1, 2),
        officer_name="Nguyễn Văn Thành", officer_title="Giám đốc Sở", note=None, by=people["admin"])
    # A staff list uploaded by the home department's officer, and its preview job.
    from hr.routes import store_upload
    from lms.jobs import create_job

    csv_file = "Mã cán bộ,Họ và tên,Ngày sinh,Mã đơn vị\nNA-9002,Trần Thị Lan,02/03/1990,000.00.01.H41\n"
    with app.test_request_context():
        token, path = store_upload(csv_file.encode(), "csv", people["hr_in"].id)
    job = create_job("Kiểm tra danh sách cán bộ", "hr.jobs:preview_import_job",
                     {"path": path, "filename": "upload.csv", "user_id": people["hr_in"].id},
                     created_by=people["hr_in"], start=False)
    from hr.rounds import add_candidates, create_round

    review = create_round(title="Xét nâng ngạch", kind="promotion", target_rank_code="01.002",
                          round_date=date(2026, 1, 5), agency=home, by=people["admin"])
    add_candidates(review, ["NA-9001"], people["admin"])
    # An external applicant who submitted a certificate of this product as a PDF (kept with the scans).
    from certificates.models import Certificate
    from hr.models import RoundCandidate, RoundSubmission

    applicant = RoundCandidate(round_id=review.id, applicant_name="Võ Thị Lan", applicant_date_of_birth=date(1995, 4, 2))
    db.session.add(applicant)
    db.session.flush()
    submission = RoundSubmission(candidate_id=applicant.id, certificate_id=db.session.scalar(select(Certificate.id)),
                                 kind="pdf", given="chung-chi.pdf",
                                 pdf_stored=evidence.store_scan("chung-chi.pdf", b"%PDF-1.4 chung chi"))
    db.session.add(submission)
    db.session.flush()
    places["hr_submission"] = submission.id
    from hr.api import create_key
    from hr.slip import create_slip

    places["hr_key"] = create_key(home, "Phần mềm quản lý cán bộ", people["admin"])[0].id

    places["hr_slip"] = create_slip(record, None, people["admin"]).code
    places.update(hr_round=review.id, hr_candidate=review.candidates[0].id if review.candidates else 0)
    places.update(home_agency=home.id, staff=record.id, external=external.id, assessment=assessment.id, hr_upload=token, hr_job=job.id)
