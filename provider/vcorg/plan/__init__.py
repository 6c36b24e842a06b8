"""The reviewable plan: steps in, one `Plan` out, rendered as text, Markdown or JSON.

    steps = steps_from_engine_events(events)      # or build ResourceStep values directly
    plan = build_plan(steps, token_email=me)
    plan.raise_if_unsafe(max_delete_fraction=0.25, force=False)
    print(plan.to_text()); plan.to_markdown(); plan.to_json(); rich.print(plan)
"""

from __future__ import annotations

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
from .events import steps_from_engine_events
from .limits import DEFAULT_MAX_DELETE_FRACTION, MARKDOWN_LIMIT
from .model import Plan
from .planner import build_plan
from .rows import NO_CHANGES
from .safety import SelfLockout, TooManyDeletions, UnitWithoutAdministrator, UnsafePlan
from .steps import Op, ResourceStep
from .values import SECRET, UNKNOWN

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
