"""Stack locks and leftovers of crashed runs: heal what is provably dead, name the rest.

A run of the engine locks its stack. A run that is killed leaves the lock behind, and the
next run fails until someone clears it (Pulumi says `pulumi cancel`; Terraform says
`force-unlock`). vcorg clears a lock itself when it can prove the owner is gone: the lock
was taken on this host, and its process no longer runs. A lock from another host (a CI
runner, a colleague) cannot be proven dead from here: vcorg refuses, naming the owner,
its age and the exact command that clears it.

The engine reports every lock of a stack in its error ("created by user@host (pid N) at
T"), for any backend; on a file backend vcorg also reads the lock files directly, before
the run, so a stale lock costs nothing.

A kill during the engine's final state write can also leave a zero-byte `.attrs` file
(the file backend's metadata) beside an intact checkpoint, and the engine then refuses to
load the stack ("failed to load checkpoint: EOF") for every command. vcorg removes such
empty metadata files; the checkpoint itself is left alone.
"""

from __future__ import annotations

import json
import os
import re
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

LOCK_LINE = re.compile(
    r"^\s*(?P<where>\S+): created by (?P<user>[^@\s]*)@(?P<host>\S+) \(pid (?P<pid>\d+)\) "
    r"at (?P<at>\S+)\s*$"
)


@dataclass(frozen=True)
class LockOwner:
    """Who holds a stack lock, as the lock records it."""

    where: str
    user: str
    host: str
    pid: int
    since: datetime | None

    @property
    def local(self) -> bool:
        return self.host == socket.gethostname()

    def running(self) -> bool | None:
        """True or False for a lock of this host; None when it cannot be known from here."""
        if not self.local:
            return None
        return process_running(self.pid, self.since)

    def describe(self, now: datetime | None = None) -> str:
        age = ""
        if self.since is not None:
            seconds = ((now or datetime.now(UTC)) - self.since).total_seconds()
            age = f", {_age(seconds)} ago"
        return f"pid {self.pid} on {self.host}{f' by {self.user}' if self.user else ''}{age}"


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{max(seconds, 0):.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _when(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def owners_from_error(text: str) -> list[LockOwner]:
    """The lock holders the engine lists in its "currently locked" error."""
    owners = []
    for line in text.splitlines():
        match = LOCK_LINE.match(line)
        if match:
            owners.append(
                LockOwner(
                    where=match["where"],
                    user=match["user"],
                    host=match["host"],
                    pid=int(match["pid"]),
                    since=_when(match["at"]),
                )
            )
    return owners


def process_running(pid: int, since: datetime | None = None) -> bool:
    """Whether ``pid`` runs, and is not a newer process that reused the number."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    if since is None:
        return True
    started = _process_start(pid)
    # A process that started after the lock was taken cannot be the lock's owner.
    return started is None or started <= since.timestamp() + 2


def _process_start(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ticks = int(stat.rpartition(")")[2].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    boot = datetime.now(UTC).timestamp() - uptime
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def file_backend_root(backend_url: str) -> Path | None:
    """The directory of a `file://` backend, else None."""
    parsed = urlparse(backend_url)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def lock_files(root: Path, project: str, stack: str) -> list[tuple[Path, LockOwner | None]]:
    """The lock files of one stack on a file backend, with their owners (None: unreadable)."""
    directory = root / ".pulumi" / "locks" / "organization" / project / stack
    found: list[tuple[Path, LockOwner | None]] = []
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            data = json.loads(path.read_text())
            owner = LockOwner(
                where=str(path),
                user=str(data.get("username", "")),
                host=str(data.get("hostname", "")),
                pid=int(data.get("pid", 0)),
                since=_when(str(data.get("timestamp", ""))),
            )
        except (OSError, ValueError, TypeError):
            owner = None
        found.append((path, owner))
    return found


def empty_metadata(root: Path, project: str, stack: str) -> list[Path]:
    """Zero-byte `.attrs` files of the stack's state that make the engine fail to load it."""
    directory = root / ".pulumi" / "stacks" / project
    return [
        p
        for p in sorted(directory.glob(f"{stack}.json*.attrs"))
        if directory.is_dir()
        if p.is_file() and p.stat().st_size == 0
    ]
