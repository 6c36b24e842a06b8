"""The one walk over a `Plan` that the text and Markdown renderers share.

Each `Row` is one line of detail: a unit heading, a resource, or a property, member or
move under it. Renderers choose only how a row looks, never what it says.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from ..visible import reveal
from .changes import (
    Adoption,
    DriftStatus,
    MemberAction,
    MemberChange,
    MemberDrift,
    MemberDriftAction,
    PropertyAction,
    PropertyChange,
    ResourceChange,
    ResourceDrift,
    RiskFlag,
    Summary,
    UnitGroup,
)
from .labels import resource_title, role_label, role_members_title, unit_title
from .steps import ROLE_MEMBERS, Op
from .values import format_value

if TYPE_CHECKING:
    from .model import Plan

NO_CHANGES = "No changes. The platform matches the configuration."
DRIFT_HEADING = "Drift (changed outside vcorg since the last apply)"
CHANGES_HEADING = "Changes"
REVERTS = "(reverts drift)"
CONSOLE_OWNED = "(console-owned: never reverted, not drift)"


class RowKind(StrEnum):
    UNIT = "unit"
    RESOURCE = "resource"
    # A second step on the same resource: the update of an object the plan adopts.
    STEP = "step"
    MOVE = "move"
    PROPERTY = "property"
    MEMBER = "member"
    MOVED_OUT = "moved-out"
    NOTE = "note"


@dataclass(frozen=True)
class Row:
    """One line of plan detail; `sign` is `+ - ~ ± →` or empty, `level` the indent."""

    kind: RowKind
    level: int
    sign: str
    text: str
    op: str = ""


_SIGNS = {
    Op.CREATE: "+",
    Op.DELETE: "-",
    Op.UPDATE: "~",
    Op.REPLACE: "±",
    Op.REFRESH_DRIFT: "~",
    Op.ADOPT: "=",
}
_VERBS = {
    Op.CREATE: "create",
    Op.DELETE: "delete",
    Op.UPDATE: "update",
    Op.REPLACE: "replace",
    Op.REFRESH_DRIFT: "drifted",
    Op.ADOPT: "adopt",
}


_NEEDS_DETAIL = frozenset({Op.UPDATE, Op.REPLACE, Op.REFRESH_DRIFT})
_NO_DETAIL = "(only internal identifiers or platform-managed fields differ)"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def summary_sentence(s: Summary) -> str:
    """`Plan: 2 to create, ...; 3 people to invite, 1 to remove; 40 unchanged.`

    Adoptions and re-sent invitations are named only when there are some. `drifted`
    counts objects changed outside vcorg (whatever the plan does to them); when some steps
    undo that, a second sentence says how many.
    """
    adopts = f", {s.adopts:,} to adopt" if s.adopts else ""
    resent = (
        f", {_plural(s.people_resent, 'invitation', 'invitations')} to re-send"
        if s.people_resent
        else ""
    )
    text = (
        f"Plan: {s.creates:,} to create, {s.updates:,} to update, {s.replaces:,} to replace, "
        f"{s.deletes:,} to delete, {s.drifted:,} drifted{adopts}; "
        f"{_plural(s.people_invited, 'person', 'people')} to invite, "
        f"{s.people_removed:,} to remove{resent}; {s.unchanged:,} unchanged."
    )
    if s.reverting_drift:
        steps = "step reverts" if s.reverting_drift == 1 else "steps revert"
        text += f" {s.reverting_drift:,} {steps} drift."
    return text


def risk_heading(count: int) -> str:
    return f"Risks ({count:,}):"


def flag_text(flag: RiskFlag) -> str:
    return f"[{flag.id.value}] {reveal(flag.message)}"


def _title(c: ResourceChange | ResourceDrift) -> str:
    if c.type_name == ROLE_MEMBERS:
        return role_members_title(
            c.role or "", c.scope_type or "", c.scope_key or "", c.scope_name or ""
        )
    return resource_title(c.type_name, c.key, c.name)


def resource_heading(c: ResourceChange) -> str:
    if c.adoption is not None:
        text = f"adopt {_title(c)} {adoption_text(c.adoption)}"
    else:
        text = f"{_VERBS.get(c.op, c.op.value)} {_title(c)}"
    if c.reverts_drift:
        text += f"  {REVERTS}"
    if c.risks:
        text += f"  [risk: {', '.join(c.risks)}]"
    return text


def adoption_text(a: Adoption) -> str:
    """`(id wa_01…, link unchanged)`, or `(3 people: 2 active, 1 expired)`."""
    if a.id is not None:
        return f"(id {a.id}, link unchanged)" if a.link else f"(id {a.id})"
    total = sum(n for _, n in a.people)
    states = ", ".join(f"{n:,} {state}" for state, n in a.people)
    return f"({_plural(total, 'person', 'people')}: {states})" if total else "(nobody)"


def property_text(p: PropertyChange) -> tuple[str, str]:
    if p.action is PropertyAction.ADD:
        sign, text = "+", f"{p.path}: {format_value(p.new)}"
    elif p.action is PropertyAction.REMOVE:
        sign, text = "-", f"{p.path}: {format_value(p.old)}"
    else:
        sign, text = "~", f"{p.path}: {format_value(p.old)} → {format_value(p.new)}"
    if p.reverts_drift:
        text += f"  {REVERTS}"
    if p.console_owned:
        text += f"  {CONSOLE_OWNED}"
    return sign, text


def member_text(m: MemberChange) -> tuple[str, str]:
    where = json.dumps(m.scope_name, ensure_ascii=False)
    role = role_label(m.role)
    tail = f"  {REVERTS}" if m.reverts_drift else ""
    if m.action is MemberAction.INVITE:
        return "+", f"invite {m.email} as {role} of {where}{tail}"
    if m.action is MemberAction.RESEND:
        return "~", f"re-send the expired invitation of {m.email} as {role} of {where}{tail}"
    if m.action is MemberAction.REVOKE:
        # The state is from the last apply or refresh; the person may have accepted since.
        return "-", (
            f"remove {m.email} as {role} of {where} (invitation pending when last seen){tail}"
        )
    return "-", f"remove {m.email} as {role} of {where}{tail}"


def unit_rows(group: UnitGroup) -> Iterator[Row]:
    """The rows of one unit: its heading, then each resource and what changes in it.

    Hidden characters (bidi overrides, zero-width spaces, ...) in names, emails and
    values are written as escapes, so a reviewer sees exactly what will be applied.
    """
    for row in _unit_rows(group):
        yield replace(row, text=reveal(row.text))


def _unit_rows(group: UnitGroup) -> Iterator[Row]:
    heading = unit_title(group.unit_key, group.unit_name)
    yield Row(RowKind.UNIT, 0, "", heading[:1].upper() + heading[1:])
    for c in group.resources:
        if c.adoption is not None:
            yield Row(RowKind.RESOURCE, 1, "=", resource_heading(c), Op.ADOPT.value)
            if c.op is not Op.ADOPT:
                yield Row(RowKind.STEP, 1, "~", f"{_VERBS[c.op]} {_title(c)}", c.op.value)
        else:
            yield Row(RowKind.RESOURCE, 1, _SIGNS.get(c.op, "~"), resource_heading(c), c.op.value)
        if c.move is not None:
            src = unit_title(c.move.from_unit_key, c.move.from_unit_name)
            dst = unit_title(c.move.to_unit_key, c.move.to_unit_name)
            yield Row(RowKind.MOVE, 2, "→", f"moves from {src} to {dst}")
        for p in c.properties:
            sign, text = property_text(p)
            yield Row(RowKind.PROPERTY, 2, sign, text)
        for m in c.members:
            sign, text = member_text(m)
            yield Row(RowKind.MEMBER, 2, sign, text)
        if c.op in _NEEDS_DETAIL and not (c.properties or c.members or c.move):
            yield Row(RowKind.NOTE, 2, "", _NO_DETAIL)
    for out in group.moved_out:
        title = resource_title(out.type_name, out.key, out.name)
        dst = unit_title(out.to_unit_key, out.to_unit_name)
        yield Row(RowKind.MOVED_OUT, 1, "→", f"{title} moves to {dst} (listed there)")


def iter_rows(plan: Plan) -> Iterator[Row]:
    """Every detail row of the plan, unit by unit, in the plan's fixed order."""
    for group in plan.units:
        yield from unit_rows(group)


