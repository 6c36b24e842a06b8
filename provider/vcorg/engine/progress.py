"""Progress of an update (done/total, rate, ETA) and the summary that closes it."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any

from pulumi.automation import events as pe
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from vcorg.plan import Op, ResourceStep
from vcorg.plan.labels import kind_label
from vcorg.plan.steps import (
    CHANGING_OPS,
    MEETING_ROOM,
    ROLE_MEMBERS,
    TYPE_PREFIX,
    UNIT,
    WAITING_AREA,
    name_from_urn,
    type_name_from_token,
)

# The platform objects a run changes; the Organisation component and providers are not.
_KINDS = frozenset({UNIT, WAITING_AREA, MEETING_ROOM, ROLE_MEMBERS})

_DONE_WORDS = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "replace": "replaced",
    "create-replacement": "replaced",
    "delete-replaced": "replaced",
}


def _changes(steps: Iterable[ResourceStep]) -> list[ResourceStep]:
    return [
        step
        for step in steps
        if step.type_name in _KINDS and step.op in CHANGING_OPS and step.op is not Op.REFRESH_DRIFT
    ]


def count_changes(steps: Iterable[ResourceStep]) -> int:
    """How many platform objects a run changes: the progress bar's total."""
    return len(_changes(steps))


# Without a terminal, small runs print one line per change; larger ones a line every few
# seconds, so a 20-minute apply neither floods a CI log nor goes quiet in it.
STEP_LINES_MAX = int(os.environ.get("VCORG_PROGRESS_STEPS_MAX", "200"))
INTERVAL = float(os.environ.get("VCORG_PROGRESS_INTERVAL", "5"))


class ApplyProgress:
    """An engine-event listener that shows changes done out of *total*, the rate and an ETA.

    On a terminal: a rich progress bar. Without one (CI): a line per change for runs of up
    to ``STEP_LINES_MAX`` changes, else a status line every ``INTERVAL`` seconds, and
    always a last line at N/N. Failures are printed at once either way.
    """

    def __init__(
        self,
        console: Console,
        total: int,
        *,
        description: str = "Applying",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.total = total
        self.done = 0
        self.failed = 0
        self.by_op: dict[str, int] = {}
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._clock = clock
        self._started = clock()
        self._last_line = self._started
        self._step_lines = not console.is_terminal and total <= STEP_LINES_MAX
        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task = self._bar.add_task(description, total=max(total, 1), rate="")

    def __enter__(self) -> ApplyProgress:
        self._started = self._last_line = self._clock()
        self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bar.stop()

    def __call__(self, event: pe.EngineEvent) -> None:
        if event.res_outputs_event is not None:
            self._finished(event.res_outputs_event.metadata, failed=False)
        elif event.res_op_failed_event is not None:
            self._finished(event.res_op_failed_event.metadata, failed=True)

    # -- what was done ------------------------------------------------------------------

    def rate(self) -> float:
        elapsed = self._clock() - self._started
        return (self.done + self.failed) / elapsed if elapsed > 0 else 0.0

    def status(self) -> str:
        """`[1234/5000] 25% · 48.2/s · 25s elapsed · ETA 1m18s · 2 failed`."""
        count = self.done + self.failed
        elapsed = self._clock() - self._started
        rate = self.rate()
        parts = [f"[{count}/{self.total}]", f"{100 * count / max(self.total, 1):.0f}%"]
        parts.append(f"{rate:.1f}/s")
        parts.append(f"{_duration(elapsed)} elapsed")
        if rate > 0 and count < self.total:
            parts.append(f"ETA {_duration((self.total - count) / rate)}")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return " · ".join(parts)

    def done_so_far(self) -> str:
        """`1,200 created, 34 updated` (or `nothing`): what this run completed."""
        parts = [f"{n:,} {_DONE_WORDS[op]}" for op, n in sorted(self.by_op.items()) if n]
        return ", ".join(parts) or "nothing"

    @contextlib.contextmanager
    def reported(self) -> Iterator[None]:
        """An engine run that stops early says what this run did before it stopped."""
        from vcorg.engine.run import EngineRunError, StackBusy, StackLocked

        try:
            yield
        except (StackBusy, StackLocked):
            raise  # nothing was attempted
        except EngineRunError as exc:
            failed = f"; {self.failed} failed" if self.failed else ""
            raise type(exc)(
                f"{exc} (this run made {self.done} of {self.total} changes: "
                f"{self.done_so_far()}{failed})",
                exc.failures,
            ) from None

    # -- events ---------------------------------------------------------------------------

    def _finished(self, md: pe.StepEventMetadata, *, failed: bool) -> None:
        op = md.op.value if isinstance(md.op, pe.OpType) else str(md.op)
        if op not in _DONE_WORDS or not md.type.startswith(TYPE_PREFIX):
            return
        with self._lock:
            if md.urn in self._seen:
                return
            self._seen.add(md.urn)
            if failed:
                self.failed += 1
            else:
                self.done += 1
                word = _DONE_WORDS[op]
                key = next(k for k, w in _DONE_WORDS.items() if w == word)
                self.by_op[key] = self.by_op.get(key, 0) + 1
            count = self.done + self.failed
            position = f"[{count}/{self.total}]"
            rate = self.rate()
            self._bar.update(self._task, completed=count, rate=f"{rate:.1f}/s")
            now = self._clock()
            periodic = not self._step_lines and not self.console.is_terminal
            due = periodic and (now - self._last_line >= INTERVAL or count >= self.total)
            if due:
                self._last_line = now
                status = self.status()
        kind = kind_label(type_name_from_token(md.type))
        name = name_from_urn(md.urn)
        if failed:
            self.console.print(f"  [red]✗[/] {position} {kind} {name}: failed", highlight=False)
        elif self._step_lines:
            outputs = md.new.outputs if md.new is not None else None
            word = "adopted" if _adopted(outputs) else _DONE_WORDS[op]
            self.console.print(f"  [green]✓[/] {position} {word} {kind} {name}", highlight=False)
        elif due:
            self.console.print(f"  {status}", highlight=False)


def _duration(seconds: float) -> str:
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole}s"
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{rest:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _adopted(outputs: Mapping[str, Any] | None) -> str | None:
    """How a create took over an existing object ("unchanged" or "updated"), if it did."""
    value = (outputs or {}).get("adopted")
    return value if isinstance(value, str) and value else None


def summary_line(steps: Iterable[ResourceStep], seconds: float, *, verb: str = "Applied") -> str:
    """'Applied 7 changes in 3.1 s: 4 created, 2 updated, 1 deleted.'"""
    counts: dict[Op, int] = {}
    adopted_and_updated = 0
    for step in _changes(steps):
        op = step.op
        adopted = _adopted(step.new_outputs) if op is Op.CREATE else None
        if adopted is not None or op is Op.ADOPT:
            # Taken over, not created: nothing new was made on the platform.
            op = Op.ADOPT
            adopted_and_updated += adopted == "updated"
        counts[op] = counts.get(op, 0) + 1
    total = sum(counts.values())
    if not total:
        return f"Nothing to change ({seconds:.1f} s)."
    words = {Op.CREATE: "created", Op.UPDATE: "updated", Op.REPLACE: "replaced"}
    words[Op.DELETE] = "deleted"
    words[Op.ADOPT] = "adopted"
    parts = [f"{counts[op]} {word}" for op, word in words.items() if counts.get(op)]
    if adopted_and_updated:
        parts[-1] += f" ({adopted_and_updated} of them updated)"
    noun = "change" if total == 1 else "changes"
    return f"{verb} {total} {noun} in {seconds:.1f} s: {', '.join(parts)}."
