"""Drift: what changed on the platform outside vcorg, judged the same way everywhere.

A refreshed plan (from the engine's refresh events) and `vcorg drift` (from the state and
the providers' own reads) both hand this module two states of one resource, the one the
last apply recorded and the one the platform holds now, and get back the same property
and member changes. Pure Python: no engine, no network.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .changes import MemberDrift, MemberDriftAction, PropertyChange
from .diff import diff_properties
from .steps import ROLE_MEMBERS, VOLATILE_OUTPUTS

# Outputs the platform owns but the config does not set, which still matter to people.
WATCHED_OUTPUTS = frozenset({"link"})
# Who holds a role (RoleMembers) is judged person by person, from this output.
MEMBERS = "members"
# Never drift: the resources' own idempotency anchor, what changes on every write, and
# the adoption flags (`adopt: false` is not even stored, and a refresh reads back the
# inputs from the outputs, where an adopted object keeps `adopt: true`).
_NEVER = VOLATILE_OUTPUTS | {"resourceUrn", "adopt", "adopted"}
# A RoleMembers' emails are judged as members; its other inputs are its identity.
_ROLE_MEMBERS_QUIET = frozenset({"emails", "unitKey", "scopeKey", "scopeType", "role"})


def judged_outputs(
    inputs: Mapping[str, Any] | None,
    outputs: Mapping[str, Any] | None,
    *,
    output_slots: Collection[str] = (),
) -> dict[str, Any]:
    """The outputs drift is judged on: what the config sets, plus the link and members.

    Versions, timestamps and invitation states move on without anyone editing anything
    (an invitation accepted is not drift); a renamed area or a console-added person is.
    *output_slots* are outputs the resources reserve as empty inputs: an input that is
    only such a slot says nothing about what the config sets.
    """
    outs = {k: _whole(v) for k, v in (outputs or {}).items() if k != "__provider"}
    keys = {k for k, v in (inputs or {}).items() if not (v is None and k in output_slots)}
    keys |= WATCHED_OUTPUTS
    keys -= _NEVER
    judged = {k: v for k, v in outs.items() if k in keys}
    if isinstance(outs.get(MEMBERS), Mapping):
        judged[MEMBERS] = outs[MEMBERS]
    return judged


def _whole(value: Any) -> Any:
    """Numbers as the platform has them: Pulumi hands every number over as a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    return value


def differs(recorded: Mapping[str, Any] | None, refreshed: Mapping[str, Any] | None) -> bool:
    """Whether two judged states show drift (an invitation accepted does not)."""
    return _without_states(recorded) != _without_states(refreshed)


def _without_states(judged: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if judged is None:
        return None
    out = {k: v for k, v in judged.items() if k != MEMBERS}
    members = judged.get(MEMBERS)
    if isinstance(members, Mapping):
        # Who, and whether their invitation expired; pending → active is not drift.
        out[MEMBERS] = {str(e).lower(): _expired(m) for e, m in members.items()}
    return out


def _expired(member: Any) -> bool:
    return isinstance(member, Mapping) and member.get("state") == "expired"


def drift_properties(
    type_name: str,
    recorded: Mapping[str, Any] | None,
    refreshed: Mapping[str, Any] | None,
    *,
    console_owned: Collection[str] = (),
    hidden: Collection[str] = (),
) -> list[PropertyChange]:
    """Property by property, from what the last apply recorded to what the platform holds.

    A change to a top-level field in *console_owned* is marked as such.
    """
    if refreshed is None:
        return []
    quiet = set(hidden) | {MEMBERS}
    if type_name == ROLE_MEMBERS:
        quiet |= _ROLE_MEMBERS_QUIET
    changes = diff_properties(recorded or {}, refreshed, hidden=quiet)
    owned = set(console_owned)
    return [
        PropertyChange(p.path, p.action, p.old, p.new, console_owned=top_level(p.path) in owned)
        for p in changes
    ]


def top_level(path: str) -> str:
    """`accessHours.open[0].to` → `accessHours`; `callerDetails[dob]` → `callerDetails`."""
    return path.split(".", 1)[0].split("[", 1)[0]


def drift_members(
    recorded: Mapping[str, Any] | None, refreshed: Mapping[str, Any] | None
) -> list[tuple[MemberDriftAction, str, str | None, str | None]]:
    """`(action, email, state before, state now)` per person added, removed or expired."""
    before = _members(recorded)
    after = _members(refreshed) if refreshed is not None else {}
    out: list[tuple[MemberDriftAction, str, str | None, str | None]] = []
    for email in sorted(set(before) | set(after)):
        old, new = before.get(email), after.get(email)
        if old is None and new is not None:
            out.append((MemberDriftAction.ADDED, email, None, new))
        elif new is None and old is not None:
            out.append((MemberDriftAction.REMOVED, email, old, None))
        elif new == "expired" and old != "expired":
            out.append((MemberDriftAction.EXPIRED, email, old, new))
    return out


def _members(judged: Mapping[str, Any] | None) -> dict[str, str]:
    members = (judged or {}).get(MEMBERS)
    if not isinstance(members, Mapping):
        return {}
    return {
        str(e).lower(): str(m.get("state")) if isinstance(m, Mapping) else ""
        for e, m in members.items()
    }


__all__ = [
    "MEMBERS",
    "WATCHED_OUTPUTS",
    "MemberDrift",
    "differs",
    "drift_members",
    "drift_properties",
    "judged_outputs",
    "top_level",
]
