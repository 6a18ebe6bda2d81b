"""The exam as a process: when a quiz reveals its key (per quiz), the exam board's members and
approval decision, the reason for a lowered pass mark, and who entered each hand-made mark.

Revision ID: 5e1f0c2a9b7d
Revises: a1d28361bde8
Create Date: 2026-12-04 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9b7d'
down_revision = 'a1d28361bde8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reveal', sa.String(length=16), nullable=True))

    with op.batch_alter_table('attempt_answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marked_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('marked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_attempt_answer_marked_by_id_user'), 'user', ['marked_by_id'],
                                    ['id'], ondelete='SET NULL')

    with op.batch_alter_table('exam_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_members', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('decision_number', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('decision_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('pass_mark_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('exam_candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('practical_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('practical_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_exam_candidate_practical_by_id_user'), 'user',
                                    ['practical_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('exam_candidate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_exam_candidate_practical_by_id_user'), type_='foreignkey')
        batch_op.drop_column('practical_at')
        batch_op.drop_column('practical_by_id')

    with op.batch_alter_table('exam_session', schema=None) as batch_op:
        batch_op.drop_column('pass_mark_reason')
        batch_op.drop_column('decision_date')
        batch_op.drop_column('decision_number')
        batch_op.drop_column('board_members')

    with op.batch_alter_table('attempt_answer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attempt_answer_marked_by_id_user'), type_='foreignkey')
        batch_op.drop_column('marked_at')
        batch_op.drop_column('marked_by_id')

    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_column('reveal')
