"""The platform's words and limits, written once for config, resources and plan.

Roles by scope, scope types, the kinds of resources, days, waiting-area and caller-detail
types, the text patterns and the limits. Plain Python only (no pydantic, no Pulumi), so
every stage can import it. A limit that only one setting uses stays in that setting's
field in `vcorg.config.models`; the ones here are read in more than one place.
"""

from __future__ import annotations

from typing import Literal, get_args

# -- scopes and roles -------------------------------------------------------------------

ScopeType = Literal["unit", "waiting-area", "meeting-room"]
# In the order a plan lists them: the unit, then its waiting areas, then its rooms.
SCOPE_TYPES: tuple[ScopeType, ...] = get_args(ScopeType)

UnitRole = Literal["organisation-administrator", "organisation-reporter"]
WaitingAreaRole = Literal["service-administrator", "service-provider"]
MeetingRoomRole = Literal["meeting-room-administrator", "meeting-room-member"]
Role = Literal[UnitRole, WaitingAreaRole, MeetingRoomRole]

ROLES_BY_SCOPE: dict[str, tuple[str, ...]] = {
    "unit": get_args(UnitRole),
    "waiting-area": get_args(WaitingAreaRole),
    "meeting-room": get_args(MeetingRoomRole),
}
ROLES: tuple[str, ...] = tuple(role for roles in ROLES_BY_SCOPE.values() for role in roles)
ORGANISATION_ADMINISTRATOR: UnitRole = "organisation-administrator"


def roles_field(role: str) -> str:
    """The attribute of a config roles model that lists a role's people.

    `organisation-administrator` → `organisation_administrators` (YAML:
    `organisationAdministrators`).
    """
    return role.replace("-", "_") + "s"


def scope_words(scope_type: str) -> str:
    """`waiting-area` → `waiting area`."""
    return scope_type.replace("-", " ")


# -- kinds of resources -----------------------------------------------------------------

# The type names of the dynamic resources (`pulumi-python:dynamic/vcorg:<name>`).
UNIT_KIND = "OrganisationalUnit"
WAITING_AREA_KIND = "WaitingArea"
MEETING_ROOM_KIND = "MeetingRoom"
ROLE_MEMBERS_KIND = "RoleMembers"
KIND_OF_SCOPE: dict[str, str] = {
    "unit": UNIT_KIND,
    "waiting-area": WAITING_AREA_KIND,
    "meeting-room": MEETING_ROOM_KIND,
}
# The kinds of platform objects `vcorg drift` reports when no configuration manages them
# (the scope types, and role grants), as `drift.ignoreUnmanaged` names them.
UnmanagedKind = Literal["unit", "waiting-area", "meeting-room", "grant"]
UNMANAGED_KINDS: tuple[UnmanagedKind, ...] = get_args(UnmanagedKind)

# -- waiting-area settings ----------------------------------------------------------------

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = get_args(Day)
WEEKDAYS: tuple[Day, ...] = DAYS[:5]
DEFAULT_FROM = "09:00"
DEFAULT_TO = "17:00"

WaitingAreaType = Literal["regular", "group-consultation", "consult-now"]
CallerDetailType = Literal["text", "date", "number", "email", "phone"]

# -- text patterns --------------------------------------------------------------------

KEY_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
NAME_PATTERN = r"^\S(.*\S)?$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
TIME_PATTERN = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
CALLER_KEY_PATTERN = r"^[a-zA-Z][a-zA-Z0-9_-]*$"
TIMEZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"

# -- limits ---------------------------------------------------------------------------

MAX_KEY_LENGTH = 63
MAX_NAME_LENGTH = 100
MAX_TEXT_LENGTH = 2000
MAX_TAG_LENGTH = 50
MAX_EMAIL_LENGTH = 254
MAX_TIMEZONE_LENGTH = 64
MAX_CALLER_KEY_LENGTH = 50
MAX_REPORTING_TAGS = 20
MIN_PARTICIPANTS = 2
MAX_PARTICIPANTS = 6
