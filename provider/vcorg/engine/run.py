"""Preview, update and destroy runs of one organisation's stack.

A run drives the Automation API with the inline program, collects the engine's events
and turns them into `ResourceStep`s (from which `vcorg.plan` builds the reviewed `Plan`).
Engine failures become `EngineRunError`s worded from the engine's own diagnostics, so a
command never shows a Pulumi stack trace or a Python traceback.

    EngineRunError          a preview, update or destroy failed (carries `failures`)
    ├── StackUnavailable    the stack or its backend could not be opened
    ├── StackBusy           another run that is still going holds the stack's lock
    ├── StackLocked         a lock whose owner vcorg cannot prove gone (another host)
    ├── Interrupted         Ctrl-C stopped the run (after the operations in flight)
    └── PlanViolation       `up --plan` found a change the saved plan did not allow
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from pulumi import automation as auto
from pulumi.automation import events as pe

from vcorg.engine import locks
from vcorg.engine.stack import StackError, StackTarget, first_error_line, open_stack
from vcorg.plan import ResourceStep, steps_from_engine_events
from vcorg.plan.labels import kind_label
from vcorg.plan.steps import type_name_from_token

EventListener = Callable[[pe.EngineEvent], None]


@dataclass(frozen=True)
class EngineFailure:
    """One error the engine reported, on a resource (`urn`) or on the run as a whole."""

    message: str
    urn: str | None = None

    @property
    def resource_title(self) -> str | None:
        """`waiting area intake`, from the URN's type and name."""
        if not self.urn:
            return None
        parts = self.urn.split("::")
        type_name = type_name_from_token(parts[-2].rsplit("$", 1)[-1]) if len(parts) > 2 else ""
        return f"{kind_label(type_name)} {parts[-1]}".strip()


class EngineRunError(Exception):
    """A preview, update or destroy did not complete."""

    def __init__(self, message: str, failures: Iterable[EngineFailure] = ()) -> None:
        super().__init__(message)
        self.failures = tuple(failures)


class StackUnavailable(EngineRunError):
    """The stack or its state backend could not be opened."""


class StackBusy(EngineRunError):
    """Another run, still going, holds the stack's lock."""


class StackLocked(EngineRunError):
    """A lock that vcorg cannot prove stale (taken on another host); carries the command."""


class Interrupted(EngineRunError):
    """The run was stopped by Ctrl-C (SIGINT); what finished is recorded in the state."""


class PlanViolation(EngineRunError):
    """The update would have done something the saved plan did not allow."""


@dataclass
class RunOutcome:
    """What a run did (or, for a preview, would do)."""

    steps: list[ResourceStep]
    seconds: float
    # Pulumi's own update plan, only for a preview asked to save one.
    pulumi_plan: dict[str, Any] | None = None


@dataclass
class _Collector:
    """Keeps every event and every error diagnostic; forwards events to a listener."""

    listener: EventListener | None = None
    events: list[pe.EngineEvent] = field(default_factory=list)
    failures: list[EngineFailure] = field(default_factory=list)
    cancelled: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, event: pe.EngineEvent) -> None:
        with self._lock:
            # The engine also sends a cancel event when a step fails and it stops the rest,
            # so only our SIGINT handler (below) may call a run interrupted.
            self.events.append(event)
            diag = event.diagnostic_event
            if diag is not None and diag.severity == "error":
                message = clean_diagnostic(diag.message)
                if message:
                    self.failures.append(EngineFailure(message, diag.urn or None))
        if self.listener is not None:
            self.listener(event)


# Wrappers the engine and the dynamic-provider host put around a provider's message.
_NOISE = (
    re.compile(r"^error:\s*"),
    re.compile(r"^Exception calling application:\s*"),
    re.compile(r"^Method \w+ failed:\s*"),
    re.compile(r"^update failed$|^preview failed$|^destroy failed$"),
)


_EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception):\s*")


def clean_diagnostic(message: str) -> str:
    """The admin-facing part of an engine diagnostic: no colour codes, prefixes or traces."""
    text = re.sub(r"<\{%[^%]*%\}>|\x1b\[[0-9;]*m", "", message).strip()
    if "Traceback (most recent call last)" in text:
        # A Python traceback ends with the exception line; a message of several lines
        # (what the platform said, then what to do) continues below it: keep them all.
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        starts = [i for i, ln in enumerate(lines) if _EXCEPTION_LINE.match(ln)]
        text = " ".join(lines[starts[-1] :]) if starts else (lines[-1] if lines else "")
        text = _EXCEPTION_LINE.sub("", text, count=1)
    for pattern in _NOISE:
        text = pattern.sub("", text).strip()
    return text


