"""Words for kinds, roles and titles, shared by the planner's messages and the renderers."""

from __future__ import annotations

import json

from vcorg.vocabulary import scope_words

from .steps import MEETING_ROOM, ROLE_MEMBERS, UNIT, WAITING_AREA

_KINDS = {
    UNIT: ("unit", "units"),
    WAITING_AREA: ("waiting area", "waiting areas"),
    MEETING_ROOM: ("meeting room", "meeting rooms"),
    ROLE_MEMBERS: ("role membership", "role memberships"),
}


def kind_label(type_name: str, *, plural: bool = False) -> str:
    singular, many = _KINDS.get(type_name, (type_name, f"{type_name} resources"))
    return many if plural else singular


def scope_label(scope_type: str) -> str:
    return scope_words(scope_type)


def role_label(role: str) -> str:
    """`organisation-administrator` → `organisation administrator`."""
    return role.replace("-", " ")


def resource_title(type_name: str, key: str, name: str) -> str:
    """`waiting area "Cardiology Clinic" (cardiology-clinic)`."""
    return f"{kind_label(type_name)} {_quote(name)} ({key})"


def unit_title(unit_key: str, unit_name: str) -> str:
    if not unit_key:
        return "organisation-wide resources"
    return f"unit {_quote(unit_name)} ({unit_key})"


def role_members_title(role: str, scope_type: str, scope_key: str, scope_name: str) -> str:
    """`organisation reporters of unit "Housing" (housing)`."""
    return f"{role_label(role)}s of {scope_label(scope_type)} {_quote(scope_name)} ({scope_key})"


def _quote(text: str) -> str:
    # JSON quoting keeps a name with quotes or newlines on one readable line.
    return json.dumps(text, ensure_ascii=False)
