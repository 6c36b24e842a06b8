"""`vcorg destroy CONFIG`: delete every object the stack manages, guarded like apply."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vcorg.cli.arguments import add_target_command, add_yes_option
from vcorg.cli.console import confirm, say, show_plan
from vcorg.cli.errors import CommandFailed, ExitCode
from vcorg.cli.target import connected, open_org_stack
from vcorg.cli.translate import engine_errors

if TYPE_CHECKING:
    from vcorg.cli.arguments import Subparsers


def register(subparsers: Subparsers) -> None:
    parser = add_target_command(
        subparsers,
        "destroy",
        help_text="delete every object vcorg manages for the organisation",
        description=(
            "Delete every unit, waiting area, meeting room and role grant the stack "
            "manages (waiting-area links stop working). Shows the plan and asks for "
            "confirmation, unless --yes. Exit 0 when done or nothing to do, 1 on error "
            "or refusal, 64 on a usage error, 130 when interrupted."
        ),
        refresh=False,
    )
    add_yes_option(parser, "destroy")
    parser.add_argument(
        "--force",
        action="store_true",
        help="destroy even when it removes the API token's own administrator role",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vcorg.engine.progress import ApplyProgress, count_changes
    from vcorg.plan import UnsafePlan, build_plan

    with connected(args) as (console, target, _client, email), engine_errors():
        stack = open_org_stack(target)
        say(
            console,
            f"Planning the destruction of organisation {target.organisation!r} "
            f"(stack {target.stack_name!r})...",
        )
        preview = stack.preview_destroy()
        plan = build_plan(preview.steps, token_email=email)
        show_plan(plan)
        total = count_changes(preview.steps)
        if not total:
            return ExitCode.OK
        try:
            # Deleting everything is the point, so the deletion cap does not apply.
            plan.raise_if_unsafe(max_delete_fraction=1.0, force=args.force, token_email=email)
        except UnsafePlan as exc:
            raise CommandFailed(f"refusing to destroy: {exc.problem}", exc.hint) from None
        confirm(
            console,
            f"Destroy all {total} objects vcorg manages in organisation "
            f"{target.organisation!r}? Waiting-area links stop working.",
            yes=args.yes,
            action="destroy",
        )
        progress = ApplyProgress(console, total, description="Destroying")
        with progress, progress.reported():
            outcome = stack.destroy(listener=progress)
    say(console, destroyed_line(count_changes(outcome.steps), outcome.seconds))
    return ExitCode.OK


def destroyed_line(objects: int, seconds: float) -> str:
    """'Destroyed 5 objects in 3.1 s.': a destroy deletes objects; it makes no "changes"."""
    if not objects:
        return f"Nothing to destroy ({seconds:.1f} s)."
    return f"Destroyed {objects} object{'s' if objects != 1 else ''} in {seconds:.1f} s."
