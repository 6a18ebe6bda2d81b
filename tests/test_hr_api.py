"""HR API: keys per agency (shown once, stored hashed, scoped, audited, rate-limited, revocable),
JSON endpoints with stable error objects, and the generated OpenAPI 3.1 document, against which
every answer here is checked."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from hr import evidence, rounds
from hr.api import KEY_PREFIX, create_key
from hr.models import ApiKey
from lms.extensions import db as _db
from lms.models import AuditEntry
from tests.conftest import login, post_form
from tests.test_hr import make_hr_world, staff

TYPES = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict, "null": type(None)}


@pytest.fixture()
def hr_world(db, province):
    """Requirements, a department, a commune, and HR officers of the province and of the commune."""
    world = make_hr_world(province)
    record = staff(world["department"], "NA-1", "Nguyễn Thị Hương")
    evidence.add_assessment(record, level="basic", modules=[], decision_number="7/QĐ", decided_on=date(2025, 2, 3),
                            officer_name="Nguyễn Văn Thành", officer_title="Giám đốc", note=None, by=None)
    staff(world["department"], "NA-2", "Lê Văn Hòa")
    staff(world["commune"], "NA-3", "Trần Văn Nam")
    _db.session.commit()
    return world


def check(value, schema: dict, spec: dict, where: str = "$") -> None:
    """Fail unless ``value`` fits ``schema`` (the subset of JSON Schema the document uses)."""
    if "$ref" in schema:
        return check(value, spec["components"]["schemas"][schema["$ref"].split("/")[-1]], spec, where)
    for part in schema.get("allOf", []):
        check(value, part, spec, where)
    kinds = schema.get("type")
    if kinds:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        assert any(isinstance(value, TYPES[k]) and not (k == "integer" and isinstance(value, bool))
                   for k in kinds), f"{where}: {value!r} is not {kinds}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: {key} missing"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                check(value[key], sub, spec, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            check(item, schema["items"], spec, f"{where}[{index}]")


def answer_fits(response, spec, path: str) -> dict:
    """The response's JSON, checked against the document's schema for its status."""
    operation = spec["paths"][path]["get"]
    schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    body = response.get_json()
    check(body, schema, spec)
    return body


def test_keys_are_shown_once_stored_hashed_and_scoped(hr_world, client, app):
    login(client, "nhansu")
    page = post_form(client, "/hr/api-keys", "/hr/api-keys", {
        "name": "Phần mềm quản lý cán bộ xã", "agency": str(hr_world["commune"].id)}).get_data(as_text=True)
    key = page[page.index(KEY_PREFIX):].split("<")[0]
    row = _db.session.scalar(select(ApiKey))
    assert key not in str(row.key_hash) and row.prefix == key[:10]
    assert key not in client.get("/hr/api-keys").get_data(as_text=True)
    api = app.test_client()
    spec = api.get("/api/openapi.json").get_json()
    headers = {"Authorization": f"Bearer {key}"}
    body = answer_fits(api.get("/api/v1/hr/staff/na-3/standing", headers=headers), spec,
                       "/api/v1/hr/staff/{code}/standing")
    assert body["full_name"] == "Trần Văn Nam" and body["standing"]["outcome"] == "not_met"
    # Outside the key's agency: not there.
    missing = api.get("/api/v1/hr/staff/NA-1/standing", headers=headers)
    assert missing.status_code == 404
    answer_fits(missing, spec, "/api/v1/hr/staff/{code}/standing")
    listing = answer_fits(api.get("/api/v1/hr/staff", headers=headers), spec, "/api/v1/hr/staff")
    _db.session.expire_all()
    assert [item["employee_code"] for item in listing["items"]] == ["NA-3"] and listing["total"] == 1
    uses = list(_db.session.scalars(select(AuditEntry).where(AuditEntry.action == "hr.api.use")))
    assert len(uses) == 3 and uses[0].origin == "api" and "/api/v1/hr/staff/na-3/standing" in uses[0].details["path"]
    # Revoked: refused at once, with a stable error object.
    post_form(client, "/hr/api-keys", f"/hr/api-keys/{row.id}/revoke")
    refused = api.get("/api/v1/hr/staff/NA-3/standing", headers=headers)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "api-key"
    assert api.get("/api/v1/hr/staff", headers={"Authorization": "Bearer hrk_nothing"}).status_code == 401
    assert api.get("/api/v1/hr/staff", headers={"Authorization": "Basic abc"}).status_code == 401
    assert api.get("/api/v1/hr/staff").status_code == 401


def test_standing_certificates_and_rounds_follow_the_document(hr_world, app):
    _row, key = create_key(hr_world["province"], "Hệ thống của tỉnh", hr_world["hr"])
    review = rounds.create_round(title="Xét nâng ngạch", kind="promotion", target_rank_code="01.002",
                                 round_date=date(2026, 1, 5), agency=hr_world["department"], by=None)
    rounds.add_candidates(review, ["NA-1", "NA-2"], hr_world["hr"])
    _db.session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    spec = api.get("/api/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0" and set(spec["paths"]) == {
        "/api/v1/hr/staff/{code}/standing", "/api/v1/hr/staff", "/api/v1/hr/rounds/{round_id}",
        "/api/v1/hr/staff/{code}/certificates"}
    body = answer_fits(api.get("/api/v1/hr/staff/NA-1/standing?target=01.002", headers=headers), spec,
                       "/api/v1/hr/staff/{code}/standing")
    assert body["standing"]["outcome"] == "meets" and body["target_rank"] == "01.002"
    bad = api.get("/api/v1/hr/staff/NA-1/standing?target=nope", headers=headers)
    assert bad.status_code == 400 and answer_fits(bad, spec, "/api/v1/hr/staff/{code}/standing")["error"]["status"] == 400
    body = answer_fits(api.get("/api/v1/hr/staff/NA-1/certificates", headers=headers), spec,
                       "/api/v1/hr/staff/{code}/certificates")
    assert body["certificates"][0]["source"] == "assessment"
    body = answer_fits(api.get(f"/api/v1/hr/rounds/{review.id}", headers=headers), spec,
                       "/api/v1/hr/rounds/{round_id}")
    assert {c["employee_code"]: c["outcome"] for c in body["candidates"]} == {"NA-1": "meets", "NA-2": "not_met"}
    page = answer_fits(api.get("/api/v1/hr/staff?per_page=2&page=2", headers=headers), spec, "/api/v1/hr/staff")
    assert page["total"] == 3 and [i["employee_code"] for i in page["items"]] == ["NA-3"]
    assert api.get("/api/v1/hr/staff?per_page=0", headers=headers).status_code == 400
    docs = api.get("/api/docs").get_data(as_text=True)
    assert "GET /api/v1/hr/staff/{code}/standing" in docs and "<script" not in docs


def test_keys_are_rate_limited(hr_world, app, monkeypatch):
    monkeypatch.setitem(app.config, "HR_API_RATE", "2 per minute")
    _row, key = create_key(hr_world["province"], "Hệ thống của tỉnh", hr_world["hr"])
    _db.session.commit()
    api = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    statuses = [api.get("/api/v1/hr/staff", headers=headers).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert api.get("/api/v1/hr/staff", headers=headers).get_json()["error"]["status"] == 429
