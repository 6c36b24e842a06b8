"""Database rows → API dictionaries (camelCase). Shared by the API and ``dump``.

Units, waiting areas, meeting rooms and organisations are written field by field from
their response model in `vcplatform.apimodels`: a new field is declared there (and as a
column) and nowhere here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from vcplatform import apimodels, models
from vcplatform.clock import rfc3339, utcnow


def _common(row: models.Versioned) -> dict[str, Any]:
    return {
        "id": row.id,
        "createdAt": rfc3339(row.created_at),
        "updatedAt": rfc3339(row.updated_at),
        "version": row.version,
    }


@functools.cache
def _own_fields(response: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(column, camelCase key) of each field a response model adds to the common ones."""
    common = apimodels.Common.model_fields
    return tuple(
        (name, field.alias or name)
        for name, field in response.model_fields.items()
        if name not in common
    )


def _fields(row: models.Versioned, response: type[BaseModel]) -> dict[str, Any]:
    out = _common(row)
    for column, key in _own_fields(response):
        value = getattr(row, column)
        # JSON columns hold mutable lists: hand out copies.
        out[key] = list(value) if isinstance(value, list) else value
    return out


def organisation(row: models.Organisation) -> dict[str, Any]:
    return _fields(row, apimodels.Organisation)


def unit(row: models.Unit) -> dict[str, Any]:
    return _fields(row, apimodels.Unit)


def waiting_area(row: models.WaitingArea) -> dict[str, Any]:
    return _fields(row, apimodels.WaitingArea)


def meeting_room(row: models.MeetingRoom) -> dict[str, Any]:
    return _fields(row, apimodels.MeetingRoom)


def grant_state(row: models.Grant, now: datetime | None = None) -> str:
    """A pending invitation past its expiry is expired, whether or not a writer noticed."""
    expires = row.invitation_expires_at
    if row.state == "pending" and expires is not None and expires <= (now or utcnow()):
        return "expired"
    return row.state


def grant(row: models.Grant) -> dict[str, Any]:
    invitation = None
    if row.invitation_sent_at is not None and row.invitation_expires_at is not None:
        invitation = {
            "sentAt": rfc3339(row.invitation_sent_at),
            "expiresAt": rfc3339(row.invitation_expires_at),
            "sendCount": row.invitation_send_count,
        }
    return {
        **_common(row),
        "scopeType": row.scope_type,
        "scopeId": row.scope_id,
        "role": row.role,
        "email": row.email,
        "state": grant_state(row),
        "invitation": invitation,
        "accountId": row.account_id,
        "invitedAt": _stamp(row.invited_at),
        "acceptedAt": _stamp(row.accepted_at),
        "grantedBy": row.granted_by,
    }


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else rfc3339(value)


def of(row: models.Versioned) -> dict[str, Any]:
    """The API form of any object the audit log records."""
    render: Callable[[Any], dict[str, Any]] = _RENDERERS[type(row)]
    return render(row)


def audit_event(row: models.AuditEvent) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": rfc3339(row.created_at),
        "actor": row.actor,
        "action": row.action,
        "objectType": row.object_type,
        "objectId": row.object_id,
        "before": row.before,
        "after": row.after,
    }


_RENDERERS: dict[type[models.Versioned], Callable[[Any], dict[str, Any]]] = {
    models.Organisation: organisation,
    models.Unit: unit,
    models.WaitingArea: waiting_area,
    models.MeetingRoom: meeting_room,
    models.Grant: grant,
}
