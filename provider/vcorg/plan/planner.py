"""Build the one `Plan` from `ResourceStep`s. Renderers never plan; this module does.

The pipeline is fixed: index names and units, describe each changing resource,
derive risk flags, then group by unit. Each stage is a small function.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from .changes import (
    RISK_ORDER,
    AdminLoss,
    MemberAction,
    MemberChange,
    Move,
    MovedOut,
    PropertyAction,
    PropertyChange,
    ResourceChange,
    RiskFlag,
    RiskId,
    Summary,
    UnitGroup,
)
from .diff import diff_properties, ordered_keys
from .labels import resource_title, role_label, unit_title
from .model import Plan
from .steps import (
    CHANGING_OPS,
    MEETING_ROOM,
    ROLE_MEMBERS,
    UNIT,
    WAITING_AREA,
    Op,
    ResourceStep,
)
from .values import clean_inputs, is_empty

ADMIN_ROLE = "organisation-administrator"
SCOPE_TYPES = {"unit": UNIT, "waiting-area": WAITING_AREA, "meeting-room": MEETING_ROOM}

# Ids that mirror a key shown elsewhere only add noise (and are unknown in previews);
# resourceUrn is the resources' own idempotency anchor, not configuration.
HIDDEN_ALWAYS = frozenset({"unitId", "waitingAreaId", "scopeId", "resourceUrn"})
# On a create the group heading and the title already say these.
HIDDEN_ON_CREATE = HIDDEN_ALWAYS | {"organisation", "key", "name", "unitKey", "adopt"}
# RoleMembers' identity is its title; its emails become member changes.
# Its unitKey follows its scope; a scope's move is shown on the scope itself.
ROLE_MEMBERS_HIDDEN = HIDDEN_ALWAYS | {"emails", "unitKey"}
ROLE_MEMBERS_HIDDEN_ON_CREATE = ROLE_MEMBERS_HIDDEN | {
    "organisation",
    "scopeType",
    "scopeKey",
    "role",
}
# Outputs that change on every write and so say nothing about drift.
VOLATILE_OUTPUTS = frozenset({"id", "version", "createdAt", "updatedAt"})


@dataclass(frozen=True)
class _Step:
    """A cleaned step with the facts every stage needs."""

    raw: ResourceStep
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    old_out: dict[str, Any] | None
    new_out: dict[str, Any] | None
    key: str
    unit_key: str
    old_unit_key: str

    @property
    def op(self) -> Op:
        return self.raw.op

    @property
    def type_name(self) -> str:
        return self.raw.type_name

    @property
    def inputs(self) -> dict[str, Any]:
        return self.new if self.new is not None else (self.old or {})

    def emails(self, which: str) -> frozenset[str]:
        props = self.old if which == "old" else self.new
        if props is None:
            return frozenset()
        return frozenset(e.lower() for e in props.get("emails") or [] if isinstance(e, str))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _prepare(step: ResourceStep) -> _Step:
    old, new = clean_inputs(step.old_inputs), clean_inputs(step.new_inputs)
    if step.op is Op.CREATE:
        old = None
    if step.op is Op.DELETE:
        new = None
    inputs = new if new is not None else (old or {})
    key = _str(inputs.get("key")) or step.name
    if step.type_name == UNIT:
        unit_key = old_unit_key = key
    else:
        unit_key = _str((new or {}).get("unitKey")) or _str((old or {}).get("unitKey")) or ""
        old_unit_key = _str((old or {}).get("unitKey")) or unit_key
    return _Step(
        raw=step,
        old=old,
        new=new,
        old_out=clean_inputs(step.old_outputs),
        new_out=clean_inputs(step.new_outputs),
        key=key,
        unit_key=unit_key,
        old_unit_key=old_unit_key,
    )


def build_plan(steps: Iterable[ResourceStep], *, token_email: str | None = None) -> Plan:
    """Plan the given steps. Input order does not matter; the output is canonical.

    *token_email* is the account the API token belongs to, if known; with it the plan
    flags that account losing its own organisation-administrator role.
    """
    by_urn: dict[str, _Step] = {}
    for step in steps:
        by_urn[step.urn] = _prepare(step)
    prepared = [by_urn[u] for u in sorted(by_urn)]
    names = _name_index(prepared)
    deleted_units = {s.key for s in prepared if s.type_name == UNIT and s.op is Op.DELETE}

    changes = [_describe(s, names) for s in prepared if s.op in CHANGING_OPS]
    losses, without_admin = _admin_facts(prepared, names, deleted_units)
    email = token_email.lower() if token_email else None
    flags = _risk_flags(prepared, names, losses, without_admin, email)
    changes = _attach_risks(changes, flags)

    return Plan(
        summary=_summary(prepared, changes),
        risk_flags=tuple(flags),
        units=_group(changes, names),
        managed_counts=_count(s.type_name for s in prepared if s.op is not Op.CREATE),
        deletions=_count(s.type_name for s in prepared if s.op is Op.DELETE),
        admin_losses=tuple(losses),
        units_without_admin=tuple(without_admin),
        token_email=email,
    )


def _count(type_names: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for t in type_names:
        counts[t] += 1
    return dict(sorted(counts.items()))


def _name_index(steps: list[_Step]) -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for s in steps:
        if s.type_name in (UNIT, WAITING_AREA, MEETING_ROOM):
            name = _str(s.inputs.get("name"))
            if name is not None:
                names[(s.type_name, s.key)] = name
    return names


def _display_name(s: _Step, names: Mapping[tuple[str, str], str]) -> str:
    return names.get((s.type_name, s.key), s.key)


def _describe(s: _Step, names: Mapping[tuple[str, str], str]) -> ResourceChange:
    change = ResourceChange(
        urn=s.raw.urn,
        type_name=s.type_name,
        key=s.key,
        name=_display_name(s, names),
        op=s.op,
        unit_key=s.unit_key,
        properties=tuple(_properties(s)),
        move=_move(s, names),
    )
    if change.move is not None:
        change = replace(
            change, properties=tuple(p for p in change.properties if p.path != "unitKey")
        )
    if s.type_name == ROLE_MEMBERS:
        scope_type = _str(s.inputs.get("scopeType")) or ""
        scope_key = _str(s.inputs.get("scopeKey")) or ""
        scope_name = names.get((SCOPE_TYPES.get(scope_type, ""), scope_key), scope_key)
        role = _str(s.inputs.get("role")) or ""
        change = replace(
            change,
            role=role,
            scope_type=scope_type,
            scope_key=scope_key,
            scope_name=scope_name,
            name=scope_name,
            members=tuple(_members(s, role, scope_type, scope_key, scope_name)),
        )
    return change


def _properties(s: _Step) -> list[PropertyChange]:
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


def _move(s: _Step, names: Mapping[tuple[str, str], str]) -> Move | None:
    if s.type_name == UNIT or s.old is None or s.new is None:
        return None
    if s.old_unit_key == s.unit_key or not s.old_unit_key or not s.unit_key:
        return None
    return Move(
        from_unit_key=s.old_unit_key,
        from_unit_name=names.get((UNIT, s.old_unit_key), s.old_unit_key),
        to_unit_key=s.unit_key,
        to_unit_name=names.get((UNIT, s.unit_key), s.unit_key),
    )


def _members(
    s: _Step, role: str, scope_type: str, scope_key: str, scope_name: str
) -> list[MemberChange]:
    if s.op is Op.REFRESH_DRIFT:
        return []
    old, new = s.emails("old"), s.emails("new")
    states = _member_states(s.old_out)
    out = [
        MemberChange(MemberAction.INVITE, e, role, scope_type, scope_key, scope_name)
        for e in sorted(new - old)
    ]
    for e in sorted(old - new):
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


def _admin_facts(
    steps: list[_Step], names: Mapping[tuple[str, str], str], deleted_units: set[str]
) -> tuple[list[AdminLoss], list[tuple[str, str, str]]]:
    """Who loses organisation administrator, and which units end with none.

    Returns the losses and `(unit_key, unit_name, urn)` for each unit left without an
    administrator. Only changes count: a unit that already had none and is untouched
    is the platform's state, not this plan's doing.
    """
    losses: list[AdminLoss] = []
    without: dict[str, str] = {}
    has_admins: set[str] = set()
    for s in steps:
        if s.type_name != ROLE_MEMBERS:
            continue
        if s.inputs.get("role") != ADMIN_ROLE or s.inputs.get("scopeType") != "unit":
            continue
        unit_key = _str(s.inputs.get("scopeKey")) or s.unit_key
        if s.emails("new"):
            has_admins.add(unit_key)
        if unit_key in deleted_units:
            continue
        unit_name = names.get((UNIT, unit_key), unit_key)
        losses.extend(
            AdminLoss(unit_key, unit_name, e) for e in sorted(s.emails("old") - s.emails("new"))
        )
        if s.op in CHANGING_OPS and not s.emails("new"):
            without[unit_key] = s.raw.urn
    for s in steps:
        # A unit created by this plan needs its administrators created with it.
        if s.type_name == UNIT and s.op is Op.CREATE and s.key not in has_admins:
            without.setdefault(s.key, s.raw.urn)
    result = [(k, names.get((UNIT, k), k), urn) for k, urn in sorted(without.items())]
    return losses, result


def _risk_flags(
    steps: list[_Step],
    names: Mapping[tuple[str, str], str],
    losses: list[AdminLoss],
    without_admin: list[tuple[str, str, str]],
    token_email: str | None,
) -> list[RiskFlag]:
    flags: list[RiskFlag] = []
    for s in steps:
        title = _capitalised(resource_title(s.type_name, s.key, _display_name(s, names)))
        if s.type_name != UNIT and s.unit_key:
            title += f" in {unit_title(s.unit_key, names.get((UNIT, s.unit_key), s.unit_key))}"
        subject = f"{s.type_name}:{s.key}"
        if s.op is Op.DELETE and s.type_name != ROLE_MEMBERS:
            message = f"{title} will be deleted."
            flags.append(RiskFlag(RiskId.DELETION, s.unit_key, subject, message, s.raw.urn))
        link_message = _link_message(s, title)
        if link_message:
            flags.append(
                RiskFlag(
                    RiskId.SERVICE_USER_LINK_CHANGE, s.unit_key, subject, link_message, s.raw.urn
                )
            )
    admin_urns = {
        _str(s.inputs.get("scopeKey")): s.raw.urn
        for s in steps
        if s.type_name == ROLE_MEMBERS and s.inputs.get("role") == ADMIN_ROLE
    }
    for loss in losses:
        unit = unit_title(loss.unit_key, loss.unit_name)
        urn = admin_urns.get(loss.unit_key, "")
        flags.append(
            RiskFlag(
                RiskId.ADMINISTRATOR_REMOVED,
                loss.unit_key,
                loss.email,
                f"Removes {loss.email} as {role_label(ADMIN_ROLE)} of {unit}.",
                urn,
            )
        )
        if token_email and loss.email == token_email:
            flags.append(
                RiskFlag(
                    RiskId.SELF_LOCKOUT,
                    loss.unit_key,
                    loss.email,
                    f"The API token's own account {loss.email} loses "
                    f"{role_label(ADMIN_ROLE)} of {unit}.",
                    urn,
                )
            )
    for unit_key, unit_name, urn in without_admin:
        flags.append(
            RiskFlag(
                RiskId.UNIT_WITHOUT_ADMINISTRATOR,
                unit_key,
                unit_key,
                f"{_capitalised(unit_title(unit_key, unit_name))} would have no active or pending "
                f"{role_label(ADMIN_ROLE)}.",
                urn,
            )
        )
    flags.sort(key=lambda f: (RISK_ORDER[f.id], f.unit_key, f.subject, f.urn))
    return flags


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _link_message(s: _Step, title: str) -> str | None:
    if s.type_name == WAITING_AREA and s.op is Op.DELETE:
        return f"{title} will be deleted: its service-user link stops working."
    if s.type_name == WAITING_AREA and s.op is Op.REPLACE:
        return (
            f"{title} will be recreated: it gets a new service-user link and the old one, "
            "already sent to service users, stops working."
        )
    if s.type_name == MEETING_ROOM and s.op is Op.DELETE:
        return f"{title} will be deleted: its link stops working."
    if s.type_name == MEETING_ROOM and s.op is Op.REPLACE:
        return f"{title} will be recreated: it gets a new link."
    old_link = (s.old_out or {}).get("link")
    new_link = (s.new_out or {}).get("link")
    if (
        s.op is Op.UPDATE
        and isinstance(old_link, str)
        and isinstance(new_link, str)
        and old_link != new_link
    ):
        return f"{title} gets a new link."
    return None


def _attach_risks(changes: list[ResourceChange], flags: list[RiskFlag]) -> list[ResourceChange]:
    by_urn: dict[str, list[str]] = defaultdict(list)
    for f in flags:
        if f.urn and f.id.value not in by_urn[f.urn]:
            by_urn[f.urn].append(f.id.value)
    return [replace(c, risks=tuple(by_urn.get(c.urn, ()))) for c in changes]


def _summary(steps: list[_Step], changes: list[ResourceChange]) -> Summary:
    ops = [s.op for s in steps]
    members = [m for c in changes for m in c.members]
    return Summary(
        creates=ops.count(Op.CREATE),
        updates=ops.count(Op.UPDATE),
        replaces=ops.count(Op.REPLACE),
        deletes=ops.count(Op.DELETE),
        drifted=ops.count(Op.REFRESH_DRIFT),
        unchanged=ops.count(Op.SAME) + ops.count(Op.READ),
        people_invited=sum(m.action is MemberAction.INVITE for m in members),
        people_removed=sum(m.action is not MemberAction.INVITE for m in members),
    )


_SECTION = {UNIT: 0, WAITING_AREA: 1, MEETING_ROOM: 2}
_SCOPE_SECTION = {"unit": 0, "waiting-area": 1, "meeting-room": 2}


def _sort_key(c: ResourceChange) -> tuple[int, str, int, str, str]:
    if c.type_name == ROLE_MEMBERS:
        section = _SCOPE_SECTION.get(c.scope_type or "", 3)
        scope = "" if section == 0 else (c.scope_key or "")
        return (section, scope, 1, c.role or "", c.urn)
    section = _SECTION.get(c.type_name, 3)
    scope = "" if section == 0 else c.key
    return (section, scope, 0, "", c.urn)


def _group(
    changes: list[ResourceChange], names: Mapping[tuple[str, str], str]
) -> tuple[UnitGroup, ...]:
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
            unit_name=names.get((UNIT, k), k),
            resources=tuple(sorted(members.get(k, []), key=_sort_key)),
            moved_out=tuple(sorted(moved_out.get(k, []), key=lambda m: (m.type_name, m.key))),
        )
        for k in keys
    )
