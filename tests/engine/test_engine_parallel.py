"""How many steps the engine runs at once (docs/operations.md, "Concurrency")."""

from __future__ import annotations

import pytest

from vcorg.engine.run import DEFAULT_PARALLEL, engine_parallel


def test_default_matches_the_providers_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VCORG_ENGINE_PARALLEL", raising=False)
    assert engine_parallel() == DEFAULT_PARALLEL == 4


@pytest.mark.parametrize(("value", "expected"), [("16", 16), (" 2 ", 2), ("1", 1)])
def test_the_environment_overrides_it(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: int
) -> None:
    monkeypatch.setenv("VCORG_ENGINE_PARALLEL", value)
    assert engine_parallel() == expected


@pytest.mark.parametrize("value", ["", "0", "-3", "many"])
def test_nonsense_falls_back_to_the_default(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("VCORG_ENGINE_PARALLEL", value)
    assert engine_parallel() == DEFAULT_PARALLEL
