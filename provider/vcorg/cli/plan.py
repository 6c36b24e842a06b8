"""`vcorg plan CONFIG`: preview the changes and render the plan an admin reviews."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vcorg.cli.arguments import add_target_command, refreshing
from vcorg.cli.console import say, show_plan
from vcorg.cli.errors import CommandFailed, ExitCode
from vcorg.cli.target import connected, open_org_stack
from vcorg.cli.translate import engine_errors

if TYPE_CHECKING:
    from vcorg.cli.arguments import Subparsers
    from vcorg.plan import Plan, UnsafePlan

FORMATS = ("text", "markdown", "json")


def register(subparsers: Subparsers) -> None:
    parser = add_target_command(
        subparsers,
        "plan",
        help_text="show what apply would change (dry run)",
        description=(
            "Read the platform (unless --no-refresh), preview the changes that would make it "
            "match the configuration and print them as a reviewable plan: what changed "
            "outside vcorg since the last apply (drift) first, then what apply will do, each "
            "step that reverts drift marked. Nothing on the platform changes. Exit 0 on "
            "success (with --detailed-exitcode: 0 no changes, 2 changes or drift), 1 on "
            "error, 64 on a usage error."
        ),
        refresh=True,
    )
    parser.add_argument(
        "--format",
        dest="plan_format",
        choices=FORMATS,
        default="text",
        help="text (terminal), markdown (pull-request comment) or json (machines)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="PLAN_FILE",
        help="also save the plan, so `vcorg apply --plan PLAN_FILE` applies exactly it",
    )
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="exit 0 when there are no changes, 2 when there are, 1 on error",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vcorg.cli.adopting import read_before_preview, with_adoptions
    from vcorg.config.ownership import console_owned
    from vcorg.engine.saved_plan import SavedPlan, config_digest
    from vcorg.plan import MARKDOWN_LIMIT, build_plan
    from vcorg.plan.render_markdown import md_escape

    refresh = refreshing(args)
    with connected(args) as (console, target, client, email):
        # Read before the preview, so a change made while it runs is caught at apply.
        snapshot, platform = read_before_preview(client, target, fingerprint=args.out is not None)
        say(
            console,
            f"Planning organisation {target.organisation!r} (stack {target.stack_name!r}) "
            f"against {target.api_url}{' after a refresh' if refresh else ''}...",
        )
        with engine_errors():
            stack = open_org_stack(target)
            outcome = stack.preview(refresh=refresh, save_plan=args.out is not None)
    steps = with_adoptions(outcome.steps, snapshot)
    plan = build_plan(steps, token_email=email, console_owned=console_owned(target.config))

    # The deletion cap's base is what the plan's steps say is under management (every step
    # but a create), so the state need not be exported and parsed again.
    refusal = _refusal(plan, dict(plan.managed_counts), email)
    if args.plan_format == "json":
        sys.stdout.write(plan.to_json())
    elif args.plan_format == "markdown":
        # Reviewers read the PR comment, not the job log: say there that apply will refuse.
        footer = (
            f"\n> **`vcorg apply` will refuse this plan:** {md_escape(refusal.problem)}\n>\n"
            f"> Hint: {md_escape(refusal.hint)}\n"
            if refusal
            else ""
        )
        sys.stdout.write(plan.to_markdown(limit=MARKDOWN_LIMIT - len(footer)) + footer)
    else:
        show_plan(plan)
    sys.stdout.flush()
    if refusal:
        say(
            console,
            f"vcorg: warning: apply will refuse this plan: {refusal.problem}\n"
            f"  hint: {refusal.hint}",
        )

    if args.out is not None:
        if outcome.pulumi_plan is None:  # pragma: no cover - preview(save_plan=True) sets it
            raise CommandFailed("the engine did not produce an update plan to save")
        saved = SavedPlan(
            organisation=target.organisation,
            stack=target.stack_name,
            api_url=target.api_url,
            refresh=refresh,
            config_digest=config_digest(target.config),
            platform=platform,
            steps=steps,
            pulumi_plan=outcome.pulumi_plan,
            rendered=plan.to_dict(),
            text=plan.to_text(),
        )
        try:
            saved.write(args.out)
        except OSError as exc:
            raise CommandFailed(
                f"cannot write the plan to {args.out}: {exc.strerror or exc}",
                "choose a writable file for --out",
            ) from None
        say(
            console,
            f"Saved the plan to {args.out}. Apply exactly this plan with: "
            f"vcorg apply {' '.join(str(p) for p in args.paths)} --plan {args.out}",
        )
    say(console, f"Planned in {outcome.seconds:.1f} s.")
    if args.detailed_exitcode and plan.has_changes:
        return ExitCode.CHANGES
    return ExitCode.OK


def _refusal(plan: Plan, managed: dict[str, int], email: str) -> UnsafePlan | None:
    """Why `apply` (with default options) would refuse this plan, or None."""
    from vcorg.plan import UnsafePlan

    try:
        plan.raise_if_unsafe(managed_counts=managed, token_email=email)
    except UnsafePlan as exc:
        return exc
    return None
