"""workshop: spare parts stock and movements, diagnostic checklists

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00.000000

Written by hand (another revision is written in parallel); the migration test compares the
result with the models.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('spare_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('spec', sa.String(length=120), nullable=False),
    sa.Column('spec_key', sa.String(length=120), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_spare_parts_quantity_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spare_parts')),
    sa.UniqueConstraint('kind', 'spec_key', name='uq_spare_parts_kind_spec_key')
    )
    op.create_table('part_movements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('event_seq', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_part_movements_actor_id_users')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_part_movements_device_id_devices')),
    sa.ForeignKeyConstraint(['part_id'], ['spare_parts.id'], name=op.f('fk_part_movements_part_id_spare_parts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_part_movements'))
    )
    with op.batch_alter_table('part_movements', schema=None) as batch_op:
        batch_op.create_index('ix_part_movements_device_id_event_seq', ['device_id', 'event_seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_part_movements_part_id'), ['part_id'], unique=False)

    op.create_table('diagnostic_checklists',
    sa.Column('device_type', sa.String(length=16), nullable=False),
    sa.Column('checks', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_diagnostic_checklists_updated_by_id_users')),
    sa.PrimaryKeyConstraint('device_type', name=op.f('pk_diagnostic_checklists'))
    )


def downgrade():
    op.drop_table('diagnostic_checklists')
    with op.batch_alter_table('part_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_part_movements_part_id'))
        batch_op.drop_index('ix_part_movements_device_id_event_seq')

    op.drop_table('part_movements')
    op.drop_table('spare_parts')
