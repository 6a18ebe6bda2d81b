"""Demo data: an approved basic IT-skill exam with issued, signed certificates. Idempotent."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from certificates import documents, services
from certificates.models import Certificate
from lms.database import utcnow
from lms.extensions import db
from lms.demo import demo_user
from lms.services import find_user_by_login
from lms.timefmt import local
from quizzes import exams
from quizzes.models import ExamSession, Question
from quizzes.services import save_answer, submit_attempt

DEMO_SESSION_TITLE = "Kỳ thi chứng chỉ ứng dụng CNTT cơ bản (dữ liệu mẫu)"
BASIC = ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06"]
# username, share of questions answered right, practical score
DEMO_CANDIDATES = [("hocvien", 1.0, "8.50"), ("tacgia", 0.8, "7.00"), ("nhansu", 0.3, "6.00")]


def load_demo_certificates() -> None:
    """Hold a finished, approved demo exam and issue its certificates (needs the content bank)."""
    if db.session.scalar(select(ExamSession).where(ExamSession.title == DEMO_SESSION_TITLE)):
        return
    per_module = {m: db.session.execute(select(func.count()).select_from(Question)
                                        .where(Question.module_code == m)).scalar_one()
                  for m in BASIC}
    if min(per_module.values()) < 5:
        return  # `flask content load` first: the exam draws from the bank
    examiner = demo_user("khaothi")
    now = utcnow()
    session = exams.create_session(title=DEMO_SESSION_TITLE, opens_at=now - timedelta(days=1),
                                   closes_at=now + timedelta(hours=1), time_limit_minutes=45,
                                   agency=examiner.grants[0].agency if examiner.grants else None,
                                   modules=BASIC, created_by=examiner)
    exams.set_blueprint(session, [exams.RuleSpec(module, 5) for module in BASIC])
    exams.add_candidates(session, [name for name, _share, _practical in DEMO_CANDIDATES])
    exams.set_board(session, ["Đặng Văn Hùng — Chủ tịch Hội đồng", "Lê Thị Thu Hà — Thư ký",
                              "Nguyễn Văn Bình — Ủy viên"], examiner)
    for name, share, practical in DEMO_CANDIDATES:
        person = demo_user(name)
        attempt = exams.start_exam(session, person, None, now=now - timedelta(minutes=30))
        right = round(share * len(attempt.slots))
        for index, slot in enumerate(attempt.slots):
            options = sorted(slot.question.options, key=lambda o: o.fraction, reverse=index < right)
            if options and slot.question.qtype.value in ("single_choice", "true_false"):
                save_answer(attempt.id, attempt.user_id, slot.question_id, {"option": options[0].id}, seq=1)
        submit_attempt(attempt)
        candidate = exams.candidate_of(session, person)
        if candidate is None:
            raise LookupError(f"{name} was added to the demo exam but is not one of its candidates")
        exams.set_practical_score(candidate, Decimal(practical), examiner)
    session.closes_at = now - timedelta(hours=1)
    # The board's chair approves, not the examiner who prepared the session.
    chair = find_user_by_login("chutich") or examiner
    exams.approve(session, chair, "01/QĐ-HĐT", local(now).date())
    services.issue_for_session(session.id)
    try:
        for certificate in db.session.scalars(select(Certificate).where(Certificate.exam_session_id == session.id)):
            documents.signed_pdf(certificate)
    except documents.SigningNotConfigured:
        pass  # PDFs are signed on first download once a key is configured
