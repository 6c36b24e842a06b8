"""`DriftReport`: the one description of a drift check, built once, rendered three ways.

    state (last apply) + platform (paged lists) ──refresh──▶ drifted resources
    platform objects not in the state ──▶ unmanaged objects, coverage per kind
    audit log since the last apply ──▶ who made each change

Drifted resources are the very `ResourceDrift` values a refreshed plan shows (built by
`vcorg.plan`), so `vcorg drift` and `vcorg plan` never disagree about what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from vcorg.config.models import OrgConfig
from vcorg.config.ownership import console_owned
from vcorg.plan import build_plan
from vcorg.plan.changes import (
    DriftStatus,
    MemberDrift,
    MemberDriftAction,
    PropertyChange,
    ResourceDrift,
)
from vcorg.vocabulary import ROLE_MEMBERS_KIND

from .audit import Attribution, Attributor, AuditLog, AuditWindow
from .platform import PlatformSnapshot
from .refresh import Refreshed
from .state import LastUpdate, RecordedState
from .unmanaged import Coverage, Unmanaged, find_unmanaged

# Keys of `DriftReport.attributions`: (urn, "") for a deleted object, (urn, "property:"
# + path), (urn, "member:" + email); unmanaged objects are ("unmanaged", id).
AttributionKey = tuple[str, str]


@dataclass(frozen=True)
class DriftCounts:
    """The numbers the summary line gives."""

    drifted: int = 0  # managed resources with drift (console-owned-only ones excluded)
    changed: int = 0  # units, waiting areas and rooms changed (console-owned-only excluded)
    deleted: int = 0
    people_added: int = 0
    people_removed: int = 0
    invitations_expired: int = 0
    console_owned: int = 0  # changes to console-owned fields (not drift)
    unmanaged: int = 0  # not ignored
    ignored: int = 0

    @property
    def drift(self) -> int:
        """What makes `vcorg drift` exit 2: drifted resources and unmanaged objects."""
        return self.drifted + self.unmanaged


@dataclass(frozen=True)
class DriftReport:
    organisation: str
    stack: str
    api_url: str
    token_email: str
    checked_at: datetime
    state_exists: bool
    last_update: LastUpdate | None
    managed: int  # resources in the state
    drift: tuple[ResourceDrift, ...]
    unit_names: Mapping[str, str]
    unmanaged: tuple[Unmanaged, ...]
    coverage: tuple[Coverage, ...]
    audit: AuditWindow
    attributions: Mapping[AttributionKey, Attribution] = field(default_factory=dict)
    requests: int = 0
    # Managed resources the token may not read (a unit it holds no role in): not checked.
    not_visible: int = 0

    @property
    def counts(self) -> DriftCounts:
        changed = [d for d in self.drift if d.status is DriftStatus.CHANGED]
        members = [m for d in self.drift for m in d.members]
        return DriftCounts(
            drifted=sum(not d.console_owned_only for d in self.drift),
            changed=sum(
                not d.console_owned_only and d.type_name != ROLE_MEMBERS_KIND for d in changed
            ),
            deleted=sum(d.status is DriftStatus.DELETED for d in self.drift),
            people_added=sum(m.action is MemberDriftAction.ADDED for m in members),
            people_removed=sum(m.action is MemberDriftAction.REMOVED for m in members),
            invitations_expired=sum(m.action is MemberDriftAction.EXPIRED for m in members),
            console_owned=sum(p.console_owned for d in self.drift for p in d.properties),
            unmanaged=sum(u.ignored is None for u in self.unmanaged),
            ignored=sum(u.ignored is not None for u in self.unmanaged),
        )

    @property
    def has_drift(self) -> bool:
        return self.counts.drift > 0

    def attribution(
        self, d: ResourceDrift, item: PropertyChange | MemberDrift | None
    ) -> Attribution | None:
        if item is None:
            return self.attributions.get((d.urn, ""))
        if isinstance(item, PropertyChange):
            return self.attributions.get((d.urn, f"property:{item.path}"))
        return self.attributions.get((d.urn, f"member:{item.email}"))


def build_report(
    *,
    config: OrgConfig,
    stack: str,
    api_url: str,
    token_email: str,
    checked_at: datetime,
    state: RecordedState,
    snapshot: PlatformSnapshot,
    refreshed: Iterable[Refreshed],
    log: AuditLog,
    window: AuditWindow,
    requests: int = 0,
) -> DriftReport:
    everything = list(refreshed)
    refreshed = [r for r in everything if r.visible]
    plan = build_plan(
        [r.step for r in refreshed], console_owned=console_owned(config), token_email=token_email
    )
    # Outside a plan nothing reverts drift: say neither yes nor no.
    drift = tuple(replace(d, reverted=None) for d in plan.drift)
    unmanaged, coverage = find_unmanaged(state, snapshot, config)
    by_urn = {r.step.urn: r for r in refreshed}
    attributor = Attributor(log, window)
    attributions = dict(_attribute_drift(drift, by_urn, snapshot, attributor))
    for u in unmanaged:
        attributions[("unmanaged", u.id)] = attributor.created(u.id, u.created_at)
    return DriftReport(
        organisation=config.organisation,
        stack=stack,
        api_url=api_url,
        token_email=token_email,
        checked_at=checked_at,
        state_exists=state.exists,
        last_update=state.last_update,
        managed=len(state.resources),
        drift=drift,
        unit_names=dict(plan.unit_names),
        unmanaged=tuple(unmanaged),
        coverage=tuple(coverage),
        audit=window,
        attributions=attributions,
        requests=requests,
        not_visible=len(everything) - len(refreshed),
    )


def _attribute_drift(
    drift: tuple[ResourceDrift, ...],
    by_urn: Mapping[str, Refreshed],
    snapshot: PlatformSnapshot,
    attributor: Attributor,
) -> Iterable[tuple[AttributionKey, Attribution]]:
    for d in drift:
        found = by_urn[d.urn]
        object_id = found.recorded.id
        if d.status is DriftStatus.DELETED:
            yield (d.urn, ""), attributor.deleted(object_id)
        for p in d.properties:
            yield (d.urn, f"property:{p.path}"), attributor.property(object_id, p.path)
        before = _grant_ids(found.recorded.outputs)
        now = _grant_ids(found.outputs)
        for m in d.members:
            key = (d.urn, f"member:{m.email}")
            if m.action is MemberDriftAction.ADDED:
                yield key, attributor.member_added(now.get(m.email))
            elif m.action is MemberDriftAction.REMOVED:
                yield key, attributor.member_removed(before.get(m.email))
            else:
                grant_id = now.get(m.email) or before.get(m.email)
                grant = snapshot.grants.get(grant_id or "")
                yield key, attributor.expired(grant_id, grant)


def _grant_ids(outputs: Mapping[str, Any] | None) -> dict[str, str]:
    members = (outputs or {}).get("members")
    if not isinstance(members, Mapping):
        return {}
    return {
        str(email).lower(): str(info.get("grantId"))
        for email, info in members.items()
        if isinstance(info, Mapping) and info.get("grantId")
    }
