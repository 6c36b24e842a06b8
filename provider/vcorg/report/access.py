"""The access review: everyone with access to each unit, and what an auditor should look at.

`build_access_report` builds one `AccessReport` from the configuration and what the
platform holds (`AccessData`); the renderers in `access_render` only walk it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from .platform import ROLE_ORDER, SCOPE_ORDER, AccessData, ConfigUnit, Place

if TYPE_CHECKING:
    from vcorg.client import JSONObject

DEFAULT_PENDING_DAYS = 14
ADMIN_ROLE = "organisation-administrator"


class FlagKind(StrEnum):
    """What the review flags, in the order a reader should look at it."""

    NOT_IN_CONFIG = "not-in-config"
    NO_ADMINISTRATOR = "no-administrator"
    SINGLE_ADMINISTRATOR = "single-administrator"
    EXPIRED = "expired-invitation"
    PENDING_TOO_LONG = "pending-too-long"
    ONLY_PENDING = "only-pending"

    @property
    def rank(self) -> int:
        return list(FlagKind).index(self)


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    message: str
    unit_key: str | None = None
    unit_name: str | None = None  # None: about a person across the organisation
    email: str | None = None

    def sort_key(self) -> tuple[Any, ...]:
        return (self.kind.rank, self.unit_name or "", self.email or "", self.message)


@dataclass(frozen=True)
class AccessEntry:
    """One person's role on one scope: a grant on the platform."""

    email: str
    role: str
    scope_type: str
    scope_id: str
    scope_name: str
    scope_key: str | None
    state: str
    invited_at: datetime | None
    accepted_at: datetime | None
    send_count: int
    in_config: bool
    granted_by: str | None
    grant_id: str
    flags: tuple[FlagKind, ...] = ()

    @property
    def scope_title(self) -> str:
        if self.scope_type == "unit":
            return "unit"
        return f"{self.scope_type.replace('-', ' ')} {self.scope_name}"


@dataclass(frozen=True)
class UnitAccess:
    key: str | None  # None: a unit on the platform that no configuration declares
    name: str
    id: str
    entries: tuple[AccessEntry, ...]

    @property
    def in_config(self) -> bool:
        return self.key is not None

    @property
    def title(self) -> str:
        return (
            f"{self.name} ({self.key})" if self.key else f"{self.name} (not in the configuration)"
        )


@dataclass(frozen=True)
class Summary:
    units: int
    people: int
    grants: int
    active: int
    pending: int
    expired: int
    flags: int


@dataclass(frozen=True)
class AccessReport:
    organisation: str
    api_url: str
    as_of: datetime
    token_email: str
    pending_older_than_days: float
    units: tuple[UnitAccess, ...]
    flags: tuple[Flag, ...]
    hidden: tuple[ConfigUnit, ...] = ()

    @property
    def has_flags(self) -> bool:
        return bool(self.flags)

    @property
    def summary(self) -> Summary:
        entries = [e for u in self.units for e in u.entries]
        states: defaultdict[str, int] = defaultdict(int)
        for entry in entries:
            states[entry.state] += 1
        return Summary(
            units=len(self.units),
            people=len({e.email for e in entries}),
            grants=len(entries),
            active=states["active"],
            pending=states["pending"],
            expired=states["expired"],
            flags=len(self.flags),
        )

    # The renderers live in access_render; these keep callers to one object.
    def to_text(self) -> str:
        from .access_render import render_text

        return render_text(self)

    def to_markdown(self) -> str:
        from .access_render import render_markdown

        return render_markdown(self)

    def to_csv(self) -> str:
        from .access_render import render_csv

        return render_csv(self)

    def to_dict(self) -> dict[str, Any]:
        from .access_render import report_to_dict

        return report_to_dict(self)

    def to_json(self) -> str:
        from .access_render import render_json

        return render_json(self)


