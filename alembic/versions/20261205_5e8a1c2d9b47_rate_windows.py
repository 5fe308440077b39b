"""rate limits as one compare-and-set window per person and kind (replaces action_stamp)

Count-then-insert stamps let two simultaneous writers both take the last slot; a window row
moved by compare-and-set does not. Old stamps only mattered for the last hour, so none are
carried over.

Revision ID: 5e8a1c2d9b47
Revises: 8d4b2f6a1e57
Create Date: 2026-12-05 17:30:00.000000
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '5e8a1c2d9b47'
down_revision: Union[str, None] = '8d4b2f6a1e57'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('rate_window',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('stamps', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'action')
    )
    with op.batch_alter_table('action_stamp', schema=None) as batch_op:
        batch_op.drop_index('ix_action_stamp_user_action_at')
    op.drop_table('action_stamp')


def downgrade() -> None:
    op.create_table('action_stamp',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('action_stamp', schema=None) as batch_op:
        batch_op.create_index('ix_action_stamp_user_action_at', ['user_id', 'action', 'at'], unique=False)
    op.drop_table('rate_window')
