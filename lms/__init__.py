"""The kernel package and the application factory."""
from __future__ import annotations

import os
import threading
import time

from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user

# Sent with every answer (unless a view set its own): the page may not be framed, sniffed or fed
# scripts or styles from anywhere but the site itself.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
)
_SECURITY_HEADER_NAMES = frozenset(name.lower() for name, _value in SECURITY_HEADERS)


def create_app(config_overrides: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(__name__, instance_path=os.environ.get("LMS_INSTANCE_PATH") or None,
                instance_relative_config=True)
    from lms.config import load_config

    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path, config_overrides))
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def select_locale():
    """The interface language: the visitor's choice, then the account's, then Vietnamese.

    Returned as a ``babel.Locale`` made once per language (Flask-Babel would otherwise parse
    the code into a new ``Locale`` on every request). Outside a request (a ``flask`` command)
    there is no visitor: the site's default language.
    """
    from flask import current_app, has_request_context

    from lms.principal import principal

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale") if has_request_context() else current_app.config["BABEL_DEFAULT_LOCALE"]
    if chosen not in languages:
        account = principal()  # the account's language without loading the whole account
        chosen = account.locale if account is not None and account.locale in languages else \
            current_app.config["BABEL_DEFAULT_LOCALE"]
    locale = _LOCALES.get(chosen)
    if locale is None:
        from babel import Locale

        locale = _LOCALES[chosen] = Locale.parse(chosen)
    return locale


_LOCALES: dict = {}


def register_extensions(app: Flask) -> None:
    """Bind the unbound extension objects to ``app``."""
    from lms import jobs  # noqa: F401  (its model belongs to the schema)
    from lms.extensions import babel, csrf, db, limiter, login_manager, migrate
    from lms.models import User

    db.init_app(app)
    # Batch mode lets Alembic alter SQLite tables (it copies them), the same migrations serve both.
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    limiter.init_app(app)
    _expire_memory_limits_inline(limiter)
    _skip_idle_limiter_check(app, limiter)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.login_message_category = "info"

    from sqlalchemy.orm import joinedload

    # Every signed-in request loads its user: one query with the role grants joined, not the
    # user and then a second (selectin) query for the grants.
    user_options = (joinedload(User.grants),)

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id), options=user_options) if user_id.isdigit() else None

    @app.before_request
    def pin_anonymous_session():
        # Strong session protection compares the session's "_id" (a hash of the visitor's
        # address and browser) with the request's. An anonymous visitor's session (it holds
        # only the CSRF token) has none, so the check failed on every request that looked at
        # the user: Flask-Login then cleared the session and re-sent both the session and the
        # remember cookie each time. Stamp such a session with the identifier once; a visitor
        # whose address or browser changes still fails the check, as before.
        if session and "_id" not in session and "_user_id" not in session:
            session["_id"] = login_manager._session_identifier_generator()

    app.session_interface = _ReusedSerializerSessionInterface()
    _remember_session_identifiers(login_manager)

    @app.teardown_request
    def rollback_on_error(exc):
        # Views commit explicitly once; anything left uncommitted after an error is undone.
        if exc is not None:
            db.session.rollback()


def register_blueprints(app: Flask) -> None:
    """Register the kernel's blueprints and each feature package's."""
    import certificates
    import courses
    import quizzes
    from lms.auth import bp as auth_bp
    from lms.main import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    for feature in (courses, quizzes, certificates):
        feature.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the site's style; JSON for the API."""
    from lms.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    """Attach the ``flask`` CLI commands."""
    from lms.cli import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use."""
    from flask_babel import get_locale

    from lms import timefmt

    app.jinja_env.filters["vn_date"] = timefmt.format_date
    app.jinja_env.filters["vn_datetime"] = timefmt.format_datetime
    app.jinja_env.filters["score"] = timefmt.format_score
    app.jinja_env.filters["iso_date"] = timefmt.format_iso_date

    @app.context_processor
    def inject_globals():
        roles = {role.value for role in current_user.roles} if current_user.is_authenticated else set()
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"],
                "site_name": app.config["SITE_NAME"], "user_roles": roles}

    @app.after_request
    def security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()} & _SECURITY_HEADER_NAMES
        headers.extend(SECURITY_HEADERS if not present else
                       [(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present])
        return response


class _ReusedSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with less work per request.

    * The signing serializer is built once per key, not twice a request.
    * A cookie that was verified before is not verified and decoded again: the exact cookie
      string (under the same keys) maps to the session it decoded to and its signing time,
      and only the age is checked again. A cookie never seen before, changed by one byte, or
      signed with another key goes through the full check. Only sessions of plain values
      (strings, numbers, booleans) are remembered, so no request can change another's copy.
    """

    _decoded_limit = 4096

    def __init__(self) -> None:
        self._serializer = None
        self._decoded: dict = {}
        self._decoded_lock = threading.Lock()

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached = self._serializer
        if cached is None or cached[0] != keys:
            cached = self._serializer = (keys, super().get_signing_serializer(app))
        return cached[1]

    def open_session(self, app: Flask, request):
        from itsdangerous import BadSignature

        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (value, self._serializer[0])
        known = self._decoded.get(key)
        if known is not None:
            data, signed_at = known
            if 0 <= time.time() - signed_at <= max_age:
                return self.session_class(data)
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, (str, int, float, bool, type(None))) for v in data.values()):
            with self._decoded_lock:
                if len(self._decoded) >= self._decoded_limit:
                    self._decoded.clear()
                self._decoded[key] = (dict(data), signed_at.timestamp())
        return self.session_class(data)


