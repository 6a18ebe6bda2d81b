"""SQLAlchemy Core statements run straight on the pooled DBAPI connection, for the hottest paths.

``Connection.execute`` costs about 50 µs of Python per statement before the database does
anything (execution context, result metadata, row objects); a request that runs three
statements spends more there than on the database. A ``Statement`` keeps what SQLAlchemy would
recompute: it is written as an ordinary Core construct (so it is portable and checked against
the models), compiled once per dialect, and its parameter and column type conversions
(``UTCDateTime``, enums, JSON, numerics) are looked up once; running it is a cursor
``execute`` on a pooled connection plus those conversions.

Use it for a few fixed statements on paths where the time matters; everything else uses the
ORM session as usual. Statements must not use expanding (``IN``) parameters.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import threading
import weakref

try:
    import fcntl
except ImportError:  # not on Windows: SQLite's own locking alone
    fcntl = None
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool

from lms.database import SQLITE_SYNCHRONOUS
from lms.extensions import db


class Row(tuple):
    """A result row: a tuple with attribute access by column name."""

    __slots__ = ()
    _names: dict[str, int] = {}

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._names[name]]
        except KeyError:
            raise AttributeError(name) from None


class _Compiled:
    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.positional = compiled.positional
        self.order = list(compiled.positiontup or ()) if compiled.positional else None
        self.binds = {}
        self.defaults = {}  # literal values in the statement (``count + 1``) become parameters too
        for key, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.binds[key] = processor
            if not bind.required and bind.callable is None:
                self.defaults[key] = bind.value
        self.dialect = dialect
        self.types = [column.type.dialect_impl(dialect) for column in statement.selected_columns] \
            if hasattr(statement, "selected_columns") else []
        names = [column.key for column in getattr(statement, "selected_columns", [])]
        self.row_class = type("Row", (Row,), {"__slots__": (), "_names": {n: i for i, n in enumerate(names)}})
        self.processors = None

    def parameters(self, values: dict[str, Any]):
        if self.defaults:
            values = {**self.defaults, **values}
        if self.binds:
            values = {key: (self.binds[key](value) if key in self.binds else value) for key, value in values.items()}
        if self.positional:
            return tuple(values[key] for key in self.order)
        return values

    def rows(self, cursor) -> list[Row]:
        return [self.row(raw) for raw in self.raw_rows(cursor)]

    def raw_rows(self, cursor) -> list[tuple]:
        if self.processors is None:
            processors = [kind.result_processor(self.dialect, description[1])
                          for kind, description in zip(self.types, cursor.description)]
            self.processors = [(index, process) for index, process in enumerate(processors) if process is not None]
        return cursor.fetchall()

    def row(self, raw: tuple) -> Row:
        if not self.processors:
            return self.row_class(raw)
        values = list(raw)
        for index, process in self.processors:
            values[index] = process(values[index])
        return self.row_class(values)


class Statement:
    """A Core statement compiled once per dialect and run on this thread's raw pooled connection."""

    def __init__(self, statement):
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def _for(self) -> _Compiled:
        dialect = db.engine.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
        return compiled

    def _run(self, values: dict, fetch):
        compiled = self._for()
        parameters = compiled.parameters(values)
        held = connection()
        for retry in (False, True):
            raw = held.current()
            cursor = raw.cursor()
            try:
                cursor.execute(compiled.sql, parameters)
                return fetch(compiled, cursor)
            except Exception as error:
                if retry or not held.lost(error, raw, cursor):
                    raise
            finally:
                with contextlib.suppress(Exception):
                    cursor.close()
        raise AssertionError("unreachable")

    def all(self, **values) -> list[Row]:
        """Every row the statement returns."""
        return self._run(values, lambda compiled, cursor: compiled.rows(cursor))

    def first(self, **values) -> Row | None:
        """The first row, or None."""
        rows = self.all(**values)
        return rows[0] if rows else None

    def first_raw(self, **values) -> tuple | None:
        """The first row as the driver returned it (no type conversion), or None; see ``process``.

        For callers that memoise what they make of a row: the raw row is the memo's key, and
        conversion happens only on a miss.
        """
        rows = self._run(values, lambda compiled, cursor: compiled.raw_rows(cursor))
        return tuple(rows[0]) if rows else None

    def process(self, raw: tuple) -> Row:
        """A raw row from ``first_raw`` with its columns converted, as ``first`` returns it."""
        return self._compiled[db.engine.dialect.name].row(raw)

    def execute(self, **values) -> int:
        """Run a statement that returns no rows; the number of rows it changed."""
        return self._run(values, lambda compiled, cursor: cursor.rowcount)


