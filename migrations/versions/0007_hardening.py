"""hardening: one device per normalised serial (a unique constraint on devices.serial_key)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:30:00.000000

The serial key (``registration.serial_key``: the serial without spaces, dashes, dots,
slashes or underscores, upper case) was only indexed: two donations racing could both
register a serial. The upgrade refuses to run, listing them, when devices already share a
serial key: devices carry an append-only history, so which one is the real one is decided
by a person (``correct_details`` on the wrong ones), never by the migration.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    duplicates = connection.execute(
        sa.text(
            "SELECT serial_key, COUNT(*) FROM devices GROUP BY serial_key "
            "HAVING COUNT(*) > 1 ORDER BY serial_key"
        )
    ).all()
    if duplicates:
        listed = ", ".join(f"{key} ({count} devices)" for key, count in duplicates[:20])
        raise RuntimeError(
            f"{len(duplicates)} serial(s) are registered on several devices: {listed}. "
            "Correct the serial of the wrong devices (action correct_details), then upgrade "
            "again; nothing was changed."
        )
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_devices_serial_key"))
        batch_op.create_unique_constraint(batch_op.f("uq_devices_serial_key"), ["serial_key"])


def downgrade():
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_devices_serial_key"), type_="unique")
        batch_op.create_index(batch_op.f("ix_devices_serial_key"), ["serial_key"], unique=False)
