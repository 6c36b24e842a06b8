"""Storage under concurrent writers, on SQLite and on PostgreSQL.

Every test here runs against both backends (the PostgreSQL variants are marked
``postgres``). Parallel clients must never lose an update, corrupt data or see a 5xx.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.support.platform import PlatformServer

WRITERS = 8


def parallel(count: int, work: Any) -> list[Any]:
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(work, range(count)))


def test_round_trip_and_dump(storage_server: PlatformServer) -> None:
    server = storage_server
    with server.client() as api:
        unit = api.post("/units", json={"name": "Emergency", "reportingTags": ["ed"]}).json()
        area = api.post(
            "/waiting-areas",
            json={
                "unitId": unit["id"],
                "name": "Triage",
                "callerDetails": [{"key": "nhsNumber", "label": "NHS number"}],
            },
        ).json()
        room = api.post(
            "/meeting-rooms",
            json={"unitId": unit["id"], "name": "Huddle", "waitingAreaId": area["id"]},
        ).json()
        api.post(
            "/grants",
            json={
                "scopeType": "waiting-area",
                "scopeId": area["id"],
                "role": "service-provider",
                "email": "Nurse@Acme.test",
            },
        ).raise_for_status()
        assert api.get(f"/waiting-areas/{area['id']}").json() == area
    tree = server.dump()
    assert tree["units"][0]["waitingAreas"][0]["callerDetails"][0]["key"] == "nhsNumber"
    assert tree["units"][0]["meetingRooms"][0]["waitingAreaId"] == area["id"]
    assert tree["units"][0]["meetingRooms"][0]["link"] == room["link"]
    assert tree["units"][0]["waitingAreas"][0]["grants"][0]["email"] == "nurse@acme.test"
    assert server.accept_invitations() == 1


def test_if_match_writers_never_lose_updates(storage_server: PlatformServer) -> None:
    """Each writer appends its tags with read → PATCH If-Match → retry on 412."""
    server = storage_server
    rounds = 5
    with server.client() as api:
        unit = api.post("/units", json={"name": "Contended"}).json()
    url = f"/units/{unit['id']}"

    def writer(n: int) -> Counter[int]:
        statuses: Counter[int] = Counter()
        with server.client() as api:
            for r in range(rounds):
                while True:
                    current = api.get(url)
                    tags = [*current.json()["reportingTags"], f"w{n}-{r}"]
                    response = api.patch(
                        url,
                        json={"reportingTags": tags},
                        headers={"If-Match": current.headers["etag"]},
                    )
                    statuses[response.status_code] += 1
                    if response.status_code == 200:
                        break
                    assert response.status_code == 412, response.text
        return statuses

    results = parallel(WRITERS, writer)
    with server.client() as api:
        final = api.get(url).json()
    expected = {f"w{n}-{r}" for n in range(WRITERS) for r in range(rounds)}
    assert set(final["reportingTags"]) == expected
    assert len(final["reportingTags"]) == len(expected)
    assert final["version"] == 1 + WRITERS * rounds
    assert sum(c[200] for c in results) == WRITERS * rounds


def test_blind_patches_of_different_fields_all_land(storage_server: PlatformServer) -> None:
    server = storage_server
    with server.client() as api:
        unit = api.post("/units", json={"name": "Fields"}).json()
        area = api.post("/waiting-areas", json={"unitId": unit["id"], "name": "A"}).json()
    url = f"/waiting-areas/{area['id']}"
    changes = [
        {"description": "described"},
        {"informationForCallers": "bring ID"},
        {"suspended": True},
        {"suspendedMessageForCallers": "closed"},
        {"suspendedMessageForStaff": "staff note"},
        {"reportingTags": ["t"]},
        {"type": "group-consultation"},
        {"name": "Renamed"},
    ]

    def patch(n: int) -> int:
        with server.client() as api:
            return api.patch(url, json=changes[n]).status_code

    assert parallel(len(changes), patch) == [200] * len(changes)
    with server.client() as api:
        final = api.get(url).json()
    for change in changes:
        for key, value in change.items():
            assert final[key] == value, key
    assert final["version"] == 1 + len(changes)
    assert final["link"] == area["link"]


def test_parallel_creates_are_all_kept(storage_server: PlatformServer) -> None:
    server = storage_server
    with server.client() as api:
        unit = api.post("/units", json={"name": "Busy"}).json()

    def create(n: int) -> list[int]:
        with server.client() as api:
            return [
                api.post(
                    "/meeting-rooms", json={"unitId": unit["id"], "name": f"Room {n}-{i}"}
                ).status_code
                for i in range(4)
            ]

    statuses = [s for batch in parallel(WRITERS, create) for s in batch]
    assert statuses == [201] * (WRITERS * 4)
    with server.client() as api:
        rooms = api.get("/meeting-rooms", params={"unitId": unit["id"], "limit": 500}).json()
    assert len(rooms["items"]) == WRITERS * 4
    assert len({r["link"] for r in rooms["items"]}) == WRITERS * 4


def test_racing_creates_of_one_name_make_one_object(storage_server: PlatformServer) -> None:
    server = storage_server

    def create(_: int) -> httpx.Response:
        with server.client() as api:
            return api.post("/units", json={"name": "Only One"})

    responses = parallel(WRITERS, create)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: WRITERS - 1}, [r.text for r in responses]
    with server.client() as api:
        units = api.get("/units").json()["items"]
    assert [u["name"] for u in units] == ["Only One"]


def test_racing_grants_for_one_email_make_one_grant(storage_server: PlatformServer) -> None:
    server = storage_server
    with server.client() as api:
        unit = api.post("/units", json={"name": "Granted"}).json()
    body = {
        "scopeType": "unit",
        "scopeId": unit["id"],
        "role": "organisation-administrator",
        "email": "race@acme.test",
    }

    def grant(n: int) -> int:
        with server.client() as api:
            return api.post(
                "/grants", json={**body, "email": body["email"].upper() if n % 2 else body["email"]}
            ).status_code

    statuses = Counter(parallel(WRITERS, grant))
    assert statuses == {201: 1, 409: WRITERS - 1}


def test_delete_unit_racing_area_creates_never_orphans(storage_server: PlatformServer) -> None:
    server = storage_server
    with server.client() as api:
        unit = api.post("/units", json={"name": "Doomed"}).json()

    def act(n: int) -> int:
        with server.client() as api:
            if n == 0:
                return api.delete(f"/units/{unit['id']}").status_code
            return api.post(
                "/waiting-areas", json={"unitId": unit["id"], "name": f"A{n}"}
            ).status_code

    statuses = parallel(WRITERS, act)
    assert all(s < 500 for s in statuses), statuses
    tree = server.dump()
    if statuses[0] == 204:
        assert tree["units"] == []
        assert all(s == 422 for s in statuses[1:] if s != 201)
        assert 201 not in statuses[1:]
    else:
        assert statuses[0] == 409
        created = sum(1 for s in statuses[1:] if s == 201)
        assert len(tree["units"][0]["waitingAreas"]) == created >= 1


def test_concurrent_retries_with_one_idempotency_key(storage_server: PlatformServer) -> None:
    server = storage_server
    with server.client() as api:
        unit = api.post("/units", json={"name": "Retried"}).json()
    body = {"unitId": unit["id"], "name": "Once"}

    def send(_: int) -> httpx.Response:
        with server.client() as api:
            return api.post("/waiting-areas", json=body, headers={"Idempotency-Key": "same"})

    responses = parallel(WRITERS, send)
    assert [r.status_code for r in responses] == [201] * WRITERS
    assert len({r.json()["link"] for r in responses}) == 1
    replayed = sum(1 for r in responses if r.headers.get("idempotency-replayed") == "true")
    assert replayed == WRITERS - 1
    assert len(server.dump()["units"][0]["waitingAreas"]) == 1
