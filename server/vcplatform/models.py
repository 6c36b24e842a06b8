"""SQLAlchemy models: the platform's tables.

Every API object has ``version``, used both as its ETag and as SQLAlchemy's
``version_id_col``, so an UPDATE that raced another writer fails instead of
silently overwriting it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from vcplatform.clock import utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Versioned:
    """Columns shared by every API object."""

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class Organisation(Versioned, Base):
    __tablename__ = "organisations"

    key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class Account(Base):
    """A person known to one organisation; created by ``token create`` or by accepting."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("org_id", "email"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    system_administrator: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Unit(Versioned, Base):
    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("org_id", "name"),
        Index("ix_units_org_created", "org_id", "created_at", "id"),
    )

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    reporting_tags: Mapped[list[str]] = mapped_column(JSON, default=list)

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class WaitingArea(Versioned, Base):
    __tablename__ = "waiting_areas"
    __table_args__ = (
        UniqueConstraint("unit_id", "name"),
        Index("ix_waiting_areas_org_created", "org_id", "created_at", "id"),
    )

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    # RESTRICT: the database itself refuses to orphan areas, even under a race.
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(40), default="regular")
    max_queue_length: Mapped[int | None] = mapped_column(Integer, nullable=True)
    access_hours: Mapped[dict[str, Any]] = mapped_column(JSON)
    caller_details: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    information_for_callers: Mapped[str] = mapped_column(Text, default="")
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended_message_for_callers: Mapped[str] = mapped_column(Text, default="")
    suspended_message_for_staff: Mapped[str] = mapped_column(Text, default="")
    reporting_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    link: Mapped[str] = mapped_column(String(500), unique=True)

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class MeetingRoom(Versioned, Base):
    __tablename__ = "meeting_rooms"
    __table_args__ = (
        UniqueConstraint("unit_id", "name"),
        Index("ix_meeting_rooms_org_created", "org_id", "created_at", "id"),
    )

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    max_participants: Mapped[int] = mapped_column(Integer, default=6)
    waiting_area_id: Mapped[str | None] = mapped_column(
        ForeignKey("waiting_areas.id", ondelete="SET NULL"), nullable=True, index=True
    )
    link: Mapped[str] = mapped_column(String(500), unique=True)

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


# The tables of the objects a role is granted on, by scope type.
Scope = Unit | WaitingArea | MeetingRoom
# One of the tables of objects inside a unit (for functions that work on either).
InUnit = TypeVar("InUnit", WaitingArea, MeetingRoom)
SCOPE_MODELS: dict[str, type[Scope]] = {
    "unit": Unit,
    "waiting-area": WaitingArea,
    "meeting-room": MeetingRoom,
}


def unit_of(scope: Scope) -> str:
    """The id of the unit a scope is in: the unit itself, or the unit of an area or room."""
    return scope.id if isinstance(scope, Unit) else scope.unit_id


class Grant(Versioned, Base):
    """A role on a scope for an email: an active role or an invitation to one."""

    __tablename__ = "grants"
    __table_args__ = (
        # At most one live (not revoked) grant per scope, role and email.
        Index(
            "uq_grants_live",
            "scope_id",
            "role",
            "email",
            unique=True,
            sqlite_where=text("state != 'revoked'"),
            postgresql_where=text("state != 'revoked'"),
        ),
        Index("ix_grants_org_created", "org_id", "created_at", "id"),
    )

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    # The unit the scope lives in, kept in step when a waiting area moves.
    unit_id: Mapped[str] = mapped_column(String(40), index=True)
    scope_type: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[str] = mapped_column(String(40), index=True)
    role: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(320))
    state: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[str | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    invitation_sent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    invitation_expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    invitation_send_count: Mapped[int] = mapped_column(Integer, default=0)
    # History for access reviews: the first invitation (kept across re-sends), the moment
    # the grant became active (accepted, or granted at once to an existing account), and
    # the actor who created it. NULL on grants made before these were kept.
    invited_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    granted_by: Mapped[str | None] = mapped_column(String(320), nullable=True)

    __mapper_args__ = {"version_id_col": Versioned.version}  # noqa: RUF012


class AuditEvent(Base):
    """Append-only: nothing in the code base updates or deletes these rows."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_org_at", "org_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class IdempotencyRecord(Base):
    """The stored outcome of a POST sent with an Idempotency-Key."""

    __tablename__ = "idempotency_records"

    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Call(Base):
    """One finished call from the video side: a consultation in a waiting area or a
    meeting in a meeting room. Usage data, not configuration: no version, no audit row.

    ``unit_id`` is the unit that held the scope when the call took place, so a unit's
    reports keep their history when a waiting area moves. No foreign keys to the scope:
    calls outlive the waiting areas and rooms they took place in.
    """

    __tablename__ = "calls"
    __table_args__ = (
        Index("ix_calls_org_unit_started", "org_id", "unit_id", "started_at"),
        Index("ix_calls_org_started", "org_id", "started_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    unit_id: Mapped[str] = mapped_column(String(40))
    scope_type: Mapped[str] = mapped_column(String(20))
    scope_id: Mapped[str] = mapped_column(String(40), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    ended_at: Mapped[datetime] = mapped_column(DateTime)
    wait_seconds: Mapped[int] = mapped_column(Integer)
    participants: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# One of the tables the API lists page by page, by (created_at, id) (vcplatform.pagination).
Listed = TypeVar("Listed", Unit, WaitingArea, MeetingRoom, Grant, AuditEvent)