# -- drift ----------------------------------------------------------------------------

# What `vcorg drift` adds to a drift line: who made the change, and when.
Annotate = Callable[[ResourceDrift, PropertyChange | MemberDrift | None], str]


def drift_heading(d: ResourceDrift) -> str:
    """`waiting area "Intake" (intake) changed outside vcorg` (with what the plan does)."""
    verb = "deleted" if d.status is DriftStatus.DELETED else "changed"
    text = f"{_title(d)} {verb} outside vcorg"
    if d.console_owned_only:
        text += " (console-owned fields only: not drift)"
    elif d.reverted is True:
        text += " (this plan reverts it)"
    elif d.reverted is False:
        text += " (apply only records it)"
    return text


def member_drift_text(m: MemberDrift) -> tuple[str, str]:
    where = json.dumps(m.scope_name, ensure_ascii=False)
    role = role_label(m.role)
    if m.action is MemberDriftAction.ADDED:
        state = f" ({m.state_now})" if m.state_now and m.state_now != "active" else ""
        return "+", f"{m.email} added as {role} of {where}{state}"
    if m.action is MemberDriftAction.REMOVED:
        was = " (invitation was pending)" if m.state_before == "pending" else ""
        return "-", f"{m.email} removed as {role} of {where}{was}"
    return "!", f"the invitation of {m.email} as {role} of {where} expired"


