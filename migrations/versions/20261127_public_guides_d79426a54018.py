"""public guides

Revision ID: d79426a54018
Revises: 268006a655fd
Create Date: 2026-11-27 13:00:58.937546

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd79426a54018'
down_revision = '268006a655fd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('guide',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=128), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('modules', sa.JSON(), nullable=False),
    sa.Column('audience', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('helpful_yes', sa.Integer(), nullable=False),
    sa.Column('helpful_no', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guide')),
    sa.UniqueConstraint('slug', name=op.f('uq_guide_slug'))
    )


def downgrade():
    op.drop_table('guide')
