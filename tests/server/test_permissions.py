"""The full matrix of role × operation, plus what each role can see in lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.platform import PlatformServer, unique_name

ROLES = (
    "system-administrator",
    "organisation-administrator",
    "organisation-reporter",
    "service-administrator",
    "service-provider",
    "meeting-room-administrator",
    "meeting-room-member",
    "other-unit-administrator",
)


@dataclass
class World:
    server: PlatformServer
    admin: httpx.Client
    unit: dict[str, Any]
    other_unit: dict[str, Any]
    area: dict[str, Any]
    room: dict[str, Any]
    tokens: dict[str, str]

    def as_role(self, role: str) -> httpx.Client:
        return self.server.client(self.tokens[role])

    def fresh_unit(self) -> dict[str, Any]:
        return self.admin.post("/units", json={"name": unique_name("U")}).json()

    def fresh_area(self) -> dict[str, Any]:
        body = {"unitId": self.unit["id"], "name": unique_name("A")}
        return self.admin.post("/waiting-areas", json=body).json()

    def fresh_room(self) -> dict[str, Any]:
        body = {"unitId": self.unit["id"], "name": unique_name("R")}
        return self.admin.post("/meeting-rooms", json=body).json()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("permissions")
    with PlatformServer(directory) as server, server.client() as admin:
        unit = admin.post("/units", json={"name": "Cancer Care"}).json()
        other = admin.post("/units", json={"name": "Dentistry"}).json()
        area = admin.post("/waiting-areas", json={"unitId": unit["id"], "name": "Chemo"}).json()
        room = admin.post(
            "/meeting-rooms", json={"unitId": unit["id"], "name": "Case Review"}
        ).json()
        scope_of = {
            "organisation-administrator": unit["id"],
            "organisation-reporter": unit["id"],
            "service-administrator": area["id"],
            "service-provider": area["id"],
            "meeting-room-administrator": room["id"],
            "meeting-room-member": room["id"],
        }
        tokens = {"system-administrator": server.token}
        for role, scope in scope_of.items():
            tokens[role] = server.create_token(f"{role}@acme.test", role, scope)
        tokens["other-unit-administrator"] = server.create_token(
            "other@acme.test", "organisation-administrator", other["id"]
        )
        yield World(server, admin, unit, other, area, room, tokens)


def grant_body(scope_type: str, scope_id: str, role: str) -> dict[str, str]:
    email = unique_name("invitee").replace(" ", ".") + "@acme.test"
    return {"scopeType": scope_type, "scopeId": scope_id, "role": role, "email": email}


Operation = Callable[[World, httpx.Client], httpx.Response]
ADMINS = {"system-administrator", "organisation-administrator"}
UNIT_READERS = ADMINS | {"organisation-reporter"}

# operation name → (call, roles that may do it, success status)
OPERATIONS: dict[str, tuple[Operation, set[str], int]] = {
    "read unit": (lambda w, c: c.get(f"/units/{w.unit['id']}"), UNIT_READERS, 200),
    "patch unit": (
        lambda w, c: c.patch(f"/units/{w.unit['id']}", json={"reportingTags": ["x"]}),
        ADMINS,
        200,
    ),
    "create unit": (
        lambda w, c: c.post("/units", json={"name": unique_name("New")}),
        {"system-administrator"},
        201,
    ),
    "delete unit": (
        lambda w, c: c.delete(f"/units/{w.fresh_unit()['id']}"),
        {"system-administrator"},
        204,
    ),
    "read waiting area": (
        lambda w, c: c.get(f"/waiting-areas/{w.area['id']}"),
        UNIT_READERS | {"service-administrator", "service-provider"},
        200,
    ),
    "create waiting area": (
        lambda w, c: c.post(
            "/waiting-areas", json={"unitId": w.unit["id"], "name": unique_name("WA")}
        ),
        ADMINS,
        201,
    ),
    "patch waiting area": (
        lambda w, c: c.patch(f"/waiting-areas/{w.area['id']}", json={"description": "d"}),
        ADMINS,
        200,
    ),
    "move waiting area away": (
        lambda w, c: c.patch(
            f"/waiting-areas/{w.fresh_area()['id']}", json={"unitId": w.other_unit["id"]}
        ),
        {"system-administrator"},
        200,
    ),
    "delete waiting area": (
        lambda w, c: c.delete(f"/waiting-areas/{w.fresh_area()['id']}"),
        ADMINS,
        204,
    ),
    "read meeting room": (
        lambda w, c: c.get(f"/meeting-rooms/{w.room['id']}"),
        UNIT_READERS | {"meeting-room-administrator", "meeting-room-member"},
        200,
    ),
    "create meeting room": (
        lambda w, c: c.post(
            "/meeting-rooms", json={"unitId": w.unit["id"], "name": unique_name("MR")}
        ),
        ADMINS,
        201,
    ),
    "reset meeting-room link": (
        lambda w, c: c.post(f"/meeting-rooms/{w.room['id']}/reset-link"),
        ADMINS,
        200,
    ),
    "delete meeting room": (
        lambda w, c: c.delete(f"/meeting-rooms/{w.fresh_room()['id']}"),
        ADMINS,
        204,
    ),
    "grant unit role": (
        lambda w, c: c.post(
            "/grants", json=grant_body("unit", w.unit["id"], "organisation-reporter")
        ),
        ADMINS,
        201,
    ),
    "grant waiting-area role": (
        lambda w, c: c.post(
            "/grants", json=grant_body("waiting-area", w.area["id"], "service-provider")
        ),
        ADMINS,
        201,
    ),
    "grant meeting-room role": (
        lambda w, c: c.post(
            "/grants", json=grant_body("meeting-room", w.room["id"], "meeting-room-member")
        ),
        ADMINS,
        201,
    ),
    "revoke grant": (
        lambda w, c: c.delete(
            "/grants/"
            + w.admin.post(
                "/grants", json=grant_body("unit", w.unit["id"], "organisation-reporter")
            ).json()["id"]
        ),
        ADMINS,
        204,
    ),
    "read audit log": (lambda w, c: c.get("/audit"), {"system-administrator"}, 200),
    "read unit report": (lambda w, c: c.get(f"/units/{w.unit['id']}/report"), UNIT_READERS, 200),
    "read organisation report of the unit": (
        lambda w, c: c.get("/report", params={"unitId": w.unit["id"]}),
        UNIT_READERS,
        200,
    ),
    "record call": (
        lambda w, c: c.post(
            "/calls",
            json={
                "scopeType": "waiting-area",
                "scopeId": w.area["id"],
                "startedAt": "2026-11-02T09:00:00Z",
                "endedAt": "2026-11-02T09:20:00Z",
                "waitSeconds": 60,
                "participants": 2,
            },
        ),
        {"system-administrator"},
        201,
    ),
    "read organisation": (lambda w, c: c.get(w.server.org_api), set(ROLES), 200),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_role_matrix(world: World, role: str, operation: str) -> None:
    call, allowed, success = OPERATIONS[operation]
    with world.as_role(role) as client:
        response = call(world, client)
    expected = success if role in allowed else 403
    assert response.status_code == expected, f"{role} / {operation}: {response.text}"
    if expected == 403:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith("/forbidden")


def test_lists_show_only_what_a_role_may_read(world: World) -> None:
    def ids(role: str, path: str) -> set[str]:
        with world.as_role(role) as client:
            response = client.get(path, params={"limit": 500})
            assert response.status_code == 200, response.text
            return {item["id"] for item in response.json()["items"]}

    assert ids("organisation-reporter", "/units") == {world.unit["id"]}
    assert world.other_unit["id"] in ids("system-administrator", "/units")
    assert ids("service-provider", "/units") == set()
    assert ids("service-provider", "/waiting-areas") == {world.area["id"]}
    assert ids("meeting-room-member", "/meeting-rooms") == {world.room["id"]}
    assert ids("meeting-room-member", "/waiting-areas") == set()
    assert world.area["id"] not in ids("other-unit-administrator", "/waiting-areas")
    grant_scopes = {
        g["scopeId"]
        for g in world.as_role("other-unit-administrator").get("/grants").json()["items"]
    }
    assert grant_scopes == {world.other_unit["id"]}


def test_unit_administrator_cannot_manage_another_unit(world: World) -> None:
    with world.as_role("other-unit-administrator") as client:
        area = client.post("/waiting-areas", json={"unitId": world.unit["id"], "name": "X"})
        assert area.status_code == 403
        grant = client.post(
            "/grants", json=grant_body("unit", world.unit["id"], "organisation-administrator")
        )
        assert grant.status_code == 403


def test_other_organisation_token_sees_nothing(world: World) -> None:
    world.server.cli("org", "create", "globex", "--name", "Globex")
    token = world.server.cli(
        "token",
        "create",
        "--org",
        "globex",
        "--email",
        "boss@globex.test",
        "--role",
        "system-administrator",
    ).strip()
    with world.server.client(token) as client:
        for path in (
            world.server.org_api,
            "/units",
            f"/units/{world.unit['id']}",
            "/grants",
            "/audit",
            f"/units/{world.unit['id']}/report",
            "/report",
        ):
            response = client.get(path)
            assert response.status_code == 404, (path, response.text)
            assert response.json()["type"].endswith("/not-found")


def test_me_lists_roles(world: World) -> None:
    with world.as_role("service-provider") as client:
        me = client.get(f"{world.server.api}/me").json()
    assert me["roles"] == [
        {"role": "service-provider", "scopeType": "waiting-area", "scopeId": world.area["id"]}
    ]


def test_reports_cover_only_what_a_role_may_read(world: World) -> None:
    """Organisation administrators and reporters read their unit's reports, nobody else's."""
    with world.as_role("organisation-reporter") as client:
        report = client.get("/report")
        assert report.status_code == 200, report.text
        assert report.json()["complete"] is False
        assert [u["id"] for u in report.json()["units"]] == [world.unit["id"]]
        other = client.get(f"/units/{world.other_unit['id']}/report")
        assert other.status_code == 403
        assert "organisation reporter of the unit" in other.json()["detail"]
        asked = client.get("/report", params={"unitId": world.other_unit["id"]})
        assert asked.status_code == 403
    with world.as_role("other-unit-administrator") as client:
        assert client.get(f"/units/{world.unit['id']}/report").status_code == 403
        assert client.get(f"/units/{world.other_unit['id']}/report").status_code == 200
    for role in ("service-administrator", "service-provider", "meeting-room-member"):
        with world.as_role(role) as client:
            response = client.get("/report")
            assert response.status_code == 403, (role, response.text)
    with world.as_role("system-administrator") as client:
        whole = client.get("/report").json()
        assert whole["complete"] is True
        assert {world.unit["id"], world.other_unit["id"]} <= {u["id"] for u in whole["units"]}
        assert client.get("/units/unit_doesnotexist/report").status_code == 404


def test_report_on_another_organisations_unit_is_not_found(world: World) -> None:
    world.server.cli("org", "create", "initech", "--name", "Initech")
    token = world.server.cli(
        "token",
        "create",
        "--org",
        "initech",
        "--email",
        "boss@initech.test",
        "--role",
        "system-administrator",
    ).strip()
    with httpx.Client(
        base_url=f"{world.server.api}/orgs/initech",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ) as client:
        response = client.get(f"/units/{world.unit['id']}/report")
        assert response.status_code == 404, response.text
        asked = client.get("/report", params={"unitId": world.unit["id"]})
        assert asked.status_code == 404, asked.text
