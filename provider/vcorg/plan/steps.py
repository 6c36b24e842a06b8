"""`ResourceStep`: one resource's planned operation, the planner's only input."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from vcorg.vocabulary import MEETING_ROOM_KIND, ROLE_MEMBERS_KIND, UNIT_KIND, WAITING_AREA_KIND

TYPE_PREFIX = "pulumi-python:dynamic/vcorg:"

UNIT = UNIT_KIND
WAITING_AREA = WAITING_AREA_KIND
MEETING_ROOM = MEETING_ROOM_KIND
ROLE_MEMBERS = ROLE_MEMBERS_KIND


class Op(StrEnum):
    """Operations after normalisation; engine-specific ops are folded into these."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"
    SAME = "same"
    READ = "read"
    REFRESH_DRIFT = "refresh-drift"
    # Not an engine op: a create that takes over an object already on the platform
    # (`vcorg plan --adopt`); its old inputs and outputs are the platform's object.
    ADOPT = "adopt"


# Ops that change something an admin must review (reads and sames do not).
CHANGING_OPS = frozenset({Op.CREATE, Op.UPDATE, Op.DELETE, Op.REPLACE, Op.REFRESH_DRIFT, Op.ADOPT})


def type_name_from_token(token: str) -> str:
    """`pulumi-python:dynamic/vcorg:WaitingArea` → `WaitingArea`; other tokens unchanged."""
    return token[len(TYPE_PREFIX) :] if token.startswith(TYPE_PREFIX) else token


def name_from_urn(urn: str) -> str:
    """The resource name is the URN's last `::` segment."""
    return urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class ResourceStep:
    """What the engine will do to one resource, with the states either side of it."""

    urn: str
    type_name: str
    name: str
    op: Op
    old_inputs: dict[str, Any] | None = None
    new_inputs: dict[str, Any] | None = None
    old_outputs: dict[str, Any] | None = None
    new_outputs: dict[str, Any] | None = None
    # What a refresh found changed outside vcorg: `changed` or `deleted` (else None), with
    # the judged outputs the last apply recorded and those the platform holds now (None
    # when deleted); see vcorg.plan.drift.judged_outputs.
    drift: str | None = None
    recorded_outputs: dict[str, Any] | None = None
    refreshed_outputs: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        # Accept plain strings so callers and tests can write op="update".
        object.__setattr__(self, "op", Op(self.op))


# Outputs that change on every write and so say nothing about drift.
VOLATILE_OUTPUTS = frozenset({"id", "version", "createdAt", "updatedAt"})

# Values of `ResourceStep.drift`.
DRIFT_CHANGED = "changed"
DRIFT_DELETED = "deleted"
