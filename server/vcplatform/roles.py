"""The platform's roles, by the scope they are granted on: the one list of them."""

from __future__ import annotations

from typing import Literal, get_args

ScopeType = Literal["unit", "waiting-area", "meeting-room"]
UnitRole = Literal["organisation-administrator", "organisation-reporter"]
WaitingAreaRole = Literal["service-administrator", "service-provider"]
MeetingRoomRole = Literal["meeting-room-administrator", "meeting-room-member"]
Role = Literal[UnitRole, WaitingAreaRole, MeetingRoomRole]

ROLES_BY_SCOPE: dict[str, tuple[str, ...]] = {
    "unit": get_args(UnitRole),
    "waiting-area": get_args(WaitingAreaRole),
    "meeting-room": get_args(MeetingRoomRole),
}
SCOPE_OF_ROLE: dict[str, str] = {
    role: scope for scope, roles in ROLES_BY_SCOPE.items() for role in roles
}
ORG_ADMIN: UnitRole = "organisation-administrator"
# Held by an account for its whole organisation, not granted on a scope.
SYSTEM_ADMIN = "system-administrator"
# Every role an operator can give a token's account (`vcplatform token create --role`).
ACCOUNT_ROLES: tuple[str, ...] = (SYSTEM_ADMIN, *SCOPE_OF_ROLE)
