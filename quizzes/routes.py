"""Quiz views: overview, taking an attempt, result."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth import EmptyForm
from lms.extensions import db
from quizzes import bp, services
from quizzes.models import Attempt


def _own_attempt(attempt_id: int) -> Attempt:
    """The current user's attempt, or 404 (someone else's attempt is not revealed)."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    return attempt


@bp.route("/quizzes/<int:quiz_id>")
@login_required
def overview(quiz_id: int):
    """What the quiz is, the pass mark, previous attempts and a start button."""
    quiz = services.get_quiz(quiz_id) or abort(404)
    return render_template("quizzes/overview.html", quiz=quiz, attempts=services.attempts_of(current_user, quiz),
                           open_attempt=services.open_attempt(current_user, quiz), form=EmptyForm())


@bp.route("/quizzes/<int:quiz_id>/start", methods=["POST"])
@login_required
def start(quiz_id: int):
    """Start (or resume) an attempt."""
    quiz = services.get_quiz(quiz_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt = services.start_attempt(current_user, quiz)
    except services.QuizError:
        flash(_("Bạn đã dùng hết số lần làm bài cho phép."), "error")
        return redirect(url_for("quizzes.overview", quiz_id=quiz.id))
    db.session.commit()
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    """Show the questions; POST submits the chosen answers and grades them."""
    attempt = _own_attempt(attempt_id)
    if attempt.finished:
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    questions = services.questions_of(attempt)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        choices: dict[int, int | None] = {}
        for question, _options in questions:
            raw = request.form.get(f"q{question.id}")
            if raw in (None, ""):
                choices[question.id] = None
            elif raw.isdigit():
                choices[question.id] = int(raw)
            else:
                abort(400)
        try:
            services.submit_attempt(attempt, choices)
        except services.QuizError:
            abort(400)
        db.session.commit()
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    return render_template("quizzes/attempt.html", attempt=attempt, questions=questions, form=EmptyForm())


@bp.route("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    """Score, pass/fail and, after submitting, each answer with its explanation."""
    attempt = _own_attempt(attempt_id)
    if not attempt.finished:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    chosen = {a.question_id: a.option_id for a in attempt.answers}
    return render_template("quizzes/result.html", attempt=attempt, questions=services.questions_of(attempt),
                           chosen=chosen)
