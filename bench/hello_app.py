"""The baseline of the HTTP benchmarks: a bare Flask application with one route.

It runs under the same gunicorn settings as the site, so the ratio site / hello measures what
the site's own work costs (database, sessions, templates), not the server or the machine.
"""
from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """A short text response: the least work a Flask view can do."""
    return "Hello, World!"
