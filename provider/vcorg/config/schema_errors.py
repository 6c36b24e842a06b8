"""Turn pydantic validation errors into positioned `Problem`s an admin can act on."""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Iterator, Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from vcorg import vocabulary
from vcorg.config.positions import SourceMap, format_path
from vcorg.config.problem import Problem
from vcorg.config.text import EMAIL_ERROR, INVISIBLE_ERROR
from vcorg.config.yamlload import HugeInteger
from vcorg.visible import reveal

SCHEMA_IDS = {
    "unknown-key": 'Only documented keys are allowed (with a "did you mean" suggestion).',
    "missing-key": "Required keys are present.",
    "wrong-type": "Values have the documented type; nothing is silently converted.",
    "not-allowed-value": "Values come from the documented list (e.g. waiting-area `type`).",
    "too-large": "Numbers are at most the documented maximum (e.g. maxParticipants ≤ 6).",
    "too-small": "Numbers are at least the documented minimum (e.g. maxParticipants ≥ 2).",
    "too-short": "Names and labels are not empty.",
    "too-long": "Texts fit the documented length (names ≤ 100 characters).",
    "too-many-items": "Lists fit the documented size (at most 20 reporting tags).",
    "too-few-items": "Lists have the documented minimum size (an opening block has days).",
    "invalid-format": "Keys, names, emails, times and time zones have the documented form.",
    "invalid-value": "Any other schema violation.",
}

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a map",
    "model_type": "a map",
    "model_attributes_type": "a map",
    "float_type": "a number",
}

_FORMATS = {
    vocabulary.KEY_PATTERN: (
        "is not a valid key: use lowercase letters, digits and single hyphens, "
        "starting with a letter"
    ),
    vocabulary.NAME_PATTERN: "must not start or end with spaces, nor contain line breaks",
    vocabulary.EMAIL_PATTERN: "is not an email address",
    vocabulary.TIME_PATTERN: 'is not a 24-hour time like "08:30" (quote times in YAML)',
    vocabulary.TIMEZONE_PATTERN: "is not a time zone name like Australia/Sydney",
    vocabulary.CALLER_KEY_PATTERN: "is not a valid caller-detail key: use letters, digits, - and _",
}


def problems_from_validation(
    error: ValidationError,
    *,
    model: type[BaseModel] | None,
    prefix: Sequence[str | int],
    sources: SourceMap,
    file_index: int,
) -> Iterator[Problem]:
    """One `Problem` per pydantic error of ``model`` validated at ``prefix``."""
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        kind = detail["type"]
        at_key = kind == "extra_forbidden"
        parts = (*prefix, *loc)
        if "[key]" in parts:
            # pydantic reports a bad map key as a child named "[key]"; point at the key.
            parts = tuple(p for p in parts if p != "[key]")
            loc = tuple(p for p in loc if p != "[key]")
            at_key = True
        file, line, column = sources.locate_in(file_index, parts, at_key=at_key)
        rule, message = describe(detail, model, loc)
        yield Problem(rule, file, line, column, format_path(parts), message)


def describe(
    detail: ErrorDetails, model: type[BaseModel] | None, loc: tuple[int | str, ...]
) -> tuple[str, str]:
    """The problem id and the message for one pydantic error found at ``loc`` of ``model``."""
    kind: str = detail["type"]
    ctx: dict[str, Any] = detail.get("ctx") or {}
    value = detail.get("input")
    if isinstance(value, HugeInteger) and kind in ("int_type", "float_type"):
        # Thousands of digits: out of range, not of the wrong type, and echoed short.
        if value.negative:
            return "too-small", f"{value!r} is far below any allowed value"
        return "too-large", f"{value!r} is far above any allowed value"
    if kind == "extra_forbidden":
        key = str(loc[-1]) if loc else "?"
        allowed = _allowed_keys(model, loc[:-1]) if model is not None else []
        return "unknown-key", f"unknown key {key!r}{_did_you_mean(key, allowed)}" + (
            f" (allowed: {', '.join(allowed)})" if allowed and not _close(key, allowed) else ""
        )
    if kind == "missing":
        return "missing-key", f"required key {str(loc[-1])!r} is missing"
    if kind in _EXPECTED:
        if value is None:
            return "wrong-type", f"expected {_EXPECTED[kind]}, but the value is empty"
        return "wrong-type", f"expected {_EXPECTED[kind]}, got {_kind_of(value)} {_show(value)}"
    if kind == "literal_error":
        choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        if len(choices) == 1:
            return "not-allowed-value", f"{_show(value)} is not supported; use {choices[0]!r}"
        return "not-allowed-value", (
            f"{_show(value)} is not one of {', '.join(choices)}{_did_you_mean(str(value), choices)}"
        )
    if kind == "less_than_equal":
        return "too-large", f"{_show(value)} is greater than the maximum of {ctx.get('le')}"
    if kind == "greater_than_equal":
        return "too-small", f"{_show(value)} is less than the minimum of {ctx.get('ge')}"
    if kind == "string_too_short":
        return "too-short", "must not be empty"
    if kind == "string_too_long":
        return "too-long", (
            f"is {len(value)} characters long; the maximum is {ctx.get('max_length')}"
        )
    if kind == "too_long":
        return "too-many-items", (
            f"has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} are allowed"
        )
    if kind == "too_short":
        return "too-few-items", f"needs at least {ctx.get('min_length')} item(s)"
    if kind in (INVISIBLE_ERROR, EMAIL_ERROR):
        return "invalid-format", f"{_show(value)} {detail['msg']}"
    if kind == "string_pattern_mismatch":
        what = _FORMATS.get(str(ctx.get("pattern")), "has the wrong format")
        return "invalid-format", f"{_show(value)} {what}"
    return "invalid-value", str(detail.get("msg", "invalid value"))


def _kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float | HugeInteger):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    return type(value).__name__


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[...]"
    if isinstance(value, dict):
        return "{...}"
    text = reveal(repr(value)) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _close(word: str, choices: Sequence[str]) -> list[str]:
    return difflib.get_close_matches(word, choices, n=1, cutoff=0.6)


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = _close(word, choices)
    return f"; did you mean {close[0]!r}?" if close else ""


def _allowed_keys(model: type[BaseModel], loc: Sequence[Any]) -> list[str]:
    """The keys allowed in the map found at ``loc`` inside ``model``."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or name: f for name, f in current.model_fields.items()}
            if part not in fields:
                return []
            current = fields[part].annotation
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        elif get_origin(current) is list:
            current = get_args(current)[0]
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation
