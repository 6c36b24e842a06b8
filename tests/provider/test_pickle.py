"""The provider blob stored in every resource's state is a small reference with no secrets."""

from __future__ import annotations

import base64

import dill
import pulumi.dynamic.dynamic as sdk_dynamic
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from vcorg.resources import (
    MEETING_ROOM_PROVIDER,
    ROLE_MEMBERS_PROVIDER,
    UNIT_PROVIDER,
    WAITING_AREA_PROVIDER,
)
from vcorg.resources.base import PlatformProvider
from vcorg.resources.session import forget_sessions

TOKEN = "pickle-test-token-7f3a9c"
PROVIDERS = [UNIT_PROVIDER, WAITING_AREA_PROVIDER, MEETING_ROOM_PROVIDER, ROLE_MEMBERS_PROVIDER]


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: type(p).__name__)
def test_pickle_is_a_small_reference_without_the_token(provider: PlatformProvider) -> None:
    before = sdk_dynamic.serialize_provider(provider)
    # Configure it the way the provider host does, and make it build its client.
    config = Config({"vcorg:apiUrl": "http://127.0.0.1:9", "vcorg:token": TOKEN}, "vcorg")
    provider.configure(ConfigureRequest(config))
    assert provider.client.settings.token == TOKEN
    after = sdk_dynamic.serialize_provider(provider)
    try:
        raw = base64.b64decode(after)
        assert after == before
        # Every resource stores it twice: a reference by the class's module path took 100.
        assert len(after) <= 64, f"{len(after)} characters: {raw!r}"
        assert TOKEN.encode() not in raw
        assert b"vcorg" in raw
        assert provider.serialize_as_secret_always is False
        assert dill.loads(raw) is provider
    finally:
        del provider._config
        forget_sessions()


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: type(p).__name__)
def test_another_instance_pickles_as_the_module_level_provider(
    provider: PlatformProvider,
) -> None:
    other = type(provider)()
    other.configure(ConfigureRequest(Config({"vcorg:token": TOKEN}, "vcorg")))
    try:
        raw = base64.b64decode(sdk_dynamic.serialize_provider(other))
        assert TOKEN.encode() not in raw
        assert dill.loads(raw) is provider
    finally:
        del other._config
        forget_sessions()


# What releases before this one stored: a bare reference to the class by its module path.
EARLIER = {
    "UnitProvider": "gASVLwAAAAAAAACMFHZjb3JnLnJlc291cmNlcy51bml0lIwMVW5pdFByb3ZpZGVy"
    "lJOUKYGUfZRiLg==",
    "WaitingAreaProvider": "gASVPgAAAAAAAACMHHZjb3JnLnJlc291cmNlcy53YWl0aW5nX2FyZWGUjBNXYWl0aW5n"
    "QXJlYVByb3ZpZGVylJOUKYGUfZRiLg==",
    "MeetingRoomProvider": "gASVPgAAAAAAAACMHHZjb3JnLnJlc291cmNlcy5tZWV0aW5nX3Jvb22UjBNNZWV0aW5n"
    "Um9vbVByb3ZpZGVylJOUKYGUfZRiLg==",
    "RoleMembersProvider": "gASVPgAAAAAAAACMHHZjb3JnLnJlc291cmNlcy5yb2xlX21lbWJlcnOUjBNSb2xlTWVt"
    "YmVyc1Byb3ZpZGVylJOUKYGUfZRiLg==",
}


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: type(p).__name__)
def test_a_state_written_by_an_earlier_release_still_loads(provider: PlatformProvider) -> None:
    clone = dill.loads(base64.b64decode(EARLIER[type(provider).__name__]))
    assert type(clone) is type(provider)
    assert getattr(clone, "_config", None) is None
