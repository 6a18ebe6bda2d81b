"""Practical skills: office-file tasks graded by the machine against declarative rubrics, and the
checker of administrative document format (Nghị định 30/2020/NĐ-CP, Appendix I).

Library code: ``practical.grading.grade`` and ``practical.nd30.check``. The web faces: the public
ND30 checker and its JSON API (``nd30_routes``), practice tasks in courses (``routes``), the
practical part of certification exams with examiners' overrides (``exams``, ``exam_routes``).
Submissions are ``models``; ``services`` grades and keeps them. (The mock certification exam is
the ``mock`` feature's; it offers one of these tasks as its practical part, at ``practical.task``.)
"""
from flask import Blueprint, Flask

bp = Blueprint("practical", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the pages, the API, the template hooks other features' pages use, and the policy."""
    from flask_babel import lazy_gettext as _l

    # The public ND30 checker has its card on the home page (``practical_home_card``) and a link
    # on the practice list, rather than a place in the crowded navigation.
    from lms.main import add_demo_loader, add_nav_entry
    from practical import access, exam_routes, models, nd30_routes, routes  # noqa: F401  (views attach to bp)
    from practical.demo import load_demo_practical

    app.register_blueprint(bp)
    access.register()
    routes.register_template_hooks(app)
    add_demo_loader(app, "exam with a machine-graded practical part", load_demo_practical)
    add_nav_entry(app, "practical.practice_list", _l("Bài thực hành"))
