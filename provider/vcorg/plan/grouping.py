"""Grouping resource changes by unit, in the order a reviewer reads them."""

from __future__ import annotations

from collections import defaultdict

from vcorg.vocabulary import KIND_OF_SCOPE, SCOPE_TYPES

from .changes import MovedOut, ResourceChange, ResourceDrift, UnitGroup
from .prepared import Names
from .steps import ROLE_MEMBERS

# The unit first, then its waiting areas, then its rooms: the order of the scope types.
_SCOPE_SECTION: dict[str, int] = {scope: i for i, scope in enumerate(SCOPE_TYPES)}
_SECTION = {KIND_OF_SCOPE[scope]: i for scope, i in _SCOPE_SECTION.items()}


def _sort_key(c: ResourceChange | ResourceDrift) -> tuple[int, str, int, str, str]:
    """The unit and its roles, then each waiting area with its roles, then each room."""
    if c.type_name == ROLE_MEMBERS:
        section = _SCOPE_SECTION.get(c.scope_type or "", 3)
        scope = "" if section == 0 else (c.scope_key or "")
        return (section, scope, 1, c.role or "", c.urn)
    section = _SECTION.get(c.type_name, 3)
    scope = "" if section == 0 else c.key
    return (section, scope, 0, "", c.urn)


def group_by_unit(changes: list[ResourceChange], names: Names) -> tuple[UnitGroup, ...]:
    """Units sorted by key, resources of no unit last; a move leaves a pointer behind."""
    members: dict[str, list[ResourceChange]] = defaultdict(list)
    moved_out: dict[str, list[MovedOut]] = defaultdict(list)
    for c in changes:
        members[c.unit_key].append(c)
        # Role memberships follow their scope, whose own pointer is enough.
        if c.move is not None and c.type_name != ROLE_MEMBERS:
            moved_out[c.move.from_unit_key].append(
                MovedOut(c.type_name, c.key, c.name, c.op, c.move.to_unit_key, c.move.to_unit_name)
            )
    keys = sorted(set(members) | set(moved_out), key=lambda k: (k == "", k))
    return tuple(
        UnitGroup(
            unit_key=k,
            unit_name=names.unit(k),
            resources=tuple(sorted(members.get(k, []), key=_sort_key)),
            moved_out=tuple(sorted(moved_out.get(k, []), key=lambda m: (m.type_name, m.key))),
        )
        for k in keys
    )


def sort_drift(drift: list[ResourceDrift]) -> tuple[ResourceDrift, ...]:
    """Drift in the order of the plan's changes: by unit, then as `group_by_unit` sorts."""
    return tuple(sorted(drift, key=lambda d: ((d.unit_key == "", d.unit_key), _sort_key(d))))
