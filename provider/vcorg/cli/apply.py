"""`vcorg apply CONFIG`: show the plan, check the safety rails, confirm, apply.

Without `--plan`, apply previews, shows the plan and then holds the engine to that very
preview (Pulumi's update plan), so nothing beyond what was shown is applied. With
`--plan PLAN_FILE` it applies a plan saved by `vcorg plan --out` after checking that
neither the configuration nor the platform moved since.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vcorg.cli.arguments import add_target_command, add_yes_option, fraction, refreshing
from vcorg.cli.console import confirm, say, show_plan
from vcorg.cli.errors import CommandFailed, ExitCode, UsageError
from vcorg.cli.target import connected, open_org_stack
from vcorg.cli.translate import engine_errors, platform_errors

if TYPE_CHECKING:
    from rich.console import Console

    from vcorg.cli.arguments import Subparsers
    from vcorg.plan import Plan, ResourceStep


def register(subparsers: Subparsers) -> None:
    from vcorg.plan.limits import DEFAULT_MAX_DELETE_FRACTION

    parser = add_target_command(
        subparsers,
        "apply",
        help_text="make the platform match the configuration",
        description=(
            "Read the platform (unless --no-refresh), show the plan (drift first, each step "
            "that reverts it marked), check the safety rails, ask for confirmation (or take "
            "--yes) and apply it with a progress display. Exit 0 when applied or nothing to "
            "do, 1 on error or refusal, 64 on a usage error, 130 when interrupted."
        ),
        refresh=True,
    )
    parser.add_argument(
        "--plan",
        type=Path,
        metavar="PLAN_FILE",
        help="apply only this plan, saved by `vcorg plan --out`; refused if the "
        "configuration or the platform changed since",
    )
    add_yes_option(parser, "apply")
    parser.add_argument(
        "--max-delete-fraction",
        type=fraction,
        default=DEFAULT_MAX_DELETE_FRACTION,
        metavar="F",
        help="refuse when deletions exceed this share of the managed objects of a kind "
        f"(once there are at least 10; default {DEFAULT_MAX_DELETE_FRACTION})",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="apply despite the deletion cap and the self-lockout check (never despite "
        "leaving a unit without an administrator)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from vcorg.cli.adopting import read_before_preview, with_adoptions
    from vcorg.config.ownership import console_owned
    from vcorg.engine.progress import ApplyProgress, count_changes, summary_line
    from vcorg.engine.saved_plan import (
        SavedPlan,
        SavedPlanError,
        config_digest,
        platform_fingerprint,
    )
    from vcorg.plan import build_plan

    if args.plan is not None and args.refresh is not None:
        flag = "--refresh" if args.refresh else "--no-refresh"
        raise UsageError(f"{flag} cannot be combined with --plan: the saved plan decides")
    with connected(args) as (console, target, client, email), engine_errors():
        if args.plan is not None and not target.adopt:
            # A plan saved by `plan --adopt` is applied as reviewed: with adoption.
            target.adopt = _saved_plan_adopts(args.plan)
        stack = open_org_stack(target)
        pulumi_plan: dict[str, Any] | None
        if args.plan is not None:
            try:
                saved = SavedPlan.read(args.plan)
                saved.check_target(
                    organisation=target.organisation,
                    stack=target.stack_name,
                    api_url=target.api_url,
                )
                with platform_errors():
                    now = platform_fingerprint(client, target.organisation)
                saved.check_current(config_digest=config_digest(target.config), platform=now)
            except SavedPlanError as exc:
                raise CommandFailed(
                    f"not applying {args.plan}: {exc}",
                    "make a new plan with `vcorg plan --out PLAN_FILE`, review it, and apply that",
                ) from None
            steps, pulumi_plan, refresh = saved.steps, saved.pulumi_plan, saved.refresh
            say(console, f"Applying the plan saved in {args.plan} ({saved.created_at}).")
        else:
            snapshot, _ = read_before_preview(client, target, fingerprint=False)
            say(
                console,
                f"Planning organisation {target.organisation!r} "
                f"(stack {target.stack_name!r}) against {target.api_url}"
                f"{' after a refresh' if refreshing(args) else ''}...",
            )
            preview = stack.preview(refresh=refreshing(args), save_plan=True)
            steps = with_adoptions(preview.steps, snapshot)
            pulumi_plan, refresh = preview.pulumi_plan, refreshing(args)

        plan = build_plan(steps, token_email=email, console_owned=console_owned(target.config))
        show_plan(plan)
        if not plan.has_changes:
            return ExitCode.OK
        managed = dict(plan.managed_counts)
        _check_rails(plan, args, managed, email, console)
        total = count_changes(steps)
        if total:
            confirm(
                console,
                f"Apply {total} change{'s' if total != 1 else ''} to organisation "
                f"{target.organisation!r}?",
                yes=args.yes,
                action="apply",
            )
        else:
            # Only drift in what the platform reports (say, accepted invitations):
            # nothing on the platform changes, the update just records it.
            say(console, "Nothing on the platform changes; recording its current state.")
        with ApplyProgress(console, total) as progress, progress.reported():
            outcome = stack.up(refresh=refresh, pulumi_plan=pulumi_plan, listener=progress)
    # What this run did, from its own events: another run may have done the plan's work
    # in the meantime, and then this one invited nobody. Who was invited, kept or re-sent
    # is as the reviewed plan classed it: an adopted role list's people were there before.
    say(console, summary_line(outcome.steps, outcome.seconds) + _people(plan, outcome.steps))
    _print_new_links(console, outcome.steps)
    return ExitCode.OK


def _saved_plan_adopts(path: Path) -> bool:
    from vcorg.engine.saved_plan import SavedPlan, SavedPlanError
    from vcorg.plan import Op

    try:
        saved = SavedPlan.read(path)
    except SavedPlanError:
        return False  # reported when the plan is read for real
    return any(
        step.op is Op.ADOPT or (step.new_inputs or {}).get("adopt") is True for step in saved.steps
    )


def _check_rails(
    plan: Plan, args: argparse.Namespace, managed: dict[str, int], email: str, console: Console
) -> None:
    from vcorg.plan import UnsafePlan

    try:
        plan.raise_if_unsafe(
            max_delete_fraction=args.max_delete_fraction,
            force=args.force,
            managed_counts=managed,
            token_email=email,
        )
    except UnsafePlan as exc:
        # The rail says what and the numbers, and its own advice; the verb is ours.
        raise CommandFailed(f"refusing to apply: {exc.problem}", exc.hint) from None
    if args.force:
        # Say what --force let through, so the log shows it was a decision.
        try:
            plan.raise_if_unsafe(
                max_delete_fraction=args.max_delete_fraction,
                managed_counts=managed,
                token_email=email,
            )
        except UnsafePlan as exc:
            say(console, f"vcorg: warning: --force given; applying although {exc.problem}")


def _people(plan: Plan, steps: list[ResourceStep]) -> str:
    """' People: 1 invited, 4 removed.' for the role lists this run changed, or ''."""
    from vcorg.plan import MemberAction
    from vcorg.plan.steps import CHANGING_OPS

    done = {s.urn for s in steps if s.op in CHANGING_OPS}
    actions = Counter(
        m.action
        for unit in plan.units
        for change in unit.resources
        if change.urn in done
        for m in change.members
    )
    removed = actions[MemberAction.REMOVE] + actions[MemberAction.REVOKE]
    parts = []
    if actions[MemberAction.INVITE]:
        parts.append(f"{actions[MemberAction.INVITE]} invited")
    if removed:
        parts.append(f"{removed} removed")
    if actions[MemberAction.RESEND]:
        parts.append(f"{actions[MemberAction.RESEND]} expired invitation(s) re-sent")
    return f" People: {', '.join(parts)}." if parts else ""


def _print_new_links(console: Console, steps: list[ResourceStep]) -> None:
    """New waiting-area links: what an admin hands to patients next."""
    from vcorg.plan import Op
    from vcorg.plan.steps import WAITING_AREA

    links = [
        (s.name, (s.new_outputs or {}).get("link"))
        for s in steps
        if s.type_name == WAITING_AREA
        and s.op in (Op.CREATE, Op.REPLACE)
        # An adopted area keeps the link its service users already hold.
        and not (s.new_outputs or {}).get("adopted")
    ]
    links = [(name, link) for name, link in links if link]
    if links:
        say(console, "New waiting-area links (share these with service users):")
        for name, link in sorted(links):
            say(console, f"  {name}: {link}")
