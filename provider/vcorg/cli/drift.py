"""`vcorg drift CONFIG`: what changed on the platform outside vcorg since the last apply.

A refresh preview: it reads the state of the last apply and the platform, and writes
nothing to either. Exit 0 when there is no drift, 2 when there is (including unmanaged
objects that are not ignored), 1 on error, 64 on a usage error.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from vcorg.cli.arguments import add_target_options
from vcorg.cli.console import emit, say
from vcorg.cli.errors import CommandFailed, ExitCode
from vcorg.cli.target import connected
from vcorg.cli.translate import platform_errors

if TYPE_CHECKING:
    from vcorg.cli.arguments import Subparsers

FORMATS = ("text", "markdown", "json")
HELP = "report what changed outside vcorg since the last apply"


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "drift",
        help=HELP,
        description=(
            "Compare the platform as it is now with vcorg's state after the last apply, "
            "and report what changed outside vcorg: properties changed (property by "
            "property), managed objects deleted, people added to or removed from managed "
            "roles, invitations that expired, and units, waiting areas, meeting rooms and "
            "grants that no configuration manages (with the coverage per kind). Each "
            "change says who made it and when, from the platform's audit log since the "
            "last apply, or why that is unavailable. Changes to fields the configuration "
            "leaves to the console (consoleOwned) are shown but are not drift; unmanaged "
            "objects matching drift.ignoreUnmanaged are listed as ignored. It reads only: "
            "nothing on the platform or in the state changes. Exit codes: 0 no drift; "
            "2 drift (including unmanaged objects that are not ignored); 1 error; "
            "64 usage error."
        ),
    )
    add_target_options(parser)
    parser.add_argument(
        "--format",
        dest="drift_format",
        choices=FORMATS,
        default="text",
        help="text (terminal), markdown (a GitHub issue body, under 65,000 characters) or "
        "json (schemas/drift.schema.json)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write the report to FILE instead of stdout"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vcorg.drift import Target, check, render_json, render_markdown, render_text
    from vcorg.drift.state import StateUnreadable
    from vcorg.engine.stack import StackError, StackTarget
    from vcorg.resources.errors import ResourceError

    started = time.monotonic()
    with connected(args) as (console, target, client, email):
        say(
            console,
            f"Checking organisation {target.organisation!r} (stack {target.stack_name!r}) on "
            f"{target.api_url} for drift since the last apply...",
        )
        stack = StackTarget(
            stack_name=target.stack_name,
            backend_url=target.backend_url,
            api_url=target.api_url,
        )
        try:
            with platform_errors():
                report = check(
                    Target(target.config, target.stack_name, target.api_url, target.token, email),
                    stack,
                    client,
                )
        except (StackError, StateUnreadable) as exc:
            raise CommandFailed(
                f"cannot read the state of stack {target.stack_name!r}: {exc}",
                "check --backend / $PULUMI_BACKEND_URL and --stack",
            ) from None
        except ResourceError as exc:
            raise CommandFailed(str(exc).splitlines()[0]) from None
    if args.drift_format == "json":
        text = render_json(report)
    elif args.drift_format == "markdown":
        text = render_markdown(report)
    else:
        text = render_text(report)
    emit(console, text, args.out, "drift report")
    say(
        console,
        f"Checked {report.managed:,} managed resources in {time.monotonic() - started:.1f} s "
        f"({report.requests:,} requests to the platform).",
    )
    return ExitCode.CHANGES if report.has_drift else ExitCode.OK
