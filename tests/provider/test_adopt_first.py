"""Adoption looks the object up by name before any POST, and writes only what differs."""

from __future__ import annotations

from collections import Counter

from tests.provider.harness import ACCESS_HOURS, Providers
from tests.support.platform import PlatformServer


def _writes(platform: PlatformServer) -> Counter[tuple[str, str]]:
    return Counter(
        {
            (method, route): n
            for (method, route, _status), n in platform.metrics().items()
            if method != "GET" and route.startswith("/api/")
        }
    )


def test_matching_objects_are_adopted_without_a_single_write(providers: Providers) -> None:
    p = providers
    with p.platform.client() as api:
        unit = api.post("/units", json={"name": "Adopt Unit", "reportingTags": ["a"]}).json()
        area = api.post(
            "/waiting-areas",
            json={"unitId": unit["id"], "name": "Adopt Clinic", "type": "consult-now",
                  "accessHours": ACCESS_HOURS},
        ).json()  # fmt: skip
    before = _writes(p.platform)
    unit_id, unit_state = p.units.create(
        "adopt-unit", p.unit("adopt-unit", "Adopt Unit", reportingTags=["a"], adopt=True)
    )
    area_id, area_state = p.areas.create(
        "adopt-clinic",
        p.area("adopt-clinic", "Adopt Clinic", "adopt-unit", unit_id, type="consult-now",
               adopt=True),
    )  # fmt: skip
    assert _writes(p.platform) == before  # not one POST, PATCH or DELETE
    assert (unit_id, area_id) == (unit["id"], area["id"])
    assert area_state["link"] == area["link"]
    assert unit_state["adopted"] == area_state["adopted"] == "unchanged"


def test_an_adopted_object_that_differs_gets_one_patch_and_no_post(providers: Providers) -> None:
    p = providers
    with p.platform.client() as api:
        unit = api.post("/units", json={"name": "Adopt Unit 2"}).json()
        area = api.post(
            "/waiting-areas",
            json={"unitId": unit["id"], "name": "Adopt Clinic 2", "type": "consult-now",
                  "accessHours": ACCESS_HOURS},
        ).json()  # fmt: skip
    p.units.create("adopt-unit-2", p.unit("adopt-unit-2", "Adopt Unit 2", adopt=True))
    before = _writes(p.platform)
    area_id, state = p.areas.create(
        "adopt-clinic-2",
        p.area("adopt-clinic-2", "Adopt Clinic 2", "adopt-unit-2", unit["id"], adopt=True),
    )
    after = _writes(p.platform)
    assert after - before == Counter({("PATCH", "/api/v1/orgs/{org}/waiting-areas/{area_id}"): 1})
    assert area_id == area["id"] and state["link"] == area["link"]
    assert state["type"] == "regular" and state["adopted"] == "updated"
