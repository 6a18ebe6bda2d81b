"""A lean per-client rate limit for the busiest public views.

Flask-Limiter's ``@limiter.limit`` resolves limits, exemptions, scopes and hints on every
request, and parses the limit string again each time; on the public verification views it
cost more than the view's own work. ``per_client`` does the same job for the plain case this
site uses (a fixed number of requests per client address in a window, read from
configuration on each request so it can be changed): one counter increment in the limiter's
own storage (memory, or Redis when ``REDIS_URL`` is set), the same strategy, and the same
``X-RateLimit-*`` and ``Retry-After`` headers. A refused request answers 429 through the site's
error pages (JSON under ``/api/``).
"""
from __future__ import annotations

import time
from functools import lru_cache, wraps

from flask import abort, after_this_request, current_app, request
from limits import parse_many
from limits.strategies import FixedWindowRateLimiter

from lms.extensions import limiter


@lru_cache(maxsize=32)
def _parsed(value: str):
    return tuple(parse_many(value))


def per_client(config_key: str):
    """Limit the decorated view per client address to ``app.config[config_key]`` (e.g. "60 per minute")."""

    def decorator(view):
        scope = f"view:{view.__module__}.{view.__name__}"

        @wraps(view)
        def limited(*args, **kwargs):
            if limiter.enabled:
                _hit(_parsed(current_app.config[config_key]), request.remote_addr or "127.0.0.1", scope)
            return view(*args, **kwargs)

        return limited

    return decorator


def _hit(items, client: str, scope: str) -> None:
    strategy = limiter.limiter
    headers_wanted = current_app.config.get("RATELIMIT_HEADERS_ENABLED")
    shown = None  # (limit, remaining, reset) of the limit closest to running out
    refused = False
    for item in items:
        if isinstance(strategy, FixedWindowRateLimiter):
            # The fixed window's own steps, with the key built once: the count the increment
            # returns is what get_window_stats would read again.
            key = item.key_for(client, scope)
            count = strategy.storage.incr(key, item.get_expiry())
            refused = count > item.amount
            if headers_wanted:
                remaining = item.amount - count
                if shown is None or remaining < shown[1]:
                    shown = (item, remaining, strategy.storage.get_expiry(key))
        else:
            refused = not strategy.hit(item, client, scope)
            if headers_wanted:
                reset, remaining = strategy.get_window_stats(item, client, scope)
                if shown is None or remaining < shown[1]:
                    shown = (item, remaining, reset)
        if refused:
            break
    if shown is not None:
        _send_headers(shown)
    if refused:
        abort(429)


def _send_headers(tightest) -> None:
    item, remaining, reset = tightest

    @after_this_request
    def headers(response):
        response.headers.extend((
            ("X-RateLimit-Limit", str(item.amount)),
            ("X-RateLimit-Remaining", str(max(0, remaining))),
            ("X-RateLimit-Reset", str(int(reset))),
            ("Retry-After", str(max(0, int(reset - time.time())))),
        ))
        return response