Notify = Callable[[str], None]


def engine_parallel() -> int | None:
    """How many steps the engine runs at once: `VCORG_ENGINE_PARALLEL`, else the default
    chosen from bench/bench_parallel.py (docs/operations.md, "Concurrency")."""
    value = os.environ.get("VCORG_ENGINE_PARALLEL", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return DEFAULT_PARALLEL


# The dynamic provider serves 4 calls at once (the Pulumi SDK's provider host), so more
# steps in flight only queue in the engine: measured on a first apply of 990 resources
# (bench/bench_parallel.py), 8 (the engine's default on 2 CPUs) made 51 requests/s, 4 made
# 55. Fewer (2: 65/s) won on loopback only because the platform shared the CPUs; against a
# platform across a network each request waits, and 4 keeps the provider busy.
DEFAULT_PARALLEL: int | None = 4


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class OrgStack:
    """The stack of one organisation, opened with the inline program.

    Before a run it heals what a crashed run left (see vcorg.engine.locks) and says so
    in one line through ``notify``.
    """

    def __init__(self, target: StackTarget, *, notify: Notify = _stderr) -> None:
        self.target = target
        self.notify = notify
        self._repair_metadata()
        try:
            self.stack = open_stack(target, events_only=True)
        except StackError as exc:
            raise StackUnavailable(
                f"could not open the stack {target.stack_name!r}: {_engine_message(str(exc))}"
            ) from None

    # -- healing ------------------------------------------------------------------------

    @property
    def _qualified(self) -> str:
        return f"organization/{self.target.project_name}/{self.target.stack_name}"

    def _repair_metadata(self) -> None:
        root = locks.file_backend_root(self.target.backend_url)
        if root is None:
            return
        for path in locks.empty_metadata(root, self.target.project_name, self.target.stack_name):
            path.unlink(missing_ok=True)
            self.notify(
                f"vcorg: repaired the state of stack {self.target.stack_name!r}: removed "
                f"{path.name}, an empty metadata file left by a run that was killed"
            )

    def _heal_locks(self) -> None:
        """Clear the stack's locks whose owners are provably gone; refuse on any other."""
        root = locks.file_backend_root(self.target.backend_url)
        if root is None:
            return  # other backends: the engine's own lock error is healed in _guarded
        found = locks.lock_files(root, self.target.project_name, self.target.stack_name)
        if not found:
            return
        owners = [owner for _, owner in found if owner is not None]
        self._judge(owners, unreadable=len(found) - len(owners))
        for path, _ in found:
            path.unlink(missing_ok=True)
            path.with_name(path.name + ".attrs").unlink(missing_ok=True)
        self._cleared(owners)

    def _judge(self, owners: list[locks.LockOwner], *, unreadable: int = 0) -> None:
        """Raise unless every lock belongs to a process of this host that has ended."""
        stack = self.target.stack_name
        for owner in owners:
            if owner.running():
                raise StackBusy(
                    f"another vcorg run holds the stack {stack!r} ({owner.describe()}); wait "
                    "for it to finish, then run this command again"
                )
        unknown = [o for o in owners if o.running() is None]
        if unknown or unreadable:
            who = "; ".join(o.describe() for o in unknown) or "an unreadable lock file"
            raise StackLocked(
                f"the stack {stack!r} is locked by a run vcorg cannot check from this host "
                f"({who}). If that run is over, clear the lock with: "
                f"PULUMI_BACKEND_URL={self.target.backend_url} pulumi cancel --yes "
                f"--stack {self._qualified}"
            )

    def _cleared(self, owners: list[locks.LockOwner]) -> None:
        who = "; ".join(o.describe() for o in owners)
        self.notify(
            f"vcorg: cleared the lock of stack {self.target.stack_name!r} left by a run that "
            f"is no longer running ({who})"
        )
        self._clear_pending()

    def _clear_pending(self) -> None:
        """Drop operations a killed run left pending; the platform says what exists.

        vcorg itself saves state only at the end of a run, so its own crashes leave none;
        states written with per-step checkpoints (PULUMI_SKIP_CHECKPOINTS=false, or a
        Pulumi project) can. A refresh reads every object back, and creates cut off by the
        crash are taken over by their idempotency keys on the next update.
        """
        try:
            pending = (self.stack.export_stack().deployment or {}).get("pending_operations")
        except auto.errors.CommandError:
            return
        if not pending:
            return
        self._guarded(
            "refresh",
            _Collector(),
            lambda: self.stack.refresh(clear_pending_creates=True, color="never"),
        )
        self.notify(
            f"vcorg: resolved {len(pending)} operation(s) a killed run left pending, by "
            "reading the platform"
        )

    # -- runs --------------------------------------------------------------------------

    def preview(self, *, refresh: bool = False, save_plan: bool = False) -> RunOutcome:
        """A dry run; with *save_plan*, also Pulumi's update plan for `up(pulumi_plan=)`."""
        collector = _Collector()
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="vcorg-plan-") as tmp:
            plan_path = Path(tmp) / "update-plan.json"
            self._guarded(
                "preview",
                collector,
                lambda: self.stack.preview(
                    parallel=engine_parallel(),
                    on_event=collector,
                    refresh=refresh or None,
                    plan=str(plan_path) if save_plan else None,
                    color="never",
                ),
            )
            pulumi_plan = json.loads(plan_path.read_text()) if save_plan else None
        return RunOutcome(
            steps_from_engine_events(collector.events),
            time.monotonic() - started,
            pulumi_plan,
        )

    def up(
        self,
        *,
        refresh: bool = False,
        pulumi_plan: dict[str, Any] | None = None,
        listener: EventListener | None = None,
    ) -> RunOutcome:
        """Apply the program; with *pulumi_plan*, only what that saved update plan allows."""
        self._heal_locks()
        collector = _Collector(listener)
        started = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="vcorg-apply-") as tmp:
            plan_arg = None
            if pulumi_plan is not None:
                plan_path = Path(tmp) / "update-plan.json"
                plan_path.write_text(json.dumps(pulumi_plan))
                plan_arg = str(plan_path)
            self._guarded(
                "apply",
                collector,
                lambda: self.stack.up(
                    parallel=engine_parallel(),
                    on_event=collector,
                    refresh=refresh or None,
                    plan=plan_arg,
                    color="never",
                ),
            )
        return RunOutcome(steps_from_engine_events(collector.events), time.monotonic() - started)

    def preview_destroy(self) -> RunOutcome:
        collector = _Collector()
        started = time.monotonic()
        self._guarded(
            "destroy preview",
            collector,
            lambda: self.stack.preview_destroy(on_event=collector, color="never"),
        )
        return RunOutcome(steps_from_engine_events(collector.events), time.monotonic() - started)

    def destroy(self, *, listener: EventListener | None = None) -> RunOutcome:
        self._heal_locks()
        collector = _Collector(listener)
        started = time.monotonic()
        self._guarded(
            "destroy",
            collector,
            lambda: self.stack.destroy(
                on_event=collector, color="never", parallel=engine_parallel()
            ),
        )
        return RunOutcome(steps_from_engine_events(collector.events), time.monotonic() - started)

    # -- errors ------------------------------------------------------------------------

    def _guarded(
        self, what: str, collector: _Collector, call: Callable[[], object], *, healed: bool = False
    ) -> None:
        try:
            with _graceful_interrupts(collector, what):
                call()
        except auto.errors.ConcurrentUpdateError as exc:
            owners = locks.owners_from_error(str(exc))
            if healed or not owners:
                raise StackBusy(
                    f"another run holds the stack {self.target.stack_name!r}; wait for it to "
                    "finish, then run this command again"
                ) from None
            # Any backend: the engine named the owners. Clear them if provably gone.
            self._judge(owners)
            self.stack.cancel()
            self._cleared(owners)
            with collector._lock:
                collector.events.clear()
                collector.failures.clear()
            self._guarded(what, collector, call, healed=True)
        except auto.errors.CommandError as exc:
            failures = collector.failures or [EngineFailure(_engine_message(str(exc)))]
            if any("violates plan" in f.message for f in failures):
                # Only the engine's plan check failed: the platform moved after the preview.
                raise PlanViolation(
                    "the update went beyond the saved plan and was stopped: "
                    + "; ".join(_describe(f) for f in failures if "violates plan" in f.message),
                    failures,
                ) from None
            message = _failure_message(what, failures, collector.cancelled)
            error = Interrupted if collector.cancelled else EngineRunError
            raise error(message, failures) from None


