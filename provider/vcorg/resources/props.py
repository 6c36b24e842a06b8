"""Helpers for the property bags the engine hands to dynamic providers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

Parts = tuple[str | int, ...]


def is_unknown(value: Any) -> bool:
    """True for a value the engine does not know yet (during preview).

    Check and Diff receive ``Unknown`` objects; the raw sentinel string is accepted too.
    """
    if isinstance(value, Unknown):
        return True
    if isinstance(value, str):
        return value == UNKNOWN
    if isinstance(value, Mapping):
        return any(is_unknown(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unknown(v) for v in value)
    return False


def unknown_parts(value: Any, at: Parts = ()) -> Iterator[Parts]:
    """Where, inside ``value``, the engine does not know the value yet."""
    if isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN):
        yield at
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from unknown_parts(item, (*at, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from unknown_parts(item, (*at, index))


def whole_numbers(value: Any) -> Any:
    """Pulumi sends every number as a float: whole ones back to integers, at any depth."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [whole_numbers(v) for v in value]
    return value


def public(props: Mapping[str, Any]) -> dict[str, Any]:
    """The properties without the engine's private ``__`` keys."""
    return {k: v for k, v in props.items() if not k.startswith("__")}


def normalise(value: Any) -> Any:
    """Canonical form for comparisons: None and "" are the same absent text."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return {k: normalise(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [normalise(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    return bool(normalise(a) == normalise(b))


def changed_fields(
    olds: Mapping[str, Any], news: Mapping[str, Any], fields: Iterable[str]
) -> list[str]:
    """Fields whose new value is unknown or differs from the old one, in ``fields`` order."""
    return [f for f in fields if is_unknown(news.get(f)) or not same(olds.get(f), news.get(f))]


def digest(*parts: Any) -> str:
    """A stable sha256 hex digest of JSON-serialisable parts."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
