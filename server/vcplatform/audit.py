"""Writing the append-only audit log (in the same transaction as the change)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vcplatform import models
from vcplatform.ids import new_id


def record(
    session: Session,
    *,
    org_id: str,
    actor: str,
    action: str,
    object_type: str,
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
            object_type=object_type,
            object_id=object_id,
            before=before,
            after=after,
        )
    )
