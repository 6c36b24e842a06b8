"""What the platform should hold after an apply: `vcplatform dump` judged against a config.

The platform, not Pulumi's outputs, is the judge: every object of the config exactly once
(by name, in its unit), with every setting its config model declares, and every managed
role holding exactly the configured people (active, pending or expired) once each.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel

from vcorg.config.models import OrgConfig
from vcorg.resources import MEETING_ROOM_PROVIDER, UNIT_PROVIDER, WAITING_AREA_PROVIDER
from vcorg.resources.base import ObjectProvider
from vcorg.vocabulary import ROLES_BY_SCOPE, roles_field

# Grant states that hold a seat; revoked grants are history.
LIVE_STATES = frozenset({"active", "pending", "expired"})


def _live_grants(node: dict[str, Any]) -> Counter[tuple[str, str]]:
    return Counter((g["role"], g["email"]) for g in node["grants"] if g["state"] in LIVE_STATES)


def _expected_grants(roles: Any, scope_type: str) -> dict[str, set[str]]:
    """Managed roles only: a role key left out of the YAML is not vcorg's to judge."""
    given = roles.model_fields_set
    out = {}
    for role in ROLES_BY_SCOPE[scope_type]:
        attribute = roles_field(role)
        if attribute in given:
            out[role] = {e.lower() for e in getattr(roles, attribute)}
    return out


def _check_grants(where: str, node: dict[str, Any], roles: Any, scope_type: str) -> None:
    live = _live_grants(node)
    dupes = [k for k, n in live.items() if n > 1]
    assert not dupes, f"{where}: duplicate grants {dupes}"
    for role, emails in _expected_grants(roles, scope_type).items():
        got = {email for r, email in live if r == role}
        assert got == emails, f"{where}: {role} holds {sorted(got)}, config says {sorted(emails)}"


def _check_settings(
    where: str, node: dict[str, Any], obj: BaseModel, provider: ObjectProvider
) -> None:
    """Every setting the config model declares, as the platform holds it (unset: null)."""
    wanted = obj.model_dump(mode="json", by_alias=True, exclude=set(provider.not_settings))
    assert {k: node.get(k) for k in wanted} == wanted, where


def _unique_by_name(where: str, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    names = Counter(i["name"] for i in items)
    dupes = [n for n, c in names.items() if c > 1]
    assert not dupes, f"{where}: duplicates {dupes}"
    return {i["name"]: i for i in items}


def assert_converged(dump: dict[str, Any], config: OrgConfig) -> None:
    """The platform holds exactly the config's objects, settings and managed grants."""
    units = _unique_by_name("units", dump["units"])
    assert set(units) == {u.name for u in config.units.values()}, "unit names differ"
    area_ids: dict[str, str] = {}
    for unit_key, unit in config.units.items():
        got = units[unit.name]
        where = f"unit {unit_key}"
        _check_settings(where, got, unit, UNIT_PROVIDER)
        _check_grants(where, got, unit.roles, "unit")
        areas = _unique_by_name(f"{where} waiting areas", got["waitingAreas"])
        assert set(areas) == {a.name for a in unit.waiting_areas.values()}, where
        for area_key, area in unit.waiting_areas.items():
            node = areas[area.name]
            where_a = f"waiting area {area_key}"
            area_ids[area_key] = node["id"]
            _check_settings(where_a, node, area, WAITING_AREA_PROVIDER)
            assert "/wait/" in node["link"], where_a
            _check_grants(where_a, node, area.roles, "waiting-area")
        rooms = _unique_by_name(f"{where} meeting rooms", got["meetingRooms"])
        assert set(rooms) == {r.name for r in unit.meeting_rooms.values()}, where
        for room_key, room in unit.meeting_rooms.items():
            node = rooms[room.name]
            where_r = f"meeting room {room_key}"
            _check_settings(where_r, node, room, MEETING_ROOM_PROVIDER)
            _check_grants(where_r, node, room.roles, "meeting-room")
            if room.waiting_area is None:
                assert node["waitingAreaId"] is None, where_r
            else:
                assert node["waitingAreaId"] == area_ids.get(room.waiting_area), where_r
