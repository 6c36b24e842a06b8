"""PlatformClient against a real vcplatform: the contract end to end, and a real 429."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.platform import PlatformServer
from vcorg.client import (
    ClientSettings,
    Collection,
    Conflict,
    PlatformClient,
    PreconditionFailed,
    RetryPolicy,
    ValidationFailed,
)


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformServer]:
    with PlatformServer(tmp_path_factory.mktemp("client")) as server:
        yield server


@pytest.fixture
def client(platform: PlatformServer) -> Iterator[PlatformClient]:
    with PlatformClient(ClientSettings(platform.url, platform.token)) as c:
        yield c


def test_me_and_organisation(client: PlatformClient, platform: PlatformServer) -> None:
    me = client.me()
    assert me["email"] == platform.admin_email
    assert client.organisation(platform.org)["key"] == platform.org


def test_pagination_walks_every_page(client: PlatformClient, platform: PlatformServer) -> None:
    org = platform.org
    made = [client.create_object(org, Collection.UNITS, {"name": f"Page {i}"}) for i in range(7)]
    seen = [u["id"] for u in client.iter_objects(org, Collection.UNITS, page_size=3)]
    assert [m["id"] for m in made] == [i for i in seen if i in {m["id"] for m in made}]
    assert len(seen) == len(set(seen))


def test_versions_if_match_and_conflicts(client: PlatformClient, platform: PlatformServer) -> None:
    org = platform.org
    unit = client.create_object(org, Collection.UNITS, {"name": "Versions"})
    updated = client.update_object(
        org, Collection.UNITS, unit["id"], {"description": "x"}, version=unit["version"]
    )
    assert updated["version"] == unit["version"] + 1
    with pytest.raises(PreconditionFailed):
        client.update_object(
            org, Collection.UNITS, unit["id"], {"description": "y"}, version=unit["version"]
        )
    with pytest.raises(Conflict) as info:
        client.create_object(org, Collection.UNITS, {"name": "Versions"})
    assert info.value.existing_id == unit["id"]


def test_rooms_reset_link_and_field_errors(
    client: PlatformClient, platform: PlatformServer
) -> None:
    org = platform.org
    unit = client.create_object(org, Collection.UNITS, {"name": "Rooms"})
    room = client.create_object(
        org, Collection.MEETING_ROOMS, {"unitId": unit["id"], "name": "Huddle"}
    )
    reset = client.reset_meeting_room_link(org, room["id"])
    assert reset["link"] != room["link"]
    with pytest.raises(ValidationFailed) as info:
        client.create_object(
            org,
            Collection.MEETING_ROOMS,
            {"unitId": unit["id"], "name": "Too big", "maxParticipants": 9},
        )
    assert any(e.field == "maxParticipants" for e in info.value.errors)
    assert "maxParticipants" in str(info.value)


def test_grants_resend_and_revoke(client: PlatformClient, platform: PlatformServer) -> None:
    org = platform.org
    unit = client.create_object(org, Collection.UNITS, {"name": "Grants"})
    grant = client.create_grant(
        org,
        scope_type="unit",
        scope_id=unit["id"],
        role="organisation-reporter",
        email="Rae@Example.org",
    )
    assert (grant["state"], grant["email"]) == ("pending", "rae@example.org")
    platform.expire_invitations("rae@example.org")
    assert client.list_grants(org, unit_id=unit["id"])[0]["state"] == "expired"
    assert client.resend_grant(org, grant["id"])["state"] == "pending"
    client.delete_grant(org, grant["id"])
    assert client.list_grants(org, unit_id=unit["id"]) == []
    assert client.list_grants(org, unit_id=unit["id"], state="revoked")[0]["id"] == grant["id"]


def test_rate_limit_is_waited_out(tmp_path: Path) -> None:
    with PlatformServer(tmp_path / "limited", serve_args=("--rate-limit", "5/s")) as platform:
        settings = ClientSettings(platform.url, platform.token)
        with PlatformClient(settings, retry=RetryPolicy(deadline=60)) as client:
            for i in range(20):
                client.create_object(platform.org, Collection.UNITS, {"name": f"Burst {i}"})
            assert client.stats.statuses[429] > 0
            assert client.stats.retries >= client.stats.statuses[429]
        assert len(platform.dump()["units"]) == 20
