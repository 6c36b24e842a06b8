"""The ``vcorg`` command.

Each subcommand lives in its own module, ``vcorg.cli.<name>``, which defines::

    def register(subparsers) -> None   # add_parser(...); set_defaults(run=run)
    def run(args: argparse.Namespace) -> int

and is registered by adding its name to ``COMMANDS``. Keep a module's top-level
imports light (import Pulumi and friends inside ``run``) so ``vcorg validate``
and ``--help`` stay fast.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from vcorg.cli.errors import ArgumentParser, ExitCode, UsageError, fail, guard, unexpected

COMMANDS: tuple[str, ...] = ("validate", "plan", "apply", "destroy")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="vcorg",
        description="Organisation-as-code for telehealth video-call platforms.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"vcorg.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vcorg`` script; returns the exit code."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except UsageError as exc:
        fail(str(exc))
        return ExitCode.USAGE
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    except Exception as exc:  # e.g. a subcommand module that fails to import
        return unexpected(exc)
    return guard(args.run, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
