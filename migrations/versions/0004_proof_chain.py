"""proof you can trust: visitor secret, hash chain, applied policy, decision time

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('policy_mode', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('policy_rule', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decision_ms', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('record_hash', sa.String(length=64), nullable=True))
        batch_op.drop_constraint('uq_consent_record_site_id_idempotency_key', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_consent_record_site_id_visitor_id_idempotency_key'),
            ['site_id', 'visitor_id', 'idempotency_key'])

    with op.batch_alter_table('visitor_consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('last_hash', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('visitor_consent', schema=None) as batch_op:
        batch_op.drop_column('last_hash')
        batch_op.drop_column('secret_hash')

    with op.batch_alter_table('consent_record', schema=None) as batch_op:
        batch_op.drop_constraint('uq_consent_record_site_id_visitor_id_idempotency_key',
                                 type_='unique')
        batch_op.create_unique_constraint('uq_consent_record_site_id_idempotency_key',
                                          ['site_id', 'idempotency_key'])
        batch_op.drop_column('record_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('decision_ms')
        batch_op.drop_column('policy_rule')
        batch_op.drop_column('policy_mode')
