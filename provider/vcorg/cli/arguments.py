"""The command-line options shared by `vcorg plan`, `vcorg apply` and `vcorg destroy`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from vcorg.cli.target import API_URL_ENV, BACKEND_ENV, TOKEN_ENV

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]


def add_target_command(
    subparsers: Subparsers, name: str, *, help_text: str, description: str, refresh: bool
) -> argparse.ArgumentParser:
    """The parser of a command that works on one organisation, with its shared options.

    CONFIG and the target options come first, then --refresh for the commands that
    preview, so every such command lists them in the same order.
    """
    parser = subparsers.add_parser(name, help=help_text, description=description)
    add_target_options(parser)
    if refresh:
        add_refresh_option(parser)
        parser.add_argument(
            "--adopt",
            action="store_true",
            help="take over platform objects that already exist with the same name in the "
            "same scope instead of failing (as `defaults: {adoptExisting: true}` does)",
        )
    return parser


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """CONFIG plus --stack, --api-url and --backend."""
    parser.add_argument(
        "paths",
        nargs="+",
        type=Path,
        metavar="CONFIG",
        help="configuration file(s) or directory, merged into one organisation",
    )
    parser.add_argument(
        "--stack",
        metavar="NAME",
        help="Pulumi stack name (default: the organisation key)",
    )
    parser.add_argument(
        "--api-url",
        metavar="URL",
        help=f"platform URL (default: ${API_URL_ENV}); the token is read from ${TOKEN_ENV}",
    )
    parser.add_argument(
        "--backend",
        metavar="URL",
        help=(
            f"Pulumi state backend (default: ${BACKEND_ENV}, else file:// state in "
            ".vcorg/state next to the configuration)"
        ),
    )


def add_refresh_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--refresh",
        action=argparse.BooleanOptionalAction,
        # None: not given. Plans read the platform unless --no-refresh says otherwise.
        default=None,
        help="read every managed object from the platform first (the default), so the plan "
        "is against the platform as it is now and shows changes made outside vcorg (drift) "
        "apart from what apply will do; --no-refresh plans against the state of the last "
        "apply only",
    )


def refreshing(args: argparse.Namespace) -> bool:
    """Whether a plan reads the platform first: yes, unless --no-refresh."""
    return args.refresh is not False


def add_yes_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help=f"{what} without asking (required when not run from a terminal)",
    )


def fraction(text: str) -> float:
    """argparse type for --max-delete-fraction: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and 1")
    return value
