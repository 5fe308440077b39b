"""honest numbers: when each hold was confirmed, the deal's price history, refund requests

Revision ID: 8d4b2f6a1e57
Revises: 8d4f1a2b3c45
Create Date: 2026-12-05 16:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '8d4b2f6a1e57'
down_revision: Union[str, None] = '8d4f1a2b3c45'
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
    with op.batch_alter_table('processedwebhookevent', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'outcome',
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default='',
            )
        )
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

    op.create_table('refund_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('share_id', sa.Integer(), nullable=True),
    sa.Column('deal_order_id', sa.Integer(), nullable=True),
    sa.Column('order_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('intent_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('refund_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('failure', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount > 0', name='ck_refund_request_amount_positive'),
    sa.CheckConstraint("status IN ('requested', 'refunding', 'refunded', 'rejected', 'failed')", name='ck_refund_request_status'),
    sa.CheckConstraint('(share_id IS NULL) <> (deal_order_id IS NULL)', name='ck_refund_request_one_payment'),
    sa.ForeignKeyConstraint(['deal_order_id'], ['dealorder.id'], ),
    sa.ForeignKeyConstraint(['decided_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['requester_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['share_id'], ['payment_share.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('deal_order_id'),
    sa.UniqueConstraint('idempotency_key'),
    sa.UniqueConstraint('share_id')
    )
    with op.batch_alter_table('refund_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_request_order_key'), ['order_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_request_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refund_request_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('refund_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_request_status'))
        batch_op.drop_index(batch_op.f('ix_refund_request_requester_id'))
        batch_op.drop_index(batch_op.f('ix_refund_request_order_key'))
    op.drop_table('refund_request')
    with op.batch_alter_table('deal_price_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_price_change_deal_id'))
    op.drop_table('deal_price_change')
    with op.batch_alter_table('processedwebhookevent', schema=None) as batch_op:
        batch_op.drop_column('outcome')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_column('counted_at_close')
        batch_op.drop_column('confirmed_at')
