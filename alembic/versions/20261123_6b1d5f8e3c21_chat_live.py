"""product chat and live sessions

Revision ID: 6b1d5f8e3c21
Revises: 5a0c4e7d2b10
Create Date: 2026-11-23 20:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '6b1d5f8e3c21'
down_revision: Union[str, None] = '5a0c4e7d2b10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # --- chat (branch live): rooms, messages, reports, mutes, filter words, throttle ---
    op.create_table('chatthrottle',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('stamps', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('chatroom',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('slow_mode_seconds', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('slow_mode_seconds >= 0', name='ck_chatroom_slow_mode_not_negative'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chatroom', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chatroom_key'), ['key'], unique=True)
        batch_op.create_index(batch_op.f('ix_chatroom_owner_id'), ['owner_id'], unique=False)

    op.create_table('chatfilterword',
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('word', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['room_id'], ['chatroom.id'], ),
    sa.PrimaryKeyConstraint('room_id', 'word')
    )
    op.create_table('chatmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deleted_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['reply_to_id'], ['chatmessage.id'], ),
    sa.ForeignKeyConstraint(['room_id'], ['chatroom.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('chatmessage', schema=None) as batch_op:
        batch_op.create_index('ix_chatmessage_room_id_id', ['room_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chatmessage_user_id'), ['user_id'], unique=False)

    op.create_table('chatmute',
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('muted_by', sa.Integer(), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['muted_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['room_id'], ['chatroom.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('room_id', 'user_id')
    )
    op.create_table('chatreport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['chatmessage.id'], ),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['room_id'], ['chatroom.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id', 'reporter_id', name='uq_chatreport_message_reporter')
    )
    with op.batch_alter_table('chatreport', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chatreport_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chatreport_room_id'), ['room_id'], unique=False)

    # --- end chat ---

    # --- live shopping (branch sessions): sessions, products, flash deals, follows, watch parties ---
    op.create_table('host_follow',
    sa.Column('follower_id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('follower_id <> host_id', name='ck_host_follow_not_self'),
    sa.ForeignKeyConstraint(['follower_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['host_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('follower_id', 'host_id')
    )
    with op.batch_alter_table('host_follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_host_follow_host_id'), ['host_id'], unique=False)

    op.create_table('live_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('cover_image', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('stream_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('pinned_product_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('went_live_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'live', 'ended')", name='ck_live_session_status_known'),
    sa.ForeignKeyConstraint(['host_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['pinned_product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_session_host_id'), ['host_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_session_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_live_session_status'), ['status'], unique=False)

    op.create_table('live_session_deal',
    sa.Column('deal_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('launched_by', sa.Integer(), nullable=False),
    sa.Column('launched_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], ),
    sa.ForeignKeyConstraint(['launched_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['live_session.id'], ),
    sa.PrimaryKeyConstraint('deal_id')
    )
    with op.batch_alter_table('live_session_deal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_session_deal_session_id'), ['session_id'], unique=False)

    op.create_table('live_session_product',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['live_session.id'], ),
    sa.PrimaryKeyConstraint('session_id', 'product_id')
    )
    op.create_table('watch_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('cart_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cart_id'], ['cart.id'], ),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['live_session.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'owner_id')
    )
    with op.batch_alter_table('watch_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_party_session_id'), ['session_id'], unique=False)

    op.create_table('watch_party_member',
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_by', sa.Integer(), nullable=True),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invited_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['party_id'], ['watch_party.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('party_id', 'user_id')
    )
    with op.batch_alter_table('watch_party_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_watch_party_member_user_id'), ['user_id'], unique=False)
    # --- end live shopping ---


def downgrade() -> None:
    # --- chat (branch live) ---
    with op.batch_alter_table('chatreport', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chatreport_room_id'))
        batch_op.drop_index(batch_op.f('ix_chatreport_message_id'))

    op.drop_table('chatreport')
    op.drop_table('chatmute')
    with op.batch_alter_table('chatmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chatmessage_user_id'))
        batch_op.drop_index('ix_chatmessage_room_id_id')

    op.drop_table('chatmessage')
    op.drop_table('chatfilterword')
    with op.batch_alter_table('chatroom', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chatroom_owner_id'))
        batch_op.drop_index(batch_op.f('ix_chatroom_key'))

    op.drop_table('chatroom')
    op.drop_table('chatthrottle')
    # --- end chat ---

    # --- live shopping (branch sessions) ---
    with op.batch_alter_table('watch_party_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watch_party_member_user_id'))

    op.drop_table('watch_party_member')
    with op.batch_alter_table('watch_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_watch_party_session_id'))

    op.drop_table('watch_party')
    op.drop_table('live_session_product')
    with op.batch_alter_table('live_session_deal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_session_deal_session_id'))

    op.drop_table('live_session_deal')
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_session_status'))
        batch_op.drop_index(batch_op.f('ix_live_session_starts_at'))
        batch_op.drop_index(batch_op.f('ix_live_session_host_id'))

    op.drop_table('live_session')
    with op.batch_alter_table('host_follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_host_follow_host_id'))

    op.drop_table('host_follow')
    # --- end live shopping ---
