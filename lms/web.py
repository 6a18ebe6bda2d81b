"""Request plumbing shared by every view: what input is accepted before a view runs.

* ``<int:…>`` URL parts are ids: anything beyond what an id column holds (PostgreSQL's
  ``integer``, 32 bits) cannot exist and is a 404, never an overflow in the database driver.
* A NUL character in the path, a query string or a form field is a 400 (no text the site stores has one,
  and PostgreSQL refuses it).
* JSON nested deeper than Python can parse is a 400 like any malformed JSON.
* Request bodies are limited per view (``@body_limit``) before anything reads them, chunked
  bodies included (werkzeug counts what it reads), so CSRF checking and form parsing never
  read more than the view accepts.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, Response, abort, current_app, make_response, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest id an INTEGER primary key holds on PostgreSQL
View = TypeVar("View", bound=Callable[..., Any])


class IdConverter(IntegerConverter):
    """``<int:…>`` limited to what a database id can be (0 … 2**31 − 1)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002 (werkzeug's names)
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that input nested too deeply to parse is a ValueError (a bad request)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error


def body_limit(max_bytes: int) -> Callable[[View], View]:
    """Let the decorated view accept request bodies up to ``max_bytes`` (place it under the route)."""

    def decorator(view: View) -> View:
        view.max_body_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return decorator


def json_body() -> Any:
    """The request's JSON body, or None when it is not JSON; 413 when it is larger than the
    view's limit (``@body_limit``), also when no length was announced (a chunked body is counted
    as it is read, and one byte past the limit is refused rather than silently cut off)."""
    data = request.get_data(cache=True)
    limit = request.max_content_length
    if limit is not None and len(data) >= limit:
        request.stream.read(1)  # past a maximum, werkzeug's stream raises RequestEntityTooLarge
    if not request.is_json:
        return None
    try:
        return current_app.json.loads(data)
    except ValueError:
        return None


def int_arg(name: str, default: int | None = None, *, minimum: int = 1, maximum: int = 1_000_000) -> int | None:
    """A whole-number query parameter within [minimum, maximum]; 400 for anything else."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 12 or not minimum <= int(raw) <= maximum:
        abort(400)
    return int(raw)


def page_etag(*version: object) -> str:
    """An entity tag for a page built from ``version`` (what the database says the page shows),
    the language and this visitor's CSRF token (forms in the layout carry it), so it matches
    only a copy this same browser was sent of the same data."""
    from flask import session
    from flask_babel import get_locale
    from flask_wtf.csrf import generate_csrf

    generate_csrf()  # the session's token exists before the page that will carry it is tagged
    token = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    material = repr((version, str(get_locale()), token)).encode()
    return hashlib.sha256(material).hexdigest()[:32]


def revalidated(response: Response, etag: str) -> Response:
    """Mark ``response`` as cacheable by this browser only, to be revalidated with ``etag`` each time."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def not_modified(etag: str) -> Response:
    """The 304 answer for a browser whose copy has ``etag``."""
    return revalidated(Response(status=304), etag)


def no_store(response: Response) -> Response:
    """Forbid every cache to keep ``response`` (exam, result and certificate pages)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def never_cached(view: View) -> View:
    """Decorate a view whose pages no cache may keep (a person's exam, results, certificates)."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Response:
        return no_store(make_response(view(*args, **kwargs)))

    return wrapped  # type: ignore[return-value]


def init_app(app: Flask) -> None:
    """Install the converters, the JSON provider and the input checks (before other hooks read input)."""
    app.url_map.converters["int"] = IdConverter
    app.json_provider_class = SafeJSONProvider
    app.json = SafeJSONProvider(app)

    @app.before_request
    def limit_body_and_refuse_nul() -> None:
        view = current_app.view_functions.get(request.endpoint or "")
        limit = getattr(view, "max_body_bytes", None)
        if limit is not None:
            request.max_content_length = limit
        query = request.query_string.decode("latin-1")
        if "\x00" in request.path or "\x00" in query or "%00" in query:
            abort(400)
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            if any("\x00" in value for values in request.form.listvalues() for value in values):
                abort(400)
