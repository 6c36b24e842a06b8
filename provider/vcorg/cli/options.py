"""Options and set-up shared by `vcorg plan`, `vcorg apply` and `vcorg destroy`.

Every one of them targets one organisation: its configuration, the platform
(`--api-url` / `VCORG_API_URL`, token from `VCORG_TOKEN` only), and the Pulumi stack
(`--stack`, default the organisation key; `--backend` / `PULUMI_BACKEND_URL`, default
a local state directory next to the configuration).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from vcorg.cli.errors import CliError, ExitCode, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from vcorg.client import PlatformClient
    from vcorg.config import OrgConfig
    from vcorg.engine.run import OrgStack
    from vcorg.plan import Plan

API_URL_ENV = "VCORG_API_URL"
TOKEN_ENV = "VCORG_TOKEN"
BACKEND_ENV = "PULUMI_BACKEND_URL"
_STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


class CommandFailed(CliError):
    """An error with a hint on what to do next."""

    def __init__(self, message: str, hint: str = "", *, exit_code: int = ExitCode.ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


def add_target_command(
    subparsers: Any, name: str, *, help_text: str, description: str, refresh: bool
) -> argparse.ArgumentParser:
    """The parser of a command that works on one organisation, with its shared options.

    CONFIG and the target options come first, then --refresh for the commands that
    preview, so every such command lists them in the same order.
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=description
    )
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
        action="store_true",
        help="read every managed object from the platform first, so changes made outside "
        "vcorg (drift) show in the plan",
    )


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


@dataclass
class Target:
    """The organisation, platform and stack one command works on."""

    config: OrgConfig
    paths: list[Path]
    stack_name: str
    backend_url: str
    api_url: str
    token: str = field(repr=False)
    adopt: bool = False

    @property
    def organisation(self) -> str:
        return self.config.organisation


def resolve_target(args: argparse.Namespace) -> Target:
    """Load the configuration and settle platform, token, stack and backend.

    Raises `ConfigError` (printed as problems by the CLI guard), `UsageError` or
    `CommandFailed`.
    """
    from vcorg.client import ConfigurationError
    from vcorg.client.settings import normalise_api_url
    from vcorg.config import load_config
    from vcorg.engine.stack import backend_url_for

    config = load_config(args.paths)
    raw_url = (args.api_url or os.environ.get(API_URL_ENV, "")).strip()
    if not raw_url:
        raise CommandFailed(
            "no platform URL given",
            f"pass --api-url https://... or set {API_URL_ENV}",
            exit_code=ExitCode.USAGE,
        )
    try:
        api_url = normalise_api_url(raw_url)
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise CommandFailed(
            f"no API token: {TOKEN_ENV} is not set",
            f"export {TOKEN_ENV}=<token> (vcorg never takes the token as a flag, so it "
            "stays out of shell history and process lists)",
            exit_code=ExitCode.USAGE,
        )
    stack_name = args.stack or config.organisation
    if not _STACK_NAME.match(stack_name):
        raise UsageError(f"--stack {stack_name!r}: use letters, digits, '-', '_' and '.' only")
    backend = backend_url_for(list(args.paths), args.backend)
    if backend.startswith("file://"):
        # A fresh local backend is just a directory; create it rather than fail.
        with contextlib.suppress(OSError):
            Path(urllib.parse.urlparse(backend).path).mkdir(parents=True, exist_ok=True)
    adopt = bool(getattr(args, "adopt", False))
    return Target(config, list(args.paths), stack_name, backend, api_url, token, adopt)


@contextlib.contextmanager
def platform_errors() -> Iterator[None]:
    """Turn the API client's errors into `CommandFailed` with a hint."""
    from vcorg.client import PlatformError, TransportError, Unauthorized

    try:
        yield
    except Unauthorized as exc:
        # The client's own advice names Pulumi stack config; on the CLI only the env applies.
        raise CommandFailed(
            str(exc).splitlines()[0], f"check that {TOKEN_ENV} holds a valid, unrevoked token"
        ) from None
    except TransportError as exc:
        raise CommandFailed(
            str(exc), f"check --api-url / {API_URL_ENV} and that the platform is up"
        ) from None
    except PlatformError as exc:
        raise CommandFailed(str(exc), getattr(exc, "hint", "")) from None


