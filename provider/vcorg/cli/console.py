"""Console I/O of the commands: status lines on stderr, the plan on stdout, confirmation."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from vcorg.cli.errors import CommandFailed

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from vcorg.plan import Plan


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def say(console: Console, text: str) -> None:
    """A status line on stderr, so stdout holds only the plan."""
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def emit(console: Console, text: str, out: Path | None, what: str) -> None:
    """A report on stdout, or written to *out* (`--out`) with a line saying so."""
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandFailed(
            f"cannot write the {what} to {out}: {exc.strerror or exc}",
            "choose a writable file for --out",
        ) from None
    say(console, f"Wrote the {what} to {out}.")


def show_plan(plan: Plan, *, stream: TextIO | None = None) -> None:
    """The plan as text: styled on a terminal, plain (and byte-stable) otherwise."""
    out = stream or sys.stdout
    if out.isatty():
        from rich.console import Console

        Console(file=out, highlight=False).print(plan)
    else:
        out.write(plan.to_text())
        out.flush()


def confirm(console: Console, question: str, *, yes: bool, action: str) -> None:
    """Go ahead with --yes; ask on a terminal; refuse otherwise."""
    if yes:
        return
    if not (sys.stdin.isatty() and console.is_terminal):
        # Only apply takes a saved plan; destroy always destroys everything it manages.
        ci = " (CI: apply a saved plan with `--plan PLAN_FILE --yes`)" if action == "apply" else ""
        raise CommandFailed(
            f"refusing to {action} without confirmation: not running in a terminal",
            f"review the plan, then re-run with --yes{ci}",
        )
    answer = console.input(f"[bold]{question}[/] Type 'yes' to continue: ").strip().lower()
    if answer not in ("y", "yes"):
        raise CommandFailed(f"{action} cancelled; nothing was changed")
