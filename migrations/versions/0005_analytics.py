"""consent analytics: displays once per visitor, version and day; roll-ups

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

The old impression table counted displays per day without a visitor, so its counts can
neither be deduplicated nor joined to decisions: it is replaced, not converted.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
# The same names as banner/models.py ROLLUP_COUNTS and DECISION_MS_BUCKETS, frozen here:
# a migration must not change when the models do.
ROLLUP_COUNTS = ('displays', 'visitors_shown', 'decisions', 'visitors_decided', 'interacted',
                 'accept_all', 'reject_all', 'custom', 'withdrawals', 'functional',
                 'analytics', 'advertising', 'any_optional', 'gpc_seen', 'gpc_applied',
                 'first_layer', 'preferences')
DECISION_MS_BUCKETS = tuple(f'ms_{n:02d}' for n in range(26))


def _create_impression():
    op.create_table('impression',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('banner_version_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Uuid(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shown_at', sa.DateTime(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('device_type', sa.String(length=16), nullable=True),
    sa.Column('browser_family', sa.String(length=64), nullable=True),
    sa.Column('os_family', sa.String(length=64), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('policy_mode', sa.String(length=8), nullable=True),
    sa.ForeignKeyConstraint(['banner_version_id'], ['banner_version.id'], name=op.f('fk_impression_banner_version_id_banner_version')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_impression_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impression')),
    sa.UniqueConstraint('site_id', 'day', 'visitor_id', 'banner_version_id', name=op.f('uq_impression_site_id_day_visitor_id_banner_version_id'))
    )
    with op.batch_alter_table('impression', schema=None) as batch_op:
        batch_op.create_index('ix_impression_site_shown', ['site_id', 'shown_at'], unique=False)
        batch_op.create_index('ix_impression_site_visitor', ['site_id', 'visitor_id', 'shown_at'], unique=False)


def upgrade():
    op.drop_table('impression')
    _create_impression()

    op.create_table('analytics_state',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('refreshed_until', sa.DateTime(), nullable=True),
    sa.Column('tail_records', sa.Integer(), nullable=False),
    sa.Column('tail_displays', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_analytics_state_site_id_site')),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_analytics_state'))
    )
    op.create_table('reconsent_rollup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('erased', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('prior_version', sa.Integer(), nullable=False),
    sa.Column('visitors', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_reconsent_rollup_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconsent_rollup'))
    )
    with op.batch_alter_table('reconsent_rollup', schema=None) as batch_op:
        batch_op.create_index('ix_reconsent_rollup_site_day', ['site_id', 'day'], unique=False)

    op.create_table('consent_rollup',
    sa.Column('id', BIG_ID, nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('erased', sa.Boolean(), nullable=False),
    sa.Column('grain', sa.SmallInteger(), nullable=False),
    sa.Column('banner_version_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('device_type', sa.String(length=16), nullable=True),
    sa.Column('browser_family', sa.String(length=64), nullable=True),
    sa.Column('os_family', sa.String(length=64), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=True),
    sa.Column('policy_mode', sa.String(length=8), nullable=True),
    *(sa.Column(name, sa.Integer(), nullable=False)
      for name in ROLLUP_COUNTS + DECISION_MS_BUCKETS),
    sa.ForeignKeyConstraint(['banner_version_id'], ['banner_version.id'], name=op.f('fk_consent_rollup_banner_version_id_banner_version')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_consent_rollup_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_rollup'))
    )
    with op.batch_alter_table('consent_rollup', schema=None) as batch_op:
        batch_op.create_index('ix_consent_rollup_site_grain_day', ['site_id', 'grain', 'day'], unique=False)


def downgrade():
    with op.batch_alter_table('consent_rollup', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_rollup_site_grain_day')
    op.drop_table('consent_rollup')
    with op.batch_alter_table('reconsent_rollup', schema=None) as batch_op:
        batch_op.drop_index('ix_reconsent_rollup_site_day')
    op.drop_table('reconsent_rollup')
    op.drop_table('analytics_state')

    op.drop_table('impression')
    op.create_table('impression',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('banner_version_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('device_type', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['banner_version_id'], ['banner_version.id'], name=op.f('fk_impression_banner_version_id_banner_version')),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_impression_site_id_site')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impression')),
    sa.UniqueConstraint('site_id', 'banner_version_id', 'day', 'language', 'device_type', name=op.f('uq_impression_site_id_banner_version_id_day_language_device_type'))
    )
