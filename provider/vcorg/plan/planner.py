"""Build the one `Plan` from `ResourceStep`s. Renderers never plan; this module does.

The pipeline is fixed: prepare (clean, one step per URN, sorted), index names, describe
each changing resource, derive admin facts and risk flags, then group by unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .changes import (
    Adoption,
    MemberAction,
    MemberChange,
    Move,
    PropertyAction,
    PropertyChange,
    ResourceChange,
    Summary,
)
from .diff import diff_properties, ordered_keys
from .grouping import group_by_unit
from .model import Plan
from .prepared import Names, PreparedStep, prepare_all, text_or_none
from .risks import admin_facts, attach_risks, risk_flags
from .steps import CHANGING_OPS, ROLE_MEMBERS, UNIT, VOLATILE_OUTPUTS, Op, ResourceStep
from .values import is_empty

# Ids that mirror a key shown elsewhere only add noise (and are unknown in previews);
# resourceUrn is the resources' own idempotency anchor, and adopt says how an object is
# taken over (the plan shows adoptions as such), not configuration.
HIDDEN_ALWAYS = frozenset({"unitId", "waitingAreaId", "scopeId", "resourceUrn", "adopt"})
# On a create the group heading and the title already say these.
HIDDEN_ON_CREATE = HIDDEN_ALWAYS | {"organisation", "key", "name", "unitKey"}
# RoleMembers' identity is its title and its emails become member changes; its unitKey
# follows its scope and shows as a move.
ROLE_MEMBERS_HIDDEN = HIDDEN_ALWAYS | {"emails", "unitKey"}
ROLE_MEMBERS_HIDDEN_ON_CREATE = ROLE_MEMBERS_HIDDEN | {
    "organisation",
    "scopeType",
    "scopeKey",
    "role",
}


def build_plan(steps: Iterable[ResourceStep], *, token_email: str | None = None) -> Plan:
    """Plan the given steps. Input order does not matter; the output is canonical.

    *token_email* is the account the API token belongs to, if known; with it the plan
    flags that account losing its own organisation-administrator role.
    """
    prepared = prepare_all(steps)
    names = Names(prepared)
    email = token_email.lower() if token_email else None

    changes = [_describe(s, names) for s in prepared if s.op in CHANGING_OPS]
    facts = admin_facts(prepared, names)
    flags = risk_flags(prepared, names, facts, email)
    changes = attach_risks(changes, flags)

    return Plan(
        summary=_summary(prepared, changes),
        risk_flags=tuple(flags),
        units=group_by_unit(changes, names),
        managed_counts=_count(s.type_name for s in prepared if s.op is not Op.CREATE),
        deletions=_count(s.type_name for s in prepared if s.op is Op.DELETE),
        admin_losses=facts.losses,
        units_without_admin=facts.units_without_admin,
        token_email=email,
    )


def _count(type_names: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(type_names).items()))


def _describe(s: PreparedStep, names: Names) -> ResourceChange:
    move = _move(s, names)
    properties = _properties(s)
    if move is not None:
        properties = [p for p in properties if p.path != "unitKey"]
    change = ResourceChange(
        urn=s.urn,
        type_name=s.type_name,
        key=s.key,
        name=names.of(s.type_name, s.key),
        op=s.op,
        unit_key=s.unit_key,
        properties=tuple(properties),
        move=move,
        adoption=_adoption(s),
    )
    if s.type_name == ROLE_MEMBERS:
        scope_type = text_or_none(s.inputs.get("scopeType")) or ""
        scope_key = text_or_none(s.inputs.get("scopeKey")) or ""
        scope_name = names.scope(scope_type, scope_key)
        role = text_or_none(s.inputs.get("role")) or ""
        change = replace(
            change,
            role=role,
            scope_type=scope_type,
            scope_key=scope_key,
            scope_name=scope_name,
            name=scope_name,
            members=tuple(_members(s, role, scope_type, scope_key, scope_name)),
        )
    if s.op is Op.ADOPT and _writes(change):
        # Taken over and changed in the same apply: the plan says both.
        change = replace(change, op=Op.UPDATE)
    return change


def _writes(change: ResourceChange) -> bool:
    """Whether applying an adoption changes the object (a re-send changes no setting)."""
    return bool(change.properties or change.move) or any(
        m.action is not MemberAction.RESEND for m in change.members
    )


_GRANT_STATES = ("active", "pending", "expired")


def _adoption(s: PreparedStep) -> Adoption | None:
    if s.op is not Op.ADOPT:
        return None
    if s.type_name == ROLE_MEMBERS:
        states = Counter(_member_states(s.old_out).values())
        return Adoption(people=tuple((st, states[st]) for st in _GRANT_STATES if states[st]))
    out = s.old_out or {}
    return Adoption(id=text_or_none(out.get("id")), link=text_or_none(out.get("link")))


def _properties(s: PreparedStep) -> list[PropertyChange]:
    role_members = s.type_name == ROLE_MEMBERS
    if s.op is Op.DELETE:
        return []
    if s.op is Op.REFRESH_DRIFT:
        keys = set(s.old or {}) | set(s.new or {})
        old = {k: v for k, v in (s.old_out or {}).items() if k in keys}
        new = {k: v for k, v in (s.new_out or {}).items() if k in keys}
        hidden = (ROLE_MEMBERS_HIDDEN if role_members else HIDDEN_ALWAYS) | VOLATILE_OUTPUTS
        return diff_properties(old, new, hidden=hidden)
    if s.op is Op.CREATE:
        hidden = ROLE_MEMBERS_HIDDEN_ON_CREATE if role_members else HIDDEN_ON_CREATE
        new = {k: v for k, v in (s.new or {}).items() if not is_empty(v)}
        # A new object's properties are listed whole; nested paths would only repeat them.
        return [
            PropertyChange(k, PropertyAction.ADD, new=new[k])
            for k in ordered_keys(set(new) - hidden)
        ]
    hidden = ROLE_MEMBERS_HIDDEN if role_members else HIDDEN_ALWAYS
    return diff_properties(s.old or {}, s.new or {}, hidden=hidden)


def _move(s: PreparedStep, names: Names) -> Move | None:
    if s.type_name == UNIT or s.old is None or s.new is None:
        return None
    if s.old_unit_key == s.unit_key or not s.old_unit_key or not s.unit_key:
        return None
    return Move(
        from_unit_key=s.old_unit_key,
        from_unit_name=names.unit(s.old_unit_key),
        to_unit_key=s.unit_key,
        to_unit_name=names.unit(s.unit_key),
    )


def _members(
    s: PreparedStep, role: str, scope_type: str, scope_key: str, scope_name: str
) -> list[MemberChange]:
    if s.op is Op.REFRESH_DRIFT:
        return []
    old, new = s.emails("old"), s.emails("new")
    states = _member_states(s.old_out)
    # An expired invitation does not count as a member (it is not in the emails), but
    # it is still a grant: apply re-sends it if the config keeps the person, and
    # removes it otherwise.
    expired = frozenset(e for e, state in states.items() if state == "expired")
    out = []
    for e in sorted(new - old):
        action = MemberAction.RESEND if e in expired else MemberAction.INVITE
        state = "expired" if e in expired else None
        out.append(MemberChange(action, e, role, scope_type, scope_key, scope_name, state))
    for e in sorted((old | expired) - new):
        state = states.get(e)
        action = MemberAction.REVOKE if state == "pending" else MemberAction.REMOVE
        out.append(MemberChange(action, e, role, scope_type, scope_key, scope_name, state))
    return out


def _member_states(outputs: Mapping[str, Any] | None) -> dict[str, str]:
    members = (outputs or {}).get("members")
    if not isinstance(members, Mapping):
        return {}
    states: dict[str, str] = {}
    for email, info in members.items():
        if isinstance(info, Mapping) and isinstance(info.get("state"), str):
            states[str(email).lower()] = info["state"]
    return states


def _summary(steps: list[PreparedStep], changes: list[ResourceChange]) -> Summary:
    ops = Counter(s.op for s in steps)
    members = [m for c in changes for m in c.members]
    adopted = [c for c in changes if c.adoption is not None]
    return Summary(
        creates=ops[Op.CREATE],
        updates=ops[Op.UPDATE] + sum(c.op is Op.UPDATE for c in adopted),
        replaces=ops[Op.REPLACE],
        deletes=ops[Op.DELETE],
        drifted=ops[Op.REFRESH_DRIFT],
        unchanged=ops[Op.SAME] + ops[Op.READ],
        people_invited=sum(m.action is MemberAction.INVITE for m in members),
        people_removed=sum(m.action in _REMOVALS for m in members),
        adopts=len(adopted),
        people_resent=sum(m.action is MemberAction.RESEND for m in members),
    )


_REMOVALS = frozenset({MemberAction.REMOVE, MemberAction.REVOKE})
