"""Rendered pages kept in each worker's memory, for pages that many requests render alike.

A ``PageCache`` remembers the HTML ``render_template`` produced under a key that must name
everything the page shows. The caller's key names the data (a certificate's current facts, a
course's version and the visitor's progress); the cache adds what the site's layout depends
on: the language, the path (the login and language links return to it), and for a signed-in
visitor the account and its roles (the menu). So a cached page is only ever served for the
same inputs it was rendered from, and one person's page is never served to another: pages of
signed-in visitors are keyed by their account.

Two things differ between requests with the same inputs and are never cached:

* the CSRF token of the visitor's session, which forms in the layout carry: the rendered page
  keeps a placeholder in its place, replaced by this request's token on every answer;
* flashed messages: a request with messages waiting renders normally (and shows them).

Entries also expire after ``max_age`` seconds, a bound on staleness for any change the key
could not see. The cache is per process, bounded (least recently used entries go first) and
thread-safe; nothing in it survives a restart.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from lms.principal import principal

_TOKEN_SLOT = "\x00csrf-token\x00"  # never in rendered HTML (autoescaping keeps NUL out of text)


class PageCache:
    """A bounded, per-process cache of rendered pages (see the module's description)."""

    def __init__(self, size: int = 256, max_age: float = 300.0):
        self.size = size
        self.max_age = max_age
        self._pages: OrderedDict[Hashable, tuple[float, str, bool]] = OrderedDict()
        self._lock = threading.Lock()

    def render(self, key: Hashable, template_name: str, **context) -> str:
        """``render_template(template_name, **context)``, or the page rendered earlier under ``key``.

        ``key`` must name every input of the page that ``context`` carries; the visitor,
        language and path are added here.
        """
        return self.page((template_name, key), lambda: render_template(template_name, **context))

    def page(self, key: Hashable, render: Callable[[], str]) -> str:
        """The HTML ``render()`` returns, or the page it returned earlier under ``key`` (see ``render``)."""
        if "_flashes" in session:
            return render()
        account = principal()
        visitor = (account.id, account.roles) if account is not None else None
        path = request.full_path if request.query_string else request.path
        full_key = (key, visitor, str(get_locale()), path)
        now = time.monotonic()
        with self._lock:
            entry = self._pages.get(full_key)
            if entry is not None and now - entry[0] < self.max_age:
                self._pages.move_to_end(full_key)
            else:
                entry = None
        if entry is not None:
            _, html, has_token = entry
            return html.replace(_TOKEN_SLOT, csrf_token()) if has_token else html
        csrf_token()  # the session's token for this request, from the cache of signed tokens when there is one
        html = render()
        token = g.get(_csrf_field())
        has_token = bool(token) and token in html
        stored = html.replace(token, _TOKEN_SLOT) if has_token else html
        with self._lock:
            self._pages[full_key] = (now, stored, has_token)
            self._pages.move_to_end(full_key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return html


def _csrf_field() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


_signed_tokens: OrderedDict[tuple, str] = OrderedDict()
_signed_tokens_lock = threading.Lock()


def csrf_token() -> str:
    """``flask_wtf.csrf.generate_csrf()``, reusing the signed token made earlier for the same session token.

    A signed token is the session's raw token signed with the secret key and a timestamp;
    with ``WTF_CSRF_TIME_LIMIT`` off (this site's setting: a form stays valid as long as the
    session) any signed copy of the raw token is as good as a fresh one, so signing again on
    every page is wasted work. With a time limit set, every call signs afresh.
    """
    field = _csrf_field()
    token = g.get(field)
    if token:
        return token
    raw = session.get(field)
    if raw is None or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    key = (current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, raw)
    with _signed_tokens_lock:
        token = _signed_tokens.get(key)
        if token is not None:
            _signed_tokens.move_to_end(key)
    if token is None:
        token = generate_csrf()
        with _signed_tokens_lock:
            _signed_tokens[key] = token
            while len(_signed_tokens) > 4096:
                _signed_tokens.popitem(last=False)
    setattr(g, field, token)
    return token


def page_cache(name: str, size: int = 256, max_age: float = 300.0) -> PageCache:
    """The current application's ``PageCache`` called ``name`` (created on first use)."""
    caches = current_app.extensions.setdefault("lms.page_caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, PageCache(size=size, max_age=max_age))
    return cache
