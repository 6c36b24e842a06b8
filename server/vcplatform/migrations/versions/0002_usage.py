"""calls (usage from the video side) and grant history for access reviews

Revision ID: 0002_usage
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_usage"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("org_id", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("scope_type", sa.String(length=20), nullable=False),
        sa.Column("scope_id", sa.String(length=40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("wait_seconds", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_calls_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_calls_org_unit_started", ["org_id", "unit_id", "started_at"], unique=False
        )
        batch_op.create_index("ix_calls_org_started", ["org_id", "started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_scope_id"), ["scope_id"], unique=False)

    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invited_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("granted_by", sa.String(length=320), nullable=True))
    # Best effort for grants made before the history was kept: an invitation's grant was
    # created when it was first sent; an active grant became active no later than its
    # last change (at once, for a grant that never needed an invitation).
    op.execute(
        "UPDATE grants SET invited_at = created_at "
        "WHERE invitation_send_count > 0 AND invited_at IS NULL"
    )
    op.execute(
        "UPDATE grants SET accepted_at = CASE WHEN invitation_send_count > 0 "
        "THEN updated_at ELSE created_at END "
        "WHERE state = 'active' AND accepted_at IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_column("granted_by")
        batch_op.drop_column("accepted_at")
        batch_op.drop_column("invited_at")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_scope_id"))
        batch_op.drop_index("ix_calls_org_started")
        batch_op.drop_index("ix_calls_org_unit_started")
    op.drop_table("calls")
