"""What `vcorg plan` and `vcorg apply` read from the platform before a preview.

With adoption on (`--adopt`, or `defaults.adoptExisting`), the organisation is read once,
by list, so the plan can show which creates take over an existing object
(`vcorg.plan.adoption`). The same read serves as the saved plan's platform fingerprint,
so `plan --adopt --out` does not list the platform twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from vcorg.cli.translate import platform_errors

if TYPE_CHECKING:
    from vcorg.cli.target import Target
    from vcorg.client import PlatformClient
    from vcorg.client.snapshot import OrgSnapshot
    from vcorg.plan import ResourceStep


def adopting(target: Target) -> bool:
    return target.adopt or target.config.defaults.adopt_existing


def read_before_preview(
    client: PlatformClient, target: Target, *, fingerprint: bool
) -> tuple[OrgSnapshot | None, dict[str, str]]:
    """The platform as a snapshot (when adopting) and as a fingerprint (when asked)."""
    from vcorg.client.snapshot import read_snapshot
    from vcorg.engine.saved_plan import platform_fingerprint

    snapshot = None
    marks: dict[str, str] = {}
    with platform_errors():
        if adopting(target):
            snapshot = read_snapshot(client, target.organisation)
        if fingerprint:
            objects = snapshot.by_collection() if snapshot is not None else None
            marks = platform_fingerprint(client, target.organisation, objects=objects)
    return snapshot, marks


def with_adoptions(
    steps: Sequence[ResourceStep], snapshot: OrgSnapshot | None
) -> list[ResourceStep]:
    """The preview's steps, with the creates that take over an existing object as such."""
    if snapshot is None:
        return list(steps)
    from vcorg.plan.adoption import adopt_steps

    return adopt_steps(steps, snapshot)
