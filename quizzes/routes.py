"""Quiz views: overview, taking an attempt (page and JSON autosave), result."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.web import never_cached
from lms.auth import EmptyForm
from lms.database import utcnow
from lms.extensions import db
from lms.permissions import load
from lms.web import body_limit, json_body
from lms.timefmt import format_datetime
from quizzes import bp, disclosure, quiz_home_url, services
from quizzes.grading import correct_answer_text, feedback_for, response_from_form, right_hand_texts
from quizzes.models import Attempt, QuestionType, QuizKind

MAX_JSON_BYTES = 64 * 1024


def _own_attempt(attempt_id: int) -> Attempt:
    """The current user's attempt, or 404 (someone else's attempt is not revealed)."""
    return load(Attempt, "take", Attempt.id == attempt_id)


def _closed_message(code: str) -> str:
    if code == "timeout":
        return _("Đã hết thời gian làm bài. Các câu trả lời đã lưu trước giờ kết thúc được chấm.")
    return _("Bài làm đã được nộp.")


def _exam_page_of(quiz):
    """An exam's form is not a course quiz: its overview (and start) is the candidate's exam page."""
    session = disclosure.session_of_quiz(quiz)
    if quiz.kind is QuizKind.EXAM:
        if session is None:
            abort(404)
        return redirect(url_for("quizzes.my_exam", session_id=session.id))
    return None


@bp.route("/quizzes/<int:quiz_id>")
@login_required
def overview(quiz_id: int):
    """What the quiz is, the pass mark, previous attempts and a start button."""
    quiz = services.get_quiz(quiz_id) or abort(404)
    exam = _exam_page_of(quiz)
    if exam is not None:
        return exam
    home = quiz_home_url(quiz)
    if home != url_for("quizzes.overview", quiz_id=quiz.id):
        return redirect(home)  # a quiz whose page a feature owns (the mock exam)
    return render_template("quizzes/overview.html", quiz=quiz, attempts=services.attempts_of(current_user, quiz),
                           open_attempt=services.open_attempt(current_user, quiz), form=EmptyForm(),
                           grade=services.quiz_grade(current_user, quiz))


@bp.route("/quizzes/<int:quiz_id>/start", methods=["POST"])
@login_required
def start(quiz_id: int):
    """Start (or resume) an attempt."""
    quiz = services.get_quiz(quiz_id) or abort(404)
    exam = _exam_page_of(quiz)
    if exam is not None:
        return exam
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(current_user, quiz)
    except services.QuizError as error:
        flash(_("Bạn đã dùng hết số lần làm bài cho phép.") if error.code == "no-attempts-left"
              else _("Bài kiểm tra này chưa có câu hỏi."), "error")
        return redirect(url_for("quizzes.overview", quiz_id=quiz.id))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@never_cached
@login_required
def attempt(attempt_id: int):
    """Show the questions with the saved answers; POST submits the page and grades it."""
    attempt = _own_attempt(attempt_id)
    if services.finalise_if_expired(attempt):
        flash(_closed_message("timeout"), "info")
    if attempt.finished:
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    questions = services.questions_of(attempt)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        responses = {q.id: response_from_form(q, request.form) for q, _options in questions if q.qtype.graded}
        seen = {}
        for question, _options in questions:
            raw = request.form.get(f"seen-{question.id}", "0")
            seen[question.id] = int(raw) if raw.isdigit() and len(raw) <= 10 and int(raw) < services.MAX_SEQ else 0
        try:
            services.submit_attempt(attempt, responses, page_seen=seen)
        except services.QuizError:
            db.session.rollback()
            abort(400)
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    return render_template("quizzes/attempt.html", attempt=attempt, questions=questions, form=EmptyForm(),
                           can_check=disclosure.may_check_while_answering(attempt.quiz),
                           saved=services.saved_responses(attempt), right_hand_texts=right_hand_texts,
                           saved_seq={a.question_id: a.seq for a in attempt.answers},
                           deadline_text=format_datetime(attempt.deadline), now_iso=utcnow().isoformat())


@bp.route("/api/v1/attempts/<int:attempt_id>/answers", methods=["POST"])
@body_limit(MAX_JSON_BYTES)
@login_required
def save_answer(attempt_id: int):
    """Autosave one answer: ``{"question_id": 1, "response": {...}, "seq": 7}``.

    200 when stored (or a repeat of a stored save), 409 for a stale save, 410 after the
    attempt ended (time up or submitted), 400 for malformed input, 404 for someone else's,
    401 when no one is signed in. The answer is committed before the 200 is sent.
    """
    payload = json_body()
    question_id = payload.get("question_id") if isinstance(payload, dict) else None
    seq = payload.get("seq") if isinstance(payload, dict) else None
    try:
        # Not an object: no seq, refused as invalid once the attempt is known to be this person's.
        result = services.save_answer(attempt_id, current_user.id, question_id,
                                      payload.get("response") if isinstance(payload, dict) else None, seq)
    except services.QuizError as error:
        if error.code == "not-owner":
            abort(404)
        if error.code in ("timeout", "finished"):
            if error.code == "timeout":
                attempt = db.session.get(Attempt, attempt_id)
                if attempt is not None:
                    services.finalise_if_expired(attempt)
            return _json_error(410, _closed_message(error.code), code=error.code)
        if error.code == "stale":
            return _json_error(409, _("Đã có câu trả lời mới hơn cho câu này."), code="stale")
        if error.code == "invalid-seq":
            return _json_error(400, _("Dữ liệu không hợp lệ."), code=error.code)
        return _json_error(400, _("Câu trả lời không hợp lệ."), code=error.code)
    return jsonify({"saved": True, "seq": result.seq, "stored": result.stored,
                    "saved_at": result.saved_at.isoformat()})


def _json_error(status: int, message: str, code: str | None = None):
    return jsonify({"saved": False, "error": {"status": status, "code": code, "message": message}}), status


@bp.route("/attempts/<int:attempt_id>/result")
@never_cached
@login_required
def result(attempt_id: int):
    """Score, pass/fail and, after the attempt, each answer with its feedback and explanation."""
    attempt = _own_attempt(attempt_id)
    services.finalise_if_expired(attempt)
    if not attempt.finished:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    shown = disclosure.disclose(attempt)
    if shown.is_exam:
        candidate = disclosure.candidate_of_attempt(attempt)
        return render_template("quizzes/exams/result.html", attempt=attempt, shown=shown, session=shown.session,
                               candidate=candidate,
                               questions=services.questions_of(attempt) if shown.review else [],
                               answers={a.question_id: a for a in attempt.answers} if shown.review else {},
                               feedback_for=feedback_for, correct_answer_text=correct_answer_text)
    answers = {a.question_id: a for a in attempt.answers}
    return render_template("quizzes/result.html", attempt=attempt, shown=shown,
                           questions=services.questions_of(attempt) if shown.review else [],
                           answers=answers, feedback_for=feedback_for, correct_answer_text=correct_answer_text,
                           practice=attempt.quiz.kind is QuizKind.PRACTICE)


@bp.route("/api/v1/attempts/<int:attempt_id>/result")
@never_cached
@login_required
def api_result(attempt_id: int):
    """The attempt's result as JSON: exactly what the result page shows, never more."""
    attempt = _own_attempt(attempt_id)
    services.finalise_if_expired(attempt)
    if not attempt.finished:
        return _json_error(409, _("Bài làm chưa nộp."), code="not-finished")
    shown = disclosure.disclose(attempt)
    data = shown.as_json()
    if shown.review:
        answers = {a.question_id: a for a in attempt.answers}
        questions = []
        for question, _options in services.questions_of(attempt):
            answer = answers.get(question.id)
            row: dict[str, object] = {"question_id": question.id, "response": answer.response if answer else None,
                   "correct": correct_answer_text(question), "explanation": question.explanation}
            if shown.verdict and not shown.is_exam:
                row["credit"] = answer.credit if answer else None  # the page's "Đúng / Chưa đúng"
            questions.append(row)
        data["questions"] = questions
    return jsonify(data)


