"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("key", name=op.f("uq_organisations_key")),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("org_id", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("system_administrator", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_accounts_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("org_id", "email", name=op.f("uq_accounts_org_id")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("org_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=40), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_audit_events_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_events_org_at", ["org_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "units",
        sa.Column("org_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("reporting_tags", sa.JSON(), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_units_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("org_id", "name", name=op.f("uq_units_org_id")),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index("ix_units_org_created", ["org_id", "created_at", "id"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_api_tokens_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_api_tokens")),
    )
    op.create_table(
        "grants",
        sa.Column("org_id", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("scope_type", sa.String(length=20), nullable=False),
        sa.Column("scope_id", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.String(length=40), nullable=True),
        sa.Column("invitation_sent_at", sa.DateTime(), nullable=True),
        sa.Column("invitation_expires_at", sa.DateTime(), nullable=True),
        sa.Column("invitation_send_count", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_grants_account_id_accounts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_grants_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
    )
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.create_index("ix_grants_org_created", ["org_id", "created_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grants_scope_id"), ["scope_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_grants_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            "uq_grants_live",
            ["scope_id", "role", "email"],
            unique=True,
            sqlite_where=sa.text("state != 'revoked'"),
            postgresql_where=sa.text("state != 'revoked'"),
        )

    op.create_table(
        "idempotency_records",
        sa.Column("account_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_idempotency_records_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "key", name=op.f("pk_idempotency_records")),
    )
    op.create_table(
        "waiting_areas",
        sa.Column("org_id", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("access_hours", sa.JSON(), nullable=False),
        sa.Column("caller_details", sa.JSON(), nullable=False),
        sa.Column("information_for_callers", sa.Text(), nullable=False),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("suspended_message_for_callers", sa.Text(), nullable=False),
        sa.Column("suspended_message_for_staff", sa.Text(), nullable=False),
        sa.Column("reporting_tags", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_waiting_areas_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_waiting_areas_unit_id_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_areas")),
        sa.UniqueConstraint("link", name=op.f("uq_waiting_areas_link")),
        sa.UniqueConstraint("unit_id", "name", name=op.f("uq_waiting_areas_unit_id")),
    )
    with op.batch_alter_table("waiting_areas", schema=None) as batch_op:
        batch_op.create_index(
            "ix_waiting_areas_org_created", ["org_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_waiting_areas_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "meeting_rooms",
        sa.Column("org_id", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("max_participants", sa.Integer(), nullable=False),
        sa.Column("waiting_area_id", sa.String(length=40), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["organisations.id"],
            name=op.f("fk_meeting_rooms_org_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_meeting_rooms_unit_id_units"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["waiting_area_id"],
            ["waiting_areas.id"],
            name=op.f("fk_meeting_rooms_waiting_area_id_waiting_areas"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_rooms")),
        sa.UniqueConstraint("link", name=op.f("uq_meeting_rooms_link")),
        sa.UniqueConstraint("unit_id", "name", name=op.f("uq_meeting_rooms_unit_id")),
    )
    with op.batch_alter_table("meeting_rooms", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meeting_rooms_org_created", ["org_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meeting_rooms_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_rooms_waiting_area_id"), ["waiting_area_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_rooms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_rooms_waiting_area_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_rooms_unit_id"))
        batch_op.drop_index("ix_meeting_rooms_org_created")

    op.drop_table("meeting_rooms")
    with op.batch_alter_table("waiting_areas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waiting_areas_unit_id"))
        batch_op.drop_index("ix_waiting_areas_org_created")

    op.drop_table("waiting_areas")
    op.drop_table("idempotency_records")
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_grants_live",
            sqlite_where=sa.text("state != 'revoked'"),
            postgresql_where=sa.text("state != 'revoked'"),
        )
        batch_op.drop_index(batch_op.f("ix_grants_unit_id"))
        batch_op.drop_index(batch_op.f("ix_grants_scope_id"))
        batch_op.drop_index("ix_grants_org_created")

    op.drop_table("grants")
    op.drop_table("api_tokens")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index("ix_units_org_created")

    op.drop_table("units")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_org_at")

    op.drop_table("audit_events")
    op.drop_table("accounts")
    op.drop_table("organisations")
