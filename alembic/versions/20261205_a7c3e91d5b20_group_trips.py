"""group trips: experience products with dated seats, bookings run as group-buy deals;
friends' carts toward a deal: the cart a deal seat came from

Revision ID: a7c3e91d5b20
Revises: b7e3c9a1d2f4
Create Date: 2026-12-05 19:10:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = 'a7c3e91d5b20'
down_revision: Union[str, None] = 'b7e3c9a1d2f4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'kind',
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default='goods',
            )
        )
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'kind',
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default='group_buy',
            )
        )
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reserved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paid_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_participation_paid_by_user', 'user', ['paid_by'], ['id'])
        batch_op.add_column(sa.Column('cart_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_participation_cart_id_cart', 'cart', ['cart_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_participation_cart_id'), ['cart_id'], unique=False)
    op.create_table('experience_date',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('seats_taken', sa.Integer(), nullable=False),
    sa.Column('tiers_json', sa.Text(), nullable=False),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('seats_taken >= 0 AND seats_taken <= seats', name='ck_experience_date_seats'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('experience_date', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experience_date_product_id'), ['product_id'], unique=False)
    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('date_id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['date_id'], ['experience_date.id'], ),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
    sa.ForeignKeyConstraint(['organiser_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code'),
    sa.UniqueConstraint('deal_id')
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_date_id'), ['date_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_organiser_id'), ['organiser_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booking_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_booking_date_id'))
    op.drop_table('booking')
    with op.batch_alter_table('experience_date', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experience_date_product_id'))
    op.drop_table('experience_date')
    with op.batch_alter_table('participation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participation_cart_id'))
        batch_op.drop_constraint('fk_participation_cart_id_cart', type_='foreignkey')
        batch_op.drop_column('cart_id')
        batch_op.drop_constraint('fk_participation_paid_by_user', type_='foreignkey')
        batch_op.drop_column('paid_by')
        batch_op.drop_column('reserved_at')
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('kind')
