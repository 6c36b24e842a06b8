"""Per-process state of the dynamic providers: one client and one read cache per platform.

Providers are pickled into Pulumi state, so they must hold nothing themselves. The engine
loads each provider once per process and calls ``configure()``; the provider resolves its
settings there and finds (or lazily builds) the shared :class:`Session` here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from vcorg.client import ClientSettings, PlatformClient

from .cache import GrantIndex, ListCache


@dataclass
class Session:
    client: PlatformClient
    cache: ListCache = field(default_factory=ListCache)
    grants: GrantIndex = field(default_factory=GrantIndex)
    # Ids of objects this process created new (not replayed, not taken over): nobody can
    # have been granted a role on them yet, so their role lists need not be read first.
    fresh: set[str] = field(default_factory=set)
    # Adoption lookups: (org, collection, None) → (the listed items, their count, and
    # their ids by (unit id or None, name)); rebuilt when the listed items change.
    names: dict[tuple[str, str, None], tuple[Any, int, dict[Any, str]]] = field(
        default_factory=dict
    )


_SESSIONS: dict[ClientSettings, Session] = {}
_LOCK = threading.Lock()


def session_for(settings: ClientSettings) -> Session:
    """The process-wide session for these settings, built on first use."""
    with _LOCK:
        session = _SESSIONS.get(settings)
        if session is None:
            session = Session(client=PlatformClient(settings))
            _SESSIONS[settings] = session
        return session


def forget_sessions() -> None:
    """Close every session (tests use this between platforms)."""
    with _LOCK:
        for session in _SESSIONS.values():
            session.client.close()
        _SESSIONS.clear()
