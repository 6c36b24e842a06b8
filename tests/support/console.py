"""Build an organisation through the platform API directly, as its web console would.

    with httpx.Client(base_url=platform.org_api, headers=platform.headers) as http:
        built = build_organisation(http, config_dict)

One plain, sequential HTTP request per object and per person, in the order a person
clicking through the console would make them, with no retries, no idempotency keys and no
Pulumi. It serves three purposes:

- the platform's own raw request rate, the baseline `bench/bench_scale.py` compares an
  apply against;
- a "hand-built" organisation that `vcorg export` must read back (tests and bench;
  `build_in_parallel` builds a large one several units at a time, as several admins
  clicking at once would);
- console edits in drift tests.

The input is the plain-dict form of a vcorg config (as `examples/generate.py` makes it),
so a test can build by hand exactly what a config describes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_HOURS = {
    "open": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}]
}
UNIT_ROLES = {
    "organisationAdministrators": "organisation-administrator",
    "organisationReporters": "organisation-reporter",
}
AREA_ROLES = {
    "serviceAdministrators": "service-administrator",
    "serviceProviders": "service-provider",
}
ROOM_ROLES = {
    "meetingRoomAdministrators": "meeting-room-administrator",
    "meetingRoomMembers": "meeting-room-member",
}


class ConsoleError(RuntimeError):
    """The platform refused a request the console made."""


@dataclass
class Built:
    """Ids by config key, and how many requests building took."""

    units: dict[str, str] = field(default_factory=dict)
    waiting_areas: dict[str, str] = field(default_factory=dict)
    meeting_rooms: dict[str, str] = field(default_factory=dict)
    grants: int = 0
    requests: int = 0


def _post(http: httpx.Client, path: str, body: Mapping[str, Any], built: Built) -> dict[str, Any]:
    built.requests += 1
    response = http.post(path, json=dict(body))
    if response.status_code != 201:
        raise ConsoleError(f"POST {path} {dict(body)!r}: {response.status_code} {response.text}")
    return response.json()


def area_body(area: Mapping[str, Any], timezone: str | None) -> dict[str, Any]:
    """The API body of a waiting area from its config form (defaults filled in)."""
    hours = dict(area.get("accessHours") or DEFAULT_HOURS)
    hours.setdefault("open", DEFAULT_HOURS["open"])
    if timezone and "timezone" not in hours:
        hours["timezone"] = timezone
    body = {
        k: v for k, v in area.items() if k not in ("roles", "accessHours") and not k.startswith("_")
    }
    body["accessHours"] = hours
    return body


def _grants(
    http: httpx.Client,
    scope_type: str,
    scope_id: str,
    roles: Mapping[str, Any],
    words: Mapping[str, str],
    built: Built,
) -> None:
    for key, role in words.items():
        for email in roles.get(key) or ():
            _post(
                http,
                "grants",
                {"scopeType": scope_type, "scopeId": scope_id, "role": role, "email": email},
                built,
            )
            built.grants += 1


def build_organisation(http: httpx.Client, config: Mapping[str, Any]) -> Built:
    """Create every unit, waiting area, room and grant of ``config``; return their ids."""
    built = Built()
    timezone = (config.get("defaults") or {}).get("timezone")
    for unit_key, unit in (config.get("units") or {}).items():
        body = {k: unit[k] for k in ("name", "description", "reportingTags") if k in unit}
        unit_id = _post(http, "units", body, built)["id"]
        built.units[unit_key] = unit_id
        _grants(http, "unit", unit_id, unit.get("roles") or {}, UNIT_ROLES, built)
        for key, area in (unit.get("waitingAreas") or {}).items():
            created = _post(
                http, "waiting-areas", {**area_body(area, timezone), "unitId": unit_id}, built
            )
            built.waiting_areas[key] = created["id"]
            _grants(http, "waiting-area", created["id"], area.get("roles") or {}, AREA_ROLES, built)
        for key, room in (unit.get("meetingRooms") or {}).items():
            body = {k: v for k, v in room.items() if k not in ("roles", "waitingArea")}
            if room.get("waitingArea"):
                body["waitingAreaId"] = built.waiting_areas[room["waitingArea"]]
            created = _post(http, "meeting-rooms", {**body, "unitId": unit_id}, built)
            built.meeting_rooms[key] = created["id"]
            _grants(http, "meeting-room", created["id"], room.get("roles") or {}, ROOM_ROLES, built)
    return built


def iter_objects(http: httpx.Client, collection: str, **params: Any) -> Iterator[dict[str, Any]]:
    """Every object of a collection, following the cursor."""
    cursor: str | None = None
    while True:
        query = {**params, "limit": 500, **({"cursor": cursor} if cursor else {})}
        response = http.get(collection, params=query)
        response.raise_for_status()
        page = response.json()
        yield from page["items"]
        cursor = page.get("nextCursor")
        if not cursor:
            return


def build_in_parallel(
    base_url: str, headers: Mapping[str, str], config: Mapping[str, Any], *, workers: int = 4
) -> Built:
    """`build_organisation`, with the units shared out over *workers* clients.

    Each unit is still built request by request, in console order; only different units
    are built at the same time. The ids of every object are merged into one `Built`.
    """
    from concurrent.futures import ThreadPoolExecutor

    units = list((config.get("units") or {}).items())
    head = {k: v for k, v in config.items() if k != "units"}

    def one(chunk: list[tuple[str, Any]]) -> Built:
        with httpx.Client(base_url=base_url, headers=dict(headers), timeout=60) as http:
            return build_organisation(http, {**head, "units": dict(chunk)})

    total = Built()
    with ThreadPoolExecutor(max(1, workers)) as pool:
        for part in pool.map(one, [units[i :: max(1, workers)] for i in range(max(1, workers))]):
            total.units.update(part.units)
            total.waiting_areas.update(part.waiting_areas)
            total.meeting_rooms.update(part.meeting_rooms)
            total.grants += part.grants
            total.requests += part.requests
    return total
