"""Database rows → API dictionaries (camelCase). Shared by the API and ``dump``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vcplatform import models
from vcplatform.clock import rfc3339, utcnow


def _common(row: models.Versioned) -> dict[str, Any]:
    return {
        "id": row.id,
        "createdAt": rfc3339(row.created_at),
        "updatedAt": rfc3339(row.updated_at),
        "version": row.version,
    }


def organisation(row: models.Organisation) -> dict[str, Any]:
    return {**_common(row), "key": row.key, "name": row.name}


def unit(row: models.Unit) -> dict[str, Any]:
    return {
        **_common(row),
        "name": row.name,
        "description": row.description,
        "reportingTags": list(row.reporting_tags),
    }


def waiting_area(row: models.WaitingArea) -> dict[str, Any]:
    return {
        **_common(row),
        "unitId": row.unit_id,
        "name": row.name,
        "description": row.description,
        "type": row.type,
        "accessHours": row.access_hours,
        "callerDetails": list(row.caller_details),
        "informationForCallers": row.information_for_callers,
        "suspended": row.suspended,
        "suspendedMessageForCallers": row.suspended_message_for_callers,
        "suspendedMessageForStaff": row.suspended_message_for_staff,
        "reportingTags": list(row.reporting_tags),
        "link": row.link,
    }


def meeting_room(row: models.MeetingRoom) -> dict[str, Any]:
    return {
        **_common(row),
        "unitId": row.unit_id,
        "name": row.name,
        "description": row.description,
        "maxParticipants": row.max_participants,
        "waitingAreaId": row.waiting_area_id,
        "link": row.link,
    }


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
