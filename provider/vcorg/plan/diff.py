"""Property-level differences between two input maps.

Lists are compared the way an admin thinks of them: lists of plain values (tags,
emails, days) as sets, lists of objects with a `key` (caller-detail fields) matched by
that key, and other lists of objects (access-hours blocks) by position.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from .changes import PropertyAction, PropertyChange
from .values import Marker, format_value

_MISSING: Any = object()

# Shown first because they identify the object; the rest follow alphabetically.
_LEADING_KEYS = ("name", "unitKey", "waitingAreaKey", "description")


def ordered_keys(keys: Collection[str]) -> list[str]:
    lead = [k for k in _LEADING_KEYS if k in keys]
    return lead + sorted(k for k in keys if k not in _LEADING_KEYS)


def diff_properties(
    old: Mapping[str, Any], new: Mapping[str, Any], *, hidden: Collection[str] = ()
) -> list[PropertyChange]:
    """All property changes from *old* to *new*, skipping the top-level *hidden* keys."""
    out: list[PropertyChange] = []
    keys = (set(old) | set(new)) - set(hidden)
    for key in ordered_keys(keys):
        _diff(key, old.get(key, _MISSING), new.get(key, _MISSING), out)
    return out


def _is_object(value: Any) -> bool:
    return isinstance(value, Mapping) and not isinstance(value, Marker)


def _diff(path: str, a: Any, b: Any, out: list[PropertyChange]) -> None:
    if a is not _MISSING and b is not _MISSING and _same(a, b):
        return
    if a is _MISSING:
        out.append(PropertyChange(path, PropertyAction.ADD, new=b))
    elif b is _MISSING:
        out.append(PropertyChange(path, PropertyAction.REMOVE, old=a))
    elif _is_object(a) and _is_object(b):
        for key in sorted(set(a) | set(b)):
            _diff(f"{path}.{key}", a.get(key, _MISSING), b.get(key, _MISSING), out)
    elif isinstance(a, list) and isinstance(b, list):
        _diff_lists(path, a, b, out)
    else:
        out.append(PropertyChange(path, PropertyAction.CHANGE, old=a, new=b))


def _same(a: Any, b: Any) -> bool:
    # bool is an int in Python; True must not equal 1 in a plan.
    return type(a) is type(b) and a == b


def _diff_lists(path: str, a: list[Any], b: list[Any], out: list[PropertyChange]) -> None:
    if not any(_is_object(x) or isinstance(x, list) for x in (*a, *b)):
        _diff_sets(path, a, b, out)
    elif _keyed(a) and _keyed(b):
        _diff_keyed(path, a, b, out)
    else:
        for i in range(max(len(a), len(b))):
            ai = a[i] if i < len(a) else _MISSING
            bi = b[i] if i < len(b) else _MISSING
            _diff(f"{path}[{i}]", ai, bi, out)


def _diff_sets(path: str, a: list[Any], b: list[Any], out: list[PropertyChange]) -> None:
    old_items = {format_value(x): x for x in a}
    new_items = {format_value(x): x for x in b}
    removed = sorted(set(old_items) - set(new_items))
    added = sorted(set(new_items) - set(old_items))
    if not removed and not added:
        # Same members, different order or duplicates: show the whole list once.
        out.append(PropertyChange(path, PropertyAction.CHANGE, old=a, new=b))
        return
    out.extend(PropertyChange(path, PropertyAction.REMOVE, old=old_items[k]) for k in removed)
    out.extend(PropertyChange(path, PropertyAction.ADD, new=new_items[k]) for k in added)


def _keyed(items: list[Any]) -> bool:
    keys = [x.get("key") for x in items if _is_object(x)]
    return (
        len(keys) == len(items)
        and all(isinstance(k, str) for k in keys)
        and len(set(keys)) == len(keys)
    )


def _diff_keyed(path: str, a: list[Any], b: list[Any], out: list[PropertyChange]) -> None:
    old_by_key = {x["key"]: x for x in a}
    new_by_key = {x["key"]: x for x in b}
    for key in sorted(set(old_by_key) | set(new_by_key)):
        _diff(f"{path}[{key}]", old_by_key.get(key, _MISSING), new_by_key.get(key, _MISSING), out)
