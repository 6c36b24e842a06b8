"""A small organisation after console edits, as `vcorg drift` sees it, without a network.

The recorded state is what an apply would have written; the snapshot is the platform
now; each resource's read result is what its provider returns for it. Tests build a
`DriftReport` from these with `report()`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from vcorg.config import load_config
from vcorg.config.models import OrgConfig
from vcorg.drift.audit import AuditLog, AuditWindow
from vcorg.drift.platform import PlatformSnapshot
from vcorg.drift.refresh import Refreshed, drift_step
from vcorg.drift.report import DriftReport, build_report
from vcorg.drift.state import LastUpdate, RecordedState, StateResource
from vcorg.resources import OUTPUT_SLOTS

ORG = "metro-health"
PREFIX = "urn:pulumi:metro-health::vcorg::vcorg:index:Organisation$pulumi-python:dynamic/vcorg:"
APPLIED = datetime(2026, 11, 28, 22, 0, tzinfo=UTC)
CLINIC_LEAD = "clinic.lead@metro-health.example"
CONFIG = """\
apiVersion: vcorg/v1
organisation: metro-health
defaults:
  timezone: Australia/Sydney
  consoleOwned:
    waitingAreas: [suspended]
units:
  cardiology:
    name: Cardiology
    roles:
      organisationAdministrators: [lead@metro-health.example]
      organisationReporters: [rep@metro-health.example]
    waitingAreas:
      heart-clinic:
        name: Heart Clinic
        roles:
          serviceProviders: [dr.a@metro-health.example, dr.b@metro-health.example]
    meetingRooms:
      huddle:
        name: Huddle
drift:
  ignoreUnmanaged:
    - {kind: unit, name: "Training *", reason: onboarding sandboxes}
"""


def config(tmp_path: Any, text: str = CONFIG) -> OrgConfig:
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config([path])


def _resource(type_name: str, name: str, id_: str, props: dict[str, Any]) -> StateResource:
    urn = f"{PREFIX}{type_name}::{name}"
    inputs = {"organisation": ORG, **props, "resourceUrn": urn}
    return StateResource(urn, type_name, name, id_, inputs, {**inputs, "version": 1})


HOURS = {
    "timezone": "Australia/Sydney",
    "open": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}],
}
UNIT = _resource(
    "OrganisationalUnit",
    "cardiology",
    "unit_1",
    {"key": "cardiology", "name": "Cardiology", "description": "", "reportingTags": []},
)
AREA = _resource(
    "WaitingArea",
    "heart-clinic",
    "wa_1",
    {
        "key": "heart-clinic",
        "unitKey": "cardiology",
        "unitId": "unit_1",
        "name": "Heart Clinic",
        "suspended": False,
        "accessHours": HOURS,
        "informationForCallers": "",
    },
)
ROOM = _resource(
    "MeetingRoom",
    "huddle",
    "room_1",
    {"key": "huddle", "unitKey": "cardiology", "unitId": "unit_1", "name": "Huddle"},
)


def _members(name: str, scope: tuple[str, str, str], role: str, people: dict) -> StateResource:
    scope_type, scope_key, scope_id = scope
    props = {
        "unitKey": "cardiology",
        "unitId": "unit_1",
        "scopeType": scope_type,
        "scopeKey": scope_key,
        "scopeId": scope_id,
        "role": role,
        "emails": sorted(e for e, (s, _) in people.items() if s != "expired"),
    }
    res = _resource("RoleMembers", name, name, props)
    members = {e: {"state": s, "grantId": g} for e, (s, g) in people.items()}
    return StateResource(
        res.urn, res.type_name, res.name, res.id, res.inputs, {**res.outputs, "members": members}
    )


PROVIDERS = _members(
    "heart-clinic.service-provider",
    ("waiting-area", "heart-clinic", "wa_1"),
    "service-provider",
    {
        "dr.a@metro-health.example": ("active", "g_a"),
        "dr.b@metro-health.example": ("active", "g_b"),
    },
)
REPORTERS = _members(
    "cardiology.organisation-reporter",
    ("unit", "cardiology", "unit_1"),
    "organisation-reporter",
    {"rep@metro-health.example": ("pending", "g_rep")},
)
ADMINS = _members(
    "cardiology.organisation-administrator",
    ("unit", "cardiology", "unit_1"),
    "organisation-administrator",
    {"lead@metro-health.example": ("active", "g_lead")},
)
STATE = RecordedState(
    exists=True,
    resources=(UNIT, AREA, ROOM, PROVIDERS, REPORTERS, ADMINS),
    last_update=LastUpdate("update", APPLIED, APPLIED, "succeeded"),
)


def _grant(id_: str, scope: tuple[str, str], role: str, email: str, state: str) -> dict:
    scope_type, scope_id = scope
    return {
        "id": id_,
        "scopeType": scope_type,
        "scopeId": scope_id,
        "role": role,
        "email": email,
        "state": state,
        "invitation": {"sentAt": "2026-10-01T00:00:00Z", "expiresAt": "2026-10-31T00:00:00Z"},
        "grantedBy": "ops@metro-health.example",
        "invitedAt": "2026-10-01T00:00:00Z",
    }


def snapshot() -> PlatformSnapshot:
    """The platform after the clinic lead's console session."""
    renamed = {**AREA.outputs, "name": "Heart Clinic (old wing)", "suspended": True, "version": 4}
    return PlatformSnapshot(
        units={
            "unit_1": {**UNIT.outputs, "id": "unit_1"},
            "unit_2": {"id": "unit_2", "name": "Sandbox", "createdAt": "2026-11-29T08:00:00Z"},
            "unit_3": {"id": "unit_3", "name": "Training A", "createdAt": "2026-11-01T08:00:00Z"},
        },
        waiting_areas={"wa_1": {**renamed, "id": "wa_1"}},
        meeting_rooms={},
        grants={
            g["id"]: g
            for g in (
                _grant(
                    "g_a",
                    ("waiting-area", "wa_1"),
                    "service-provider",
                    "dr.a@metro-health.example",
                    "active",
                ),
                _grant(
                    "g_c",
                    ("waiting-area", "wa_1"),
                    "service-provider",
                    "locum@metro-health.example",
                    "pending",
                ),
                _grant(
                    "g_rep",
                    ("unit", "unit_1"),
                    "organisation-reporter",
                    "rep@metro-health.example",
                    "expired",
                ),
                _grant(
                    "g_lead",
                    ("unit", "unit_1"),
                    "organisation-administrator",
                    "lead@metro-health.example",
                    "active",
                ),
                _grant(
                    "g_x", ("unit", "unit_2"), "organisation-administrator", CLINIC_LEAD, "active"
                ),
            )
        },
    )


