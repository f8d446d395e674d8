"""scale: the oldest devices of a state read from an index (workshop board, queues)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 01:00:00.000000
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_devices_status_status_changed_at', 'devices', ['status', 'status_changed_at', 'id']
    )


def downgrade():
    op.drop_index('ix_devices_status_status_changed_at', table_name='devices')
