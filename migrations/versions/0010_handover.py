"""hand-over: how each loan's charter was signed

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-02 01:00:00.000000

Written by hand; the migration test compares the result with the models. Loans handed over
before this revision keep no way (NULL): their charter date was attested by the caller.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('charter_way', sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_column('charter_way')
