"""loans: schools, associations, waves, families, loans, charter texts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 12:00:00.000000

Written by hand (other revisions are written in parallel); the migration test compares the
result with the models. The two partial unique indexes allow one active loan (reserved or
on loan) per device and per family.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

ACTIVE_LOAN = sa.text("status IN ('reserved', 'on_loan')")


def upgrade():
    op.create_table('schools',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('uai', sa.String(length=8), nullable=False),
    sa.Column('network', sa.String(length=8), nullable=False),
    sa.Column('neighbourhood', sa.String(length=120), nullable=False),
    sa.Column('is_priority_neighbourhood', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schools')),
    sa.UniqueConstraint('uai', name=op.f('uq_schools_uai'))
    )
    op.create_table('associations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_associations')),
    sa.UniqueConstraint('name', name=op.f('uq_associations_name'))
    )
    op.create_table('waves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('is_open', sa.Boolean(), nullable=False),
    sa.Column('targets', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waves')),
    sa.UniqueConstraint('name', name=op.f('uq_waves_name'))
    )
    op.create_table('wave_schools',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_wave_schools_school_id_schools')),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_wave_schools_wave_id_waves')),
    sa.PrimaryKeyConstraint('wave_id', 'school_id', name=op.f('pk_wave_schools'))
    )
    op.create_table('families',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('referral_source', sa.String(length=16), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('child_class', sa.String(length=4), nullable=True),
    sa.Column('neighbourhood', sa.String(length=120), nullable=True),
    sa.Column('needs_computer', sa.Boolean(), nullable=False),
    sa.Column('needs_connection', sa.Boolean(), nullable=False),
    sa.Column('needs_support', sa.Boolean(), nullable=False),
    sa.Column('device_type', sa.String(length=16), nullable=False),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('wave_id', sa.Integer(), nullable=True),
    sa.Column('parent_name', sa.String(length=120), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('consent_on', sa.Date(), nullable=True),
    sa.Column('consent_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('pseudonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_families_association_id_associations')),
    sa.ForeignKeyConstraint(['consent_by_id'], ['users.id'], name=op.f('fk_families_consent_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_families_school_id_schools')),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_families_wave_id_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_families')),
    sa.UniqueConstraint('reference', name=op.f('uq_families_reference'))
    )
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_families_association_id'), ['association_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_families_school_id'), ['school_id'], unique=False)
        batch_op.create_index('ix_families_wave_id_referred_on', ['wave_id', 'referred_on'], unique=False)

    op.create_table('loans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reserved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reserved_by_id', sa.Integer(), nullable=True),
    sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('charter_signed_on', sa.Date(), nullable=True),
    sa.Column('association_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('returned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('return_condition', sa.String(length=16), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closing_note', sa.String(length=2000), nullable=True),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_loans_association_id_associations')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_loans_device_id_devices')),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_loans_family_id_families')),
    sa.ForeignKeyConstraint(['reserved_by_id'], ['users.id'], name=op.f('fk_loans_reserved_by_id_users')),
    sa.ForeignKeyConstraint(['wave_id'], ['waves.id'], name=op.f('fk_loans_wave_id_waves')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loans'))
    )
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loans_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loans_wave_id'), ['wave_id'], unique=False)
        batch_op.create_index('ix_loans_status_due_on', ['status', 'due_on'], unique=False)
        batch_op.create_index('uq_loans_device_id', ['device_id'], unique=True,
                              sqlite_where=ACTIVE_LOAN, postgresql_where=ACTIVE_LOAN)
        batch_op.create_index('uq_loans_family_id', ['family_id'], unique=True,
                              sqlite_where=ACTIVE_LOAN, postgresql_where=ACTIVE_LOAN)

    op.create_table('charter_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=32), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_charter_sections_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_sections')),
    sa.UniqueConstraint('section', 'locale', name=op.f('uq_charter_sections_section'))
    )


def downgrade():
    op.drop_table('charter_sections')
    with op.batch_alter_table('loans', schema=None) as batch_op:
        batch_op.drop_index('uq_loans_family_id')
        batch_op.drop_index('uq_loans_device_id')
        batch_op.drop_index('ix_loans_status_due_on')
        batch_op.drop_index(batch_op.f('ix_loans_wave_id'))
        batch_op.drop_index(batch_op.f('ix_loans_family_id'))
        batch_op.drop_index(batch_op.f('ix_loans_device_id'))

    op.drop_table('loans')
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.drop_index('ix_families_wave_id_referred_on')
        batch_op.drop_index(batch_op.f('ix_families_school_id'))
        batch_op.drop_index(batch_op.f('ix_families_association_id'))

    op.drop_table('families')
    op.drop_table('wave_schools')
    op.drop_table('waves')
    op.drop_table('associations')
    op.drop_table('schools')