def _time(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _entry(grant: JSONObject, place: Place, in_config: bool) -> AccessEntry:
    invitation = grant.get("invitation") or {}
    invited = _time(grant.get("invitedAt")) or _time(invitation.get("sentAt"))
    return AccessEntry(
        email=str(grant.get("email", "")).lower(),
        role=str(grant.get("role")),
        scope_type=place.scope_type,
        scope_id=place.id,
        scope_name=place.name,
        scope_key=place.key,
        state=str(grant.get("state")),
        invited_at=invited,
        accepted_at=_time(grant.get("acceptedAt")),
        send_count=int(invitation.get("sendCount") or 0),
        in_config=in_config,
        granted_by=grant.get("grantedBy"),
        grant_id=str(grant.get("id")),
    )


def build_access_report(
    data: AccessData,
    *,
    organisation: str,
    api_url: str,
    token_email: str,
    pending_older_than_days: float = DEFAULT_PENDING_DAYS,
    now: datetime | None = None,
) -> AccessReport:
    """Everyone with access to each unit the token sees, with every flag."""
    now = now or datetime.now(UTC)
    threshold = timedelta(days=pending_older_than_days)
    flags: list[Flag] = []
    person_flags: dict[str, set[FlagKind]] = defaultdict(set)
    entry_flags: dict[str, set[FlagKind]] = defaultdict(set)
    units: list[tuple[str | None, JSONObject, list[AccessEntry]]] = []
    for key, unit in data.scope.units:
        unit_id, unit_name = str(unit["id"]), str(unit["name"])
        entries = []
        for grant in data.grants.get(unit_id, []):
            place = data.places.get(str(grant.get("scopeId")))
            if place is None:  # a scope that appeared after the lists were read
                continue
            email = str(grant.get("email", "")).lower()
            declared = (place.id, str(grant.get("role")), email) in data.declared
            entry = _entry(grant, place, declared)
            entries.append(entry)
            where = f"{entry.role.replace('-', ' ')} of {_where(entry, unit_name)}"
            if not declared:
                by = f" (granted by {entry.granted_by})" if entry.granted_by else ""
                flags.append(
                    Flag(
                        FlagKind.NOT_IN_CONFIG,
                        f"{email} is {where}, but no configuration grants it{by}",
                        key,
                        unit_name,
                        email,
                    )
                )
                entry_flags[entry.grant_id].add(FlagKind.NOT_IN_CONFIG)
            if entry.state == "expired":
                flags.append(
                    Flag(
                        FlagKind.EXPIRED,
                        f"the invitation of {email} as {where} expired unanswered",
                        key,
                        unit_name,
                        email,
                    )
                )
                entry_flags[entry.grant_id].add(FlagKind.EXPIRED)
            if entry.state == "pending":
                since = entry.invited_at
                if since is not None and now - since > threshold:
                    days = (now - since).days
                    flags.append(
                        Flag(
                            FlagKind.PENDING_TOO_LONG,
                            f"the invitation of {email} as {where} has been pending for "
                            f"{days} day{'s' if days != 1 else ''}, more than "
                            f"{_days(pending_older_than_days)}",
                            key,
                            unit_name,
                            email,
                        )
                    )
                    entry_flags[entry.grant_id].add(FlagKind.PENDING_TOO_LONG)
        admins = sorted(
            e.email
            for e in entries
            if e.role == ADMIN_ROLE and e.scope_type == "unit" and e.state in ("active", "pending")
        )
        if not admins:
            flags.append(
                Flag(
                    FlagKind.NO_ADMINISTRATOR,
                    f"{unit_name} has no active or invited organisation administrator",
                    key,
                    unit_name,
                )
            )
        elif len(admins) == 1:
            flags.append(
                Flag(
                    FlagKind.SINGLE_ADMINISTRATOR,
                    f"{unit_name} has a single organisation administrator ({admins[0]})",
                    key,
                    unit_name,
                    admins[0],
                )
            )
        units.append((key, unit, entries))

    # People whose only access anywhere in the report is a pending invitation.
    states_of: dict[str, set[str]] = defaultdict(set)
    for _, _, entries in units:
        for entry in entries:
            states_of[entry.email].add(entry.state)
    for email, states in sorted(states_of.items()):
        if "pending" in states and "active" not in states:
            flags.append(
                Flag(
                    FlagKind.ONLY_PENDING,
                    f"{email} has no active access: only a pending invitation",
                    email=email,
                )
            )
            person_flags[email].add(FlagKind.ONLY_PENDING)

    built = []
    for key, unit, entries in units:
        with_flags = [
            _with_flags(
                e,
                entry_flags[e.grant_id]
                | (person_flags[e.email] if e.state == "pending" else set()),
            )
            for e in entries
        ]
        with_flags.sort(
            key=lambda e: (
                SCOPE_ORDER.get(e.scope_type, 9),
                e.scope_name if e.scope_type != "unit" else "",
                e.scope_id,
                ROLE_ORDER.get(e.role, 99),
                e.email,
            )
        )
        built.append(UnitAccess(key, str(unit["name"]), str(unit["id"]), tuple(with_flags)))
    return AccessReport(
        organisation=organisation,
        api_url=api_url,
        as_of=now,
        token_email=token_email,
        pending_older_than_days=pending_older_than_days,
        units=tuple(built),
        flags=tuple(sorted(flags, key=Flag.sort_key)),
        hidden=data.scope.hidden,
    )


def _with_flags(entry: AccessEntry, kinds: set[FlagKind]) -> AccessEntry:
    if not kinds:
        return entry
    from dataclasses import replace

    return replace(entry, flags=tuple(sorted(kinds, key=lambda k: k.rank)))


def _where(entry: AccessEntry, unit_name: str) -> str:
    if entry.scope_type == "unit":
        return f"unit {unit_name}"
    return f"{entry.scope_title} in {unit_name}"


def _days(days: float) -> str:
    shown = int(days) if float(days).is_integer() else days
    return f"{shown} day{'s' if shown != 1 else ''}"
