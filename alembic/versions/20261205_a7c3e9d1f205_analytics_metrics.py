"""analytics: metric rollups per bucket and dimension, visitors' last page view, shoppers' orders;
review reports and review-writing mutes (the console's moderation queue)

Revision ID: a7c3e9d1f205
Revises: 3b7e9c1d5a20
Create Date: 2026-12-05 19:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'a7c3e9d1f205'
down_revision: Union[str, None] = '3b7e9c1d5a20'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('analytics_rollup',
    sa.Column('grain', sqlmodel.sql.sqltypes.AutoString(length=1), nullable=False),
    sa.Column('dim', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('bucket', sa.DateTime(timezone=True), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('grain', 'dim', 'bucket', 'metric')
    )
    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.create_index('ix_analytics_rollup_metric', ['grain', 'metric', 'bucket'], unique=False)
    op.create_table('analytics_visitor',
    sa.Column('visitor', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('visitor')
    )
    with op.batch_alter_table('analytics_visitor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analytics_visitor_last_seen'), ['last_seen'], unique=False)
    op.create_table('analytics_shopper',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('first_order_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.create_table('analytics_shopper_month',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cohort', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'month')
    )
    with op.batch_alter_table('analytics_shopper_month', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_analytics_shopper_month_cohort'), ['cohort'], unique=False)


    op.create_table('review_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('review_id', 'reporter_id', name='uq_review_report')
    )
    with op.batch_alter_table('review_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_report_review_id'), ['review_id'], unique=False)
    op.create_table('review_mute',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id')
    )


def downgrade() -> None:
    op.drop_table('review_mute')
    with op.batch_alter_table('review_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_report_review_id'))
    op.drop_table('review_report')
    with op.batch_alter_table('analytics_shopper_month', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analytics_shopper_month_cohort'))
    op.drop_table('analytics_shopper_month')
    op.drop_table('analytics_shopper')
    with op.batch_alter_table('analytics_visitor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_analytics_visitor_last_seen'))
    op.drop_table('analytics_visitor')
    with op.batch_alter_table('analytics_rollup', schema=None) as batch_op:
        batch_op.drop_index('ix_analytics_rollup_metric')
    op.drop_table('analytics_rollup')
