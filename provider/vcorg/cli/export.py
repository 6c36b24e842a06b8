"""`vcorg export --out PATH`: write an organisation that exists on the platform as config.

The first step of onboarding an organisation built by hand in the platform's console:
export, review, then `vcorg plan --adopt` shows only adoptions (and re-sent invitations),
and `vcorg apply --adopt` takes everything over without a single other write.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vcorg.cli.console import say, stderr_console
from vcorg.cli.errors import CommandFailed, ExitCode
from vcorg.cli.target import API_URL_ENV, TOKEN_ENV, platform_credentials
from vcorg.cli.translate import platform_errors

if TYPE_CHECKING:
    from rich.console import Console

    from vcorg.cli.arguments import Subparsers
    from vcorg.export import ExportTree, Provenance, UnknownUnits

HELP = "write an existing organisation as configuration"


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "export",
        help=HELP,
        description=(
            "Read an organisation from the platform (by list, page by page) and write it "
            "as configuration: one file if --out ends in .yaml or .yml, else a directory "
            "with org.yaml and one file per unit under units/. What it writes validates, "
            "and `vcorg plan --adopt` on it shows only adoptions. Anything the "
            "configuration cannot express is listed object by object and fails the export "
            "unless --lenient. Nothing is written unless the whole export succeeds. Exit 0 "
            "on success, 1 on error (or when something cannot be expressed, without "
            "--lenient), 64 on a usage error."
        ),
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="PATH",
        help="where to write: a .yaml/.yml file, or a directory (org.yaml + units/KEY.yaml)",
    )
    parser.add_argument(
        "--organisation",
        metavar="KEY",
        help="the organisation to export (default: the API token's own)",
    )
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help=f"platform URL (default: ${API_URL_ENV}); the token is read from ${TOKEN_ENV}",
    )
    parser.add_argument(
        "--unit",
        dest="units",
        nargs="+",
        action="extend",
        metavar="KEY",
        help="export only these units (keys as the export names them; repeatable)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace an existing file (or a directory's org.yaml and units/)",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="write the export even though some things cannot be expressed (they are "
        "listed, and left out: vcorg will not manage them)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vcorg.client import ClientSettings, NotFound, PlatformClient
    from vcorg.client.snapshot import read_grants, read_objects
    from vcorg.export import (
        ExportError,
        OutputError,
        Provenance,
        Staging,
        UnknownUnits,
        build_tree,
        check_target,
        stage_export,
    )
    from vcorg.export.progress import ReadProgress

    console = stderr_console()
    api_url, token = platform_credentials(args)
    out: Path = args.out
    try:
        check_target(out, force=args.force)
    except OutputError as exc:
        raise CommandFailed(str(exc), exc.hint) from None
    started = time.monotonic()
    with PlatformClient(ClientSettings(api_url=api_url, token=token)) as client:
        with platform_errors():
            me = client.me()
            organisation = args.organisation or str(me.get("organisation") or "")
            try:
                info = client.organisation(organisation)
            except NotFound:
                raise CommandFailed(
                    f"organisation {organisation!r} does not exist on {api_url}, or the "
                    "token cannot see it",
                    f"check --organisation, and which organisation {TOKEN_ENV} belongs to",
                ) from None
            with ReadProgress(console, organisation) as progress:
                snapshot = read_objects(client, organisation, listener=progress)
                unit_ids = None
                if args.units:
                    try:
                        chosen = build_tree(snapshot, unit_keys=args.units)
                    except UnknownUnits as exc:
                        raise _unknown_units(exc) from None
                    unit_ids = [entry.id for entry in chosen.units.values()]
                grants = read_grants(client, organisation, unit_ids=unit_ids, listener=progress)
        snapshot = replace(snapshot, grants=grants)
        read_seconds = time.monotonic() - started
        requests = client.stats.snapshot()

    tree = build_tree(snapshot, unit_keys=args.units)
    provenance = Provenance(
        organisation=organisation,
        organisation_name=str(info.get("name") or organisation),
        api_url=api_url,
        exported_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        account=str(me.get("email") or "an unknown account"),
        selected_units=tuple(dict.fromkeys(args.units)) if args.units else None,
    )
    try:
        with Staging(out, force=args.force) as staging:
            stage_export(tree, provenance, staging)
            for loss in tree.losses:
                say(console, f"vcorg: warning: {loss}")
            if tree.losses and not args.lenient:
                raise CommandFailed(
                    f"{_count(len(tree.losses), 'thing')} on the platform cannot be expressed "
                    "in the configuration (listed above); nothing was written",
                    "re-run with --lenient to write the export without them (what is left "
                    "out is not managed: vcorg neither changes nor deletes it)",
                )
            others = staging.commit()
    except OutputError as exc:
        raise CommandFailed(str(exc), exc.hint) from None
    except ExportError as exc:
        raise CommandFailed(str(exc)) from None
    for other in others:
        say(
            console,
            f"vcorg: warning: {other} is not part of the export, but vcorg reads it with the "
            f"files of {out}; remove it if it is left over from an earlier configuration",
        )
    _report(console, tree, out, provenance, read_seconds, requests)
    return ExitCode.OK


def _unknown_units(exc: UnknownUnits) -> CommandFailed:
    import difflib

    hints = []
    for key in exc.missing:
        close = difflib.get_close_matches(key, exc.known, n=1)
        if close:
            hints.append(f"{key!r}: did you mean {close[0]!r}?")
    known = ", ".join(exc.known[:20]) + (" ..." if len(exc.known) > 20 else "")
    return CommandFailed(
        f"no unit on the platform has the key {', '.join(repr(k) for k in exc.missing)}",
        " ".join(hints) or f"the units' keys are: {known or '(there are no units)'}",
        exit_code=ExitCode.USAGE,
    )


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _report(
    console: Console,
    tree: ExportTree,
    out: Path,
    provenance: Provenance,
    seconds: float,
    requests: dict[str, Any],
) -> None:
    people = tree.people()
    states = [f"{people[s]:,} {s}" for s in ("pending", "expired") if people[s]]
    detail = f" ({', '.join(states)})" if states else ""
    say(
        console,
        f"Exported organisation {provenance.organisation} ({provenance.organisation_name}) "
        f"to {out}: {_count(len(tree.units), 'unit')}, "
        f"{_count(len(tree.areas), 'waiting area')}, {_count(len(tree.rooms), 'meeting room')}, "
        f"{_count(sum(people.values()), 'role grant')}{detail}. Read in {seconds:.1f} s with "
        f"{_count(int(requests['requests']), 'request')}.",
    )
    if people["expired"]:
        say(
            console,
            f"{_count(people['expired'], 'invitation')} expired; they are listed with a "
            "comment, and the next apply re-sends them.",
        )
    if tree.losses:
        say(
            console,
            f"{_count(len(tree.losses), 'thing')} could not be expressed and "
            f"{'was' if len(tree.losses) == 1 else 'were'} left out (warnings above).",
        )
    say(console, f"Next: vcorg validate {out} && vcorg plan {out} --adopt")
