"""Routes of the practical part: the public ND30 checker (page, samples, API), practice tasks, the
practical part of exams and examiners' overrides."""
from __future__ import annotations

from pathlib import Path

from tests.matrix import PUBLIC, SIGNED_IN, Access, Entry

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "practical"

ENTRIES = [
    Entry("practical.nd30_page", "GET", "/nd30", PUBLIC),
    Entry("practical.nd30_check", "POST", "/nd30", PUBLIC),
    Entry("practical.nd30_sample", "GET", "/nd30/samples/mau-cong-van.docx", PUBLIC),
    Entry("practical.api_nd30_check", "POST", "/api/v1/nd30/check", PUBLIC, json={}),
]


# Practice tasks (signed-in learners) and a practice submission's feedback (its author alone).
OWN = Access(owner="learner", only_owner=True)
ENTRIES += [
    Entry("practical.practice_list", "GET", "/practice", SIGNED_IN),
    Entry("practical.task", "GET", "/practice/iu04-bang-luong", SIGNED_IN),
    Entry("practical.task_submit", "POST", "/practice/iu04-bang-luong", SIGNED_IN),
    Entry("practical.starting_file", "GET", "/practice/iu04-bang-luong/starting-file", SIGNED_IN),
    Entry("practical.submission", "GET", "/practice/submissions/{practical_submission}", OWN),
]

# The practical part of an exam: the candidate (the world's learner) alone on their page; examiners
# of the session's unit (home) on the examiners' pages, which its board chair may read.
EXAMINER_SESSION = Access(roles=("examiner",), scoped=("examiner",))
SESSION_READERS = Access(roles=("examiner", "board_chair"), scoped=("examiner", "board_chair"))
ENTRIES += [
    Entry("practical.exam_candidate_page", "GET", "/my-exams/{practical_session}/practical", OWN),
    Entry("practical.exam_candidate_submit", "POST", "/my-exams/{practical_session}/practical", OWN),
    Entry("practical.exam_starting_file", "GET", "/my-exams/{practical_session}/practical/starting-file", OWN),
    Entry("practical.exam_overview", "GET", "/exams/{practical_session}/practical", SESSION_READERS),
    Entry("practical.exam_set_task", "POST", "/exams/{practical_session}/practical/task", EXAMINER_SESSION,
          {"task_slug": "iu04-bang-luong"}),
    Entry("practical.exam_candidate_result", "GET",
          "/exams/{practical_session}/practical/candidates/{practical_candidate}", SESSION_READERS),
    Entry("practical.exam_override", "POST",
          "/exams/{practical_session}/practical/submissions/{exam_submission}/override", EXAMINER_SESSION,
          {"check_id": "tong", "verdict": "pass", "reason": "Vùng tổng đúng theo đề cũ"}),
    Entry("practical.exam_submission_file", "GET",
          "/exams/{practical_session}/practical/submissions/{exam_submission}/file", SESSION_READERS),
]


def extend_world(app, places: dict, people: dict) -> None:
    """A practice submission of the world's learner; an exam session of the home department with a
    practical task, the learner's exam started and a file handed in."""
    from datetime import timedelta

    from lms.database import utcnow
    from lms.models import Agency
    from practical import exams as practical_exams
    from practical import services
    from quizzes import exams

    path = FIXTURES / "iu04-bang-luong" / "sai-go-so.xlsx"
    submission = services.submit(people["learner"], services.task("iu04-bang-luong"), path.read_bytes(), path.name)
    places["practical_submission"] = submission.id
    home = people["examiner_in"].agency
    assert isinstance(home, Agency)
    now = utcnow()
    session = exams.create_session(title="Kỳ thi có phần thực hành", opens_at=now - timedelta(hours=1),
                                   closes_at=now + timedelta(hours=3), time_limit_minutes=60, agency=home,
                                   has_practical=True, created_by=people["examiner_in"])
    exams.set_blueprint(session, [exams.RuleSpec("IU01", 1)])
    exams.add_candidates(session, ["learner"])
    practical_exams.set_exam_task(session, "iu04-bang-luong", people["examiner_in"])
    exams.start_exam(session, people["learner"], None)
    candidate = exams.candidate_of(session, people["learner"])
    handed_in = practical_exams.submit_for_exam(session, candidate, path.read_bytes(), path.name)
    places.update(practical_session=session.id, practical_candidate=candidate.id, exam_submission=handed_in.id)

