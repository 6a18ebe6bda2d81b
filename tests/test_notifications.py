"""Who is told what: exam invitations, released results, assigned courses, daily reminders
(idempotent), reissued certificates — each once, in the person's language."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from courses.services import assign, mark_completed
from lms.database import utcnow
from lms.mail import MailMessage
from lms.timefmt import local, local_today
from notifications.reminders import due_step, overdue_step
from quizzes import exams
from quizzes.signals import results_released
from tests import factories
from tests.test_mail import wait_for_senders


def _messages(db, kind):
    return list(db.session.scalars(select(MailMessage).where(MailMessage.kind == kind).order_by(MailMessage.id)))


def _session(province, **fields):
    now = utcnow()
    session = exams.create_session(title="Thi chứng chỉ ứng dụng CNTT cơ bản", opens_at=now + timedelta(days=3),
                                   closes_at=now + timedelta(days=3, hours=2), time_limit_minutes=45,
                                   agency=province, level="basic")  # all of IU01–IU06
    for name, value in fields.items():
        setattr(session, name, value)
    return session


def test_candidates_added_are_invited_once_with_time_place_and_what_to_bring(db, users, province):
    session = _session(province, place="Phòng máy 2, Trung tâm Chuyển đổi số, 16 Trường Thi, Vinh")
    exams.add_candidates(session, ["learner", "author"])
    exams.add_candidates(session, ["learner", "hr"])  # the learner is listed already
    invitations = _messages(db, "exam_invitation")
    assert sorted(m.to_address for m in invitations) == sorted(users[n].email for n in ("learner", "author", "hr"))
    text = next(m for m in invitations if m.recipient_id == users["learner"].id).body_text
    assert "Phòng máy 2, Trung tâm Chuyển đổi số, 16 Trường Thi, Vinh" in text
    assert "Thời gian làm bài: 45 phút" in text and "Căn cước công dân" in text
    assert f"/my-exams/{session.id}" in text and "IU01, IU02, IU03, IU04, IU05, IU06" in text
    assert local(session.opens_at).strftime("%d/%m/%Y %H:%M") in text


def test_an_invitation_says_what_the_centre_asks_to_bring_when_it_says_so(db, users, province):
    session = _session(province, what_to_bring="Thẻ công chức và bút bi.")
    exams.add_candidates(session, ["learner"])
    text = _messages(db, "exam_invitation")[0].body_text
    assert "Thẻ công chức và bút bi." in text and "Căn cước" not in text
    assert "sẽ được đơn vị tổ chức thi thông báo" in text  # no place given yet


def test_released_results_reach_each_candidate_with_a_result(db, users, province):
    session = _session(province, has_practical=True)
    exams.add_candidates(session, ["learner", "author", "hr"])
    for name, passed, theory, practical in (("learner", True, "8.50", "7.00"), ("author", False, "4.00", "6.00")):
        candidate = exams.candidate_of(session, users[name])
        candidate.passed, candidate.theory_score, candidate.practical_score = passed, Decimal(theory), Decimal(practical)
    db.session.flush()
    results_released.send(session)
    results_released.send(session)  # sent twice: told once
    results = {m.recipient_id: m.body_text for m in _messages(db, "exam_result")}
    assert set(results) == {users["learner"].id, users["author"].id}  # hr has no result: nothing to tell
    assert "Điểm lý thuyết: 8,50/10" in results[users["learner"].id] and "Kết quả: Đạt" in results[users["learner"].id]
    assert "Mô-đun đạt: IU01, IU02, IU03, IU04, IU05, IU06" in results[users["learner"].id]
    assert "Kết quả: Không đạt" in results[users["author"].id] and "Mô-đun đạt" not in results[users["author"].id]


def test_a_course_assigned_to_an_agency_reaches_its_people_through_a_job(app, db, users, province):
    course = factories.course("Thư điện tử công vụ", lessons=1)
    department = factories.agency("000.00.01.H41", "Sở Nội vụ")
    staff = [factories.user("Đỗ Văn An", username="an", agency_=department),
             factories.user("Bùi Thị Hoa", username="hoa", agency_=department),
             factories.user("Ngô Văn Cường", username="cuong", agency_=department)]
    staff[1].locale = "en"
    mark_completed(staff[2], course)  # done already: not told
    factories.user("Lý Văn Khoa", username="khoa", agency_=department, email=None)  # no address
    assign(course, agency=department, by=users["hr"], due_on=date(2027, 3, 31))
    assert _messages(db, "course_assigned") == []  # composed by the job, after the commit
    db.session.commit()
    wait_for_senders(app)
    db.session.expire_all()
    told = {m.recipient_id: m for m in _messages(db, "course_assigned")}
    assert set(told) == {staff[0].id, staff[1].id}
    assert "Hạn hoàn thành: 31/03/2027" in told[staff[0].id].body_text
    assert told[staff[1].id].subject == "Course assigned to you: Thư điện tử công vụ"
    assert "Due by: 31/03/2027" in told[staff[1].id].body_text


def test_a_course_assigned_to_one_person_is_told_at_once(db, users, province):
    course = factories.course("Bảng tính cơ bản", lessons=1)
    assign(course, agency=province, by=users["hr"], user=users["learner"])
    assert [m.recipient_id for m in _messages(db, "course_assigned")] == [users["learner"].id]


def test_reminder_steps():
    assert [due_step(days, [1, 3, 7]) for days in (8, 7, 4, 3, 2, 1, 0, -1)] == [None, 7, 7, 3, 3, 1, 1, None]
    assert [overdue_step(days, [1, 7, 30]) for days in (0, 1, 6, 7, 29, 30, 400)] == [None, 1, 1, 7, 7, 30, 30]


def test_daily_reminders_are_sent_once_per_step_and_a_second_run_sends_nothing(app, db, users, province):
    today = local_today()
    soon = factories.course("Soạn thảo văn bản", lessons=1)
    late = factories.course("Bảng tính cơ bản", lessons=1)
    finished = factories.course("Trình chiếu", lessons=1)
    assign(soon, agency=province, by=users["hr"], due_on=today + timedelta(days=3))
    assign(late, agency=province, by=users["hr"], user=users["learner"], due_on=today - timedelta(days=1))
    assign(finished, agency=province, by=users["hr"], user=users["learner"], due_on=today + timedelta(days=1))
    mark_completed(users["learner"], finished)
    db.session.commit()
    wait_for_senders(app)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["notifications", "send"])
    assert first.exit_code == 0, first.output
    due, overdue = _messages(db, "due_soon"), _messages(db, "overdue")
    assert {m.recipient_id for m in due} == {users["learner"].id}  # the province's people with an agency
    assert "Soạn thảo văn bản" in due[0].body_text and "Trình chiếu" not in due[0].body_text
    assert "còn 3 ngày" in due[0].body_text
    assert [m.recipient_id for m in overdue] == [users["learner"].id]
    assert "Bảng tính cơ bản" in overdue[0].body_text and "đã quá 1 ngày" in overdue[0].body_text
    second = runner.invoke(args=["notifications", "send"])
    assert second.exit_code == 0 and "0 due soon, 0 overdue" in second.output
    assert len(_messages(db, "due_soon")) == 1 and len(_messages(db, "overdue")) == 1
    # Two days on, the course is still in its 3-day step: nothing new; on the due date, the 1-day step.
    runner.invoke(args=["notifications", "send", "--date", (today + timedelta(days=1)).isoformat()])
    assert len(_messages(db, "due_soon")) == 1
    runner.invoke(args=["notifications", "send", "--date", (today + timedelta(days=3)).isoformat()])
    assert len(_messages(db, "due_soon")) == 2


def test_a_reissued_certificate_is_announced_with_the_number_it_replaces(db, users):
    from certificates import services
    from tests.test_mail import _complete_course

    old = _complete_course(users["learner"])
    new = services.reissue(old, reason="Sai tên người ký", decision="15/QĐ-TTCĐS", by=users["admin"])
    texts = [m.body_text for m in _messages(db, "certificate_issued")]
    assert len(texts) == 2 and new.serial in texts[1] and f"thay thế văn bằng số hiệu {old.serial}" in texts[1]
