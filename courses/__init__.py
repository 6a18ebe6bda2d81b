"""Courses: catalogue, lessons, enrolment and progress."""
from flask import Blueprint, Flask

bp = Blueprint("courses", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the blueprint, the dashboard panel and the demo loader."""
    from courses import authoring_routes, routes  # noqa: F401  (attach the views to bp)
    from courses.content import load_course_content
    from courses.demo import load_demo_course
    from flask_babel import lazy_gettext as _l

    from lms.main import add_nav_entry, add_content_loader, add_dashboard_panel, add_demo_loader

    app.register_blueprint(bp)
    from courses import access

    access.register()
    add_dashboard_panel(app, routes.dashboard_panel)
    add_nav_entry(app, "courses.author_courses", _l("Soạn bài"), ("author",))
    add_demo_loader(app, "course", load_demo_course)
    add_content_loader(app, "courses and guides", load_course_content)
