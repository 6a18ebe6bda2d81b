"""Practical submissions (an uploaded office file with the machine's verdict, for practice or an
exam), examiners' overrides of single checks (kept beside the machine's verdict, never edited), and
the practical task each exam session sets.

Revision ID: f2671eac3e10
Revises: 5b7e0c2f9a41
Create Date: 2026-12-04 17:20:50.743581

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2671eac3e10'
down_revision = '5b7e0c2f9a41'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('practical_exam_task',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('task_slug', sa.String(length=160), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['exam_session.id'], name=op.f('fk_practical_exam_task_session_id_exam_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_practical_exam_task_set_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_practical_exam_task'))
    )
    op.create_table('practical_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('task_slug', sa.String(length=160), nullable=False),
    sa.Column('purpose', sa.Enum('practice', 'exam', name='purpose', native_enum=False, length=24), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_kind', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('machine_result', sa.JSON(), nullable=False),
    sa.Column('machine_score', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('score', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('max_score', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.CheckConstraint("purpose <> 'exam' OR candidate_id IS NOT NULL", name=op.f('ck_practical_submission_exam_has_candidate')),
    sa.CheckConstraint('score >= 0 AND score <= max_score AND machine_score >= 0 AND machine_score <= max_score', name=op.f('ck_practical_submission_scores_in_range')),
    sa.ForeignKeyConstraint(['candidate_id'], ['exam_candidate.id'], name=op.f('fk_practical_submission_candidate_id_exam_candidate'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_practical_submission_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_submission'))
    )
    with op.batch_alter_table('practical_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_submission_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practical_submission_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_practical_submission_user_task', ['user_id', 'task_slug'], unique=False)

    op.create_table('practical_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.String(length=80), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_practical_override_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submission_id'], ['practical_submission.id'], name=op.f('fk_practical_override_submission_id_practical_submission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practical_override'))
    )
    with op.batch_alter_table('practical_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practical_override_submission_id'), ['submission_id'], unique=False)



def downgrade():
    with op.batch_alter_table('practical_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practical_override_submission_id'))

    op.drop_table('practical_override')
    with op.batch_alter_table('practical_submission', schema=None) as batch_op:
        batch_op.drop_index('ix_practical_submission_user_task')
        batch_op.drop_index(batch_op.f('ix_practical_submission_user_id'))
        batch_op.drop_index(batch_op.f('ix_practical_submission_candidate_id'))

    op.drop_table('practical_submission')
    op.drop_table('practical_exam_task')
