"""``vcorg validate PATH...``: check a configuration without touching the platform."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vcorg.cli.errors import ExitCode, print_problems
from vcorg.config.report import FORMATS

if TYPE_CHECKING:
    from vcorg.cli.arguments import Subparsers
    from vcorg.config import LoadResult


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a configuration and report every problem",
        description=(
            "Check the organisation configuration (files and/or directories of *.yaml, "
            "merged into one organisation) against the schema and the semantic rules. "
            "Exit 0 when valid, 1 when any error is found, 64 on a usage error."
        ),
    )
    parser.add_argument(
        "paths", nargs="+", type=Path, metavar="CONFIG", help="YAML file or directory of them"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (FILE:LINE:COL lines), json, or github (pull-request annotations)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vcorg.config.load import check_config

    result = check_config(args.paths)
    print_problems(result.problems, args.format)
    if args.format != "json":
        print(f"vcorg: {_summary(result)}", file=sys.stderr)
    return ExitCode.OK if result.ok else ExitCode.ERROR


def _summary(result: LoadResult) -> str:
    errors = sum(1 for p in result.problems if p.severity == "error")
    warnings = len(result.problems) - errors
    files = _count(len(result.files), "file")
    if result.config is None:
        return f"{_count(errors, 'error')}, {_count(warnings, 'warning')} in {files}"
    units = result.config.units.values()
    areas = sum(len(u.waiting_areas) for u in units)
    rooms = sum(len(u.meeting_rooms) for u in units)
    warned = f" with {_count(warnings, 'warning')}" if warnings else ""
    return (
        f"valid{warned}: organisation {result.config.organisation!r}, "
        f"{_count(len(units), 'unit')}, {_count(areas, 'waiting area')}, "
        f"{_count(rooms, 'meeting room')} in {files}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
