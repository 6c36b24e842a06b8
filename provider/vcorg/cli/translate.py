"""The API client's and the engine's errors, as `CommandFailed` with a hint for an admin.

Like httpx's ``map_httpcore_exceptions``: each context turns the foreign errors raised in
it into the most specific of ours, so the CLI guard only ever sees `CliError`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from vcorg.cli.errors import CommandFailed, ExitCode
from vcorg.cli.target import API_URL_ENV, BACKEND_ENV, TOKEN_ENV


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
        raise CommandFailed(str(exc), exc.hint) from None


@contextlib.contextmanager
def engine_errors() -> Iterator[None]:
    """Turn engine and saved-plan errors into `CommandFailed` with a hint."""
    from vcorg.engine import PulumiNotAvailable
    from vcorg.engine.run import (
        EngineRunError,
        Interrupted,
        PlanViolation,
        StackBusy,
        StackLocked,
        StackUnavailable,
    )

    try:
        yield
    except (StackBusy, StackLocked) as exc:
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
