"""vcorg guards the SDK's provider serialisation against nesting its pickle patches."""

from __future__ import annotations

import pickle

import pulumi.dynamic.dynamic as sdk_dynamic

import vcorg.resources  # noqa: F401 - installs the guard
from vcorg.resources import UNIT_PROVIDER


def test_many_serialisations_leave_the_pickler_pristine() -> None:
    before = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    first = sdk_dynamic.serialize_provider(UNIT_PROVIDER)
    # Unguarded, each call nests the sort patch once more and this loop overflows the stack.
    for _ in range(3000):
        assert sdk_dynamic.serialize_provider(UNIT_PROVIDER) == first
    assert pickle._Pickler._batch_setitems is before  # type: ignore[attr-defined]
    assert pickle.dumps({"b": 1, "a": 2}) == pickle.dumps({"b": 1, "a": 2})
