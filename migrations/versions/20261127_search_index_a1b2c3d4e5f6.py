"""search index

Full-text search over lessons, guides and courses (courses/search.py). The table is the same
everywhere; the index is SQLite's FTS5 table, or PostgreSQL's generated tsvector column with a GIN
index plus a GIN index on the titles, each built only on its own database. The model lists these
objects as unmodelled, so autogenerate leaves them alone (lms.database.include_object).

Caution for later migrations: a batch ALTER of ``search_document`` on SQLite copies and drops the
table, and the FTS5 triggers go with it; such a migration must create them again.

Revision ID: a1b2c3d4e5f6
Revises: af76caf1374b
Create Date: 2026-11-27 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f6'
down_revision = 'af76caf1374b'
branch_labels = None
depends_on = None

# External content: FTS5 stores only its index and reads the text from search_document.
# A prefix index of 3 letters: the last word of a query is a prefix from 3 letters on while it
# is typed (courses.search.PREFIX_MIN_LENGTH), and those expand to hundreds of words.
_SQLITE_UPGRADE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title_folded, body_folded, content='search_document', content_rowid='id', tokenize='unicode61',"
    " prefix='3')",
    "CREATE TRIGGER search_document_fts_insert AFTER INSERT ON search_document BEGIN"
    " INSERT INTO search_fts(rowid, title_folded, body_folded)"
    " VALUES (new.id, new.title_folded, new.body_folded);"
    " END",
    "CREATE TRIGGER search_document_fts_delete AFTER DELETE ON search_document BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title_folded, body_folded)"
    " VALUES ('delete', old.id, old.title_folded, old.body_folded);"
    " END",
    "CREATE TRIGGER search_document_fts_update AFTER UPDATE OF title_folded, body_folded"
    " ON search_document BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title_folded, body_folded)"
    " VALUES ('delete', old.id, old.title_folded, old.body_folded);"
    " INSERT INTO search_fts(rowid, title_folded, body_folded)"
    " VALUES (new.id, new.title_folded, new.body_folded);"
    " END",
]
_SQLITE_DOWNGRADE = [
    "DROP TRIGGER search_document_fts_update",
    "DROP TRIGGER search_document_fts_delete",
    "DROP TRIGGER search_document_fts_insert",
    "DROP TABLE search_fts",
]
# Title words weigh A, body words B; 'simple' only lower-cases (the text is already folded).
_POSTGRESQL_UPGRADE = [
    "ALTER TABLE search_document ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_folded), 'A')"
    " || setweight(to_tsvector('simple', body_folded), 'B')) STORED",
    # Ranking reads the vector of every match: kept in the row (MAIN), not moved out to TOAST
    # storage with the bodies, it is read several times faster.
    "ALTER TABLE search_document ALTER COLUMN search_vector SET STORAGE MAIN",
    "CREATE INDEX ix_search_document_search_vector ON search_document USING gin (search_vector)",
    # Finds the title hits, ranked first, without testing every match (courses.search).
    "CREATE INDEX ix_search_document_title_fts ON search_document"
    " USING gin (to_tsvector('simple', title_folded))",
]
_POSTGRESQL_DOWNGRADE = [
    "DROP INDEX ix_search_document_title_fts",
    "DROP INDEX ix_search_document_search_vector",
    "ALTER TABLE search_document DROP COLUMN search_vector",
]


def upgrade():
    op.create_table('search_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=512), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('title_folded', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('body_folded', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document')),
    sa.UniqueConstraint('kind', 'ref_id', name=op.f('uq_search_document_kind_ref_id'))
    )
    dialect = op.get_context().dialect.name
    if dialect == 'sqlite':
        for statement in _SQLITE_UPGRADE:
            op.execute(statement)
    elif dialect == 'postgresql':
        for statement in _POSTGRESQL_UPGRADE:
            op.execute(statement)


def downgrade():
    dialect = op.get_context().dialect.name
    if dialect == 'sqlite':
        for statement in _SQLITE_DOWNGRADE:
            op.execute(statement)
    elif dialect == 'postgresql':
        for statement in _POSTGRESQL_DOWNGRADE:
            op.execute(statement)
    op.drop_table('search_document')
