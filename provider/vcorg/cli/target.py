"""What one command works on: the organisation, the platform and the Pulumi stack.

The configuration, the platform (`--api-url` / `VCORG_API_URL`, token from `VCORG_TOKEN`
only), and the stack (`--stack`, default the organisation key; `--backend` /
`PULUMI_BACKEND_URL`, default a local state directory next to the configuration); and
the connection to the platform that a command starts from.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from vcorg.cli.errors import CommandFailed, ExitCode, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from vcorg.client import PlatformClient
    from vcorg.config import OrgConfig
    from vcorg.engine.run import OrgStack

API_URL_ENV = "VCORG_API_URL"
TOKEN_ENV = "VCORG_TOKEN"


def platform_credentials(args: argparse.Namespace) -> tuple[str, str]:
    """The platform's URL (`--api-url`, else VCORG_API_URL) and the token (VCORG_TOKEN)."""
    from vcorg.client import ConfigurationError
    from vcorg.client.settings import normalise_api_url

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
    return api_url, token


BACKEND_ENV = "PULUMI_BACKEND_URL"
_STACK_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


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
    from vcorg.config import load_config
    from vcorg.engine.stack import backend_url_for

    config = load_config(args.paths)
    api_url, token = platform_credentials(args)
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


class Connection(NamedTuple):
    """What a command that works on one organisation starts from."""

    console: Console
    target: Target
    client: PlatformClient
    email: str


@contextlib.contextmanager
def connected(args: argparse.Namespace) -> Iterator[Connection]:
    """Resolve the target, open the platform client and check the token against it.

    The client is closed on leaving; the other fields stay usable after that. The whole
    command runs in a reaper scope: no process or temp file it starts outlives it.
    """
    from vcorg.cli.console import stderr_console
    from vcorg.engine.reaper import command_scope

    console = stderr_console()
    target = resolve_target(args)
    with command_scope(), connect(target) as client:
        yield Connection(console, target, client, token_email(client, target))


def connect(target: Target) -> PlatformClient:
    from vcorg.client import ClientSettings, PlatformClient

    return PlatformClient(ClientSettings(api_url=target.api_url, token=target.token))


def token_email(client: PlatformClient, target: Target) -> str:
    """The token's own account email (for the self-lockout rail); checks the org exists."""
    from vcorg.cli.translate import platform_errors
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
        from vcorg.resources import Organisation, sdk_speedups

        sdk_speedups.install()
        Organisation(config.organisation, config=config, adopt=adopt, links=False)

    return OrgStack(
        StackTarget(
            stack_name=target.stack_name,
            backend_url=target.backend_url,
            api_url=target.api_url,
            program=program,
            extra_env={TOKEN_ENV: target.token},
        )
    )
