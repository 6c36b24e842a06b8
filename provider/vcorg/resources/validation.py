"""Input validation for ``check()``, with the config's own models and rules.

A kind's settings are validated, one by one, with the fields of the config model that
declares them and with the rules that need only that one value
(`vcorg.config.rules.setting_findings`), so a failure here reads as `vcorg validate`
words it. The inputs only resources have (the
organisation, keys, ids of other objects, ``adopt``) are checked with the config's
types. Values not known yet (during preview) are skipped.

The config loader validates the YAML long before this runs; these checks protect the
providers when they are used directly from a Pulumi program.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from pulumi.dynamic import CheckFailure
from pydantic import BaseModel, StringConstraints, TypeAdapter, ValidationError

from vcorg.config.models import Email, Key
from vcorg.config.positions import format_path
from vcorg.config.rules import setting_findings
from vcorg.config.schema_errors import describe

from .props import Parts, is_unknown, unknown_parts, whole_numbers

ObjectId = Annotated[str, StringConstraints(min_length=1)]


@functools.cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    # Any: ``kind`` is a type form (a class, or an ``Annotated`` alias such as ``Key``),
    # and must be hashable for the cache; typing has no type for "a hashable type form".
    return TypeAdapter(kind, config={"strict": True})


@functools.cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """Validates one field of ``model`` as the model would (type and constraints)."""
    field = model.model_fields[name]
    kind: Any = field.annotation  # a type form, as above
    if field.metadata:
        kind = Annotated[kind, *field.metadata]
    return _adapter(kind)


@functools.cache
def _names(model: type[BaseModel]) -> dict[str, str]:
    """camelCase input name -> attribute name, for every field of ``model``."""
    return {(field.alias or name): name for name, field in model.model_fields.items()}


class Checker:
    """Collects failures; each method checks one property and never raises."""

    def __init__(self, props: Mapping[str, Any]) -> None:
        self.props = props
        self.failures: list[CheckFailure] = []

    def fail(self, path: str, reason: str) -> None:
        self.failures.append(CheckFailure(path, reason))

    def has_failed(self, path: str) -> bool:
        return any(f.property == path for f in self.failures)

    def _get(self, path: str) -> tuple[bool, Any]:
        value = self.props.get(path)
        return (not is_unknown(value)), value

    def _errors(
        self,
        error: ValidationError,
        *,
        at: Parts = (),
        model: type[BaseModel] | None = None,
        skip: Iterable[Parts] = (),
    ) -> None:
        unknown = tuple(skip)
        for detail in error.errors(include_url=False):
            loc = tuple(detail["loc"])
            if any(loc[: len(u)] == u for u in unknown):
                continue  # about a value the engine does not know yet
            _, message = describe(detail, model, (*at, *loc))
            self.fail(format_path((*at, *loc)), message)

    def value(self, path: str, kind: Any, *, required: bool = True) -> None:
        """The property holds a value of the (pydantic-annotated) type ``kind``."""
        known, value = self._get(path)
        if not known or (value is None and not required):
            return
        try:
            _adapter(kind).validate_python(whole_numbers(value))
        except ValidationError as exc:
            self._errors(exc, at=(path,))

    def key(self, path: str, *, required: bool = True) -> None:
        self.value(path, Key, required=required)

    def object_id(self, path: str, *, required: bool = True) -> None:
        self.value(path, ObjectId, required=required)

    def boolean(self, path: str) -> None:
        self.value(path, bool, required=False)

    def choice(self, path: str, options: Sequence[str]) -> None:
        known, value = self._get(path)
        if known and value not in options:
            self.fail(path, f"must be one of {', '.join(options)}")

    def settings(self, model: type[BaseModel], fields: Iterable[str]) -> None:
        """The kind's settings, each validated as the config ``model`` that declares it."""
        names = _names(model)
        for path in fields:
            name = names[path]
            if path not in self.props or self.props[path] is None:
                if model.model_fields[name].is_required():
                    self.fail(path, "is required")
                continue
            value = whole_numbers(self.props[path])
            try:
                valid = _field_adapter(model, name).validate_python(value)
            except ValidationError as exc:
                self._errors(exc, at=(path,), model=model, skip=unknown_parts(value))
                continue
            for found in setting_findings(model, name, valid):
                self.fail(format_path(found.parts), found.message)

    def emails(self, path: str) -> None:
        """A list of email addresses; surrounding spaces are trimmed later, so allowed."""
        known, value = self._get(path)
        if not known:
            return
        if not isinstance(value, list):
            self.fail(path, "must be a list of email addresses")
            return
        for i, email in enumerate(value):
            if not isinstance(email, str):
                self.fail(f"{path}[{i}]", f"{email!r} is not an email address")
                continue
            try:
                _adapter(Email).validate_python(email.strip())
            except ValidationError as exc:
                self._errors(exc, at=(path, i))
