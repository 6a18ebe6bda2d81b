"""Less work per request in the libraries every request goes through, without changing what they decide.

Each piece keeps the library's own rules and falls back to its full path for anything it has
not seen: sessions are verified once per distinct cookie, Flask-Login's session identifier is
hashed once per distinct client, and Flask-Limiter skips its per-request hook when no default
or application-wide limit exists. ``create_app`` installs them (``lms.register_extensions``);
``tests/test_fast_paths.py`` shows the behaviour they keep. See docs/performance.md.
"""
from __future__ import annotations

import threading
import time

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class ReusedSerializerSessionInterface(SecureCookieSessionInterface):
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


def remember_session_identifiers(manager) -> None:
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
        """Nothing to stop: no thread was started."""

    def join(self, timeout: float | None = None) -> None:
        """Nothing to wait for: no thread was started."""


def skip_idle_limiter_check(app: Flask, limiter) -> None:
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


def expire_memory_limits_inline(limiter) -> None:
    """Replace the in-memory rate-limit storage's expiry thread by ``_InlineExpiry`` (fixed windows only)."""
    from limits.storage import MemoryStorage

    storage = getattr(limiter, "_storage", None)
    if type(storage) is MemoryStorage and getattr(limiter, "_strategy", "fixed-window") == "fixed-window":
        storage.timer.cancel()
        storage.timer = _InlineExpiry(storage)
