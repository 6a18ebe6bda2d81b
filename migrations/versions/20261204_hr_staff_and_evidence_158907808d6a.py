"""HR: staff records with their assignment history, requirements of ranks and positions as data,
external certificates and agency assessments as evidence, review rounds with their candidates.

Revision ID: 158907808d6a
Revises: a1d28361bde8
Create Date: 2026-12-04 17:21:23.910641

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '158907808d6a'
down_revision = 'a1d28361bde8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hr_requirement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('level', sa.Enum('none', 'basic', 'advanced', name='requirementlevel', native_enum=False, length=16), nullable=False),
    sa.Column('modules', sa.JSON(), nullable=False),
    sa.Column('max_age_years', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=255), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_requirement')),
    sa.UniqueConstraint('kind', 'code', name=op.f('uq_hr_requirement_kind_code'))
    )
    op.create_table('hr_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.Enum('recruitment', 'promotion', name='roundkind', native_enum=False, length=16), nullable=False),
    sa.Column('target_rank_code', sa.String(length=64), nullable=False),
    sa.Column('round_date', sa.Date(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_hr_round_agency_id_agency'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user.id'], name=op.f('fk_hr_round_closed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_hr_round_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_round'))
    )
    with op.batch_alter_table('hr_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_round_agency_id'), ['agency_id'], unique=False)

    op.create_table('hr_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_code', sa.String(length=32), nullable=False),
    sa.Column('full_name', sa.String(length=255), nullable=False),
    sa.Column('full_name_folded', sa.String(length=255), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('place_of_birth', sa.String(length=255), nullable=True),
    sa.Column('gender', sa.Enum('male', 'female', name='gender', native_enum=False, length=8), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=255), nullable=False),
    sa.Column('rank_code', sa.String(length=16), nullable=True),
    sa.Column('rank_name', sa.String(length=255), nullable=True),
    sa.Column('status', sa.Enum('working', 'on_leave', 'retired', 'transferred', name='staffstatus', native_enum=False, length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_hr_staff_agency_id_agency'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_hr_staff_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_staff')),
    sa.UniqueConstraint('employee_code', name=op.f('uq_hr_staff_employee_code')),
    sa.UniqueConstraint('user_id', name=op.f('uq_hr_staff_user_id'))
    )
    with op.batch_alter_table('hr_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_staff_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_staff_date_of_birth'), ['date_of_birth'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_staff_full_name_folded'), ['full_name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_staff_rank_code'), ['rank_code'], unique=False)

    op.create_table('hr_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('none', 'basic', 'advanced', name='requirementlevel', native_enum=False, length=16), nullable=False),
    sa.Column('modules', sa.JSON(), nullable=False),
    sa.Column('decision_number', sa.String(length=64), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('officer_name', sa.String(length=255), nullable=False),
    sa.Column('officer_title', sa.String(length=255), nullable=False),
    sa.Column('status', sa.Enum('valid', 'withdrawn', name='assessmentstatus', native_enum=False, length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_hr_assessment_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['hr_staff.id'], name=op.f('fk_hr_assessment_staff_id_hr_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_assessment'))
    )
    with op.batch_alter_table('hr_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_assessment_staff_id'), ['staff_id'], unique=False)

    op.create_table('hr_external_certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('serial', sa.String(length=64), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('level', sa.Enum('none', 'basic', 'advanced', name='requirementlevel', native_enum=False, length=16), nullable=False),
    sa.Column('modules', sa.JSON(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'verified', 'rejected', 'revoked', name='externalstatus', native_enum=False, length=16), nullable=False),
    sa.Column('checked_by', sa.String(length=255), nullable=True),
    sa.Column('check_method', sa.String(length=255), nullable=True),
    sa.Column('checked_on', sa.Date(), nullable=True),
    sa.Column('scan_name', sa.String(length=255), nullable=True),
    sa.Column('scan_stored', sa.String(length=255), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_hr_external_certificate_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['hr_staff.id'], name=op.f('fk_hr_external_certificate_staff_id_hr_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_external_certificate'))
    )
    with op.batch_alter_table('hr_external_certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_external_certificate_staff_id'), ['staff_id'], unique=False)

    op.create_table('hr_round_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_hr_round_candidate_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['hr_round.id'], name=op.f('fk_hr_round_candidate_round_id_hr_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['hr_staff.id'], name=op.f('fk_hr_round_candidate_staff_id_hr_staff'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_round_candidate')),
    sa.UniqueConstraint('round_id', 'staff_id', name=op.f('uq_hr_round_candidate_round_id_staff_id'))
    )
    with op.batch_alter_table('hr_round_candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_round_candidate_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_round_candidate_staff_id'), ['staff_id'], unique=False)

    op.create_table('hr_staff_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.String(length=255), nullable=False),
    sa.Column('rank_code', sa.String(length=16), nullable=True),
    sa.Column('rank_name', sa.String(length=255), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.String(length=255), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_to IS NULL OR valid_to >= valid_from', name=op.f('ck_hr_staff_assignment_period_order')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_hr_staff_assignment_agency_id_agency'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_hr_staff_assignment_recorded_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['hr_staff.id'], name=op.f('fk_hr_staff_assignment_staff_id_hr_staff'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_staff_assignment'))
    )
    with op.batch_alter_table('hr_staff_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_staff_assignment_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_staff_assignment_staff_id'), ['staff_id'], unique=False)



    op.create_table('hr_slip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('holder_name', sa.String(length=255), nullable=False),
    sa.Column('holder_date_of_birth', sa.Date(), nullable=False),
    sa.Column('employee_code', sa.String(length=32), nullable=False),
    sa.Column('agency_name', sa.String(length=255), nullable=False),
    sa.Column('target_rank_code', sa.String(length=64), nullable=True),
    sa.Column('need_label', sa.String(length=512), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_name', sa.String(length=255), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_hr_slip_agency_id_agency'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_hr_slip_issued_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['staff_id'], ['hr_staff.id'], name=op.f('fk_hr_slip_staff_id_hr_staff'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_slip')),
    sa.UniqueConstraint('code', name=op.f('uq_hr_slip_code'))
    )
    with op.batch_alter_table('hr_slip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_slip_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_slip_staff_id'), ['staff_id'], unique=False)

def downgrade():
    with op.batch_alter_table('hr_slip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_slip_staff_id'))
        batch_op.drop_index(batch_op.f('ix_hr_slip_agency_id'))

    op.drop_table('hr_slip')
    with op.batch_alter_table('hr_staff_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_staff_assignment_staff_id'))
        batch_op.drop_index(batch_op.f('ix_hr_staff_assignment_agency_id'))

    op.drop_table('hr_staff_assignment')
    with op.batch_alter_table('hr_round_candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_round_candidate_staff_id'))
        batch_op.drop_index(batch_op.f('ix_hr_round_candidate_round_id'))

    op.drop_table('hr_round_candidate')
    with op.batch_alter_table('hr_external_certificate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_external_certificate_staff_id'))

    op.drop_table('hr_external_certificate')
    with op.batch_alter_table('hr_assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_assessment_staff_id'))

    op.drop_table('hr_assessment')
    with op.batch_alter_table('hr_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_staff_rank_code'))
        batch_op.drop_index(batch_op.f('ix_hr_staff_full_name_folded'))
        batch_op.drop_index(batch_op.f('ix_hr_staff_date_of_birth'))
        batch_op.drop_index(batch_op.f('ix_hr_staff_agency_id'))

    op.drop_table('hr_staff')
    with op.batch_alter_table('hr_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_round_agency_id'))

    op.drop_table('hr_round')
    op.drop_table('hr_requirement')
