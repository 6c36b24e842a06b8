"""Helpers shared by the semantic rules."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from vcorg.config.models import MeetingRoom, OrgConfig, Unit, WaitingArea
from vcorg.config.positions import SourceMap, format_path
from vcorg.config.problem import Problem, Severity

Rule = Callable[[OrgConfig, SourceMap], Iterable[Problem]]
Parts = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """What a check of one object found, at ``parts`` relative to that object.

    The config rules place it in the organisation (`problem`); the resources' ``check()``
    reports it as a failure of the property at ``parts``.
    """

    rule: str
    parts: Parts
    message: str


def problem(
    sources: SourceMap,
    rule: str,
    parts: Sequence[str | int],
    message: str,
    *,
    at_key: bool = False,
    severity: Severity = Severity.ERROR,
) -> Problem:
    file, line, column = sources.locate(parts, at_key=at_key)
    return Problem(rule, file, line, column, format_path(parts), message, severity)


def placed(sources: SourceMap, at: Parts, findings: Iterable[Finding]) -> Iterator[Problem]:
    """Findings about the object at ``at``, as positioned problems."""
    for found in findings:
        yield problem(sources, found.rule, (*at, *found.parts), found.message)


def where(sources: SourceMap, parts: Sequence[str | int]) -> str:
    """``file:line:column`` of a node, for messages that name a second place."""
    file, line, column = sources.locate(parts, at_key=True)
    return f"{file}:{line}:{column}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def waiting_areas(config: OrgConfig) -> Iterator[tuple[str, Unit, str, WaitingArea]]:
    for unit_key, unit in config.units.items():
        for key, area in (unit.waiting_areas or {}).items():
            yield unit_key, unit, key, area


def meeting_rooms(config: OrgConfig) -> Iterator[tuple[str, Unit, str, MeetingRoom]]:
    for unit_key, unit in config.units.items():
        for key, room in (unit.meeting_rooms or {}).items():
            yield unit_key, unit, key, room


def area_path(unit_key: str, key: str) -> Parts:
    return ("units", unit_key, "waitingAreas", key)


def room_path(unit_key: str, key: str) -> Parts:
    return ("units", unit_key, "meetingRooms", key)
