"""Progress of reading an organisation, on a terminal (nothing is shown in a pipe or CI)."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from vcorg.client import Collection

_WORDS = {
    Collection.UNITS: "units",
    Collection.WAITING_AREAS: "waiting areas",
    Collection.MEETING_ROOMS: "meeting rooms",
    Collection.GRANTS: "role grants",
}


class ReadProgress:
    """A `vcorg.client.snapshot.ReadListener` that counts objects read, per collection."""

    def __init__(self, console: Console, organisation: str) -> None:
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task = self._bar.add_task(f"Reading organisation {organisation}", total=None)
        self._organisation = organisation
        self._done: dict[Collection, int] = {}

    def __enter__(self) -> ReadProgress:
        self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bar.stop()

    def __call__(self, collection: Collection, count: int) -> None:
        self._done[collection] = count
        # Redrawing on every object would cost more than reading it.
        if count % 100 and count > 1:
            return
        parts = [f"{n:,} {_WORDS[c]}" for c, n in self._done.items()]
        self._bar.update(
            self._task, description=f"Reading organisation {self._organisation}: {', '.join(parts)}"
        )
