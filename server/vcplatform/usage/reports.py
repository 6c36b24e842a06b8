"""Per-unit and organisation-wide usage reports, and who may read them.

Who may read a unit's reports: a system administrator (every unit), and the unit's
organisation administrators and organisation reporters. Nobody else, whatever other
role they hold in the unit's waiting areas or rooms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from vcplatform import models
from vcplatform.access import Principal
from vcplatform.errors import Forbidden
from vcplatform.routes.common import load
from vcplatform.usage.stats import CallRow, summarise

REPORT_ROLES = frozenset({"organisation-administrator", "organisation-reporter"})
DELETED = "(deleted)"
K = TypeVar("K")
NO_REPORT = (
    "only a system administrator, or an organisation administrator or organisation "
    "reporter of the unit, can read its reports"
)


def can_read_reports(principal: Principal, unit_id: str) -> bool:
    return principal.system_administrator or bool(
        principal.roles.get(unit_id, set()) & REPORT_ROLES
    )


def report_unit_ids(principal: Principal) -> set[str] | None:
    """The units whose reports the caller may read; ``None`` means every unit."""
    if principal.system_administrator:
        return None
    return {
        scope
        for role, scope_type, scope in principal.role_rows
        if scope_type == "unit" and role in REPORT_ROLES
    }


@dataclass(frozen=True)
class DateRange:
    """Whole days ``first``..``last`` (inclusive) in ``zone``."""

    first: date
    last: date
    zone: ZoneInfo

    def bounds(self) -> tuple[datetime, datetime]:
        """The range as naive-UTC [start, end) instants, as the database keeps them."""

        def utc(day: date) -> datetime:
            local = datetime.combine(day, time(0), tzinfo=self.zone)
            return local.astimezone(UTC).replace(tzinfo=None)

        return utc(self.first), utc(self.last + timedelta(days=1))

    def header(self) -> dict[str, str]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "timezone": self.zone.key,
        }


def _calls(
    session: Session, org_id: str, period: DateRange, unit_ids: Iterable[str] | None
) -> list[CallRow]:
    call = models.Call
    start, end = period.bounds()
    stmt = select(
        call.scope_type,
        call.scope_id,
        call.unit_id,
        call.started_at,
        call.ended_at,
        call.wait_seconds,
    ).where(call.org_id == org_id, call.started_at >= start, call.started_at < end)
    if unit_ids is not None:
        stmt = stmt.where(call.unit_id.in_(list(unit_ids)))
    return [CallRow(*row) for row in session.execute(stmt)]


def _group(calls: Iterable[CallRow], key: Callable[[CallRow], K]) -> dict[K, list[CallRow]]:
    groups: dict[K, list[CallRow]] = defaultdict(list)
    for call in calls:
        groups[key(call)].append(call)
    return groups


def unit_report(
    session: Session, principal: Principal, unit_id: str, period: DateRange
) -> dict[str, Any]:
    """One unit's report: its totals, and one row per waiting area and meeting room."""
    unit = load(session, models.Unit, principal.org_id, unit_id)
    if not can_read_reports(principal, unit.id):
        raise Forbidden(NO_REPORT)
    calls = _calls(session, principal.org_id, period, [unit.id])
    by_scope = _group(calls, lambda c: c.scope_id)
    zone = period.zone

    def rows(model: type[models.InUnit], scope_type: str) -> list[dict[str, Any]]:
        current = list(
            session.scalars(
                select(model).where(model.unit_id == unit.id, model.org_id == unit.org_id)
            )
        )
        seen = {row.id for row in current}
        # Calls in scopes that have since moved to another unit or been deleted.
        former_ids = {c.scope_id for c in calls if c.scope_type == scope_type} - seen
        former = (
            {row.id: row for row in session.scalars(select(model).where(model.id.in_(former_ids)))}
            if former_ids
            else {}
        )
        out = []
        for row in current:
            out.append(_scope_usage(row.id, row.name, _tags(row), by_scope.get(row.id, []), zone))
        for scope_id in sorted(former_ids):
            moved = former.get(scope_id)
            name = moved.name if moved is not None else DELETED
            tags = _tags(moved) if moved is not None else []
            out.append(_scope_usage(scope_id, name, tags, by_scope[scope_id], zone))
        return sorted(out, key=lambda r: (r["name"] == DELETED, r["name"], r["id"]))

    return {
        "unitId": unit.id,
        "name": unit.name,
        "reportingTags": list(unit.reporting_tags),
        **period.header(),
        "usage": summarise(calls, zone),
        "waitingAreas": rows(models.WaitingArea, "waiting-area"),
        "meetingRooms": rows(models.MeetingRoom, "meeting-room"),
    }


