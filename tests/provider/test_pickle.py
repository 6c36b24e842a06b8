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
        assert len(after) < 200, f"{len(after)} bytes: the provider is pickled by value"
        assert TOKEN.encode() not in raw
        assert b"vcorg.resources." in raw
        assert provider.serialize_as_secret_always is False
        clone = dill.loads(raw)
        assert type(clone) is type(provider)
        assert getattr(clone, "_config", None) is None
    finally:
        del provider._config
        forget_sessions()
