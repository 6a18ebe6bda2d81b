"""Agency scope, as the attacker found it broken: each finding is a test (they failed before the
scoped loaders), and the loaders themselves."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from certificates.models import Certificate, CertificateStatus
from courses import services as course_services
from courses.services import record_lesson_view
from lms.models import Role
from lms.permissions import Scope, load, scope_of, scoped
from quizzes.services import start_attempt, submit_attempt
from tests import factories
from tests.conftest import login, post_form


@pytest.fixture()
def two_departments(db, province):
    """Two departments of the province, each with a learner holding a course certificate, and
    an HR officer and an examiner scoped to the first department only."""
    home = factories.agency("000.00.01.H41", "Sở Nội vụ")
    other = factories.agency("000.00.02.H41", "Sở Khoa học và Công nghệ")
    unit = factories.agency("000.01.01.H41", "Phòng Tổ chức cán bộ")
    people = {
        "inside": factories.user("Nguyễn Văn An", username="an", agency_=unit, employee_code="NA-1001",
                                 place_of_birth="Thanh Chương"),
        "outside": factories.user("Trần Thị Bình", username="binh", agency_=other, employee_code="NA-2002",
                                  place_of_birth="Quỳnh Lưu", position="Chuyên viên"),
        "hr": factories.user("Phạm Quốc Bảo", username="hr_home", role=Role.HR, scope=home, agency_=home),
        "examiner": factories.user("Lê Thị Hà", username="examiner_home", role=Role.EXAMINER, scope=home,
                                   agency_=home),
    }
    course = factories.course(lessons=1)
    quiz = factories.quiz(course, questions=1)
    question = quiz.items[0].question
    for key in ("inside", "outside"):
        person = people[key]
        record_lesson_view(person, course.lessons[0])
        attempt = start_attempt(person, quiz)
        submit_attempt(attempt, {question.id: {"option": factories.correct_option_id(question)}})
    db.session.commit()
    certificates = {key: db.session.scalar(select(Certificate).where(Certificate.holder_id == people[key].id))
                    for key in ("inside", "outside")}
    return {"home": home, "other": other, "unit": unit, "course": course, "people": people,
            "certificates": certificates}


def test_the_register_and_its_export_show_only_the_officers_subtree(app, client, db, two_departments):
    for role in ("hr_home", "examiner_home"):
        client = app.test_client()
        login(client, role)
        page = client.get("/register").get_data(as_text=True)
        assert "Nguyễn Văn An" in page and "Trần Thị Bình" not in page
        assert "Trần Thị Bình" not in client.get("/register", query_string={"q": "tran thi binh"}).get_data(
            as_text=True)
        export = client.get("/register", query_string={"format": "xlsx"})
        rows = [" ".join(str(v) for v in row if v) for row in load_workbook(io.BytesIO(export.data)).active.iter_rows(
            values_only=True)]
        text = "\n".join(rows)
        assert "Nguyễn Văn An" in text and "Thanh Chương" in text and "NA-1001" in text
        assert "Trần Thị Bình" not in text and "Quỳnh Lưu" not in text and "NA-2002" not in text


def test_a_certificate_outside_the_scope_is_not_found(app, client, db, two_departments):
    outside = two_departments["certificates"]["outside"]
    client = app.test_client()
    login(client, "hr_home")
    assert client.get(f"/certificates/{outside.code}").status_code == 404
    assert client.get(f"/certificates/{outside.code}.pdf").status_code == 404
    inside = two_departments["certificates"]["inside"]
    assert client.get(f"/certificates/{inside.code}").status_code == 200


def test_an_examiner_cannot_revoke_certificates_of_another_agency(app, client, db, two_departments):
    outside = two_departments["certificates"]["outside"]
    inside = two_departments["certificates"]["inside"]
    client = app.test_client()
    login(client, "examiner_home")
    refused = post_form(client, f"/certificates/{inside.code}", f"/certificates/{outside.code}/revoke",
                        {"reason": "Thử", "decision": "01/QĐ"})
    assert refused.status_code == 404
    refused = post_form(client, f"/certificates/{inside.code}", f"/certificates/{outside.code}/reissue",
                        {"reason": "Thử", "decision": "01/QĐ"})
    assert refused.status_code == 404
    # The bulk form with sequential serials: nothing outside the scope, and so nothing at all.
    bulk = post_form(client, "/certificates/revoke", "/certificates/revoke",
                     {"identifiers": f"{inside.serial}\n{outside.serial}", "reason": "Ký sai thẩm quyền",
                      "decision": "02/QĐ"})
    assert "Không thu hồi chứng chỉ nào" in bulk.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Certificate, outside.id).status is CertificateStatus.VALID
    assert db.session.get(Certificate, inside.id).status is CertificateStatus.VALID
    # Within the scope it works.
    done = post_form(client, "/certificates/revoke", "/certificates/revoke",
                     {"identifiers": inside.serial, "reason": "Ký sai thẩm quyền", "decision": "02/QĐ",
                      "confirmed": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Certificate, inside.id).status is CertificateStatus.REVOKED


def test_assignment_by_position_stays_inside_the_officers_subtree(app, client, db, two_departments):
    people, other, home = two_departments["people"], two_departments["other"], two_departments["home"]
    people["inside"].position = "Chuyên viên"
    course = factories.course("Chữ ký số")
    db.session.commit()
    client = app.test_client()
    login(client, "hr_home")
    url = f"/courses/{course.slug}/assign"
    refused = post_form(client, url, url, {"target": "position", "value": "Chuyên viên", "agency_id": other.id})
    assert refused.status_code == 200 and "Lựa chọn không hợp lệ." in refused.get_data(as_text=True)
    done = post_form(client, url, url, {"target": "position", "value": "Chuyên viên", "agency_id": home.id,
                                        "due_on": (date.today() + timedelta(days=30)).isoformat()})
    assert done.status_code == 302
    assert [c.title for c, _due in course_services.assignments_for(people["inside"])] == ["Chữ ký số"]
    assert course_services.assignments_for(people["outside"]) == []  # a Chuyên viên of another department
    by_person = post_form(client, url, url, {"target": "user", "value": "binh", "agency_id": home.id})
    assert "Không tìm thấy người này trong phạm vi của bạn." in by_person.get_data(as_text=True)


def test_scopes_are_the_union_of_grants_and_administrators_count_everywhere(db, two_departments, users):
    officer = two_departments["people"]["hr"]
    scope = scope_of(officer, Role.HR)
    assert scope.covers(two_departments["unit"]) and not scope.covers(two_departments["other"])
    assert scope_of(officer, Role.EXAMINER) == Scope()
    assert scope_of(users["admin"], Role.HR).everything
    seen = {c.holder_name for c in db.session.scalars(scoped(Certificate, "register", actor=officer))}
    assert seen == {"Nguyễn Văn An"}


def test_a_holder_sees_their_own_certificate_and_no_one_elses(app, client, db, two_departments):
    people = two_departments["people"]
    inside, outside = two_departments["certificates"]["inside"], two_departments["certificates"]["outside"]
    with app.test_request_context():
        assert load(Certificate, "view", Certificate.id == inside.id, actor=people["inside"]) is not None
        with pytest.raises(Exception) as refused:
            load(Certificate, "view", Certificate.id == outside.id, actor=people["inside"])
        assert getattr(refused.value, "code", None) == 404


def test_the_demo_lets_anyone_see_scoping(app, db):
    from lms.demo import DEMO_PEOPLE

    app.test_cli_runner().invoke(args=["demo", "load"])
    scopes = {}
    for _username, _name, _agency, _position, _code, _born, role, scope in DEMO_PEOPLE:
        if role in (Role.HR, Role.EXAMINER):
            scopes.setdefault(role, set()).add(scope)
    assert len(scopes[Role.HR]) >= 2 and len(scopes[Role.EXAMINER]) >= 2
