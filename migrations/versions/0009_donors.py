"""donors and documents: issued documents, donor portal state, reviews, import mappings

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 01:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'issued_documents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('number', sa.String(length=32), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('issuer', sa.String(length=200), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by_id', sa.Integer(), nullable=True),
        sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_issued_documents_issued_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents')),
        sa.UniqueConstraint('code', name=op.f('uq_issued_documents_code')),
        sa.UniqueConstraint('kind', 'subject', 'language', 'version', name=op.f('uq_issued_documents_kind')),
        sa.UniqueConstraint('number', 'version', name=op.f('uq_issued_documents_number')),
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_documents_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_number'), ['number'], unique=False)

    op.create_table(
        'donor_portals',
        sa.Column('donor_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_to', sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(['donor_id'], ['donors.id'], name=op.f('fk_donor_portals_donor_id_donors')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_donor_portals_created_by_id_users')),
        sa.PrimaryKeyConstraint('donor_id', name=op.f('pk_donor_portals')),
    )
    op.create_table(
        'donation_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('donation_id', sa.Integer(), nullable=False),
        sa.Column('verdict', sa.String(length=16), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['donation_id'], ['donations.id'], name=op.f('fk_donation_reviews_donation_id_donations')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_donation_reviews')),
    )
    with op.batch_alter_table('donation_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_donation_reviews_donation_id'), ['donation_id'], unique=False)
    op.create_table(
        'donor_import_mappings',
        sa.Column('donor_id', sa.Integer(), nullable=False),
        sa.Column('columns', JSON, nullable=False),
        sa.Column('values', JSON, nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['donor_id'], ['donors.id'], name=op.f('fk_donor_import_mappings_donor_id_donors')),
        sa.PrimaryKeyConstraint('donor_id', name=op.f('pk_donor_import_mappings')),
    )
    with op.batch_alter_table('donors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('donors', schema=None) as batch_op:
        batch_op.drop_column('language')
    op.drop_table('donor_import_mappings')
    with op.batch_alter_table('donation_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_donation_reviews_donation_id'))
    op.drop_table('donation_reviews')
    op.drop_table('donor_portals')
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_documents_number'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_subject'))
    op.drop_table('issued_documents')
