"""honest deal counts: when each hold was confirmed, and the deal's price history

Revision ID: 8d4b2f6a1e57
Revises: 7c2e6a9f4d32
Create Date: 2026-12-05 16:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '8d4b2f6a1e57'
down_revision: Union[str, None] = '7c2e6a9f4d32'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('counted_at_close', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Holds confirmed before this column existed: their last change is the best time we have.
    op.execute(
        "UPDATE participation SET confirmed_at = updated_at "
        "WHERE status IN ('held', 'captured')"
    )
    op.execute("UPDATE participation SET counted_at_close = TRUE WHERE status = 'captured'")
    op.create_table('deal_price_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.Integer(), nullable=False),
    sa.Column('joined', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deal_price_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_price_change_deal_id'), ['deal_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('deal_price_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_price_change_deal_id'))
    op.drop_table('deal_price_change')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_column('counted_at_close')
        batch_op.drop_column('confirmed_at')
