"""HR: each person's standing of today, kept for the compliance report (hr_standing).

The table starts empty: `flask hr recompute-standing` fills it (`make demo` and the demo loader
do it; an empty or stale row is computed live by the report, so nothing is wrong meanwhile, only
slower).

Revision ID: 3ecb74fb3fd5
Revises: 703e7a5e0138
Create Date: 2026-12-04 20:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3ecb74fb3fd5'
down_revision = "703e7a5e0138"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hr_standing',
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.Column('rank_code', sa.String(length=16), nullable=True),
    sa.Column('position', sa.String(length=255), nullable=False),
    sa.Column('modules', sa.Integer(), nullable=False),
    sa.Column('basic', sa.Boolean(), nullable=False),
    sa.Column('advanced', sa.Boolean(), nullable=False),
    sa.Column('requirement', sa.Boolean(), nullable=True),
    sa.Column('stale_on', sa.Date(), nullable=True),
    sa.Column('computed_on', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_hr_standing_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['hr_staff.id'], name=op.f('fk_hr_standing_staff_id_hr_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', name=op.f('pk_hr_standing'))
    )
    with op.batch_alter_table('hr_standing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_standing_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_standing_stale_on'), ['stale_on'], unique=False)


def downgrade():
    with op.batch_alter_table('hr_standing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_standing_stale_on'))
        batch_op.drop_index(batch_op.f('ix_hr_standing_agency_id'))
    op.drop_table('hr_standing')
