"""JSON for machines; the shape is `schemas/plan.schema.json` (documented in docs/plan.md)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..visible import reveal_json
from .changes import (
    MemberChange,
    MemberDrift,
    PropertyAction,
    PropertyChange,
    ResourceChange,
    ResourceDrift,
    UnitGroup,
)
from .rows import NO_CHANGES, summary_sentence
from .steps import ROLE_MEMBERS
from .values import json_value

if TYPE_CHECKING:
    from .model import Plan

FORMAT_VERSION = 2


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    s = plan.summary
    return {
        "formatVersion": FORMAT_VERSION,
        "hasChanges": plan.has_changes,
        "headline": summary_sentence(s) if plan.has_changes else NO_CHANGES,
        "summary": {
            "creates": s.creates,
            "updates": s.updates,
            "replaces": s.replaces,
            "deletes": s.deletes,
            "drifted": s.drifted,
            "unchanged": s.unchanged,
            "peopleInvited": s.people_invited,
            "peopleRemoved": s.people_removed,
            "adopts": s.adopts,
            "peopleResent": s.people_resent,
            "revertingDrift": s.reverting_drift,
        },
        "riskFlags": [
            {
                "id": f.id.value,
                "unitKey": f.unit_key,
                "subject": f.subject,
                "urn": f.urn,
                "message": f.message,
            }
            for f in plan.risk_flags
        ],
        "resourceDrift": [
            drift_to_dict(d, plan.unit_names.get(d.unit_key, d.unit_key)) for d in plan.drift
        ],
        "units": [_unit(g) for g in plan.units],
    }


def drift_to_dict(d: ResourceDrift, unit_name: str) -> dict[str, Any]:
    """One drifted object (also the core of each item of `vcorg drift --format json`)."""
    out: dict[str, Any] = {
        "urn": d.urn,
        "type": d.type_name,
        "key": d.key,
        "name": d.name,
        "unitKey": d.unit_key,
        "unitName": unit_name,
        "status": d.status.value,
        "consoleOwnedOnly": d.console_owned_only,
        "reverted": d.reverted,
        "properties": [property_to_dict(p) for p in d.properties],
        "members": [member_drift_to_dict(m) for m in d.members],
    }
    if d.role is not None:
        out["role"] = d.role
        out["scopeType"] = d.scope_type
        out["scopeKey"] = d.scope_key
    return out


def member_drift_to_dict(m: MemberDrift) -> dict[str, Any]:
    return {
        "action": m.action.value,
        "email": m.email,
        "role": m.role,
        "scopeType": m.scope_type,
        "scopeKey": m.scope_key,
        "scopeName": m.scope_name,
        "stateBefore": m.state_before,
        "stateNow": m.state_now,
    }


def _unit(g: UnitGroup) -> dict[str, Any]:
    return {
        "unitKey": g.unit_key,
        "unitName": g.unit_name,
        "resources": [_resource(c) for c in g.resources],
        "movedOut": [
            {
                "type": m.type_name,
                "key": m.key,
                "name": m.name,
                "op": m.op.value,
                "toUnitKey": m.to_unit_key,
                "toUnitName": m.to_unit_name,
            }
            for m in g.moved_out
        ],
    }


def _resource(c: ResourceChange) -> dict[str, Any]:
    out: dict[str, Any] = {
        "urn": c.urn,
        "type": c.type_name,
        "key": c.key,
        "name": c.name,
        "op": c.op.value,
        "unitKey": c.unit_key,
        "risks": list(c.risks),
        "revertsDrift": c.reverts_drift,
        "move": None,
        "adopt": None,
        "properties": [property_to_dict(p) for p in c.properties],
        "members": [_member(m) for m in c.members],
    }
    if c.move is not None:
        out["move"] = {
            "fromUnitKey": c.move.from_unit_key,
            "fromUnitName": c.move.from_unit_name,
            "toUnitKey": c.move.to_unit_key,
            "toUnitName": c.move.to_unit_name,
        }
    if c.adoption is not None:
        out["adopt"] = {
            "id": c.adoption.id,
            "link": c.adoption.link,
            "people": dict(c.adoption.people) if c.type_name == ROLE_MEMBERS else None,
        }
    if c.role is not None:
        out["role"] = c.role
        out["scopeType"] = c.scope_type
        out["scopeKey"] = c.scope_key
    return out


def property_to_dict(p: PropertyChange) -> dict[str, Any]:
    out: dict[str, Any] = {"path": p.path, "action": p.action.value}
    if p.action is not PropertyAction.ADD:
        out["old"] = json_value(p.old)
    if p.action is not PropertyAction.REMOVE:
        out["new"] = json_value(p.new)
    if p.console_owned:
        out["consoleOwned"] = True
    if p.reverts_drift:
        out["revertsDrift"] = True
    return out


def _member(m: MemberChange) -> dict[str, Any]:
    return {
        "action": m.action.value,
        "email": m.email,
        "role": m.role,
        "scopeType": m.scope_type,
        "scopeKey": m.scope_key,
        "scopeName": m.scope_name,
        "previousState": m.previous_state,
        "revertsDrift": m.reverts_drift,
    }


def render_json(plan: Plan) -> str:
    """Indented, key order fixed by construction, one trailing newline.

    Hidden characters are written as JSON escapes (the data is unchanged), so the file
    can be read safely in an editor or a CI log.
    """
    return reveal_json(json.dumps(plan_to_dict(plan), indent=2, ensure_ascii=False)) + "\n"
