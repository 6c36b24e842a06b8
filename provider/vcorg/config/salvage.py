"""Keep what is valid of an object that failed the schema, so the semantic rules still see it.

One `vcorg validate` run must show every problem. When a unit fails the schema because
of one bad email, its waiting areas, names and other people still deserve the semantic
checks; dropping the whole unit would hide them until the email is fixed.

`salvage` builds the model without validating it as a whole (``model_construct``):

- every field that validates on its own keeps its validated value;
- a nested model is salvaged the same way, and a list item by item;
- every part that cannot be made valid becomes ``None``: a *hole*. Holes appear only
  in salvaged objects, which exist only when the schema has already reported an error,
  so such a configuration never goes past validation.

Semantic rules skip holes: a rule that depends on a broken part stays quiet rather than
guess (the schema error already points at it). Where ``None`` is also a valid value
(an optional field), a rule tells a hole from an omission with ``SourceMap.exists``.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def salvage(model: type[M], raw: Any) -> M | None:
    """The valid parts of ``raw`` as a ``model`` with holes, or None if it is not a map."""
    if not isinstance(raw, dict):
        return None
    instance = model.model_construct()
    validator = model.__pydantic_validator__
    for name, field in model.model_fields.items():
        alias = field.alias or name
        if alias not in raw:
            if field.is_required():
                instance.__dict__[name] = None
            continue
        value = raw[alias]
        try:
            # Validates this one field with the model's own rules (strictness included)
            # and stores the result on the instance.
            validator.validate_assignment(instance, name, value)
        except ValidationError:
            instance.__dict__[name] = _salvage_value(model, name, field.annotation, value)
    return instance


def _salvage_value(model: type[BaseModel], name: str, annotation: Any, value: Any) -> Any:
    inner = _unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        return salvage(inner, value)
    if get_origin(inner) is list and isinstance(value, list):
        (item_type,) = get_args(inner)
        return [_salvage_item(model, name, _unwrap(item_type), item) for item in value]
    return None


def _salvage_item(model: type[BaseModel], name: str, item_type: Any, item: Any) -> Any:
    """One list item, validated as the field's only item (so its exact rules apply)."""
    scratch = model.model_construct()
    try:
        model.__pydantic_validator__.validate_assignment(scratch, name, [item])
    except ValidationError:
        if isinstance(item_type, type) and issubclass(item_type, BaseModel):
            return salvage(item_type, item)
        return None
    return scratch.__dict__[name][0]


def _unwrap(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` -> ``X``."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation
