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
