"""Demo data: an open exam session with a practical part (the payroll task), hocvien listed and not
yet started, tacgia already started with the task's starting file handed in (a low score for the
examiner khaothi to read and override). Idempotent; needs the content bank (``flask content load``)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms.database import utcnow
from lms.extensions import db
from lms.demo import demo_user
from lms.services import find_user_by_login
from practical import exams as practical_exams
from practical import services
from quizzes import exams
from quizzes.models import ExamSession, Question

DEMO_SESSION_TITLE = "Kỳ thi có phần thực hành chấm tự động (dữ liệu mẫu)"
DEMO_TASK = "iu04-bang-luong"
MODULES = ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]


def load_demo_practical() -> None:
    """Open the demo session (a week from now) unless it exists or the bank is too small."""
    if db.session.scalar(select(ExamSession.id).where(ExamSession.title == DEMO_SESSION_TITLE)):
        return
    counts = [db.session.execute(select(func.count()).select_from(Question).where(Question.module_code == m))
              .scalar_one() for m in MODULES]
    examiner = find_user_by_login("khaothi")
    task = services.task(DEMO_TASK)
    if min(counts) < 2 or examiner is None or task is None:
        return
    now = utcnow()
    session = exams.create_session(title=DEMO_SESSION_TITLE, opens_at=now - timedelta(hours=1),
                                   closes_at=now + timedelta(days=7), time_limit_minutes=45,
                                   agency=examiner.grants[0].agency if examiner.grants else None,
                                   modules=MODULES, has_practical=True, created_by=examiner)
    exams.set_blueprint(session, [exams.RuleSpec(module, 2) for module in MODULES])
    exams.add_candidates(session, ["hocvien", "tacgia"])
    practical_exams.set_exam_task(session, DEMO_TASK, examiner)
    author = demo_user("tacgia")
    exams.start_exam(session, author, None)
    candidate = exams.candidate_of(session, author)
    if candidate is None or task.starting_file is None:
        raise LookupError(f"the demo needs tacgia as a candidate and a starting file for {DEMO_TASK}")
    practical_exams.submit_for_exam(session, candidate, task.starting_file.read_bytes(), task.starting_file.name)
