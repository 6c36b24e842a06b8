"""Drive each resource type through the provider host, with input bags per the contract."""

from __future__ import annotations

from typing import Any

from tests.provider.grpc_host import DiffOutcome, ProviderHost
from tests.support.platform import PlatformServer
from vcorg.resources import (
    MEETING_ROOM_PROVIDER,
    ROLE_MEMBERS_PROVIDER,
    UNIT_PROVIDER,
    WAITING_AREA_PROVIDER,
)
from vcorg.resources.base import PlatformProvider

ACCESS_HOURS = {
    "timezone": "Australia/Sydney",
    "open": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}],
}


class Kind:
    """One resource type driven through the host, as the engine would drive it."""

    def __init__(self, host: ProviderHost, provider: PlatformProvider, type_name: str) -> None:
        self.host = host
        self.provider = provider
        self.type_name = type_name

    def urn(self, name: str) -> str:
        return self.host.urn(self.type_name, name)

    def props(self, values: dict[str, Any]) -> dict[str, Any]:
        return self.host.with_provider(self.provider, values)

    def check(
        self, name: str, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return self.host.check(self.urn(name), self.props(olds or {}), self.props(news))

    def checked(self, name: str, news: dict[str, Any], olds: dict[str, Any] | None = None):
        inputs, failures = self.check(name, news, olds)
        assert failures == []
        return inputs

    def create(self, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return self.host.create(self.urn(name), self.checked(name, inputs))

    def read(self, name: str, id_: str, state: dict[str, Any]):
        return self.host.read(self.urn(name), id_, state)

    def diff(self, name: str, id_: str, state: dict[str, Any], news: dict[str, Any]) -> DiffOutcome:
        return self.host.diff(self.urn(name), id_, state, self.checked(name, news, state))

    def update(
        self, name: str, id_: str, state: dict[str, Any], news: dict[str, Any]
    ) -> dict[str, Any]:
        return self.host.update(self.urn(name), id_, state, self.checked(name, news, state))

    def delete(self, name: str, id_: str, state: dict[str, Any]) -> None:
        self.host.delete(self.urn(name), id_, state)


class Providers:
    def __init__(self, host: ProviderHost, platform: PlatformServer) -> None:
        self.host = host
        self.platform = platform
        self.org = platform.org
        self.units = Kind(host, UNIT_PROVIDER, "OrganisationalUnit")
        self.areas = Kind(host, WAITING_AREA_PROVIDER, "WaitingArea")
        self.rooms = Kind(host, MEETING_ROOM_PROVIDER, "MeetingRoom")
        self.members = Kind(host, ROLE_MEMBERS_PROVIDER, "RoleMembers")

    def next_run(self) -> None:
        """Start a fresh provider host, as the next pulumi command would (empty caches)."""
        self.host.close()
        self.host = start_host(self.platform)
        for kind in (self.units, self.areas, self.rooms, self.members):
            kind.host = self.host

    # Input bags in the shape docs/architecture.md gives.

    def unit(self, key: str, name: str, **extra: Any) -> dict[str, Any]:
        return {
            "organisation": self.org,
            "key": key,
            "name": name,
            "description": "",
            "reportingTags": [],
            "adopt": False,
            "resourceUrn": self.units.urn(key),
            **extra,
        }

    def area(self, key: str, name: str, unit_key: str, unit_id: str, **extra: Any):
        return {
            "organisation": self.org,
            "key": key,
            "unitKey": unit_key,
            "unitId": unit_id,
            "name": name,
            "description": "",
            "type": "regular",
            "accessHours": ACCESS_HOURS,
            "callerDetails": [],
            "informationForCallers": "",
            "suspended": False,
            "suspendedMessageForCallers": "",
            "suspendedMessageForStaff": "",
            "reportingTags": [],
            "adopt": False,
            "resourceUrn": self.areas.urn(key),
            **extra,
        }

    def room(self, key: str, name: str, unit_key: str, unit_id: str, **extra: Any):
        return {
            "organisation": self.org,
            "key": key,
            "unitKey": unit_key,
            "unitId": unit_id,
            "name": name,
            "description": "",
            "maxParticipants": 6,
            "adopt": False,
            "resourceUrn": self.rooms.urn(key),
            **extra,
        }

    def role(
        self,
        scope_type: str,
        scope_key: str,
        scope_id: str,
        role: str,
        emails: list[str],
        unit_key: str = "u",
    ) -> dict[str, Any]:
        return {
            "organisation": self.org,
            "unitKey": unit_key,
            "scopeType": scope_type,
            "scopeKey": scope_key,
            "scopeId": scope_id,
            "role": role,
            "emails": emails,
            "resourceUrn": self.members.urn(f"{scope_key}.{role}"),
        }


def start_host(platform: PlatformServer, config: dict[str, str] | None = None) -> ProviderHost:
    """A provider host configured (as the engine does) with the platform's URL and token."""
    host = ProviderHost()
    host.configure(config or {"vcorg:apiUrl": platform.url, "vcorg:token": platform.token})
    return host
