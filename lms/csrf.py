"""Flask-WTF's CSRF protection, remembering the tokens it has already checked.

Checking a token means deriving the signing key, verifying an HMAC and decoding a timestamp
(about 0.1 ms), and the exam page sends the same token with every autosave. The result of a
check depends only on the secret key, the session's token and the submitted token, so a
process remembers a successful check until the submitted token expires (its own signing time
plus ``WTF_CSRF_TIME_LIMIT``, exactly when Flask-WTF would start refusing it). Anything not
remembered (a new token, one byte changed, another session, an expired token) goes through
Flask-WTF's full check, and failures are never remembered.
"""
from __future__ import annotations

import threading
import time

from flask import current_app, g, request, session
from flask_wtf import CSRFProtect
from flask_wtf.csrf import same_origin
from itsdangerous import URLSafeTimedSerializer

# Form bodies may carry the token as a field; anything else (JSON) only in a header.
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class RememberingCSRFProtect(CSRFProtect):
    """``CSRFProtect`` that skips re-verifying a token it verified before (see the module)."""

    limit = 8192

    def __init__(self, app=None) -> None:
        self._valid_until: dict[tuple, float] = {}
        self._lock = threading.Lock()
        super().__init__(app)

    def _get_csrf_token(self):
        if request.mimetype not in _FORM_TYPES:
            for header_name in current_app.config["WTF_CSRF_HEADERS"]:
                token = request.headers.get(header_name)
                if token:
                    return token
            return None
        return super()._get_csrf_token()

    def protect(self):
        """Refuse the request unless its CSRF token is valid (Flask-WTF's rules, remembered)."""
        config = current_app.config
        if request.method not in config["WTF_CSRF_METHODS"]:
            return
        token = self._get_csrf_token()
        secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
        key = (secret, session.get(config["WTF_CSRF_FIELD_NAME"]), token)
        valid_until = self._valid_until.get(key)
        if valid_until is None or time.time() >= valid_until:
            super().protect()  # the full check; an invalid token ends the request here
            self._remember(key, secret, token)
            return
        if request.is_secure and config["WTF_CSRF_SSL_STRICT"]:  # as Flask-WTF checks every time
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True

    def _remember(self, key: tuple, secret, token: str) -> None:
        time_limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
        if time_limit is None:
            valid_until = float("inf")
        else:
            _payload, signed_at = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(
                token, return_timestamp=True)
            valid_until = signed_at.timestamp() + time_limit
        with self._lock:
            if len(self._valid_until) >= self.limit:
                self._valid_until.clear()
            self._valid_until[key] = valid_until
