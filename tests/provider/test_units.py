"""OrganisationalUnit over gRPC against a real vcplatform."""

from __future__ import annotations

import pytest

from tests.provider.grpc_host import RpcFailed
from tests.provider.harness import Providers


def units_in(dump: dict) -> dict[str, dict]:
    return {u["id"]: u for u in dump["units"]}


def test_create_read_update_delete(providers: Providers) -> None:
    p = providers
    inputs = p.unit("housing0", "Housing 0", reportingTags=["social"])
    id_, state = p.units.create("housing0", inputs)
    assert id_.startswith("unit_")
    assert state["version"] == 1
    assert state["name"] == "Housing 0"
    assert "id" not in state
    assert units_in(p.platform.dump())[id_]["reportingTags"] == ["social"]

    read_id, outs, read_inputs = p.units.read("housing0", id_, state)
    assert read_id == id_
    assert read_inputs["name"] == "Housing 0"
    assert p.units.diff("housing0", id_, outs, inputs).changes is False

    renamed = {**inputs, "name": "Housing Services 0", "description": "Tenancy help"}
    outcome = p.units.diff("housing0", id_, outs, renamed)
    assert outcome.changes is True
    assert outcome.replaces == []
    state = p.units.update("housing0", id_, outs, renamed)
    assert state["version"] == 2
    live = units_in(p.platform.dump())[id_]
    assert (live["name"], live["description"]) == ("Housing Services 0", "Tenancy help")

    p.units.delete("housing0", id_, state)
    assert id_ not in units_in(p.platform.dump())
    # A retried delete, or one after an out-of-band delete, is not an error.
    p.units.delete("housing0", id_, state)


def test_check_reports_field_paths(providers: Providers) -> None:
    bad = providers.unit("Bad Key", " ", reportingTags=["a", "a"])
    _, failures = providers.units.check("bad", bad)
    assert {f for f, _ in failures} == {"key", "name", "reportingTags[1]"}


def test_moving_to_another_organisation_replaces_delete_first(providers: Providers) -> None:
    p = providers
    inputs = p.unit("housing2", "Housing 2")
    id_, state = p.units.create("housing2", inputs)
    outcome = p.units.diff("housing2", id_, state, {**inputs, "organisation": "other-org"})
    assert outcome.replaces == ["organisation"]
    assert outcome.delete_before_replace is True


def test_console_edit_shows_as_drift_and_blocks_a_stale_update(providers: Providers) -> None:
    p = providers
    inputs = p.unit("housing3", "Housing 3")
    id_, state = p.units.create("housing3", inputs)
    with p.platform.client() as api:
        api.patch(f"/units/{id_}", json={"name": "Housing 3 (edited)"}).raise_for_status()

    # Without a refresh the stored version is stale. Changing the field the console
    # changed too is refused: the admin must see the console's value first.
    with pytest.raises(RpcFailed) as info:
        p.units.update("housing3", id_, state, {**inputs, "name": "Housing 3 (git)"})
    assert "someone changed name on the platform since vcorg last read it" in info.value.details
    assert units_in(p.platform.dump())[id_]["name"] == "Housing 3 (edited)"

    _, outs, read_inputs = p.units.read("housing3", id_, state)
    assert read_inputs["name"] == "Housing 3 (edited)"
    assert outs["version"] == 2
    assert p.units.diff("housing3", id_, outs, inputs).changes is True
    state = p.units.update("housing3", id_, outs, inputs)
    assert units_in(p.platform.dump())[id_]["name"] == "Housing 3"


def test_stale_version_with_other_fields_changed_applies_ours_and_keeps_theirs(
    providers: Providers,
) -> None:
    p = providers
    inputs = p.unit("housing7", "Housing 7")
    id_, state = p.units.create("housing7", inputs)
    with p.platform.client() as api:
        api.patch(f"/units/{id_}", json={"reportingTags": ["console"]}).raise_for_status()
    state = p.units.update("housing7", id_, state, {**inputs, "description": "from git"})
    live = units_in(p.platform.dump())[id_]
    assert (live["description"], live["reportingTags"], live["version"]) == (
        "from git",
        ["console"],
        3,
    )
    # The console's change is drift that the next refresh reports.
    _, _, read_inputs = p.units.read("housing7", id_, state)
    assert read_inputs["reportingTags"] == ["console"]


def test_delete_goes_ahead_on_a_newer_version(providers: Providers) -> None:
    p = providers
    id_, state = p.units.create("housing8", p.unit("housing8", "Housing 8"))
    with p.platform.client() as api:
        api.patch(f"/units/{id_}", json={"description": "console"}).raise_for_status()
    p.units.delete("housing8", id_, state)
    assert id_ not in units_in(p.platform.dump())


def test_deleted_out_of_band_drops_out_of_state_then_is_recreated(providers: Providers) -> None:
    p = providers
    inputs = p.unit("housing4", "Housing 4")
    id_, state = p.units.create("housing4", inputs)
    with p.platform.client() as api:
        api.delete(f"/units/{id_}").raise_for_status()
    read_id, _, _ = p.units.read("housing4", id_, state)
    assert read_id == ""
    # The engine then creates it again with the same URN, so the same Idempotency-Key
    # and body: the platform replays the old response, which vcorg must not trust.
    new_id, _ = p.units.create("housing4", inputs)
    assert new_id != id_
    live = units_in(p.platform.dump())
    assert new_id in live
    assert id_ not in live


def test_retried_create_never_duplicates(providers: Providers) -> None:
    p = providers
    inputs = p.unit("housing5", "Housing 5")
    first, _ = p.units.create("housing5", inputs)
    # The engine crashed before saving the result; the next run creates again.
    again, state = p.units.create("housing5", inputs)
    assert again == first
    assert state["version"] == 1
    assert [u["name"] for u in p.platform.dump()["units"]].count(inputs["name"]) == 1


def test_existing_unit_fails_clearly_unless_adopted(providers: Providers) -> None:
    p = providers
    with p.platform.client() as api:
        existing = api.post("/units", json={"name": "Housing 6", "description": "by hand"}).json()
    inputs = p.unit("housing6", "Housing 6", description="from git")
    with pytest.raises(RpcFailed) as info:
        p.units.create("housing6", inputs)
    assert "unit 'Housing 6' (key housing6)" in info.value.details
    assert existing["id"] in info.value.details
    assert "adoptExisting: true" in info.value.details

    id_, state = p.units.create("housing6", {**inputs, "adopt": True})
    assert id_ == existing["id"]
    assert state["description"] == "from git"
    assert [u["name"] for u in p.platform.dump()["units"]].count(inputs["name"]) == 1
