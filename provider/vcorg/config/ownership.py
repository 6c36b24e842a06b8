"""Which fields of which objects the console owns (`consoleOwned`), per resource.

The organisation-wide lists (`defaults.consoleOwned`) and each object's own list are
joined. The resources pass these fields to Pulumi as `ignoreChanges`; plans and
`vcorg drift` mark changes to them as console-owned instead of as drift.
"""

from __future__ import annotations

from collections.abc import Mapping

from vcorg.config.models import OrgConfig
from vcorg.vocabulary import MEETING_ROOM_KIND, UNIT_KIND, WAITING_AREA_KIND

# (resource kind, key) -> the camelCase settings the console owns.
Ownership = Mapping[tuple[str, str], frozenset[str]]


def console_owned(config: OrgConfig) -> dict[tuple[str, str], frozenset[str]]:
    """Every unit, waiting area and meeting room with at least one console-owned field."""
    shared = config.defaults.console_owned
    found: dict[tuple[str, str], frozenset[str]] = {}

    def add(kind: str, key: str, fields: frozenset[str]) -> None:
        if fields:
            found[(kind, key)] = fields

    for unit_key, unit in config.units.items():
        add(UNIT_KIND, unit_key, frozenset(shared.units) | frozenset(unit.console_owned))
        for key, area in unit.waiting_areas.items():
            fields = frozenset(shared.waiting_areas) | frozenset(area.console_owned)
            add(WAITING_AREA_KIND, key, fields)
        for key, room in unit.meeting_rooms.items():
            fields = frozenset(shared.meeting_rooms) | frozenset(room.console_owned)
            add(MEETING_ROOM_KIND, key, fields)
    return found
