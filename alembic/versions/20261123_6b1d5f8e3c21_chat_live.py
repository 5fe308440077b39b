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
    pass


def downgrade() -> None:
    pass
