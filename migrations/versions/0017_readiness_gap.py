"""readiness gap: what each device in the workshop lacks first, and when its last event was

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 19:30:00.000000
"""
from alembic import op
import sqlalchemy as sa

from reuse_tracker.devices.lifecycle import TYPES_WITHOUT_STORAGE, WorkshopEvent, readiness_gap


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

devices = sa.table(
    'devices',
    sa.column('id', sa.Integer),
    sa.column('type', sa.String),
    sa.column('status', sa.String),
    sa.column('readiness_gap', sa.String),
)
events = sa.table(
    'device_events',
    sa.column('device_id', sa.Integer),
    sa.column('seq', sa.Integer),
    sa.column('action', sa.String),
    sa.column('payload', sa.JSON),
)


def upgrade():
    # The workshop board read the step of every device in the workshop from its log (1,265
    # devices at 100,000, growing with the programme); kept on the device by the action
    # service, the board reads the dozen it shows per column from one index.
    # No batch on SQLite: a copied table would lose the search's expression indexes. It adds
    # a NOT NULL column only with a default, overwritten at once from the log.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column(
        'devices',
        sa.Column(
            'last_event_at',
            sa.DateTime(timezone=True),
            nullable=not sqlite,
            server_default=sa.text("'1970-01-01 00:00:00.000000'") if sqlite else None,
        ),
    )
    op.add_column('devices', sa.Column('readiness_gap', sa.String(length=24), nullable=True))
    op.execute(
        "UPDATE devices SET last_event_at = COALESCE((SELECT e.created_at FROM device_events e "
        "WHERE e.device_id = devices.id AND e.seq = devices.version), status_changed_at)"
    )
    if not sqlite:
        op.alter_column('devices', 'last_event_at', nullable=False)
    _fill_gaps()
    op.create_index(
        'ix_devices_readiness_gap_last_event_at',
        'devices',
        ['readiness_gap', 'last_event_at', 'id'],
        sqlite_where=sa.text('readiness_gap IS NOT NULL'),
        postgresql_where=sa.text('readiness_gap IS NOT NULL'),
    )


def _fill_gaps():
    """What each device in the workshop lacks, by the readiness rule over its log."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(devices.c.id, devices.c.type, events.c.action, events.c.payload)
        .join(events, events.c.device_id == devices.c.id)
        .where(devices.c.status == 'in_workshop')
        .order_by(devices.c.id, events.c.seq)
    )
    logs: dict[int, tuple[str, list[WorkshopEvent]]] = {}
    for device_id, kind, action, payload in rows:
        _, log = logs.setdefault(device_id, (kind, []))
        log.append(WorkshopEvent(action, payload or {}))
    gaps = [
        {'device': device_id, 'gap': readiness_gap(log, has_storage=kind not in TYPES_WITHOUT_STORAGE)}
        for device_id, (kind, log) in logs.items()
    ]
    if gaps:
        connection.execute(
            devices.update()
            .where(devices.c.id == sa.bindparam('device'))
            .values(readiness_gap=sa.bindparam('gap')),
            gaps,
        )


def downgrade():
    op.drop_index('ix_devices_readiness_gap_last_event_at', table_name='devices')
    op.drop_column('devices', 'readiness_gap')
    op.drop_column('devices', 'last_event_at')
