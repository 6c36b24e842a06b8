"""Risk flags: what a reviewer must look at, derived once from the prepared steps."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from vcorg.vocabulary import ORGANISATION_ADMINISTRATOR as ADMIN_ROLE

from .changes import RISK_ORDER, AdminLoss, ResourceChange, RiskFlag, RiskId
from .labels import resource_title, role_label, unit_title
from .prepared import Names, PreparedStep, text_or_none
from .steps import CHANGING_OPS, MEETING_ROOM, ROLE_MEMBERS, UNIT, WAITING_AREA, Op


@dataclass(frozen=True)
class AdminFacts:
    """Who stops being organisation administrator, and which units end with none."""

    losses: tuple[AdminLoss, ...]
    # (unit_key, unit_name, urn of the step responsible)
    units_without_admin: tuple[tuple[str, str, str], ...]
    # unit key → urn of its administrators' RoleMembers
    admin_urns: dict[str, str]


def _is_unit_admins(s: PreparedStep) -> bool:
    return (
        s.type_name == ROLE_MEMBERS
        and s.inputs.get("role") == ADMIN_ROLE
        and s.inputs.get("scopeType") == "unit"
    )


def admin_facts(steps: list[PreparedStep], names: Names) -> AdminFacts:
    """Only changes count: a unit that already had no administrator and is untouched is
    the platform's state, not this plan's doing. Emails kept by the configuration count
    as active or pending: the resources re-send expired invitations on apply.
    """
    deleted_units = {s.key for s in steps if s.type_name == UNIT and s.op is Op.DELETE}
    losses: list[AdminLoss] = []
    without: dict[str, str] = {}
    has_admins: set[str] = set()
    admin_urns: dict[str, str] = {}
    for s in filter(_is_unit_admins, steps):
        unit_key = text_or_none(s.inputs.get("scopeKey")) or s.unit_key
        admin_urns[unit_key] = s.urn
        if s.emails("new"):
            has_admins.add(unit_key)
        if unit_key in deleted_units:
            continue
        gone = sorted(s.emails("old") - s.emails("new"))
        losses.extend(AdminLoss(unit_key, names.unit(unit_key), e) for e in gone)
        if s.op in CHANGING_OPS and not s.emails("new"):
            without[unit_key] = s.urn
    for s in steps:
        # A unit created by this plan needs its administrators created with it.
        if s.type_name == UNIT and s.op is Op.CREATE and s.key not in has_admins:
            without.setdefault(s.key, s.urn)
    return AdminFacts(
        losses=tuple(losses),
        units_without_admin=tuple((k, names.unit(k), urn) for k, urn in sorted(without.items())),
        admin_urns=admin_urns,
    )


def risk_flags(
    steps: list[PreparedStep], names: Names, facts: AdminFacts, token_email: str | None
) -> list[RiskFlag]:
    """Every flag, in the fixed order: by id rank, then unit key, subject and URN."""
    flags: list[RiskFlag] = []
    for s in steps:
        flags.extend(_resource_flags(s, names))
    admin = role_label(ADMIN_ROLE)
    for loss in facts.losses:
        unit = unit_title(loss.unit_key, loss.unit_name)
        urn = facts.admin_urns.get(loss.unit_key, "")
        message = f"Removes {loss.email} as {admin} of {unit}."
        flags.append(
            RiskFlag(RiskId.ADMINISTRATOR_REMOVED, loss.unit_key, loss.email, message, urn)
        )
        if token_email and loss.email == token_email:
            message = f"The API token's own account {loss.email} loses {admin} of {unit}."
            flags.append(RiskFlag(RiskId.SELF_LOCKOUT, loss.unit_key, loss.email, message, urn))
    for unit_key, unit_name, urn in facts.units_without_admin:
        message = (
            f"{_capitalised(unit_title(unit_key, unit_name))} would have no active or "
            f"pending {admin}."
        )
        flags.append(RiskFlag(RiskId.UNIT_WITHOUT_ADMINISTRATOR, unit_key, unit_key, message, urn))
    flags.sort(key=lambda f: (RISK_ORDER[f.id], f.unit_key, f.subject, f.urn))
    return flags


def _resource_flags(s: PreparedStep, names: Names) -> list[RiskFlag]:
    title = _capitalised(resource_title(s.type_name, s.key, names.of(s.type_name, s.key)))
    if s.type_name != UNIT and s.unit_key:
        title += f" in {unit_title(s.unit_key, names.unit(s.unit_key))}"
    subject = f"{s.type_name}:{s.key}"
    flags = []
    # People leaving with a deleted role membership are listed and counted instead.
    if s.op is Op.DELETE and s.type_name != ROLE_MEMBERS:
        message = f"{title} will be deleted."
        flags.append(RiskFlag(RiskId.DELETION, s.unit_key, subject, message, s.urn))
    link = _link_message(s, title)
    if link:
        flags.append(RiskFlag(RiskId.SERVICE_USER_LINK_CHANGE, s.unit_key, subject, link, s.urn))
    return flags


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _link_message(s: PreparedStep, title: str) -> str | None:
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


def attach_risks(changes: list[ResourceChange], flags: list[RiskFlag]) -> list[ResourceChange]:
    """Copy each flag's id onto the resource that raised it, once, in flag order."""
    by_urn: dict[str, list[str]] = defaultdict(list)
    for f in flags:
        if f.urn and f.id.value not in by_urn[f.urn]:
            by_urn[f.urn].append(f.id.value)
    return [replace(c, risks=tuple(by_urn.get(c.urn, ()))) for c in changes]