def drift_resource_rows(
    d: ResourceDrift, *, level: int = 1, annotate: Annotate | None = None
) -> Iterator[Row]:
    """One drifted object: its heading, then each property and person, as plan rows."""

    def note(item: PropertyChange | MemberDrift | None) -> str:
        extra = annotate(d, item) if annotate is not None else ""
        return f"  {extra}" if extra else ""

    sign = "-" if d.status is DriftStatus.DELETED else "~"
    yield Row(RowKind.RESOURCE, level, sign, drift_heading(d) + note(None), d.status.value)
    for p in d.properties:
        sign, text = property_text(p)
        yield Row(RowKind.PROPERTY, level + 1, sign, text + note(p))
    for m in d.members:
        sign, text = member_drift_text(m)
        yield Row(RowKind.MEMBER, level + 1, sign, text + note(m))
    if d.status is DriftStatus.CHANGED and not (d.properties or d.members):
        yield Row(RowKind.NOTE, level + 1, "", _NO_DETAIL)


def drift_rows(
    drift: tuple[ResourceDrift, ...],
    unit_names: dict[str, str],
    *,
    annotate: Annotate | None = None,
) -> Iterator[Row]:
    """Drift grouped by unit (in the given order), with unit headings like the plan's."""
    current: str | None = None
    for d in drift:
        if d.unit_key != current:
            current = d.unit_key
            heading = unit_title(d.unit_key, unit_names.get(d.unit_key, d.unit_key))
            yield Row(RowKind.UNIT, 0, "", reveal(heading[:1].upper() + heading[1:]))
        for row in drift_resource_rows(d, annotate=annotate):
            yield replace(row, text=reveal(row.text))


def plan_drift_rows(plan: Plan) -> Iterator[Row]:
    """The plan's drift section, unit by unit."""
    yield from drift_rows(plan.drift, dict(plan.unit_names))
