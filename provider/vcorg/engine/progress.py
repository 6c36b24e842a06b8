"""Progress of an update ("done/total") and the summary that closes it.

On a terminal a rich progress bar counts the resources done; every finished resource is
also printed as one line, so CI logs (no terminal, no bar) show the same progress.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from pulumi.automation import events as pe
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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


class ApplyProgress:
    """An engine-event listener that shows resources done out of *total*."""

    def __init__(self, console: Console, total: int, *, description: str = "Applying") -> None:
        self.console = console
        self.total = total
        self.done = 0
        self.failed = 0
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task = self._bar.add_task(description, total=max(total, 1))

    def __enter__(self) -> ApplyProgress:
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
            position = f"[{self.done + self.failed}/{self.total}]"
            self._bar.update(self._task, completed=self.done + self.failed)
        kind = kind_label(type_name_from_token(md.type))
        name = name_from_urn(md.urn)
        if failed:
            self.console.print(f"  [red]✗[/] {position} {kind} {name}: failed", highlight=False)
        else:
            outputs = md.new.outputs if md.new is not None else None
            word = "adopted" if _adopted(outputs) else _DONE_WORDS[op]
            self.console.print(f"  [green]✓[/] {position} {word} {kind} {name}", highlight=False)


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
