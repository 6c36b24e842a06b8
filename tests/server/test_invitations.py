"""Grants and invitations through every state."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from tests.support.platform import PlatformServer, unique_name


@pytest.fixture
def api(shared_server: PlatformServer) -> Any:
    with shared_server.client() as client:
        yield client


@pytest.fixture
def unit(api: httpx.Client) -> dict[str, Any]:
    return api.post("/units", json={"name": unique_name("Unit")}).json()


def invite(api: httpx.Client, scope_id: str, email: str, **extra: Any) -> httpx.Response:
    body = {
        "scopeType": "unit",
        "scopeId": scope_id,
        "role": "organisation-administrator",
        "email": email,
        **extra,
    }
    return api.post("/grants", json=body)


def fresh_email() -> str:
    return unique_name("person").replace(" ", ".") + "@Acme.Test"


def test_pending_then_accepted(api: httpx.Client, shared_server: PlatformServer, unit: Any) -> None:
    email = fresh_email()
    grant = invite(api, unit["id"], email).json()
    assert grant["state"] == "pending"
    assert grant["email"] == email.lower()
    assert grant["accountId"] is None
    invitation = grant["invitation"]
    assert invitation["sendCount"] == 1
    assert invitation["expiresAt"][:10] > invitation["sentAt"][:10]
    assert shared_server.accept_invitations(email=email.upper()) == 1
    active = api.get(f"/grants/{grant['id']}").json()
    assert active["state"] == "active"
    assert active["accountId"] is not None
    assert active["version"] == grant["version"] + 1
    # The person now has an account: a new role is active at once, no invitation.
    room = api.post("/meeting-rooms", json={"unitId": unit["id"], "name": "Huddle"}).json()
    direct = api.post(
        "/grants",
        json={
            "scopeType": "meeting-room",
            "scopeId": room["id"],
            "role": "meeting-room-member",
            "email": email.lower(),
        },
    ).json()
    assert direct["state"] == "active"
    assert direct["invitation"] is None
    assert direct["accountId"] == active["accountId"]


def test_expired_resent_and_revoked(
    api: httpx.Client, shared_server: PlatformServer, unit: Any
) -> None:
    email = fresh_email()
    grant = invite(api, unit["id"], email).json()
    assert shared_server.expire_invitations(email=email) == 1
    expired = api.get(f"/grants/{grant['id']}").json()
    assert expired["state"] == "expired"
    assert shared_server.accept_invitations(email=email) == 0, "expired cannot be accepted"
    listed = api.get("/grants", params={"scopeId": unit["id"], "state": "expired"}).json()
    assert [g["id"] for g in listed["items"]] == [grant["id"]]
    resent = api.post(f"/grants/{grant['id']}/resend").json()
    assert resent["state"] == "pending"
    assert resent["invitation"]["sendCount"] == 2
    assert resent["invitation"]["expiresAt"] > expired["invitation"]["expiresAt"]
    again = api.post(f"/grants/{grant['id']}/resend").json()
    assert again["invitation"]["sendCount"] == 3
    assert api.delete(f"/grants/{grant['id']}").status_code == 204
    revoked = api.get(f"/grants/{grant['id']}").json()
    assert revoked["state"] == "revoked"
    default = api.get("/grants", params={"scopeId": unit["id"]}).json()["items"]
    assert grant["id"] not in [g["id"] for g in default], "revoked is hidden by default"
    shown = api.get("/grants", params={"scopeId": unit["id"], "state": "revoked"}).json()
    assert [g["id"] for g in shown["items"]] == [grant["id"]]
    assert api.post(f"/grants/{grant['id']}/resend").status_code == 409
    assert api.delete(f"/grants/{grant['id']}").status_code == 404
    # After a revoke the same person can be invited again.
    assert invite(api, unit["id"], email).status_code == 201


def test_active_grant_cannot_be_resent_and_is_removed_on_delete(
    api: httpx.Client, shared_server: PlatformServer, unit: Any
) -> None:
    email = fresh_email()
    grant = invite(api, unit["id"], email).json()
    shared_server.accept_invitations(email=email)
    conflict = api.post(f"/grants/{grant['id']}/resend")
    assert conflict.status_code == 409
    assert api.delete(f"/grants/{grant['id']}").status_code == 204
    assert api.get(f"/grants/{grant['id']}").status_code == 404


def test_expired_grant_is_removed_on_delete(
    api: httpx.Client, shared_server: PlatformServer, unit: Any
) -> None:
    email = fresh_email()
    grant = invite(api, unit["id"], email).json()
    shared_server.expire_invitations(email=email)
    assert api.delete(f"/grants/{grant['id']}").status_code == 204
    assert api.get(f"/grants/{grant['id']}").status_code == 404


def test_duplicates_conflict_with_existing_id(api: httpx.Client, unit: Any) -> None:
    email = fresh_email()
    grant = invite(api, unit["id"], email).json()
    duplicate = invite(api, unit["id"], email.upper())
    assert duplicate.status_code == 409
    assert duplicate.json()["existingId"] == grant["id"]
    other_role = invite(api, unit["id"], email, role="organisation-reporter")
    assert other_role.status_code == 201


def test_role_must_fit_scope(api: httpx.Client, unit: Any) -> None:
    response = invite(api, unit["id"], fresh_email(), role="service-provider")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "role"
    missing = invite(api, "unit_missing", fresh_email())
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "scopeId"
    bad_email = invite(api, unit["id"], "not-an-email")
    assert bad_email.json()["errors"][0]["field"] == "email"


def test_unit_filter_covers_areas_and_rooms(api: httpx.Client, unit: Any) -> None:
    area = api.post("/waiting-areas", json={"unitId": unit["id"], "name": "A"}).json()
    room = api.post("/meeting-rooms", json={"unitId": unit["id"], "name": "R"}).json()
    made = {
        invite(api, unit["id"], fresh_email()).json()["id"],
        api.post(
            "/grants",
            json={
                "scopeType": "waiting-area",
                "scopeId": area["id"],
                "role": "service-provider",
                "email": fresh_email(),
            },
        ).json()["id"],
        api.post(
            "/grants",
            json={
                "scopeType": "meeting-room",
                "scopeId": room["id"],
                "role": "meeting-room-member",
                "email": fresh_email(),
            },
        ).json()["id"],
    }
    listed = api.get("/grants", params={"unitId": unit["id"]}).json()["items"]
    assert {g["id"] for g in listed} == made
    only_area = api.get("/grants", params={"scopeType": "waiting-area", "unitId": unit["id"]})
    assert [g["scopeId"] for g in only_area.json()["items"]] == [area["id"]]
    by_role = api.get("/grants", params={"role": "meeting-room-member", "unitId": unit["id"]})
    assert [g["scopeId"] for g in by_role.json()["items"]] == [room["id"]]


def test_invitation_ttl_is_configurable(tmp_path: Any) -> None:
    # 0.00004 days is about 3.5 seconds.
    server = PlatformServer(tmp_path, serve_args=["--invitation-ttl-days", "0.00004"])
    with server, server.client() as api:
        unit = api.post("/units", json={"name": "Short"}).json()
        grant = invite(api, unit["id"], "quick@acme.test").json()
        assert grant["state"] == "pending"
        time.sleep(3.6)
        assert api.get(f"/grants/{grant['id']}").json()["state"] == "expired"
        assert server.accept_invitations() == 0
        assert server.dump()["units"][0]["grants"][0]["state"] == "expired"
