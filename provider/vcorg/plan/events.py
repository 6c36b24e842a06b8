"""Turn Pulumi Automation API engine events into `ResourceStep`s.

The engine reports a replacement as up to three steps on one URN (`create-replacement`,
`replace`, `delete-replaced`); they become one `replace`. The stack resource, providers
and components (the `Organisation`) carry nothing to review and are dropped.

A refreshed preview (`preview --refresh`) reports each resource twice. First a `refresh`
step: its pre-event has old == new (both the state recorded at the last apply), and
only its `res_outputs_event` shows what the platform returned (old = recorded, new =
refreshed). Then the program's own step (`same`, `update`, ...), whose old is the
refreshed state. So drift is judged on the outputs event, and the program step's old,
not the refresh's, is the "before" of what apply will do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pulumi.automation import events as pe

from vcorg.resources import OUTPUT_SLOTS

from .drift import differs, judged_outputs
from .steps import (
    DRIFT_CHANGED,
    DRIFT_DELETED,
    Op,
    ResourceStep,
    name_from_urn,
    type_name_from_token,
)

_OP_MAP: dict[str, Op | None] = {
    "same": Op.SAME,
    "create": Op.CREATE,
    "update": Op.UPDATE,
    "delete": Op.DELETE,
    "replace": Op.REPLACE,
    "create-replacement": Op.REPLACE,
    "delete-replaced": Op.REPLACE,
    "read": Op.READ,
    "read-replacement": Op.READ,
    "refresh": Op.SAME,  # promoted to refresh-drift below when the outputs differ
    "import": Op.READ,
    "import-replacement": Op.REPLACE,
    # These only tidy the engine's state; nothing on the platform changes.
    "discard": None,
    "discard-replaced": None,
    "remove-pending-replace": None,
}

# Strength of an op when several events name the same URN: the stronger one wins.
_RANK = {
    Op.SAME: 0,
    Op.READ: 1,
    Op.REFRESH_DRIFT: 2,
    Op.UPDATE: 3,
    Op.CREATE: 4,
    Op.DELETE: 4,
    Op.REPLACE: 5,
}


def _skipped(type_token: str, state: pe.StepEventStateMetadata | None) -> bool:
    if type_token.startswith("pulumi:"):
        return True  # the stack itself and provider resources
    if type_token.startswith("pulumi-python:dynamic/"):
        return False
    # Components (the Organisation) arrive with `custom` unset, not False.
    return state is None or state.custom is not True


@dataclass
class _Acc:
    urn: str
    type_token: str
    op: Op
    old: pe.StepEventStateMetadata | None = None
    new: pe.StepEventStateMetadata | None = None
    outputs: dict[str, Any] | None = None
    # From a refresh: the state recorded at the last apply, and what the platform returned.
    recorded: pe.StepEventStateMetadata | None = None
    refreshed: pe.StepEventStateMetadata | None = None
    drifted: bool = False


def _op_name(raw: pe.OpType | str) -> str:
    """The engine's name of an op: `refresh`, `create-replacement`, ..."""
    return raw.value if isinstance(raw, pe.OpType) else str(raw)


def _op_of(raw: pe.OpType | str) -> Op | None:
    # An op newer than this code: show it (as an update) rather than hide it.
    return _OP_MAP.get(_op_name(raw), Op.UPDATE)


def steps_from_engine_events(events: Iterable[pe.EngineEvent]) -> list[ResourceStep]:
    """Collect one `ResourceStep` per URN from a preview's or an update's events.

    Only `resource_pre_event`s define steps; a later `res_outputs_event` for the same URN
    supplies the outputs the provider returned. The result is sorted by URN.
    """
    acc: dict[str, _Acc] = {}
    for event in events:
        pre = event.resource_pre_event
        if pre is not None:
            _add_pre(acc, pre.metadata)
            continue
        done = event.res_outputs_event
        if done is None or done.metadata.urn not in acc:
            continue
        md = done.metadata
        entry = acc[md.urn]
        if _op_name(md.op) == "refresh":
            _add_refresh_outputs(entry, md)
        elif md.new is not None:
            entry.outputs = dict(md.new.outputs or {})
    return [_to_step(a) for _, a in sorted(acc.items())]


