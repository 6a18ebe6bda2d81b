"""GIFT formats of answers, feedback and explanations: an answer's, a feedback's and a general
feedback's own [html]/[plain]/[markdown] are kept, as Moodle keeps them ("" = the question's format).

Revision ID: 84cb2193e5f5
Revises: 6e326802a6f0
Create Date: 2026-12-04 15:46:01.337123

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '84cb2193e5f5'
down_revision = '6e326802a6f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('explanation_format', sa.String(length=16), server_default='', nullable=False))

    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_format', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('feedback_format', sa.String(length=16), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('question_option', schema=None) as batch_op:
        batch_op.drop_column('feedback_format')
        batch_op.drop_column('text_format')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('explanation_format')

