"""Realistic `ResourceStep`s for plan tests: a hospital organisation mid-change."""

from __future__ import annotations

from typing import Any

from vcorg.plan import ResourceStep
from vcorg.plan.drift import judged_outputs
from vcorg.resources import OUTPUT_SLOTS

ORG = "st-elsewhere"
STACK_URN = "urn:pulumi:prod::vcorg::vcorg:index:Organisation$pulumi-python:dynamic/vcorg:"
# How a dill-pickled provider reaches the engine: a blinded secret.
PROVIDER = {
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    "ciphertext": "[secret]",
}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def urn(type_name: str, name: str) -> str:
    return f"{STACK_URN}{type_name}::{name}"


def _engine_extras(type_name: str, name: str, outputs: tuple[str, ...]) -> dict[str, Any]:
    """What vcorg.resources adds to every input map: its URN anchor and output slots."""
    slots = ("createdAt", "updatedAt", "version", *outputs)
    return {"resourceUrn": urn(type_name, name), **dict.fromkeys(slots)}


def unit(key: str, name: str, *, tags: list[str] | None = None, description: str = "") -> dict:
    return {
        "__provider": PROVIDER,
        **_engine_extras("OrganisationalUnit", key, ()),
        "organisation": ORG,
        "key": key,
        "name": name,
        "description": description,
        "reportingTags": tags or [],
        "adopt": False,
    }


def hours(to: str = "17:00", *, extra: list[dict] | None = None) -> dict:
    return {
        "timezone": "Europe/London",
        "open": [{"days": WEEKDAYS, "from": "09:00", "to": to}, *(extra or [])],
    }


def caller(key: str, label: str, type_: str = "text", required: bool = False) -> dict:
    return {"key": key, "label": label, "type": type_, "required": required}


def waiting_area(key: str, unit_key: str, name: str, **over: Any) -> dict:
    props = {
        "__provider": PROVIDER,
        **_engine_extras("WaitingArea", key, ("link",)),
        "organisation": ORG,
        "key": key,
        "unitKey": unit_key,
        "unitId": f"unit_{unit_key}",
        "name": name,
        "description": "",
        "type": "regular",
        "accessHours": hours(),
        "callerDetails": [],
        "informationForCallers": "",
        "suspended": False,
        "suspendedMessageForCallers": "",
        "suspendedMessageForStaff": "",
        "reportingTags": [],
        "adopt": False,
    }
    props.update(over)
    return props


def meeting_room(key: str, unit_key: str, name: str, **over: Any) -> dict:
    props = {
        "__provider": PROVIDER,
        **_engine_extras("MeetingRoom", key, ("link",)),
        "organisation": ORG,
        "key": key,
        "unitKey": unit_key,
        "unitId": f"unit_{unit_key}",
        "waitingAreaKey": None,
        "waitingAreaId": None,
        "name": name,
        "description": "",
        "maxParticipants": 6,
        "adopt": False,
    }
    props.update(over)
    return props


def role_members(
    unit_key: str, scope_type: str, scope_key: str, role: str, emails: list[str]
) -> dict:
    return {
        "__provider": PROVIDER,
        **_engine_extras("RoleMembers", f"{scope_key}.{role}", ("members", "unitId")),
        "organisation": ORG,
        "unitKey": unit_key,
        "scopeType": scope_type,
        "scopeKey": scope_key,
        "scopeId": f"{scope_type}_{scope_key}",
        "role": role,
        "emails": sorted(e.lower() for e in emails),
    }


def members_out(states: dict[str, str]) -> dict:
    return {"members": {e: {"state": s, "grantId": f"grant_{e}"} for e, s in states.items()}}


def step(
    type_name: str,
    name: str,
    op: str,
    old: dict | None = None,
    new: dict | None = None,
    old_out: dict | None = None,
    new_out: dict | None = None,
) -> ResourceStep:
    """One step; a `refresh-drift` carries its drift as the engine's refresh would."""
    if op != "refresh-drift":
        return ResourceStep(urn(type_name, name), type_name, name, op, old, new, old_out, new_out)
    return ResourceStep(
        urn(type_name, name),
        type_name,
        name,
        op,
        old,
        new,
        old_out,
        new_out,
        drift="changed",
        recorded_outputs=judged_outputs(old, old_out, output_slots=OUTPUT_SLOTS),
        refreshed_outputs=judged_outputs(new, new_out, output_slots=OUTPUT_SLOTS),
    )