def reads(snap: PlatformSnapshot) -> dict[str, dict[str, Any] | None]:
    """What each provider's read returns for each resource (None: gone)."""
    area = snap.waiting_areas["wa_1"]
    providers = {
        **PROVIDERS.outputs,
        "emails": ["dr.a@metro-health.example", "locum@metro-health.example"],
        "members": {
            "dr.a@metro-health.example": {"state": "active", "grantId": "g_a"},
            "locum@metro-health.example": {"state": "pending", "grantId": "g_c"},
        },
    }
    reporters = {
        **REPORTERS.outputs,
        "emails": [],
        "members": {"rep@metro-health.example": {"state": "expired", "grantId": "g_rep"}},
    }
    return {
        UNIT.urn: UNIT.outputs,
        AREA.urn: {**AREA.outputs, **{k: v for k, v in area.items() if k != "id"}},
        ROOM.urn: None,
        PROVIDERS.urn: providers,
        REPORTERS.urn: reporters,
        ADMINS.urn: ADMINS.outputs,
    }


def event(at: str, actor: str, action: str, object_id: str, before: Any, after: Any) -> dict:
    return {
        "id": f"audit_{object_id}_{at}",
        "at": at,
        "actor": actor,
        "action": action,
        "objectType": action.split(".")[0],
        "objectId": object_id,
        "before": before,
        "after": after,
    }


EVENTS = [
    event(
        "2026-11-29T08:00:00.000000Z",
        CLINIC_LEAD,
        "unit.create",
        "unit_2",
        None,
        {"id": "unit_2", "name": "Sandbox"},
    ),
    event(
        "2026-11-29T08:01:00.000000Z",
        CLINIC_LEAD,
        "waiting-area.update",
        "wa_1",
        {"name": "Heart Clinic", "suspended": False},
        {"name": "Heart Clinic (old wing)", "suspended": False},
    ),
    event(
        "2026-11-29T08:02:00.000000Z",
        "nurse@metro-health.example",
        "waiting-area.update",
        "wa_1",
        {"name": "Heart Clinic (old wing)", "suspended": False},
        {"name": "Heart Clinic (old wing)", "suspended": True},
    ),
    event(
        "2026-11-29T08:03:00.000000Z",
        CLINIC_LEAD,
        "meeting-room.delete",
        "room_1",
        {"id": "room_1", "name": "Huddle"},
        None,
    ),
    event("2026-11-29T08:04:00.000000Z", CLINIC_LEAD, "grant.delete", "g_b", {"id": "g_b"}, None),
    event(
        "2026-11-29T08:05:00.000000Z",
        CLINIC_LEAD,
        "grant.create",
        "g_c",
        None,
        {"id": "g_c", "email": "locum@metro-health.example"},
    ),
]


def report(
    tmp_path: Any,
    *,
    text: str = CONFIG,
    window: AuditWindow | None = None,
    events: list[dict] | None = None,
    snap: PlatformSnapshot | None = None,
    results: dict[str, dict[str, Any] | None] | None = None,
    state: RecordedState = STATE,
) -> DriftReport:
    snap = snap or snapshot()
    results = results if results is not None else reads(snap)
    refreshed = [
        Refreshed(
            drift_step(r, results.get(r.urn, r.outputs), OUTPUT_SLOTS),
            r,
            results.get(r.urn, r.outputs),
        )
        for r in state.resources
    ]
    window = window or AuditWindow(available=True, since=APPLIED, events=len(EVENTS), requests=1)
    return build_report(
        config=config(tmp_path, text),
        stack="metro-health",
        api_url="https://video.example",
        token_email="ops@metro-health.example",
        checked_at=datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
        state=state,
        snapshot=snap,
        refreshed=refreshed,
        log=AuditLog(EVENTS if events is None else events),
        window=window,
    )
