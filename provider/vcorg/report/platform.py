"""What the reports read from the platform, and how it lines up with the configuration.

Everything is read by list (units, waiting areas and meeting rooms for the whole
organisation, grants one unit at a time), so the number of requests grows with the
number of units, never with the number of people. Nothing is written.

Platform objects are matched to the configuration by name, as `vcorg apply --adopt`
does: a unit by its name in the organisation, a waiting area or meeting room by its
name within its unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vcorg.client import JSONObject, PlatformClient
    from vcorg.config import OrgConfig

SYSTEM_ADMINISTRATOR = "system-administrator"
# (attribute on the config's roles model, platform role) per scope type; the same pairs
# the resources declare (vcorg.resources.organisation), kept here so that a report does
# not import the Pulumi SDK.
CONFIG_ROLES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "unit": (
        ("organisation_administrators", "organisation-administrator"),
        ("organisation_reporters", "organisation-reporter"),
    ),
    "waiting-area": (
        ("service_administrators", "service-administrator"),
        ("service_providers", "service-provider"),
    ),
    "meeting-room": (
        ("meeting_room_administrators", "meeting-room-administrator"),
        ("meeting_room_members", "meeting-room-member"),
    ),
}
SCOPE_ORDER = {"unit": 0, "waiting-area": 1, "meeting-room": 2}
ROLE_ORDER = {role: n for n, (_, role) in enumerate(p for v in CONFIG_ROLES.values() for p in v)}


def is_system_administrator(me: Mapping[str, object]) -> bool:
    roles = me.get("roles") or []
    return isinstance(roles, Iterable) and any(
        isinstance(r, Mapping) and r.get("role") == SYSTEM_ADMINISTRATOR for r in roles
    )


NOT_ON_PLATFORM = "not-on-platform"
NOT_VISIBLE = "not-visible"


@dataclass(frozen=True)
class ConfigUnit:
    """A unit of the configuration that a report cannot show, and why."""

    key: str
    name: str
    reason: str = NOT_VISIBLE


@dataclass(frozen=True)
class ReportScope:
    """Which units a report covers, given what the token sees on the platform.

    ``units``: (config key or None, platform unit) for every unit the token sees, config
    units first in config order, then platform units the configuration does not declare.
    ``hidden``: config units the token does not see. For a system administrator's token
    that means they are not on the platform yet (`NOT_ON_PLATFORM`); any other token may
    also be barred from them (`NOT_VISIBLE`).
    """

    units: tuple[tuple[str | None, JSONObject], ...]
    hidden: tuple[ConfigUnit, ...]

    @property
    def config_units(self) -> tuple[tuple[str, JSONObject], ...]:
        return tuple((key, unit) for key, unit in self.units if key is not None)


def report_scope(
    config: OrgConfig, platform_units: Iterable[JSONObject], *, system_administrator: bool
) -> ReportScope:
    by_name = {str(u.get("name")): u for u in platform_units}
    matched: list[tuple[str | None, JSONObject]] = []
    hidden: list[ConfigUnit] = []
    reason = NOT_ON_PLATFORM if system_administrator else NOT_VISIBLE
    for key, unit in config.units.items():
        found = by_name.pop(unit.name, None)
        if found is None:
            hidden.append(ConfigUnit(key, unit.name, reason))
        else:
            matched.append((key, found))
    extra = sorted(by_name.values(), key=lambda u: (str(u.get("name")), str(u.get("id"))))
    matched += [(None, u) for u in extra]
    return ReportScope(tuple(matched), tuple(hidden))


@dataclass(frozen=True)
class Place:
    """A unit, waiting area or meeting room on the platform, with its config key if any."""

    scope_type: str
    id: str
    name: str
    unit_id: str
    key: str | None


@dataclass
class AccessData:
    """Everything the access review needs from the platform."""

    scope: ReportScope
    places: dict[str, Place] = field(default_factory=dict)
    grants: dict[str, list[JSONObject]] = field(default_factory=dict)  # unit id → grants
    # (scope id, role, lowercased email) of every grant the configuration declares.
    declared: set[tuple[str, str, str]] = field(default_factory=set)


def read_access_data(
    client: PlatformClient, config: OrgConfig, *, system_administrator: bool
) -> AccessData:
    """Units, waiting areas and rooms (one list each), then grants one unit at a time."""
    org = config.organisation
    scope = report_scope(config, client.list_units(org), system_administrator=system_administrator)
    data = AccessData(scope)
    unit_ids = {str(unit["id"]): key for key, unit in scope.units}
    for key, unit in scope.units:
        data.places[str(unit["id"])] = Place(
            "unit", str(unit["id"]), str(unit["name"]), str(unit["id"]), key
        )
    config_keys = _config_scope_keys(config, scope)
    for scope_type, objects in (
        ("waiting-area", client.list_waiting_areas(org)),
        ("meeting-room", client.list_meeting_rooms(org)),
    ):
        for obj in objects:
            unit_id = str(obj.get("unitId"))
            if unit_id not in unit_ids:
                continue
            name = str(obj.get("name"))
            key = config_keys.get((scope_type, unit_id, name))
            data.places[str(obj["id"])] = Place(scope_type, str(obj["id"]), name, unit_id, key)
    for _, unit in scope.units:
        data.grants[str(unit["id"])] = client.list_grants(org, unit_id=str(unit["id"]))
    data.declared = _declared(config, data.places)
    return data


def _config_scope_keys(config: OrgConfig, scope: ReportScope) -> dict[tuple[str, str, str], str]:
    """(scope type, platform unit id, name) → config key of each area and room."""
    keys: dict[tuple[str, str, str], str] = {}
    for unit_key, unit in scope.config_units:
        cfg = config.units[unit_key]
        unit_id = str(unit["id"])
        for area_key, area in cfg.waiting_areas.items():
            keys[("waiting-area", unit_id, area.name)] = area_key
        for room_key, room in cfg.meeting_rooms.items():
            keys[("meeting-room", unit_id, room.name)] = room_key
    return keys


def _declared(config: OrgConfig, places: Mapping[str, Place]) -> set[tuple[str, str, str]]:
    by_key = {(p.scope_type, p.key): p.id for p in places.values() if p.key is not None}
    declared: set[tuple[str, str, str]] = set()
    for unit_key, cfg in config.units.items():
        # The roles model of each scope; its attributes are read by name (CONFIG_ROLES).
        targets: list[tuple[str, str, object]] = [("unit", unit_key, cfg.roles)]
        targets += [("waiting-area", k, a.roles) for k, a in cfg.waiting_areas.items()]
        targets += [("meeting-room", k, r.roles) for k, r in cfg.meeting_rooms.items()]
        for scope_type, key, roles in targets:
            scope_id = by_key.get((scope_type, key))
            if scope_id is None:
                continue
            for attribute, role in CONFIG_ROLES[scope_type]:
                for email in getattr(roles, attribute):
                    declared.add((scope_id, role, email.lower()))
    return declared


def hidden_note(hidden: Iterable[ConfigUnit], token_email: str, *, what: str = "see") -> str | None:
    """One sentence per reason about the configuration's units a report leaves out."""
    groups: dict[str, list[str]] = {}
    for unit in hidden:
        groups.setdefault(unit.reason, []).append(f"{unit.name} ({unit.key})")
    sentences = []
    if NOT_ON_PLATFORM in groups:
        sentences.append(
            f"Not on the platform yet (run vcorg apply): {', '.join(groups[NOT_ON_PLATFORM])}."
        )
    if NOT_VISIBLE in groups:
        sentences.append(
            f"This token ({token_email}) may not {what} {', '.join(groups[NOT_VISIBLE])}: "
            "that takes an organisation administrator or organisation reporter of the unit, "
            "or a system administrator (or the unit is not on the platform yet)."
        )
    return " ".join(sentences) or None
