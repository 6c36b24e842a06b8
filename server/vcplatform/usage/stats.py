"""Summary statistics of a set of calls, in plain Python (the same on every database).

Minutes are rounded to one decimal. Percentiles interpolate linearly between the two
nearest ranks (the "inclusive" method: numpy's default, Excel's PERCENTILE.INC), so the
median of 2, 4 is 3 and the 90th percentile of 1..11 is 10.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class CallRow:
    """What the statistics need of one call (naive UTC times, as stored)."""

    scope_type: str
    scope_id: str
    unit_id: str
    started_at: datetime
    ended_at: datetime
    wait_seconds: int


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` (0–1) percentile of ``values`` by linear interpolation; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def summarise(calls: Iterable[CallRow], zone: ZoneInfo) -> dict[str, object]:
    """The API's ``Usage`` object for these calls; hours are read in ``zone``."""
    durations: list[float] = []
    waits: list[float] = []
    hours: Counter[int] = Counter()
    for call in calls:
        durations.append((call.ended_at - call.started_at).total_seconds() / 60)
        waits.append(call.wait_seconds / 60)
        hours[call.started_at.replace(tzinfo=UTC).astimezone(zone).hour] += 1
    busiest = min(hours, key=lambda hour: (-hours[hour], hour)) if hours else None
    return {
        "calls": len(durations),
        "totalMinutes": round(sum(durations), 1),
        "medianMinutes": _minutes(percentile(durations, 0.5)),
        "medianWaitMinutes": _minutes(percentile(waits, 0.5)),
        "p90WaitMinutes": _minutes(percentile(waits, 0.9)),
        "busiestHour": busiest,
    }
