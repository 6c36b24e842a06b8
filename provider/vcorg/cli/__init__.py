"""The ``vcorg`` command.

Each subcommand lives in its own module, ``vcorg.cli.<name>``, which defines::

    def register(subparsers) -> None   # add_parser(...); set_defaults(run=run)
    def run(args: argparse.Namespace) -> int

and is registered by adding its name and one-line help to ``COMMANDS``. Only the
module of the command being run is imported (the others appear in ``vcorg --help``
from ``COMMANDS`` alone), and a module's top-level imports stay light (Pulumi and
friends are imported inside ``run``), so ``vcorg validate`` and ``--help`` never
import the engine.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from vcorg.cli.errors import ArgumentParser, ExitCode, UsageError, fail, guard, unexpected

# name -> the help `vcorg --help` lists; the same text as the module's own add_parser.
COMMANDS: dict[str, str] = {
    "validate": "check a configuration and report every problem",
    "plan": "show what apply would change (dry run)",
    "apply": "make the platform match the configuration",
    "destroy": "delete every object vcorg manages for the organisation",
    "drift": "report what changed outside vcorg since the last apply",
    "report": "review who has access, or read usage reports",
    "export": "write an existing organisation as configuration",
}


def build_parser(argv: Sequence[str] = ()) -> ArgumentParser:
    """The parser for *argv*: the command it names is fully registered, the rest listed.

    Importing plan/apply/destroy costs the engine's import time, which `vcorg validate`
    and `vcorg --help` should not pay, so the other commands get a placeholder parser
    that is never used to parse.
    """
    parser = ArgumentParser(
        prog="vcorg",
        description="Organisation-as-code for telehealth video-call platforms.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    chosen = _command_in(argv)
    for name, summary in COMMANDS.items():
        if name == chosen:
            importlib.import_module(f"vcorg.cli.{name}").register(subparsers)
        else:
            subparsers.add_parser(name, help=summary)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand *argv* names: its first word (the top level only has -h)."""
    for arg in argv:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vcorg`` script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(argv)
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
