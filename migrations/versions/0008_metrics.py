"""metrics: factor sets as data (the shipped default loaded), figures of closed periods

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 00:45:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    sets = op.create_table(
        'metrics_factor_sets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.String(length=60), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=1000), nullable=False),
        sa.Column('avoided_share', sa.Float(), nullable=False),
        sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('loaded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['loaded_by_id'], ['users.id'], name=op.f('fk_metrics_factor_sets_loaded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics_factor_sets')),
        sa.UniqueConstraint('version', name=op.f('uq_metrics_factor_sets_version')),
    )
    rows = op.create_table(
        'metrics_factor_rows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('factor_set_id', sa.Integer(), nullable=False),
        sa.Column('device_type', sa.String(length=16), nullable=False),
        sa.Column('new_device_kg_co2e', sa.Float(), nullable=False),
        sa.Column('avoided_kg_co2e_per_year', sa.Float(), nullable=True),
        sa.Column('typical_weight_kg', sa.Float(), nullable=False),
        sa.Column('reference_life_years', sa.Float(), nullable=False),
        sa.Column('source', sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(['factor_set_id'], ['metrics_factor_sets.id'], name=op.f('fk_metrics_factor_rows_factor_set_id_metrics_factor_sets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics_factor_rows')),
        sa.UniqueConstraint('factor_set_id', 'device_type', name=op.f('uq_metrics_factor_rows_factor_set_id')),
    )
    op.create_table(
        'metrics_period_figures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('factor_set_id', sa.Integer(), nullable=False),
        sa.Column(
            'figures',
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=False,
        ),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['factor_set_id'], ['metrics_factor_sets.id'], name=op.f('fk_metrics_period_figures_factor_set_id_metrics_factor_sets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics_period_figures')),
        sa.UniqueConstraint('starts_on', 'ends_on', name=op.f('uq_metrics_period_figures_starts_on')),
    )
    _load_default_set(sets, rows)


def _load_default_set(sets, rows):
    """Load the factor set shipped with the package, so the first figures have their set."""
    from datetime import datetime, timezone

    from reuse_tracker.metrics.impact import default_factor_set

    shipped = default_factor_set()
    op.bulk_insert(sets, [{
        'id': 1,
        'version': shipped.version,
        'published_on': shipped.published_on,
        'source': shipped.source,
        'avoided_share': shipped.avoided_share,
        'loaded_at': datetime.now(timezone.utc),
    }])
    op.bulk_insert(rows, [{
        'factor_set_id': 1,
        'device_type': kind,
        'new_device_kg_co2e': f.new_device_kg_co2e,
        'avoided_kg_co2e_per_year': f.avoided_kg_co2e_per_year,
        'typical_weight_kg': f.typical_weight_kg,
        'reference_life_years': f.reference_life_years,
        'source': f.source,
    } for kind, f in shipped.types.items()])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("SELECT setval('metrics_factor_sets_id_seq', 1)")


def downgrade():
    op.drop_table('metrics_period_figures')
    op.drop_table('metrics_factor_rows')
    op.drop_table('metrics_factor_sets')
