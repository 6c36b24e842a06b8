"""Helpers for the property bags the engine hands to dynamic providers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

PROVIDER_KEY = "__provider"


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
