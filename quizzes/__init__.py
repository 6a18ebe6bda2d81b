"""Quizzes: question bank, quizzes, attempts and grading."""
from flask import Blueprint, Flask

bp = Blueprint("quizzes", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint and the demo loader."""
    from lms.main import add_demo_loader
    from quizzes import routes  # noqa: F401  (attaches the views to bp)
    from quizzes.demo import load_demo_quiz

    from quizzes.services import final_quiz_of_course

    app.register_blueprint(bp)
    # Course pages link to their final quiz without courses importing quizzes.
    app.add_template_global(lambda course: final_quiz_of_course(course.id), "course_final_quiz")
    add_demo_loader(app, "quiz", load_demo_quiz)
