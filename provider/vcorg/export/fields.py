"""Platform objects as configuration, field by field, driven by the config models.

Every field of `vcorg.config.models.Unit`, `WaitingArea` and `MeetingRoom` (except the
nested collections) has the same name as the platform's field, so the mapping is read
from the models: a field the config language gains is exported without a change here.
Values equal to the model's default are left out. Platform fields the config has no
word for are returned as `Unmapped`, so the export can say what it leaves out.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from vcorg.config.models import AccessHours, default_open_blocks

# What the platform adds to every object, or manages itself; never configuration.
PLATFORM_FIELDS = frozenset({"id", "createdAt", "updatedAt", "version", "link", "unitId"})
# Fields of the models filled in elsewhere (roles from grants, children from their lists).
NESTED = frozenset({"roles", "waitingAreas", "meetingRooms"})


@dataclass(frozen=True)
class Unmapped:
    """A platform field with no counterpart in the configuration, and its value."""

    path: str
    value: Any


def alias(name: str, field: FieldInfo) -> str:
    return field.alias or name


def default_json(model: type[BaseModel], name: str) -> Any:
    """A field's default as the platform would send it (camelCase JSON). Compare only:
    the value is shared."""
    return _defaults(model)[name]


@functools.cache
def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    # Asking pydantic for a default inspects the factory's signature every time: slow
    # over tens of thousands of objects, so once per model.
    return {
        name: _json(field.get_default(call_default_factory=True))
        for name, field in model.model_fields.items()
    }


def _json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


def _item_model(field: FieldInfo) -> type[BaseModel] | None:
    """The model of a list field's items (``list[CallerDetail]`` → CallerDetail)."""
    annotation = field.annotation
    origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def config_fields(
    model: type[BaseModel],
    obj: Mapping[str, Any],
    *,
    special: Mapping[str, Any] | None = None,
    consumed: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], list[Unmapped]]:
    """The config form of *obj*: model fields in model order, defaults left out.

    *special* gives the config value of fields computed by the caller (``None`` leaves
    the field out); *consumed* names platform fields the caller has used for them.
    """
    special = special or {}
    out: dict[str, Any] = {}
    used = set(PLATFORM_FIELDS) | set(consumed)
    unmapped: list[Unmapped] = []
    for name, field in model.model_fields.items():
        key = alias(name, field)
        if key in NESTED:
            continue
        if key in special:
            used.add(key)
            if special[key] is not None:
                out[key] = special[key]
            continue
        if key not in obj:
            continue
        used.add(key)
        value = obj[key]
        item_model = _item_model(field)
        if item_model is not None and isinstance(value, list):
            items = []
            for index, item in enumerate(value):
                if isinstance(item, Mapping):
                    trimmed, lost = config_fields(item_model, item)
                    unmapped += [Unmapped(f"{key}[{index}].{u.path}", u.value) for u in lost]
                    items.append(trimmed)
                else:
                    items.append(item)
            value = items
        if value == default_json(model, name) or (value is None and field.default is None):
            continue
        out[key] = value
    for key, value in obj.items():
        if key not in used and not _empty(value):
            unmapped.append(Unmapped(key, value))
    return out, unmapped


def access_hours(
    hours: Mapping[str, Any] | None, default_timezone: str | None
) -> tuple[dict[str, Any] | None, list[Unmapped]]:
    """``accessHours`` with the default time zone and the default opening left out."""
    if not isinstance(hours, Mapping):
        return None, []
    special: dict[str, Any] = {}
    timezone = hours.get("timezone")
    special["timezone"] = None if timezone == default_timezone else timezone
    default_open = [b.model_dump(mode="json", by_alias=True) for b in default_open_blocks()]
    blocks = hours.get("open")
    special["open"] = None if blocks == default_open else blocks
    out, unmapped = config_fields(AccessHours, hours, special=special)
    return (out or None), [Unmapped(f"accessHours.{u.path}", u.value) for u in unmapped]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {} or value is False
