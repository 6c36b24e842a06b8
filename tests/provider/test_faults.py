"""Under injected faults (5xx, dropped connections, lost responses after commit) the
providers converge: every object exactly once, nothing missing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.provider.harness import Providers, start_host
from tests.support.platform import PlatformServer

FAULTS = (
    "--fault-error-rate",
    "0.15",
    "--fault-drop-rate",
    "0.05",
    "--fault-after-commit-rate",
    "0.15",
    "--fault-seed",
    "20261125",
)


@pytest.fixture
def faulty(tmp_path: Path) -> Iterator[Providers]:
    with PlatformServer(tmp_path / "faulty", serve_args=FAULTS) as server:
        providers = Providers(start_host(server), server)
        try:
            yield providers
        finally:
            providers.host.close()


@pytest.mark.slow
def test_apply_update_and_destroy_converge_under_faults(faulty: Providers) -> None:
    p = faulty
    units, areas, members = {}, {}, {}
    for i in range(6):
        key = f"unit-{i}"
        units[key] = p.units.create(key, p.unit(key, f"Unit {i}"))
        area_key = f"area-{i}"
        area_inputs = p.area(area_key, f"Area {i}", key, units[key][0])
        areas[area_key] = (p.areas.create(area_key, area_inputs), area_inputs)
        name = f"{key}.organisation-administrator"
        bag = p.role(
            "unit",
            key,
            units[key][0],
            "organisation-administrator",
            [f"admin{i}@example.org", f"deputy{i}@example.org"],
            key,
        )
        members[name] = (p.members.create(name, bag), bag)

    dump = p.platform.dump()
    assert Counter(u["name"] for u in dump["units"]) == {f"Unit {i}": 1 for i in range(6)}
    for unit in dump["units"]:
        assert len(unit["waitingAreas"]) == 1
        assert sorted(g["email"] for g in unit["grants"]) == sorted(
            e
            for (_, _), bag in members.values()
            if bag["scopeId"] == unit["id"]
            for e in bag["emails"]
        )

    # Updates: a lost PATCH response is retried, answered 412, and then accepted
    # because the object already holds the change.
    updated = {}
    for area_key, ((id_, state), inputs) in areas.items():
        renamed = {**inputs, "name": inputs["name"] + " (renamed)"}
        updated[area_key] = (id_, p.areas.update(area_key, id_, state, renamed))
    names = sorted(a["name"] for u in p.platform.dump()["units"] for a in u["waitingAreas"])
    assert names == [f"Area {i} (renamed)" for i in range(6)]

    for name, ((id_, state), _) in members.items():
        p.members.delete(name, id_, state)
    for area_key, (id_, state) in updated.items():
        p.areas.delete(area_key, id_, state)
    for key, (id_, state) in units.items():
        p.units.delete(key, id_, state)
    assert p.platform.dump()["units"] == []
    # The faults did strike; the test would prove nothing otherwise.
    failed = sum(n for (_, _, status), n in p.platform.metrics().items() if status[0] == "5")
    assert failed >= 5
