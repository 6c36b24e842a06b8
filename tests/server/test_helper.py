"""The shared test helper starts a real server and drives its operator CLI."""

from __future__ import annotations

import httpx

from tests.support.platform import PlatformServer


def test_helper_starts_server_and_counts_requests(vcplatform_server: PlatformServer) -> None:
    server = vcplatform_server
    assert server.url.startswith("http://127.0.0.1:")
    before = server.request_count()
    me = httpx.get(f"{server.api}/me", headers=server.headers).json()
    assert me["email"] == "admin@acme.test"
    assert me["organisation"] == "acme"
    assert me["roles"][0]["role"] == "system-administrator"
    assert server.request_count() == before + 1


def test_dump_shows_tree_and_invitation_states(vcplatform_server: PlatformServer) -> None:
    server = vcplatform_server
    with server.client() as api:
        unit = api.post("/units", json={"name": "Dentistry"}).json()
        area = api.post("/waiting-areas", json={"unitId": unit["id"], "name": "Orthodontics"})
        assert area.status_code == 201, area.text
        grant = api.post(
            "/grants",
            json={
                "scopeType": "unit",
                "scopeId": unit["id"],
                "role": "organisation-administrator",
                "email": "Dana@Acme.test",
            },
        ).json()
    assert grant["state"] == "pending"
    tree = server.dump()
    assert [u["name"] for u in tree["units"]] == ["Dentistry"]
    assert tree["units"][0]["waitingAreas"][0]["link"] == area.json()["link"]
    assert tree["units"][0]["grants"][0]["state"] == "pending"
    assert server.accept_invitations(email="DANA@acme.test") == 1
    assert server.dump()["units"][0]["grants"][0]["state"] == "active"
    assert server.dump() == server.dump()


def test_expire_then_resend(vcplatform_server: PlatformServer) -> None:
    server = vcplatform_server
    with server.client() as api:
        unit = api.post("/units", json={"name": "Housing"}).json()
        grant = api.post(
            "/grants",
            json={
                "scopeType": "unit",
                "scopeId": unit["id"],
                "role": "organisation-reporter",
                "email": "eve@acme.test",
            },
        ).json()
        assert server.expire_invitations() == 1
        assert api.get(f"/grants/{grant['id']}").json()["state"] == "expired"
        resent = api.post(f"/grants/{grant['id']}/resend").json()
    assert resent["state"] == "pending"
    assert resent["invitation"]["sendCount"] == 2
