"""Who changed what: drift attributed from the platform's audit log.

The log is read once, oldest first, only from the start of the last apply (less a few
minutes for clocks that disagree) and by pages, up to `MAX_EVENTS`: a nightly check reads
what happened since the last apply, never the organisation's whole history. Each drifted
item is then matched to the newest event that made that change: by object id and field,
by grant id for people, by deletion for objects that are gone.

When the token may not read the log (only system administrators may), or there is no
last apply to read it from, every item says attribution is unavailable and why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from vcorg.client import Forbidden, JSONObject, NotFound, PlatformClient, PlatformError
from vcorg.plan.drift import top_level

# Read the log from this long before the last apply started: the platform's clock and
# the machine that ran the apply may disagree a little.
MARGIN = timedelta(minutes=5)
# At most this many events are read (100 pages of 500); the window says when it stopped.
MAX_EVENTS = 50_000
PAGE_SIZE = 500


class Found(StrEnum):
    FOUND = "found"  # an audit event says who and when
    PLATFORM = "platform"  # nobody did it: the platform did (an invitation expired)
    NOT_FOUND = "not-found"  # the log since the last apply has no such event
    UNAVAILABLE = "unavailable"  # the log could not be read (see `reason`)


@dataclass(frozen=True)
class Attribution:
    """Who made one change and when, or why that is not known."""

    status: Found
    actor: str | None = None
    at: str | None = None
    action: str | None = None
    reason: str | None = None

    def text(self) -> str:
        """`by ana@x at 2026-11-29 10:01:02 UTC (waiting-area.update)`, or why not."""
        if self.status is Found.FOUND:
            return f"by {self.actor} at {show_time(self.at)} ({self.action})"
        if self.status is Found.PLATFORM:
            return self.reason or "by the platform"
        if self.status is Found.UNAVAILABLE:
            return f"attribution unavailable: {self.reason}"
        return f"not attributed: {self.reason}"


@dataclass(frozen=True)
class AuditWindow:
    """What of the audit log was read: from when, how much, and whether all of it."""

    available: bool
    since: datetime | None = None
    events: int = 0
    requests: int = 0
    complete: bool = True
    reason: str | None = None  # why it is unavailable
    # False when nothing drifted and nothing is unmanaged: the log was not read at all.
    needed: bool = True


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def show_time(value: str | datetime | None) -> str:
    """`2026-11-29 10:01:02 UTC` for people."""
    if value is None:
        return "an unknown time"
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    assert isinstance(moment, datetime)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class AuditLog:
    """The events read, by object id, oldest first."""

    def __init__(self, events: list[JSONObject]) -> None:
        self._by_object: dict[str, list[JSONObject]] = defaultdict(list)
        for event in events:
            self._by_object[str(event.get("objectId"))].append(event)

    def _newest(self, object_id: str | None) -> Iterator[JSONObject]:
        if not object_id:
            return iter(())
        return reversed(self._by_object.get(object_id, []))

    def field_change(self, object_id: str | None, field: str) -> JSONObject | None:
        """The newest event that changed *field* (top level) of the object."""
        for event in self._newest(object_id):
            before, after = event.get("before"), event.get("after")
            if not isinstance(after, Mapping):
                continue
            if not isinstance(before, Mapping) or before.get(field) != after.get(field):
                return event
        return None

    def deletion(self, object_id: str | None) -> JSONObject | None:
        """The event that deleted (or revoked) the object."""
        for event in self._newest(object_id):
            after = event.get("after")
            if after is None or (isinstance(after, Mapping) and after.get("state") == "revoked"):
                return event
        return None

    def creation(self, object_id: str | None) -> JSONObject | None:
        for event in self._newest(object_id):
            if event.get("before") is None and event.get("after") is not None:
                return event
        return None

    def action(self, object_id: str | None, action: str) -> JSONObject | None:
        return next((e for e in self._newest(object_id) if e.get("action") == action), None)


def read_audit(
    client: PlatformClient,
    org: str,
    since: datetime | None,
    *,
    token_email: str,
    max_events: int = MAX_EVENTS,
) -> tuple[AuditLog, AuditWindow]:
    """The log since *since* (less `MARGIN`), paged and bounded; never the whole history."""
    if since is None:
        return AuditLog([]), AuditWindow(
            available=False,
            reason="vcorg has not applied this stack yet, so there is no last apply to "
            "read the audit log from",
        )
    start = since - MARGIN
    events: list[JSONObject] = []
    before = client.stats.requests
    complete = True
    try:
        for event in client.iter_audit(org, since=rfc3339(start), page_size=PAGE_SIZE):
            if len(events) >= max_events:
                complete = False
                break
            events.append(event)
    except Forbidden as exc:
        detail = exc.problem.detail if exc.problem is not None else None
        return AuditLog([]), AuditWindow(
            available=False,
            since=start,
            requests=client.stats.requests - before,
            reason=f"the token's account ({token_email}) may not read the audit log"
            + (f" (the platform says: {detail})" if detail else ""),
        )
    except NotFound:
        return AuditLog([]), AuditWindow(
            available=False,
            since=start,
            requests=client.stats.requests - before,
            reason="the platform has no audit log",
        )
    except PlatformError as exc:
        return AuditLog([]), AuditWindow(
            available=False,
            since=start,
            requests=client.stats.requests - before,
            reason=f"the audit log could not be read: {str(exc).splitlines()[0]}",
        )
    return AuditLog(events), AuditWindow(
        available=True,
        since=start,
        events=len(events),
        requests=client.stats.requests - before,
        complete=complete,
    )


class Attributor:
    """Turns audit events into `Attribution`s for drifted items and unmanaged objects."""

    def __init__(self, log: AuditLog, window: AuditWindow) -> None:
        self.log = log
        self.window = window

    def _unavailable(self) -> Attribution | None:
        if not self.window.available:
            return Attribution(Found.UNAVAILABLE, reason=self.window.reason)
        return None

    def _found(self, event: JSONObject | None, missing: str) -> Attribution:
        if event is None:
            since = show_time(self.window.since)
            extra = "" if self.window.complete else " (the log was read only in part)"
            return Attribution(Found.NOT_FOUND, reason=f"{missing} since {since}{extra}")
        return Attribution(
            Found.FOUND,
            actor=str(event.get("actor")),
            at=str(event.get("at")),
            action=str(event.get("action")),
        )

    def property(self, object_id: str | None, path: str) -> Attribution:
        field = top_level(path)
        return self._unavailable() or self._found(
            self.log.field_change(object_id, field),
            f"no change of {field} in the audit log",
        )

    def deleted(self, object_id: str | None) -> Attribution:
        return self._unavailable() or self._found(
            self.log.deletion(object_id), "no deletion in the audit log"
        )

    def member_added(self, grant_id: str | None) -> Attribution:
        return self._unavailable() or self._found(
            self.log.creation(grant_id), "no invitation in the audit log"
        )

    def member_removed(self, grant_id: str | None) -> Attribution:
        return self._unavailable() or self._found(
            self.log.deletion(grant_id), "no removal in the audit log"
        )

    def expired(self, grant_id: str | None, grant: Mapping[str, Any] | None) -> Attribution:
        unavailable = self._unavailable()
        if unavailable is not None:
            return unavailable
        forced = self.log.action(grant_id, "grant.expire")
        if forced is not None:
            return self._found(forced, "")
        invitation = (grant or {}).get("invitation") or {}
        expires = invitation.get("expiresAt") if isinstance(invitation, Mapping) else None
        when = f" at {show_time(expires)}" if expires else ""
        return Attribution(
            Found.PLATFORM, at=expires, reason=f"expired on its own{when}, unanswered"
        )

    def created(self, object_id: str, created_at: str | None) -> Attribution:
        unavailable = self._unavailable()
        if unavailable is not None:
            return unavailable
        event = self.log.creation(object_id)
        if event is not None:
            return self._found(event, "")
        when = f"created {show_time(created_at)}, " if created_at else ""
        return Attribution(
            Found.NOT_FOUND,
            at=created_at,
            reason=f"{when}before the audit log read (since {show_time(self.window.since)})",
        )
