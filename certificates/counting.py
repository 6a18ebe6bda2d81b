"""Verification counts, added up in each worker's memory and written to the database in batches.

Counting a lookup used to be an UPDATE and a commit on every verification, which made the
public page, the busiest read of the site, a database write waiting for the disk. A count is
statistics, not a record anyone relies on at once, so each worker process now adds lookups up
in memory and writes them with one ``UPDATE … SET verification_count = verification_count + n``
per certificate (atomic, so workers never overwrite each other's counts):

* every ``interval`` seconds, from a background thread of the worker (started on first use,
  and again after a fork);
* when the worker exits normally (``atexit``): gunicorn's graceful stop, restart or reload
  (SIGTERM, SIGHUP, SIGQUIT, SIGINT, ``max_requests``) all end a worker through ``sys.exit``;
* whenever ``flush()`` is called (tests, commands).

A write that fails (database unreachable, locked for longer than the busy timeout) puts its
counts back to be tried again. What can be lost is bounded: the counts of at most the last
``interval`` seconds of a worker that dies without exiting (SIGKILL, the kernel's OOM killer,
gunicorn killing a worker stuck past ``--timeout``, a power cut).
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import Counter

from flask import Flask
from sqlalchemy import bindparam, update

from lms.extensions import db

log = logging.getLogger(__name__)


class VerificationCounter:
    """Pending verification counts of one application in one process."""

    def __init__(self, app: Flask, interval: float):
        self.app = app
        self.interval = interval
        self._pending: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._after_fork)
        atexit.register(self._flush_at_exit)

    def add(self, certificate_id: int, count: int = 1) -> None:
        """Count ``count`` lookups of the certificate (written at the next flush)."""
        with self._lock:
            self._pending[certificate_id] += count
        if self.interval and self._thread is None:
            self._start()

    def pending(self) -> int:
        """Lookups counted here and not yet written."""
        with self._lock:
            return sum(self._pending.values())

    def flush(self) -> int:
        """Write the pending counts (one atomic increment per certificate); return how many lookups."""
        with self._flushing:
            with self._lock:
                batch, self._pending = self._pending, Counter()
            if not batch:
                return 0
            table = db.metadata.tables["certificate"]
            statement = (update(table).where(table.c.id == bindparam("certificate_id"))
                         .values(verification_count=table.c.verification_count + bindparam("lookups")))
            rows = [{"certificate_id": key, "lookups": value} for key, value in sorted(batch.items())]
            try:
                with self.app.app_context(), db.engine.begin() as connection:
                    connection.execute(statement, rows)
            except Exception:
                with self._lock:
                    self._pending.update(batch)  # kept for the next attempt
                raise
            return sum(batch.values())

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._run, name="verification-counts", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.flush()
            except Exception:
                log.exception("could not write verification counts; keeping them for the next attempt")

    def _flush_at_exit(self) -> None:
        self._stop.set()
        try:
            self.flush()
        except Exception:
            log.exception("verification counts not written at exit: %s lookups lost", self.pending())

    def _after_fork(self) -> None:
        # A forked child starts with no counts (the parent writes its own) and no thread.
        self._lock = threading.Lock()
        self._flushing = threading.Lock()
        self._pending = Counter()
        self._thread = None
        self._stop = threading.Event()


_creating = threading.Lock()


def counter_for(app: Flask) -> VerificationCounter:
    """The application's counter in this process (created on first use)."""
    counter = app.extensions.get("certificates.verification_counter")
    if counter is None:
        with _creating:
            counter = app.extensions.get("certificates.verification_counter")
            if counter is None:
                interval = float(app.config.get("VERIFICATION_COUNT_FLUSH_SECONDS", 5.0))
                counter = app.extensions["certificates.verification_counter"] = VerificationCounter(app, interval)
    return counter
