"""WaitingArea over gRPC: never replaced, moves keep the link, the read cache."""

from __future__ import annotations

from typing import Any

import pytest

from tests.provider.grpc_host import UNKNOWN, RpcFailed
from tests.provider.harness import Providers


def area_in(dump: dict[str, Any], area_id: str) -> tuple[str, dict[str, Any]]:
    """(unit id, area) of a waiting area in a platform dump."""
    for unit in dump["units"]:
        for area in unit["waitingAreas"]:
            if area["id"] == area_id:
                return unit["id"], area
    raise AssertionError(f"{area_id} is not on the platform")


def make_unit(p: Providers, key: str) -> str:
    id_, _ = p.units.create(key, p.unit(key, key.title()))
    return id_


def test_create_with_all_settings(providers: Providers) -> None:
    p = providers
    unit_id = make_unit(p, "wa-create")
    inputs = p.area(
        "clinic-a",
        "Clinic A",
        "wa-create",
        unit_id,
        type="group-consultation",
        callerDetails=[{"key": "dob", "label": "Date of birth", "type": "date", "required": True}],
        informationForCallers="Have your medication list ready.",
        reportingTags=["outpatient"],
    )
    id_, state = p.areas.create("clinic-a", inputs)
    assert state["link"].startswith("http")
    assert state["unitKey"] == "wa-create"
    live_unit, live = area_in(p.platform.dump(), id_)
    assert live_unit == unit_id
    assert live["type"] == "group-consultation"
    assert live["callerDetails"][0]["key"] == "dob"
    _, outs, _ = p.areas.read("clinic-a", id_, state)
    assert p.areas.diff("clinic-a", id_, outs, inputs).changes is False


def test_move_to_another_unit_is_an_update_that_keeps_the_link(providers: Providers) -> None:
    p = providers
    first, second = make_unit(p, "wa-move-a"), make_unit(p, "wa-move-b")
    inputs = p.area("clinic-m", "Clinic M", "wa-move-a", first)
    id_, state = p.areas.create("clinic-m", inputs)
    moved = {**inputs, "unitKey": "wa-move-b", "unitId": second, "name": "Clinic M2"}
    outcome = p.areas.diff("clinic-m", id_, state, moved)
    assert outcome.changes is True
    assert outcome.replaces == []
    # During preview the new unit may not exist yet: still no replacement.
    preview = p.areas.diff("clinic-m", id_, state, {**moved, "unitId": UNKNOWN})
    assert (preview.changes, preview.replaces) == (True, [])
    after = p.areas.update("clinic-m", id_, state, moved)
    assert after["link"] == state["link"]
    assert after["unitId"] == second
    live_unit, live = area_in(p.platform.dump(), id_)
    assert (live_unit, live["link"], live["name"]) == (second, state["link"], "Clinic M2")


def test_changing_organisation_is_refused_not_replaced(providers: Providers) -> None:
    p = providers
    unit_id = make_unit(p, "wa-org")
    inputs = p.area("clinic-o", "Clinic O", "wa-org", unit_id)
    _, state = p.areas.create("clinic-o", inputs)
    _, failures = p.areas.check("clinic-o", {**inputs, "organisation": "elsewhere"}, state)
    assert [f for f, _ in failures] == ["organisation"]
    assert "new link" in failures[0][1]


@pytest.mark.parametrize(
    ("hours", "path"),
    [
        ({"timezone": "Mars/Olympus", "open": []}, "accessHours.timezone"),
        (
            {"timezone": "UTC", "open": [{"days": ["mon"], "from": "17:00", "to": "09:00"}]},
            "accessHours.open[0].to",
        ),
        (
            {"timezone": "UTC", "open": [{"days": ["funday"], "from": "09:00", "to": "10:00"}]},
            "accessHours.open[0].days[0]",
        ),
        (
            {
                "timezone": "UTC",
                "open": [
                    {"days": ["mon"], "from": "09:00", "to": "12:00"},
                    {"days": ["mon"], "from": "11:00", "to": "13:00"},
                ],
            },
            "accessHours.open[1]",
        ),
    ],
)
def test_check_points_at_the_bad_access_hours_field(
    providers: Providers, hours: dict[str, Any], path: str
) -> None:
    inputs = providers.area("clinic-x", "Clinic X", "u", "unit_x", accessHours=hours)
    _, failures = providers.areas.check("clinic-x", inputs)
    assert [f for f, _ in failures] == [path]


