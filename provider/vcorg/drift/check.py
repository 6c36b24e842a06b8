"""One drift check, start to finish: read the state, the platform and the audit log.

Nothing is written: not to the platform, not to the state (the stack is only selected,
never created, and no lock is taken).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from vcorg.client import ClientSettings, PlatformClient
from vcorg.config.models import OrgConfig

from .audit import AuditLog, AuditWindow, read_audit
from .platform import read_platform
from .refresh import refresh
from .report import DriftReport, build_report
from .state import RecordedState, read_recorded_state
from .unmanaged import find_unmanaged


@dataclass(frozen=True)
class Target:
    """What `check` compares: the configuration, its stack and its platform."""

    config: OrgConfig
    stack_name: str
    api_url: str
    token: str
    token_email: str


def check(target: Target, stack: object, client: PlatformClient) -> DriftReport:
    """Compare the platform now with the state of the last apply.

    *stack* is a `vcorg.engine.stack.StackTarget` (the state's backend and stack name).
    """
    state = read_recorded_state(stack)
    return check_against(target, state, client)


def check_against(target: Target, state: RecordedState, client: PlatformClient) -> DriftReport:
    """`check` with the recorded state already read (tests, benchmarks)."""
    from vcorg.resources.session import session_for

    org = target.config.organisation
    checked_at = datetime.now(UTC)
    snapshot = read_platform(client, org)
    refreshed = list(
        refresh(
            state.resources,
            snapshot,
            organisation=org,
            api_url=target.api_url,
            token=target.token,
        )
    )
    unmanaged, _ = find_unmanaged(state, snapshot, target.config)
    something = any(r.step.drift for r in refreshed) or any(u.ignored is None for u in unmanaged)
    if something:
        log, window = read_audit(
            client, org, state.since if state.resources else None, token_email=target.token_email
        )
    else:
        log, window = AuditLog([]), AuditWindow(available=True, needed=False)
    # The providers' own reads (objects in no list: deleted) went through their session.
    own = session_for(ClientSettings(api_url=target.api_url, token=target.token)).client
    return build_report(
        config=target.config,
        stack=target.stack_name,
        api_url=target.api_url,
        token_email=target.token_email,
        checked_at=checked_at,
        state=state,
        snapshot=snapshot,
        refreshed=refreshed,
        log=log,
        window=window,
        requests=client.stats.requests + own.stats.requests,
    )
