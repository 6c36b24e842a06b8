"""`Plan`: the reviewed description of one preview, built once by `build_plan`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .changes import AdminLoss, ResourceDrift, RiskFlag, Summary, UnitGroup
from .limits import DEFAULT_MAX_DELETE_FRACTION, MARKDOWN_LIMIT
from .render_json import plan_to_dict, render_json
from .render_markdown import render_markdown
from .render_text import render_text, rich_lines
from .safety import check_plan

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult


@dataclass(frozen=True)
class Plan:
    """Counts, risk flags, drift and per-unit changes; every renderer reads only this.

    `units` holds what apply will do (Terraform's resource_changes); `drift` what a
    refresh found changed outside vcorg since the last apply (resource_drift).
    """

    summary: Summary
    risk_flags: tuple[RiskFlag, ...] = ()
    units: tuple[UnitGroup, ...] = ()
    drift: tuple[ResourceDrift, ...] = ()
    # Names of the units that `drift` mentions, by key.
    unit_names: Mapping[str, str] = field(default_factory=dict)
    # Objects of each type that exist before the plan runs (everything but creates).
    managed_counts: Mapping[str, int] = field(default_factory=dict)
    deletions: Mapping[str, int] = field(default_factory=dict)
    admin_losses: tuple[AdminLoss, ...] = ()
    # (unit_key, unit_name, urn) of each unit the plan leaves without an administrator.
    units_without_admin: tuple[tuple[str, str, str], ...] = ()
    token_email: str | None = None

    @property
    def has_changes(self) -> bool:
        return self.summary.changes > 0 or bool(self.risk_flags)

    def raise_if_unsafe(
        self,
        *,
        max_delete_fraction: float = DEFAULT_MAX_DELETE_FRACTION,
        force: bool = False,
        managed_counts: Mapping[str, int] | None = None,
        token_email: str | None = None,
    ) -> None:
        """Raise an `UnsafePlan` subclass if applying this plan breaks a safety rail.

        *managed_counts* (objects of each type under management) defaults to what the
        plan saw; *token_email* defaults to the one given to the planner. *force*
        bypasses every rail except leaving a unit without an administrator.
        """
        check_plan(
            self,
            max_delete_fraction=max_delete_fraction,
            force=force,
            managed_counts=managed_counts,
            token_email=token_email,
        )

    def to_text(self) -> str:
        return render_text(self)

    def to_markdown(self, *, limit: int = MARKDOWN_LIMIT) -> str:
        return render_markdown(self, limit=limit)

    def to_dict(self) -> dict[str, Any]:
        return plan_to_dict(self)

    def to_json(self) -> str:
        return render_json(self)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from rich_lines(self)
