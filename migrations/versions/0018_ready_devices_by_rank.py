"""ready devices by rank: a wave's proposal reads the ready devices it pairs from an index

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 09:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    # Per type and grade, the ready devices ready the longest, then by tag in code-point
    # order (COLLATE "C" on PostgreSQL; SQLite's texts compare so already): the proposal of a
    # wave of 1,000 families reads 1,000 laptops instead of sorting the 10,700 ready ones
    # (100,000 devices). Its first columns are those of the index by state and type, which it
    # replaces.
    tag = 'asset_tag COLLATE "C"' if op.get_bind().dialect.name == 'postgresql' else 'asset_tag'
    op.create_index(
        'ix_devices_status_type_grade',
        'devices',
        ['status', 'type', 'grade', 'status_changed_at', sa.text(tag)],
    )
    op.drop_index('ix_devices_status_type', table_name='devices')


def downgrade():
    op.create_index('ix_devices_status_type', 'devices', ['status', 'type'])
    op.drop_index('ix_devices_status_type_grade', table_name='devices')
