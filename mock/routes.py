"""The mock exam's pages: what it is and past sittings; starting one; a sitting's result by module."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.forms import EmptyForm
from lms.permissions import load
from lms.web import never_cached
from mock import bp, services
from quizzes.models import Attempt
from quizzes.services import QuizError


@bp.route("/thi-thu")
@never_cached
@login_required
def home():
    """The exam's shape, the person's past sittings with their scores, and a start button."""
    sittings = services.sittings_of(current_user)
    return render_template("mock/home.html", sittings=sittings, form=EmptyForm(), services=services,
                           unfinished=next((s for s in sittings if not s.finished), None))


@bp.route("/thi-thu/start", methods=["POST"])
@login_required
def start():
    """Resume the unfinished sitting or draw a new form, and open it."""
    if not EmptyForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn, vui lòng thử lại."), "error")
        return redirect(url_for("mock.home"))
    try:
        attempt = services.start_sitting(current_user)
    except QuizError:
        flash(_("Ngân hàng câu hỏi chưa đủ câu để ra một đề thi thử. Vui lòng báo quản trị viên."), "error")
        return redirect(url_for("mock.home"))
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


@bp.route("/thi-thu/<int:attempt_id>")
@never_cached
@login_required
def result(attempt_id: int):
    """A finished sitting: the theory score per module, what to study, and the practical part."""
    attempt = load(Attempt, "take", Attempt.id == attempt_id)
    if attempt.quiz.slug != services.MOCK_SLUG:
        return redirect(url_for("quizzes.result", attempt_id=attempt.id))
    if not attempt.finished:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))
    task = _practical_task(attempt)
    return render_template("mock/result.html", attempt=attempt, modules=services.result_by_module(attempt),
                           task=task, pass_mark=services.PASS_MARK)


def _practical_task(attempt: Attempt) -> dict | None:
    """The sitting's practical task as the page shows it (brief, time, formats, where to hand it in):
    the practical package's own task list and brief rendering, its practice page for handing in."""
    from practical import services as practical
    from practical.routes import brief_html

    slug = services.practical_task_for(attempt)
    task = practical.task(slug) if slug else None
    if task is None:
        return None
    return {"title": task.title, "module": task.module, "minutes": task.minutes, "formats": task.formats,
            "brief": brief_html(task), "url": url_for("practical.task", slug=slug)}
