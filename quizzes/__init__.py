"""Quizzes: question bank, quizzes, attempts and grading."""
from flask import Blueprint, Flask, current_app, url_for

bp = Blueprint("quizzes", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/quizzes")


def register_quiz_home(app: Flask, slug: str, endpoint: str, result_endpoint: str | None = None) -> None:
    """Let a feature own the page of the quiz loaded as ``slug`` (the mock exam's page, say): the
    quiz's overview and the result page's way back lead to ``endpoint`` instead, and the result
    page links to ``result_endpoint`` (given ``attempt_id``) for the feature's reading of it."""
    app.extensions.setdefault("quizzes.homes", {})[slug] = endpoint
    if result_endpoint:
        app.extensions.setdefault("quizzes.result_pages", {})[slug] = result_endpoint


def quiz_result_page_url(attempt) -> str | None:
    """The feature's page about a finished attempt (the mock exam's result by module), if any."""
    endpoint = current_app.extensions.get("quizzes.result_pages", {}).get(attempt.quiz.slug)
    return url_for(endpoint, attempt_id=attempt.id) if endpoint else None


def quiz_home_url(quiz) -> str:
    """Where a quiz's own page is: the overview, or the page a feature registered for it."""
    endpoint = current_app.extensions.get("quizzes.homes", {}).get(quiz.slug)
    return url_for(endpoint) if endpoint else url_for("quizzes.overview", quiz_id=quiz.id)


def init_app(app: Flask) -> None:
    """Register the blueprint and the demo loader."""
    from flask_babel import lazy_gettext as _l

    from lms.main import add_nav_entry, add_content_loader, add_dashboard_panel, add_demo_loader
    from quizzes.content import load_quiz_content
    from quizzes import bank_routes, exam_routes, routes  # noqa: F401  (attach the views to bp)
    from quizzes.demo import load_demo_quiz

    from markupsafe import Markup

    from lms.markdown import render_question_text
    from quizzes.services import final_quiz_of_course, get_quiz_by_slug, practice_quizzes_of_course

    from quizzes import exams
    from quizzes.cli import attempts_cli, questions_cli

    app.register_blueprint(bp)
    from quizzes import access

    access.register()
    app.cli.add_command(questions_cli)
    app.cli.add_command(attempts_cli)
    exams.connect()
    # Course pages link to their final quiz without courses importing quizzes.
    app.add_template_global(quiz_home_url, "quiz_home_url")
    app.add_template_global(quiz_result_page_url, "quiz_result_page_url")
    app.add_template_global(lambda course: final_quiz_of_course(course.id), "course_final_quiz")
    app.add_template_global(lambda course: practice_quizzes_of_course(course.id), "course_practice_quizzes")
    app.add_template_global(lambda guide: get_quiz_by_slug(f"huong-dan-{guide.slug}"), "guide_self_check")
    app.add_template_global(lambda q: Markup(render_question_text(q.text, q.text_format)), "question_html")
    add_demo_loader(app, "quiz", load_demo_quiz)
    add_nav_entry(app, "quizzes.exam_list", _l("Kỳ thi"), ("examiner", "board_chair"))
    add_nav_entry(app, "quizzes.bank_list", _l("Ngân hàng câu hỏi"), ("author",))
    add_dashboard_panel(app, exam_routes.dashboard_panel)
    add_content_loader(app, "questions and quizzes", load_quiz_content)
