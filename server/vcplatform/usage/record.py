"""Recording the calls the video side reports, and showing them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vcplatform import models
from vcplatform.access import Principal
from vcplatform.clock import rfc3339
from vcplatform.errors import ValidationFailed
from vcplatform.ids import new_id
from vcplatform.usage.api import KIND_OF_SCOPE, CallCreate

SCOPE_MODELS: dict[str, Any] = {
    "waiting-area": models.WaitingArea,
    "meeting-room": models.MeetingRoom,
}


def serialize_call(row: models.Call) -> dict[str, Any]:
    return {
        "id": row.id,
        "unitId": row.unit_id,
        "scopeType": row.scope_type,
        "scopeId": row.scope_id,
        "kind": KIND_OF_SCOPE[row.scope_type],
        "startedAt": rfc3339(row.started_at),
        "endedAt": rfc3339(row.ended_at),
        "waitSeconds": row.wait_seconds,
        "participants": row.participants,
        "createdAt": rfc3339(row.created_at),
    }


def record_call(session: Session, principal: Principal, body: CallCreate) -> models.Call:
    """Store one call in the unit that holds its scope now; 422 for an unknown scope."""
    model = SCOPE_MODELS[body.scope_type]
    scope = session.scalars(
        select(model).where(model.id == body.scope_id, model.org_id == principal.org_id)
    ).first()
    if scope is None:
        raise ValidationFailed.field(
            "scopeId", f"there is no {body.scope_type} with id {body.scope_id!r}"
        )
    if body.scope_type == "meeting-room" and body.participants > scope.max_participants:
        raise ValidationFailed.field(
            "participants",
            f"the meeting room holds at most {scope.max_participants} participants",
        )
    call = models.Call(
        id=new_id("call"),
        org_id=principal.org_id,
        unit_id=scope.unit_id,
        scope_type=body.scope_type,
        scope_id=scope.id,
        started_at=body.started_at,
        ended_at=body.ended_at,
        wait_seconds=body.wait_seconds,
        participants=body.participants,
    )
    session.add(call)
    session.flush()
    return call
