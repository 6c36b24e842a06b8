"""Pulumi stacks for an organisation, driven through the Automation API.

vcorg runs an inline program, so users need no Pulumi project of their own, and the
Python SDK serves the language runtime in-process (`pulumi --client`): only the
`pulumi` CLI and the dynamic-provider launcher are needed on the machine.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pulumi import automation as auto
from semver import VersionInfo

from vcorg.engine.pulumi_cli import cli_version, engine_env, pulumi_bin_dir

PROJECT_NAME = "vcorg"
# How long a run that lost the race to create the stack waits for the winner to finish.
RACE_SECONDS = 30.0
STATE_DIR_NAME = ".vcorg"


class StackError(Exception):
    """The engine could not open or run the stack."""


def default_state_dir(config_paths: list[Path]) -> Path:
    """The local state directory next to the config: `<config dir>/.vcorg/state`."""
    first = config_paths[0].resolve()
    base = first if first.is_dir() else first.parent
    return base / STATE_DIR_NAME / "state"


def backend_url_for(config_paths: list[Path], explicit: str | None = None) -> str:
    """`--backend`, else `PULUMI_BACKEND_URL`, else a file backend next to the config."""
    url = explicit or os.environ.get("PULUMI_BACKEND_URL")
    if url:
        return url
    state = default_state_dir(config_paths)
    state.mkdir(parents=True, exist_ok=True)
    return state.as_uri()


@dataclass
class StackTarget:
    """Everything needed to open the stack of one organisation."""

    stack_name: str
    backend_url: str
    api_url: str | None = None
    program: Callable[[], None] | None = None
    extra_env: Mapping[str, str] = field(default_factory=dict)
    project_name: str = PROJECT_NAME


def _passphrase_env() -> dict[str, str]:
    # vcorg keeps no secret in stack config (the token is read from VCORG_TOKEN at run
    # time), so an empty passphrase is the documented default for the local backend.
    if "PULUMI_CONFIG_PASSPHRASE" in os.environ or "PULUMI_CONFIG_PASSPHRASE_FILE" in os.environ:
        return {}
    return {"PULUMI_CONFIG_PASSPHRASE": ""}


class _CheckedPulumi(auto.PulumiCommand):
    """The engine at ``bin_dir``, whose version `pulumi_bin_dir` has already checked.

    The SDK's own constructor runs `pulumi version` on every command (~0.35 s of CPU), even
    with its version check turned off; vcorg remembers the version per binary instead.
    """

    def __init__(self, bin_dir: Path) -> None:
        version = cli_version(bin_dir / "pulumi")
        if version is None:
            super().__init__(root=str(bin_dir.parent), skip_version_check=True)
            return
        self.command = str(bin_dir / "pulumi")
        self.version = VersionInfo.parse(version.removeprefix("v"))


class EventsOnlyStack(auto.Stack):
    """A stack whose runs return no outputs or summary: vcorg reads their events.

    The SDK follows every `up` with `pulumi stack output` and `pulumi stack history`, and
    a refresh or destroy with the latter: engine processes that each load the whole state
    (seconds at thousands of resources) for results vcorg never reads.
    """

    def outputs(self) -> auto.OutputMap:
        return {}

    def info(self, show_secrets: bool = True) -> auto.UpdateSummary | None:
        return auto.UpdateSummary(
            kind="update",
            start_time=datetime.now(UTC),
            message="",
            environment={},
            config={},
            result="not read: see the run's engine events",
        )


class StackMissing(StackError):
    """`open_stack(create=False)` found no such stack."""


def open_stack(
    target: StackTarget, *, create: bool = True, events_only: bool = False
) -> auto.Stack:
    """Create or select the stack, with the engine from `pulumi_bin_dir()`.

    With ``create=False`` (readers such as `vcorg drift`) a missing stack is
    `StackMissing`, and nothing is written: neither a new stack nor its config.
    With ``events_only`` (vcorg's own runs) an `EventsOnlyStack`: runs return no outputs
    or summary, which saves engine processes that load the whole state.
    """
    bin_dir = pulumi_bin_dir()
    env = engine_env(bin_dir)
    env.update(_passphrase_env())
    # The engine would rewrite the whole snapshot after every step: O(N²) for N resources.
    # vcorg's operations are idempotent and provable (docs/operations.md), so only the final
    # state is saved. Setting PULUMI_SKIP_CHECKPOINTS=false restores per-step checkpoints.
    env.setdefault("PULUMI_SKIP_CHECKPOINTS", "true")
    env.update(target.extra_env)
    # The Automation API reads a few settings from our own process environment.
    for key in ("PATH", "PULUMI_SKIP_UPDATE_CHECK", "PULUMI_PYTHON_CMD"):
        os.environ[key] = env[key]
    settings = auto.ProjectSettings(
        name=target.project_name,
        runtime="python",
        backend=auto.ProjectBackend(url=target.backend_url),
    )
    # The workspace is a fresh directory per command (vcorg.engine.reaper), so writing the
    # stack's settings file there costs no `pulumi config set` process.
    stack_settings = (
        {target.stack_name: auto.StackSettings(config={"vcorg:apiUrl": target.api_url})}
        if target.api_url
        else None
    )
    options = auto.LocalWorkspaceOptions(
        pulumi_command=_CheckedPulumi(bin_dir),
        project_settings=settings,
        stack_settings=stack_settings,
        env_vars=env,
        secrets_provider="passphrase" if target.backend_url.startswith("file:") else None,
    )
    program = target.program or (lambda: None)

    def _open(how: Callable[..., auto.Stack]) -> auto.Stack:
        stack = how(
            target.stack_name, project_name=target.project_name, program=program, opts=options
        )
        if events_only:
            # The SDK builds the Stack itself; the subclass adds no state, two overrides.
            stack.__class__ = EventsOnlyStack
        return stack

    if not create:
        try:
            return _open(auto.select_stack)
        except auto.errors.StackNotFoundError:
            raise StackMissing(f"there is no stack {target.stack_name!r}") from None
        except auto.errors.CommandError as exc:
            raise StackError(first_error_line(str(exc))) from None
    deadline = time.monotonic() + RACE_SECONDS
    while True:
        try:
            return _open(auto.create_or_select_stack)
        except (auto.errors.StackAlreadyExistsError, auto.errors.ConcurrentUpdateError) as exc:
            # Two first runs at once: the other one created the stack (and holds it for a
            # moment while it does). Losing that race is not an error: select it.
            if time.monotonic() > deadline:
                raise StackError(first_error_line(str(exc))) from None
            time.sleep(0.2)
        except auto.errors.CommandError as exc:
            raise StackError(first_error_line(str(exc))) from None


def first_error_line(text: str) -> str:
    """The engine's own `error:` line from its output, else its last line."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("error:"):
            return stripped.removeprefix("error:").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "the Pulumi engine failed"