# Runs that change nothing stop at once on Ctrl-C; the others get this long to stop cleanly.
_PREVIEWS = frozenset({"preview", "destroy preview"})
GRACE_SECONDS = 10.0


@contextlib.contextmanager
def _graceful_interrupts(collector: _Collector, what: str) -> Iterator[None]:
    """Stop the engine on Ctrl-C within seconds, cleanly when it is changing things.

    - A preview changes nothing: the first Ctrl-C stops its engine at once.
    - An update or destroy: Ctrl-C reaches the engine too (same process group); it
      finishes the operations in flight, saves the state and fails the run, which then
      reads as interrupted. If it has not stopped after GRACE_SECONDS, or on a second
      Ctrl-C, vcorg stops it at once; that is a crash, which the next run heals.
    No Ctrl-C raises in the middle of the Automation API (which printed tracebacks from
    its event thread): the run ends because its engine ended, and reads as interrupted.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from vcorg.engine.reaper import kill_engine

    previous = signal.getsignal(signal.SIGINT)
    previous_hook = threading.excepthook
    timer: threading.Timer | None = None

    def stop_now(reason: str) -> None:
        print(f"vcorg: {reason}", file=sys.stderr, flush=True)
        kill_engine()

    def quiet_threads(args: threading.ExceptHookArgs) -> None:
        # The engine's event reader fails when its engine is stopped under it: expected.
        if not collector.cancelled:
            previous_hook(args)

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        nonlocal timer
        threading.excepthook = quiet_threads
        if what in _PREVIEWS:
            collector.cancelled = True
            stop_now(f"interrupted; stopping the {what} (nothing was changed)")
            return
        if collector.cancelled:
            stop_now(f"interrupted again; stopping the {what} now (re-run it to finish)")
            return
        collector.cancelled = True
        print(
            f"vcorg: interrupted; stopping the {what} once the operations in flight finish "
            "(Ctrl-C again to stop at once)",
            file=sys.stderr,
            flush=True,
        )
        timer = threading.Timer(
            GRACE_SECONDS,
            stop_now,
            args=(f"the {what} did not stop within {GRACE_SECONDS:.0f} s; stopping it now",),
        )
        timer.daemon = True
        timer.start()

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()
        signal.signal(signal.SIGINT, previous)
        threading.excepthook = previous_hook


# At most this many failures are spelled out; the rest are counted.
_MAX_LISTED = 5


def _failure_message(what: str, failures: list[EngineFailure], cancelled: bool) -> str:
    causes = _unique(failures)
    if cancelled or all(_CONSEQUENTIAL.match(f.message) for f in causes):
        # Only steps that never ran: nothing the platform refused is to blame.
        skipped = sum(1 for f in failures if _CONSEQUENTIAL.match(f.message))
        before = f" before {skipped} planned change(s) were made" if skipped else ""
        if not cancelled:
            # The program or the engine stopped without a resource error of its own.
            return (
                f"the {what} stopped{before}; the engine output above says why, and the "
                "changes already made are recorded in the state"
            )
        return (
            f"the {what} was interrupted{before}; "
            "the changes already made are recorded in the state"
        )
    listed = "; ".join(_describe(f) for f in causes[:_MAX_LISTED])
    more = len(causes) - _MAX_LISTED
    return f"the {what} failed: {listed}" + (f"; and {more} more" if more > 0 else "")


def _describe(failure: EngineFailure) -> str:
    title = failure.resource_title
    return f"{title}: {failure.message}" if title else failure.message


# Held to a saved plan, the engine also reports every step a failure prevented.
_CONSEQUENTIAL = re.compile(r"^expected resource operations for \S+ but none were seen")


def _unique(failures: Iterable[EngineFailure]) -> list[EngineFailure]:
    seen: dict[tuple[str, str | None], EngineFailure] = {}
    for failure in failures:
        seen.setdefault((failure.message, failure.urn), failure)
    # A resource failure makes the engine add a generic "update failed" line; drop it.
    specific = [f for f in seen.values() if f.urn] or list(seen.values())
    causes = [f for f in specific if not _CONSEQUENTIAL.match(f.message)]
    return causes or specific


def _engine_message(text: str) -> str:
    return clean_diagnostic(first_error_line(text))