def _add_pre(acc: dict[str, _Acc], md: pe.StepEventMetadata) -> None:
    op = _op_of(md.op)
    if op is None or _skipped(md.type, md.new or md.old):
        return
    entry = acc.get(md.urn)
    if entry is None:
        entry = acc[md.urn] = _Acc(md.urn, md.type, op)
    if _op_name(md.op) == "refresh":
        # The refresh is not what apply will do: it only tells what the state was and is.
        entry.recorded = entry.recorded or md.old
        if differs(_managed(md.old), _managed(md.new)):  # an engine that reports it up front
            entry.refreshed = md.new
            entry.drifted = True
            _raise(entry, Op.REFRESH_DRIFT)
        return
    _raise(entry, op)
    # Across a replacement's events, keep the earliest old state and the latest new one.
    if entry.old is None and md.old is not None:
        entry.old = md.old
    if md.new is not None and not md.new.delete:
        entry.new = md.new


def _add_refresh_outputs(entry: _Acc, md: pe.StepEventMetadata) -> None:
    """The platform's answer to a refresh: drift when it differs from the recorded state."""
    entry.recorded = entry.recorded or md.old
    entry.refreshed = md.new
    if md.new is None or differs(_managed(entry.recorded), _managed(md.new)):
        entry.drifted = True
        _raise(entry, Op.REFRESH_DRIFT)


def _managed(state: pe.StepEventStateMetadata | None) -> dict[str, Any] | None:
    """The outputs drift is judged on (`vcorg.plan.drift.judged_outputs`); None if gone."""
    if state is None:
        return None
    return judged_outputs(state.inputs, _outputs(state), output_slots=OUTPUT_SLOTS)


def _raise(entry: _Acc, op: Op) -> None:
    if _RANK[op] > _RANK[entry.op]:
        entry.op = op


def _outputs(state: pe.StepEventStateMetadata | None) -> dict[str, Any]:
    # `__provider` is the pickled provider code, not platform state: a new vcorg release
    # changes it everywhere and must not read as drift.
    if state is None:
        return {}
    return {k: v for k, v in (state.outputs or {}).items() if k != "__provider"}


def _to_step(a: _Acc) -> ResourceStep:
    old, new = a.old, a.new
    new_outputs = a.outputs
    if a.op is Op.REFRESH_DRIFT:
        # Drift is the change from what the last apply recorded to what the platform holds.
        old = a.recorded or old
        if a.refreshed is not None:
            new_outputs = _dict(a.refreshed, "outputs")
        if new is None:  # a refresh without a program step (e.g. `pulumi refresh` events)
            new = a.refreshed or a.recorded
    elif old is None and a.op is not Op.CREATE:
        # Only refresh events named this URN: the refreshed state is the current one.
        old = a.refreshed or a.recorded
        new = new or old
    if a.op is Op.DELETE:
        new = None
    if a.op is Op.CREATE:
        old = None
    if new_outputs is None:
        new_outputs = _dict(new, "outputs")
    drift = None
    if a.drifted:
        drift = DRIFT_DELETED if a.refreshed is None else DRIFT_CHANGED
    return ResourceStep(
        urn=a.urn,
        type_name=type_name_from_token(a.type_token),
        name=name_from_urn(a.urn),
        op=a.op,
        old_inputs=_dict(old, "inputs"),
        new_inputs=_dict(new, "inputs"),
        old_outputs=_dict(old, "outputs"),
        new_outputs=new_outputs,
        drift=drift,
        recorded_outputs=_managed(a.recorded) if a.drifted else None,
        refreshed_outputs=_managed(a.refreshed) if a.drifted else None,
    )


def _dict(state: pe.StepEventStateMetadata | None, attr: str) -> dict[str, Any] | None:
    if state is None:
        return None
    value = getattr(state, attr)
    return dict(value) if value is not None else None
