"""Schemathesis reads the HR API's generated OpenAPI document from the application and sends
generated requests to every operation with a valid key: no answer may be a 5xx, and every answer
must be documented and fit its schema (status codes, content type, body)."""
from __future__ import annotations

import contextvars
from datetime import date

from hr import evidence, rounds
from hr.api import create_key
from lms.extensions import db as _db
from tests import factories
from tests.test_hr import make_hr_world, product_certificate, staff


def test_generated_requests_find_no_server_error_and_no_answer_outside_the_schema(app, db, province):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    world = make_hr_world(province)
    department = world["department"]
    met = staff(department, "NA-1", "Trần Văn Đức")
    evidence.add_assessment(met, level="basic", modules=[], decision_number="1/QĐ-SNV", decided_on=date(2025, 1, 2),
                            officer_name="Nguyễn Văn Thành", officer_title="Giám đốc", note=None, by=None)
    account = factories.user("Lê Thị Hoa", employee_code="NA-9", agency_=department)
    staff(department, "NA-9", "Lê Thị Hoa")
    product_certificate(account).holder_agency_id = department.id
    staff(world["commune"], "NA-3", "Trần Văn Nam")  # outside the key's subtree
    review = rounds.create_round(title="Nâng ngạch 2026", kind="promotion", target_rank_code="01.003",
                                 round_date=date(2026, 1, 15), agency=department, by=world["hr"])
    rounds.add_candidates(review, ["NA-1", "NA-9"], world["hr"])
    _row, secret = create_key(department, "Phần mềm nhân sự của Sở", world["hr"])
    _db.session.commit()

    # Each request runs in a fresh context, as in production (the test's own context holds a session).
    fresh = contextvars.Context
    schema = fresh().run(schemathesis.openapi.from_wsgi, "/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(schema.raw_schema["paths"]) >= 4
    previous = app.config.get("HR_API_RATE")
    app.config["HR_API_RATE"] = "100000 per minute"
    seen: dict[str, set[int]] = {}
    try:
        for operation in operations:
            @settings(max_examples=25, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(), code=st.sampled_from([None, "NA-1", "NA-9", "na-9", "NA-3"]),
                   round_id=st.sampled_from([None, review.id]))
            def check(case, code, round_id):
                # Real objects half the time (in scope and out of it), generated values otherwise.
                if code and "code" in (case.path_parameters or {}):
                    case.path_parameters["code"] = code
                if round_id and "round_id" in (case.path_parameters or {}):
                    case.path_parameters["round_id"] = round_id
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {secret}"}
                response = fresh().run(case.call)
                assert response.status_code < 500, (case.operation.label, case.path_parameters, response.text[:300])
                seen.setdefault(case.operation.label, set()).add(response.status_code)
                # Every check but "a schema-valid request is accepted": a well-formed but unknown rank
                # code in ?target= is refused with the documented 400, as it should be.
                fresh().run(lambda: case.validate_response(
                    response, excluded_checks=[schemathesis.checks.positive_data_acceptance]))

            check()
    finally:
        if previous is None:
            app.config.pop("HR_API_RATE", None)
        else:
            app.config["HR_API_RATE"] = previous
    # The run reached real data, not only refusals.
    assert all(200 in codes for codes in seen.values()), seen
