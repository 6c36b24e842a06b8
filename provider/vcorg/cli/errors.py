"""Exit codes and error plumbing shared by every ``vcorg`` subcommand.

Exception tree (what `guard` turns into what)::

    CliError                 -> "vcorg: error: ..."            exit 1 (or .exit_code)
    ├── UsageError           -> usage line + "vcorg: error: ..." exit 64
    └── CommandFailed        -> "vcorg: error: ..." + "  hint: ..." exit .exit_code
    vcorg.config.ConfigError -> one line per problem, on stderr  exit 1
    KeyboardInterrupt        -> "vcorg: interrupted"             exit 130
    anything else            -> "vcorg: error: ..." (traceback only with VCORG_DEBUG=1) exit 1

The API client's and the engine's errors become `CommandFailed` in `vcorg.cli.translate`.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import NoReturn, TextIO

from vcorg.config.problem import ConfigError, Problem
from vcorg.config.report import render


class ExitCode(IntEnum):
    """Exit codes CI can branch on (README, "The CLI"; 64 is BSD's EX_USAGE)."""

    OK = 0
    ERROR = 1
    CHANGES = 2
    USAGE = 64
    INTERRUPTED = 130


class CliError(Exception):
    """An error to show an admin as one line, with an exit code."""

    exit_code: int = ExitCode.ERROR


class UsageError(CliError):
    """The command line itself is wrong."""

    exit_code = ExitCode.USAGE


class CommandFailed(CliError):
    """An error with a hint on what to do next."""

    def __init__(self, message: str, hint: str = "", *, exit_code: int = ExitCode.ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but usage errors raise `UsageError` (exit 64) instead of exiting with 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        raise UsageError(message)


def print_problems(
    problems: Sequence[Problem], fmt: str = "text", *, stream: TextIO | None = None
) -> None:
    """Print problems in one of `vcorg.config.report.FORMATS` (to stdout by default)."""
    (stream or sys.stdout).write(render(problems, fmt))


def fail(message: str) -> None:
    print(f"vcorg: error: {message}", file=sys.stderr)


def guard(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a subcommand; no exception ever reaches the user as a traceback."""
    try:
        return int(run(args))
    except UsageError as exc:
        fail(str(exc))
        return ExitCode.USAGE
    except ConfigError as exc:
        # Here problems are diagnostics: stdout holds the command's output (a plan that
        # may be redirected to plan.json). `validate`, whose output they are, prints them
        # to stdout itself and never raises ConfigError.
        print_problems(exc.problems, "text", stream=sys.stderr)
        return ExitCode.ERROR
    except CliError as exc:
        fail(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        print("vcorg: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. `vcorg validate ... | head`); nothing left to say.
        _silence_stdout()
        return ExitCode.ERROR
    except Exception as exc:
        return unexpected(exc)


def unexpected(exc: BaseException) -> int:
    """Report a bug as one line (a traceback only with ``VCORG_DEBUG=1``); exit 1."""
    debug = os.environ.get("VCORG_DEBUG") == "1"
    if debug:
        traceback.print_exception(exc)
    detail = str(exc).splitlines()[0] if str(exc) else ""
    hint = "" if debug else " (set VCORG_DEBUG=1 for details)"
    fail(f"unexpected {type(exc).__name__}{': ' + detail if detail else ''}{hint}")
    return ExitCode.ERROR


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
