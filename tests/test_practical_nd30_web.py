"""The public ND30 checker: the page (no account), the sample downloads, the JSON API, its error
objects and the shared rate limit."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.conftest import csrf_token_from

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "nd30"
OFFICE = ROOT / "tests" / "fixtures" / "officefile"


def _post_page(client, path: Path | None, *, name: str | None = None, data: bytes | None = None):
    token = csrf_token_from(client.get("/nd30").get_data(as_text=True))
    form = {"csrf_token": token}
    if path is not None or data is not None:
        form["document"] = (io.BytesIO(data if data is not None else path.read_bytes()), name or path.name)
    return client.post("/nd30", data=form, content_type="multipart/form-data")


def _api(client, path: Path | None = None, *, name: str | None = None, data: bytes | None = None, query: str = ""):
    form = {}
    if path is not None or data is not None:
        form["file"] = (io.BytesIO(data if data is not None else path.read_bytes()), name or path.name)
    return client.post(f"/api/v1/nd30/check{query}", data=form, content_type="multipart/form-data")


def test_page_needs_no_account_and_offers_the_samples(client, db):
    page = client.get("/nd30")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Kiểm tra thể thức văn bản hành chính" in body
    for name in ("vi-du-cong-van.docx", "vi-du-quyet-dinh.docx", "mau-cong-van.docx", "mau-cong-van.odt"):
        assert f"/nd30/samples/{name}" in body
        download = client.get(f"/nd30/samples/{name}")
        assert download.status_code == 200 and download.data[:2] == b"PK"
        assert "attachment" in download.headers["Content-Disposition"]
    assert client.get("/nd30/samples/..%2Fnd30.py").status_code == 404
    assert client.get("/nd30/samples/khong-co.docx").status_code == 404


def test_home_page_leads_anonymous_visitors_to_the_checker(client, db):
    assert "/nd30" in client.get("/").get_data(as_text=True)


def test_the_compliant_example_offered_for_download_passes_the_check(client, db):
    example = client.get("/nd30/samples/vi-du-cong-van.docx").data
    result = _api(client, data=example, name="vi-du-cong-van.docx")
    assert result.status_code == 200 and result.json["compliant"] is True and result.json["deviations"] == []


def test_page_lists_each_deviation_with_where_and_how_to_fix(client, db):
    response = _post_page(client, CORPUS / "13-quyet-dinh-arial.docx")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Có 1 điểm chưa đúng thể thức." in body
    assert "Phông chữ" in body and "Times New Roman" in body  # the element, and the fix names the font
    assert "Cách sửa" in body and "Vị trí" in body


def test_page_says_not_recognised_rather_than_guessing(client, db):
    body = _post_page(client, CORPUS / "50-quyet-dinh-thieu-noi-nhan.docx").get_data(as_text=True)
    assert "không nhận ra" in body and "Nơi nhận" in body


def test_compliant_document_is_said_to_be_compliant(client, db):
    body = _post_page(client, CORPUS / "01-cong-van-chuan.docx").get_data(as_text=True)
    assert "Không thấy sai lệch nào" in body


def test_page_refuses_bad_files_with_the_clear_message(client, db):
    legacy = _post_page(client, OFFICE / "cu.doc")
    assert legacy.status_code == 422
    assert "hãy lưu lại dưới dạng .docx" in legacy.get_data(as_text=True)
    spreadsheet = _post_page(client, OFFICE / "bang-luong.xlsx")
    assert spreadsheet.status_code == 422 and "Chỉ nhận: .docx, .odt" in spreadsheet.get_data(as_text=True)
    garbage = _post_page(client, None, data=b"PK\x03\x04 not really a zip", name="hong.docx")
    assert garbage.status_code == 422 and "Tệp bị hỏng" in garbage.get_data(as_text=True)
    missing = _post_page(client, None)
    assert missing.status_code == 400 and "Hãy chọn một tệp." in missing.get_data(as_text=True)


def test_api_returns_the_deviations_as_json(client, db):
    response = _api(client, CORPUS / "31-cong-van-luu.docx")
    assert response.status_code == 200
    data = response.json
    assert [d["code"] for d in data["deviations"]] == ["noi-nhan.luu"]
    deviation = data["deviations"][0]
    assert deviation["where"]["kind"] and deviation["where_text"] and deviation["message"] and deviation["fix"]
    assert {e["element"] for e in data["elements"]} >= {"quoc-hieu", "noi-nhan"}
    unrecognised = _api(client, CORPUS / "51-thong-bao-thieu-ten-loai.odt").json
    assert sorted(unrecognised["unrecognised"]) == ["ten-loai", "trich-yeu"]
    statuses = {e["element"]: e["status_name"] for e in unrecognised["elements"]}
    assert statuses["ten-loai"] == "không nhận ra"


def test_api_speaks_english_when_asked(client, db):
    data = _api(client, CORPUS / "51-thong-bao-thieu-ten-loai.odt", query="?lang=en").json
    statuses = {e["element"]: e["status_name"] for e in data["elements"]}
    assert statuses["ten-loai"] != "không nhận ra" and statuses["ten-loai"]
    assert _api(client, CORPUS / "01-cong-van-chuan.docx", query="?lang=fr").json["error"]["code"] == "language"


@pytest.mark.parametrize(("name", "status", "code"), [
    ("cu.doc", 422, "legacy-format"),
    ("bang-luong.xlsx", 422, "not-accepted"),
])
def test_api_errors_are_stable_objects(client, db, name, status, code):
    response = _api(client, OFFICE / name)
    assert response.status_code == status
    error = response.json["error"]
    assert error["code"] == code and error["message"]


def test_api_without_a_file_and_with_an_empty_one(client, db):
    assert _api(client).json["error"]["code"] == "no-file"
    empty = _api(client, data=b"", name="rong.docx")
    assert empty.status_code == 422 and empty.json["error"]["code"] == "empty"


def test_api_refuses_a_body_over_the_limit_with_a_code(app, client, db, monkeypatch):
    from practical import nd30_routes

    view = app.view_functions["practical.api_nd30_check"]
    monkeypatch.setattr(view, "max_body_bytes", 1024)
    response = _api(client, data=b"x" * 5000, name="lon.docx")
    assert response.status_code == 413 and response.json["error"]["code"] == "too-large"
    assert nd30_routes.UPLOAD_BODY_LIMIT > 20 * 1024 * 1024


def test_page_and_api_share_one_rate_limit(app, client, db):
    app.config["RATELIMIT_ND30"] = "3 per minute"
    try:
        statuses = [_api(client, CORPUS / "01-cong-van-chuan.docx").status_code for _ in range(2)]
        statuses.append(_post_page(client, CORPUS / "01-cong-van-chuan.docx").status_code)
        refused = _api(client, CORPUS / "01-cong-van-chuan.docx")
        page_refused = _post_page(client, CORPUS / "01-cong-van-chuan.docx")
    finally:
        app.config.pop("RATELIMIT_ND30")
    assert statuses == [200, 200, 200]
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate-limited"
    assert page_refused.status_code == 429 and "Quá nhiều yêu cầu" in page_refused.get_data(as_text=True)
    assert client.get("/nd30").status_code == 200  # reading the page is not counted