def drifted(
    type_name: str,
    name: str,
    op: str,
    *,
    recorded: tuple[dict, dict],
    refreshed: tuple[dict, dict] | None,
    new: dict | None,
    new_out: dict | None = None,
) -> ResourceStep:
    """A step of a refreshed plan whose refresh found drift, as `steps_from_engine_events`
    builds it: *recorded* and *refreshed* are (inputs, outputs) from the last apply and
    from the platform (None: deleted); the program step's old is the refreshed state."""
    rec_in, rec_out = recorded
    old_in, old_out = refreshed if refreshed is not None else (None, None)
    return ResourceStep(
        urn(type_name, name),
        type_name,
        name,
        op,
        old_in,
        new,
        old_out,
        new_out,
        drift="changed" if refreshed is not None else "deleted",
        recorded_outputs=judged_outputs(rec_in, rec_out, output_slots=OUTPUT_SLOTS),
        refreshed_outputs=(
            judged_outputs(old_in, old_out, output_slots=OUTPUT_SLOTS)
            if refreshed is not None
            else None
        ),
    )


CONSOLE_OWNED = {("WaitingArea", "cardiology-clinic"): frozenset({"suspended"})}


def drift_change_set() -> list[ResourceStep]:
    """A refreshed plan after console edits, each kind of drift once, plus a config change.

    - the clinic was renamed in the console (reverted) and suspended (console-owned, kept);
    - a provider was removed and a locum added in the console (both reverted);
    - a reporter's invitation expired (re-sent);
    - a meeting room's link was reset (only recorded: vcorg cannot set links);
    - a meeting room was deleted in the console (created again);
    - the unit's description changes in the configuration (not drift).
    """
    clinic = waiting_area("cardiology-clinic", "cardiology", "Cardiology Clinic")
    clinic_out = {**clinic, "id": "wa_1", "version": 3, "link": "https://v.example/wait/abc"}
    console = {**clinic, "name": "Heart Clinic", "suspended": True}
    console_out = {**clinic_out, "name": "Heart Clinic", "suspended": True, "version": 5}
    providers = role_members(
        "cardiology",
        "waiting-area",
        "cardiology-clinic",
        "service-provider",
        ["dr.a@x.example", "dr.b@x.example"],
    )
    providers_out = {
        **providers,
        **members_out({"dr.a@x.example": "active", "dr.b@x.example": "active"}),
    }
    providers_now = {**providers, "emails": ["dr.a@x.example", "locum@x.example"]}
    providers_now_out = {
        **providers_now,
        **members_out({"dr.a@x.example": "active", "locum@x.example": "pending"}),
    }
    reporters = role_members(
        "cardiology", "unit", "cardiology", "organisation-reporter", ["rep@x.example"]
    )
    reporters_out = {**reporters, **members_out({"rep@x.example": "pending"})}
    reporters_now = {**reporters, "emails": []}
    reporters_now_out = {**reporters_now, **members_out({"rep@x.example": "expired"})}
    mdt = meeting_room("mdt", "cardiology", "MDT", description="Weekly")
    mdt_out = {**mdt, "id": "mr_1", "version": 1, "link": "https://v.example/room/old"}
    mdt_now = {**mdt_out, "link": "https://v.example/room/new", "version": 2}
    huddle = meeting_room("huddle", "cardiology", "Huddle")
    huddle_out = {**huddle, "id": "mr_2", "version": 1, "link": "https://v.example/room/h"}
    return [
        step(
            "OrganisationalUnit",
            "cardiology",
            "update",
            unit("cardiology", "Cardiology"),
            unit("cardiology", "Cardiology", description="Heart and vascular care"),
        ),
        drifted(
            "WaitingArea",
            "cardiology-clinic",
            "update",
            recorded=(clinic, clinic_out),
            refreshed=(console, console_out),
            # The console owns `suspended`: the program keeps the platform's value.
            new={**clinic, "suspended": True},
        ),
        drifted(
            "RoleMembers",
            "cardiology-clinic.service-provider",
            "update",
            recorded=(providers, providers_out),
            refreshed=(providers_now, providers_now_out),
            new=providers,
        ),
        drifted(
            "RoleMembers",
            "cardiology.organisation-reporter",
            "update",
            recorded=(reporters, reporters_out),
            refreshed=(reporters_now, reporters_now_out),
            new=reporters,
        ),
        drifted(
            "MeetingRoom",
            "mdt",
            "refresh-drift",
            recorded=(mdt, mdt_out),
            refreshed=(mdt, mdt_now),
            new=mdt,
            new_out=mdt_now,
        ),
        drifted(
            "MeetingRoom",
            "huddle",
            "create",
            recorded=(huddle, huddle_out),
            refreshed=None,
            new=huddle,
        ),
        same("OrganisationalUnit", "dentistry", unit("dentistry", "Dentistry")),
    ]