def test_check_skips_values_unknown_during_preview(providers: Providers) -> None:
    inputs = providers.area("clinic-p", "Clinic P", "u", UNKNOWN)
    _, failures = providers.areas.check("clinic-p", inputs)
    assert failures == []


def test_settings_drift_and_out_of_band_delete(providers: Providers) -> None:
    p = providers
    unit_id = make_unit(p, "wa-drift")
    inputs = p.area("clinic-d", "Clinic D", "wa-drift", unit_id)
    id_, state = p.areas.create("clinic-d", inputs)
    with p.platform.client() as api:
        api.patch(f"/waiting-areas/{id_}", json={"suspended": True}).raise_for_status()
    _, outs, read_inputs = p.areas.read("clinic-d", id_, state)
    assert read_inputs["suspended"] is True
    assert outs["link"] == state["link"]
    assert p.areas.diff("clinic-d", id_, outs, inputs).changes is True
    state = p.areas.update("clinic-d", id_, outs, inputs)
    assert area_in(p.platform.dump(), id_)[1]["suspended"] is False

    with p.platform.client() as api:
        api.delete(f"/waiting-areas/{id_}").raise_for_status()
    gone_id, _, _ = p.areas.read("clinic-d", id_, state)
    assert gone_id == ""
    # An update against a vanished object says what happened and what to do.
    with pytest.raises(RpcFailed, match="probably deleted in the console"):
        p.areas.update("clinic-d", id_, state, {**inputs, "name": "Clinic D2"})


def test_refresh_reads_are_served_by_one_list_per_unit(providers: Providers) -> None:
    p = providers
    unit_id = make_unit(p, "wa-cache")
    states = {}
    for i in range(5):
        key = f"clinic-c{i}"
        states[key] = p.areas.create(key, p.area(key, f"Clinic C{i}", "wa-cache", unit_id))
    before = p.platform.request_count()
    for key, (id_, state) in states.items():
        read_id, _, _ = p.areas.read(key, id_, state)
        assert read_id == id_
    assert p.platform.request_count() - before == 1


def test_delete_with_grants_on_it(providers: Providers) -> None:
    p = providers
    unit_id = make_unit(p, "wa-grants")
    id_, state = p.areas.create("clinic-g", p.area("clinic-g", "Clinic G", "wa-grants", unit_id))
    with p.platform.client() as api:
        api.post(
            "/grants",
            json={
                "scopeType": "waiting-area",
                "scopeId": id_,
                "role": "service-provider",
                "email": "dr.x@example.org",
            },
        ).raise_for_status()
    p.areas.delete("clinic-g", id_, state)
    with pytest.raises(AssertionError):
        area_in(p.platform.dump(), id_)


def test_adopting_an_existing_area_keeps_its_link(providers: Providers) -> None:
    p = providers
    unit_id = make_unit(p, "wa-adopt")
    with p.platform.client() as api:
        existing = api.post(
            "/waiting-areas",
            json={
                "unitId": unit_id,
                "name": "Clinic Z",
                "accessHours": {"timezone": "UTC", "open": []},
            },
        ).json()
    inputs = p.area("clinic-z", "Clinic Z", "wa-adopt", unit_id, informationForCallers="Hi")
    with pytest.raises(RpcFailed, match="adoptExisting"):
        p.areas.create("clinic-z", inputs)
    id_, state = p.areas.create("clinic-z", {**inputs, "adopt": True})
    assert id_ == existing["id"]
    assert state["link"] == existing["link"]
    _, live = area_in(p.platform.dump(), id_)
    assert live["informationForCallers"] == "Hi"
    assert live["accessHours"]["timezone"] == "Australia/Sydney"


def test_max_queue_length_is_checked_set_and_cleared(providers: Providers) -> None:
    p = providers
    unit_id = make_unit(p, "wa-queue")
    too_long = p.area("queue", "Queue", "wa-queue", unit_id, maxQueueLength=51)
    _, failures = p.areas.check("queue", too_long)
    assert failures == [("maxQueueLength", "51 is greater than the maximum of 50")]

    inputs = p.area("queue", "Queue", "wa-queue", unit_id, maxQueueLength=10)
    id_, state = p.areas.create("queue", inputs)
    assert area_in(p.platform.dump(), id_)[1]["maxQueueLength"] == 10
    # Left out of the config, the setting is no input: the update clears it (PATCH null).
    cleared = {k: v for k, v in inputs.items() if k != "maxQueueLength"}
    assert p.areas.diff("queue", id_, state, cleared).changes is True
    p.areas.update("queue", id_, state, cleared)
    assert area_in(p.platform.dump(), id_)[1]["maxQueueLength"] is None
