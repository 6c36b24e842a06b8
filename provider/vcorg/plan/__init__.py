"""The reviewable plan: steps in, one `Plan` out, rendered as text, Markdown or JSON.

Build the steps with `steps_from_engine_events(events)` (or as `ResourceStep` values),
then `plan = build_plan(steps, token_email=...)`; check it with `plan.raise_if_unsafe()`
and render it with `to_text()`, `to_markdown()`, `to_json()` or `rich` (see docs/plan.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .changes import (
    MemberAction,
    MemberChange,
    Move,
    MovedOut,
    PropertyAction,
    PropertyChange,
    ResourceChange,
    RiskFlag,
    RiskId,
    Summary,
    UnitGroup,
)
from .limits import DEFAULT_MAX_DELETE_FRACTION, MARKDOWN_LIMIT
from .model import Plan
from .planner import build_plan
from .rows import NO_CHANGES
from .safety import SelfLockout, TooManyDeletions, UnitWithoutAdministrator, UnsafePlan
from .steps import Op, ResourceStep
from .values import SECRET, UNKNOWN

if TYPE_CHECKING:
    from .events import steps_from_engine_events

__all__ = [
    "DEFAULT_MAX_DELETE_FRACTION",
    "MARKDOWN_LIMIT",
    "NO_CHANGES",
    "SECRET",
    "UNKNOWN",
    "MemberAction",
    "MemberChange",
    "Move",
    "MovedOut",
    "Op",
    "Plan",
    "PropertyAction",
    "PropertyChange",
    "ResourceChange",
    "ResourceStep",
    "RiskFlag",
    "RiskId",
    "SelfLockout",
    "Summary",
    "TooManyDeletions",
    "UnitGroup",
    "UnitWithoutAdministrator",
    "UnsafePlan",
    "build_plan",
    "steps_from_engine_events",
]


def __getattr__(name: str) -> Any:
    # `events` reads Pulumi's event types, and importing `pulumi.automation` is slow:
    # load it on first use, so `import vcorg.plan` (the CLI's help, saved plans,
    # validate) does not pay for the engine.
    if name == "steps_from_engine_events":
        from .events import steps_from_engine_events

        return steps_from_engine_events
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
