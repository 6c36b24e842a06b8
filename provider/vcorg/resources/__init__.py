"""Pulumi dynamic resources that reconcile an organisation with the platform API.

Providers are module-level singletons that pickle as a call of ``vcorg.provider`` with
their kind; they read the platform URL and token in ``configure()`` (stack config
``vcorg:apiUrl`` and ``vcorg:token``, else ``VCORG_API_URL`` and ``VCORG_TOKEN``).

Constructing a resource installs the guard of `sdk_fixes` (importing this package
changes nothing in the Pulumi SDK).
"""

from __future__ import annotations

from .base import PlatformProvider
from .errors import ResourceError
from .meeting_room import MEETING_ROOM_PROVIDER, MeetingRoom, MeetingRoomProvider
from .organisation import COMPONENT_TYPE, Organisation, OrganisationArgumentError
from .role_members import ROLE_MEMBERS_PROVIDER, RoleMembers, RoleMembersProvider
from .unit import UNIT_PROVIDER, OrganisationalUnit, UnitProvider
from .waiting_area import WAITING_AREA_PROVIDER, WaitingArea, WaitingAreaProvider

_PROVIDERS = {
    p.kind: p
    for p in (UNIT_PROVIDER, WAITING_AREA_PROVIDER, MEETING_ROOM_PROVIDER, ROLE_MEMBERS_PROVIDER)
}


def provider_of_kind(kind: str) -> PlatformProvider:
    """The module-level provider of a kind (what a pickled ``__provider`` names)."""
    return _PROVIDERS[kind]


# Every output the resources reserve as an empty input slot (see VcorgResource).
OUTPUT_SLOTS = frozenset(
    slot
    for kind in (OrganisationalUnit, WaitingArea, MeetingRoom, RoleMembers)
    for slot in kind.output_slots
)

__all__ = [
    "COMPONENT_TYPE",
    "MEETING_ROOM_PROVIDER",
    "OUTPUT_SLOTS",
    "ROLE_MEMBERS_PROVIDER",
    "UNIT_PROVIDER",
    "WAITING_AREA_PROVIDER",
    "MeetingRoom",
    "MeetingRoomProvider",
    "Organisation",
    "OrganisationArgumentError",
    "OrganisationalUnit",
    "ResourceError",
    "RoleMembers",
    "RoleMembersProvider",
    "UnitProvider",
    "WaitingArea",
    "WaitingAreaProvider",
    "provider_of_kind",
]