class Connection(NamedTuple):
    """What a command that works on one organisation starts from."""

    console: Console
    target: Target
    client: PlatformClient
    email: str


@contextlib.contextmanager
def connected(args: argparse.Namespace) -> Iterator[Connection]:
    """Resolve the target, open the platform client and check the token against it.

    The client is closed on leaving; the other fields stay usable after that.
    """
    console = stderr_console()
    target = resolve_target(args)
    with connect(target) as client:
        yield Connection(console, target, client, token_email(client, target))


def connect(target: Target) -> PlatformClient:
    from vcorg.client import ClientSettings, PlatformClient

    return PlatformClient(ClientSettings(api_url=target.api_url, token=target.token))


def token_email(client: PlatformClient, target: Target) -> str:
    """The token's own account email (for the self-lockout rail); checks the org exists."""
    from vcorg.client import NotFound

    with platform_errors():
        me = client.me()
        try:
            client.organisation(target.organisation)
        except NotFound:
            raise CommandFailed(
                f"organisation {target.organisation!r} does not exist on {target.api_url}, "
                "or the token cannot see it",
                "check `organisation:` in the configuration and which organisation "
                f"{TOKEN_ENV} belongs to",
            ) from None
    return str(me.get("email") or "").lower()


def open_org_stack(target: Target) -> OrgStack:
    """The stack with the inline program that declares the whole organisation."""
    from vcorg.engine.run import OrgStack
    from vcorg.engine.stack import StackTarget

    config = target.config
    # --adopt forces adoption on; without it the config's defaults.adoptExisting decides.
    adopt = True if target.adopt else None

    def program() -> None:
        from vcorg.resources import Organisation

        Organisation(config.organisation, config=config, adopt=adopt)

    return OrgStack(
        StackTarget(
            stack_name=target.stack_name,
            backend_url=target.backend_url,
            api_url=target.api_url,
            program=program,
            extra_env={TOKEN_ENV: target.token},
        )
    )


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def say(console: Console, text: str) -> None:
    """A status line on stderr, so stdout holds only the plan."""
    console.print(text, highlight=False, markup=False, soft_wrap=True)


def show_plan(plan: Plan, *, stream: Any = None) -> None:
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


@contextlib.contextmanager
def engine_errors() -> Iterator[None]:
    """Turn engine and saved-plan errors into `CommandFailed` with a hint."""
    from vcorg.engine import PulumiNotAvailable
    from vcorg.engine.run import (
        EngineRunError,
        Interrupted,
        PlanViolation,
        StackBusy,
        StackUnavailable,
    )

    try:
        yield
    except StackBusy as exc:
        raise CommandFailed(str(exc)) from None
    except Interrupted as exc:
        raise CommandFailed(
            str(exc),
            "run the same command again to finish; it resumes where it stopped and never "
            "creates duplicates",
            exit_code=ExitCode.INTERRUPTED,
        ) from None
    except StackUnavailable as exc:
        raise CommandFailed(
            str(exc), f"check --backend / ${BACKEND_ENV} and that the state directory is readable"
        ) from None
    except PlanViolation as exc:
        raise CommandFailed(
            str(exc),
            "some changes may already be applied; run `vcorg plan` to see where things "
            "stand, review it and apply again",
        ) from None
    except EngineRunError as exc:
        raise CommandFailed(
            str(exc),
            "fix the cause and run the command again; vcorg resumes where it stopped and "
            "never creates duplicates",
        ) from None
    except PulumiNotAvailable as exc:
        raise CommandFailed(str(exc), "run scripts/bootstrap, or install Pulumi") from None
