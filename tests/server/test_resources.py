"""Units, waiting areas and meeting rooms: their rules, links and error shapes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.platform import PlatformServer, unique_name

PROBLEM = "application/problem+json"


@pytest.fixture
def api(shared_server: PlatformServer) -> Any:
    with shared_server.client() as client:
        yield client


def make_unit(api: httpx.Client, **extra: Any) -> dict[str, Any]:
    response = api.post("/units", json={"name": unique_name("Unit"), **extra})
    assert response.status_code == 201, response.text
    return response.json()


def make_area(api: httpx.Client, unit_id: str, **extra: Any) -> dict[str, Any]:
    body = {"unitId": unit_id, "name": unique_name("Area"), **extra}
    response = api.post("/waiting-areas", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def make_room(api: httpx.Client, unit_id: str, **extra: Any) -> dict[str, Any]:
    body = {"unitId": unit_id, "name": unique_name("Room"), **extra}
    response = api.post("/meeting-rooms", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def assert_problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["type"] == f"https://vcplatform.dev/problems/{slug}"
    assert body["status"] == status
    assert body["detail"]
    return body


def test_unit_lifecycle_versions_and_etag(api: httpx.Client) -> None:
    unit = make_unit(api, description="Oncology", reportingTags=["cancer"])
    assert unit["id"].startswith("unit_")
    assert unit["version"] == 1
    assert unit["reportingTags"] == ["cancer"]
    got = api.get(f"/units/{unit['id']}")
    assert got.headers["etag"] == '"1"'
    renamed = api.patch(f"/units/{unit['id']}", json={"name": unique_name("Renamed")})
    assert renamed.status_code == 200
    assert renamed.json()["id"] == unit["id"]
    assert renamed.json()["version"] == 2
    assert renamed.headers["etag"] == '"2"'
    assert renamed.json()["updatedAt"] >= unit["updatedAt"]
    same = api.patch(f"/units/{unit['id']}", json={"description": "Oncology"})
    assert same.json()["version"] == 2, "a PATCH that changes nothing keeps the version"
    assert api.delete(f"/units/{unit['id']}").status_code == 204
    assert_problem(api.get(f"/units/{unit['id']}"), 404, "not-found")


def test_unit_names_unique_in_organisation(api: httpx.Client) -> None:
    unit = make_unit(api)
    body = assert_problem(api.post("/units", json={"name": unit["name"]}), 409, "conflict")
    assert body["existingId"] == unit["id"]
    other = make_unit(api)
    clash = api.patch(f"/units/{other['id']}", json={"name": unit["name"]})
    assert assert_problem(clash, 409, "conflict")["existingId"] == unit["id"]


def test_waiting_area_defaults_and_settings(api: httpx.Client) -> None:
    unit = make_unit(api)
    area = make_area(api, unit["id"])
    assert area["type"] == "regular"
    assert area["accessHours"]["open"] == [
        {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}
    ]
    assert area["link"].startswith("https://") and "/wait/" in area["link"]
    settings = {
        "type": "consult-now",
        "accessHours": {
            "timezone": "Europe/London",
            "open": [{"days": ["sat", "sun"], "from": "10:00", "to": "14:00"}],
        },
        "callerDetails": [
            {"key": "dateOfBirth", "label": "Date of birth", "type": "date", "required": True}
        ],
        "informationForCallers": "Bring your medication list.",
        "suspended": True,
        "suspendedMessageForCallers": "Closed for maintenance",
        "suspendedMessageForStaff": "Migration",
        "reportingTags": ["triage"],
    }
    changed = api.patch(f"/waiting-areas/{area['id']}", json=settings).json()
    for key, value in settings.items():
        assert changed[key] == value, key
    assert changed["link"] == area["link"]


def test_waiting_area_max_queue_length(api: httpx.Client) -> None:
    unit = make_unit(api)
    assert make_area(api, unit["id"])["maxQueueLength"] is None
    area = make_area(api, unit["id"], maxQueueLength=10)
    assert area["maxQueueLength"] == 10
    for bad in (0, 51, "5", 2.5):
        response = api.patch(f"/waiting-areas/{area['id']}", json={"maxQueueLength": bad})
        body = assert_problem(response, 422, "validation")
        assert body["errors"][0]["field"] == "maxQueueLength", bad
    changed = api.patch(f"/waiting-areas/{area['id']}", json={"maxQueueLength": 50}).json()
    assert (changed["maxQueueLength"], changed["version"]) == (50, area["version"] + 1)
    # null clears the limit; leaving the field out leaves it alone.
    renamed = api.patch(f"/waiting-areas/{area['id']}", json={"name": unique_name("Q")}).json()
    assert renamed["maxQueueLength"] == 50
    cleared = api.patch(f"/waiting-areas/{area['id']}", json={"maxQueueLength": None}).json()
    assert cleared["maxQueueLength"] is None


def test_waiting_area_link_survives_rename_and_move(
    api: httpx.Client, shared_server: PlatformServer
) -> None:
    first, second = make_unit(api), make_unit(api)
    area = make_area(api, first["id"])
    grant = api.post(
        "/grants",
        json={
            "scopeType": "waiting-area",
            "scopeId": area["id"],
            "role": "service-provider",
            "email": "mover@acme.test",
        },
    ).json()
    moved = api.patch(
        f"/waiting-areas/{area['id']}", json={"unitId": second["id"], "name": "Moved"}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["id"] == area["id"]
    assert moved.json()["link"] == area["link"]
    assert moved.json()["unitId"] == second["id"]
    in_second = api.get("/waiting-areas", params={"unitId": second["id"]}).json()["items"]
    assert [a["id"] for a in in_second] == [area["id"]]
    assert api.get("/waiting-areas", params={"unitId": first["id"]}).json()["items"] == []
    grants = api.get("/grants", params={"unitId": second["id"]}).json()["items"]
    assert [g["id"] for g in grants] == [grant["id"]], "grants follow the area"
    tree = shared_server.dump()
    unit = next(u for u in tree["units"] if u["id"] == second["id"])
    assert unit["waitingAreas"][0]["link"] == area["link"]


def test_names_unique_within_unit_only(api: httpx.Client) -> None:
    first, second = make_unit(api), make_unit(api)
    area = make_area(api, first["id"], name="Reception")
    again = api.post("/waiting-areas", json={"unitId": first["id"], "name": "Reception"})
    assert assert_problem(again, 409, "conflict")["existingId"] == area["id"]
    make_area(api, second["id"], name="Reception")
    moving = api.patch(f"/waiting-areas/{area['id']}", json={"unitId": second["id"]})
    assert_problem(moving, 409, "conflict")
    make_room(api, first["id"], name="Case Review")
    room_again = api.post("/meeting-rooms", json={"unitId": first["id"], "name": "Case Review"})
    assert_problem(room_again, 409, "conflict")


def test_meeting_room_rules(api: httpx.Client) -> None:
    unit, other = make_unit(api), make_unit(api)
    area = make_area(api, unit["id"])
    foreign_area = make_area(api, other["id"])
    room = make_room(api, unit["id"], maxParticipants=4, waitingAreaId=area["id"])
    assert room["maxParticipants"] == 4
    assert room["waitingAreaId"] == area["id"]
    assert "/room/" in room["link"]
    for bad in (1, 7):
        response = api.patch(f"/meeting-rooms/{room['id']}", json={"maxParticipants": bad})
        body = assert_problem(response, 422, "validation")
        assert body["errors"][0]["field"] == "maxParticipants"
    cross = api.patch(f"/meeting-rooms/{room['id']}", json={"waitingAreaId": foreign_area["id"]})
    assert assert_problem(cross, 422, "validation")["errors"][0]["field"] == "waitingAreaId"
    move = api.patch(f"/meeting-rooms/{room['id']}", json={"unitId": other["id"]})
    assert assert_problem(move, 422, "validation")["errors"][0]["field"] == "unitId"
    echo = api.patch(f"/meeting-rooms/{room['id']}", json={"unitId": unit["id"], "name": "Huddle"})
    assert echo.status_code == 200 and echo.json()["link"] == room["link"]
    unlinked = api.patch(f"/meeting-rooms/{room['id']}", json={"waitingAreaId": None})
    assert unlinked.json()["waitingAreaId"] is None
    reset = api.post(f"/meeting-rooms/{room['id']}/reset-link")
    assert reset.status_code == 200
    assert reset.json()["link"] != room["link"]
    assert reset.json()["version"] == unlinked.json()["version"] + 1


def test_moving_area_unlinks_rooms_left_behind(api: httpx.Client) -> None:
    unit, other = make_unit(api), make_unit(api)
    area = make_area(api, unit["id"])
    room = make_room(api, unit["id"], waitingAreaId=area["id"])
    api.patch(f"/waiting-areas/{area['id']}", json={"unitId": other["id"]}).raise_for_status()
    assert api.get(f"/meeting-rooms/{room['id']}").json()["waitingAreaId"] is None


def test_non_empty_unit_cannot_be_deleted(api: httpx.Client) -> None:
    unit = make_unit(api)
    area = make_area(api, unit["id"])
    assert_problem(api.delete(f"/units/{unit['id']}"), 409, "unit-not-empty")
    api.delete(f"/waiting-areas/{area['id']}").raise_for_status()
    room = make_room(api, unit["id"])
    assert_problem(api.delete(f"/units/{unit['id']}"), 409, "unit-not-empty")
    api.delete(f"/meeting-rooms/{room['id']}").raise_for_status()
    assert api.delete(f"/units/{unit['id']}").status_code == 204


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"accessHours": {"open": [{"days": ["mon"], "from": "25:00", "to": "12:00"}]}},
            "accessHours.open[0].from",
        ),
        (
            {"accessHours": {"open": [{"days": ["mon"], "from": "10:00", "to": "09:00"}]}},
            "accessHours.open[0].to",
        ),
        ({"accessHours": {"timezone": "Mars/Olympus"}}, "accessHours.timezone"),
        (
            {"accessHours": {"open": [{"days": ["funday"], "from": "09:00", "to": "10:00"}]}},
            "accessHours.open[0].days[0]",
        ),
        (
            {"callerDetails": [{"key": "x", "label": "X", "type": "colour"}]},
            "callerDetails[0].type",
        ),
        ({"type": "drop-in"}, "type"),
        ({"colour": "blue"}, "colour"),
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"suspended": "yes"}, "suspended"),
    ],
)
def test_validation_names_the_field(api: httpx.Client, body: dict[str, Any], field: str) -> None:
    unit = make_unit(api)
    area = make_area(api, unit["id"])
    problem = assert_problem(
        api.patch(f"/waiting-areas/{area['id']}", json=body), 422, "validation"
    )
    assert [e["field"] for e in problem["errors"]] == [field]
    created = api.post("/waiting-areas", json={"unitId": unit["id"], "name": "X", **body})
    fields = [e["field"] for e in assert_problem(created, 422, "validation")["errors"]]
    assert field in fields


def test_body_must_be_json_object(api: httpx.Client) -> None:
    broken = api.post("/units", content=b"{not json", headers={"content-type": "application/json"})
    # Unparseable JSON is a malformed request (400), not a validation failure (422).
    assert "not valid JSON" in assert_problem(broken, 400, "malformed-body")["detail"]
    listed = api.post("/units", json=["a"])
    assert_problem(listed, 422, "validation")
    missing = api.post("/units", json={})
    assert assert_problem(missing, 422, "validation")["errors"][0]["field"] == "name"


def test_unknown_ids_and_paths_are_problems(api: httpx.Client) -> None:
    assert_problem(api.get("/waiting-areas/wa_nope"), 404, "not-found")
    assert_problem(api.get("/nowhere"), 404, "not-found")
    assert_problem(api.put("/units"), 405, "method-not-allowed")
    unit_body = {"unitId": "unit_missing", "name": "Ghost"}
    missing_unit = api.post("/waiting-areas", json=unit_body)
    assert assert_problem(missing_unit, 422, "validation")["errors"][0]["field"] == "unitId"


def test_other_organisation_is_not_found(shared_server: PlatformServer) -> None:
    shared_server.cli("org", "create", "globex", "--name", "Globex")
    with shared_server.client() as api:
        assert_problem(api.get(f"{shared_server.api}/orgs/globex/units"), 404, "not-found")
        assert_problem(api.get(f"{shared_server.api}/orgs/nosuch"), 404, "not-found")
        assert api.get(f"{shared_server.api}/orgs/acme").json()["key"] == "acme"


def test_authentication_required(shared_server: PlatformServer) -> None:
    url = f"{shared_server.org_api}/units"
    assert_problem(httpx.get(url), 401, "unauthenticated")
    bad = httpx.get(url, headers={"Authorization": "Bearer vcp_wrong"})
    assert_problem(bad, 401, "unauthenticated")
    assert bad.headers["www-authenticate"] == "Bearer"


def test_request_body_size_limit(api: httpx.Client) -> None:
    huge = {"name": "Big", "description": "x" * 2_000_000}
    assert_problem(api.post("/units", json=huge), 413, "payload-too-large")


def test_audit_log_records_before_and_after(api: httpx.Client) -> None:
    unit = make_unit(api)
    api.patch(f"/units/{unit['id']}", json={"description": "after"}).raise_for_status()
    events = []
    cursor = None
    while True:
        page = api.get("/audit", params={"limit": 500, **({"cursor": cursor} if cursor else {})})
        events += page.json()["items"]
        cursor = page.json()["nextCursor"]
        if cursor is None:
            break
    mine = [e for e in events if e["objectId"] == unit["id"]]
    assert [e["action"] for e in mine] == ["unit.create", "unit.update"]
    assert mine[0]["before"] is None and mine[0]["actor"] == "admin@acme.test"
    assert mine[1]["before"]["description"] == ""
    assert mine[1]["after"]["description"] == "after"


def test_deleting_a_scope_deletes_its_grants_with_audit(api: httpx.Client) -> None:
    unit = make_unit(api)
    area = make_area(api, unit["id"])
    grant = api.post(
        "/grants",
        json={
            "scopeType": "waiting-area",
            "scopeId": area["id"],
            "role": "service-administrator",
            "email": "gone@acme.test",
        },
    ).json()
    api.delete(f"/waiting-areas/{area['id']}").raise_for_status()
    assert api.get(f"/grants/{grant['id']}").status_code == 404
    page = api.get("/audit", params={"limit": 500}).json()
    items = page["items"]
    while page["nextCursor"]:
        page = api.get("/audit", params={"limit": 500, "cursor": page["nextCursor"]}).json()
        items += page["items"]
    actions = [(e["action"], e["objectId"]) for e in items]
    assert ("grant.delete", grant["id"]) in actions
    assert actions.index(("grant.delete", grant["id"])) < actions.index(
        ("waiting-area.delete", area["id"])
    )


def test_audit_log_since_returns_only_later_events(api: httpx.Client) -> None:
    unit = make_unit(api)
    first = api.get("/audit", params={"limit": 500}).json()
    while first["nextCursor"]:
        first = api.get("/audit", params={"limit": 500, "cursor": first["nextCursor"]}).json()
    created_at = next(e["at"] for e in first["items"] if e["objectId"] == unit["id"])
    api.patch(f"/units/{unit['id']}", json={"description": "later"}).raise_for_status()

    # `since` is inclusive, takes `Z` or an offset, and pages like every list.
    page = api.get("/audit", params={"since": created_at, "limit": 1}).json()
    items = page["items"]
    while page["nextCursor"]:
        page = api.get(
            "/audit", params={"since": created_at, "limit": 1, "cursor": page["nextCursor"]}
        ).json()
        items += page["items"]
    assert [e["action"] for e in items if e["objectId"] == unit["id"]] == [
        "unit.create",
        "unit.update",
    ]
    assert all(e["at"] >= created_at for e in items)
    later = api.get("/audit", params={"since": "2999-01-01T00:00:00+10:00"}).json()
    assert later == {"items": [], "nextCursor": None}
    assert_problem(api.get("/audit", params={"since": "yesterday"}), 422, "validation")
