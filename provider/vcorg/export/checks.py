"""Hold the export to `vcorg validate`: what the configuration rejects is left out, by name.

The staged files are checked with the very loader and rules `vcorg validate` uses. Every
error points at a config path, and so at one object (or one role list) of the export,
which is left out with the problem as the reason; then the files are written and checked
again, until they are valid. A problem outside any unit cannot be fixed by leaving
something out and is an `ExportError`.
"""

from __future__ import annotations

from pathlib import Path

from vcorg.config import check_config
from vcorg.config.positions import format_path, parse_path
from vcorg.config.problem import Problem, Severity

from .losses import show
from .tree import MEETING_ROOM, UNIT, WAITING_AREA, Entry, ExportTree

_CHILD_KINDS = {"waitingAreas": WAITING_AREA, "meetingRooms": MEETING_ROOM}
# Problems that leave a unit unmanageable rather than one of its role lists wrong.
_WHOLE_UNIT = frozenset({"no-organisation-administrator"})


class ExportError(Exception):
    """The export cannot be written (and nothing was)."""


def invalid_parts(tree: ExportTree, staged: Path) -> bool:
    """Check the staged export; leave out what fails. True when something was left out."""
    result = check_config([staged])
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    for problem in errors:
        _leave_out(tree, problem)
    return bool(errors)


def _leave_out(tree: ExportTree, problem: Problem) -> None:
    parts = parse_path(problem.path)
    if parts[:2] == ("defaults", "timezone") and (timezone := tree.timezone()):
        # Not the default then; each area that uses it is judged on its own.
        tree.bad_timezones.add(timezone)
        return
    if len(parts) < 2 or parts[0] != "units":
        raise ExportError(f"internal error: the exported configuration is invalid: {problem}")
    unit = tree.entry_at(UNIT, str(parts[1]))
    if unit is None:
        return  # already left out because of an earlier problem
    entry: Entry | None = unit
    rest = parts[2:]
    if len(rest) >= 2 and rest[0] in _CHILD_KINDS:
        entry = tree.entry_at(_CHILD_KINDS[str(rest[0])], str(rest[1]))
        rest = rest[2:]
    if entry is None:
        return
    if problem.id in _WHOLE_UNIT:
        tree.drop(
            entry,
            "it has no organisation administrator on the platform, and vcorg manages only "
            "units that have one (so that nobody is locked out)",
        )
        return
    if len(rest) >= 2 and rest[0] == "roles":
        role_key = str(rest[1])
        who = ""
        if len(rest) >= 3 and isinstance(rest[2], int):
            members = entry.roles.get(role_key) or []
            if rest[2] < len(members):
                who = f" ({show(members[rest[2]].email)})"
        tree.drop_role(entry, role_key, f"{format_path(rest[:3])}{who}: {problem.message}")
        return
    tree.drop(entry, _reason(rest, problem))


def _reason(rest: tuple[str | int, ...], problem: Problem) -> str:
    where = format_path(rest)
    return f"{where}: {problem.message}" if where else problem.message
