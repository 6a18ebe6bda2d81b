"""Configuration read from the environment (12-factor).

Every setting has a development default except ``SECRET_KEY``, which must be set whenever
``LMS_ENV`` is not ``development`` or ``testing``: a production site must never run with a
guessable key.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised at start-up when the environment lacks something the site cannot run without."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Return the Flask configuration for this process, from the environment and ``overrides``."""
    overrides = overrides or {}
    env = overrides.get("LMS_ENV") or os.environ.get("LMS_ENV", "development")
    default_db = f"sqlite:///{Path(instance_path) / 'lms.sqlite3'}"
    database_url = os.environ.get("DATABASE_URL", default_db)
    # Heroku-style URLs name the old driver; psycopg 3 is the one we ship.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]

    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key and "SECRET_KEY" not in overrides:
        if env not in {"development", "testing"}:
            raise ConfigError("SECRET_KEY must be set outside development (LMS_ENV=%s)." % env)
        secret_key = _development_secret(instance_path)

    config = {
        "LMS_ENV": env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
        "SITE_URL": overrides.get("SITE_URL") or _site_url(env),
        "SITE_NAME": os.environ.get("SITE_NAME", "Học và thi kỹ năng CNTT"),
        "ORGANISATION_NAME": os.environ.get("ORGANISATION_NAME", "Ủy ban nhân dân tỉnh Nghệ An"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)),
        # HR (hr/): staff lists larger than this many bytes are previewed and imported as jobs;
        # where scans, uploaded lists and signed slips are kept (default: hr-files beside MEDIA_DIR);
        # how often one API key may call the HR API.
        "HR_IMPORT_SYNC_BYTES": int(os.environ.get("HR_IMPORT_SYNC_BYTES", 300_000)),
        "HR_FILES_DIR": os.environ.get("HR_FILES_DIR") or None,
        "HR_API_RATE": os.environ.get("HR_API_RATE", "120 per minute"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), env == "production"),
        # Server-side login sessions (lms.accounts): a sign-in lasts LOGIN_SESSION_HOURS, or
        # REMEMBER_DAYS with "remember me"; logging out or a password change ends it at once.
        "LOGIN_SESSION_LIFETIME": timedelta(hours=float(os.environ.get("LOGIN_SESSION_HOURS", 12))),
        "REMEMBER_COOKIE_DURATION": timedelta(days=float(os.environ.get("REMEMBER_DAYS", 7))),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=float(os.environ.get("REMEMBER_DAYS", 7))),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), env == "production"),
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session: a long lesson must not expire the form
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": {"vi": "Tiếng Việt", "en": "English"},
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_VERIFY": os.environ.get("RATELIMIT_VERIFY", "60 per minute"),
        # Failed sign-ins per client address (successful ones are not counted), so one person's
        # mistakes never lock out an office behind one address; per login name, exponential
        # backoff after LOGIN_BACKOFF_AFTER failures (lms.accounts.throttle_for).
        "RATELIMIT_LOGIN": os.environ.get("RATELIMIT_LOGIN", "30 per minute"),
        "LOGIN_BACKOFF_AFTER": int(os.environ.get("LOGIN_BACKOFF_AFTER", 5)),
        "LOGIN_BACKOFF_MAX": int(os.environ.get("LOGIN_BACKOFF_MAX", 900)),
        # How many proxies in front of the site may be believed about the client's address and
        # scheme (X-Forwarded-For, X-Forwarded-Proto): werkzeug's ProxyFix. 0: none.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        "VERIFICATION_COUNT_FLUSH_SECONDS": float(os.environ.get("VERIFICATION_COUNT_FLUSH_SECONDS", 5.0)),
        "CERTIFICATE_FONT_DIR": str(PROJECT_ROOT / "lms" / "static" / "fonts"),
        "CERTIFICATE_STORAGE_DIR": os.environ.get("CERTIFICATE_STORAGE_DIR",
                                                  str(Path(instance_path) / "certificates")),
        "CERTIFICATE_DEMO_DIR": str(Path(instance_path) / "issuer"),
        "MEDIA_DIR": os.environ.get("MEDIA_DIR", str(Path(instance_path) / "media")),
        **_mail_settings(instance_path),
        # Forgotten password: how long an e-mailed link works, and how often it may be asked for
        # per client address and per login name (Flask-Limiter).
        "PASSWORD_RESET_MAX_AGE": int(float(os.environ.get("PASSWORD_RESET_MINUTES", 60)) * 60),
        "RATELIMIT_PASSWORD_RESET_ADDRESS": os.environ.get("RATELIMIT_PASSWORD_RESET_ADDRESS", "20 per hour"),
        "RATELIMIT_PASSWORD_RESET_LOGIN": os.environ.get("RATELIMIT_PASSWORD_RESET_LOGIN", "3 per hour"),
        # Reminders of assigned courses (``flask notifications send``, daily): days before the due
        # date, and days after it, on which a reminder is due.
        "NOTIFY_DUE_DAYS": os.environ.get("NOTIFY_DUE_DAYS", "7,3,1"),
        "NOTIFY_OVERDUE_DAYS": os.environ.get("NOTIFY_OVERDUE_DAYS", "1,7,30"),
        "BACKUP_DIR": os.environ.get("BACKUP_DIR", str(Path(instance_path) / "backups")),
        # A contact shown in every page's footer (an administrator may set it as a site setting).
        "SITE_CONTACT": os.environ.get("SITE_CONTACT", ""),
        # Fernet key (``flask admin new-encryption-key``) encrypting the signing keys administrators
        # upload (PKCS#12) at rest; without it, uploads are refused.
        "SIGNING_KEY_ENCRYPTION_KEY": os.environ.get("SIGNING_KEY_ENCRYPTION_KEY")
        or (_development_fernet_key(instance_path) if env == "development" else ""),
    }
    for name in ("CERTIFICATE_SIGNING_KEY", "CERTIFICATE_SIGNING_CERT", "CERTIFICATE_SIGNING_PKCS12",
                 "CERTIFICATE_SIGNING_PASSWORD", "CERTIFICATE_BADGE_KEY", "CERTIFICATE_BADGE_RSA_KEY",
                 "CERTIFICATE_ISSUER_CODE",
                 "CERTIFICATE_ISSUER_NAME", "CERTIFICATE_ISSUER_PARENT", "CERTIFICATE_ISSUE_PLACE",
                 "CERTIFICATE_SIGNER_TITLE", "CERTIFICATE_SIGNER_NAME", "CERTIFICATE_SERIAL_PATTERN",
                 "CERTIFICATE_REGISTER_PATTERN"):
        if os.environ.get(name):
            config[name] = os.environ[name]
    # The demo issuer `make run` creates is used when no key is configured (development only).
    demo = Path(config["CERTIFICATE_DEMO_DIR"])
    if env == "development" and "CERTIFICATE_SIGNING_KEY" not in config and (demo / "issuer-key.pem").exists():
        config["CERTIFICATE_SIGNING_KEY"] = str(demo / "issuer-key.pem")
        config["CERTIFICATE_SIGNING_CERT"] = str(demo / "issuer-cert.pem")
        config.setdefault("CERTIFICATE_BADGE_KEY", str(demo / "badge-ed25519.pem"))
        if (demo / "badge-rsa.pem").exists():
            config.setdefault("CERTIFICATE_BADGE_RSA_KEY", str(demo / "badge-rsa.pem"))
    config.update(overrides)
    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(config["SQLALCHEMY_DATABASE_URI"]))
    return config


