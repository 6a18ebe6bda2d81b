"""Declarative base, naming convention and column types shared by every feature."""
from __future__ import annotations

import os
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import Column, DateTime, Enum, MetaData, event
from sqlalchemy.engine import CursorResult, Engine
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

# Stable constraint names make Alembic migrations reviewable and portable across databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# ``Table.info`` key: names of database objects that migrations create by hand beside a table
# because no model can describe them portably (SQLite FTS5 virtual tables and their shadow
# tables, a PostgreSQL-only generated column and its index). Columns are named ``table.column``.
UNMODELLED_INFO_KEY = "unmodelled_objects"


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic autogenerate filter: skip the database objects that a model declares unmodelled.

    Without it autogenerate would propose dropping them, and the schema test would fail. Only
    objects listed under ``Table.info[UNMODELLED_INFO_KEY]`` are skipped, so a table whose model
    was deleted is still noticed.
    """
    if not reflected or compare_to is not None or name is None:
        return True
    if type_ == "column" and isinstance(obj, Column) and obj.table is not None:
        name = f"{obj.table.name}.{name}"
    unmodelled = {n for table in Base.metadata.tables.values() for n in table.info.get(UNMODELLED_INFO_KEY, ())}
    return name not in unmodelled


def str_enum(enum_class, length: int = 24) -> Enum:
    """A column type storing a ``str`` enum by its values, as portable VARCHAR (no native type)."""
    return Enum(enum_class, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


def rows_changed(session: Session | scoped_session[Any], statement: Any, params: dict | None = None) -> int:
    """Run an UPDATE/DELETE (or an upsert asked to ``preserve_rowcount``) on ``session`` and return how
    many rows it changed: the count a conditional update claims a row by."""
    return cast(CursorResult[Any], session.execute(statement, params)).rowcount


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (used as a callable column default)."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no time zones and would hand back naive values; PostgreSQL's ``timestamptz``
    would convert to the session zone. This type makes both return aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# How a SQLite transaction starts. SQLite lets one connection write at a time; a transaction that
# began as a reader and then writes fails at once (SQLITE_BUSY_SNAPSHOT, no waiting) if another
# connection committed in between. So a transaction that will write takes the write lock when it
# begins (BEGIN IMMEDIATE), waiting in SQLite's busy handler for its turn; read-only work begins
# a plain deferred transaction and runs beside writers. Requests decide by their method and by
# ``@writes`` on views that write on GET (``lms.transactions``); CLI commands and jobs write.
_sqlite_begin_immediately: ContextVar[bool] = ContextVar("sqlite_begin_immediately", default=True)


def begin_immediately(value: bool) -> None:
    """Whether SQLite transactions begun from now on in this context take the write lock first."""
    _sqlite_begin_immediately.set(value)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite connections: WAL, foreign keys, a busy timeout, FULL sync; transactions begun by us.

    ``synchronous=FULL`` in WAL mode syncs the log at every commit, so an acknowledged answer
    survives a power cut. The driver's own transaction handling is switched off (the recipe in
    SQLAlchemy's pysqlite documentation) so that ``_sqlite_begin`` decides how each one begins.
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(os.environ.get('SQLITE_BUSY_TIMEOUT_MS', 30000))}")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """Begin each SQLite transaction, taking the write lock first when the work will write."""
    if connection.dialect.name != "sqlite" or \
            connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _sqlite_begin_immediately.get() else "BEGIN")
