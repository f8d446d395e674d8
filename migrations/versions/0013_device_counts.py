"""device counts: how many devices are in each state, per type, kept by the action service

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 01:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'device_counts',
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('type', sa.String(length=16), nullable=False),
        sa.Column('count', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('status', 'type', name=op.f('pk_device_counts')),
    )
    op.execute(
        "INSERT INTO device_counts (status, type, count) "
        "SELECT status, type, COUNT(*) FROM devices GROUP BY status, type"
    )


def downgrade():
    op.drop_table('device_counts')
