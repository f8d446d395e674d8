"""hand-over: how each charter was signed; families' search text; reminders of late loans

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 01:00:00.000000

Written by hand; the migration test compares the result with the models. Loans handed over
before this revision keep no way (NULL): their charter date was attested by the caller.
Each family's search text (reference, name, e-mail, phone digits without accents, in lower
case) is filled here for the families already recorded, as ``loans/search.py`` writes it.
Then the follow-up of late loans (reminders), support sessions and connection offers.
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _normalise(text):
    decomposed = unicodedata.normalize('NFKD', text or '')
    bare = ''.join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r'\s+', ' ', bare.casefold()).strip()


def _search_text(reference, name, email, phone):
    digits = ''.join(char for char in phone or '' if char.isdigit())
    parts = [reference, name, email, digits]
    return ' | '.join(_normalise(part) for part in parts if part)[:700]


def upgrade():
    _create_reminders()
    _create_support()
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('charter_way', sa.String(length=16), nullable=True))
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('search_text', sa.String(length=700), nullable=False, server_default='')
        )
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.alter_column('search_text', server_default=None)
    connection = op.get_bind()
    families = sa.table(
        'families',
        sa.column('id', sa.Integer),
        sa.column('reference', sa.String),
        sa.column('parent_name', sa.String),
        sa.column('email', sa.String),
        sa.column('phone', sa.String),
        sa.column('search_text', sa.String),
    )
    rows = connection.execute(
        sa.select(families.c.id, families.c.reference, families.c.parent_name,
                  families.c.email, families.c.phone)
    ).all()
    for row in rows:
        connection.execute(
            families.update()
            .where(families.c.id == row.id)
            .values(search_text=_search_text(row.reference, row.parent_name, row.email, row.phone))
        )


def _create_reminders():
    op.create_table(
        'loan_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('loan_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_loan_reminders_by_id_users')),
        sa.ForeignKeyConstraint(['loan_id'], ['loans.id'], name=op.f('fk_loan_reminders_loan_id_loans')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_reminders')),
    )
    with op.batch_alter_table('loan_reminders', schema=None) as batch_op:
        batch_op.create_index('ix_loan_reminders_loan_id_id', ['loan_id', 'id'], unique=False)


def _create_support():
    op.create_table(
        'support_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('family_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('led_by', sa.String(length=120), nullable=False),
        sa.Column('association_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_support_sessions_association_id_associations')),
        sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_support_sessions_family_id_families')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_support_sessions_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_support_sessions')),
    )
    with op.batch_alter_table('support_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_support_sessions_held_on', ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_sessions_family_id'), ['family_id'], unique=False)
    op.create_table(
        'connection_offers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('family_id', sa.Integer(), nullable=False),
        sa.Column('offer', sa.String(length=200), nullable=False),
        sa.Column('referred_on', sa.Date(), nullable=False),
        sa.Column('is_connected', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_connection_offers_family_id_families')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_connection_offers_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_connection_offers')),
    )
    with op.batch_alter_table('connection_offers', schema=None) as batch_op:
        batch_op.create_index('ix_connection_offers_referred_on', ['referred_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_connection_offers_family_id'), ['family_id'], unique=False)


def downgrade():
    op.drop_table('connection_offers')
    op.drop_table('support_sessions')
    op.drop_table('loan_reminders')
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.drop_column('search_text')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_column('charter_way')
