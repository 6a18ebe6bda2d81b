"""Declarative base, naming convention and column types shared by every feature."""
from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Column, DateTime, Enum, MetaData, event
from sqlalchemy.engine import Engine
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


# FULL: a commit returns once the write-ahead log is on disk (an acknowledged autosave survives
# a power cut). NORMAL (opt-in, ``SQLITE_SYNCHRONOUS=NORMAL``): the log is synced at checkpoints
# only, so a commit survives the process being killed but not a power cut or kernel crash; see
# the README.
SQLITE_SYNCHRONOUS = "NORMAL" if os.environ.get("SQLITE_SYNCHRONOUS", "").strip().upper() == "NORMAL" else "FULL"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """Turn on WAL and foreign keys for every SQLite connection (no effect elsewhere)."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
    cursor.close()
