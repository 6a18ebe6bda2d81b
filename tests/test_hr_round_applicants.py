"""External applicants in review rounds: people with no staff record, with the codes and signed
PDFs of this product's certificates they submitted; every bad input stores nothing."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from certificates import codes, documents
from certificates.models import Certificate, CertificateKind, Issuer, ModuleAttainment
from certificates.services import revoke
from hr import rounds
from hr.models import RoundCandidate, RoundSubmission
from hr.services import HRError
from lms.extensions import db as _db
from lms.models import AuditEntry
from tests import factories
from tests.conftest import login, post_form
from tests.test_hr import BASIC, make_hr_world

BORN = date(1995, 4, 2)


@pytest.fixture()
def hr_world(db, province):
    return make_hr_world(province)


def certificate_of(name: str, born: date | None = BORN, modules=BASIC, *, serial: int) -> Certificate:
    """A basic certificate of this product (with a real public code) held by ``name``."""
    holder = factories.user(name)
    issuer = _db.session.scalar(select(Issuer)) or Issuer(code="TT", name="Trung tâm Sát hạch", issue_place="Nghệ An",
                                                          signer_title="Giám đốc", signer_name="Lê Văn A")
    certificate = Certificate(
        code=codes.new_code(), serial=f"AP-2025-{serial:06d}", register_number=f"{serial:05d}/2025/AP",
        serial_year=2025, serial_number=serial, kind=CertificateKind.IT_BASIC, issuer=issuer, holder_id=holder.id,
        holder_name=name, holder_date_of_birth=born, title="Chứng chỉ ứng dụng CNTT cơ bản", modules=list(modules),
        issuer_name=issuer.name, issue_place="Nghệ An", signer_title="Giám đốc", signer_name="Lê Văn A",
        issued_at=datetime(2025, 5, 10, 3, tzinfo=timezone.utc))
    _db.session.add(certificate)
    _db.session.flush()
    for module in modules:
        _db.session.add(ModuleAttainment(user_id=holder.id, holder_name=name, module_code=module,
                                         attained_on=date(2025, 5, 10), exam_title="Kỳ thi cơ bản",
                                         certificate_id=certificate.id))
    _db.session.flush()
    return certificate


@pytest.fixture()
def applicant_world(hr_world):
    review = rounds.create_round(title="Xét tuyển công chức 2026", kind="recruitment", target_rank_code="01.003",
                                 round_date=date(2026, 1, 5), agency=hr_world["department"], by=hr_world["hr"])
    good = certificate_of("Võ Thị Lan", serial=1)
    other = certificate_of("Hồ Văn Nam", date(1990, 1, 1), serial=2)
    _db.session.commit()
    return {**hr_world, "review": review, "good": good, "other": other}


def add(world, name="Võ Thị Lan", born=BORN, number=None, codes_=(), pdfs=()):
    return rounds.add_applicant(world["review"], full_name=name, date_of_birth=born, applicant_number=number,
                                codes=list(codes_), pdfs=list(pdfs), by=world["hr"])


def outcome_of(review, name):
    return next(line for line in rounds.lines(review) if line.candidate.full_name == name)


def counts():
    return (_db.session.scalar(select(func.count()).select_from(RoundCandidate)),
            _db.session.scalar(select(func.count()).select_from(RoundSubmission)))


def test_a_code_is_looked_up_in_the_register_and_counts_like_a_staff_members_certificate(applicant_world):
    good = applicant_world["good"]
    # Typed the way people type it: lower case, dashes, or the serial number instead.
    add(applicant_world, codes_=[codes.display(good.code).lower()])
    add(applicant_world, name="Đặng Văn Hải", born=date(1990, 6, 1), number="dt-02")
    line = outcome_of(applicant_world["review"], "Võ Thị Lan")
    assert line.outcome == "meets" and [e.status for e in line.standing.evidence] == ["valid"]
    nothing = outcome_of(applicant_world["review"], "Đặng Văn Hải")
    assert nothing.outcome == "not_met" and nothing.standing.missing == list(BASIC)
    assert nothing.candidate.applicant_number == "DT-02" and nothing.candidate.staff_id is None
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hr.round.applicant"))
    assert entry is not None and entry.details["certificates"] == [good.id]


def test_a_certificate_of_someone_else_needs_checking_with_the_reason(applicant_world, client):
    add(applicant_world, name="Võ Thị Lan", codes_=[applicant_world["other"].serial])
    _db.session.commit()
    line = outcome_of(applicant_world["review"], "Võ Thị Lan")
    assert line.outcome == "check" and line.standing.evidence[0].status == "mismatch"
    login(client, "nhansu")
    page = client.get(f"/hr/rounds/{applicant_world['review'].id}").get_data(as_text=True)
    assert "Người được cấp không khớp với người dự tuyển" in page
    assert "Chứng chỉ cấp cho Hồ Văn Nam, sinh ngày 01/01/1990: khác cả họ tên và ngày sinh người dự tuyển." in page
    # Only the date of birth differs: said as such.
    add(applicant_world, name="Hồ Văn Nam", born=date(1990, 1, 2), codes_=[applicant_world["other"].code])
    _db.session.commit()
    page = client.get(f"/hr/rounds/{applicant_world['review'].id}").get_data(as_text=True)
    assert "Chứng chỉ ghi ngày sinh 01/01/1990: khác ngày sinh người dự tuyển." in page
    # HR's decision works on the applicant's row.
    candidate = line.candidate
    response = post_form(client, f"/hr/rounds/{applicant_world['review'].id}",
                         f"/hr/rounds/{applicant_world['review'].id}/candidates/{candidate.id}/decision",
                         {"decision": "not_met", "note": "Chứng chỉ của người khác"})
    assert response.status_code == 302
    assert outcome_of(applicant_world["review"], "Võ Thị Lan").outcome == "not_met"
    assert _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hr.round.decide")).details[
        "candidate"] == "Võ Thị Lan"


@pytest.mark.parametrize("kwargs, code", [
    ({"name": "   "}, "applicant-name"),
    ({"born": None}, "applicant-birth"),
    ({"born": date(2999, 1, 1)}, "applicant-birth"),
    ({"number": "X" * 40}, "applicant-number"),
    ({"codes_": ["KHONG-CO-MA"]}, "applicant-code"),
    ({"pdfs": [("a.pdf", b"")]}, "pdf-size"),
    ({"pdfs": [("a.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))]}, "pdf-size"),
    ({"pdfs": [("anh.png", b"\x89PNG\r\n\x1a\n....")]}, "pdf-type"),
    ({"pdfs": [("hong.pdf", b"%PDF-1.4 not really a document")]}, "pdf-not-ours"),
    ({"codes_": ["x"] * 21}, "applicant-too-many"),
])
def test_bad_input_is_refused_and_nothing_is_stored(applicant_world, kwargs, code):
    with pytest.raises(HRError) as refused:
        add(applicant_world, **kwargs)
    assert refused.value.code == code
    assert counts() == (0, 0)


def test_one_unknown_code_among_good_ones_refuses_the_whole_applicant(applicant_world, client):
    login(client, "nhansu")
    url = f"/hr/rounds/{applicant_world['review'].id}"
    typo = codes.display(applicant_world["good"].code)[:-1] + ("A" if not applicant_world["good"].code.endswith("A") else "B")
    response = post_form(client, url, f"{url}/applicants", {
        "full_name": "Võ Thị Lan", "date_of_birth": "1995-04-02",
        "certificate_codes": f"{applicant_world['good'].code}\n{typo}"}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Mã có ký tự gõ nhầm" in page and typo in page and "Không có gì được lưu." in page
    assert counts() == (0, 0)
    post_form(client, url, f"{url}/applicants", {
        "full_name": "Võ Thị Lan", "date_of_birth": "1995-04-02",
        "certificate_codes": f"{applicant_world['good'].serial}\nAP-2025-999999"}, content_type="multipart/form-data")
    page = client.get(url).get_data(as_text=True)
    assert "Không tìm thấy chứng chỉ nào của hệ thống với mã hoặc số hiệu: AP-2025-999999." in page
    assert counts() == (0, 0)
    response = post_form(client, url, f"{url}/applicants", {"full_name": "", "date_of_birth": "1995-04-02"},
                         content_type="multipart/form-data")
    assert "Nhập họ và tên người dự tuyển" in client.get(url).get_data(as_text=True) and counts() == (0, 0)


def test_the_same_applicant_twice_is_refused(applicant_world):
    add(applicant_world, number="DT-01")
    with pytest.raises(HRError, match="applicant-duplicate"):
        add(applicant_world, name="Người Khác", number="dt-01")
    with pytest.raises(HRError, match="applicant-duplicate"):
        add(applicant_world, name="võ thị  lan")


def test_signed_pdfs_are_checked_kept_and_tampered_or_foreign_ones_refused(applicant_world, client, app):
    pdf = documents.signed_pdf(applicant_world["good"])
    _db.session.commit()
    login(client, "nhansu")
    url = f"/hr/rounds/{applicant_world['review'].id}"

    def upload(files, name="Võ Thị Lan"):
        return post_form(client, url, f"{url}/applicants", {
            "full_name": name, "date_of_birth": "1995-04-02", "applicant_number": "",
            "pdfs": [(io.BytesIO(data), filename) for filename, data in files]}, content_type="multipart/form-data")

    position = pdf.index(b"/Producer") if b"/Producer" in pdf else 200
    tampered = pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1:]
    upload([("chung-chi.pdf", pdf), ("sua.pdf", tampered)])
    page = client.get(url).get_data(as_text=True)
    assert "Tệp sua.pdf đã bị sửa đổi sau khi ký hoặc không khớp với sổ gốc." in page and counts() == (0, 0)
    unsigned = documents.unsigned_pdf(applicant_world["good"])
    upload([("ban-in.pdf", unsigned)])
    assert "Tệp ban-in.pdf không phải chứng chỉ có chữ ký số của hệ thống này." in client.get(url).get_data(as_text=True)
    assert counts() == (0, 0)
    upload([("chung-chi.pdf", pdf)])
    assert "Đã thêm người dự tuyển Võ Thị Lan với 1 chứng chỉ." in client.get(url).get_data(as_text=True)
    submission = _db.session.scalar(select(RoundSubmission))
    assert submission.kind == "pdf" and submission.certificate_id == applicant_world["good"].id
    kept = client.get(f"{url}/submissions/{submission.id}.pdf")
    assert kept.status_code == 200 and kept.data == pdf
    assert outcome_of(applicant_world["review"], "Võ Thị Lan").outcome == "meets"
    # The commune's officer does not see the department's round, nor its files.
    other = client.application.test_client()
    login(other, "nhansuxa")
    assert other.get(f"{url}/submissions/{submission.id}.pdf").status_code == 404
    assert other.get(url).status_code == 404


def test_closing_freezes_applicants_and_a_revocation_shows_against_the_snapshot(applicant_world, client):
    add(applicant_world, codes_=[applicant_world["good"].code])
    add(applicant_world, name="Hồ Văn Nam", born=date(1990, 1, 1), number="DT-9", codes_=[applicant_world["other"].code])
    _db.session.commit()
    login(client, "nhansu")
    url = f"/hr/rounds/{applicant_world['review'].id}"
    post_form(client, url, f"{url}/close")
    frozen = {c.applicant_name: c.snapshot for c in _db.session.scalars(select(RoundCandidate))}
    assert frozen["Võ Thị Lan"]["outcome"] == "meets" and frozen["Hồ Văn Nam"]["outcome"] == "meets"
    revoke([applicant_world["good"]], reason="Cho người khác mượn", decision="07/QĐ-TT", by=applicant_world["hr"])
    _db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Kết quả đổi từ Đạt thành Không đạt" in page and "Có hiệu lực → Đã thu hồi" in page
    assert _db.session.scalar(select(RoundCandidate.snapshot).where(
        RoundCandidate.applicant_name == "Võ Thị Lan"))["outcome"] == "meets"
    book = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx").data))
    values = {row[1]: row for row in book.active.iter_rows(min_row=3, values_only=True)}
    assert values["Hồ Văn Nam"][0] == "DT-9" and values["Hồ Văn Nam"][3] == "Người dự tuyển bên ngoài"
    assert values["Võ Thị Lan"][5] == "Đạt" and "Kết quả đổi từ Đạt thành Không đạt" in values["Võ Thị Lan"][8]
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(client.get(f"{url}?format=pdf").data)).pages)
    assert "Võ Thị Lan" in text and "DT-9" in text
    with pytest.raises(HRError, match="round-closed"):
        add(applicant_world, name="Muộn Văn Đến", born=date(1990, 1, 1))


def test_applicants_appear_in_the_api(applicant_world, client):
    add(applicant_world, number="DT-5", codes_=[applicant_world["good"].code])
    _db.session.commit()
    login(client, "nhansu")
    data = client.get(f"/api/v1/hr/rounds/{applicant_world['review'].id}").get_json()
    [row] = data["candidates"]
    assert row["applicant"] is True and row["employee_code"] is None and row["applicant_number"] == "DT-5"
    assert row["outcome"] == "meets"
