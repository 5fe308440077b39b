"""checkout and orders

Revision ID: 5a0c4e7d2b10
Revises: 4124693db83c
Create Date: 2026-11-23 20:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '5a0c4e7d2b10'
down_revision: Union[str, None] = '4124693db83c'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