def same(type_name: str, name: str, props: dict) -> ResourceStep:
    return step(type_name, name, "same", props, props)


def rich_change_set() -> list[ResourceStep]:
    """Renames, a move, access hours, people, caller details, tags, rooms, lost admins."""
    cardio_clinic_old = waiting_area(
        "cardiology-clinic",
        "cardiology",
        "Cardiology Clinic",
        callerDetails=[caller("nhs-number", "NHS number"), caller("referrer", "Referred by")],
        informationForCallers="Please have your medication list ready.",
        reportingTags=["outpatients"],
    )
    cardio_clinic_new = waiting_area(
        "cardiology-clinic",
        "cardiology",
        "Cardiology Clinic",
        accessHours=hours("18:00", extra=[{"days": ["sat"], "from": "09:00", "to": "12:00"}]),
        callerDetails=[
            caller("nhs-number", "NHS number", required=True),
            caller("date-of-birth", "Date of birth", "date", True),
        ],
        informationForCallers=(
            "Please have your medication list and a recent blood pressure reading ready."
        ),
        reportingTags=["outpatients", "cardiac"],
    )
    return [
        step(
            "OrganisationalUnit",
            "cardiology",
            "update",
            unit("cardiology", "Cardiology", tags=["legacy", "acute"]),
            unit("cardiology", "Cardiac Services", tags=["acute", "cardiac"]),
        ),
        same(
            "OrganisationalUnit",
            "internal-medicine",
            unit("internal-medicine", "Internal Medicine"),
        ),
        same("OrganisationalUnit", "emergency", unit("emergency", "Emergency")),
        step(
            "OrganisationalUnit",
            "dentistry",
            "create",
            None,
            unit("dentistry", "Dentistry", tags=["dental"], description="Community dental service"),
        ),
        step("WaitingArea", "cardiology-clinic", "update", cardio_clinic_old, cardio_clinic_new),
        step(
            "WaitingArea",
            "heart-failure",
            "update",
            waiting_area("heart-failure", "cardiology", "Heart Failure Clinic"),
            waiting_area(
                "heart-failure",
                "internal-medicine",
                "Heart Failure Clinic",
                unitId="04da6b54-80e4-46f7-96ec-b56ff0331ba9",
            ),
        ),
        step(
            "WaitingArea",
            "minor-injuries",
            "delete",
            waiting_area("minor-injuries", "emergency", "Minor Injuries"),
            None,
            {"id": "wa_7", "link": "https://vc.example/wait/AbC"},
        ),
        same("WaitingArea", "ed-triage", waiting_area("ed-triage", "emergency", "ED Triage")),
        step(
            "WaitingArea",
            "dental-checkups",
            "create",
            None,
            waiting_area(
                "dental-checkups",
                "dentistry",
                "Dental Check-ups",
                unitId="04da6b54-80e4-46f7-96ec-b56ff0331ba9",
                callerDetails=[caller("date-of-birth", "Date of birth", "date", True)],
            ),
        ),
        step(
            "MeetingRoom",
            "case-review",
            "delete",
            meeting_room("case-review", "cardiology", "Case Review"),
            None,
        ),
        step(
            "MeetingRoom",
            "weekly-safety",
            "replace",
            meeting_room("weekly-safety", "emergency", "Weekly Safety Overview", maxParticipants=4),
            meeting_room("weekly-safety", "cardiology", "Weekly Safety Overview"),
        ),
        step(
            "MeetingRoom",
            "mdt-huddle",
            "update",
            meeting_room(
                "mdt-huddle",
                "cardiology",
                "MDT Huddle",
                waitingAreaKey="cardiology-clinic",
                waitingAreaId="wa_1",
            ),
            meeting_room("mdt-huddle", "cardiology", "MDT Huddle", description="Daily 08:30"),
        ),
        step(
            "RoleMembers",
            "cardiology.organisation-reporter",
            "update",
            role_members(
                "cardiology",
                "unit",
                "cardiology",
                "organisation-reporter",
                ["audit@st-elsewhere.example", "old.manager@st-elsewhere.example"],
            ),
            role_members(
                "cardiology",
                "unit",
                "cardiology",
                "organisation-reporter",
                ["audit@st-elsewhere.example", "Quality@St-Elsewhere.example"],
            ),
            members_out(
                {
                    "audit@st-elsewhere.example": "active",
                    "old.manager@st-elsewhere.example": "pending",
                }
            ),
        ),
        same(
            "RoleMembers",
            "cardiology.organisation-administrator",
            role_members(
                "cardiology",
                "unit",
                "cardiology",
                "organisation-administrator",
                ["lead.cardio@st-elsewhere.example"],
            ),
        ),
        step(
            "RoleMembers",
            "cardiology-clinic.service-provider",
            "update",
            role_members(
                "cardiology",
                "waiting-area",
                "cardiology-clinic",
                "service-provider",
                ["dr.hart@st-elsewhere.example"],
            ),
            role_members(
                "cardiology",
                "waiting-area",
                "cardiology-clinic",
                "service-provider",
                ["dr.hart@st-elsewhere.example", "dr.new@st-elsewhere.example"],
            ),
        ),
        step(
            "RoleMembers",
            "emergency.organisation-administrator",
            "update",
            role_members(
                "emergency",
                "unit",
                "emergency",
                "organisation-administrator",
                ["ed.lead@st-elsewhere.example"],
            ),
            role_members("emergency", "unit", "emergency", "organisation-administrator", []),
            members_out({"ed.lead@st-elsewhere.example": "active"}),
        ),
        step(
            "RoleMembers",
            "internal-medicine.organisation-administrator",
            "update",
            role_members(
                "internal-medicine",
                "unit",
                "internal-medicine",
                "organisation-administrator",
                ["im.lead@st-elsewhere.example", "platform-bot@st-elsewhere.example"],
            ),
            role_members(
                "internal-medicine",
                "unit",
                "internal-medicine",
                "organisation-administrator",
                ["im.lead@st-elsewhere.example"],
            ),
        ),
        step(
            "RoleMembers",
            "dentistry.organisation-administrator",
            "create",
            None,
            role_members(
                "dentistry",
                "unit",
                "dentistry",
                "organisation-administrator",
                ["dental.lead@st-elsewhere.example", "practice.manager@st-elsewhere.example"],
            ),
        ),
        step(
            "RoleMembers",
            "weekly-safety.meeting-room-member",
            "replace",
            role_members(
                "emergency",
                "meeting-room",
                "weekly-safety",
                "meeting-room-member",
                ["ed.lead@st-elsewhere.example"],
            ),
            role_members(
                "cardiology",
                "meeting-room",
                "weekly-safety",
                "meeting-room-member",
                ["ed.lead@st-elsewhere.example", "lead.cardio@st-elsewhere.example"],
            ),
        ),
    ]


TOKEN_EMAIL = "platform-bot@st-elsewhere.example"
