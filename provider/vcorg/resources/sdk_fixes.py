"""Work around a Pulumi Python SDK bug in provider serialisation (checked on 3.272.0).

`pulumi.dynamic.dynamic.serialize_provider` patches `pickle._Pickler._batch_setitems`
and `save_dict` to sort dictionaries, but restores only `pickle.Pickler`. Every call
therefore wraps the previous call's patch once more: the recursion depth of pickling a
dict grows by one per dynamic resource constructed in the process, and a program with
about a thousand resources (or a test process that builds many programs) dies with
RecursionError. We wrap the SDK function so it runs under a lock and always starts from,
and returns to, the pristine pickler methods. The sorted, deterministic pickle is kept.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from typing import Any

import pulumi.dynamic.dynamic as sdk_dynamic

_LOCK = threading.Lock()
_PRISTINE_BATCH = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
_PRISTINE_SAVE_DICT = pickle._Pickler.save_dict  # type: ignore[attr-defined]
_MARKER = "__vcorg_guarded__"


def _guard(original: Callable[[Any], str]) -> Callable[[Any], str]:
    def serialize_provider(provider: Any) -> str:
        with _LOCK:
            pickle._Pickler._batch_setitems = _PRISTINE_BATCH  # type: ignore[attr-defined]
            pickle._Pickler.save_dict = _PRISTINE_SAVE_DICT  # type: ignore[attr-defined]
            try:
                return original(provider)
            finally:
                pickle._Pickler._batch_setitems = _PRISTINE_BATCH  # type: ignore[attr-defined]
                pickle._Pickler.save_dict = _PRISTINE_SAVE_DICT  # type: ignore[attr-defined]

    setattr(serialize_provider, _MARKER, True)
    return serialize_provider


def install() -> None:
    """Idempotently replace the SDK's serialize_provider with the guarded one."""
    current = sdk_dynamic.serialize_provider
    if not getattr(current, _MARKER, False):
        sdk_dynamic.serialize_provider = _guard(current)  # type: ignore[assignment]
