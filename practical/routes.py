"""Practice tasks in courses, the practical part of exams and examiners' overrides."""
from __future__ import annotations

from flask import Flask


def register_template_hooks(app: Flask) -> None:
    """Template globals other features' pages call when they exist (``is defined`` in the page)."""
