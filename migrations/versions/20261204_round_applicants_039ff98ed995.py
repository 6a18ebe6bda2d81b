"""HR review rounds: external applicants (a candidate with no staff record: name, date of birth,
optional applicant number) and the certificates of this product they submitted (by code or as a
signed PDF).

Revision ID: 039ff98ed995
Revises: 158907808d6a
Create Date: 2026-12-04 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '039ff98ed995'
down_revision = "158907808d6a"
branch_labels = None
depends_on = None

CHECK = ("(staff_id IS NOT NULL AND applicant_name IS NULL AND applicant_date_of_birth IS NULL)"
         " OR (staff_id IS NULL AND applicant_name IS NOT NULL AND applicant_date_of_birth IS NOT NULL)")


def upgrade():
    # batch mode: SQLite cannot make a column nullable or add a check constraint in place.
    with op.batch_alter_table('hr_round_candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('applicant_name', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('applicant_date_of_birth', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('applicant_number', sa.String(length=32), nullable=True))
        batch_op.alter_column('staff_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f('uq_hr_round_candidate_round_id_applicant_number'),
                                          ['round_id', 'applicant_number'])
        batch_op.create_check_constraint('staff_or_applicant', CHECK)

    op.create_table('hr_round_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('given', sa.String(length=255), nullable=False),
    sa.Column('pdf_stored', sa.String(length=255), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['hr_round_candidate.id'], name=op.f('fk_hr_round_submission_candidate_id_hr_round_candidate'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_hr_round_submission_certificate_id_certificate'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_hr_round_submission_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hr_round_submission')),
    sa.UniqueConstraint('candidate_id', 'certificate_id', name=op.f('uq_hr_round_submission_candidate_id_certificate_id'))
    )
    with op.batch_alter_table('hr_round_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hr_round_submission_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hr_round_submission_certificate_id'), ['certificate_id'], unique=False)


def downgrade():
    with op.batch_alter_table('hr_round_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hr_round_submission_certificate_id'))
        batch_op.drop_index(batch_op.f('ix_hr_round_submission_candidate_id'))

    op.drop_table('hr_round_submission')
    # Applicants have no staff record, so they cannot stay once staff_id is required again.
    op.execute("DELETE FROM hr_round_candidate WHERE staff_id IS NULL")
    with op.batch_alter_table('hr_round_candidate', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_hr_round_candidate_staff_or_applicant'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_hr_round_candidate_round_id_applicant_number'), type_='unique')
        batch_op.alter_column('staff_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('applicant_number')
        batch_op.drop_column('applicant_date_of_birth')
        batch_op.drop_column('applicant_name')
