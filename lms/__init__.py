"""The kernel package and the application factory."""
from __future__ import annotations

import os

from flask import Flask, session
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
    from lms import lean
    from lms.extensions import babel, csrf, db, limiter, login_manager, migrate
    from lms.models import User

    db.init_app(app)
    # Batch mode lets Alembic alter SQLite tables (it copies them), the same migrations serve both.
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    limiter.init_app(app)
    lean.expire_memory_limits_inline(limiter)
    lean.skip_idle_limiter_check(app, limiter)
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

    app.session_interface = lean.ReusedSerializerSessionInterface()
    lean.remember_session_identifiers(login_manager)

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
