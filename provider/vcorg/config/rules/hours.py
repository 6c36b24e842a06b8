"""Access hours: real time zones, blocks that make sense and do not overlap."""

from __future__ import annotations

import difflib
import zoneinfo
from collections import defaultdict
from collections.abc import Iterator
from functools import cache

from vcorg.config.models import AccessHours, OrgConfig
from vcorg.config.positions import SourceMap
from vcorg.config.problem import Problem
from vcorg.config.rules.base import Finding, area_path, placed, problem, waiting_areas
from vcorg.vocabulary import Day

IDS = {
    "unknown-timezone": "Time zones are IANA names such as `Australia/Sydney`.",
    "missing-timezone": (
        "Access hours need a time zone: `accessHours.timezone` or `defaults.timezone`."
    ),
    "from-not-before-to": "In an opening block, `from` is earlier than `to`.",
    "duplicate-day": "A day appears at most once in an opening block.",
    "overlapping-hours": "Opening blocks do not overlap on the same day.",
}


@cache
def is_timezone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@cache
def _all_timezones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


def unknown_timezone(name: str) -> str:
    close = difflib.get_close_matches(name, _all_timezones(), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{name!r} is not an IANA time zone{hint}"


def timezones(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    # A part that failed the schema is None here (vcorg.config.salvage); `exists` tells
    # it from a part left out, so a misspelt zone is not reported again as missing.
    default = config.defaults.timezone if config.defaults is not None else None
    default_broken = config.defaults is None or (
        default is None and sources.exists(("defaults", "timezone"))
    )
    if default is not None and not is_timezone(default):
        yield problem(
            sources, "unknown-timezone", ("defaults", "timezone"), unknown_timezone(default)
        )
    for unit_key, _, key, area in waiting_areas(config):
        hours = area.access_hours
        written = (*area_path(unit_key, key), "accessHours")
        if hours is None and sources.exists(written):
            continue
        zone = hours.timezone if hours is not None else None
        if zone is None and hours is not None and sources.exists((*written, "timezone")):
            continue
        if zone is not None:
            if not is_timezone(zone):
                yield problem(
                    sources,
                    "unknown-timezone",
                    (*area_path(unit_key, key), "accessHours", "timezone"),
                    unknown_timezone(zone),
                )
        elif default is None and not default_broken:
            parts = area_path(unit_key, key)
            yield problem(
                sources,
                "missing-timezone",
                (*parts, "accessHours") if hours is not None else parts,
                "access hours need a time zone: give accessHours.timezone here or "
                "defaults.timezone for the whole organisation",
                at_key=True,
            )


def blocks(config: OrgConfig, sources: SourceMap) -> Iterator[Problem]:
    for unit_key, _, key, area in waiting_areas(config):
        if area.access_hours is None or area.access_hours.open is None:
            continue  # the default block is valid; a broken one is already reported
        yield from placed(sources, area_path(unit_key, key), open_blocks(area.access_hours))


def open_blocks(hours: AccessHours) -> Iterator[Finding]:
    """Blocks that end after they start, list a day once and do not overlap (per area)."""
    base = ("accessHours", "open")
    by_day: dict[Day, list[tuple[str, str, int]]] = defaultdict(list)
    for index, block in enumerate(hours.open or ()):
        if block is None or block.from_ is None or block.to is None:
            continue  # a time failed the schema (vcorg.config.salvage): nothing to compare
        if block.from_ >= block.to:
            yield Finding(
                "from-not-before-to",
                (*base, index, "to"),
                f"closing time {block.to} is not after opening time {block.from_}",
            )
            continue
        seen: set[str] = set()
        for day_index, day in enumerate(block.days or ()):
            if day is None:
                continue
            if day in seen:
                yield Finding(
                    "duplicate-day",
                    (*base, index, "days", day_index),
                    f"{day!r} is listed twice in this block",
                )
                continue
            seen.add(day)
            by_day[day].append((block.from_, block.to, index))
    reported: set[tuple[int, int]] = set()
    for day, spans in by_day.items():
        spans.sort()
        # Compare each block with the one reaching furthest so far, so a long
        # block that swallows two short ones is caught as well.
        reach_start, reach_end, reach_index = spans[0]
        for start, end, index in spans[1:]:
            pair = (min(reach_index, index), max(reach_index, index))
            if start < reach_end and pair not in reported:
                reported.add(pair)
                yield Finding(
                    "overlapping-hours",
                    (*base, pair[1]),
                    f"this block overlaps block {pair[0]} ({reach_start}–{reach_end}) on {day}",
                )
            if end > reach_end:
                reach_start, reach_end, reach_index = start, end, index


RULES = (timezones, blocks)
