"""Safety rails checked on a `Plan` before apply.

    UnsafePlan                      base; `overridable` says whether --force bypasses it
    ├── UnitWithoutAdministrator    never overridable
    ├── SelfLockout                 overridable with --force
    └── TooManyDeletions            overridable with --force

`check_plan` is the one place `force` is honoured.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .changes import AdminLoss
from .labels import kind_label, unit_title
from .limits import DEFAULT_MAX_DELETE_FRACTION, MIN_MANAGED_FOR_FRACTION

if TYPE_CHECKING:
    from .model import Plan


class UnsafePlan(Exception):
    """Applying the plan would break a safety rail.

    `str(exc)` says what and the numbers, with no verb (the caller knows whether it is
    refusing to apply or to destroy) and no advice; `hint` is the one line of advice.
    Kept apart so the CLI prints each once: `vcorg: error: refusing to apply: <what>`
    then `  hint: <hint>`.
    """

    overridable = True

    def __init__(self, problem: str, hint: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.hint = hint


class UnitWithoutAdministrator(UnsafePlan):
    """A unit would be left with no active or pending organisation administrator."""

    overridable = False

    def __init__(self, units: Sequence[tuple[str, str]]) -> None:
        self.units = tuple(units)
        names = ", ".join(unit_title(k, n) for k, n in self.units)
        super().__init__(
            f"{names} would be left with no active or pending organisation administrator",
            "keep at least one address under roles.organisationAdministrators of each "
            "unit; --force does not override this rail",
        )


class SelfLockout(UnsafePlan):
    """The API token's own account would lose organisation administrator of a unit."""

    def __init__(self, email: str, units: Sequence[tuple[str, str]]) -> None:
        self.email = email
        self.units = tuple(units)
        names = ", ".join(unit_title(k, n) for k, n in self.units)
        super().__init__(
            f"the API token's own account {email} would stop being organisation "
            f"administrator of {names} and could lock itself out",
            "re-run with --force if that is intended",
        )


class TooManyDeletions(UnsafePlan):
    """Deletions of one kind exceed the allowed share of its managed objects."""

    def __init__(self, type_name: str, deletions: int, managed: int, max_fraction: float) -> None:
        self.type_name = type_name
        self.deletions = deletions
        self.managed = managed
        self.max_fraction = max_fraction
        super().__init__(
            f"the plan deletes {deletions} of {managed} "
            f"{kind_label(type_name, plural=True)} ({deletions / managed:.0%}), more than "
            f"the limit of {max_fraction:.0%} (--max-delete-fraction {max_fraction:g})",
            "check the plan; if the deletions are intended, re-run with --force",
        )


def check_plan(
    plan: Plan,
    *,
    max_delete_fraction: float = DEFAULT_MAX_DELETE_FRACTION,
    force: bool = False,
    managed_counts: Mapping[str, int] | None = None,
    token_email: str | None = None,
) -> None:
    """Raise the first rail the plan breaks, the non-overridable one first."""
    if plan.units_without_admin:
        raise UnitWithoutAdministrator([(k, n) for k, n, _ in plan.units_without_admin])
    if force:
        return
    email = (token_email or plan.token_email or "").lower()
    lost = _lost_units(plan.admin_losses, email)
    if lost:
        raise SelfLockout(email, lost)
    counts = plan.managed_counts if managed_counts is None else managed_counts
    for type_name, deleted in sorted(plan.deletions.items()):
        managed = max(counts.get(type_name, 0), deleted)
        if managed >= MIN_MANAGED_FOR_FRACTION and deleted > max_delete_fraction * managed:
            raise TooManyDeletions(type_name, deleted, managed, max_delete_fraction)


def _lost_units(losses: Sequence[AdminLoss], email: str) -> list[tuple[str, str]]:
    if not email:
        return []
    return [(loss.unit_key, loss.unit_name) for loss in losses if loss.email == email]
