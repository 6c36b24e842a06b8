"""`vcorg report access|usage CONFIG`: the access review and the usage report.

Both only read from the platform (no Pulumi engine, no state, nothing written but
`--out`). They use the token they are given, so a reporter's token reports on that
reporter's units and says which units of the configuration it may not see.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from vcorg.cli.console import emit, say, stderr_console
from vcorg.cli.errors import CommandFailed, ExitCode, UsageError
from vcorg.cli.target import API_URL_ENV, TOKEN_ENV, platform_credentials
from vcorg.cli.translate import platform_errors

if TYPE_CHECKING:
    from rich.console import Console

    from vcorg.cli.arguments import Subparsers
    from vcorg.client import PlatformClient
    from vcorg.config import OrgConfig
    from vcorg.report.platform import ConfigUnit

FORMATS = ("text", "markdown", "csv", "json")
HELP = "review who has access, or read usage reports"


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help=HELP,
        description="Reports on the organisation in the configuration, read from the "
        "platform with the token in $VCORG_TOKEN. They change nothing.",
    )
    reports = parser.add_subparsers(dest="report", metavar="REPORT", required=True)

    access = reports.add_parser(
        "access",
        help="the access review: everyone with access to each unit, and what to look at",
        description="Everyone with access to each unit, its waiting areas and its meeting "
        "rooms: role, scope, state, when invited and accepted, how often the invitation "
        "was sent, and whether the configuration grants it. Flags invitations pending "
        "longer than --pending-older-than days, expired invitations, access no "
        "configuration grants (console grants), units with a single organisation "
        "administrator, and people whose only access is a pending invitation. Exit 0 "
        "(with --detailed-exitcode: 2 when anything is flagged), 1 on error, 64 on a "
        "usage error.",
    )
    _add_common(access)
    access.add_argument(
        "--pending-older-than",
        type=_days,
        default=14,
        metavar="DAYS",
        help="flag invitations pending for longer than this many days (default 14)",
    )
    access.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 2 when anything is flagged, 0 when nothing is, 1 on error",
    )
    access.set_defaults(run=run_access)

    usage = reports.add_parser(
        "usage",
        help="the platform's usage reports for the units in the configuration",
        description="Calls, total and median minutes, median and 90th-percentile wait and "
        "the busiest hour, per unit and per waiting area and meeting room (or per "
        "reporting tag), over a range of days in the configuration's default time zone. "
        "A bar chart in the terminal, a table in Markdown and CSV.",
    )
    _add_common(usage)
    usage.add_argument(
        "--from",
        dest="date_from",
        type=_date,
        metavar="DATE",
        help="first day, YYYY-MM-DD (default: 29 days before --to)",
    )
    usage.add_argument(
        "--to", dest="date_to", type=_date, metavar="DATE", help="last day (default: today)"
    )
    usage.add_argument(
        "--by",
        choices=("unit", "tag"),
        default="unit",
        help="one row per unit and its waiting areas and rooms (default), or per reporting tag",
    )
    usage.set_defaults(run=run_usage)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="CONFIG",
        help="configuration file(s) or directory, merged into one organisation",
    )
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help=f"platform URL (default: ${API_URL_ENV}); the token is read from ${TOKEN_ENV}",
    )
    parser.add_argument(
        "--format",
        dest="report_format",
        choices=FORMATS,
        default="text",
        help="text (terminal), markdown, csv (a spreadsheet) or json (machines)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="write the report to FILE instead of stdout"
    )


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days") from None
    if not 0 <= value <= 36_500:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 36500")
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-11-30") from None


class Session(NamedTuple):
    console: Console
    config: OrgConfig
    api_url: str
    client: PlatformClient
    email: str
    system_administrator: bool


@contextlib.contextmanager
def _session(args: argparse.Namespace) -> Iterator[Session]:
    """Load the configuration, then check the token against the platform and organisation."""
    from vcorg.client import ClientSettings, NotFound, PlatformClient
    from vcorg.config import load_config
    from vcorg.report.platform import is_system_administrator

    console = stderr_console()
    config = load_config(args.paths)
    api_url, token = platform_credentials(args)
    with PlatformClient(ClientSettings(api_url=api_url, token=token)) as client:
        with platform_errors():
            me = client.me()
            try:
                client.organisation(config.organisation)
            except NotFound:
                raise CommandFailed(
                    f"organisation {config.organisation!r} does not exist on {api_url}, "
                    "or the token cannot see it",
                    "check `organisation:` in the configuration and which organisation "
                    f"{TOKEN_ENV} belongs to",
                ) from None
        yield Session(
            console,
            config,
            api_url,
            client,
            str(me.get("email") or "").lower(),
            is_system_administrator(me),
        )


class _Report(Protocol):
    """What the access review and the usage report both render to."""

    def to_text(self) -> str: ...
    def to_markdown(self) -> str: ...
    def to_csv(self) -> str: ...
    def to_json(self) -> str: ...


def _rendered(report: _Report, fmt: str) -> str:
    return {
        "text": report.to_text,
        "markdown": report.to_markdown,
        "csv": report.to_csv,
        "json": report.to_json,
    }[fmt]()


def run_access(args: argparse.Namespace) -> int:
    from vcorg.report.access import build_access_report
    from vcorg.report.platform import NOT_VISIBLE, read_access_data

    with _session(args) as s:
        with platform_errors():
            data = read_access_data(s.client, s.config, system_administrator=s.system_administrator)
        report = build_access_report(
            data,
            organisation=s.config.organisation,
            api_url=s.api_url,
            token_email=s.email,
            pending_older_than_days=args.pending_older_than,
        )
        requests = s.client.stats.requests
    if not report.units and any(u.reason == NOT_VISIBLE for u in report.hidden):
        raise CommandFailed(
            f"this token ({s.email}) may not see any unit of the configuration",
            "an access review needs a system administrator's token, or an organisation "
            "administrator's or reporter's token for the units it covers",
        )
    emit(s.console, _rendered(report, args.report_format), args.out, "access review")
    _note_hidden(s.console, args, report.hidden, s.email)
    summary = report.summary
    say(
        s.console,
        f"Reviewed {summary.units} unit{'s' if summary.units != 1 else ''} with {requests} "
        f"requests; {summary.flags} flagged. Nothing was changed.",
    )
    if args.detailed_exitcode and report.has_flags:
        return ExitCode.CHANGES
    return ExitCode.OK


def run_usage(args: argparse.Namespace) -> int:
    from vcorg.report.platform import hidden_note
    from vcorg.report.usage import NoVisibleUnits, build_usage_report
    from vcorg.report.usage_render import HIDDEN_WHAT

    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UsageError(f"--from {args.date_from} is after --to {args.date_to}")
    with _session(args) as s:
        try:
            with platform_errors():
                report = build_usage_report(
                    s.client,
                    s.config,
                    api_url=s.api_url,
                    token_email=s.email,
                    system_administrator=s.system_administrator,
                    by=args.by,
                    date_from=args.date_from.isoformat() if args.date_from else None,
                    date_to=args.date_to.isoformat() if args.date_to else None,
                )
        except NoVisibleUnits as exc:
            raise CommandFailed(
                f"no usage report to show: {hidden_note(exc.hidden, s.email, what=HIDDEN_WHAT)}",
                "use a system administrator's token, or an organisation administrator's or "
                "reporter's token for the units you want",
            ) from None
    emit(s.console, _rendered(report, args.report_format), args.out, "usage report")
    _note_hidden(s.console, args, report.hidden, s.email, what=HIDDEN_WHAT)
    return ExitCode.OK


def _note_hidden(
    console: Console,
    args: argparse.Namespace,
    hidden: Iterable[ConfigUnit],
    email: str,
    *,
    what: str = "see",
) -> None:
    """Say on stderr which units were left out, unless the text on the terminal says it."""
    from vcorg.report.platform import hidden_note

    note = hidden_note(hidden, email, what=what)
    if note and (args.out is not None or args.report_format != "text"):
        say(console, f"vcorg: note: {note}")
