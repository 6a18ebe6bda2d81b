"""Administration: a telephone number on the profile, site settings as data, an audit log the
database itself keeps append-only, and issuers' uploaded signing keys (encrypted at rest).

The audit log refuses UPDATE and DELETE with triggers on both databases. The one change allowed
is the foreign key's own ``ON DELETE SET NULL`` of ``actor_id`` (an account removed), with every
other column unchanged. PostgreSQL's TRUNCATE (a maintenance statement, not a data path; the test
suite empties tables with it) fires no row triggers; SQLite has no TRUNCATE, so there DELETE is
refused by the application's model event instead of a trigger (the suite's clean-up deletes rows).

Revision ID: 5b7e0c2f9a41
Revises: 5e1f0c2a9b7d
Create Date: 2026-12-04 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e0c2f9a41'
down_revision = "5e1f0c2a9b7d"
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action AND NEW.subject = OLD.subject
       AND NEW.details::text = OLD.details::text AND NEW.note IS NOT DISTINCT FROM OLD.note
       AND NEW.origin IS NOT DISTINCT FROM OLD.origin THEN
        RETURN NEW;  -- ON DELETE SET NULL of the actor's account
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""

SQLITE_UPDATE_TRIGGER = """
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
WHEN NOT (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL AND NEW.id = OLD.id AND NEW.at IS OLD.at
          AND NEW.action IS OLD.action AND NEW.subject IS OLD.subject AND NEW.details IS OLD.details
          AND NEW.note IS OLD.note AND NEW.origin IS OLD.origin)
BEGIN
    SELECT RAISE(ABORT, 'audit_entry is append-only (UPDATE refused)');
END
"""


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=32), nullable=True))

    op.create_table('site_setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_site_setting_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_setting'))
    )

    op.create_table('issuer_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=512), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('not_after', sa.DateTime(timezone=True), nullable=False),
    sa.Column('certificate_pem', sa.Text(), nullable=False),
    sa.Column('chain_pem', sa.Text(), nullable=False),
    sa.Column('encrypted_key', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['issuer_id'], ['issuer.id'], name=op.f('fk_issuer_key_issuer_id_issuer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_issuer_key_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issuer_key')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_issuer_key_fingerprint'))
    )
    with op.batch_alter_table('issuer_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issuer_key_issuer_id'), ['issuer_id'], unique=False)
        batch_op.create_index('uq_issuer_key_active', ['issuer_id'], unique=True,
                              sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))

    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_FUNCTION)
        op.execute("CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
                   "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()")
    else:
        op.execute(SQLITE_UPDATE_TRIGGER)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER audit_entry_append_only ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_append_only()")
    else:
        op.execute("DROP TRIGGER audit_entry_no_update")
    with op.batch_alter_table('issuer_key', schema=None) as batch_op:
        batch_op.drop_index('uq_issuer_key_active', sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))
        batch_op.drop_index(batch_op.f('ix_issuer_key_issuer_id'))
    op.drop_table('issuer_key')
    op.drop_table('site_setting')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('phone')
