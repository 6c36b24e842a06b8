"""Writing the append-only audit log (in the same transaction as the change)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vcplatform import models, serialize
from vcplatform.ids import new_id


def record(
    session: Session,
    *,
    org_id: str,
    actor: str,
    action: str,
    object_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    session.add(
        models.AuditEvent(
            id=new_id("audit"),
            org_id=org_id,
            actor=actor,
            action=action,
            # "unit.create" is about a unit: the kind is the action's prefix.
            object_type=action.partition(".")[0],
            object_id=object_id,
            before=before,
            after=after,
        )
    )


def delete_grants_of(session: Session, *, org_id: str, actor: str, scope_id: str) -> None:
    """Delete every grant on a scope that is being deleted, one audit row each."""
    grants = session.scalars(select(models.Grant).where(models.Grant.scope_id == scope_id))
    for grant in grants:
        before = serialize.grant(grant)
        session.delete(grant)
        record(
            session,
            org_id=org_id,
            actor=actor,
            action="grant.delete",
            object_id=grant.id,
            before=before,
            after=None,
        )