def _mail_settings(instance_path: str) -> dict:
    """Outgoing mail (``lms.mail``): SMTP when ``MAIL_SERVER`` is set, else .eml files in
    ``MAIL_OUTBOX_DIR`` (development). ``MAIL_USE_TLS`` is STARTTLS on a plain connection (port
    587), ``MAIL_USE_SSL`` TLS from the first byte (port 465); they exclude each other."""
    use_tls = _bool(os.environ.get("MAIL_USE_TLS"))
    use_ssl = _bool(os.environ.get("MAIL_USE_SSL"))
    if use_tls and use_ssl:
        raise ConfigError("MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL (TLS) exclude each other: set one.")
    server = os.environ.get("MAIL_SERVER") or None
    return {
        "MAIL_SERVER": server,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or (465 if use_ssl else 587 if use_tls else 25)),
        "MAIL_USE_TLS": use_tls,
        "MAIL_USE_SSL": use_ssl,
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER") or None,
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", 30)),
        "MAIL_RETRY_DELAYS": os.environ.get("MAIL_RETRY_DELAYS", "60,300,1800,7200"),
        "MAIL_BACKEND": "smtp" if server else "outbox",
        # "queue": sent by the job queue once the transaction commits; "sweep": only by
        # ``flask mail send-queued`` (run it as a service then).
        "MAIL_DISPATCH": os.environ.get("MAIL_DISPATCH", "queue"),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(Path(instance_path) / "outbox")),
    }


def _site_url(env: str) -> str:
    """The site's absolute address, printed in certificate QR codes and links in e-mail.

    Production must say it (a wrong address on a signed certificate cannot be taken back).
    In development it follows the address ``flask run`` serves (``make run HOST=… PORT=…``
    exports ``FLASK_RUN_HOST``/``FLASK_RUN_PORT``), so QR codes open the site being tried.
    """
    configured = os.environ.get("SITE_URL", "").strip().rstrip("/")
    if configured:
        return configured
    if env == "production":
        raise ConfigError("SITE_URL must be set in production (the address printed on certificates).")
    host = os.environ.get("FLASK_RUN_HOST") or "127.0.0.1"
    return f"http://{host}:{os.environ.get('FLASK_RUN_PORT') or 5000}"


def _engine_options(database_url: str) -> dict:
    """Connection pool settings for the database.

    SQLite is a local file: there is no server connection to go stale, so connections are not
    pinged before use. PostgreSQL connections are (``pool_pre_ping``), unless
    ``DATABASE_PRE_PING=0``.
    """
    if database_url.startswith("sqlite"):
        return {}
    return {"pool_pre_ping": _bool(os.environ.get("DATABASE_PRE_PING"), True)}


def _development_secret(instance_path: str) -> str:
    """Create (once) and return a random key kept in the instance folder for development."""
    import secrets

    path = Path(instance_path) / "dev-secret-key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _development_fernet_key(instance_path: str) -> str:
    """Create (once) and return a Fernet key kept in the instance folder, so that uploading a
    signing key can be tried in development; production sets ``SIGNING_KEY_ENCRYPTION_KEY``."""
    from cryptography.fernet import Fernet

    path = Path(instance_path) / "dev-signing-key-encryption-key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(Fernet.generate_key().decode())
        path.chmod(0o600)
    return path.read_text().strip()