class Connection:
    """The fast path's database connection, kept by the thread that uses it.

    A DBAPI connection taken from the application's pool once and kept (so a request pays for
    no checkout, reset or ping), in autocommit mode: every statement is its own transaction, a
    write is committed (as durably as the database's settings make commits) when ``execute``
    returns, and a read needs no ``BEGIN``/``ROLLBACK`` around it (on PostgreSQL, two round
    trips saved). It holds no transaction and so no lock between statements.

    A connection the database dropped (server restart, network) is noticed when a statement
    fails with a disconnect error: it is discarded and the statement runs once more on a new
    one, so statements run here must be safe to repeat (reads, and writes that are idempotent
    like the autosave's conditional upsert). A new application engine or a forked process gets
    a new connection too.
    """

    def __init__(self) -> None:
        self.raw = None
        self.engine = None
        self.pid = None

    def current(self):
        """The DBAPI connection (a pooled connection proxy) to run statements on."""
        engine = db.engine
        raw = self.raw
        if raw is None or self.engine is not engine or self.pid != os.getpid() or not raw.is_valid:
            raw = self._replace(engine)
        return raw

    def lost(self, error: Exception, raw, cursor) -> bool:
        """Whether ``error`` means the connection is gone (then it is dropped, to be replaced)."""
        dialect = self.engine.dialect if self.engine is not None else db.engine.dialect
        if not isinstance(error, dialect.loaded_dbapi.Error) or \
                not dialect.is_disconnect(error, raw.driver_connection, cursor):
            return False
        with contextlib.suppress(Exception):
            raw.invalidate(error)
        self.raw = None
        return True

    def _replace(self, engine):
        old, old_pid = self.raw, self.pid
        self.raw = None
        if old is not None:
            if old_pid == os.getpid():
                with contextlib.suppress(Exception):
                    _release(old)
            else:
                _INHERITED.append(old)  # the parent process's: never closed here, not to break it
        self.raw, self.engine, self.pid = _checkout(engine), engine, os.getpid()
        return self.raw


_INHERITED: list = []
_threads = threading.local()
_HELD: "weakref.WeakSet[Connection]" = weakref.WeakSet()


@atexit.register
def _release_all() -> None:
    """Give held connections back before the interpreter tears the pool down under them."""
    for held in list(_HELD):
        if held.raw is not None and held.pid == os.getpid():
            with contextlib.suppress(Exception):
                _release(held.raw)
            held.raw = None


def connection() -> Connection:
    """This thread's ``Connection`` (see there); every ``Statement`` runs on it."""
    held = getattr(_threads, "connection", None)
    if held is None:
        held = _threads.connection = Connection()
        _HELD.add(held)
    return held


_LOCK_FILES: dict[str, int] = {}
_THREAD_WRITE_LOCK = threading.Lock()


@contextlib.contextmanager
def durable_write() -> Iterator[None]:
    """Run one fast-path write so that it is durable when the block is left.

    PostgreSQL: nothing to add (the autocommit statement's commit waits for its WAL flush).

    SQLite lets one connection write at a time, and in ``synchronous=FULL`` each commit holds
    the write lock while it waits for fsync; a second writer that finds the database locked
    sleeps in SQLite's busy handler for 1, 2, 5, 10… ms before it looks again. So on SQLite the
    fast path's connection commits in ``synchronous=NORMAL`` (the log is written but not synced)
    while holding an advisory lock on a file beside the database (``flock``: the kernel wakes the
    next writer as soon as it is released), and then, with the lock released, syncs the
    write-ahead log itself before returning. That is what FULL does, in another order: the
    commit is on disk before anyone is told it is stored, and writers no longer queue behind
    each other's disk waits (one fsync covers every commit written before it). If the log was
    checkpointed and reset meanwhile, its frames are already in the synced database file.
    With ``SQLITE_SYNCHRONOUS=NORMAL`` configured, the log is not synced here either.
    """
    engine = db.engine
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    with _THREAD_WRITE_LOCK:  # flock queues processes; threads of one process share its descriptor
        if fcntl is None:  # no flock (Windows): SQLite's own locking between processes
            yield
        else:
            key = f"{os.getpid()}:{path}"
            descriptor = _LOCK_FILES.get(key)
            if descriptor is None:
                descriptor = _LOCK_FILES[key] = os.open(f"{path}.write-lock", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
    if SQLITE_SYNCHRONOUS != "NORMAL":
        _sync_file(f"{path}-wal")


def _sync_file(path: str) -> None:
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return  # no log: everything was checkpointed into the (synced) database file
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _checkout(engine):
    raw = engine.raw_connection()
    driver = raw.driver_connection
    try:
        if hasattr(driver, "isolation_level") and not hasattr(driver, "pgconn"):  # sqlite3
            raw.info["fastsql_restore"] = ("isolation_level", driver.isolation_level)
            driver.isolation_level = None
            # Commits are synced by ``durable_write`` after the write lock is released.
            driver.execute("PRAGMA synchronous=NORMAL")
        else:  # psycopg
            raw.info["fastsql_restore"] = ("autocommit", driver.autocommit)
            driver.autocommit = True
    except Exception:
        raw.invalidate()
        raise
    return raw


def _release(raw) -> None:
    raw.close()  # ``_restore_on_reset`` puts the connection back in its usual mode


@event.listens_for(Pool, "reset")
def _restore_on_reset(dbapi_connection, connection_record, reset_state) -> None:
    """Put a connection the fast path switched to autocommit back as the ORM expects it.

    Runs whenever the pool takes a connection back, including when the garbage collector
    returns one whose thread ended while holding it: the ORM's transactions and savepoints must
    never get an autocommit connection from the pool.
    """
    if connection_record is None:
        return
    name, value = connection_record.info.pop("fastsql_restore", (None, None))
    if name is None:
        return
    try:
        setattr(dbapi_connection, name, value)
        if name == "isolation_level":  # sqlite3: back to the configured durability (see durable_write)
            dbapi_connection.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    except Exception as error:  # a connection that cannot be put back as it was is not reused
        connection_record.invalidate(error)
