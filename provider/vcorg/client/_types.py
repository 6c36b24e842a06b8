"""Type aliases shared by the client modules."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

JSONObject = dict[str, Any]


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
