"""deal pages

Revision ID: 7c2e6a9f4d32
Revises: 6b1d5f8e3c21
Create Date: 2026-11-23 20:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '7c2e6a9f4d32'
down_revision: Union[str, None] = '6b1d5f8e3c21'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
