"""The plan's value objects. Each is frozen and is built in a fixed order by the planner."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .steps import Op


class PropertyAction(StrEnum):
    ADD = "add"
    REMOVE = "remove"
    CHANGE = "change"


class MemberAction(StrEnum):
    INVITE = "invite"
    RESEND = "resend"  # re-sending an invitation that expired
    REMOVE = "remove"
    REVOKE = "revoke"  # removing a pending invitation


class MemberDriftAction(StrEnum):
    """How a role's people changed outside vcorg."""

    ADDED = "added"
    REMOVED = "removed"
    EXPIRED = "expired"  # an invitation that expired


@dataclass(frozen=True)
class PropertyChange:
    """One property (or list item) that differs: `path` is `accessHours.open[0].to`."""

    path: str
    action: PropertyAction
    old: Any = None
    new: Any = None
    # In drift: a field the console owns (`consoleOwned`), which apply never reverts.
    console_owned: bool = False
    # In a plan: this change undoes drift on that property.
    reverts_drift: bool = False


@dataclass(frozen=True)
class MemberChange:
    """One person gaining or losing a role on one scope."""

    action: MemberAction
    email: str
    role: str
    scope_type: str
    scope_key: str
    scope_name: str
    previous_state: str | None = None
    reverts_drift: bool = False


@dataclass(frozen=True)
class MemberDrift:
    """One person whose role changed outside vcorg: added, removed, or whose invitation
    expired; with the grant's state before (as last recorded) and now."""

    action: MemberDriftAction
    email: str
    role: str
    scope_type: str
    scope_key: str
    scope_name: str
    state_before: str | None = None
    state_now: str | None = None


@dataclass(frozen=True)
class Move:
    """A resource whose `unitKey` changes; it is listed under the new unit."""

    from_unit_key: str
    from_unit_name: str
    to_unit_key: str
    to_unit_name: str


@dataclass(frozen=True)
class MovedOut:
    """A pointer left under the old unit for a resource that moved away."""

    type_name: str
    key: str
    name: str
    op: Op
    to_unit_key: str
    to_unit_name: str


@dataclass(frozen=True)
class Adoption:
    """An object already on the platform that the plan takes over, as it is there.

    `id` and `link` for units, waiting areas and rooms; `people` (grants by state, in
    the order active, pending, expired) for a role membership.
    """

    id: str | None = None
    link: str | None = None
    people: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ResourceChange:
    """Everything the plan says about one resource."""

    urn: str
    type_name: str
    key: str
    name: str
    op: Op
    unit_key: str
    properties: tuple[PropertyChange, ...] = ()
    members: tuple[MemberChange, ...] = ()
    move: Move | None = None
    risks: tuple[str, ...] = ()
    role: str | None = None
    scope_type: str | None = None
    scope_key: str | None = None
    scope_name: str | None = None
    # Set when the resource takes over an object on the platform; `op` is then `adopt`,
    # or `update` when the object's settings also change.
    adoption: Adoption | None = None
    # The step undoes drift: it changes back what was changed outside vcorg, re-creates
    # what was deleted, or re-sends an invitation that expired.
    reverts_drift: bool = False


class DriftStatus(StrEnum):
    CHANGED = "changed"
    DELETED = "deleted"


@dataclass(frozen=True)
class ResourceDrift:
    """One managed object that changed on the platform outside vcorg since the last apply.

    `properties` go from what the last apply recorded to what the platform holds now;
    `members` are people added or removed, and invitations that expired. `reverted` says
    whether the plan it is part of changes it back (None outside a plan).
    """

    urn: str
    type_name: str
    key: str
    name: str
    unit_key: str
    status: DriftStatus
    properties: tuple[PropertyChange, ...] = ()
    members: tuple[MemberDrift, ...] = ()
    reverted: bool | None = None
    role: str | None = None
    scope_type: str | None = None
    scope_key: str | None = None
    scope_name: str | None = None

    @property
    def console_owned_only(self) -> bool:
        """Only fields the console owns changed: reported, but not drift."""
        return (
            self.status is DriftStatus.CHANGED
            and not self.members
            and bool(self.properties)
            and all(p.console_owned for p in self.properties)
        )


@dataclass(frozen=True)
class UnitGroup:
    """Changes in one unit: the unit itself, then its waiting areas, then its rooms."""

    unit_key: str
    unit_name: str
    resources: tuple[ResourceChange, ...]
    moved_out: tuple[MovedOut, ...] = ()


class RiskId(StrEnum):
    """Stable risk-flag ids, in the order the plan lists them."""

    UNIT_WITHOUT_ADMINISTRATOR = "unit-without-administrator"
    SELF_LOCKOUT = "self-lockout"
    SERVICE_USER_LINK_CHANGE = "service-user-link-change"
    ADMINISTRATOR_REMOVED = "administrator-removed"
    DELETION = "deletion"


RISK_ORDER = {rid: i for i, rid in enumerate(RiskId)}


@dataclass(frozen=True)
class RiskFlag:
    """Something a reviewer must look at; `subject` is what it is about, for sorting."""

    id: RiskId
    unit_key: str
    subject: str
    message: str
    urn: str = ""


@dataclass(frozen=True)
class AdminLoss:
    """An email that stops being an organisation administrator of a unit that remains."""

    unit_key: str
    unit_name: str
    email: str


@dataclass(frozen=True)
class Summary:
    """The counts printed first in every format."""

    creates: int = 0
    updates: int = 0
    replaces: int = 0
    deletes: int = 0
    # Objects a refresh found changed or deleted outside vcorg (they also count as
    # unchanged, updated, ... by what this plan does to them).
    drifted: int = 0
    unchanged: int = 0
    people_invited: int = 0
    people_removed: int = 0
    # Objects taken over (those whose settings also change count as updates too).
    adopts: int = 0
    # Expired invitations sent again.
    people_resent: int = 0
    # Steps of this plan that revert drift.
    reverting_drift: int = 0

    @property
    def changes(self) -> int:
        return (
            self.creates
            + self.updates
            + self.replaces
            + self.deletes
            + self.drifted
            + (self.adopts)
        )
