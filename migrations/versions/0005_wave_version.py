"""waves: a version number, so that an edit made on an older version is refused

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 03:00:00.000000

Written by hand; the migration test compares the result with the models. Existing waves
start at version 1; the server default only fills them and is dropped afterwards, as the
model sets the version itself.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.alter_column('version', server_default=None)


def downgrade():
    with op.batch_alter_table('waves', schema=None) as batch_op:
        batch_op.drop_column('version')