def _remember_session_identifiers(manager) -> None:
    """Strong session protection hashes (SHA-512) the client's address (``X-Forwarded-For`` or
    the peer's) and browser on every request that looks at the user; the same inputs give the
    same identifier, so it is computed once per combination (a bounded table per process)."""
    from flask import request

    generate = getattr(manager._session_identifier_generator, "__wrapped__", manager._session_identifier_generator)
    known: dict = {}

    def session_identifier() -> str:
        headers = request.headers
        key = (headers.get("X-Forwarded-For"), request.remote_addr, headers.get("User-Agent"))
        identifier = known.get(key)
        if identifier is None:
            if len(known) >= 8192:
                known.clear()
            identifier = known[key] = generate()
        return identifier

    session_identifier.__wrapped__ = generate
    manager._session_identifier_generator = session_identifier


class _InlineExpiry:
    """Stands in for the timer thread of limits' ``MemoryStorage`` (``memory://``).

    That storage starts a new ``threading.Timer`` (10 ms) whenever the previous one has ended,
    which on a busy worker means a thread start, and a wait for the new thread to be scheduled,
    every few requests. Fixed windows do not need it: ``get``/``incr`` drop an expired counter
    when they read it. This stand-in reports itself alive, so no thread is started, and purges
    expired counters inline at most once a minute so that clients who never return do not
    accumulate.
    """

    def __init__(self, storage, every: float = 60.0):
        self.storage = storage
        self.every = every
        self.next_purge = time.monotonic() + every

    def is_alive(self) -> bool:
        now = time.monotonic()
        if now >= self.next_purge:
            self.next_purge = now + self.every
            self.storage._MemoryStorage__expire_events()
        return True

    def cancel(self) -> None:
        pass

    def join(self, timeout: float | None = None) -> None:
        pass


def _skip_idle_limiter_check(app: Flask, limiter) -> None:
    """Drop Flask-Limiter's before-request check when it has nothing to enforce.

    That hook enforces default, application-wide and meta limits on every request (about
    70 µs each, limited or not). This site sets none of them: its limits are per view
    (``@limiter.limit`` on login and verification), and those decorators check their own limits
    whether the hook runs or not. Should a default or application limit ever be configured,
    the hook stays.
    """
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or getattr(limiter, "_meta_limits", None):
        return
    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [hook for hook in hooks if hook != limiter._check_request_limit]

    # Its after-request (rate-limit headers) and teardown hooks only have work when a limit was
    # checked in this request, which leaves its state on the request context.
    from flask.globals import request_ctx

    def only_if_checked(hook):
        def hook_if_checked(value):
            return hook(value) if hasattr(request_ctx, "_limiter_request_context") else value
        return hook_if_checked

    def is_limiter_hook(hook) -> bool:
        target = getattr(hook, "func", hook)
        return getattr(target, "__qualname__", "").startswith("Limiter.") and \
            getattr(hook, "args", (getattr(hook, "__self__", None),))[0] is limiter
    for registry in (app.after_request_funcs, app.teardown_request_funcs):
        registry[None] = [only_if_checked(hook) if is_limiter_hook(hook) else hook for hook in registry.get(None, [])]


def _expire_memory_limits_inline(limiter) -> None:
    """Replace the in-memory rate-limit storage's expiry thread by ``_InlineExpiry`` (fixed windows only)."""
    from limits.storage import MemoryStorage

    storage = getattr(limiter, "_storage", None)
    if type(storage) is MemoryStorage and getattr(limiter, "_strategy", "fixed-window") == "fixed-window":
        storage.timer.cancel()
        storage.timer = _InlineExpiry(storage)
