"""Values as they reach the plan: cleaning engine encodings and printing them.

The engine blinds secrets and marks unknown values with sentinels when it serialises
step state into events; both are turned into the `SECRET` / `UNKNOWN` markers here so
the rest of the plan never sees (or leaks) the raw encodings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# Wire encodings used by the Pulumi engine (sdk/go/common/resource/sig and
# pulumi.runtime.rpc.UNKNOWN); fixed by the engine's serialisation format.
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
BLINDED_SECRET = "[secret]"
UNKNOWN_PLACEHOLDER = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

# Inputs the dynamic-provider machinery adds; never part of what an admin reviews.
ENGINE_KEYS = frozenset({"__provider"})


class Marker:
    """A value the plan cannot show: a secret, or one known only after apply."""

    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return f"Marker({self.kind!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Marker) and other.kind == self.kind

    def __hash__(self) -> int:
        return hash(("vcorg-marker", self.kind))


SECRET = Marker("secret")
UNKNOWN = Marker("unknown")
_MARKER_TEXT = {"secret": "(secret)", "unknown": "(known after apply)"}


def clean_value(value: Any) -> Any:
    """Return *value* with engine encodings replaced by markers and tuples made lists."""
    # A plan walks every property of every step: the common cases come first, without
    # the (slow) abstract-base-class checks.
    kind = type(value)
    if kind is str:
        if value == BLINDED_SECRET:
            return SECRET
        return UNKNOWN if value == UNKNOWN_PLACEHOLDER else value
    if kind is dict or (kind is not list and isinstance(value, Mapping)):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG:
            # Even a plaintext secret (showSecrets) is never carried into a plan.
            return SECRET
        return {str(k): clean_value(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [clean_value(v) for v in value]
    return value


def clean_inputs(props: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Clean a property map and drop the engine's own keys; `None` stays `None`."""
    if props is None:
        return None
    return {str(k): clean_value(v) for k, v in props.items() if k not in ENGINE_KEYS}


def format_value(value: Any) -> str:
    """Render a value for people: JSON literals, sorted keys, markers in words."""
    if isinstance(value, Marker):
        return _MARKER_TEXT[value.kind]
    if isinstance(value, Mapping):
        inner = ", ".join(
            f"{json.dumps(str(k), ensure_ascii=False)}: {format_value(value[k])}"
            for k in sorted(value, key=str)
        )
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(format_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def json_value(value: Any) -> Any:
    """Return *value* as plain JSON data; markers become `{"$vcorg": kind}`."""
    if isinstance(value, Marker):
        return {"$vcorg": value.kind}
    if isinstance(value, Mapping):
        return {str(k): json_value(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [json_value(v) for v in value]
    return value


def is_empty(value: Any) -> bool:
    """True for values not worth listing on a create: empty strings, lists, maps, None."""
    return value is None or value == "" or value == [] or value == {}
