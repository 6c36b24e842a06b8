"""If-Match, Idempotency-Key and cursor pagination."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.support.platform import PlatformServer, unique_name


@pytest.fixture
def api(shared_server: PlatformServer) -> Any:
    with shared_server.client() as client:
        yield client


def make_unit(api: httpx.Client) -> dict[str, Any]:
    return api.post("/units", json={"name": unique_name("Unit")}).json()


# --- If-Match -------------------------------------------------------------------------


def test_if_match_rejects_stale_versions(api: httpx.Client) -> None:
    unit = make_unit(api)
    url = f"/units/{unit['id']}"
    ok = api.patch(url, json={"description": "one"}, headers={"If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == '"2"'
    stale = api.patch(url, json={"description": "two"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["type"].endswith("/precondition-failed")
    assert api.get(url).json()["description"] == "one", "a 412 changes nothing"
    weak = api.patch(url, json={"description": "three"}, headers={"If-Match": 'W/"2"'})
    assert weak.status_code == 200
    star = api.patch(url, json={"description": "four"}, headers={"If-Match": "*"})
    assert star.status_code == 200
    assert api.delete(url, headers={"If-Match": '"1"'}).status_code == 412
    current = api.get(url).headers["etag"]
    assert api.delete(url, headers={"If-Match": current}).status_code == 204


def test_if_match_on_every_kind(api: httpx.Client) -> None:
    unit = make_unit(api)
    area = api.post("/waiting-areas", json={"unitId": unit["id"], "name": "A"}).json()
    room = api.post("/meeting-rooms", json={"unitId": unit["id"], "name": "R"}).json()
    grant = api.post(
        "/grants",
        json={
            "scopeType": "unit",
            "scopeId": unit["id"],
            "role": "organisation-reporter",
            "email": "if-match@acme.test",
        },
    ).json()
    stale = {"If-Match": '"99"'}
    assert api.patch(f"/waiting-areas/{area['id']}", json={}, headers=stale).status_code == 412
    assert api.patch(f"/meeting-rooms/{room['id']}", json={}, headers=stale).status_code == 412
    assert api.delete(f"/waiting-areas/{area['id']}", headers=stale).status_code == 412
    assert api.delete(f"/meeting-rooms/{room['id']}", headers=stale).status_code == 412
    assert api.delete(f"/grants/{grant['id']}", headers=stale).status_code == 412


# --- Idempotency-Key ------------------------------------------------------------------


def count_units(api: httpx.Client, name: str) -> int:
    items = api.get("/units", params={"limit": 500}).json()["items"]
    return sum(1 for unit in items if unit["name"] == name)


def test_idempotent_retry_replays_and_creates_once(api: httpx.Client) -> None:
    name = unique_name("Idem")
    headers = {"Idempotency-Key": unique_name("key")}
    first = api.post("/units", json={"name": name}, headers=headers)
    second = api.post("/units", json={"name": name}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in first.headers
    assert second.headers["etag"] == first.headers["etag"]
    assert count_units(api, name) == 1
    # Without the key, the same body is a new request (and here, a name conflict).
    assert api.post("/units", json={"name": name}).status_code == 409


def test_idempotency_key_reused_for_other_body_names_what_it_made(api: httpx.Client) -> None:
    headers = {"Idempotency-Key": unique_name("key")}
    made = api.post("/units", json={"name": unique_name("A")}, headers=headers).json()
    other = api.post("/units", json={"name": unique_name("B")}, headers=headers)
    assert other.status_code == 409
    problem = other.json()
    assert problem["type"].endswith("/idempotency-key-reused")
    # The key proves which object it made, so its owner can take that object over.
    assert problem["existingId"] == made["id"]
    assert problem["existingVersion"] == 1
    assert count_units(api, made["name"]) == 1


def test_patch_with_idempotency_key_replays_and_names_its_version(api: httpx.Client) -> None:
    unit = make_unit(api)
    key = {"Idempotency-Key": unique_name("patch"), "If-Match": '"1"'}
    first = api.patch(f"/units/{unit['id']}", json={"description": "one"}, headers=key)
    assert first.status_code == 200 and first.json()["version"] == 2
    # A retry after a lost response is replayed although If-Match is stale by now.
    again = api.patch(f"/units/{unit['id']}", json={"description": "one"}, headers=key)
    assert again.status_code == 200 and again.headers["idempotency-replayed"] == "true"
    assert again.json()["version"] == 2
    # Another change under the same key says which version the key produced.
    other = api.patch(f"/units/{unit['id']}", json={"description": "two"}, headers=key)
    assert other.status_code == 409
    assert other.json()["existingId"] == unit["id"]
    assert other.json()["existingVersion"] == 2
    assert api.get(f"/units/{unit['id']}").json()["description"] == "one"


def test_idempotency_keys_are_per_account(shared_server: PlatformServer) -> None:
    key = {"Idempotency-Key": unique_name("shared-key")}
    other_token = shared_server.create_token("second-admin@acme.test")
    with shared_server.client() as mine, shared_server.client(other_token) as theirs:
        a = mine.post("/units", json={"name": unique_name("Mine")}, headers=key)
        b = theirs.post("/units", json={"name": unique_name("Theirs")}, headers=key)
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


def test_concurrent_retries_with_one_key_create_one_object(api: httpx.Client) -> None:
    unit = make_unit(api)
    body = {"unitId": unit["id"], "name": "Concurrent"}
    headers = {"Idempotency-Key": unique_name("burst")}

    def send(_: int) -> httpx.Response:
        return api.post("/waiting-areas", json=body, headers=headers)

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(send, range(8)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    listed = api.get("/waiting-areas", params={"unitId": unit["id"]}).json()["items"]
    assert len(listed) == 1


def test_idempotent_grant_and_reset_link(api: httpx.Client) -> None:
    unit = make_unit(api)
    room = api.post("/meeting-rooms", json={"unitId": unit["id"], "name": "R"}).json()
    key = {"Idempotency-Key": unique_name("reset")}
    first = api.post(f"/meeting-rooms/{room['id']}/reset-link", headers=key).json()
    second = api.post(f"/meeting-rooms/{room['id']}/reset-link", headers=key).json()
    assert first["link"] == second["link"] != room["link"]
    assert api.get(f"/meeting-rooms/{room['id']}").json()["version"] == 2


# --- pagination -----------------------------------------------------------------------


def test_cursor_pagination_walks_everything_once(tmp_path: Any) -> None:
    with PlatformServer(tmp_path) as server, server.client() as api:
        made = [api.post("/units", json={"name": f"Unit {i:02}"}).json() for i in range(7)]
        seen: list[dict[str, Any]] = []
        cursor = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 3}
            if cursor:
                params["cursor"] = cursor
            page = api.get("/units", params=params).json()
            seen += page["items"]
            pages += 1
            cursor = page["nextCursor"]
            if cursor is None:
                break
        assert pages == 3
        assert [u["id"] for u in seen] == [u["id"] for u in made]
        keys = [(u["createdAt"], u["id"]) for u in seen]
        assert keys == sorted(keys)
        full = api.get("/units").json()
        assert full["nextCursor"] is None and len(full["items"]) == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"cursor": "garbage!"}, "cursor")],
)
def test_bad_page_parameters(api: httpx.Client, params: dict[str, Any], field: str) -> None:
    response = api.get("/units", params=params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_unit_filter_with_pagination(api: httpx.Client) -> None:
    unit, other = make_unit(api), make_unit(api)
    mine = [
        api.post("/meeting-rooms", json={"unitId": unit["id"], "name": f"R{i}"}).json()["id"]
        for i in range(5)
    ]
    api.post("/meeting-rooms", json={"unitId": other["id"], "name": "Elsewhere"})
    first = api.get("/meeting-rooms", params={"unitId": unit["id"], "limit": 4}).json()
    rest = api.get(
        "/meeting-rooms",
        params={"unitId": unit["id"], "limit": 4, "cursor": first["nextCursor"]},
    ).json()
    assert [r["id"] for r in first["items"] + rest["items"]] == mine
    assert rest["nextCursor"] is None
