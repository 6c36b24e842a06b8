"""vcorg guards the SDK's provider serialisation against nesting its pickle patches."""

from __future__ import annotations

import pickle

import pulumi.dynamic.dynamic as sdk_dynamic

from vcorg.resources import UNIT_PROVIDER, sdk_fixes


def _unguarded() -> object:
    fn = sdk_dynamic.serialize_provider
    # The guard keeps the SDK's function in its closure.
    return next(c.cell_contents for c in fn.__closure__ or () if callable(c.cell_contents))


def test_many_serialisations_leave_the_pickler_pristine() -> None:
    sdk_fixes.install()  # what constructing any vcorg resource does first
    assert getattr(sdk_dynamic.serialize_provider, "__vcorg_guarded__", False)
    first = sdk_dynamic.serialize_provider(UNIT_PROVIDER)
    # Unguarded, each call nests the sort patch once more and this loop overflows the stack.
    for _ in range(3000):
        assert sdk_dynamic.serialize_provider(UNIT_PROVIDER) == first
    method = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    assert method.__qualname__ == "_Pickler._batch_setitems"


def test_the_guard_repairs_a_pickler_nested_by_unguarded_calls() -> None:
    sdk_fixes.install()
    unguarded = _unguarded()
    for _ in range(5):
        unguarded(UNIT_PROVIDER)  # type: ignore[operator]
    nested = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    assert "serialize_provider.<locals>" in nested.__qualname__
    assert sdk_fixes.pristine(nested).__qualname__ == "_Pickler._batch_setitems"
    sdk_dynamic.serialize_provider(UNIT_PROVIDER)
    method = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    assert method.__qualname__ == "_Pickler._batch_setitems"
