"""Work around a Pulumi Python SDK bug in provider serialisation (checked on 3.272.0).

`pulumi.dynamic.dynamic.serialize_provider` patches `pickle._Pickler._batch_setitems`
to sort dictionaries, but restores only `pickle.Pickler`. Every call therefore wraps the
previous call's patch once more: the recursion depth of pickling a dict grows by one per
dynamic resource constructed in the process, and a program with about a thousand
resources (or a test process that builds many programs) dies with RecursionError.

Upstream: no issue names this cause yet. The closest report is pulumi/pulumi#17803
(RecursionError in a dynamic provider, closed as no-repro); the issue text to file, with
a ten-line reproduction, is drafted in docs/upstream/pulumi-serialize-provider.md.
tests/provider/test_sdk_fixes.py fails once the SDK is fixed: then delete this module.

We wrap the SDK function so it runs under a lock and always starts from, and returns to,
the pickler's own method. That method is found by unwrapping the SDK's patches through
their closures, so the guard also repairs a pickler that unguarded calls (made before the
guard was installed, or through a reference taken earlier) have already nested.

Nothing is patched on import: `install()` is called by `VcorgResource.__init__`, right
before the SDK serialises the provider.
"""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from typing import Any

import pulumi.dynamic.dynamic as sdk_dynamic
from pulumi.dynamic import ResourceProvider

_LOCK = threading.Lock()
_MARKER = "__vcorg_guarded__"
_SDK_PATCH = "serialize_provider.<locals>."


def pristine(method: Callable[..., Any]) -> Callable[..., Any]:
    """Peel the SDK's sorting wrappers off a pickler method."""
    while _SDK_PATCH in getattr(method, "__qualname__", ""):
        inner = [
            cell.cell_contents for cell in method.__closure__ or () if callable(cell.cell_contents)
        ]
        if not inner:
            break
        method = inner[0]
    return method


# `_batch_setitems` is a private method of the pure-Python pickler, absent from typeshed.
def _pickler_method_name() -> str:
    return getattr(pickle._Pickler._batch_setitems, "__qualname__", "")  # type: ignore[attr-defined]


def _reset() -> None:
    pickler: Any = pickle._Pickler  # Any: `_batch_setitems` is absent from typeshed (above)
    pickler._batch_setitems = pristine(pickler._batch_setitems)


# Providers whose pickle never changes (they declare `pickle_is_constant`: a stateless,
# module-level class, as vcorg's are) are pickled once per class, not once per resource.
_CONSTANT: dict[type, str] = {}


def _guard(
    original: Callable[[ResourceProvider], str],
) -> Callable[[ResourceProvider], str]:
    def serialize_provider(provider: ResourceProvider) -> str:
        constant = getattr(provider, "pickle_is_constant", False)
        if constant and type(provider) in _CONSTANT:
            if _SDK_PATCH in _pickler_method_name():
                with _LOCK:
                    _reset()
            return _CONSTANT[type(provider)]
        with _LOCK:
            _reset()
            try:
                text = original(provider)
            finally:
                _reset()
        if constant:
            _CONSTANT[type(provider)] = text
        return text

    setattr(serialize_provider, _MARKER, True)
    return serialize_provider


def install() -> None:
    """Idempotently replace the SDK's serialize_provider with the guarded one."""
    current = sdk_dynamic.serialize_provider
    if not getattr(current, _MARKER, False):
        sdk_dynamic.serialize_provider = _guard(current)
    _reset()
