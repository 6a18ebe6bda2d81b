"""The kernel package and the application factory."""
from __future__ import annotations

import os

from flask import Flask, Response, current_app, has_request_context, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

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

# The feature packages, in the order their blueprints, catalogues and hooks are registered.
FEATURES = ("courses", "quizzes", "certificates", "notifications", "practical", "mock", "admin", "hr")


def create_app(config_overrides: dict | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(__name__, instance_path=os.environ.get("LMS_INSTANCE_PATH") or None,
                instance_relative_config=True)
    from lms.config import load_config

    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(app.instance_path, config_overrides))
    register_proxy_fix(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_transactions(app)
    return app


def register_proxy_fix(app: Flask) -> None:
    """Believe ``TRUSTED_PROXIES`` proxies about the client's address, scheme and host (ProxyFix)."""
    trusted = int(app.config.get("TRUSTED_PROXIES") or 0)
    if trusted > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted)  # type: ignore[method-assign]


def select_locale() -> str:
    """The interface language: the visitor's choice, then the account's, then Vietnamese.

    Outside a request (a ``flask`` command) there is no visitor: the site's default language.
    """
    languages = current_app.config["LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    chosen = session.get("locale")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    try:
        account_language = getattr(current_user, "locale", None)
    except SQLAlchemyError:  # the database is down: the error page still needs a language
        account_language = None
    return account_language if isinstance(account_language, str) and account_language in languages else default


def register_extensions(app: Flask) -> None:
    """Bind the unbound extension objects to ``app``."""
    from lms import accounts, transactions, web
    from lms import jobs  # noqa: F401  (its model belongs to the schema)
    from lms import settings  # noqa: F401  (its model belongs to the schema)
    from lms import mail
    from lms.extensions import babel, csrf, db, limiter, login_manager, migrate

    transactions.declare_write_intent(app)  # before anything reads the database
    web.init_app(app)  # input limits next: CSRF checking reads the form
    db.init_app(app)
    # Batch mode lets Alembic alter SQLite tables (it copies them), the same migrations serve both.
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=";".join(translation_directories(app)))
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    from lms.auth import unauthorized

    login_manager.unauthorized_handler(unauthorized)
    # Server-side login sessions (lms.accounts) make a stolen cookie revocable; a changed
    # address or browser marks the session not fresh rather than signing out a phone that
    # moved from Wi-Fi to mobile data.
    login_manager.session_protection = "basic"
    login_manager.user_loader(accounts.load_user)
    mail.init_app(app)


def translation_directories(app: Flask) -> list[str]:
    """The kernel's message catalogue, Vietnamese for the libraries' own English messages
    (``lms/library_translations``), and each feature package's catalogue where it has one."""
    root = os.path.dirname(app.root_path)
    found = [os.path.join(app.root_path, "translations"), os.path.join(app.root_path, "library_translations")]
    for package in FEATURES:
        path = os.path.join(root, package, "translations")
        if os.path.isdir(path):
            found.append(path)
    return found


def register_blueprints(app: Flask) -> None:
    """Register the kernel's blueprints and each feature package's."""
    import importlib

    from lms.auth import bp as auth_bp
    from lms.main import bp as main_bp

    from lms.password_reset import bp as password_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(password_bp)
    for name in FEATURES:
        importlib.import_module(name).init_app(app)


def register_errorhandlers(app: Flask) -> None:
    """Error pages in the site's style; JSON for the API."""
    from lms.errors import register

    register(app)


def register_commands(app: Flask) -> None:
    """Attach the ``flask`` CLI commands."""
    from lms.cli import register

    register(app)


def register_transactions(app: Flask) -> None:
    """One commit per request, after the view (registered last, so it runs before other hooks)."""
    from lms import transactions

    transactions.commit_at_the_end(app)


def has_role(*names: str) -> bool:
    """Template helper: the signed-in person holds one of the roles ``names`` (or is an administrator)."""
    if not current_user.is_authenticated:
        return False
    held = {role.value for role in current_user.roles}
    return "admin" in held or bool(held & set(names))


def module_label(code: str) -> str:
    """Template helper: a framework module as people read it, "IU05 · Sử dụng trình chiếu cơ bản"
    (the title in the reader's language; the code alone for a code the framework lacks)."""
    from flask_babel import get_locale

    from lms.services import module_title

    title = module_title(code, str(get_locale()))
    return f"{code} · {title}" if title else code


def module_name(code: str) -> str:
    """Template helper: the framework module's title in the reader's language ("" if unknown)."""
    from flask_babel import get_locale

    from lms.services import module_title

    return module_title(code, str(get_locale()))


def register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates use, and the security headers of every answer."""

    from lms import timefmt

    app.jinja_env.filters["vn_date"] = timefmt.format_date
    app.jinja_env.filters["vn_datetime"] = timefmt.format_datetime
    app.jinja_env.filters["score"] = timefmt.format_score
    app.jinja_env.filters["iso_date"] = timefmt.format_iso_date

    from lms.main import nav_entries

    app.add_template_global(nav_entries, "nav_entries")
    app.add_template_global(has_role, "has_role")
    app.add_template_global(module_label, "module_label")
    app.add_template_global(module_name, "module_title")

    from lms.main import site_globals

    app.context_processor(site_globals)

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        return response
