"""Steps cleaned once for the planner, and the display names they carry."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from vcorg.vocabulary import KIND_OF_SCOPE

from .steps import MEETING_ROOM, UNIT, WAITING_AREA, Op, ResourceStep
from .values import clean_inputs


def text_or_none(value: object) -> str | None:
    """A non-empty string, else `None` (markers and other types included)."""
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class PreparedStep:
    """A step with cleaned inputs and outputs, its key and its unit before and after."""

    raw: ResourceStep
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    old_out: dict[str, Any] | None
    new_out: dict[str, Any] | None
    key: str
    unit_key: str
    old_unit_key: str

    @property
    def op(self) -> Op:
        return self.raw.op

    @property
    def type_name(self) -> str:
        return self.raw.type_name

    @property
    def urn(self) -> str:
        return self.raw.urn

    @property
    def inputs(self) -> dict[str, Any]:
        """The inputs after the step, or before it for a delete."""
        return self.new if self.new is not None else (self.old or {})

    def emails(self, which: str) -> frozenset[str]:
        """A `RoleMembers` step's emails, lowercased, `old` or `new`."""
        props = self.old if which == "old" else self.new
        if props is None:
            return frozenset()
        return frozenset(e.lower() for e in props.get("emails") or [] if isinstance(e, str))


def prepare(step: ResourceStep) -> PreparedStep:
    old, new = clean_inputs(step.old_inputs), clean_inputs(step.new_inputs)
    if step.op is Op.CREATE:
        old = None
    if step.op is Op.DELETE:
        new = None
    inputs = new if new is not None else (old or {})
    key = text_or_none(inputs.get("key")) or step.name
    if step.type_name == UNIT:
        unit_key = old_unit_key = key
    else:
        new_unit = text_or_none((new or {}).get("unitKey"))
        old_unit = text_or_none((old or {}).get("unitKey"))
        unit_key = new_unit or old_unit or ""
        old_unit_key = old_unit or unit_key
    return PreparedStep(
        raw=step,
        old=old,
        new=new,
        old_out=clean_inputs(step.old_outputs),
        new_out=clean_inputs(step.new_outputs),
        key=key,
        unit_key=unit_key,
        old_unit_key=old_unit_key,
    )


def prepare_all(steps: Iterable[ResourceStep]) -> list[PreparedStep]:
    """One prepared step per URN (the last one given wins), sorted by URN."""
    by_urn = {step.urn: step for step in steps}
    return [prepare(by_urn[urn]) for urn in sorted(by_urn)]


class Names:
    """Display names of units, waiting areas and rooms after the plan (before, if deleted)."""

    def __init__(self, steps: Iterable[PreparedStep]) -> None:
        self._names: dict[tuple[str, str], str] = {}
        for s in steps:
            if s.type_name in (UNIT, WAITING_AREA, MEETING_ROOM):
                name = text_or_none(s.inputs.get("name"))
                if name is not None:
                    self._names[(s.type_name, s.key)] = name

    def of(self, type_name: str, key: str) -> str:
        """The name, or the key when the plan never saw the object."""
        return self._names.get((type_name, key), key)

    def unit(self, unit_key: str) -> str:
        return self.of(UNIT, unit_key)

    def scope(self, scope_type: str, scope_key: str) -> str:
        return self.of(KIND_OF_SCOPE.get(scope_type, ""), scope_key)
