"""waiting areas: maxQueueLength

Revision ID: 0003
Revises: 0002_usage
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002_usage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("waiting_areas") as table:
        table.add_column(sa.Column("max_queue_length", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("waiting_areas") as table:
        table.drop_column("max_queue_length")
