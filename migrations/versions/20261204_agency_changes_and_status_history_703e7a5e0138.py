"""HR: agencies created, renamed, moved and dissolved (the change rows keep the name before and
after and the parent before, so reports "as of" a past date show the unit as it was), and staff
status history (``hr_staff_status``: working, on leave, retired, transferred with dates).

Existing staff records get one status period, their current status from the first day of their
assignment history (the only status known for them).

Revision ID: 703e7a5e0138
Revises: 039ff98ed995
Create Date: 2026-12-04 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '703e7a5e0138'
down_revision = "039ff98ed995"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hr_staff_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('working', 'on_leave', 'retired', 'transferred', name='staffstatus', native_enum=False, length=16), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=255), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_hr_staff_status_period_order')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_hr_staff_status_recorded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['hr_staff.id'], name=op.f('fk_hr_staff_status_staff_id_hr_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_staff_status'))
    )
    with op.batch_alter_table('hr_staff_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_staff_status_staff_id'), ['staff_id'], unique=False)
    # Every existing record: its current status, from the start of its assignment history.
    op.execute(
        "INSERT INTO hr_staff_status (staff_id, status, valid_from, recorded_at) "
        "SELECT s.id, s.status, COALESCE((SELECT MIN(a.valid_from) FROM hr_staff_assignment a "
        "WHERE a.staff_id = s.id), CURRENT_DATE), CURRENT_TIMESTAMP FROM hr_staff s")

    with op.batch_alter_table('hr_agency_change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_before_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('name_before', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('name_after', sa.String(length=255), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_hr_agency_change_parent_before_id_agency'), 'agency',
                                    ['parent_before_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint(batch_op.f('ck_hr_agency_change_kind_known'),
                                         "kind IN ('create', 'rename', 'move', 'dissolve', 'merge')")


def downgrade():
    # The older schema knows only merges; other changes would be misread there, so they go
    # (the units themselves keep their current name, parent and state).
    op.execute("DELETE FROM hr_agency_change WHERE kind <> 'merge'")
    with op.batch_alter_table('hr_agency_change', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_hr_agency_change_kind_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_hr_agency_change_parent_before_id_agency'), type_='foreignkey')
        batch_op.drop_column('name_after')
        batch_op.drop_column('name_before')
        batch_op.drop_column('parent_before_id')

    with op.batch_alter_table('hr_staff_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_staff_status_staff_id'))

    op.drop_table('hr_staff_status')
