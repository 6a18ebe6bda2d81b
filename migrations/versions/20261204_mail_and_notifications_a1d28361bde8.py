"""Outgoing mail (one row per message, with its attempts and error), notices given (one per key,
so reminders and fan-out jobs tell no one twice), where an exam takes place and what to bring,
and whether an issuer e-mails certificates with their signed PDF.

Revision ID: a1d28361bde8
Revises: 84cb2193e5f5
Create Date: 2026-12-04 15:38:22.126770

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1d28361bde8'
down_revision = '84cb2193e5f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=255), nullable=False),
    sa.Column('to_name', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('sensitive', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('eml_name', sa.String(length=255), nullable=True),
    sa.ForeignKeyConstraint(['recipient_id'], ['user.id'], name=op.f('fk_mail_message_recipient_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_message'))
    )
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_message_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_message_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_message_status'), ['status'], unique=False)

    op.create_table('notification_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=191), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['mail_message.id'], name=op.f('fk_notification_record_message_id_mail_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_record_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_record')),
    sa.UniqueConstraint('key', name=op.f('uq_notification_record_key'))
    )
    with op.batch_alter_table('notification_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_record_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('exam_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('place', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('what_to_bring', sa.Text(), nullable=True))

    with op.batch_alter_table('issuer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attach_pdf_to_email', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('issuer', schema=None) as batch_op:
        batch_op.drop_column('attach_pdf_to_email')

    with op.batch_alter_table('exam_session', schema=None) as batch_op:
        batch_op.drop_column('what_to_bring')
        batch_op.drop_column('place')

    with op.batch_alter_table('notification_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_record_user_id'))

    op.drop_table('notification_record')
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_message_status'))
        batch_op.drop_index(batch_op.f('ix_mail_message_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_mail_message_kind'))
        batch_op.drop_index(batch_op.f('ix_mail_message_created_at'))

    op.drop_table('mail_message')
