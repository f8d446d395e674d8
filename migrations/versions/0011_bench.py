"""bench: scan batches done once, devices found by their donor's inventory number

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:50:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _folded(column: str) -> str:
    expression = column
    for noise in (" ", "-", "_", ".", "/"):
        expression = f"replace({expression}, '{noise}', '')"
    return f"upper({expression})"


def upgrade():
    op.create_table(
        'scan_batch_entries',
        sa.Column('batch_key', sa.String(length=64), nullable=False),
        sa.Column('device_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.String(length=32), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_scan_batch_entries_device_id_devices')),
        sa.ForeignKeyConstraint(['event_id'], ['device_events.id'], name=op.f('fk_scan_batch_entries_event_id_device_events')),
        sa.PrimaryKeyConstraint('batch_key', 'device_id', 'action', name=op.f('pk_scan_batch_entries')),
    )
    op.create_table(
        'eco_organisations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('name_key', sa.String(length=80), nullable=False),
        sa.Column('is_active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_eco_organisations')),
        sa.UniqueConstraint('name_key', name=op.f('uq_eco_organisations_name_key')),
    )
    postgresql = op.get_bind().dialect.name == 'postgresql'
    pattern = ' text_pattern_ops' if postgresql else ''
    op.create_index(
        'ix_devices_donor_asset_key', 'devices', [sa.text(_folded('donor_asset_number') + pattern)]
    )
    op.create_index('ix_devices_model_key', 'devices', [sa.text('upper(model)')])
    # PostgreSQL: LIKE 'prefix%' from a btree whatever the collation (devices/search.py).
    for name, expression in PATTERN_INDEXES:
        op.create_index(name, 'devices', [sa.text(f'{expression}{pattern}')])


PATTERN_INDEXES = (
    ('ix_devices_asset_tag_pattern', 'asset_tag'),
    ('ix_devices_serial_key_pattern', 'serial_key'),
    ('ix_devices_model_key_pattern', '(upper(model))'),
)


def downgrade():
    for name, _expression in PATTERN_INDEXES:
        op.drop_index(name, table_name='devices')
    op.drop_index('ix_devices_model_key', table_name='devices')
    op.drop_index('ix_devices_donor_asset_key', table_name='devices')
    op.drop_table('scan_batch_entries')
    op.drop_table('eco_organisations')
