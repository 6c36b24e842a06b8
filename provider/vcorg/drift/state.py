"""What vcorg recorded at its last apply: the stack's resources, and when that was.

Read with the Pulumi CLI (`stack select`, `stack export`, `stack history`), without
creating the stack, taking its lock or writing anything: `vcorg drift` reads, and a
missing stack is an empty state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vcorg.plan.steps import TYPE_PREFIX, name_from_urn, type_name_from_token
from vcorg.vocabulary import MEETING_ROOM_KIND, ROLE_MEMBERS_KIND, UNIT_KIND, WAITING_AREA_KIND

KINDS = (UNIT_KIND, WAITING_AREA_KIND, MEETING_ROOM_KIND, ROLE_MEMBERS_KIND)


class StateUnreadable(Exception):
    """The stack exists but its state could not be read."""


@dataclass(frozen=True)
class StateResource:
    """One vcorg resource as the last apply recorded it."""

    urn: str
    type_name: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass(frozen=True)
class LastUpdate:
    """The stack's most recent update (apply, refresh or destroy) and when it ran."""

    kind: str
    started_at: datetime
    ended_at: datetime | None
    result: str


@dataclass(frozen=True)
class RecordedState:
    """The stack's vcorg resources; `exists` is False when there is no stack at all."""

    exists: bool
    resources: tuple[StateResource, ...] = ()
    last_update: LastUpdate | None = None
    # When the state was written last (the checkpoint's own time), a fallback for
    # `last_update` on backends without update history.
    written_at: datetime | None = None
    other: int = 0  # resources of other types (the stack, the component, providers)
    counts: dict[str, int] = field(default_factory=dict)

    def of_kind(self, type_name: str) -> list[StateResource]:
        return [r for r in self.resources if r.type_name == type_name]

    @property
    def since(self) -> datetime | None:
        """When the last apply started (else when the state was last written)."""
        if self.last_update is not None:
            return self.last_update.started_at
        return self.written_at


def resources_from_deployment(deployment: Mapping[str, Any]) -> RecordedState:
    """The vcorg resources of an exported deployment (`pulumi stack export`)."""
    found: list[StateResource] = []
    other = 0
    for raw in deployment.get("resources") or []:
        token = str(raw.get("type", ""))
        type_name = type_name_from_token(token)
        if not token.startswith(TYPE_PREFIX) or type_name not in KINDS:
            other += 1
            continue
        if raw.get("delete") or raw.get("pendingReplacement"):
            continue  # a replaced resource waiting to be deleted, not what is managed
        urn = str(raw.get("urn", ""))
        found.append(
            StateResource(
                urn=urn,
                type_name=type_name,
                name=name_from_urn(urn),
                id=str(raw.get("id") or ""),
                inputs=dict(raw.get("inputs") or {}),
                outputs=dict(raw.get("outputs") or {}),
            )
        )
    found.sort(key=lambda r: r.urn)
    counts: dict[str, int] = {}
    for r in found:
        counts[r.type_name] = counts.get(r.type_name, 0) + 1
    manifest = deployment.get("manifest") or {}
    return RecordedState(
        exists=True,
        resources=tuple(found),
        written_at=parse_time(manifest.get("time")),
        other=other,
        counts=counts,
    )


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 time (any offset, or naive = UTC) as an aware UTC datetime."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def read_recorded_state(target: Any) -> RecordedState:
    """The state of *target* (a `vcorg.engine.stack.StackTarget`), read-only.

    Raises `StateUnreadable` (with the engine's own words) when the stack exists but
    cannot be read, and `vcorg.engine.stack.StackError` when the backend cannot be opened.
    """
    from pulumi import automation as auto

    from vcorg.engine.stack import StackMissing, first_error_line, open_stack

    try:
        stack = open_stack(target, create=False)
    except StackMissing:
        return RecordedState(exists=False)
    try:
        deployment = stack.export_stack().deployment or {}
    except auto.errors.CommandError as exc:
        raise StateUnreadable(first_error_line(str(exc))) from None
    state = resources_from_deployment(deployment)
    last = _last_update(stack)
    if last is None:
        return state
    return RecordedState(
        exists=True,
        resources=state.resources,
        last_update=last,
        written_at=state.written_at,
        other=state.other,
        counts=state.counts,
    )


def _last_update(stack: Any) -> LastUpdate | None:
    from pulumi import automation as auto

    try:
        history = stack.history(page_size=1, page=1)
    except auto.errors.CommandError:
        return None  # a backend without history: the checkpoint's time stands in
    if not history:
        return None
    entry = history[0]
    started = parse_time(entry.start_time)
    if started is None:
        return None
    return LastUpdate(
        kind=str(entry.kind),
        started_at=started,
        ended_at=parse_time(entry.end_time),
        result=str(entry.result),
    )
