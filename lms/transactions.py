"""One transaction per request: views and services change the session, the request commits once.

After the view (and after an error page) ``commit_request`` commits what the request changed,
unless the request ended in an error, in which case everything is rolled back (the error
handlers in ``lms.errors`` mark it). A commit that fails becomes an error page, never a success
page for work that was not stored. CLI commands and jobs commit in one place each
(``lms.cli``, ``lms.jobs``).

On SQLite a request that will write takes the write lock when its transaction begins (see
``lms.database``): every POST, and views marked ``@writes`` that write on GET (reading a lesson
records progress). A GET that writes without the mark still works while no one else writes;
under load it may be refused with 503 and ``Retry-After``, never with a half-done change.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, current_app, g, request

from lms.database import begin_immediately
from lms.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
View = TypeVar("View", bound=Callable)


def writes(view: View) -> View:
    """Mark a view that changes the database even when it answers a GET (place it under the route)."""
    view.writes_on_get = True  # type: ignore[attr-defined]
    return view


def roll_back_request() -> None:
    """Undo what the request changed and make sure nothing of it is committed afterwards."""
    db.session.rollback()
    g.rolled_back = True


def declare_write_intent(app: Flask) -> None:
    """Decide how the request's transaction begins (register before any hook that reads the database)."""

    @app.before_request
    def write_intent() -> None:
        view = current_app.view_functions.get(request.endpoint or "")
        begin_immediately(request.method not in SAFE_METHODS or getattr(view, "writes_on_get", False))


def commit_at_the_end(app: Flask) -> None:
    """Install the request's commit (register last: it then runs first after the view)."""

    @app.after_request
    def commit_request(response: Response) -> Response:
        if g.get("rolled_back"):
            db.session.rollback()
        else:
            db.session.commit()
        return response
