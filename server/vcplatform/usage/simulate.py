"""Realistic usage for an organisation: what the video side would have recorded.

Deterministic: the same seed, organisation content (unit, waiting-area and room names,
access hours, types) and days always give the same calls. Each scope draws from its own
generator, seeded with the seed and the scope's names, so adding a waiting area does not
change the calls of the others. Call ids derive from the seed too, so running the same
simulation twice inserts nothing the second time.

- Consultations happen in waiting areas, inside their access hours (in their time zone),
  more in the morning than late in the day; none in suspended areas. *consult-now* areas
  are busiest and wait longest; *group consultation* sessions are few, long and large.
- Meetings happen in meeting rooms on weekdays in office hours, a few a week per room.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from vcplatform import models

if TYPE_CHECKING:
    from vcplatform.db import Database

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Per waiting-area type: consultations in an 8-hour open day, median minutes, mean wait.
PROFILES: dict[str, tuple[float, float, float]] = {
    "regular": (9.0, 15.0, 6.0),
    "group-consultation": (1.5, 50.0, 4.0),
    "consult-now": (16.0, 12.0, 11.0),
}
MAX_WAIT_SECONDS = 90 * 60


@dataclass(frozen=True)
class Simulation:
    first: date
    last: date
    calls: int
    inserted: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "calls": self.calls,
            "inserted": self.inserted,
        }


def simulate(
    session: Session, org: models.Organisation, *, days: int, seed: int, last: date
) -> Simulation:
    """Generate ``days`` days of calls ending with ``last`` (inclusive) and store them."""
    first = last - timedelta(days=days - 1)
    units = {
        u.id: u for u in session.scalars(select(models.Unit).where(models.Unit.org_id == org.id))
    }
    areas = sorted(
        session.scalars(select(models.WaitingArea).where(models.WaitingArea.org_id == org.id)),
        key=lambda a: (units[a.unit_id].name, a.name),
    )
    rooms = sorted(
        session.scalars(select(models.MeetingRoom).where(models.MeetingRoom.org_id == org.id)),
        key=lambda r: (units[r.unit_id].name, r.name),
    )
    rows: list[dict[str, Any]] = []
    for area in areas:
        rng = random.Random(f"{seed}|{units[area.unit_id].name}|waiting-area|{area.name}")
        rows += _tag(org, seed, area, _consultations(rng, area, first, last))
    zone_of_unit: dict[str, str] = {}
    for area in areas:
        zone_of_unit.setdefault(area.unit_id, _zone_name(area))
    zone_of_area = {a.id: _zone_name(a) for a in areas}
    for room in rooms:
        rng = random.Random(f"{seed}|{units[room.unit_id].name}|meeting-room|{room.name}")
        zone = zone_of_area.get(room.waiting_area_id or "") or zone_of_unit.get(room.unit_id, "UTC")
        rows += _tag(org, seed, room, _meetings(rng, room, zone, first, last))
    inserted = _insert_new(session, rows)
    return Simulation(first, last, len(rows), inserted)


def _zone_name(area: models.WaitingArea) -> str:
    return str((area.access_hours or {}).get("timezone") or "UTC")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


Draft = tuple[datetime, datetime, int, int]  # started, ended (naive UTC), wait s, participants


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC).replace(tzinfo=None)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _minutes_of(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def _count(rng: random.Random, mean: float) -> int:
    """A Poisson-like count (normal approximation, never negative)."""
    if mean <= 0:
        return 0
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))


def _consultations(
    rng: random.Random, area: models.WaitingArea, first: date, last: date
) -> list[Draft]:
    if area.suspended:
        return []
    per_day, median_minutes, mean_wait = PROFILES.get(area.type, PROFILES["regular"])
    popularity = rng.uniform(0.6, 1.5)
    hours = area.access_hours or {}
    zone = _zone(str(hours.get("timezone") or "UTC"))
    blocks = hours.get("open") or []
    drafts: list[Draft] = []
    for day in _days(first, last):
        weekday = DAYS[day.weekday()]
        for block in blocks:
            if weekday not in block.get("days", []):
                continue
            start, end = _minutes_of(block["from"]), _minutes_of(block["to"])
            span = end - start
            if span <= 0:
                continue
            for _ in range(_count(rng, per_day * popularity * span / 480)):
                # Mornings are busier: a triangle leaning towards the opening time.
                minute = rng.triangular(start, end, start + span * 0.3)
                local = datetime.combine(day, datetime.min.time(), tzinfo=zone) + timedelta(
                    minutes=minute
                )
                duration = min(max(rng.lognormvariate(math.log(median_minutes), 0.45), 3), 120)
                wait = min(int(rng.expovariate(1 / (mean_wait * 60))), MAX_WAIT_SECONDS)
                if area.type == "group-consultation":
                    participants = rng.randint(3, 9)
                else:
                    participants = 3 if rng.random() < 0.15 else 2  # an interpreter or carer
                started = _utc(local)
                drafts.append((started, started + timedelta(minutes=duration), wait, participants))
    return drafts


def _meetings(
    rng: random.Random, room: models.MeetingRoom, zone_name: str, first: date, last: date
) -> list[Draft]:
    zone = _zone(zone_name)
    weekly = rng.uniform(1.0, 4.0)
    drafts: list[Draft] = []
    for day in _days(first, last):
        if day.weekday() >= 5:
            continue
        for _ in range(_count(rng, weekly / 5)):
            slot = rng.randrange(16, 34)  # half-hour slots from 08:00 to 16:30
            local = datetime.combine(day, datetime.min.time(), tzinfo=zone) + timedelta(
                minutes=slot * 30 + rng.randint(0, 4)
            )
            duration = rng.choice((30, 30, 45, 60, 60, 90)) + rng.uniform(-5, 5)
            started = _utc(local)
            drafts.append(
                (
                    started,
                    started + timedelta(minutes=duration),
                    rng.randint(0, 120),
                    rng.randint(2, max(2, room.max_participants)),
                )
            )
    return drafts


def _tag(
    org: models.Organisation,
    seed: int,
    scope: models.WaitingArea | models.MeetingRoom,
    drafts: list[Draft],
) -> list[dict[str, Any]]:
    scope_type = "waiting-area" if isinstance(scope, models.WaitingArea) else "meeting-room"
    rows = []
    for index, (started, ended, wait, participants) in enumerate(drafts):
        digest = hashlib.sha256(
            f"{org.id}|{seed}|{scope.id}|{started.isoformat()}|{index}".encode()
        )
        rows.append(
            {
                "id": "call_sim" + digest.hexdigest()[:28],
                "org_id": org.id,
                "unit_id": scope.unit_id,
                "scope_type": scope_type,
                "scope_id": scope.id,
                "started_at": started,
                "ended_at": ended,
                "wait_seconds": wait,
                "participants": participants,
            }
        )
    return rows


def _insert_new(session: Session, rows: list[dict[str, Any]], chunk: int = 500) -> int:
    """Insert the rows whose ids are not stored yet; returns how many were new."""
    inserted = 0
    for offset in range(0, len(rows), chunk):
        batch = rows[offset : offset + chunk]
        ids = [row["id"] for row in batch]
        existing = set(session.scalars(select(models.Call.id).where(models.Call.id.in_(ids))))
        fresh = [row for row in batch if row["id"] not in existing]
        if fresh:
            session.execute(insert(models.Call), fresh)
            inserted += len(fresh)
    return inserted


def simulate_org(
    db: Database, org_key: str, *, days: int, seed: int, last: date | None
) -> Simulation:
    """``vcplatform usage simulate``: one transaction; ``last`` defaults to yesterday (UTC)."""
    from vcplatform.operator import OperatorError, find_org

    if days < 1 or days > 3660:
        raise OperatorError(f"--days {days}: simulate from 1 to 3660 days")
    if last is None:
        last = datetime.now(UTC).date() - timedelta(days=1)
    with db.writing() as session:
        return simulate(session, find_org(session, org_key), days=days, seed=seed, last=last)
