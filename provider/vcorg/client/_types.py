"""Type aliases shared by the client modules."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

JSONObject = dict[str, Any]


@dataclass(frozen=True)
class Written:
    """The answer to a create or an update: the object, and whether it is a replay.

    ``replayed`` is true when the platform answered from its idempotency record
    (``Idempotency-Replayed: true``): the key was used before, and the object may have
    changed or been deleted since.
    """

    object: JSONObject
    replayed: bool = False


class Collection(StrEnum):
    """The platform's object collections, as they appear in URLs."""

    UNITS = "units"
    WAITING_AREAS = "waiting-areas"
    MEETING_ROOMS = "meeting-rooms"
    GRANTS = "grants"

    @property
    def label(self) -> str:
        """Singular, human wording for messages."""
        return _LABELS[self]


_LABELS = {
    Collection.UNITS: "unit",
    Collection.WAITING_AREAS: "waiting area",
    Collection.MEETING_ROOMS: "meeting room",
    Collection.GRANTS: "role grant",
}
