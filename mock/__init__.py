"""The mock certification exam (thi thử): the official shape of the basic-standard exam — a theory
part drawn by blueprint over IU01–IU06 under the session's time limit, then a practical task —
unofficial and unlimited, with the result per module and what to study for each module missed.

It is built from the exam engine's own parts (``quizzes.exams.draw_form``, the attempt pages,
autosave and grading), so a learner practises on exactly what the real exam will show them.
"""
from flask import Blueprint, Flask

bp = Blueprint("mock", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the pages, the navigation link and the quiz's own page."""
    from flask_babel import lazy_gettext as _l

    from lms.main import add_nav_entry
    from mock import routes  # noqa: F401  (routes attach the views to bp)
    from mock.services import MOCK_SLUG
    from quizzes import register_quiz_home

    app.register_blueprint(bp)
    register_quiz_home(app, MOCK_SLUG, "mock.home", result_endpoint="mock.result")
    add_nav_entry(app, "mock.home", _l("Thi thử"))