def _tags(row: models.WaitingArea | models.MeetingRoom) -> list[str]:
    return list(getattr(row, "reporting_tags", None) or [])


def _scope_usage(
    scope_id: str, name: str, tags: list[str], calls: Sequence[CallRow], zone: ZoneInfo
) -> dict[str, Any]:
    return {"id": scope_id, "name": name, "reportingTags": tags, "usage": summarise(calls, zone)}


def organisation_report(
    session: Session,
    principal: Principal,
    period: DateRange,
    unit_ids: Sequence[str] = (),
) -> dict[str, Any]:
    """Usage across the units the caller may read (or those asked for), by unit and by tag."""
    readable = report_unit_ids(principal)
    if readable is not None and not readable:
        raise Forbidden(
            "you may read no unit's reports: that takes a system administrator, or an "
            "organisation administrator or organisation reporter of a unit"
        )
    org = session.get(models.Organisation, principal.org_id)
    assert org is not None  # the token's own organisation
    if unit_ids:
        units = [
            load(session, models.Unit, principal.org_id, uid) for uid in dict.fromkeys(unit_ids)
        ]
        for unit in units:
            if not can_read_reports(principal, unit.id):
                raise Forbidden(f"unit {unit.id!r}: {NO_REPORT}")
    else:
        stmt = select(models.Unit).where(models.Unit.org_id == principal.org_id)
        if readable is not None:
            stmt = stmt.where(models.Unit.id.in_(readable))
        units = list(session.scalars(stmt))
    # A system administrator's whole-organisation report keeps deleted units' calls too.
    whole = readable is None and not unit_ids
    calls = _calls(session, principal.org_id, period, None if whole else [u.id for u in units])
    zone = period.zone
    by_unit = _group(calls, lambda c: c.unit_id)
    unit_rows = [
        {
            "id": u.id,
            "name": u.name,
            "reportingTags": list(u.reporting_tags),
            "usage": summarise(by_unit.get(u.id, []), zone),
        }
        for u in units
    ]
    known = {u.id for u in units}
    unit_rows += [
        {"id": uid, "name": DELETED, "reportingTags": [], "usage": summarise(group, zone)}
        for uid, group in by_unit.items()
        if uid not in known
    ]
    unit_rows.sort(key=lambda r: (r["name"] == DELETED, r["name"], r["id"]))
    return {
        "organisation": org.key,
        **period.header(),
        "complete": readable is None,
        "usage": summarise(calls, zone),
        "units": unit_rows,
        "tags": _tag_rows(session, principal.org_id, units, calls, zone),
    }


def _tag_rows(
    session: Session,
    org_id: str,
    units: Sequence[models.Unit],
    calls: Sequence[CallRow],
    zone: ZoneInfo,
) -> list[dict[str, Any]]:
    unit_tags = {u.id: set(u.reporting_tags) for u in units}
    area = models.WaitingArea
    area_tags = {
        area_id: set(tags or [])
        for area_id, tags in session.execute(
            select(area.id, area.reporting_tags).where(area.org_id == org_id)
        )
    }
    by_tag: dict[str | None, list[CallRow]] = defaultdict(list)
    for call in calls:
        tags = unit_tags.get(call.unit_id, set()) | area_tags.get(call.scope_id, set())
        keys: Iterable[str | None] = tags or {None}
        for tag in keys:
            by_tag[tag].append(call)
    ordered = sorted(by_tag, key=lambda t: (t is None, t or ""))
    return [{"tag": tag, "usage": summarise(by_tag[tag], zone)} for tag in ordered]
