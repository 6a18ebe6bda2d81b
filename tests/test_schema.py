"""The database the migrations build is the database the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms.database import include_object


def test_migrated_schema_matches_the_models(app, db):
    """The test database is built by `flask db upgrade`; autogenerate must find nothing to do."""
    with db.engine.connect() as connection:
        opts = {"compare_type": True, "include_object": include_object}
        context = MigrationContext.configure(connection, opts=opts)
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app, db):
    if db.engine.dialect.name != "sqlite":
        return  # the pragmas are SQLite's; PostgreSQL enforces keys always
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_every_table_has_a_named_primary_key(app, db):
    for table in db.metadata.sorted_tables:
        assert table.primary_key.name == f"pk_{table.name}"