@bp.route("/self-check/<slug>", methods=["GET", "POST"])
def self_check(slug: str):
    """A public self-check quiz: no account, nothing stored, results marked unofficial."""
    quiz = services.get_quiz_by_slug(slug)
    if quiz is None or not quiz.public:
        abort(404)
    # Each visit has its own order (options shuffled where the quiz says so), carried by the
    # form: the result lists the questions and options exactly as the visitor saw them.
    seed = request.form.get("order", "") if request.method == "POST" else services.new_self_check_seed()
    try:
        questions = services.self_check_questions(quiz, seed)
    except ValueError:
        abort(400)
    results = None
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        try:
            results = services.grade_unofficial(quiz, {q.id: response_from_form(q, request.form) for q, _o in questions})
        except services.QuizError:
            abort(400)
    return render_template("quizzes/self_check.html", quiz=quiz, questions=questions, results=results, seed=seed,
                           form=EmptyForm(), right_hand_texts=right_hand_texts, feedback_for=feedback_for,
                           correct_answer_text=correct_answer_text)


@bp.route("/api/v1/attempts/<int:attempt_id>/check", methods=["POST"])
@body_limit(MAX_JSON_BYTES)
@login_required
def check_answer(attempt_id: int):
    """Practice only: grade the saved answer to one question now, with its feedback and explanation."""
    attempt = _own_attempt(attempt_id)
    if not disclosure.may_check_while_answering(attempt.quiz):
        return _json_error(403, _("Chỉ bài luyện tập mới xem đáp án ngay."), code="not-practice")
    payload = json_body()
    question_id = payload.get("question_id") if isinstance(payload, dict) else None
    if not isinstance(question_id, int) or isinstance(question_id, bool):
        return _json_error(400, _("Dữ liệu không hợp lệ."))
    try:
        result = services.check_practice_answer(attempt, question_id)
    except services.QuizError:
        return _json_error(400, _("Câu hỏi không thuộc bài làm này."), code="unknown-question")
    if result["qtype"] == QuestionType.TRUE_FALSE.value:
        result["correct"] = [_("Đúng") if text == "true" else _("Sai") for text in result["correct"]]
    return jsonify(result)
